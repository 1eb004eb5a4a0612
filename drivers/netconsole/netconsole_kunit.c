// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for netconsole: netconsole= and configfs values, valid and
 * malformed, and the datagrams the formats make: plain chunks, extended
 * fragments at their boundaries, the release prefix and userdata.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/string.h>

#include "netconsole.h"

static const struct {
	const char *s;
	bool ok;
	const char *why;
} targets[] = {
#define Z60 "000000000000000000000000000000000000000000000000000000000000"
	{ "@/,@10.0.2.2/", true },
	{ "6665@10.0.2.15/eth0,6666@10.0.2.2/", true },
	{ "+6665@10.0.2.15/eth1,514@192.168.0.1/00:11:22:33:44:55", true },
	{ "+r@/,@10.0.2.2/", true },
	{ "@/,@fd00::2/", true },
	{ "@fd00::1/eth0,@fd00::2/", true },
	{ "@/52:54:00:12:34:56,@10.0.2.2/", true },
	{ "@/,@10.0.2.2", true },
	{ "r@/,@10.0.2.2/", false, "release" },
	{ "r+@/,@10.0.2.2/", false, "release" },
	{ "6665/eth0,6666@10.0.2.2/", false, "source port" },
	{ "x@/,@10.0.2.2/", false, "source port" },
	{ "70000@/,@10.0.2.2/", false, "source port" },
	{ "0@/,@10.0.2.2/", false, "source port" },
	{ "@10.0.2/,@10.0.2.2/", false, "source IP" },
	{ "@10.0.2.15", false, "'/' after the source IP" },
	{ "@/eth0@10.0.2.2/", false, "',' after the device" },
	{ "@/averyveryverylongname,@10.0.2.2/", false, "too long" },
	{ "@/52:54:00:12:34,@10.0.2.2/", false, "device MAC" },
	{ "@/,6666/10.0.2.2", false, "'@' after the target port" },
	{ "@/,66x6@10.0.2.2/", false, "target port" },
	{ "@/,@/", false, "no target IP" },
	{ "@/,@", false, "no target IP" },
	{ "@/,@10.0.2.256/", false, "target IP" },
	{ "@/,@10.0.2.2x/", false, "target IP" },
	{ "@10.0.2.15/,@fd00::2/", false, "different families" },
	{ "@/,@10.0.2.2/00:11:22:33:44", false, "target MAC" },
	{ "@/,@10.0.2.2/00:11:22:33:44:55:66", false, "target MAC" },
	{ "@/,@10.0.2.2/zz:11:22:33:44:55", false, "target MAC" },
	{ "", false, "'@'" },
	{ " @/,@10.0.2.2/", false, "source port" },
	/* a field is never cut: 64 characters would read as port 666 */
	{ Z60 "6665@/,@10.0.2.2/", false, "longer than 63 characters" },
	{ Z60 "665@/,@10.0.2.2/", true },
	{ "@/,@10.0.2.2" Z60 "/", false, "longer than 63 characters" },
};

static void nc_targets_parse(struct kunit *test)
{
	struct nc_options o;
	const char *why;
	int i;

	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		nc_options_default(&o, false, false);
		KUNIT_EXPECT_EQ_MSG(test, nc_parse_target(targets[i].s, &o, &why),
				    targets[i].ok ? 0 : -EINVAL, "\"%s\": %s",
				    targets[i].s, why ?: "ok");
		if (!targets[i].ok)
			KUNIT_EXPECT_TRUE_MSG(test, why &&
					      strstr(why, targets[i].why),
					      "\"%s\": %s", targets[i].s, why);
	}
}

