/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the machine-check code tells the crash chain (arch/x86/kexec/mce.c):
 * the records of a fatal machine check, just before its panic().
 */
#ifndef _ASM_X86_CRASH_MCE_H
#define _ASM_X86_CRASH_MCE_H

struct llist_node;
struct mce;

#ifdef CONFIG_CRASH_MCE
void crash_mce_panic(struct llist_node *pending, const struct mce *final);
#else
static inline void crash_mce_panic(struct llist_node *pending,
				   const struct mce *final)
{
}
#endif

#endif /* _ASM_X86_CRASH_MCE_H */
