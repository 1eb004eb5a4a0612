// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for kmsg_dump: the iterators over a log of known content
 * (empty, wrapped, with records longer than the buffer), and dumpers on
 * the crash chain.
 */
#include <kunit/test.h>
#include <linux/kmsg_dump.h>
#include <linux/string.h>

#include "kmsg.h"

#define LOG_MAX 16

/* A log as printk's ring buffer would show it to kmsg_dump. */
static struct {
	const char *text[LOG_MAX];
	u64 first_valid;	/* older records were overwritten */
	u64 next;		/* one past the newest */
	u64 clear;		/* syslog's clear point */
	int reads;		/* calls of fake_read() */
	bool drop;		/* as printk: a line that does not fit is dropped */
} fake;

static u64 fake_first_seq(void)
{
	return fake.clear;
}

static u64 fake_next_seq(void)
{
	return fake.next;
}

/* Formats as record_print_text() does: prefix, text, newline, NUL. */
static bool fake_read(u64 *seq, bool syslog, char *buf, size_t size,
		      size_t *len)
{
	char line[256];
	u64 s = max(*seq, fake.first_valid);
	int n;

	fake.reads++;
	if (s >= fake.next)
		return false;
	n = snprintf(line, sizeof(line), "%s%s\n", syslog ? "<6>" : "",
		     fake.text[s]);
	if (buf && fake.drop && n > size - 1)
		n = 0;
	if (buf) {
		n = min_t(size_t, n, size - 1);
		memcpy(buf, line, n);
		buf[n] = '\0';
	}
	*len = n;
	*seq = s;
	return true;
}

static const struct kmsg_log fake_log = {
	.first_seq = fake_first_seq,
	.next_seq = fake_next_seq,
	.read = fake_read,
};

static void fill(int n)
{
	static const char * const words[LOG_MAX] = {
		"zero", "one", "two", "three", "four", "five", "six", "seven",
		"eight", "nine", "ten", "eleven", "twelve", "thirteen",
		"fourteen", "fifteen",
	};
	int i;

	memset(&fake, 0, sizeof(fake));
	for (i = 0; i < n; i++)
		fake.text[i] = words[i];
	fake.next = n;
}

static void kmsg_empty_log(struct kunit *test)
{
	struct kmsg_dump_iter iter;
	char buf[64];
	size_t len = 99;

	fill(0);
	kmsg_log_rewind(&fake_log, &iter);
	KUNIT_EXPECT_FALSE(test, kmsg_log_get_line(&fake_log, &iter, false,
						   buf, sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, len, 0);
	len = 99;
	KUNIT_EXPECT_FALSE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						     buf, sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, len, 0);
}

static void kmsg_get_line_walks_forward(struct kunit *test)
{
	struct kmsg_dump_iter iter;
	char buf[64];
	size_t len;

	fill(3);
	kmsg_log_rewind(&fake_log, &iter);
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_line(&fake_log, &iter, true, buf,
						  sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "<6>zero\n");
	KUNIT_EXPECT_EQ(test, len, 8);
	/* NULL buffer: the length only, and the iterator still moves */
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_line(&fake_log, &iter, false,
						  NULL, 0, &len));
	KUNIT_EXPECT_EQ(test, len, 4);
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_line(&fake_log, &iter, false,
						  buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "two\n");
	KUNIT_EXPECT_FALSE(test, kmsg_log_get_line(&fake_log, &iter, false,
						   buf, sizeof(buf), &len));
	/* a zero-sized buffer reads nothing */
	kmsg_log_rewind(&fake_log, &iter);
	KUNIT_EXPECT_FALSE(test, kmsg_log_get_line(&fake_log, &iter, false,
						   buf, 0, &len));
}

static void kmsg_get_buffer_whole_log(struct kunit *test)
{
	struct kmsg_dump_iter iter;
	char buf[64];
	size_t len;

	fill(4);
	kmsg_log_rewind(&fake_log, &iter);
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "zero\none\ntwo\nthree\n");
	KUNIT_EXPECT_EQ(test, len, strlen(buf));
	KUNIT_EXPECT_FALSE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						     buf, sizeof(buf), &len));
}