static void nc_target_fields(struct kunit *test)
{
	static const char full[] =
		"+6600@10.0.2.15/eth1,514@192.168.0.1/00:11:22:33:44:55";
	u8 mac[ETH_ALEN] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct nc_options o;
	const char *why;

	nc_options_default(&o, false, false);
	KUNIT_ASSERT_EQ(test,
			nc_parse_target(full, &o, &why), 0);
	KUNIT_EXPECT_TRUE(test, o.extended);
	KUNIT_EXPECT_FALSE(test, o.release);
	KUNIT_EXPECT_EQ(test, o.local_port, 6600);
	KUNIT_EXPECT_EQ(test, o.remote_port, 514);
	KUNIT_EXPECT_STREQ(test, o.dev_name, "eth1");
	KUNIT_EXPECT_TRUE(test, o.local_ip.ip == htonl(0x0a00020f));
	KUNIT_EXPECT_TRUE(test, o.remote_ip.ip == htonl(0xc0a80001));
	KUNIT_EXPECT_FALSE(test, o.ipv6);
	KUNIT_EXPECT_EQ(test, memcmp(o.remote_mac, mac, ETH_ALEN), 0);

	/* defaults for everything but the target IP */
	nc_options_default(&o, false, false);
	KUNIT_ASSERT_EQ(test, nc_parse_target("@/,@fd00::2/", &o, &why), 0);
	KUNIT_EXPECT_EQ(test, o.local_port, 6665);
	KUNIT_EXPECT_EQ(test, o.remote_port, 6666);
	KUNIT_EXPECT_STREQ(test, o.dev_name, "eth0");
	KUNIT_EXPECT_TRUE(test, o.ipv6);
	KUNIT_EXPECT_TRUE(test, is_broadcast_ether_addr(o.remote_mac));
	KUNIT_EXPECT_EQ(test, o.remote_ip.in6.s6_addr[0], 0xfd);
	KUNIT_EXPECT_EQ(test, o.remote_ip.in6.s6_addr[15], 2);

	/* the device named by its MAC */
	nc_options_default(&o, false, false);
	KUNIT_ASSERT_EQ(test, nc_parse_target("@/52:54:00:12:34:56,@10.0.2.2/",
					      &o, &why), 0);
	KUNIT_EXPECT_STREQ(test, o.dev_name, "");
	KUNIT_EXPECT_EQ(test, o.dev_mac[5], 0x56);
}

static void nc_configfs_values(struct kunit *test)
{
	union inet_addr ip;
	u8 mac[ETH_ALEN];
	bool v6;
	u16 port;

	KUNIT_EXPECT_EQ(test, nc_parse_port("6666\n", &port), 0);
	KUNIT_EXPECT_EQ(test, port, 6666);
	KUNIT_EXPECT_EQ(test, nc_parse_port("65535", &port), 0);
	KUNIT_EXPECT_EQ(test, nc_parse_port("65536", &port), -EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_port("0", &port), -EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_port("-1", &port), -EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_port("", &port), -EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_port("66 6", &port), -EINVAL);

	KUNIT_EXPECT_EQ(test, nc_parse_ip("10.0.2.2\n", &ip, &v6), 0);
	KUNIT_EXPECT_FALSE(test, v6);
	KUNIT_EXPECT_EQ(test, nc_parse_ip("::1\n", &ip, &v6), 0);
	KUNIT_EXPECT_TRUE(test, v6);
	KUNIT_EXPECT_EQ(test, nc_parse_ip("10.0.2", &ip, &v6), -EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_ip("10.0.2.2.2", &ip, &v6), -EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_ip("10.0.2.2 ", &ip, &v6), -EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_ip("fd00::2::3", &ip, &v6), -EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_ip("\n", &ip, &v6), -EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_ip("10.0.2.2\nx", &ip, &v6), -EINVAL);

	KUNIT_EXPECT_EQ(test, nc_parse_mac("00:11:22:33:44:55\n", mac), 0);
	KUNIT_EXPECT_EQ(test, mac[1], 0x11);
	KUNIT_EXPECT_EQ(test, nc_parse_mac("00:11:22:33:44:55:66", mac),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_mac("00-11-22-33-44-55", mac), -EINVAL);
	KUNIT_EXPECT_EQ(test, nc_parse_mac("0:11:22:33:44:55", mac), -EINVAL);
}

/* A sink that keeps the datagrams a send makes. */
struct capture {
	int n;
	char d[64][NC_MAX_PAYLOAD + 1];
	size_t len[64];
};

static void capture_send(void *ctx, const char *buf, size_t len)
{
	struct capture *c = ctx;

	if (c->n >= ARRAY_SIZE(c->d))
		return;
	memcpy(c->d[c->n], buf, len);
	c->d[c->n][len] = '\0';
	c->len[c->n++] = len;
}

