// SPDX-License-Identifier: GPL-2.0
/*
 * crashkernel= parsing.
 *
 * Forms, as documented in Documentation/admin-guide/crash/crashkernel.rst:
 *
 *   crashkernel=SIZE[@OFFSET]
 *   crashkernel=START-[END]:SIZE[,START-[END]:SIZE...][@OFFSET]
 *   crashkernel=SIZE,high  with an optional  crashkernel=SIZE,low
 *   crashkernel=auto  and  crashkernel=auto,high
 *   crashkernel=SIZE,cma  with one of the above
 *
 * As upstream: the last plain crashkernel= wins, and the ,high/,low pair is
 * only looked at when there is no plain one.  crashkernel=SIZE,cma (from
 * Linux 6.16) goes with the others, is read on its own (a bad one costs
 * only itself), and is never taken for a plain value.  Unlike upstream, a
 * value is
 * rejected as a whole when any part of it is malformed (trailing garbage, a
 * number that overflows, ranges out of order), and the caller is told why.
 */
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/hex.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "crashkernel.h"

/* One crashkernel= value: the characters after '=' up to the next blank. */
struct ck_value {
	const char *pos;
	const char *end;
};

static bool ck_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static bool ck_ends_with(const struct ck_value *v, const char *suffix)
{
	size_t n = strlen(suffix);

	return (size_t)(v->end - v->pos) >= n && !memcmp(v->end - n, suffix, n);
}

/*
 * Find the last crashkernel= whose value ends with @suffix, or, for a NULL
 * @suffix, the last one ending with none of ",high", ",low" and ",cma".
 * Only whole parameters count: "foo.crashkernel=" is somebody else's.
 */
static bool ck_find_last(const char *cmdline, const char *suffix,
			 struct ck_value *found)
{
	static const char name[] = "crashkernel=";
	const char *p = cmdline;
	bool any = false;

	while ((p = strstr(p, name))) {
		struct ck_value v = { .pos = p + strlen(name) };
		bool at_start = p == cmdline || ck_blank(p[-1]);

		for (v.end = v.pos; *v.end && !ck_blank(*v.end); v.end++)
			;
		p = v.end;
		if (!at_start)
			continue;
		if (suffix ? !ck_ends_with(&v, suffix) :
		    ck_ends_with(&v, ",high") || ck_ends_with(&v, ",low") ||
		    ck_ends_with(&v, ",cma"))
			continue;
		if (suffix)
			v.end -= strlen(suffix);
		*found = v;
		any = true;
	}
	return any;
}

static int ck_fail(struct crashkernel_req *req, const char *why)
{
	req->err = why;
	return -EINVAL;
}

/* The value of digit @c in @base, or -1 when @c is not one. */
static int ck_digit(char c, unsigned int base)
{
	int d = hex_to_bin(c);

	return d >= 0 && d < (int)base ? d : -1;
}

/*
 * A number as memparse() reads it (0x for hex, a leading 0 for octal, then
 * an optional K/M/G/T/P/E suffix), but with overflow reported instead of
 * wrapped.  Advances @v->pos past what it read.
 */
static int ck_number(struct ck_value *v, u64 *val, struct crashkernel_req *req)
{
	static const char suffixes[] = "KMGTPE";
	const char *s = v->pos, *sfx;
	unsigned int base = 10;
	u64 n = 0;
	int d;

	if (v->end - s > 2 && s[0] == '0' && tolower(s[1]) == 'x' &&
	    ck_digit(s[2], 16) >= 0) {
		base = 16;
		s += 2;
	} else if (s < v->end && s[0] == '0') {
		base = 8;
	}
	if (s == v->end || ck_digit(*s, base) < 0)
		return ck_fail(req, "memory value expected");

	for (; s < v->end && (d = ck_digit(*s, base)) >= 0; s++)
		if (check_mul_overflow(n, (u64)base, &n) ||
		    check_add_overflow(n, (u64)d, &n))
			return ck_fail(req, "number too large");

	sfx = s < v->end ? strchr(suffixes, toupper(*s)) : NULL;
	if (sfx) {
		unsigned int shift = 10 * (sfx - suffixes + 1);

		if (n > (U64_MAX >> shift))
			return ck_fail(req, "number too large");
		n <<= shift;
		s++;
	}
	*val = n;
	v->pos = s;
	return 0;
}

