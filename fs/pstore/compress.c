// SPDX-License-Identifier: GPL-2.0
/*
 * Compression of crash records: zstd (the default), deflate or lz4,
 * chosen with pstore.compress=.
 *
 * DOC: compressed records
 *
 * A compressed record starts with struct pstore_zhdr: a magic, the
 * algorithm and the uncompressed length, so any backend's records say how
 * to read them back, whatever pstore.compress says on the next boot.  A
 * compressed record without the header is taken for upstream's raw
 * deflate, as older kernels wrote to EFI variables.
 *
 * Compression runs at crash time: its workspace is allocated when a
 * backend registers, never later, and shared by the backends (their
 * records are written one after the other, by the chain's CPU).  A
 * backend whose records need a larger workspace replaces it: the old one
 * is freed once no crash chain run can be using it (runs are RCU
 * readers).  Measured on kernel logs (see
 * Documentation/admin-guide/crash/pstore.rst), zstd at level 1 keeps
 * about 7 times the log in a record, against 6 for deflate and 3.6 for
 * lz4, and compresses a quarter megabyte in about a millisecond.
 */
#include <linux/lz4.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/pstore.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
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

/* The compressor's workspace, for inputs up to @max_in bytes. */
struct pstore_zwork {
	size_t max_in;
	size_t size;
	u8 mem[] __aligned(8);
};

static struct pstore_zwork __rcu *pstore_zwork;

bool pstore_compress_enabled(void)
{
	return pstore_zalgo != PSTORE_ZALGO_NONE;
}

static enum pstore_zalgo pstore_zalgo_by_name(const char *name)
{
	int i;

	for (i = 0; i < PSTORE_ZALGO_MAX; i++)
		if (name && !strcmp(name, pstore_zalgo_names[i]))
			return i;
	return PSTORE_ZALGO_MAX;
}

static size_t pstore_zwork_bytes(enum pstore_zalgo algo, size_t max_in)
{
	zstd_compression_parameters cp;

	switch (algo) {
	case PSTORE_ZALGO_DEFLATE:
		return zlib_deflate_workspacesize(MAX_WBITS, DEF_MEM_LEVEL);
	case PSTORE_ZALGO_ZSTD:
		cp = zstd_get_cparams(PSTORE_ZSTD_LEVEL, max_in, 0);
		return zstd_cctx_workspace_bound(&cp);
	case PSTORE_ZALGO_LZ4:
		return LZ4_MEM_COMPRESS;
	default:
		return 0;
	}
}

/* A workspace for @max_in bytes in place of the one there, if any. */
static int pstore_zwork_replace(size_t max_in)
{
	size_t size = pstore_zwork_bytes(pstore_zalgo, max_in);
	struct pstore_zwork *w = NULL, *old;

	if (size) {
		w = kvzalloc(struct_size(w, mem, size), GFP_KERNEL);
		if (!w)
			return -ENOMEM;
		w->max_in = max_in;
		w->size = size;
	}
	old = rcu_replace_pointer(pstore_zwork, w, true);
	if (old) {
		synchronize_rcu();
		kvfree(old);
	}
	return 0;
}

/*
 * Choose the algorithm @name names and allocate its workspace for inputs
 * up to @max_in bytes.  An unknown name falls back to zstd.
 */
int pstore_compress_setup(const char *name, size_t max_in)
{
	enum pstore_zalgo algo = pstore_zalgo_by_name(name);

	pstore_compress_exit();
	if (algo == PSTORE_ZALGO_MAX) {
		pr_err("pstore: compress=%s: unknown, using zstd\n", name);
		algo = PSTORE_ZALGO_ZSTD;
	}
	pstore_zalgo = algo;
	/* without its workspace, records are written plain */
	if (pstore_zwork_replace(max_in))
		pstore_zalgo = PSTORE_ZALGO_NONE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_compress_setup);

/**
 * pstore_compress_init() - be ready to compress records of @max_in bytes
 * @max_in: the most text a record of the registering backend is made of
 *
 * The first call chooses pstore.compress's algorithm; later ones grow the
 * workspace if @max_in needs more.  Called under pstore_backend_lock.
 *
 * Return: 0 (a workspace that cannot be had leaves records plain).
 */
int pstore_compress_init(size_t max_in)
{
	struct pstore_zwork *w = rcu_dereference_protected(pstore_zwork, 1);

	if (pstore_zalgo == PSTORE_ZALGO_NONE && !w) {
		pstore_compress_setup(compress, max_in);
		pr_info("pstore: compressing crash records with %s\n",
			pstore_zalgo_names[pstore_zalgo]);
	} else if (pstore_zalgo != PSTORE_ZALGO_NONE && w &&
		   w->max_in < max_in && pstore_zwork_replace(max_in)) {
		pr_warn("pstore: no memory to compress records of %zu bytes: records up to %zu bytes compressed\n",
			max_in, w->max_in);
	}
	return 0;
}

