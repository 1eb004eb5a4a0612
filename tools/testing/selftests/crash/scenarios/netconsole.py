# SPDX-License-Identifier: GPL-2.0
"""netconsole: the guest sends through QEMU's user network to UDP sockets
on the host (receiver.py), from netconsole= at boot or from configfs at
run time, and through a panic."""
import os
import re
import sys

from . import CheckFailed, scenario
from .chain import expect_receipt

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
import receiver  # noqa: E402

PATCHED = ("patched",)
GUEST_IP = "10.0.2.15"
HOST_IP = "10.0.2.2"	# QEMU's user network hands this to 127.0.0.1
FLOOD = 10000
# Every record to the consoles: a gap in the extended records' sequence
# numbers is then a lost record, not one below the console loglevel.
ALL = "ignore_loglevel "

# A /dev/kmsg write holds at most 992 bytes; with its header and the
# release this one does not fit in a 1000-byte datagram.
LONG = "E2E-NC long " + "".join("%04d" % i for i in range(240)) + " end"


def target(flags, local_port, rx, dev="eth0"):
    """A netconsole= target sending to receiver @rx (its port filled in
    by receivers())."""
    return "%s%d@%s/%s,%%(%s)d@%s/" % (flags, local_port, GUEST_IP, dev, rx,
                                       HOST_IP)


def receivers(names, cmdline):
    """A setup that starts a receiver per name (run.data["rx"][name]) and
    adds @cmdline % {name: port} to the kernel's command line."""
    def setup(run):
        rx = {n: receiver.UdpReceiver() for n in names}
        run.data["rx"] = rx
        run.data["cmdline"] = cmdline % {n: r.port for n, r in rx.items()}
    return setup


def stop_receivers(run):
    """Teardown: stop the receivers, keep what each got in NAME.udp."""
    for name, r in run.data.get("rx", {}).items():
        with open(os.path.join(run.workdir, name + ".udp"), "wb") as f:
            f.write(b"".join(r.stop()))


def received(run, name):
    """Stop @name's receiver; its datagrams."""
    return run.data["rx"][name].stop()


def extended(run, name):
    """@name's datagrams as whole extended messages, checked to be no
    longer than a datagram and to have no gap in their sequence numbers."""
    datagrams = received(run, name)
    if not datagrams:
        raise CheckFailed("%s: nothing received" % name)
    big = [len(d) for d in datagrams if len(d) > 1000]
    if big:
        raise CheckFailed("%s: datagrams over 1000 bytes: %s" % (name, big))
    msgs = receiver.reassemble(datagrams)
    missing = receiver.gaps(msgs)
    if missing:
        raise CheckFailed("%s: %d sequence numbers missing, first %s"
                          % (name, len(missing), missing[:5]))
    return msgs


def body_with(msgs, prefix):
    return [b.decode(errors="replace") for _, b in msgs
            if b.startswith(prefix.encode())]


def expect_burst(msgs, prefix, n):
    """Every one of e2e_kmsg_flood's @n messages "@prefix I" in @msgs."""
    got = {int(b.split()[2]) for b in body_with(msgs, prefix + " ")}
    lost = sorted(set(range(n)) - got)
    if lost:
        raise CheckFailed("%d lost (first %s)" % (len(lost), lost[:5]))


# Guest: wait (up to 10 s) for netpoll's worker to send what the NIC
# could not take at once, the boot log replayed at registration first
# (stats' queued column; upstream has no stats file)
QUEUE_SENT = r"""i=0
	while [ $i -lt 100 ] && awk '/^cmdline/ && $7 > 0 { q = 1 } END { exit !q }' \
			/sys/kernel/debug/netconsole/stats 2>/dev/null; do
		sleep 0.1; i=$((i + 1))
	done"""


# One extended target and every record to the consoles
ONE_EXT = receivers(("ext",), ALL + "printk.devkmsg=on netconsole=" +
                    target("+", 6666, "ext"))


