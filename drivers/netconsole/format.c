// SPDX-License-Identifier: GPL-2.0
/*
 * Cutting messages into datagrams.
 *
 * Plain: the text as printk gives it, in pieces of at most 1000 bytes.
 *
 * Extended: printk's "level,seq,usec,flags;text\n" and its dictionary
 * lines, after the release ("6.12.117,") if asked, followed by the
 * target's userdata lines (" key=value\n") and then its sysdata, the
 * lines the kernel fills in per message when the target asks for them
 * (" cpu=1\n taskname=sh\n release=6.12.117\n msgid=42\n", in that
 * order, as upstream's later kernels send them).  A message that does not fit
 * in one datagram is sent in fragments that repeat its header with
 * ",ncfrag=OFFSET/TOTAL" added; OFFSET and TOTAL count the bytes after
 * the ';' (text, dictionary, userdata), so a receiver can put them back
 * together in any order.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "netconsole.h"

/**
 * nc_send_plain() - send a message as datagrams of at most 1000 bytes
 * @msg: the text
 * @len: its length
 * @send: where each datagram goes
 * @ctx: for @send
 *
 * Return: datagrams sent.
 */
int nc_send_plain(const char *msg, size_t len, nc_send_t send, void *ctx)
{
	int n = 0;

	while (len) {
		size_t chunk = min_t(size_t, len, NC_MAX_PAYLOAD);

		send(ctx, msg, chunk);
		msg += chunk;
		len -= chunk;
		n++;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(nc_send_plain);

/* Bytes [@off, @off + @n) of the body, the userdata and the sysdata in a row */
static void nc_copy_body(char *dst, const char *body, size_t blen,
			 const struct nc_extras *x, size_t off, size_t n)
{
	const struct { const char *p; size_t len; } part[] = {
		{ body, blen },
		{ x->userdata, x->userdata_len },
		{ x->sysdata, x->sysdata_len },
	};
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(part) && n; i++) {
		if (off >= part[i].len) {
			off -= part[i].len;
			continue;
		}
		k = min(n, part[i].len - off);
		memcpy(dst, part[i].p + off, k);
		dst += k;
		n -= k;
		off = 0;
	}
}

/**
 * nc_send_extended() - send an extended-format message
 * @msg: printk's extended record: header, ';', text and dictionary
 * @len: its length
 * @x: release prefix, userdata and sysdata to add
 * @scratch: NC_MAX_PAYLOAD bytes to build datagrams in
 * @send: where each datagram goes
 * @ctx: for @send
 *
 * Return: datagrams sent.
 */
int nc_send_extended(const char *msg, size_t len,
		     const struct nc_extras *x, char *scratch,
		     nc_send_t send, void *ctx)
{
	size_t rlen = x->release ? strlen(x->release) + 1 : 0;
	size_t tail = x->userdata_len + x->sysdata_len;
	size_t hlen, blen, total, off, n, take;
	const char *semi;
	int sent = 0;

	if (rlen + len + tail <= NC_MAX_PAYLOAD) {
		n = 0;
		if (rlen) {
			memcpy(scratch, x->release, rlen - 1);
			scratch[rlen - 1] = ',';
			n = rlen;
		}
		memcpy(scratch + n, msg, len);
		n += len;
		nc_copy_body(scratch + n, NULL, 0, x, 0, tail);
		send(ctx, scratch, n + tail);
		return 1;
	}

	semi = memchr(msg, ';', len);
	if (!semi)			/* not an extended record after all */
		return nc_send_plain(msg, len, send, ctx);
	hlen = semi - msg;
	blen = len - hlen - 1;
	total = blen + tail;
	for (off = 0; off < total; off += take) {
		n = scnprintf(scratch, NC_MAX_PAYLOAD, "%s%s%.*s,ncfrag=%zu/%zu;",
			      x->release ?: "", x->release ? "," : "",
			      (int)hlen, msg, off, total);
		take = min(total - off, NC_MAX_PAYLOAD - n);
		if (!take)
			break;		/* a header that fills the datagram */
		nc_copy_body(scratch + n, semi + 1, blen, x, off, take);
		send(ctx, scratch, n + take);
		sent++;
	}
	return sent;
}
EXPORT_SYMBOL_IF_KUNIT(nc_send_extended);

/**
 * nc_userdata_append() - add a " key=value\n" line to a target's userdata
 * @buf: the userdata
 * @used: bytes in it
 * @size: its size
 * @key: the entry's name
 * @value: its value; empty values are left out
 *
 * Return: the new length (unchanged when the line does not fit).
 */
size_t nc_userdata_append(char *buf, size_t used, size_t size,
			  const char *key, const char *value)
{
	size_t need = strlen(key) + strlen(value) + 3;

	if (!*value || used + need >= size)
		return used;
	return used + scnprintf(buf + used, size - used, " %s=%s\n", key,
				value);
}
EXPORT_SYMBOL_IF_KUNIT(nc_userdata_append);

/**
 * nc_sysdata_format() - the sysdata lines of one message
 * @buf: where they go
 * @size: its size, NC_SYSDATA_MAX is enough
 * @fields: NC_SYSDATA_* the target asked for
 * @s: their values
 *
 * Return: the lines' length.
 */
size_t nc_sysdata_format(char *buf, size_t size, unsigned int fields,
			 const struct nc_sysdata *s)
{
	size_t n = 0;

	if (fields & NC_SYSDATA_CPU)
		n += scnprintf(buf + n, size - n, " cpu=%u\n", s->cpu);
	if (fields & NC_SYSDATA_TASKNAME)
		n += scnprintf(buf + n, size - n, " taskname=%.*s\n",
			       TASK_COMM_LEN - 1, s->comm);
	if (fields & NC_SYSDATA_RELEASE)
		n += scnprintf(buf + n, size - n, " release=%s\n", s->release);
	if (fields & NC_SYSDATA_MSGID)
		n += scnprintf(buf + n, size - n, " msgid=%u\n", s->msgid);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(nc_sysdata_format);
