// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pstore: file names, compression round trips (and what
 * happens to records that do not compress or do not decompress), and the
 * dmesg record the crash chain's persist stage writes to a backend.
 */
#include <kunit/test.h>
#include <linux/kmsg_dump.h>
#include <linux/pstore.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>
#include <linux/zlib.h>

#include "core.h"

static struct pstore_info test_psi = { .name = "kunit" };

static void pstore_names(struct kunit *test)
{
	struct pstore_record r = { .psi = &test_psi, .id = 3 };
	char name[64];

	r.type = PSTORE_TYPE_DMESG;
	pstore_record_name(&r, name, sizeof(name));
	KUNIT_EXPECT_STREQ(test, name, "dmesg-kunit-3");
	r.type = PSTORE_TYPE_CONSOLE;
	r.id = 0;
	pstore_record_name(&r, name, sizeof(name));
	KUNIT_EXPECT_STREQ(test, name, "console-kunit-0");
	r.type = PSTORE_TYPE_PMSG;
	pstore_record_name(&r, name, sizeof(name));
	KUNIT_EXPECT_STREQ(test, name, "pmsg-kunit-0");
	r.type = PSTORE_TYPE_DMESG;
	r.compressed = true;
	r.id = 12345678901ULL;
	pstore_record_name(&r, name, sizeof(name));
	KUNIT_EXPECT_STREQ(test, name, "dmesg-kunit-12345678901.enc.z");
	r.type = PSTORE_TYPE_MAX;
	r.compressed = false;
	pstore_record_name(&r, name, sizeof(name));
	KUNIT_EXPECT_STREQ(test, name, "unknown-kunit-12345678901");

	KUNIT_EXPECT_EQ(test, pstore_name_to_type("pmsg"), PSTORE_TYPE_PMSG);
	KUNIT_EXPECT_EQ(test, pstore_name_to_type("powerpc-opal"),
			PSTORE_TYPE_PPC_OPAL);
	KUNIT_EXPECT_EQ(test, pstore_name_to_type("dmesgx"), PSTORE_TYPE_MAX);
	KUNIT_EXPECT_EQ(test, pstore_name_to_type(""), PSTORE_TYPE_MAX);
	KUNIT_EXPECT_STREQ(test, pstore_type_to_name(PSTORE_TYPE_MCE), "mce");
}

/* more than one segment */
#define LOG_LEN (3 * PSTORE_SEG_TEXT + 1000)

/* Something like a kernel log: compressible, not trivially. */
static char *make_log(struct kunit *test, size_t len)
{
	char *log = kunit_kzalloc(test, len + 64, GFP_KERNEL);
	size_t n = 0;
	int i = 0;

	KUNIT_ASSERT_NOT_NULL(test, log);
	while (n < len)
		n += scnprintf(log + n, len + 64 - n,
			       "<6>[%5d.%06d] virtio_blk virtio%d: [vd%c] %d 512-byte logical blocks\n",
			       i / 7, (i * 7919) % 1000000, i % 3,
			       'a' + i % 4, 8192 * (i % 11 + 1)), i++;
	return log;
}

/* A record of @in as the dmesg frontend writes one: segments of it. */
static ssize_t zrecord(const char *in, size_t len, char *out, size_t out_size)
{
	size_t hs = sizeof(struct pstore_zhdr), done = 0, at = hs, seg;
	ssize_t n;

	while (done < len) {
		seg = min_t(size_t, len - done, PSTORE_SEG_TEXT);
		if (at >= out_size)
			return -EFBIG;
		n = pstore_compress_seg(in + done, seg, out + at, out_size - at);
		if (n < 0)
			return n;
		at += n;
		done += seg;
	}
	pstore_zhdr_init(out, len);
	return at;
}