static char *text(struct kunit *test, size_t n, char fill)
{
	char *s = kunit_kzalloc(test, n + 1, GFP_KERNEL);
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = fill + i % 10;
	return s;
}

static void nc_plain_chunks(struct kunit *test)
{
	struct capture *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	char *msg = text(test, 2500, '0');

	KUNIT_EXPECT_EQ(test, nc_send_plain(msg, 2500, capture_send, c), 3);
	KUNIT_EXPECT_EQ(test, c->len[0], 1000U);
	KUNIT_EXPECT_EQ(test, c->len[2], 500U);
	KUNIT_EXPECT_EQ(test, memcmp(c->d[1], msg + 1000, 1000), 0);
	c->n = 0;
	KUNIT_EXPECT_EQ(test, nc_send_plain(msg, 1000, capture_send, c), 1);
	KUNIT_EXPECT_EQ(test, nc_send_plain(msg, 0, capture_send, c), 0);
}

/* "6,42,1000,-;" plus @body_len bytes of body. */
static char *ext_msg(struct kunit *test, size_t body_len, size_t *len)
{
	char *body = text(test, body_len, 'a');
	char *msg = kunit_kzalloc(test, body_len + 32, GFP_KERNEL);

	*len = scnprintf(msg, body_len + 32, "6,42,1000,-;%s", body);
	return msg;
}

static void nc_extended_whole(struct kunit *test)
{
	struct capture *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	char *scratch = kunit_kzalloc(test, NC_MAX_PAYLOAD, GFP_KERNEL);
	struct nc_extras x = { .release = "6.12.117",
			       .userdata = " k=v\n", .userdata_len = 5 };
	size_t len;
	char *msg = ext_msg(test, 10, &len);

	KUNIT_EXPECT_EQ(test, nc_send_extended(msg, len, &x, scratch,
					       capture_send, c), 1);
	KUNIT_EXPECT_STREQ(test, c->d[0],
			   "6.12.117,6,42,1000,-;abcdefghij k=v\n");

	/* exactly a full datagram: not split, nothing lost */
	c->n = 0;
	msg = ext_msg(test, NC_MAX_PAYLOAD - 12 - 9 - 5, &len);
	KUNIT_EXPECT_EQ(test, nc_send_extended(msg, len, &x, scratch,
					       capture_send, c), 1);
	KUNIT_EXPECT_EQ(test, c->len[0], (size_t)NC_MAX_PAYLOAD);
	KUNIT_EXPECT_EQ(test, memcmp(c->d[0] + NC_MAX_PAYLOAD - 5, " k=v\n", 5),
			0);
}

/* Put fragments back together as a receiver would. */
static void nc_extended_fragments(struct kunit *test)
{
	struct capture *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	char *scratch = kunit_kzalloc(test, NC_MAX_PAYLOAD, GFP_KERNEL);
	char *whole = kunit_kzalloc(test, 4096, GFP_KERNEL);
	static const char ud[] = " host=a\n service=b\n";
	struct nc_extras x = { .release = "6.12.117", .userdata = ud,
			       .userdata_len = sizeof(ud) - 1 };
	size_t len, body = 2500, total = body + sizeof(ud) - 1, got = 0;
	char *msg = ext_msg(test, body, &len);
	char prefix[64];
	int i, n;

	n = nc_send_extended(msg, len, &x, scratch, capture_send, c);
	KUNIT_ASSERT_EQ(test, n, 3);
	for (i = 0; i < n; i++) {
		unsigned int off, tot;
		char *semi;
		int fields;

		KUNIT_EXPECT_LE(test, c->len[i], (size_t)NC_MAX_PAYLOAD);
		fields = sscanf(c->d[i], "6.12.117,6,42,1000,-,ncfrag=%u/%u;",
				&off, &tot);
		KUNIT_ASSERT_EQ(test, fields, 2);
		KUNIT_EXPECT_EQ(test, tot, total);
		KUNIT_EXPECT_EQ(test, off, got);
		semi = strchr(c->d[i], ';') + 1;
		memcpy(whole + off, semi, c->len[i] - (semi - c->d[i]));
		got += c->len[i] - (semi - c->d[i]);
	}
	KUNIT_EXPECT_EQ(test, got, total);
	KUNIT_EXPECT_EQ(test, memcmp(whole, msg + 12, body), 0);
	KUNIT_EXPECT_EQ(test, memcmp(whole + body, ud, sizeof(ud) - 1), 0);
	/* all but the last are full */
	KUNIT_EXPECT_EQ(test, c->len[0], (size_t)NC_MAX_PAYLOAD);
	snprintf(prefix, sizeof(prefix), "6.12.117,6,42,1000,-,ncfrag=0/%zu;",
		 total);
	KUNIT_EXPECT_EQ(test, strncmp(c->d[0], prefix, strlen(prefix)), 0);

	/* one byte over a datagram: two fragments */
	c->n = 0;
	x = (struct nc_extras){ };
	msg = ext_msg(test, NC_MAX_PAYLOAD - 12 + 1, &len);
	KUNIT_EXPECT_EQ(test, nc_send_extended(msg, len, &x, scratch,
					       capture_send, c), 2);

	/* no header: sent as plain text rather than lost */
	c->n = 0;
	msg = text(test, 1500, 'a');
	KUNIT_EXPECT_EQ(test, nc_send_extended(msg, 1500, &x, scratch,
					       capture_send, c), 2);
}

