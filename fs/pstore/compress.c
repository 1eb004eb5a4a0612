// SPDX-License-Identifier: GPL-2.0
/*
 * Compression of crash records: zstd (the default), deflate or lz4,
 * chosen with pstore.compress=.
 *
 * DOC: compressed records
 *
 * A compressed record starts with struct pstore_zhdr: a magic, the
 * algorithm, the uncompressed length and flags, so any backend's records
 * say how to read them back, whatever pstore.compress says on the next
 * boot.  Its data is a list of segments (PSTORE_ZF_SEGMENTS), each a
 * __le32 length and a piece of text compressed on its own, oldest text
 * first: the writer compresses the newest log first and stops when the
 * record is full, so it compresses only what it keeps (see dmesg.c).
 * Without the flag the data is one compressed stream, as this series
 * wrote before segments; a record without the header is taken for
 * upstream's raw deflate, as older kernels wrote to EFI variables.
 *
 * Compression runs at crash time: its workspace, for one segment, is
 * allocated when a backend registers, never later, and shared by the
 * backends (their records are written one after the other, by the chain's
 * CPU); it is freed once no crash chain run can be using it (runs are RCU
 * readers).  Measured on kernel logs (see
 * Documentation/admin-guide/crash/pstore.rst), zstd at level 1 keeps
 * about 7 times the log in a record, against 6 for deflate and 3.6 for
 * lz4; segments of 32 KiB lose nothing against one stream.
 */
#include <linux/lz4.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/pstore.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>
#include <linux/zlib.h>
#include <linux/zstd.h>
#include <kunit/visibility.h>

#include "core.h"

#define PSTORE_ZSTD_LEVEL	1

#if defined(CONFIG_PSTORE_COMPRESS_DEFAULT_DEFLATE)
static char *compress = "deflate";
#elif defined(CONFIG_PSTORE_COMPRESS_DEFAULT_LZ4)
static char *compress = "lz4";
#else
static char *compress = "zstd";
#endif
module_param(compress, charp, 0444);
MODULE_PARM_DESC(compress, "zstd, deflate, lz4 or none");

static const char * const pstore_zalgo_names[PSTORE_ZALGO_MAX] = {
	[PSTORE_ZALGO_NONE]	= "none",
	[PSTORE_ZALGO_DEFLATE]	= "deflate",
	[PSTORE_ZALGO_ZSTD]	= "zstd",
	[PSTORE_ZALGO_LZ4]	= "lz4",
};

static enum pstore_zalgo pstore_zalgo;

/* A compressor's workspace, for one segment */
struct pstore_zwork {
	enum pstore_zalgo algo;
	size_t size;
	u8 mem[] __aligned(8);
};

/* The crash path's workspace */
static struct pstore_zwork __rcu *pstore_zwork;
/* pstore.compress was looked at (and the workspace allocated) */
static bool pstore_zready;

bool pstore_compress_enabled(void)
{
	return pstore_zalgo != PSTORE_ZALGO_NONE;
}

enum pstore_zalgo pstore_compress_algo(void)
{
	return pstore_zalgo;
}

static enum pstore_zalgo pstore_zalgo_by_name(const char *name)
{
	int i;

	for (i = 0; i < PSTORE_ZALGO_MAX; i++)
		if (name && !strcmp(name, pstore_zalgo_names[i]))
			return i;
	return PSTORE_ZALGO_MAX;
}

static size_t pstore_zwork_bytes(enum pstore_zalgo algo)
{
	zstd_compression_parameters cp;
	size_t in, size = 0;

	switch (algo) {
	case PSTORE_ZALGO_DEFLATE:
		return zlib_deflate_workspacesize(MAX_WBITS, DEF_MEM_LEVEL);
	case PSTORE_ZALGO_ZSTD:
		/* zstd's tables for a small input can be the larger ones */
		for (in = SZ_1K; in <= PSTORE_SEG_TEXT; in *= 2) {
			cp = zstd_get_cparams(PSTORE_ZSTD_LEVEL, in, 0);
			size = max(size, zstd_cctx_workspace_bound(&cp));
		}
		return size;
	case PSTORE_ZALGO_LZ4:
		return LZ4_MEM_COMPRESS;
	default:
		return 0;
	}
}