/* Compress @in as the dmesg frontend would and read it back. */
static void round_trip(struct kunit *test, const char *algo, const char *in,
		       size_t len)
{
	struct pstore_record r = { .psi = &test_psi, .type = PSTORE_TYPE_DMESG };
	static const char notice[] = "\nECC: No errors detected\n";
	size_t out_size = len + 64;
	ssize_t n;

	KUNIT_ASSERT_EQ(test, pstore_compress_setup(algo), 0);
	r.buf = kvzalloc(out_size + sizeof(notice), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r.buf);
	n = zrecord(in, len, r.buf, out_size);
	KUNIT_ASSERT_GT_MSG(test, n, 0, "%s", algo);
	KUNIT_EXPECT_LT_MSG(test, n, (ssize_t)len / 3, "%s compresses", algo);
	/* the backend appends its notice after the compressed bytes */
	memcpy(r.buf + n, notice, sizeof(notice) - 1);
	r.size = n;
	r.ecc_notice_size = sizeof(notice) - 1;
	r.compressed = true;
	KUNIT_ASSERT_EQ_MSG(test, pstore_decompress_record(&r), 0, "%s", algo);
	KUNIT_EXPECT_FALSE(test, r.compressed);
	KUNIT_ASSERT_EQ(test, r.size, (ssize_t)len);
	KUNIT_EXPECT_EQ(test, memcmp(r.buf, in, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(r.buf + len, notice, sizeof(notice) - 1),
			0);
	kvfree(r.buf);
	pstore_compress_exit();
}

/* Every segment size the writer may choose compresses (a workspace fits). */
static void seg_sizes(struct kunit *test, const char *algo, const char *log)
{
	static const size_t sizes[] = { 300, 1000, 5000, 13631, SZ_16K,
					20000, PSTORE_SEG_TEXT };
	char *out = kunit_kzalloc(test, PSTORE_SEG_ROOM, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_EQ(test, pstore_compress_setup(algo), 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		KUNIT_EXPECT_GT_MSG(test, pstore_compress_seg(log, sizes[i], out,
							      PSTORE_SEG_ROOM),
				    0, "%s, %zu bytes", algo, sizes[i]);
	pstore_compress_exit();
}

static void pstore_compression_round_trips(struct kunit *test)
{
	char *log = make_log(test, LOG_LEN);

	seg_sizes(test, "zstd", log);
	seg_sizes(test, "deflate", log);
	seg_sizes(test, "lz4", log);

	round_trip(test, "zstd", log, LOG_LEN);
	round_trip(test, "deflate", log, LOG_LEN);
	round_trip(test, "lz4", log, LOG_LEN);
	/* an unknown name falls back to zstd rather than to nothing */
	round_trip(test, "lzo", log, LOG_LEN);
}

static void pstore_incompressible(struct kunit *test)
{
	static const char * const algos[] = { "zstd", "deflate", "lz4" };
	char *noise = kunit_kzalloc(test, 4096, GFP_KERNEL);
	char *out = kunit_kzalloc(test, 4096, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, noise);
	get_random_bytes(noise, 4096);
	for (i = 0; i < ARRAY_SIZE(algos); i++) {
		pstore_compress_setup(algos[i]);
		/* does not fit in what it came from: written plain instead */
		KUNIT_EXPECT_EQ_MSG(test,
				    pstore_compress_seg(noise, 4096, out, 4096),
				    (ssize_t)-EFBIG, "%s", algos[i]);
		/* no segment of more text than the writer's buffer */
		KUNIT_EXPECT_EQ_MSG(test,
				    pstore_compress_seg(noise, PSTORE_SEG_TEXT + 1,
							out, 4096),
				    (ssize_t)-EINVAL, "%s", algos[i]);
		pstore_compress_exit();
	}
	KUNIT_EXPECT_EQ(test, pstore_compress_seg(noise, 16, out, 4096),
			(ssize_t)-EINVAL);
}

static struct pstore_record *compressed_record(struct kunit *test,
					       const char *algo)
{
	struct pstore_record *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	char *log = make_log(test, 4000);

	KUNIT_ASSERT_NOT_NULL(test, r);
	pstore_compress_setup(algo);
	r->psi = &test_psi;
	r->type = PSTORE_TYPE_DMESG;
	r->buf = kvzalloc(4096, GFP_KERNEL);
	r->size = zrecord(log, 4000, r->buf, 4096);
	r->compressed = true;
	pstore_compress_exit();
	KUNIT_ASSERT_GT(test, r->size, 0);
	return r;
}

/* A damaged compressed record stays as it was: dmesg-*.enc.z. */
static void pstore_undecompressible(struct kunit *test)
{
	struct pstore_record *r;
	struct pstore_zhdr *h;

	r = compressed_record(test, "zstd");
	memset(r->buf + sizeof(*h) + 8, 0xee, 40);
	KUNIT_EXPECT_LT(test, pstore_decompress_record(r), 0);
	KUNIT_EXPECT_TRUE(test, r->compressed);
	kvfree(r->buf);

	r = compressed_record(test, "deflate");
	h = (struct pstore_zhdr *)r->buf;
	h->algo = 99;
	KUNIT_EXPECT_EQ(test, pstore_decompress_record(r), -EBADMSG);
	h->algo = PSTORE_ZALGO_DEFLATE;
	h->orig_len = cpu_to_le32(U32_MAX);
	KUNIT_EXPECT_EQ(test, pstore_decompress_record(r), -EFBIG);
	kvfree(r->buf);

	r = compressed_record(test, "lz4");
	r->size = sizeof(*h) + 5;	/* cut short */
	KUNIT_EXPECT_LT(test, pstore_decompress_record(r), 0);
	KUNIT_EXPECT_TRUE(test, r->compressed);
	kvfree(r->buf);

	/* only crash records are ever compressed */
	r = compressed_record(test, "zstd");
	r->type = PSTORE_TYPE_CONSOLE;
	KUNIT_EXPECT_EQ(test, pstore_decompress_record(r), -EINVAL);
	kvfree(r->buf);
}

/* Check @r's decompression fails with @err and leaves it as it was. */
static void expect_bad(struct kunit *test, struct pstore_record *r, int err,
		       const char *what)
{
	ssize_t size = r->size;

	KUNIT_EXPECT_EQ_MSG(test, pstore_decompress_record(r), err, "%s", what);
	KUNIT_EXPECT_TRUE_MSG(test, r->compressed, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, r->size, size, "%s", what);
}

/*
 * Segments whose lengths lie, or whose text is not what the header says,
 * are refused; a record of one stream without segment lengths (what this
 * series wrote before segments) still reads back.
 */
static void pstore_bad_segments(struct kunit *test)
{
	size_t hs = sizeof(struct pstore_zhdr);
	struct pstore_record *r = compressed_record(test, "zstd");
	struct pstore_zhdr *h = (struct pstore_zhdr *)r->buf;
	u32 zlen = get_unaligned_le32(r->buf + hs);
	u32 orig = le32_to_cpu(h->orig_len);
	ssize_t size = r->size;

	KUNIT_ASSERT_EQ(test, h->flags, PSTORE_ZF_SEGMENTS);
	KUNIT_ASSERT_EQ(test, (ssize_t)(hs + 4 + zlen), size);
	put_unaligned_le32(zlen + 1, r->buf + hs);
	expect_bad(test, r, -EBADMSG, "a length past the end");
	put_unaligned_le32(0, r->buf + hs);
	expect_bad(test, r, -EBADMSG, "a length of 0");
	put_unaligned_le32(zlen, r->buf + hs);

	h->orig_len = cpu_to_le32(orig + 1);
	expect_bad(test, r, -EBADMSG, "less text than the header says");
	h->orig_len = cpu_to_le32(orig - 1);
	expect_bad(test, r, -EBADMSG, "more text than the header says");
	h->orig_len = cpu_to_le32(orig);

	/* the start of a second segment's length, cut short */
	memcpy(r->buf + size, "\x05\x00", 2);
	r->size = size + 2;
	expect_bad(test, r, -EBADMSG, "a cut length");
	r->size = size;
	h->flags |= BIT(3);
	expect_bad(test, r, -EBADMSG, "an unknown flag");
	h->flags = PSTORE_ZF_SEGMENTS;

	/* one stream, no length: as before segments */
	memmove(r->buf + hs, r->buf + hs + 4, zlen);
	h->flags = 0;
	r->size = hs + zlen;
	KUNIT_ASSERT_EQ(test, pstore_decompress_record(r), 0);
	KUNIT_EXPECT_EQ(test, r->size, (ssize_t)orig);
	KUNIT_EXPECT_EQ(test, strncmp(r->buf, "<6>[", 4), 0);
	kvfree(r->buf);
}

/*
 * A valid frame that expands past what this kernel writes in one record,
 * and says so (forged zones at mount): left compressed, nothing allocated
 * for it.  At the bound itself it still reads back.
 */
static void pstore_decompress_bound(struct kunit *test)
{
	static const char * const algos[] = { "zstd", "deflate", "lz4" };
	size_t big = 2 * PSTORE_MAX_TEXT, room = PSTORE_MAX_TEXT / 2;
	char *zeros = kvzalloc(big, GFP_KERNEL);
	struct pstore_record r = { .psi = &test_psi, .type = PSTORE_TYPE_DMESG };
	struct pstore_zhdr *h;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, zeros);
	for (i = 0; i < ARRAY_SIZE(algos); i++) {
		KUNIT_ASSERT_EQ(test, pstore_compress_setup(algos[i]), 0);
		r.buf = kvzalloc(room, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, r.buf);
		h = (struct pstore_zhdr *)r.buf;

		/* two bound's worth of zeros: refused, left as it was */
		r.size = zrecord(zeros, big, r.buf, room);
		KUNIT_ASSERT_GT_MSG(test, r.size, 0, "%s", algos[i]);
		r.compressed = true;
		KUNIT_EXPECT_EQ_MSG(test, pstore_decompress_record(&r), -EFBIG,
				    "%s", algos[i]);
		KUNIT_EXPECT_TRUE(test, r.compressed);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(h->orig_len), (u32)big);
		/* a forged length far beyond it */
		h->orig_len = cpu_to_le32(64U << 20);
		KUNIT_EXPECT_EQ_MSG(test, pstore_decompress_record(&r), -EFBIG,
				    "%s 64 MiB", algos[i]);

		/* exactly the bound: read back */
		r.size = zrecord(zeros, PSTORE_MAX_TEXT, r.buf, room);
		KUNIT_ASSERT_GT_MSG(test, r.size, 0, "%s", algos[i]);
		KUNIT_ASSERT_EQ_MSG(test, pstore_decompress_record(&r), 0,
				    "%s at the bound", algos[i]);
		KUNIT_EXPECT_EQ(test, r.size, (ssize_t)PSTORE_MAX_TEXT);
		KUNIT_EXPECT_FALSE(test, r.compressed);
		kvfree(r.buf);
		r = (struct pstore_record) { .psi = &test_psi,
					     .type = PSTORE_TYPE_DMESG };
		pstore_compress_exit();
	}
	kvfree(zeros);
}

/* Records from upstream kernels are raw deflate without our header. */
static void pstore_reads_upstream_deflate(struct kunit *test)
{
	struct pstore_record r = { .psi = &test_psi, .type = PSTORE_TYPE_DMESG };
	char *log = make_log(test, 3000);
	struct z_stream_s s = { };
	void *ws;

	ws = kvzalloc(zlib_deflate_workspacesize(MAX_WBITS, DEF_MEM_LEVEL),
		      GFP_KERNEL);
	r.buf = kvzalloc(4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ws);
	KUNIT_ASSERT_NOT_NULL(test, r.buf);
	s.workspace = ws;
	KUNIT_ASSERT_EQ(test, zlib_deflateInit2(&s, 6, Z_DEFLATED, -MAX_WBITS,
						DEF_MEM_LEVEL,
						Z_DEFAULT_STRATEGY), Z_OK);
	s.next_in = log;
	s.avail_in = 3000;
	s.next_out = r.buf;
	s.avail_out = 4096;
	KUNIT_ASSERT_EQ(test, zlib_deflate(&s, Z_FINISH), Z_STREAM_END);
	zlib_deflateEnd(&s);
	kvfree(ws);
	r.size = s.total_out;
	r.compressed = true;
	KUNIT_ASSERT_EQ(test, pstore_decompress_record(&r), 0);
	KUNIT_EXPECT_EQ(test, r.size, 3000);
	KUNIT_EXPECT_EQ(test, memcmp(r.buf, log, 3000), 0);
	kvfree(r.buf);
}

/* A backend that keeps the last record written to it. */
static struct {
	char *buf;
	size_t size;
	int writes;
	struct pstore_record last;
} sink;

static int sink_write(struct pstore_record *record)
{
	sink.writes++;
	if (record->part > 1)
		return -ENOSPC;
	sink.last = *record;
	memcpy(sink.buf, record->buf, record->size);
	sink.size = record->size;
	return 0;
}

static ssize_t sink_read(struct pstore_record *record)
{
	return 0;
}

static struct pstore_info sink_psi = {
	.name = "kunit-sink",
	.flags = PSTORE_FLAGS_DMESG,
	.max_reason = KMSG_DUMP_OOPS,
	.read = sink_read,
	.write = sink_write,
};

/*
 * The record of a crash: a header, then the newest log, with what the
 * crash chain printed just before the persist stage (its receipt so far)
 * at the end; compressed, it holds more log than its buffer.
 */
static void pstore_dmesg_record(struct kunit *test)
{
	struct pstore_record r = { .psi = &sink_psi, .type = PSTORE_TYPE_DMESG };
	int i;

	sink_psi.bufsize = 4096;
	sink_psi.buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	sink.buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sink.buf);
	KUNIT_ASSERT_NOT_NULL(test, sink_psi.buf);
	KUNIT_ASSERT_EQ(test, pstore_register(&sink_psi), 0);

	for (i = 0; i < 400; i++)
		pr_info("pstore_kunit: filler line %d of a long log\n", i);
	pr_info("crash_chain: receipt so far:\n");
	pr_info("crash_chain:   capture  stop-cpus                ok   1 us\n");
	sink.writes = 0;
	kmsg_dump_desc(KMSG_DUMP_OOPS, "kunit");
	pstore_unregister(&sink_psi);

	KUNIT_ASSERT_GE(test, sink.writes, 1);
	KUNIT_EXPECT_EQ(test, sink.last.part, 1U);
	KUNIT_EXPECT_EQ(test, sink.last.reason, KMSG_DUMP_OOPS);
	KUNIT_EXPECT_EQ(test, sink.last.type, PSTORE_TYPE_DMESG);
	r.buf = kvmemdup(sink.buf, sink.size, GFP_KERNEL);
	r.size = sink.size;
	r.compressed = sink.last.compressed;
	KUNIT_ASSERT_TRUE(test, IS_ENABLED(CONFIG_PSTORE_COMPRESS) ==
			  r.compressed);
	KUNIT_ASSERT_EQ(test, pstore_decompress_record(&r), 0);
	r.buf[r.size - 1] = '\0';
	KUNIT_EXPECT_EQ(test, strncmp(r.buf, "Oops#", 5), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.buf, " Part1\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.buf, "crash_chain:   capture  stop-cpus"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.buf, "filler line 399 of"));
	kunit_info(test, "a %zd byte record keeps %zd bytes of log\n",
		   sink.size, r.size);
	if (sink.last.compressed) {
		KUNIT_EXPECT_GT(test, r.size, 3 * (ssize_t)sink_psi.bufsize);
		/* full: the segments' sizes leave little unused */
		KUNIT_EXPECT_GE(test, sink.size, 3 * sink_psi.bufsize / 4);
	}
	kvfree(r.buf);
}

/* The first and last N of "@word line N" in a record; a gap fails */
static void ahead_lines(struct kunit *test, const char *text,
			const char *word, int *first, int *last)
{
	const char *p = text;
	char pat[24];
	int n;

	*first = -1;
	*last = -1;
	snprintf(pat, sizeof(pat), "%s line ", word);
	while ((p = strstr(p, pat))) {
		if (sscanf(p + strlen(pat), "%d", &n) != 1) {
			KUNIT_FAIL(test, "no line number: %.20s", p);
			return;
		}
		if (*first < 0)
			*first = n;
		else
			KUNIT_EXPECT_EQ(test, n, *last + 1);
		*last = n;
		p++;
	}
}

/* Dump to the sink and return the record's text, decompressed. */
static char *sink_dump(struct kunit *test)
{
	struct pstore_record r = { .psi = &sink_psi, .type = PSTORE_TYPE_DMESG };

	sink.writes = 0;
	kmsg_dump_desc(KMSG_DUMP_OOPS, "kunit");
	KUNIT_ASSERT_GE(test, sink.writes, 1);
	r.buf = kvmalloc(sink.size + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r.buf);
	memcpy(r.buf, sink.buf, sink.size);
	r.size = sink.size;
	r.compressed = sink.last.compressed;
	KUNIT_ASSERT_TRUE(test, r.compressed);
	KUNIT_ASSERT_EQ(test, pstore_decompress_record(&r), 0);
	r.buf[r.size - 1] = '\0';
	return r.buf;
}

/*
 * A record made with the log compressed ahead holds what one compressed
 * at the crash holds: the newest log, without a gap.  Chunks that are
 * being written, or older than syslog's clear, are not taken.
 */
static void pstore_ahead_record(struct kunit *test)
{
	int i, first[3], last[3];
	struct kmsg_dump_iter it;
	size_t text, size;
	struct pstore_ahead *a;
	unsigned long gen;
	char *rec[3];
	u8 *seg;
	u64 end;

	if (!IS_ENABLED(CONFIG_PSTORE_COMPRESS))
		kunit_skip(test, "no compression");
	/*
	 * A record that holds some of the log compressed ahead, not all:
	 * lines that compress about 6:1 (a hash in each), 8 KiB records
	 */
	sink_psi.bufsize = SZ_8K;
	sink_psi.buf = kunit_kzalloc(test, SZ_8K, GFP_KERNEL);
	sink.buf = kunit_kzalloc(test, SZ_8K, GFP_KERNEL);
	seg = kunit_kzalloc(test, PSTORE_SEG_ROOM, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sink.buf);
	KUNIT_ASSERT_NOT_NULL(test, sink_psi.buf);
	KUNIT_ASSERT_NOT_NULL(test, seg);
	KUNIT_ASSERT_EQ(test, pstore_register(&sink_psi), 0);

	for (i = 0; i < 1500; i++)
		pr_info("pstore_kunit: ahead line %d of a long log, %08x\n",
			i, i * 2654435761U);
	pstore_ahead_sync();
	end = pstore_ahead_end();
	KUNIT_ASSERT_NE(test, end, 0);
	for (i = 1500; i < 1510; i++)
		pr_info("pstore_kunit: ahead line %d of a long log, %08x\n",
			i, i * 2654435761U);

	/* the newest chunk ends where the tail begins */
	kmsg_dump_rewind(&it);
	it.next_seq = end;
	KUNIT_EXPECT_GT(test, pstore_ahead_take(&it, seg, PSTORE_SEG_ROOM,
						PSTORE_SEG_TEXT, &text, &size),
			0);
	KUNIT_EXPECT_LT(test, it.next_seq, end);
	KUNIT_EXPECT_GT(test, text, SZ_8K);
	/* too little room: not copied, but its sizes are told */
	it.next_seq = end;
	KUNIT_EXPECT_EQ(test, pstore_ahead_take(&it, seg, size - 1,
						PSTORE_SEG_TEXT, &text, &size),
			-EFBIG);
	KUNIT_EXPECT_EQ(test, it.next_seq, end);
	/* cleared by syslog: the chunk holds log the dump leaves out */
	it.cur_seq = end - 1;
	KUNIT_EXPECT_EQ(test, pstore_ahead_take(&it, seg, PSTORE_SEG_ROOM,
						PSTORE_SEG_TEXT, &text, &size),
			0);

	rec[0] = sink_dump(test);
	/* the newest chunk being written when the crash came */
	a = pstore_ahead_get();
	KUNIT_ASSERT_NOT_NULL(test, a);
	gen = a->chunk[a->newest].gen;
	a->chunk[a->newest].gen = gen + 1;
	rec[1] = sink_dump(test);
	a->chunk[a->newest].gen = gen;
	/* and without any chunk */
	pstore_ahead_stop();
	rec[2] = sink_dump(test);
	pstore_unregister(&sink_psi);

	for (i = 0; i < 3; i++) {
		ahead_lines(test, rec[i], "ahead", &first[i], &last[i]);
		KUNIT_EXPECT_EQ(test, last[i], 1509);
		KUNIT_EXPECT_GT(test, first[i], 0);
		/* compressed: several times the record's size */
		KUNIT_EXPECT_GT(test, strlen(rec[i]), 3 * sink_psi.bufsize);
		kvfree(rec[i]);
	}
	kunit_info(test, "lines kept: %d ahead, %d with the newest chunk busy, %d compressed at the crash\n",
		   1510 - first[0], 1510 - first[1], 1510 - first[2]);
	/* within a tenth of each other: the chunks cost little room */
	KUNIT_EXPECT_GT(test, (1510 - first[0]) * 10, (1510 - first[2]) * 9);
}

/*
 * A record larger than a chunk (hundreds of lines in one printk) is left
 * to the crash path; the worker goes on after it, and a record still
 * holds it and the log around it.
 */
static void pstore_ahead_large_record(struct kunit *test)
{
	struct kmsg_dump_iter it;
	int first, last, i;
	char *big, *rec;
	size_t len;

	if (!IS_ENABLED(CONFIG_PSTORE_COMPRESS))
		kunit_skip(test, "no compression");
	big = kunit_kzalloc(test, 1000, GFP_KERNEL);
	sink_psi.bufsize = SZ_8K;
	sink_psi.buf = kunit_kzalloc(test, SZ_8K, GFP_KERNEL);
	sink.buf = kunit_kzalloc(test, SZ_8K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_ASSERT_NOT_NULL(test, sink.buf);
	KUNIT_ASSERT_NOT_NULL(test, sink_psi.buf);
	KUNIT_ASSERT_EQ(test, pstore_register(&sink_psi), 0);

	/*
	 * 980 empty lines, each with its own prefix: with printk.time=1
	 * (as make kunit and kunit-debug boot) more than 16 KiB
	 */
	memset(big, '\n', 980);
	pr_info("pstore_kunit: big record%s", big);
	kmsg_dump_rewind(&it);		/* it.next_seq: just after it */
	it.cur_seq = it.next_seq - 1;
	KUNIT_ASSERT_TRUE(test, kmsg_dump_get_line(&it, true, NULL, 0, &len));
	if (len <= SZ_16K) {
		pstore_unregister(&sink_psi);
		kunit_skip(test, "a record of %zu bytes: needs printk.time=1",
			   len);
	}
	for (i = 0; i < 600; i++)
		pr_info("pstore_kunit: later line %d of a long log, %08x\n",
			i, i * 2654435761U);
	pstore_ahead_sync();
	/* chunks after the big record */
	KUNIT_EXPECT_GT(test, pstore_ahead_end(), it.next_seq);
	rec = sink_dump(test);
	pstore_unregister(&sink_psi);
	ahead_lines(test, rec, "later", &first, &last);
	KUNIT_EXPECT_EQ(test, first, 0);
	KUNIT_EXPECT_EQ(test, last, 599);
	KUNIT_EXPECT_NOT_NULL(test, strstr(rec, "pstore_kunit: big record"));
	kvfree(rec);
}

/*
 * The ring: a chunk retires those whose bytes it overwrites and the one
 * whose place it takes; the valid ones never overlap, and the newest
 * ones that fit stay.
 */
static void pstore_ahead_ring(struct kunit *test)
{
	struct pstore_ahead *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	unsigned int i, j, k, valid;
	size_t size;

	if (!IS_ENABLED(CONFIG_PSTORE_COMPRESS))
		kunit_skip(test, "no compression");
	KUNIT_ASSERT_NOT_NULL(test, a);
	memset(a->chunk, 0xff, sizeof(a->chunk));
	a->newest = PSTORE_AHEAD_CHUNKS - 1;
	a->ring_size = 4096;
	a->ring = kunit_kzalloc(test, a->ring_size, GFP_KERNEL);
	a->zbuf = kunit_kzalloc(test, 1500, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a->ring);
	KUNIT_ASSERT_NOT_NULL(test, a->zbuf);
	for (i = 0; i < 300; i++) {
		size = 8 + (i * 577) % 1400;
		memset(a->zbuf, i, size);
		pstore_ahead_add(a, 10 * i, 10 * i + 10, 1000, size);
		KUNIT_ASSERT_EQ(test, a->newest, (i % PSTORE_AHEAD_CHUNKS));
		valid = 0;
		for (j = 0; j < PSTORE_AHEAD_CHUNKS; j++) {
			struct pstore_chunk *c = &a->chunk[j];

			if (c->gen & 1)
				continue;
			valid++;
			KUNIT_EXPECT_LE(test, c->off + c->size, a->ring_size);
			/* its bytes are its own */
			KUNIT_EXPECT_EQ(test, a->ring[c->off],
					(u8)(c->first_seq / 10));
			KUNIT_EXPECT_EQ(test, a->ring[c->off + c->size - 1],
					(u8)(c->first_seq / 10));
			for (k = j + 1; k < PSTORE_AHEAD_CHUNKS; k++) {
				struct pstore_chunk *d = &a->chunk[k];

				if (d->gen & 1)
					continue;
				KUNIT_EXPECT_TRUE(test, c->off + c->size <= d->off ||
						  d->off + d->size <= c->off);
			}
		}
		/* the newest is valid, and at least the two before it */
		KUNIT_EXPECT_FALSE(test, a->chunk[a->newest].gen & 1);
		KUNIT_EXPECT_GE(test, valid, min(i + 1, 2U));
	}
}

/* A backend that keeps the first parts of a crash. */
static struct {
	char *buf[3];
	ssize_t size[3];
	bool compressed[3];
	int parts;
} parts;

static int parts_write(struct pstore_record *record)
{
	int i = record->part - 1;

	if (i >= ARRAY_SIZE(parts.buf))
		return -ENOSPC;
	memcpy(parts.buf[i], record->buf, record->size);
	parts.size[i] = record->size;
	parts.compressed[i] = record->compressed;
	parts.parts = max(parts.parts, i + 1);
	return 0;
}

static struct pstore_info parts_psi = {
	.name = "kunit-parts",
	.flags = PSTORE_FLAGS_DMESG,
	.max_reason = KMSG_DUMP_OOPS,
	.read = sink_read,
	.write = parts_write,
};

/* N of the first (or @last) "part line N" in @text, -1 if none */
static int part_line(const char *text, bool last)
{
	const char *p = text, *hit = NULL;
	int n = -1;

	while ((p = strstr(p, "part line "))) {
		hit = p++;
		if (!last)
			break;
	}
	if (!hit || sscanf(hit, "part line %d", &n) != 1)
		return -1;
	return n;
}

/*
 * A crash's second part holds the log just before its first: the
 * segments that did not fit in part 1 are not lost between the parts.
 */
static void pstore_parts_continue(struct kunit *test)
{
	unsigned long saved = kmsg_bytes;
	struct pstore_record r;
	int i, first[2], last[2];

	parts_psi.bufsize = 2048;
	parts_psi.buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, parts_psi.buf);
	memset(&parts, 0, sizeof(parts));
	for (i = 0; i < ARRAY_SIZE(parts.buf); i++) {
		parts.buf[i] = kunit_kzalloc(test, 2048, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, parts.buf[i]);
	}
	KUNIT_ASSERT_EQ(test, pstore_register(&parts_psi), 0);
	for (i = 0; i < 1500; i++)
		pr_info("pstore_kunit: part line %d of a long log\n", i);
	kmsg_bytes = 2 * parts_psi.bufsize;
	kmsg_dump_desc(KMSG_DUMP_OOPS, "kunit");
	kmsg_bytes = saved;
	pstore_unregister(&parts_psi);

	KUNIT_ASSERT_GE(test, parts.parts, 2);
	for (i = 0; i < 2; i++) {
		r = (struct pstore_record) { .psi = &parts_psi,
					     .type = PSTORE_TYPE_DMESG };
		r.buf = kvmalloc(parts.size[i] + 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, r.buf);
		memcpy(r.buf, parts.buf[i], parts.size[i]);
		r.size = parts.size[i];
		r.compressed = parts.compressed[i];
		KUNIT_ASSERT_EQ(test, pstore_decompress_record(&r), 0);
		r.buf[r.size - 1] = '\0';
		KUNIT_EXPECT_NOT_NULL(test, strstr(r.buf, i ? "Part2\n" :
						   "Part1\n"));
		first[i] = part_line(r.buf, false);
		last[i] = part_line(r.buf, true);
		kvfree(r.buf);
	}
	KUNIT_EXPECT_EQ(test, last[0], 1499);
	KUNIT_EXPECT_GT(test, first[0], 0);
	KUNIT_EXPECT_EQ(test, last[1], first[0] - 1);
	KUNIT_EXPECT_LT(test, first[1], last[1]);
}

/* Backends of one name refuse each other; any others are all written. */
static struct {
	int writes;
	int fail;
} sinks[2];

static int sink2_write(struct pstore_record *record)
{
	int i = record->psi->name[11] - '0';

	sinks[i].writes++;
	return sinks[i].fail;
}

static struct pstore_info two_psi[2] = {
	{ .name = "kunit-sink-0", .flags = PSTORE_FLAGS_DMESG,
	  .max_reason = KMSG_DUMP_OOPS, .read = sink_read,
	  .write = sink2_write },
	{ .name = "kunit-sink-1", .flags = PSTORE_FLAGS_DMESG,
	  .max_reason = KMSG_DUMP_OOPS, .read = sink_read,
	  .write = sink2_write },
};

static void pstore_every_backend(struct kunit *test)
{
	static struct pstore_info same = { .name = "kunit-sink-0",
		.flags = PSTORE_FLAGS_DMESG, .read = sink_read,
		.write = sink2_write };
	int i;

	for (i = 0; i < 2; i++) {
		two_psi[i].bufsize = 1024;
		two_psi[i].buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, two_psi[i].buf);
		KUNIT_ASSERT_EQ(test, pstore_register(&two_psi[i]), 0);
	}
	same.buf = two_psi[0].buf;
	same.bufsize = 1024;
	KUNIT_EXPECT_EQ(test, pstore_register(&same), -EBUSY);

	/* both written; one that fails does not stop the other */
	memset(sinks, 0, sizeof(sinks));
	sinks[0].fail = -EIO;
	kmsg_dump_desc(KMSG_DUMP_OOPS, "kunit");
	KUNIT_EXPECT_GE(test, sinks[0].writes, 1);
	KUNIT_EXPECT_GE(test, sinks[1].writes, 1);

	/* one unregistered: the other is still written */
	pstore_unregister(&two_psi[0]);
	memset(sinks, 0, sizeof(sinks));
	kmsg_dump_desc(KMSG_DUMP_OOPS, "kunit");
	KUNIT_EXPECT_EQ(test, sinks[0].writes, 0);
	KUNIT_EXPECT_GE(test, sinks[1].writes, 1);
	pstore_unregister(&two_psi[1]);

	/* and a reason past the backend's max_reason writes nothing */
	KUNIT_ASSERT_EQ(test, pstore_register(&two_psi[1]), 0);
	memset(sinks, 0, sizeof(sinks));
	kmsg_dump_desc(KMSG_DUMP_SHUTDOWN, "kunit");
	KUNIT_EXPECT_EQ(test, sinks[1].writes, 0);
	pstore_unregister(&two_psi[1]);
}

