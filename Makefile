# SPDX-License-Identifier: GPL-2.0
#
# One file, two roles.
#
# Inside a kernel build this is the crash-diagnosis subsystem's Kbuild file:
# the tree holds it as crash/Makefile and the top-level Kbuild includes it
# (patches/0001-kbuild-reach-the-crash-diagnosis-subsystem.patch), with
# kbuild's srctree set.  It names the directories the subsystem owns.
#
# At the root of the repository it is the user's entry point: `make help`.

# Directories of the subsystem inside the kernel tree: those this file
# descends into, and all of them (fs/Makefile reaches fs/pstore/ itself).
crash-dirs := kernel/crash/ drivers/ramoops/ drivers/mtdoops/ \
	drivers/netconsole/
crash-x86-dirs := arch/x86/kexec/
crash-own-dirs := $(crash-dirs) $(crash-x86-dirs) fs/pstore/

ifneq ($(srctree),)

obj-y += $(crash-dirs)
obj-$(CONFIG_X86_64) += $(crash-x86-dirs)

else

SHELL := /bin/bash
.DEFAULT_GOAL := help
.NOTPARALLEL:
.DELETE_ON_ERROR:

REPO := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
OUT ?= $(REPO)/out
JOBS ?= $(shell nproc)

# The pinned base: Debian's linux-source-6.12, or a 6.12.y tree of yours.
ifdef KERNEL_SRC
BASE := $(abspath $(KERNEL_SRC))
else
BASE := $(OUT)/base/linux-source-6.12
endif
TREE := $(OUT)/tree
FRAGMENT := $(REPO)/kernel/configs/crash-qemu.config
KCONFIGS := $(REPO)/Kconfig $(shell find $(REPO)/kernel $(REPO)/arch \
	$(REPO)/fs $(REPO)/drivers -name 'Kconfig*' 2>/dev/null)