/* A small buffer gets the newest records; each call the block before. */
static void kmsg_get_buffer_newest_first(struct kunit *test)
{
	struct kmsg_dump_iter iter;
	char buf[16];
	size_t len;

	fill(6);	/* zero one two three four five */
	kmsg_log_rewind(&fake_log, &iter);
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "four\nfive\n");
	/* with prefixes, fewer records fit */
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, true,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "<6>three\n");
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "zero\none\ntwo\n");
	KUNIT_EXPECT_FALSE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						     buf, sizeof(buf), &len));
}

/* What get_buffer costs is what fits, not the whole log behind it. */
static void kmsg_get_buffer_reads_what_fits(struct kunit *test)
{
	struct kmsg_dump_iter iter;
	char buf[16];
	size_t len;

	fill(16);
	kmsg_log_rewind(&fake_log, &iter);
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "fifteen\n");
	/* the oldest, "fifteen" and "fourteen" going back, the copy */
	KUNIT_EXPECT_LE(test, fake.reads, 4);
}

/*
 * printk formats a line that does not fit into nothing: such a record is
 * not taken, and the next call starts with it.
 */
static void kmsg_get_buffer_dropped_line(struct kunit *test)
{
	struct kmsg_dump_iter iter;
	char buf[16];
	size_t len;

	fill(16);
	fake.drop = true;
	kmsg_log_rewind(&fake_log, &iter);
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "fifteen\n");
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "fourteen\n");
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "thirteen\n");
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "twelve\n");
	KUNIT_EXPECT_EQ(test, len, 7);
}

static void kmsg_record_longer_than_buffer(struct kunit *test)
{
	struct kmsg_dump_iter iter;
	char buf[8];
	size_t len;

	fill(3);
	fake.text[2] = "a-record-longer-than-the-buffer";
	kmsg_log_rewind(&fake_log, &iter);
	/* the newest does not fit: its beginning, not nothing */
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "a-recor");
	KUNIT_EXPECT_EQ(test, len, 7);
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "one\n");
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "zero\n");
	KUNIT_EXPECT_FALSE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						     buf, sizeof(buf), &len));

	kmsg_log_rewind(&fake_log, &iter);
	iter.cur_seq = 2;
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_line(&fake_log, &iter, false, buf,
						  sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "a-recor");
}

/* Records 0 to 5 were overwritten: dumps start at the oldest left. */
static void kmsg_wrapped_log(struct kunit *test)
{
	struct kmsg_dump_iter iter;
	char buf[64];
	size_t len;

	fill(9);
	fake.first_valid = 6;
	kmsg_log_rewind(&fake_log, &iter);
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_line(&fake_log, &iter, false, buf,
						  sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "six\n");
	KUNIT_EXPECT_EQ(test, iter.cur_seq, 7);

	kmsg_log_rewind(&fake_log, &iter);
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						    buf, sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "six\nseven\neight\n");

	/* more wrap while a dumper reads line by line */
	kmsg_log_rewind(&fake_log, &iter);
	kmsg_log_get_line(&fake_log, &iter, false, buf, sizeof(buf), &len);
	fake.first_valid = 8;
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_line(&fake_log, &iter, false, buf,
						  sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "eight\n");

	/* everything the iterator covered is gone */
	fill(9);
	kmsg_log_rewind(&fake_log, &iter);
	fake.first_valid = 9;
	KUNIT_EXPECT_FALSE(test, kmsg_log_get_buffer(&fake_log, &iter, false,
						     buf, sizeof(buf), &len));
}

static void kmsg_rewind_bounds_and_clear(struct kunit *test)
{
	struct kmsg_dump_iter a, b;
	char buf[64];
	size_t len;

	fill(4);
	fake.clear = 2;		/* syslog cleared zero and one */
	kmsg_log_rewind(&fake_log, &a);
	kmsg_log_rewind(&fake_log, &b);
	fake.next = 5;		/* logged after the rewind */
	fake.text[4] = "four";
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &a, false, buf,
						    sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "two\nthree\n");
	/* a second iterator is not disturbed by the first */
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_line(&fake_log, &b, false, buf,
						  sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "two\n");
	KUNIT_ASSERT_TRUE(test, kmsg_log_get_buffer(&fake_log, &b, false, buf,
						    sizeof(buf), &len));
	KUNIT_EXPECT_STREQ(test, buf, "three\n");
}