/* pstore.backends=: the order the crash records are written in */
static void pstore_backend_order(struct kunit *test)
{
	/* default: ramoops first, the others as they registered */
	KUNIT_EXPECT_EQ(test, pstore_backend_rank(NULL, "ramoops", 5), 0);
	KUNIT_EXPECT_EQ(test, pstore_backend_rank(NULL, "efi_pstore", 0), 1);
	KUNIT_EXPECT_EQ(test, pstore_backend_rank("", "erst", 1), 2);
	/* named: their place in the list */
	KUNIT_EXPECT_EQ(test, pstore_backend_rank("erst,efi_pstore,ramoops",
						  "ramoops", 0), 2);
	KUNIT_EXPECT_EQ(test, pstore_backend_rank("erst,efi_pstore,ramoops",
						  "erst", 2), 0);
	/* not named, or named only in part: after every named one */
	KUNIT_EXPECT_EQ(test, pstore_backend_rank("erst", "ramoops", 0),
			PSTORE_MAX_BACKENDS);
	KUNIT_EXPECT_EQ(test, pstore_backend_rank("ramoopsx,ramoop", "ramoops",
						  3), PSTORE_MAX_BACKENDS + 3);
	KUNIT_EXPECT_EQ(test, pstore_backend_rank("efi", "efi_pstore", 1),
			PSTORE_MAX_BACKENDS + 1);
	/* empty names and stray commas take their places, and match none */
	KUNIT_EXPECT_EQ(test, pstore_backend_rank(",,erst,", "erst", 0), 2);
	KUNIT_EXPECT_EQ(test, pstore_backend_rank(",", "", 0), 0);
	KUNIT_EXPECT_EQ(test, pstore_backend_rank("erst,", "ramoops", 4),
			PSTORE_MAX_BACKENDS + 4);
}