static bool ck_at(const struct ck_value *v, char c)
{
	return v->pos < v->end && *v->pos == c;
}

static bool ck_done(const struct ck_value *v)
{
	return v->pos == v->end;
}

/* The optional "@OFFSET" that may end a plain value. */
static int ck_offset(struct ck_value *v, struct crashkernel_req *req)
{
	int ret;

	if (ck_done(v))
		return 0;
	if (!ck_at(v, '@'))
		return ck_fail(req, "unexpected character after the size");
	v->pos++;
	ret = ck_number(v, &req->base, req);
	if (ret)
		return ret;
	if (!ck_done(v))
		return ck_fail(req, "unexpected character after the offset");
	if (req->size && req->base + req->size < req->base)
		return ck_fail(req, "offset plus size overflows");
	return 0;
}

/*
 * START-[END]:SIZE[,...]: the size of the first range that holds the RAM
 * size.  Like upstream, RAM is rounded up to 128 MiB first, since firmware
 * keeps some of it.  Ranges must be ascending and must not overlap.
 */
static int ck_ranges(struct ck_value *v, u64 system_ram,
		     struct crashkernel_req *req)
{
	u64 ram = round_up(system_ram, SZ_128M);
	u64 prev_end = 0;
	bool matched = false;

	for (;;) {
		u64 start, end = U64_MAX, size;
		int ret;

		ret = ck_number(v, &start, req);
		if (ret)
			return ret;
		if (!ck_at(v, '-'))
			return ck_fail(req, "'-' expected after a range start");
		v->pos++;
		if (!ck_at(v, ':')) {
			ret = ck_number(v, &end, req);
			if (ret)
				return ret;
			if (end <= start)
				return ck_fail(req, "range end not above its start");
		}
		if (!ck_at(v, ':'))
			return ck_fail(req, "':' expected after a range");
		v->pos++;
		ret = ck_number(v, &size, req);
		if (ret)
			return ret;
		if (start < prev_end)
			return ck_fail(req, "ranges out of order or overlapping");
		if (size >= ram)
			return ck_fail(req, "size not smaller than RAM");
		if (!matched && ram >= start && ram < end) {
			req->size = size;
			matched = true;
		}
		prev_end = end;
		if (!ck_at(v, ','))
			break;
		v->pos++;
	}
	return ck_offset(v, req);
}

static bool ck_is_auto(const struct ck_value *v)
{
	return v->end - v->pos == 4 && !memcmp(v->pos, "auto", 4);
}

/**
 * crashkernel_auto_size() - the reservation crashkernel=auto asks for
 * @system_ram: bytes of installed RAM
 *
 * Return: CRASHKERNEL_AUTO_FIXED plus 1/256 of @system_ram, rounded up to
 * 2 MiB and capped at CRASHKERNEL_AUTO_MAX.
 */
