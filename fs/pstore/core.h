/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pstore's pieces: the backend registry (backend.c), the filesystem
 * (fs.c), the frontends (dmesg.c, console.c, pmsg_dev.c) and compression
 * (compress.c).  Every registered backend gets the frontends it asks for.
 */
#ifndef _FS_PSTORE_CORE_H
#define _FS_PSTORE_CORE_H

#include <linux/bits.h>
#include <linux/console.h>
#include <linux/crash_chain.h>
#include <linux/kmsg_dump.h>
#include <linux/list.h>
#include <linux/pstore.h>
#include <linux/sizes.h>
#include <linux/types.h>

/**
 * struct pstore_backend - a registered backend and its frontends' state
 * @node: on pstore_backends, in crash order, under pstore_backend_lock
 * @psi: the backend
 * @rank: its place in the crash order (pstore.backends=), lower first
 * @dump: its dmesg record, a persist-stage handler ("pstore:<name>")
 * @mce: a machine check's record, a capture-stage handler
 *	("pstore-mce:<name>")
 * @text: the log of one segment, PSTORE_SEG_TEXT bytes; NULL: plain records
 * @zbuf: that segment compressed, PSTORE_SEG_ROOM bytes
 * @oopscount: crash records written this boot, for their headers
 * @console: the console frontend, named after the backend
 */
struct pstore_backend {
	struct list_head node;
	struct pstore_info *psi;
	unsigned int rank;
	struct crash_handler dump;
	struct crash_handler mce;
	char *text;
	char *zbuf;
	int oopscount;
	struct console console;
};

/* The most backends registered at once */
#define PSTORE_MAX_BACKENDS	16

/* The registered backends; changes under pstore_backend_lock. */
extern struct list_head pstore_backends;
extern struct mutex pstore_backend_lock;
extern unsigned long kmsg_bytes;

void pstore_record_init(struct pstore_record *record, struct pstore_info *psi);
void pstore_get_records(bool quiet);
void pstore_records_changed(void);
int pstore_backend_rank(const char *order, const char *name,
			unsigned int registered);
bool pstore_backend_dead(const struct pstore_backend *b);

/* fs.c */
int __init pstore_fs_init(void);
void pstore_fs_exit(void);
int pstore_fs_add(struct pstore_record *record, unsigned long erases);
unsigned long pstore_fs_erases(void);
void pstore_fs_remove_backend(struct pstore_info *psi);
bool pstore_fs_mounted(void);

/* names.c */
int pstore_record_name(const struct pstore_record *record, char *buf,
		       size_t size);

/* dmesg.c */
int pstore_dmesg_register(struct pstore_backend *b);
void pstore_dmesg_unregister(struct pstore_backend *b);

/*
 * A compressed record's payload starts with this header, so that any
 * backend's records say how to read them back.
 */
#define PSTORE_ZMAGIC		0x5a545350	/* "PSTZ" */

/*
 * The most text one compressed record holds when this kernel writes it;
 * a record that says it expands to more is left compressed.
 */
#define PSTORE_MAX_TEXT		SZ_1M

/*
 * A record is written in segments, each compressed on its own, of at most
 * PSTORE_SEG_TEXT bytes of text; PSTORE_SEG_ROOM holds any of them
 * compressed, with its length, by any of the algorithms.
 */
#define PSTORE_SEG_TEXT		SZ_32K
#define PSTORE_SEG_ROOM		(PSTORE_SEG_TEXT + PSTORE_SEG_TEXT / 8 + 64)

/* PSTORE_ZF_SEGMENTS: the data is segments, each a __le32 length first */
#define PSTORE_ZF_SEGMENTS	BIT(0)

struct pstore_zhdr {
	__le32 magic;
	u8 algo;
	u8 flags;
	u8 reserved[2];
	__le32 orig_len;
} __packed;

enum pstore_zalgo {
	PSTORE_ZALGO_NONE,
	PSTORE_ZALGO_DEFLATE,
	PSTORE_ZALGO_ZSTD,
	PSTORE_ZALGO_LZ4,
	PSTORE_ZALGO_MAX
};

struct pstore_zwork;

#ifdef CONFIG_PSTORE_COMPRESS
int pstore_compress_setup(const char *name);
void pstore_compress_init(void);
void pstore_compress_exit(void);
bool pstore_compress_enabled(void);
enum pstore_zalgo pstore_compress_algo(void);
struct pstore_zwork *pstore_zwork_alloc(void);
ssize_t pstore_compress_seg_with(struct pstore_zwork *w, const void *in,
				 size_t in_len, void *out, size_t out_size);
ssize_t pstore_compress_seg(const void *in, size_t in_len, void *out,
			    size_t out_size);