#ifdef CONFIG_PSTORE_FTRACE
/* Function traces: addresses kept across KASLR, read back in order */
static void pstore_ftrace_records(struct kunit *test)
{
	const unsigned long text = 0xffffffff81000000UL;
	const unsigned long size = 0x2000000;	/* a 32 MiB image */
	struct pstore_ftrace_record *rec;
	struct pstore_record r = { .type = PSTORE_TYPE_FTRACE };
	unsigned long here = (unsigned long)kvfree;	/* in the kernel's text */
	const char *last;

	/* the kernel's own: an offset; elsewhere (a module): as it is */
	KUNIT_EXPECT_EQ(test, pstore_ftrace_pack(text + 0x1234, text, size),
			0x1234UL);
	KUNIT_EXPECT_EQ(test, pstore_ftrace_unpack(0x1234, text + 0x200000),
			text + 0x201234);
	KUNIT_EXPECT_EQ(test, pstore_ftrace_pack(0xffffffffc0001000UL, text,
						 size), 0xffffffffc0001000UL);
	KUNIT_EXPECT_EQ(test, pstore_ftrace_unpack(0xffffffffc0001000UL, text),
			0xffffffffc0001000UL);
	/* just past the image, and just before it */
	KUNIT_EXPECT_EQ(test, pstore_ftrace_pack(text + size, text, size),
			text + size);
	KUNIT_EXPECT_EQ(test, pstore_ftrace_pack(text - 1, text, size),
			text - 1);

	/* three records of two CPUs out of order, and half of a fourth */
	r.size = 3 * sizeof(*rec) + sizeof(*rec) / 2;
	r.buf = kvzalloc(r.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r.buf);
	rec = (void *)r.buf;
	rec[0].ip = pstore_ftrace_pack_kernel(here);
	rec[0].parent_ip = rec[0].ip;
	pstore_ftrace_write_timestamp(&rec[0], 30);
	pstore_ftrace_encode_cpu(&rec[0], 1);
	rec[1] = rec[0];
	pstore_ftrace_write_timestamp(&rec[1], 10);
	pstore_ftrace_encode_cpu(&rec[1], 0);
	rec[2] = rec[0];
	pstore_ftrace_write_timestamp(&rec[2], 20);
	pstore_ftrace_encode_cpu(&rec[2], 1);
	KUNIT_ASSERT_EQ(test, pstore_ftrace_decode(&r), 0);
	r.buf[r.size - 1] = '\0';
	KUNIT_EXPECT_EQ(test, strncmp(r.buf, "CPU:0 ts:10 ", 12), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.buf, "\nCPU:1 ts:20 "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.buf, "\nCPU:1 ts:30 "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.buf,
					   "  kvfree <- kvfree+0x0/"));
	/* the half record is left out: nothing after the last whole one */
	last = strstr(r.buf, "ts:30 ");
	KUNIT_ASSERT_NOT_NULL(test, last);
	KUNIT_EXPECT_NULL(test, strstr(last, "CPU:"));
	kvfree(r.buf);
}
#endif

static struct kunit_case pstore_test_cases[] = {
	KUNIT_CASE(pstore_names),
	KUNIT_CASE(pstore_compression_round_trips),
	KUNIT_CASE(pstore_incompressible),
	KUNIT_CASE(pstore_undecompressible),
	KUNIT_CASE(pstore_bad_segments),
	KUNIT_CASE(pstore_decompress_bound),
	KUNIT_CASE(pstore_reads_upstream_deflate),
	KUNIT_CASE(pstore_dmesg_record),
	KUNIT_CASE(pstore_parts_continue),
	KUNIT_CASE(pstore_ahead_record),
	KUNIT_CASE(pstore_ahead_ring),
	KUNIT_CASE(pstore_ahead_large_record),
	KUNIT_CASE(pstore_every_backend),
	KUNIT_CASE(pstore_backend_order),
#ifdef CONFIG_PSTORE_FTRACE
	KUNIT_CASE(pstore_ftrace_records),
#endif
	{}
};

static struct kunit_suite pstore_test_suite = {
	.name = "pstore",
	.test_cases = pstore_test_cases,
};

kunit_test_suite(pstore_test_suite);

MODULE_DESCRIPTION("KUnit tests for pstore");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