static void nc_userdata_lines(struct kunit *test)
{
	char buf[64];
	size_t n = 0;

	n = nc_userdata_append(buf, n, sizeof(buf), "host", "a");
	n = nc_userdata_append(buf, n, sizeof(buf), "empty", "");
	n = nc_userdata_append(buf, n, sizeof(buf), "service", "b");
	buf[n] = '\0';
	KUNIT_EXPECT_STREQ(test, buf, " host=a\n service=b\n");
	/* a line that does not fit is left out whole */
	n = nc_userdata_append(buf, n, sizeof(buf), "long",
			       "0123456789012345678901234567890123456789");
	buf[n] = '\0';
	KUNIT_EXPECT_STREQ(test, buf, " host=a\n service=b\n");
}

/* Userdata that would add lines of its own to every extended message. */
static void nc_userdata_refused(struct kunit *test)
{
	static const struct {
		const char *s;
		bool key;
		const char *why;
	} cases[] = {
		{ "owner", true, NULL },
		{ "build id 42", false, NULL },
		{ "", false, NULL },
		{ "", true, "empty" },
		{ "a\nforged=line", true, "newline" },
		{ "a\nforged=line", false, "newline" },
		{ "tab\there", false, "control" },
		{ "del\x7f", false, "control" },
		{ "k=v", true, "'='" },
		{ "k v", true, "space" },
		{ "k=v", false, NULL },
	};
	const char *why;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		why = nc_userdata_bad(cases[i].s, strlen(cases[i].s),
				      cases[i].key);
		if (!cases[i].why)
			KUNIT_EXPECT_NULL_MSG(test, why, "case %d: %s", i, why);
		else
			KUNIT_EXPECT_TRUE_MSG(test, why &&
					      strstr(why, cases[i].why),
					      "case %d: %s", i, why ?: "accepted");
	}
}

/* The kernel's lines: only those asked for, in upstream's order. */
static void nc_sysdata_lines(struct kunit *test)
{
	static const char longest[] =
		"6.12.117-a-release-name-of-the-longest-length-uts-allows-0123456";
	struct nc_sysdata sd = { .cpu = 3, .comm = "kworker/1:2H", .release =
				 "6.12.117", .msgid = 7 };
	char buf[NC_SYSDATA_MAX];
	size_t n;

	KUNIT_EXPECT_EQ(test, nc_sysdata_format(buf, sizeof(buf), 0, &sd), 0U);
	n = nc_sysdata_format(buf, sizeof(buf), NC_SYSDATA_MSGID |
			      NC_SYSDATA_CPU, &sd);
	KUNIT_EXPECT_EQ(test, n, strlen(buf));
	KUNIT_EXPECT_STREQ(test, buf, " cpu=3\n msgid=7\n");
	nc_sysdata_format(buf, sizeof(buf), NC_SYSDATA_TASKNAME |
			  NC_SYSDATA_RELEASE, &sd);
	KUNIT_EXPECT_STREQ(test, buf,
			   " taskname=kworker/1:2H\n release=6.12.117\n");

	/* every field at its longest fits NC_SYSDATA_MAX, nothing cut */
	KUNIT_ASSERT_EQ(test, strlen(longest), (size_t)__NEW_UTS_LEN);
	sd = (struct nc_sysdata){ .cpu = U32_MAX, .comm = "0123456789abcdef",
				  .release = longest, .msgid = U32_MAX };
	n = nc_sysdata_format(buf, sizeof(buf), NC_SYSDATA_CPU |
			      NC_SYSDATA_TASKNAME | NC_SYSDATA_RELEASE |
			      NC_SYSDATA_MSGID, &sd);
	KUNIT_EXPECT_EQ(test, n, sizeof(buf) - 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " msgid=4294967295\n"));
	/* a name is at most TASK_COMM_LEN - 1 characters */
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " taskname=0123456789abcde\n"));
}