@scenario("netconsole-panic", net=True, timeout=180,
          setup=receivers(("plain", "ext"), ALL + "panic=1 netconsole=%s;%s"
                          % (target("", 6665, "plain"),
                             target("+r", 6666, "ext"))),
          teardown=stop_receivers, guest="""
boot1() {
	echo "E2E-NC marker" > /dev/kmsg
	echo "%s" > /dev/kmsg
	e2e_crash PANIC
}
boot2() { :; }
""" % LONG)
def netconsole_panic(run):
    """Two targets from netconsole=, one plain and one extended with the
    release: both receive the boot log, a message longer than a datagram
    and the panic; the extended one has every sequence number and puts the
    long message back together from its fragments."""
    plain = b"".join(received(run, "plain")).decode(errors="replace")
    for what in ("E2E-NC marker", LONG, "Kernel panic - not syncing: "
                 "dumptest", "Linux version "):
        if what not in plain:
            raise CheckFailed("plain target: no %r" % what[:40])
    msgs = extended(run, "ext")
    release = re.search(r"Linux version (\S+)", run.log).group(1)
    if not all(h.startswith(release.encode() + b",") for h, _ in msgs):
        raise CheckFailed("extended target: a header without %s" % release)
    if body_with(msgs, LONG) != [LONG + "\n"]:
        raise CheckFailed("extended target: the long message is not whole: "
                          "%r" % body_with(msgs, "E2E-NC long")[:1])
    if not body_with(msgs, "Kernel panic - not syncing: dumptest"):
        raise CheckFailed("extended target: no panic message")
    if run.kind == "patched":
        expect_receipt(run, run.boots[0], [
            ("netconsole", "stream", "ok")])
        receipt = [b for b in body_with(msgs, "crash_chain:   ")
                   if "netconsole" in b]
        if not receipt:
            raise CheckFailed("extended target: no receipt line of its "
                              "own stream stage")


@scenario("netconsole-flood", net=True, timeout=600,
          setup=ONE_EXT,
          teardown=stop_receivers, guest="""
boot1() {
	e2e_kmsg_flood "E2E-NC flood" %d
	sed 's/^/E2E: stats /' /sys/kernel/debug/netconsole/stats 2>/dev/null
	e2e_result flooded
}
""" % FLOOD)
def netconsole_flood(run):
    """10000 messages written to /dev/kmsg as fast as the guest can all
    arrive, once each, with no gap in the sequence numbers; the patched
    kernel's own count of lost records agrees."""
    run.expect(r"^E2E: result flooded$")
    msgs = extended(run, "ext")
    got = {}
    for b in body_with(msgs, "E2E-NC flood "):
        n = int(b.split()[2])
        got[n] = got.get(n, 0) + 1
    lost = [n for n in range(FLOOD) if n not in got]
    twice = [n for n, c in got.items() if c > 1]
    if lost or twice:
        raise CheckFailed("flood: %d lost (first %s), %d twice"
                          % (len(lost), lost[:5], len(twice)))
    if run.kind == "patched":
        m = run.expect(r"^E2E: stats cmdline0 1 1 (\d+) (\d+) 0 \d+$")
        if int(m.group(1)) < FLOOD:
            raise CheckFailed("stats: %s" % m.group(0))
        run.expect(r"^E2E: stats extended records dropped by printk: 0$")
        run.expect_not(r"netconsole: .* at shutdown: lost")



# 2 frames every 5 ms once the ring is full: 400 a second
SLOW_NIC = "tx=timer,x-txtimer=5000000,x-txburst=2"
SLOW_FLOOD = 150


