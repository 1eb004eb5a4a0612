/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kmsg_dump iterators over a log of records, so that KUnit can run
 * them over a log of its own instead of the printk ring buffer.
 */
#ifndef _KERNEL_CRASH_KMSG_H
#define _KERNEL_CRASH_KMSG_H

#include <linux/kmsg_dump.h>

/**
 * struct kmsg_log - where kmsg_dump reads records
 * @first_seq: the oldest record a dump starts from
 * @next_seq: the sequence number the next record will get
 * @read: format the record at or after *@seq into @buf (NULL: only its
 *	length), set *@seq to that record's; false if there is none
 */
struct kmsg_log {
	u64 (*first_seq)(void);
	u64 (*next_seq)(void);
	bool (*read)(u64 *seq, bool syslog, char *buf, size_t size,
		     size_t *len);
};

bool kmsg_log_get_line(const struct kmsg_log *log, struct kmsg_dump_iter *iter,
		       bool syslog, char *line, size_t size, size_t *len);
bool kmsg_log_get_buffer(const struct kmsg_log *log,
			 struct kmsg_dump_iter *iter, bool syslog, char *buf,
			 size_t size, size_t *len_out);
void kmsg_log_rewind(const struct kmsg_log *log, struct kmsg_dump_iter *iter);

#endif /* _KERNEL_CRASH_KMSG_H */