static struct pstore_zwork *pstore_zwork_alloc_algo(enum pstore_zalgo algo)
{
	size_t size = pstore_zwork_bytes(algo);
	struct pstore_zwork *w;

	w = kvzalloc(struct_size(w, mem, size), GFP_KERNEL);
	if (w) {
		w->algo = algo;
		w->size = size;
	}
	return w;
}

/* A workspace of its own for the algorithm in use, or NULL */
struct pstore_zwork *pstore_zwork_alloc(void)
{
	if (pstore_zalgo == PSTORE_ZALGO_NONE)
		return NULL;
	return pstore_zwork_alloc_algo(pstore_zalgo);
}

/*
 * Choose the algorithm @name names and allocate its workspace.  An
 * unknown name falls back to zstd; without a workspace, records are
 * written plain (-ENOMEM).
 */
int pstore_compress_setup(const char *name)
{
	enum pstore_zalgo algo = pstore_zalgo_by_name(name);
	struct pstore_zwork *w = NULL;

	pstore_compress_exit();
	pstore_zready = true;
	if (algo == PSTORE_ZALGO_MAX) {
		pr_err("pstore: compress=%s: unknown, using zstd\n", name);
		algo = PSTORE_ZALGO_ZSTD;
	}
	if (algo != PSTORE_ZALGO_NONE) {
		w = pstore_zwork_alloc_algo(algo);
		if (!w)
			return -ENOMEM;
	}
	pstore_zalgo = algo;
	rcu_assign_pointer(pstore_zwork, w);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_compress_setup);

/**
 * pstore_compress_init() - be ready to compress crash records
 *
 * The first call chooses pstore.compress's algorithm and allocates its
 * workspace.  Called under pstore_backend_lock.
 */
void pstore_compress_init(void)
{
	if (pstore_zready)
		return;
	if (pstore_compress_setup(compress))
		pr_warn("pstore: no memory to compress crash records: they stay plain\n");
	else
		pr_info("pstore: compressing crash records with %s\n",
			pstore_zalgo_names[pstore_zalgo]);
}

void pstore_compress_exit(void)
{
	struct pstore_zwork *old;

	pstore_ahead_stop();
	old = rcu_replace_pointer(pstore_zwork, NULL, true);
	pstore_zalgo = PSTORE_ZALGO_NONE;
	pstore_zready = false;
	if (old) {
		synchronize_rcu();
		kvfree(old);
	}
}
EXPORT_SYMBOL_IF_KUNIT(pstore_compress_exit);