@scenario("netconsole-slow-nic", net=SLOW_NIC, kernels=PATCHED,
          setup=ONE_EXT,
          teardown=stop_receivers, guest="""
boot1() {
	sleep 3		# the boot log replayed to the target goes out first
	e2e_kmsg_flood "E2E-NC slow" %d
	e2e_result flooded
}
""" % SLOW_FLOOD)
def netconsole_slow_nic(run):
    """A NIC that sends 400 frames a second, a burst of messages and a
    power-off right after it: netpoll still holds part of the burst for
    its worker, and netconsole sends it before the devices shut down, so
    every message arrives."""
    run.expect(r"^E2E: result flooded$")
    expect_burst(extended(run, "ext"), "E2E-NC slow", SLOW_FLOOD)
    run.expect(r"netconsole: sending \d+ queued datagrams and \d+ bytes in "
               r"the devices before shutdown")
    run.expect_not(r"netconsole: .* at shutdown: lost")


# The same NIC and a burst, much of it held by netpoll for its worker
# when the link goes down (the byte queue limit stops the NIC's queue
# after a few frames), which its worker frees silently once the device
# has stopped: without netconsole's step, 22 of 400 arrived.  Sent in
# 0.6 s at 400 frames a second.
DOWN_FLOOD = 250


@scenario("netconsole-slow-nic-down", net=SLOW_NIC, kernels=PATCHED,
          setup=ONE_EXT,
          teardown=stop_receivers, guest="""
boot1() {
	%s
	e2e_kmsg_flood "E2E-NC slow" %d
	ip link set eth0 down
	sleep 1		# the frames the NIC took go out at its pace
	sed 's/^/E2E: stats /' /sys/kernel/debug/netconsole/stats
}
""" % (QUEUE_SENT, DOWN_FLOOD))
def netconsole_slow_nic_down(run):
    """The slow NIC, a burst, and the link taken down right after it, with
    part of the burst still queued: netconsole sends it before the device
    stops, so every message arrives and none is counted lost."""
    run.expect(r"netconsole: eth0 goes down: sending [1-9]\d* queued "
               r"datagrams")
    expect_burst(extended(run, "ext"), "E2E-NC slow", DOWN_FLOOD)
    run.expect(r"^E2E: stats datagrams lost, queued when their device went "
               r"down: 0$")
    run.expect_not(r"netconsole: eth0 went down with")


# One frame a second: a queue that cannot be sent in the second allowed.
STUCK_NIC = "tx=timer,x-txtimer=1000000000,x-txburst=1"


@scenario("netconsole-stuck-nic-down", net=STUCK_NIC, kernels=PATCHED,
          setup=ONE_EXT,
          teardown=stop_receivers, guest="""
boot1() {
	e2e_kmsg_flood "E2E-NC stuck" %d
	ip link set eth0 down
	sed 's/^/E2E: stats /' /sys/kernel/debug/netconsole/stats
}
""" % DOWN_FLOOD)
def netconsole_stuck_nic_down(run):
    """A NIC that sends one frame a second, a burst, and the link taken
    down: what netconsole could not send in its second is lost, and said
    so, with the number, in the log and in the statistics."""
    m = run.expect(r"netconsole: eth0 goes down: sending (\d+) queued "
                   r"datagrams first\n(?:.*\n)*?.*netconsole: eth0 went down "
                   r"with (\d+) datagrams still queued: lost$")
    queued, lost = int(m.group(1)), int(m.group(2))
    if not 0 < lost <= queued + 1:	# + the "goes down" line itself
        raise CheckFailed("%d queued, %d lost" % (queued, lost))
    run.expect(r"^E2E: stats datagrams lost, queued when their device went "
               r"down: %d$" % lost)
    # and not counted again at the power-off
    run.expect_not(r"netconsole: .* at shutdown: lost")


