# SPDX-License-Identifier: GPL-2.0
# Helpers for the scenarios' guest steps (sourced by /init and run.sh).
# Every line meant for the host starts with "E2E: ".

E2E_CTL=/dev/vda
# Block offsets (in KiB) of the control disk's areas; e2e.py has the same.
E2E_COUNTER_KB=1024
E2E_OUTPUT_KB=2048

e2e_counter_bump() {
	local n
	n=$(dd if=$E2E_CTL bs=1024 skip=$E2E_COUNTER_KB count=1 2>/dev/null |
		tr -dc 0-9)
	n=$((${n:-0} + 1))
	echo "$n" | dd of=$E2E_CTL bs=1024 seek=$E2E_COUNTER_KB conv=sync,notrunc \
		2>/dev/null
	sync
	echo "$n"
}

# e2e_output FILE...: hand files to the host (a tar in the output area).
e2e_output() {
	tar -cf /tmp/e2e-output.tar "$@" &&
		dd if=/tmp/e2e-output.tar of=$E2E_CTL bs=1024 seek=$E2E_OUTPUT_KB \
			conv=notrunc 2>/dev/null
	sync
}

e2e_result() {
	echo "E2E: result $*"
}

e2e_poweroff() {
	sync
	poweroff -f
	sleep 30
}

e2e_done() {
	echo "E2E: done"
	e2e_poweroff
}

# e2e_kmsg_flood PREFIX N: write "PREFIX 0" .. "PREFIX N-1" to /dev/kmsg
e2e_kmsg_flood() {
	i=0
	while [ $i -lt $2 ]; do
		echo "$1 $i"
		i=$((i + 1))
	done > /dev/kmsg
}

# e2e_crash HOW: crash the kernel; HOW is "sysrq" or an LKDTM crash type.
e2e_crash() {
	echo "E2E: crashing with $1"
	sync
	if [ "$1" = sysrq ]; then
		echo c > /proc/sysrq-trigger
	else
		echo "$1" > /sys/kernel/debug/provoke-crash/DIRECT
	fi
	echo "E2E: still alive after $1"
}