static int test_dumps;
static struct kmsg_dump_detail test_detail;

static void kmsg_test_dump(struct kmsg_dumper *d, struct kmsg_dump_detail *det)
{
	test_dumps++;
	test_detail = *det;
}

static void kmsg_dumpers_on_the_chain(struct kunit *test)
{
	static struct kmsg_dumper d = { .dump = kmsg_test_dump,
					.max_reason = KMSG_DUMP_OOPS };
	static struct kmsg_dumper none;

	KUNIT_EXPECT_EQ(test, kmsg_dump_register(&none), -EINVAL);
	KUNIT_EXPECT_EQ(test, kmsg_dump_unregister(&d), -EINVAL);
	KUNIT_ASSERT_EQ(test, kmsg_dump_register(&d), 0);
	KUNIT_EXPECT_EQ(test, kmsg_dump_register(&d), -EBUSY);
	if (IS_ENABLED(CONFIG_KALLSYMS))
		KUNIT_EXPECT_STREQ(test, d.handler.name, "kmsg_test_dump");
	KUNIT_EXPECT_EQ(test, d.handler.stage, CRASH_STAGE_PERSIST);

	test_dumps = 0;
	kmsg_dump_desc(KMSG_DUMP_EMERG, "beyond max_reason");
	KUNIT_EXPECT_EQ(test, test_dumps, 0);
	kmsg_dump_desc(KMSG_DUMP_OOPS, "an oops");
	KUNIT_EXPECT_EQ(test, test_dumps, 1);
	KUNIT_EXPECT_EQ(test, test_detail.reason, KMSG_DUMP_OOPS);
	KUNIT_EXPECT_STREQ(test, test_detail.description, "an oops");

	KUNIT_EXPECT_EQ(test, kmsg_dump_unregister(&d), 0);
	kmsg_dump(KMSG_DUMP_OOPS);
	KUNIT_EXPECT_EQ(test, test_dumps, 1);
}

static void kmsg_reason_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, kmsg_dump_reason_str(KMSG_DUMP_PANIC),
			   "Panic");
	KUNIT_EXPECT_STREQ(test, kmsg_dump_reason_str(KMSG_DUMP_OOPS), "Oops");
	KUNIT_EXPECT_STREQ(test, kmsg_dump_reason_str(KMSG_DUMP_EMERG),
			   "Emergency");
	KUNIT_EXPECT_STREQ(test, kmsg_dump_reason_str(KMSG_DUMP_SHUTDOWN),
			   "Shutdown");
	KUNIT_EXPECT_STREQ(test, kmsg_dump_reason_str(KMSG_DUMP_MAX),
			   "Unknown");
}

static struct kunit_case kmsg_test_cases[] = {
	KUNIT_CASE(kmsg_empty_log),
	KUNIT_CASE(kmsg_get_line_walks_forward),
	KUNIT_CASE(kmsg_get_buffer_whole_log),
	KUNIT_CASE(kmsg_get_buffer_newest_first),
	KUNIT_CASE(kmsg_get_buffer_reads_what_fits),
	KUNIT_CASE(kmsg_get_buffer_dropped_line),
	KUNIT_CASE(kmsg_record_longer_than_buffer),
	KUNIT_CASE(kmsg_wrapped_log),
	KUNIT_CASE(kmsg_rewind_bounds_and_clear),
	KUNIT_CASE(kmsg_dumpers_on_the_chain),
	KUNIT_CASE(kmsg_reason_names),
	{}
};

static struct kunit_suite kmsg_test_suite = {
	.name = "kmsg_dump",
	.test_cases = kmsg_test_cases,
};

kunit_test_suite(kmsg_test_suite);

MODULE_DESCRIPTION("KUnit tests for kmsg_dump");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