@scenario("netconsole-stuck-nic-shutdown", net=STUCK_NIC, kernels=PATCHED,
          setup=receivers(("ext",), ALL + "printk.devkmsg=on netconsole=" +
                          target("+", 6666, "ext") + ";" +
                          target("+", 6667, "ext")),
          teardown=stop_receivers, guest="""
boot1() {
	e2e_kmsg_flood "E2E-NC stuck" %d
	sed 's/^/E2E: stats /' /sys/kernel/debug/netconsole/stats
}
""" % DOWN_FLOOD)
def netconsole_stuck_nic_shutdown(run):
    """Two targets on the NIC sending a frame a second, a burst, and a
    power-off: the queue netpoll holds is the device's, and the loss at
    shutdown is counted once, not once per target."""
    q = [int(m.group(1)) for m in re.finditer(
        r"^E2E: stats cmdline[01] 1 1 \d+ \d+ 0 (\d+)$", run.log, re.M)]
    if len(q) != 2 or q[0] != q[1] or q[0] < 100:
        raise CheckFailed("stats' queued columns: %s" % q)
    m = run.expect(r"netconsole: (\d+) datagrams queued and \d+ bytes in "
                   r"the devices at shutdown: lost")
    # a few lines more were printed since, and a frame or two sent;
    # twice the queue would be a count per target
    if not q[0] - 5 <= int(m.group(1)) <= q[0] + 20:
        raise CheckFailed("%s datagrams lost, %d queued" % (m.group(1), q[0]))


@scenario("netconsole-slow-nic-panic", net=SLOW_NIC, kernels=PATCHED,
          timeout=180,
          setup=receivers(("ext",), ALL + "printk.devkmsg=on panic=1 "
                          "netconsole=" + target("+", 6666, "ext")),
          teardown=stop_receivers, guest="""
boot1() {
	sleep 3		# the boot log replayed to the target goes out first
	e2e_kmsg_flood "E2E-NC slow" %d
	e2e_crash PANIC
}
boot2() { :; }
""" % SLOW_FLOOD)
def netconsole_slow_nic_panic(run):
    """The same slow NIC and burst, then a panic: the burst, the panic,
    the receipt printed after netconsole's stream stage and the last line
    before the reboot all arrive, though netpoll still held datagrams for
    a worker that never runs."""
    msgs = extended(run, "ext")
    expect_burst(msgs, "E2E-NC slow", SLOW_FLOOD)
    for what in ("Kernel panic - not syncing: dumptest",
                 "crash_chain: panic run: ", "Rebooting in "):
        if not body_with(msgs, what):
            raise CheckFailed("no %r at the receiver" % what)


CONFIGFS = """
D=/sys/kernel/config/netconsole
port=$(sed -n 's/.*e2e_nc_port=\\([0-9]*\\).*/\\1/p' /proc/cmdline)
# nc_target NAME: a target in configfs sending to the host's receiver
nc_target() {
	d=$D/$1
	mkdir $d
	echo eth0 > $d/dev_name
	echo %s > $d/local_ip
	echo %s > $d/remote_ip
	echo $port > $d/remote_port
	echo 1 > $d/extended
}
""" % (GUEST_IP, HOST_IP)