void pstore_compress_exit(void)
{
	struct pstore_zwork *old = rcu_replace_pointer(pstore_zwork, NULL, true);

	pstore_zalgo = PSTORE_ZALGO_NONE;
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
 * pstore_compress() - compress a record, with its header, into @out
 * @in: the text
 * @in_len: its length
 * @out: where the record goes
 * @out_size: the room in @out
 *
 * Return: the record's size; -EFBIG if it does not fit; -EINVAL if the
 * compressor failed.
 */
ssize_t pstore_compress(const void *in, size_t in_len, void *out,
			size_t out_size)
{
	struct pstore_zhdr *h = out;
	size_t hs = sizeof(*h);
	struct pstore_zwork *w;
	ssize_t n;

	if (out_size <= hs)
		return -EFBIG;
	rcu_read_lock();
	w = rcu_dereference(pstore_zwork);
	if (!w || in_len > w->max_in) {
		n = -EINVAL;
		goto out;
	}
	switch (pstore_zalgo) {
	case PSTORE_ZALGO_DEFLATE:
		n = pstore_deflate(w, in, in_len, out + hs, out_size - hs);
		break;
	case PSTORE_ZALGO_ZSTD:
		n = pstore_zstd(w, in, in_len, out + hs, out_size - hs);
		break;
	case PSTORE_ZALGO_LZ4:
		n = pstore_lz4(w, in, in_len, out + hs, out_size - hs);
		break;
	default:
		n = -EINVAL;
		break;
	}
out:
	rcu_read_unlock();
	if (n < 0)
		return n;
	h->magic = cpu_to_le32(PSTORE_ZMAGIC);
	h->algo = pstore_zalgo;
	memset(h->reserved, 0, sizeof(h->reserved));
	h->orig_len = cpu_to_le32(in_len);
	return hs + n;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_compress);

static int pstore_inflate(const void *in, size_t in_len, void *out,
			  size_t out_size, size_t *out_len)
{
	struct z_stream_s s = { };
	int ret;

	s.workspace = kvzalloc(zlib_inflate_workspacesize(), GFP_KERNEL);
	if (!s.workspace)
		return -ENOMEM;
	ret = zlib_inflateInit2(&s, -DEF_WBITS);
	if (ret == Z_OK) {
		s.next_in = in;
		s.avail_in = in_len;
		s.next_out = out;
		s.avail_out = out_size;
		ret = zlib_inflate(&s, Z_FINISH);
		zlib_inflateEnd(&s);
	}
	kvfree(s.workspace);
	*out_len = s.total_out;
	return ret == Z_STREAM_END ? 0 : -EBADMSG;
}

static int pstore_unzstd(const void *in, size_t in_len, void *out,
			 size_t out_size, size_t *out_len)
{
	size_t ws_size = zstd_dctx_workspace_bound();
	void *ws = kvzalloc(ws_size, GFP_KERNEL);
	zstd_dctx *dctx;
	size_t ret;

	if (!ws)
		return -ENOMEM;
	dctx = zstd_init_dctx(ws, ws_size);
	ret = dctx ? zstd_decompress_dctx(dctx, out, out_size, in, in_len) : 0;
	kvfree(ws);
	if (!dctx || zstd_is_error(ret))
		return -EBADMSG;
	*out_len = ret;
	return 0;
}

static int pstore_unlz4(const void *in, size_t in_len, void *out,
			size_t out_size, size_t *out_len)
{
	int ret = LZ4_decompress_safe(in, out, in_len, out_size);

	if (ret < 0)
		return -EBADMSG;
	*out_len = ret;
	return 0;
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
	size_t hs = sizeof(*h), in_len, out_len = 0, out_size;
	enum pstore_zalgo algo = PSTORE_ZALGO_DEFLATE;
	const char *in = record->buf;
	char *out;
	int ret;

	if (!record->compressed)
		return 0;
	if (record->type != PSTORE_TYPE_DMESG || record->size <= 0)
		return -EINVAL;
	in_len = record->size;
	/* headerless deflate: a guess, within the bound */
	out_size = min_t(size_t, 8 * in_len + 4096, PSTORE_MAX_TEXT);
	if (in_len > hs && le32_to_cpu(h->magic) == PSTORE_ZMAGIC) {
		algo = h->algo;
		out_size = le32_to_cpu(h->orig_len);
		in += hs;
		in_len -= hs;
		if (algo == PSTORE_ZALGO_NONE || algo >= PSTORE_ZALGO_MAX)
			return -EBADMSG;
		if (out_size > PSTORE_MAX_TEXT)
			return -EFBIG;
	}
	out = kvzalloc(out_size + notice + 1, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	switch (algo) {
	case PSTORE_ZALGO_ZSTD:
		ret = pstore_unzstd(in, in_len, out, out_size, &out_len);
		break;
	case PSTORE_ZALGO_LZ4:
		ret = pstore_unlz4(in, in_len, out, out_size, &out_len);
		break;
	default:
		ret = pstore_inflate(in, in_len, out, out_size, &out_len);
		break;
	}
	if (ret) {
		kvfree(out);
		return ret;
	}
	/* the ECC notice follows the compressed data: keep it after the text */
	memcpy(out + out_len, record->buf + record->size, notice);
	kvfree(record->buf);
	record->buf = out;
	record->size = out_len;
	record->compressed = false;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_decompress_record);