KUNITCONFIGS := $(sort $(wildcard $(REPO)/tools/testing/kunit/*.kunitconfig))

BUILD_PATCHED := $(OUT)/build/patched
BUILD_BASELINE := $(OUT)/build/baseline
BUILD_KUNIT := $(OUT)/build/kunit
# make compat ARCH=arm64: arm64's defconfig and its fragment, cross-built
ifeq ($(ARCH),arm64)
BUILD_COMPAT := $(OUT)/build/compat-arm64
COMPAT_FRAGMENT := $(REPO)/kernel/configs/crash-compat-arm64.config
COMPAT_ENV = $(ARM64_ENV)
COMPAT_CC = $(ARM64_CC)
else
BUILD_COMPAT := $(OUT)/build/compat
COMPAT_FRAGMENT := $(REPO)/kernel/configs/crash-compat.config
COMPAT_CC = $(CC_WRAP)
endif
BUILD_DEBUG := $(OUT)/build/debug
DEBUG_FRAGMENT := $(REPO)/kernel/configs/crash-debug.config
# The scenarios the debug build runs in `make check`: each crash path of
# the chain (panic, oops, a faulting, a hung and a racing handler, a
# machine check), where pstore, mtdoops and netconsole take locks or
# race, and pstore's function tracer, which runs in every context.
# Under KASAN and TCG each takes one to five minutes; `make
# e2e-debug-all` adds the ones whose paths these already run.
DEBUG_CORE := chain-panic chain-oops chain-handler-oops \
	chain-hung-dumper chain-oops-panic-race pstore-unlink pstore-races \
	mtdoops-panic netconsole-panic netconsole-configfs \
	netconsole-device-gone mce-panic pstore-ftrace vmcore-exclude
DEBUG_SCENARIOS ?= $(DEBUG_CORE)
DEBUG_ALL := $(DEBUG_CORE) chain-handler-panics chain-budget \
	pstore-panic pstore-oops mtdoops-oops netconsole-link-down \
	mce-in-handler mce-kdump pstore-every-store
CC_WRAP := $(if $(shell command -v ccache),ccache gcc,gcc)
# ccache's keys hold the clone's absolute paths.  CCACHE_BASEDIR would
# share them between clones, but the kernel then sees relative sources
# and its -fmacro-prefix-map no longer applies: BUG() names
# "../../tree/drivers/..." (seen in kdump-capture-bug), so it is not set.
kmake = $(MAKE) -s -C $(1) O=$(2) CC="$(CC_WRAP)" -j$(JOBS)

E2E_DIR := $(REPO)/tools/testing/selftests/crash
E2E_KERNEL ?= patched
E2E_OUT := $(OUT)/e2e/$(E2E_KERNEL)
INITRAMFS := $(OUT)/initramfs/e2e.cpio.gz
E2E_SCENARIOS ?=
# Scenarios run side by side (e2e and e2e-debug): one TCG guest leaves
# about a third of the two cores idle (booting is one vCPU's work, many
# steps wait); E2E_JOBS=1 runs them one at a time
E2E_JOBS ?= 2
kernel-of = --kernel $(BUILD_$(1))/arch/x86/boot/bzImage \
	--vmlinux $(BUILD_$(1))/vmlinux

ifeq ($(E2E_KERNEL),baseline)
E2E_BUILD := baseline
else
E2E_BUILD := kernel
endif
E2E_UPPER := $(shell echo $(E2E_KERNEL) | tr a-z A-Z)

.PHONY: help deps base tree config kernel baseline compat arm64 arm64-baseline \
	e2e-arm64 check-arm64 bench-arm64 cross kunit kunit-debug e2e check demo \
	patches patches-check bisect bench static test-harness clean distclean \
	debug e2e-debug e2e-debug-all

help:
	@echo 'Crash diagnosis for Linux 6.12: build, test and demo'
	@echo
	@echo '  make demo       build what is missing, crash a QEMU guest, report'
	@echo '                  what every crash target captured (out/demo/)'
	@echo '  make check      static checks, patch series, KUnit and QEMU'
	@echo '                  end-to-end scenarios (the CI command)'
	@echo
	@echo '  make kernel     patched bzImage and vmlinux (out/build/patched/)'
	@echo '  make baseline   unpatched base, same config (out/build/baseline/)'
	@echo '  make compat     x86_64 defconfig + our options + KVM, Hyper-V, Xen,'
	@echo '                  EFI pstore: upstream users still build and link'
	@echo '                  (ARCH=arm64: the same on arm64 defconfig)'
	@echo '  make arm64      arm64 Image and modules, cross-compiled'
	@echo '                  (out/build/arm64/; arm64-baseline: upstream)'
	@echo '  make e2e-arm64  the arm64 scenarios in QEMU virt (E2E_KERNEL=baseline'
	@echo '                  for upstream); check-arm64 runs both'
	@echo '  make cross      i386 and riscv64 tinyconfig + the crash options:'
	@echo '                  build and link only (out/build/cross-*/)'
	@echo '  make kunit      every tools/testing/kunit/*.kunitconfig, in QEMU'
	@echo '  make kunit-debug  the same suites built into the debug kernel,'
	@echo '                  run under lockdep and KASAN (what make check runs)'
	@echo '  make e2e        QEMU crash scenarios (E2E_KERNEL=baseline for the'
	@echo '                  upstream build, E2E_SCENARIOS="name ..." to pick)'
	@echo '  make debug      the patched kernel with lockdep, atomic-sleep'
	@echo '                  checks and KASAN (out/build/debug/)'
	@echo '  make e2e-debug  DEBUG_SCENARIOS on it; any report fails them'
	@echo '                  (e2e-debug-all: six more)'
	@echo '  make bench      benchmarks, ours over upstream in the same run;'
	@echo '                  BENCH="kdump boot" runs some; bench-arm64: arm64'
	@echo '  make patches    git-am-able series with cover letter (out/patches/)'
	@echo '  make bisect     build every patch of the series on x86_64 and arm64'
	@echo '                  (FIRST=N starts at patch N)'
	@echo '  make static     checkpatch --strict, W=1 and sparse on our code'
	@echo '  make clean      remove builds and results, keep the base tree'
	@echo '  make distclean  remove out/ entirely'
	@echo
	@echo 'KERNEL_SRC=/path/to/linux-6.12.y builds against your tree instead'
	@echo 'of Debian'\''s linux-source-6.12.  OUT=$(OUT)  JOBS=$(JOBS)'

deps:
	@$(REPO)/build/deps.sh

$(OUT)/base/linux-source-6.12/Makefile: | deps
	@$(REPO)/build/base.sh $(OUT)/base

base: $(BASE)/Makefile
	@$(REPO)/build/base-check.sh $(BASE)

tree: base
	@python3 $(REPO)/build/sync-tree.py $(BASE) $(TREE) $(REPO)/patches $(REPO)

# The .config is regenerated when the fragment or one of our Kconfig files
# changes; kbuild itself rebuilds only what depends on changed options.
$(BUILD_PATCHED)/.config: $(FRAGMENT) $(KCONFIGS) | tree
	@$(REPO)/build/kconfig.sh $(TREE) $@ $(FRAGMENT) "$(CC_WRAP)"

$(BUILD_BASELINE)/.config: $(FRAGMENT) | base
	@$(REPO)/build/kconfig.sh $(BASE) $@ $(FRAGMENT) "$(CC_WRAP)" baseline

config: tree $(BUILD_PATCHED)/.config

kernel: config
	@python3 $(REPO)/build/check-config.py $(FRAGMENT) \
		$(BUILD_PATCHED)/.config
	@echo "  BUILD   patched kernel in $(BUILD_PATCHED)"
	@$(call kmake,$(TREE),$(BUILD_PATCHED))

baseline: $(BUILD_BASELINE)/.config
	@echo "  BUILD   baseline kernel in $(BUILD_BASELINE)"
	@$(call kmake,$(BASE),$(BUILD_BASELINE))

$(BUILD_COMPAT)/.config: $(COMPAT_FRAGMENT) $(KCONFIGS) | tree
	@$(COMPAT_ENV) $(REPO)/build/kconfig.sh $(TREE) $@ $< "$(COMPAT_CC)" \
		patched defconfig

$(OUT)/debug.config: $(FRAGMENT) $(DEBUG_FRAGMENT)
	@mkdir -p $(OUT)
	@cat $^ > $@

$(BUILD_DEBUG)/.config: $(OUT)/debug.config $(KCONFIGS) | tree
	@$(REPO)/build/kconfig.sh $(TREE) $@ $(OUT)/debug.config "$(CC_WRAP)"

debug: tree $(BUILD_DEBUG)/.config
	@echo "  BUILD   debug kernel (lockdep, atomic sleep, KASAN) in $(BUILD_DEBUG)"
	@$(call kmake,$(TREE),$(BUILD_DEBUG))

e2e-debug: debug $(INITRAMFS)
	@$(call e2e-modules,$(BUILD_DEBUG),$(TREE))
	@python3 $(E2E_DIR)/e2e.py $(call kernel-of,DEBUG) --kind patched \
		--debug-reports --slow 3 --initramfs $(INITRAMFS) \
		--out $(OUT)/e2e/debug --jobs $(E2E_JOBS) \
		$(DEBUG_SCENARIOS)

e2e-debug-all:
	@$(MAKE) --no-print-directory e2e-debug DEBUG_SCENARIOS="$(DEBUG_ALL)"

compat: tree $(BUILD_COMPAT)/.config
	@echo "  BUILD   defconfig + $(notdir $(COMPAT_FRAGMENT)) in $(BUILD_COMPAT)"
	@$(COMPAT_ENV) $(MAKE) -s -C $(TREE) O=$(BUILD_COMPAT) CC="$(COMPAT_CC)" \
		-j$(JOBS) vmlinux modules
	@echo "  COMPAT  vmlinux and modules built and linked"

# arm64: the generic core with arm64's own kexec, cross-compiled
ARM64_FRAGMENT := $(REPO)/kernel/configs/crash-qemu-arm64.config
BUILD_ARM64 := $(OUT)/build/arm64
ARM64_CROSS := aarch64-linux-gnu-
ARM64_ENV := ARCH=arm64 CROSS_COMPILE=$(ARM64_CROSS)
ARM64_CC := $(if $(shell command -v ccache),ccache $(ARM64_CROSS)gcc,$(ARM64_CROSS)gcc)
BUILD_ARM64_BASELINE := $(OUT)/build/arm64-baseline
ARM64_BUILD_DIR := $(if $(filter baseline,$(E2E_KERNEL)),$(BUILD_ARM64_BASELINE),$(BUILD_ARM64))
ARM64_INITRAMFS := $(OUT)/initramfs/e2e-arm64.cpio.gz

$(BUILD_ARM64)/.config: $(ARM64_FRAGMENT) $(KCONFIGS) | tree
	@$(ARM64_ENV) $(REPO)/build/kconfig.sh $(TREE) $@ $(ARM64_FRAGMENT) \
		"$(ARM64_CC)"

arm64: tree $(BUILD_ARM64)/.config
	@echo "  BUILD   arm64 kernel in $(BUILD_ARM64)"
	@$(ARM64_ENV) $(MAKE) -s -C $(TREE) O=$(BUILD_ARM64) CC="$(ARM64_CC)" \
		-j$(JOBS) Image modules

$(BUILD_ARM64_BASELINE)/.config: $(ARM64_FRAGMENT) | base
	@$(ARM64_ENV) $(REPO)/build/kconfig.sh $(BASE) $@ $(ARM64_FRAGMENT) \
		"$(ARM64_CC)" baseline

arm64-baseline: $(BUILD_ARM64_BASELINE)/.config
	@echo "  BUILD   arm64 baseline kernel in $(BUILD_ARM64_BASELINE)"
	@$(ARM64_ENV) $(MAKE) -s -C $(BASE) O=$(BUILD_ARM64_BASELINE) \
		CC="$(ARM64_CC)" -j$(JOBS) Image modules

# The arm64 guests' busybox and kexec, Debian's, unpacked (not installed)
$(OUT)/arm64/root/sbin/kexec: $(REPO)/build/arm64-root.sh | deps
	@$(REPO)/build/arm64-root.sh $(OUT)/arm64

$(ARM64_INITRAMFS): $(E2E_DIR)/mkinitramfs.sh $(wildcard $(E2E_DIR)/guest/*) \
		$(OUT)/arm64/root/sbin/kexec | base
	@ROOTFS=$(OUT)/arm64/root CC=$(ARM64_CROSS)gcc \
		$(E2E_DIR)/mkinitramfs.sh $@ $(BASE)/tools/testing/selftests

e2e-arm64: $(if $(filter baseline,$(E2E_KERNEL)),arm64-baseline,arm64) \
		$(ARM64_INITRAMFS)
	@python3 $(E2E_DIR)/e2e.py --arch arm64 --kind $(E2E_KERNEL) \
		--kernel $(ARM64_BUILD_DIR)/arch/arm64/boot/Image \
		--vmlinux $(ARM64_BUILD_DIR)/vmlinux --initramfs $(ARM64_INITRAMFS) \
		--out $(OUT)/e2e/arm64-$(E2E_KERNEL) $(E2E_SCENARIOS)

# arm64's scenarios on our build and on upstream's, apart from `make
# check`: with them a clean-clone CI run came within minutes of its 90
check-arm64:
	@status=0; \
	$(MAKE) --no-print-directory e2e-arm64 E2E_KERNEL=patched || status=1; \
	$(MAKE) --no-print-directory e2e-arm64 E2E_KERNEL=baseline || status=1; \
	echo; \
	echo "arm64 patched build: $$(tail -n 1 $(OUT)/e2e/arm64-patched/summary.txt)"; \
	echo "arm64 baseline build: $$(tail -n 1 $(OUT)/e2e/arm64-baseline/summary.txt)"; \
	exit $$status

# bench.py's arm64 benchmarks (boot, panic, kdump), ours over upstream
bench-arm64: arm64 arm64-baseline $(ARM64_INITRAMFS)
	@python3 $(E2E_DIR)/bench.py --arch arm64 --initramfs $(ARM64_INITRAMFS) \
		--out $(OUT)/bench-arm64 \
		--ours $(BUILD_ARM64)/arch/arm64/boot/Image \
		--upstream $(BUILD_ARM64_BASELINE)/arch/arm64/boot/Image $(BENCH)

# Build-only checks of architectures without scenarios: tinyconfig, the
# crash options they all have, and what an architecture needs for them
CROSS_FRAGMENT := $(REPO)/kernel/configs/crash-buildcheck.config
cross-env-i386 := ARCH=i386
cross-cc-i386 := $(CC_WRAP)
cross-extra-i386 := CONFIG_HIGHMEM4G=y
cross-env-riscv := ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu-
cross-cc-riscv := $(if $(shell command -v ccache),ccache )riscv64-linux-gnu-gcc

$(OUT)/build/cross-%/.config: $(CROSS_FRAGMENT) $(KCONFIGS) | tree
	@mkdir -p $(OUT)/build
	@{ cat $(CROSS_FRAGMENT); printf '%s\n' $(cross-extra-$*); } \
		> $(OUT)/build/cross-$*.config
	@$(cross-env-$*) $(REPO)/build/kconfig.sh $(TREE) $@ \
		$(OUT)/build/cross-$*.config "$(cross-cc-$*)"

cross-%: $(OUT)/build/cross-%/.config
	@echo "  BUILD   $* vmlinux in $(OUT)/build/cross-$*"
	@$(cross-env-$*) $(MAKE) -s -C $(TREE) O=$(OUT)/build/cross-$* \
		CC="$(cross-cc-$*)" -j$(JOBS) vmlinux
	@echo "  CROSS   $* builds and links"

cross: cross-i386 cross-riscv
.PRECIOUS: $(OUT)/build/cross-%/.config

kunit: tree
	@mkdir -p $(OUT)/kunit
	@cd $(TREE) && set -o pipefail && python3 tools/testing/kunit/kunit.py \
		run --arch=x86_64 --build_dir=$(BUILD_KUNIT) --jobs=$(JOBS) \
		--make_options=CC="$(CC_WRAP)" --qemu_args="-smp 2" \
		--kernel_args=printk.time=1 \
		$(addprefix --kunitconfig=,$(KUNITCONFIGS)) \
		| tee $(OUT)/kunit/kunit.log

# The same suites, built into the debug kernel (crash-debug.config) and
# run there under lockdep and KASAN, with no kernel build of their own:
# what `make check` runs
kunit-debug: debug
	@mkdir -p $(OUT)/kunit
	@cd $(TREE) && set -o pipefail && python3 tools/testing/kunit/kunit.py \
		exec --arch=x86_64 --build_dir=$(BUILD_DEBUG) --timeout=900 \
		--qemu_args="-smp 2" --kernel_args=printk.time=1 \
		| tee $(OUT)/kunit/kunit.log

$(INITRAMFS): $(E2E_DIR)/mkinitramfs.sh $(wildcard $(E2E_DIR)/guest/*) | base
	@$(E2E_DIR)/mkinitramfs.sh $@ $(BASE)/tools/testing/selftests

# The test modules of tools/testing/selftests/crash/modules/, built out of
# tree against a build (upstream's too: they use only its interfaces)
# into BUILD/e2e-modules/, where e2e.py finds them
e2e-modules = rm -rf $(1)/e2e-modules && mkdir -p $(1)/e2e-modules && \
	cp $(E2E_DIR)/modules/Kbuild $(E2E_DIR)/modules/*.c $(1)/e2e-modules/ && \
	$(MAKE) -s -C $(2) O=$(1) CC="$(CC_WRAP)" M=$(1)/e2e-modules modules

e2e: $(E2E_BUILD) $(INITRAMFS)
	@$(call e2e-modules,$(BUILD_$(E2E_UPPER)),$(if $(filter baseline,$(E2E_KERNEL)),$(BASE),$(TREE)))
	@python3 $(E2E_DIR)/e2e.py $(call kernel-of,$(E2E_UPPER)) \
		--initramfs $(INITRAMFS) --out $(E2E_OUT) --jobs $(E2E_JOBS) \
		$(E2E_SCENARIOS)

demo: kernel $(INITRAMFS)
	@python3 $(E2E_DIR)/demo.py $(call kernel-of,PATCHED) \
		--initramfs $(INITRAMFS) --out $(OUT)/demo

bench: kernel baseline $(INITRAMFS)
	@python3 $(E2E_DIR)/bench.py --initramfs $(INITRAMFS) \
		--out $(OUT)/bench \
		--ours $(BUILD_PATCHED)/arch/x86/boot/bzImage \
		--upstream $(BUILD_BASELINE)/arch/x86/boot/bzImage $(BENCH)

patches: tree
	@python3 $(REPO)/build/mkseries.py $(BASE) $(REPO) $(OUT)/patches

patches-check: patches
	@$(REPO)/build/check-series.sh $(BASE) $(TREE) $(OUT)/patches

# Every patch of the series builds on x86-64 and arm64 (not in `make
# check`: a first run builds each step twice, about an hour here)
bisect: patches
	@$(REPO)/build/bisect-series.sh $(BASE) $(OUT)/patches $(OUT) $(REPO) \
		$(FIRST)

static: kernel
	@cd $(REPO) && build/static.sh $(TREE) $(BUILD_PATCHED) "$(CC_WRAP)" \
		$(REPO)/patches $(crash-own-dirs)

test-harness:
	@python3 -m unittest discover -s $(REPO)/build -p 'test_*.py'
	@python3 -m unittest discover -s $(E2E_DIR) -p 'test_*.py'
	@python3 -m unittest discover -s $(REPO)/tools/crash -p 'test_*.py'

# Static checks first, then the KUnit suites on the debug build, the
# scenarios last: the debug build's, then the normal build's.  The run
# ends with the KUnit summary and the scenarios' "N passed, N failed"
# over both builds.  arm64's are in check-arm64; `make kunit` builds the
# suites from their .kunitconfig files.
check: test-harness static patches-check
	@status=0; \
	$(MAKE) --no-print-directory kunit-debug || status=1; \
	$(MAKE) --no-print-directory e2e-debug || status=1; \
	$(MAKE) --no-print-directory e2e || status=1; \
	echo; \
	echo "KUnit: $$(grep -h 'Testing complete' $(OUT)/kunit/kunit.log)"; \
	echo "debug build: $$(tail -n 1 $(OUT)/e2e/debug/summary.txt)"; \
	echo "patched build: $$(tail -n 1 $(E2E_OUT)/summary.txt)"; \
	tail -q -n 1 $(OUT)/e2e/debug/summary.txt $(E2E_OUT)/summary.txt | \
		awk '{ p += $$1; f += $$3 } END { print p " passed, " f " failed" }'; \
	exit $$status

clean:
	rm -rf $(OUT)/build $(OUT)/tree $(OUT)/tree.tmp $(OUT)/e2e \
		$(OUT)/demo $(OUT)/bench $(OUT)/kunit $(OUT)/patches \
		$(OUT)/initramfs $(OUT)/series

distclean:
	rm -rf $(OUT)

endif