@scenario("netconsole-configfs", net=True,
          setup=receivers(("ext",), "panic=1 e2e_nc_port=%(ext)d"),
          teardown=stop_receivers, guest=CONFIGFS + """
boot1() {
	nc_target spare
	echo 1 > $D/spare/enabled
	rmdir $D/spare
	nc_target e2e
	mkdir $d/userdata/owner
	echo e2e > $d/userdata/owner/value
	if mkdir "$d/userdata/$(printf 'evil\nkey')" 2>/dev/null; then
		e2e_result newline key accepted
		rmdir "$d/userdata/$(printf 'evil\nkey')"
	fi
	if (printf 'x\nforged=1\n' > $d/userdata/owner/value) 2>/dev/null
	then
		e2e_result newline value accepted
		echo e2e > $d/userdata/owner/value
	fi
	echo 1 > $d/enabled
	echo "E2E-NC one" > /dev/kmsg
	if (echo 7777 > $d/remote_port) 2>/dev/null; then
		e2e_result port changed while enabled
	fi
	echo 0 > $d/enabled
	echo "E2E-NC two" > /dev/kmsg
	echo 1 > $d/enabled
	echo "E2E-NC three" > /dev/kmsg
	e2e_result targets: $(ls $D)
	e2e_crash PANIC
}
boot2() { :; }
""")
def netconsole_configfs(run):
    """Targets made in configfs at run time: one enabled and removed with
    rmdir; one that refuses a userdata key or value with a newline (our
    kernel), sends its userdata with every message, stops when
    disabled, restarts when enabled again, refuses a new port while
    enabled, and gets the panic."""
    run.expect(r"^E2E: result targets: e2e$")
    run.expect_not(r"^E2E: result port changed while enabled$")
    if run.kind == "patched":
        # upstream takes both, and the value adds a line to each message
        run.expect_not(r"^E2E: result newline (key|value) accepted$")
        run.expect(r'netconsole: userdata key "evil\\nkey" has a newline')
        run.expect(r"netconsole: userdata owner: the value has a newline")
    msgs = receiver.reassemble(received(run, "ext"))
    bodies = [b.decode(errors="replace") for _, b in msgs]
    for want in ("E2E-NC one\n owner=e2e\n", "E2E-NC three\n owner=e2e\n",
                 "Kernel panic - not syncing: dumptest\n owner=e2e\n"):
        if want not in bodies:
            raise CheckFailed("no message %r in %r" % (want,
                                                       bodies[-5:]))
    if any(b.startswith("E2E-NC two") for b in bodies):
        raise CheckFailed("a message sent while the target was disabled")


SYSDATA = ("cpu_nr", "taskname", "release", "msgid")


@scenario("netconsole-sysdata", net=True, kernels=PATCHED,
          setup=receivers(("ext",), "panic=1 printk.devkmsg=on "
                          "e2e_nc_port=%(ext)d"),
          teardown=stop_receivers, guest=CONFIGFS + """
boot1() {
	nc_target e2e
	echo 1 > $d/enabled
	echo "E2E-NC none" > /dev/kmsg
	for f in %s; do echo 1 > $d/userdata/${f}_enabled; done
	e2e_result sysdata $(cat $d/userdata/*_enabled)
	i=0
	while [ $i -lt 100 ]; do
		echo "E2E-NC all $i" > /dev/kmsg
		i=$((i + 1))
	done
	echo 0 > $d/userdata/taskname_enabled
	echo "E2E-NC no-taskname" > /dev/kmsg
	e2e_crash PANIC
}
boot2() { :; }
""" % " ".join(SYSDATA))
def netconsole_sysdata(run):
    """The fields upstream's later kernels add to an extended target's
    messages, switched on while the target sends (userdata/cpu_nr_enabled,
    taskname_enabled, release_enabled, msgid_enabled): absent before, all
    four on every message after, in order, with msgids that leave no gap
    up to the panic; one switched off again is gone from the next
    message."""
    run.expect(r"^E2E: result sysdata 1 1 1 1$")
    release = re.search(r"Linux version (\S+)", run.log).group(1)
    msgs = extended(run, "ext")
    keys = ("cpu", "taskname", "release", "msgid")
    none = body_with(msgs, "E2E-NC none\n")
    if len(none) != 1 or set(keys) & set(receiver.fields(none[0].encode())):
        raise CheckFailed("sysdata before it was switched on: %r" % none)
    every = body_with(msgs, "E2E-NC all ")
    if len(every) != 100:
        raise CheckFailed("%d of 100 messages" % len(every))
    for b in every:
        f = receiver.fields(b.encode())
        tail = b.split("\n")[-5:-1]
        if [t.split("=")[0].strip() for t in tail] != list(keys) or \
                not f["cpu"].isdigit() or not f["taskname"] or \
                f["release"] != release:
            raise CheckFailed("sysdata of %r" % b)
    last = body_with(msgs, "E2E-NC no-taskname\n")
    if len(last) != 1 or "taskname" in receiver.fields(last[0].encode()) \
            or "msgid" not in receiver.fields(last[0].encode()):
        raise CheckFailed("after taskname_enabled=0: %r" % last)
    panic = body_with(msgs, "Kernel panic - not syncing: dumptest")
    if not panic or "msgid" not in receiver.fields(panic[0].encode()):
        raise CheckFailed("the panic message has no msgid: %r" % panic[:1])
    missing = receiver.msgid_gaps(msgs)
    if missing:
        raise CheckFailed("%d msgids missing, first %s"
                          % (len(missing), missing[:5]))