u64 crashkernel_auto_size(u64 system_ram)
{
	u64 size = CRASHKERNEL_AUTO_FIXED +
		   (system_ram >> CRASHKERNEL_AUTO_RAM_SHIFT);

	return min_t(u64, round_up(size, SZ_2M), CRASHKERNEL_AUTO_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(crashkernel_auto_size);

static int ck_auto(u64 system_ram, struct crashkernel_req *req)
{
	req->size = crashkernel_auto_size(system_ram);
	req->auto_size = true;
	if (req->size > system_ram / 2)
		return ck_fail(req, "too little RAM for crashkernel=auto");
	return 0;
}

static int ck_plain(struct ck_value *v, u64 system_ram,
		    struct crashkernel_req *req)
{
	int ret;

	if (ck_is_auto(v))
		return ck_auto(system_ram, req);
	if (memchr(v->pos, ':', v->end - v->pos))
		return ck_ranges(v, system_ram, req);

	ret = ck_number(v, &req->size, req);
	if (ret)
		return ret;
	if (req->size && req->size >= system_ram)
		return ck_fail(req, "size not smaller than RAM");
	return ck_offset(v, req);
}

static int ck_high(struct ck_value *v, const char *cmdline, u64 system_ram,
		   struct crashkernel_req *req)
{
	struct ck_value low;
	int ret;

	req->high = true;
	if (ck_is_auto(v)) {
		ret = ck_auto(system_ram, req);
	} else {
		ret = ck_number(v, &req->size, req);
		if (!ret && !ck_done(v))
			ret = ck_fail(req, "unexpected character before ,high");
		if (!ret && !req->size)
			ret = ck_fail(req, "crashkernel=,high needs a size");
		if (!ret && req->size >= system_ram)
			ret = ck_fail(req, "size not smaller than RAM");
	}
	if (ret || !ck_find_last(cmdline, ",low", &low))
		return ret;

	req->low_given = true;
	ret = ck_number(&low, &req->low_size, req);
	if (!ret && !ck_done(&low))
		ret = ck_fail(req, "unexpected character before ,low");
	return ret;
}

/* SIZE,cma: a size only, checked apart from the main request. */
static void ck_cma(struct ck_value v, u64 system_ram,
		   struct crashkernel_req *req)
{
	struct crashkernel_req scratch = { };

	req->cma_arg = v.pos;
	req->cma_arg_len = v.end - v.pos + strlen(",cma");
	if (ck_number(&v, &req->cma_size, &scratch))
		req->cma_err = scratch.err;
	else if (!ck_done(&v))
		req->cma_err = "unexpected character before ,cma";
	else if (!req->cma_size)
		req->cma_err = "crashkernel=,cma needs a size";
	else if (req->cma_size >= system_ram)
		req->cma_err = "size not smaller than RAM";
	if (req->cma_err)
		req->cma_size = 0;
}

/* Remember the value for messages, with its suffix. */
static void ck_note_arg(struct crashkernel_req *req, const struct ck_value *v,
			const char *suffix)
{
	req->arg = v->pos;
	req->arg_len = v->end - v->pos + strlen(suffix);
}

/**
 * crashkernel_parse() - read the crashkernel= request from a command line
 * @cmdline: the whole kernel command line
 * @system_ram: bytes of installed RAM, for ranges, auto and sanity checks
 * @req: filled with the request; on -EINVAL, @req->err says why
 *
 * Return: 0 on success (@req->size may still be 0: a range list that does
 * not cover this machine, or an explicit 0), -ENOENT when the command line
 * has no crashkernel= to reserve (a ,cma one alone is only read into
 * @req->cma_size), -EINVAL when it is malformed.
 */
int crashkernel_parse(const char *cmdline, u64 system_ram,
		      struct crashkernel_req *req)
{
	struct ck_value v;

	memset(req, 0, sizeof(*req));
	if (ck_find_last(cmdline, ",cma", &v))
		ck_cma(v, system_ram, req);
	if (ck_find_last(cmdline, NULL, &v)) {
		ck_note_arg(req, &v, "");
		return ck_plain(&v, system_ram, req);
	}
	if (ck_find_last(cmdline, ",high", &v)) {
		ck_note_arg(req, &v, ",high");
		return ck_high(&v, cmdline, system_ram, req);
	}
	if (ck_find_last(cmdline, ",low", &v)) {
		ck_note_arg(req, &v, ",low");
		return ck_fail(req, "crashkernel=,low needs crashkernel=,high");
	}
	return -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(crashkernel_parse);
