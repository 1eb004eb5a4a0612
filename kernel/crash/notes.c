// SPDX-License-Identifier: GPL-2.0
/*
 * Crash notes: a buffer per CPU where that CPU's registers are saved, as
 * an ELF NT_PRSTATUS note, when the machine crashes.  The capture kernel
 * finds them through the ELF header's PT_NOTE entries, kexec-tools through
 * /sys/devices/system/cpu/cpuN/crash_notes.
 */
#include <linux/elf.h>
#include <linux/elfcore.h>
#include <linux/init.h>
#include <linux/kexec.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/vmcore_info.h>

note_buf_t __percpu *crash_notes;

/**
 * crash_save_cpu() - save a CPU's registers in its crash note
 * @regs: the registers, as the crash found them
 * @cpu: the CPU; only it writes its note, at crash time
 */
void crash_save_cpu(struct pt_regs *regs, int cpu)
{
	struct elf_prstatus prstatus = { };
	u32 *buf;

	if (cpu < 0 || cpu >= nr_cpu_ids || !crash_notes)
		return;
	buf = (u32 *)per_cpu_ptr(crash_notes, cpu);
	prstatus.common.pr_pid = current->pid;
	elf_core_copy_regs(&prstatus.pr_reg, regs);
	buf = append_elf_note(buf, KEXEC_CORE_NOTE_NAME, NT_PRSTATUS,
			      &prstatus, sizeof(prstatus));
	final_note(buf);
}

/*
 * One note per possible CPU.  kexec-tools and the ELF header give each
 * note's physical address and size, so a note must not cross a page of
 * the (maybe vmalloc'ed) per-CPU area: align it to its size, rounded up
 * to a power of two.
 */
static int __init crash_notes_init(void)
{
	size_t size = sizeof(note_buf_t);
	size_t align = min_t(size_t, roundup_pow_of_two(size), PAGE_SIZE);

	BUILD_BUG_ON(sizeof(note_buf_t) > PAGE_SIZE);
	crash_notes = __alloc_percpu(size, align);
	if (!crash_notes) {
		pr_err("crash: no memory for the CPUs' crash notes: dumps will lack registers\n");
		return -ENOMEM;
	}
	return 0;
}
subsys_initcall(crash_notes_init);