def rsyslog(run):
    """Setup: Debian's rsyslogd as the receiver "ext", and a netconsole=
    extended target to it."""
    rx = receiver.RsyslogReceiver(run.workdir)
    run.data["rx"] = {"ext": rx}
    run.data["cmdline"] = ALL + "panic=1 printk.devkmsg=on netconsole=" + \
        target("+", 6666, "ext") % {"ext": rx.port}


# Seen once (CI run of 2026-12-06, our kernel): the guest stopped for good
# at power-off right after virtio-net's "Unexpected TXQ" errors.  The NIC
# is shut down before S5 and netconsole's writes then fail on it, on
# upstream's kernel too, which powers off a millisecond later; why it
# once did not is not understood yet.  A run that ends there runs again.
SHUTDOWN_STALL = (r"^.*Preparing to enter system sleep state S5\n"
                  r"(?:.*Unexpected TXQ.*\n)*\Z")


@scenario("netconsole-rsyslog", net=True, setup=rsyslog,
          teardown=stop_receivers, rerun_on=SHUTDOWN_STALL, guest="""
boot1() {
	echo "E2E-NC before" > /dev/kmsg
	u=/sys/kernel/config/netconsole/cmdline0
	if mkdir $u 2>/dev/null && [ -e $u/userdata/msgid_enabled ]; then
		for f in %s; do echo 1 > $u/userdata/${f}_enabled; done
		e2e_result sysdata on
	fi
	i=0
	while [ $i -lt 50 ]; do
		echo "E2E-NC marker $i" > /dev/kmsg
		i=$((i + 1))
	done
	echo "%s" > /dev/kmsg
	e2e_crash PANIC
}
boot2() { :; }
""" % (" ".join(SYSDATA), LONG))
def netconsole_rsyslog(run):
    """netconsole into the syslog daemon a fleet already runs: Debian's
    rsyslogd with its UDP input on 127.0.0.1 keeps, in its file, every
    message from the boot log to the panic with no gap in the sequence
    numbers, the long message whole from its fragments; on our kernel,
    with cmdline0 adopted in configfs and the kernel's lines switched on,
    every message after that has them, msgids without a gap, and the one
    before has none."""
    msgs = extended(run, "ext")
    if run.data["rx"]["ext"].senders != ["127.0.0.1"]:
        raise CheckFailed("senders: %s" % run.data["rx"]["ext"].senders)
    for what in ("Linux version ", "E2E-NC marker 0\n", "E2E-NC marker 49\n",
                 "Kernel panic - not syncing: dumptest"):
        if not body_with(msgs, what):
            raise CheckFailed("rsyslog kept no %r" % what)
    if [b.split("\n")[0] for b in body_with(msgs, LONG[:20])] != [LONG]:
        raise CheckFailed("the long message is not whole")
    if run.kind != "patched":
        return
    run.expect(r"^E2E: result sysdata on$")
    keys = {"cpu", "taskname", "release", "msgid"}
    if keys & set(receiver.fields(body_with(msgs, "E2E-NC before")[0]
                                  .encode())):
        raise CheckFailed("sysdata before it was switched on")
    for b in body_with(msgs, "E2E-NC marker ") + \
            body_with(msgs, "Kernel panic - not syncing"):
        if not keys <= set(receiver.fields(b.encode())):
            raise CheckFailed("no sysdata in %r" % b)
    missing = receiver.msgid_gaps(msgs)
    if missing:
        raise CheckFailed("msgids missing: %s" % missing[:5])