void pstore_zhdr_init(void *out, size_t orig_len);
int pstore_decompress_record(struct pstore_record *record);
#else
static inline void pstore_compress_init(void) { }
static inline void pstore_compress_exit(void) { }
static inline bool pstore_compress_enabled(void) { return false; }
static inline ssize_t pstore_compress_seg(const void *in, size_t in_len,
					  void *out, size_t out_size)
{
	return -EOPNOTSUPP;
}

static inline void pstore_zhdr_init(void *out, size_t orig_len) { }

static inline int pstore_decompress_record(struct pstore_record *record)
{
	return record->compressed ? -EOPNOTSUPP : 0;
}
#endif

/**
 * struct pstore_chunk - a piece of the log compressed ahead of a crash
 * @gen: even while it is valid; odd while it is written or unused
 * @first_seq: the log records it holds are [@first_seq, @next_seq)
 * @next_seq: the record after them
 * @off: where its segment (a length, then the data) is in the ring
 * @size: the segment's bytes
 * @text: the bytes of text it holds
 * @algo: the algorithm that compressed it
 */
struct pstore_chunk {
	unsigned long gen;
	u64 first_seq;
	u64 next_seq;
	u32 off;
	u32 size;
	u32 text;
	u8 algo;
};

#define PSTORE_AHEAD_CHUNKS	64

/**
 * struct pstore_ahead - the log compressed ahead of a crash (ahead.c)
 * @chunk: the chunks, read locklessly at a crash
 * @newest: the index of the newest chunk
 * @ring_size: bytes of @ring
 * @ring: the chunks' segments, one after the other, wrapping around
 * @next: the worker's: where its next chunk starts in the log
 * @seen: the worker's: the log's end when it last looked
 * @head: the worker's: where in @ring its next chunk goes
 * @zwork: the worker's compression workspace
 * @text: the worker's text of one chunk
 * @zbuf: the worker's chunk compressed, PSTORE_SEG_ROOM bytes
 */
struct pstore_ahead {
	struct pstore_chunk chunk[PSTORE_AHEAD_CHUNKS];
	unsigned int newest;
	u32 ring_size;
	u8 *ring;
	u64 next;
	u64 seen;
	u32 head;
	struct pstore_zwork *zwork;
	char *text;
	u8 *zbuf;
};

#ifdef CONFIG_PSTORE_COMPRESS
void pstore_ahead_start(size_t record_size);
void pstore_ahead_stop(void);
void pstore_ahead_sync(void);
u64 pstore_ahead_end(void);
ssize_t pstore_ahead_take(struct kmsg_dump_iter *iter, void *dst,
			  size_t room, size_t max_text, size_t *text,
			  size_t *size);
#if IS_ENABLED(CONFIG_KUNIT)
void pstore_ahead_add(struct pstore_ahead *a, u64 first, u64 next,
		      size_t text, size_t size);
struct pstore_ahead *pstore_ahead_get(void);
#endif
#else
static inline void pstore_ahead_start(size_t record_size) { }
static inline void pstore_ahead_stop(void) { }
static inline void pstore_ahead_sync(void) { }
static inline u64 pstore_ahead_end(void) { return 0; }
static inline ssize_t pstore_ahead_take(struct kmsg_dump_iter *iter,
					void *dst, size_t room,
					size_t max_text, size_t *text,
					size_t *size)
{
	return 0;
}
#endif

#ifdef CONFIG_PSTORE_CONSOLE
void pstore_console_register(struct pstore_backend *b);
void pstore_console_unregister(struct pstore_backend *b);
#else
static inline void pstore_console_register(struct pstore_backend *b) { }
static inline void pstore_console_unregister(struct pstore_backend *b) { }
#endif

#ifdef CONFIG_PSTORE_PMSG
void pstore_pmsg_register(void);
void pstore_pmsg_unregister(void);
#else
static inline void pstore_pmsg_register(void) { }
static inline void pstore_pmsg_unregister(void) { }
#endif

#ifdef CONFIG_PSTORE_FTRACE
void pstore_ftrace_init(void);
void pstore_ftrace_exit(void);
void pstore_ftrace_add(struct pstore_info *psi);
void pstore_ftrace_del(struct pstore_info *psi);
int pstore_ftrace_decode(struct pstore_record *record);
unsigned long pstore_ftrace_pack(unsigned long addr, unsigned long text,
				 unsigned long size);
unsigned long pstore_ftrace_unpack(unsigned long val, unsigned long text);
unsigned long pstore_ftrace_pack_kernel(unsigned long addr);
#else
static inline void pstore_ftrace_init(void) { }
static inline void pstore_ftrace_exit(void) { }
static inline void pstore_ftrace_add(struct pstore_info *psi) { }
static inline void pstore_ftrace_del(struct pstore_info *psi) { }
static inline int pstore_ftrace_decode(struct pstore_record *record)
{
	return 0;
}
#endif

#endif /* _FS_PSTORE_CORE_H */