static ssize_t pstore_deflate(struct pstore_zwork *w, const void *in,
			      size_t in_len, void *out, size_t out_size)
{
	struct z_stream_s s = { .workspace = w->mem };
	int ret;

	if (zlib_deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS,
			      DEF_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
		return -EINVAL;
	s.next_in = in;
	s.avail_in = in_len;
	s.next_out = out;
	s.avail_out = out_size;
	ret = zlib_deflate(&s, Z_FINISH);
	zlib_deflateEnd(&s);
	return ret == Z_STREAM_END ? s.total_out : -EFBIG;
}

static ssize_t pstore_zstd(struct pstore_zwork *w, const void *in,
			   size_t in_len, void *out, size_t out_size)
{
	/* tables sized for this input, not the largest: less to clear */
	zstd_parameters params = zstd_get_params(PSTORE_ZSTD_LEVEL, in_len);
	zstd_cctx *cctx = zstd_init_cctx(w->mem, w->size);
	size_t ret;

	if (!cctx)
		return -EINVAL;
	ret = zstd_compress_cctx(cctx, out, out_size, in, in_len, &params);
	/* with valid parameters, the only error is a full output */
	return zstd_is_error(ret) ? -EFBIG : ret;
}

static ssize_t pstore_lz4(struct pstore_zwork *w, const void *in,
			  size_t in_len, void *out, size_t out_size)
{
	int ret = LZ4_compress_default(in, out, in_len, out_size, w->mem);

	return ret > 0 ? ret : -EFBIG;
}

/**
 * pstore_compress_seg_with() - compress one segment with workspace @w
 * @w: a workspace from pstore_zwork_alloc(), used by no one else meanwhile
 * @in: the text
 * @in_len: its length, at most PSTORE_SEG_TEXT
 * @out: where the segment goes: its length, then the compressed text
 * @out_size: the room in @out
 *
 * Return: the segment's size; -EFBIG if it does not fit; -EINVAL if there
 * is nothing to compress with or the compressor failed.
 */
ssize_t pstore_compress_seg_with(struct pstore_zwork *w, const void *in,
				 size_t in_len, void *out, size_t out_size)
{
	ssize_t n;

	if (out_size <= sizeof(__le32))
		return -EFBIG;
	out_size -= sizeof(__le32);
	if (!w || !in_len || in_len > PSTORE_SEG_TEXT)
		return -EINVAL;
	switch (w->algo) {
	case PSTORE_ZALGO_DEFLATE:
		n = pstore_deflate(w, in, in_len, out + 4, out_size);
		break;
	case PSTORE_ZALGO_ZSTD:
		n = pstore_zstd(w, in, in_len, out + 4, out_size);
		break;
	case PSTORE_ZALGO_LZ4:
		n = pstore_lz4(w, in, in_len, out + 4, out_size);
		break;
	default:
		n = -EINVAL;
		break;
	}
	if (n < 0)
		return n;
	put_unaligned_le32(n, out);
	return sizeof(__le32) + n;
}

/**
 * pstore_compress_seg() - compress one segment of a crash record
 * @in: the text
 * @in_len: its length, at most PSTORE_SEG_TEXT
 * @out: where the segment goes: its length, then the compressed text
 * @out_size: the room in @out
 *
 * With the crash path's workspace: for the crash chain's CPU only.
 *
 * Return: as pstore_compress_seg_with().
 */
ssize_t pstore_compress_seg(const void *in, size_t in_len, void *out,
			    size_t out_size)
{
	ssize_t n;

	rcu_read_lock();
	n = pstore_compress_seg_with(rcu_dereference(pstore_zwork), in, in_len,
				     out, out_size);
	rcu_read_unlock();
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_compress_seg);

/**
 * pstore_zhdr_init() - the header of a record of segments
 * @out: the record, segments from sizeof(struct pstore_zhdr) on
 * @orig_len: the length of their text together
 */
void pstore_zhdr_init(void *out, size_t orig_len)
{
	struct pstore_zhdr *h = out;

	*h = (struct pstore_zhdr) {
		.magic = cpu_to_le32(PSTORE_ZMAGIC),
		.algo = pstore_zalgo,
		.flags = PSTORE_ZF_SEGMENTS,
		.orig_len = cpu_to_le32(orig_len),
	};
}
EXPORT_SYMBOL_IF_KUNIT(pstore_zhdr_init);

static int pstore_inflate(void *ws, const void *in, size_t in_len,
			  void *out, size_t out_size, size_t *out_len)
{
	struct z_stream_s s = { .workspace = ws };
	int ret;

	ret = zlib_inflateInit2(&s, -DEF_WBITS);
	if (ret == Z_OK) {
		s.next_in = in;
		s.avail_in = in_len;
		s.next_out = out;
		s.avail_out = out_size;
		ret = zlib_inflate(&s, Z_FINISH);
		zlib_inflateEnd(&s);
	}
	*out_len = s.total_out;
	return ret == Z_STREAM_END ? 0 : -EBADMSG;
}

static int pstore_unzstd(void *ws, const void *in, size_t in_len, void *out,
			 size_t out_size, size_t *out_len)
{
	zstd_dctx *dctx = zstd_init_dctx(ws, zstd_dctx_workspace_bound());
	size_t ret;

	ret = dctx ? zstd_decompress_dctx(dctx, out, out_size, in, in_len) : 0;
	if (!dctx || zstd_is_error(ret))
		return -EBADMSG;
	*out_len = ret;
	return 0;
}

static int pstore_unlz4(void *ws, const void *in, size_t in_len, void *out,
			size_t out_size, size_t *out_len)
{
	int ret = LZ4_decompress_safe(in, out, in_len, out_size);

	if (ret < 0)
		return -EBADMSG;
	*out_len = ret;
	return 0;
}

/*
 * Decompress @in, segments (@segs) or one stream, into @out.  Returns the
 * text's length or a negative errno.
 */
static ssize_t pstore_unz(enum pstore_zalgo algo, bool segs, const char *in,
			  size_t in_len, char *out, size_t out_size)
{
	int (*unz)(void *ws, const void *in, size_t in_len, void *out,
		   size_t out_size, size_t *out_len) = pstore_inflate;
	size_t ws_size = zlib_inflate_workspacesize();
	size_t done = 0, zlen, n;
	void *ws = NULL;
	int ret = 0;

	if (algo == PSTORE_ZALGO_ZSTD) {
		unz = pstore_unzstd;
		ws_size = zstd_dctx_workspace_bound();
	} else if (algo == PSTORE_ZALGO_LZ4) {
		unz = pstore_unlz4;
		ws_size = 0;
	}
	if (ws_size) {
		ws = kvzalloc(ws_size, GFP_KERNEL);
		if (!ws)
			return -ENOMEM;
	}
	while (in_len && !ret) {
		n = 0;
		zlen = in_len;
		if (segs) {
			zlen = in_len < 4 ? 0 : get_unaligned_le32(in);
			if (!zlen || zlen > in_len - 4) {
				ret = -EBADMSG;
				break;
			}
			in += 4;
			in_len -= 4;
		}
		ret = unz(ws, in, zlen, out + done, out_size - done, &n);
		done += n;
		in += zlen;
		in_len -= zlen;
	}
	kvfree(ws);
	return ret ?: done;
}

/**
 * pstore_decompress_record() - make a compressed record readable
 * @record: a record as the backend read it
 *
 * On success the record holds the text (and the backend's ECC notice
 * after it) and is no longer marked compressed.  On failure it is left as
 * it was: its file is named .enc.z.  A record never expands to more than
 * PSTORE_MAX_TEXT, the most this kernel's writer compresses into one: a
 * forged or foreign length cannot make a mount allocate more.
 *
 * Return: 0; -EFBIG for a record that says it holds more than
 * PSTORE_MAX_TEXT; another negative errno for a damaged one.
 */
int pstore_decompress_record(struct pstore_record *record)
{
	size_t notice = max_t(ssize_t, record->ecc_notice_size, 0);
	const struct pstore_zhdr *h = (const void *)record->buf;
	size_t hs = sizeof(*h), in_len, out_size;
	enum pstore_zalgo algo = PSTORE_ZALGO_DEFLATE;
	const char *in = record->buf;
	bool segs = false;
	ssize_t n;
	char *out;

	if (!record->compressed)
		return 0;
	if (record->type != PSTORE_TYPE_DMESG || record->size <= 0)
		return -EINVAL;
	in_len = record->size;
	/* headerless deflate: a guess, within the bound */
	out_size = min_t(size_t, 8 * in_len + 4096, PSTORE_MAX_TEXT);
	if (in_len > hs && le32_to_cpu(h->magic) == PSTORE_ZMAGIC) {
		algo = h->algo;
		segs = h->flags & PSTORE_ZF_SEGMENTS;
		out_size = le32_to_cpu(h->orig_len);
		in += hs;
		in_len -= hs;
		if (algo == PSTORE_ZALGO_NONE || algo >= PSTORE_ZALGO_MAX ||
		    h->flags & ~PSTORE_ZF_SEGMENTS)
			return -EBADMSG;
		if (out_size > PSTORE_MAX_TEXT)
			return -EFBIG;
	}
	out = kvzalloc(out_size + notice + 1, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	n = pstore_unz(algo, segs, in, in_len, out, out_size);
	/* a record of segments holds just what its header says */
	if (n >= 0 && segs && n != out_size)
		n = -EBADMSG;
	if (n < 0) {
		kvfree(out);
		return n;
	}
	/* the ECC notice follows the compressed data: keep it after the text */
	memcpy(out + n, record->buf + record->size, notice);
	kvfree(record->buf);
	record->buf = out;
	record->size = n;
	record->compressed = false;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_decompress_record);