@scenario("netconsole-link-down", net=True,
          setup=receivers(("ext",), "panic=1 netconsole=%s;%s" % (
              target("+", 6666, "ext"),
              target("+", 6667, "ext").replace(HOST_IP, "10.0.2.99"))),
          teardown=stop_receivers, guest="""
boot1() {
	echo "E2E-NC link up" > /dev/kmsg
	# the line above is only sent once netpoll's queue is empty
	%s
	[ -e /sys/kernel/debug/netconsole/stats ] || sleep 1	# upstream
	ip link set eth0 down
	echo "E2E-NC link down" > /dev/kmsg
	sed 's/^/E2E: stats /' /sys/kernel/debug/netconsole/stats 2>/dev/null
	e2e_crash PANIC
}
boot2() { :; }
""" % QUEUE_SENT)
def netconsole_link_down(run):
    """With one target nobody listens for and the device taken down, a
    panic still ends in the reboot; what was sent while the link was up
    arrived, and the patched kernel counts what it could not send and
    does not wait for the device that is down."""
    run.expect_boots(2)
    run.expect(r"Rebooting in 1 seconds", run.boots[0])
    bodies = [b for _, b in receiver.reassemble(received(run, "ext"))]
    if b"E2E-NC link up\n" not in bodies:
        raise CheckFailed("nothing from before the link went down")
    if any(b.startswith(b"E2E-NC link down") for b in bodies):
        raise CheckFailed("a message sent with the link down")
    if run.kind == "patched":
        for n in (0, 1):
            m = run.expect(r"^E2E: stats cmdline%d 1 1 \d+ \d+ (\d+) \d+$"
                           % n)
            if int(m.group(1)) < 1:
                raise CheckFailed("stats: %s" % m.group(0))
        # the stream stage has no running device to send through
        expect_receipt(run, run.boots[0],
                       [("netconsole", "stream", "idle")])


@scenario("netconsole-bad-targets", net=True, kernels=PATCHED,
          setup=receivers(("ext",), ALL + "netconsole=%s;%s;%s;%s" % (
              "6666@10.0.2.15/eth0,99999@10.0.2.2/",
              "r6667@10.0.2.15/eth0,6668@10.0.2.2/",
              target("+", 6669, "ext", dev="nosuch"),
              target("+", 6670, "ext"))),
          teardown=stop_receivers, guest="""
boot1() {
	echo "E2E-NC still logging" > /dev/kmsg
	sed 's/^/E2E: stats /' /sys/kernel/debug/netconsole/stats
	# netpoll defers what the NIC cannot take at once (the boot log
	# replayed at registration) to a worker: let it drain before poweroff
	sleep 1
}
""")
def netconsole_bad_targets(run):
    """Each bad netconsole= target is named with its reason and skipped or
    kept disabled; the good one after them still logs."""
    run.expect(r'netconsole: target 1 "6666@10.0.2.15/eth0,99999@10.0.2.2/":'
               r" bad target port; skipped")
    run.expect(r'netconsole: target 2 "r6667@10.0.2.15/eth0,6668@10.0.2.2/":'
               r" the release prefix \(r\) needs the extended format \(\+\);"
               r" skipped")
    run.expect(r"netconsole: cmdline0: cannot send through nosuch: -19")
    run.expect(r"netconsole: cmdline0: kept disabled")
    run.expect(r"netconsole: cmdline1: logging to 10.0.2.2:\d+ through eth0")
    run.expect(r"^E2E: stats cmdline0 0 1 0 0 0 0$")
    bodies = [b for _, b in extended(run, "ext")]
    if b"E2E-NC still logging\n" not in bodies:
        raise CheckFailed("the good target did not log")