/* Sysdata follows the userdata, in one datagram and across fragments. */
static void nc_extended_sysdata(struct kunit *test)
{
	struct capture *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	char *scratch = kunit_kzalloc(test, NC_MAX_PAYLOAD, GFP_KERNEL);
	char *whole = kunit_kzalloc(test, 4096, GFP_KERNEL);
	static const char ud[] = " k=v\n", sd[] = " cpu=1\n msgid=9\n";
	struct nc_extras x = { .userdata = ud, .userdata_len = sizeof(ud) - 1,
			       .sysdata = sd, .sysdata_len = sizeof(sd) - 1 };
	size_t len, body, got;
	char *msg = ext_msg(test, 10, &len);
	int i, n;

	KUNIT_EXPECT_EQ(test, nc_send_extended(msg, len, &x, scratch,
					       capture_send, c), 1);
	KUNIT_EXPECT_STREQ(test, c->d[0],
			   "6,42,1000,-;abcdefghij k=v\n cpu=1\n msgid=9\n");

	/* without userdata, the sysdata alone */
	c->n = 0;
	x.userdata_len = 0;
	nc_send_extended(msg, len, &x, scratch, capture_send, c);
	KUNIT_EXPECT_STREQ(test, c->d[0],
			   "6,42,1000,-;abcdefghij cpu=1\n msgid=9\n");

	/*
	 * Fragments: the second cut is at byte 1946 after the ';', so these
	 * bodies put it after, inside and before the userdata and sysdata
	 * (21 bytes).
	 */
	x.userdata_len = sizeof(ud) - 1;
	for (body = 1920; body < 1950; body++) {
		c->n = 0;
		got = 0;
		msg = ext_msg(test, body, &len);
		n = nc_send_extended(msg, len, &x, scratch, capture_send, c);
		/* 1946 bytes go in two */
		KUNIT_ASSERT_EQ(test, n, body + 21 > 1946 ? 3 : 2);
		for (i = 0; i < n; i++) {
			char *semi = strchr(c->d[i], ';') + 1;

			memcpy(whole + got, semi, c->len[i] - (semi - c->d[i]));
			got += c->len[i] - (semi - c->d[i]);
		}
		KUNIT_ASSERT_EQ(test, got, body + sizeof(ud) - 1 + sizeof(sd) - 1);
		KUNIT_EXPECT_EQ(test, memcmp(whole, msg + 12, body), 0);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(whole + body,
						 " k=v\n cpu=1\n msgid=9\n",
						 got - body), 0, "body %zu", body);
	}
}

static struct kunit_case nc_test_cases[] = {
	KUNIT_CASE(nc_targets_parse),
	KUNIT_CASE(nc_target_fields),
	KUNIT_CASE(nc_configfs_values),
	KUNIT_CASE(nc_plain_chunks),
	KUNIT_CASE(nc_extended_whole),
	KUNIT_CASE(nc_extended_fragments),
	KUNIT_CASE(nc_userdata_lines),
	KUNIT_CASE(nc_userdata_refused),
	KUNIT_CASE(nc_sysdata_lines),
	KUNIT_CASE(nc_extended_sysdata),
	{}
};

static struct kunit_suite nc_test_suite = {
	.name = "netconsole",
	.test_cases = nc_test_cases,
};

kunit_test_suite(nc_test_suite);

MODULE_DESCRIPTION("KUnit tests for netconsole");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