# 9 targets, 314 characters: cut at 255, the last would be cut mid-way.
LONG_NETCONSOLE = ";".join("%d@10.0.2.15/eth0,6666@10.0.2.2/" % (7000 + i)
                           for i in range(9))


@scenario("netconsole-too-long", net=True, kernels=PATCHED,
          cmdline="netconsole=" + LONG_NETCONSOLE,
          guest="boot1() { e2e_result booted; }\n")
def netconsole_too_long(run):
    """A netconsole= longer than the 255 characters it may be is refused
    whole with a line saying so, rather than cut (a cut address logs to
    another host); the system boots."""
    run.expect(r"netconsole: netconsole= is %d characters long, more than "
               r"the 255 it may be: no target taken from it"
               % len(LONG_NETCONSOLE))
    run.expect_not(r"netconsole: cmdline\d+: logging to")
    run.expect(r"^E2E: result booted$")


# nc_dummy_target NAME PORT: a target in configfs on the dummy device nc0
DUMMY = """
D=/sys/kernel/config/netconsole
nc_dummy_target() {
	d=$D/$1
	mkdir $d
	echo nc0 > $d/dev_name
	echo 10.9.0.1 > $d/local_ip
	echo 10.9.0.2 > $d/remote_ip
	echo $2 > $d/local_port
	echo 1 > $d/enabled || e2e_result cannot enable $1
}
nc_dummy() {
	ip link add nc0 type dummy && ip link set nc0 up
}
# nc_del: delete nc0, say within how many tenths of a second it went
nc_del() {
	ip link del nc0 &
	pid=$!
	n=0
	while kill -0 $pid 2>/dev/null && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	e2e_result deleted in $n tenths
}
"""


@scenario("netconsole-device-gone", kernels=PATCHED, timeout=300,
          guest=DUMMY + """
boot1() {
	nc_dummy
	for i in 0 1 2 3 4 5 6 7 8 9 10; do
		nc_dummy_target t$i $((7000 + i))
	done
	echo "E2E-NC to eleven targets" > /dev/kmsg
	nc_del
	e2e_result enabled: $(cat $D/t*/enabled | tr -d '\\n')
	for i in 0 1 2 3 4 5 6 7 8 9 10; do
		rmdir $D/t$i || e2e_result rmdir t$i failed
	done
	e2e_result left: $(ls $D | wc -l)
	# rmdir racing the device's removal
	i=0
	while [ $i -lt 300 ]; do
		nc_dummy
		nc_dummy_target r 7100
		rmdir $D/r &
		ip link del nc0
		wait
		i=$((i + 1))
	done
	e2e_result raced $i
	nc_dummy
	nc_dummy_target z 7200
	nc_del
	rmdir $D/z
}
""")
def netconsole_device_gone(run):
    """Eleven targets on one device, then `ip link del`: each target lets
    go of it with a "went away" line, the device is gone at once, and each
    target can be removed; then rmdir races the device's removal (no
    leaked reference: the last deletion is as quick; no KASAN report on
    the debug build)."""
    for i in range(11):
        run.expect(r"netconsole: t%d: nc0 went away: logging stopped" % i)
    m = run.expect(r"^E2E: result deleted in (\d+) tenths$")
    if int(m.group(1)) > 10:
        raise CheckFailed("nc0 took %s tenths of a second to go"
                          % m.group(1))
    run.expect(r"^E2E: result enabled: 0{11}$")
    run.expect_not(r"^E2E: result (rmdir \S+ failed|cannot enable)")
    run.expect(r"^E2E: result left: 0$")
    run.expect(r"^E2E: result raced 300$")
    m = re.findall(r"^E2E: result deleted in (\d+) tenths$", run.log, re.M)
    if len(m) != 2 or int(m[1]) > 10:
        raise CheckFailed("after the race, nc0 deletion: %s tenths" % m)
    run.expect(r"netconsole: z: nc0 went away: logging stopped")
    run.expect_not(r"waiting for nc0 to become free")
