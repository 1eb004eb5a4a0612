// SPDX-License-Identifier: GPL-2.0
/*
 * Reading netconsole targets:
 *
 *   [+][r][src-port]@[src-ip]/[dev],[tgt-port]@<tgt-ip>/[tgt-macaddr]
 *
 * "+" asks for the extended format, "r" (after "+") for the release
 * prefix.  Every field but the target IP may be left out: ports default to
 * 6665 and 6666, the device to eth0, the source IP to the device's, the
 * target MAC to broadcast.  IPv4 or IPv6; the device may be named by its
 * MAC.  Unlike netpoll's own parser, every malformed part is named.
 */
#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "netconsole.h"

void nc_options_default(struct nc_options *o, bool extended, bool release)
{
	memset(o, 0, sizeof(*o));
	o->extended = extended;
	o->release = release;
	strscpy(o->dev_name, "eth0", sizeof(o->dev_name));
	o->local_port = NC_DEFAULT_LOCAL_PORT;
	o->remote_port = NC_DEFAULT_REMOTE_PORT;
	eth_broadcast_addr(o->remote_mac);
}
EXPORT_SYMBOL_IF_KUNIT(nc_options_default);

/* A decimal port, 1 to 65535; a trailing newline is allowed. */
int nc_parse_port(const char *s, u16 *port)
{
	u16 p;

	if (kstrtou16(s, 10, &p) || !p)
		return -EINVAL;
	*port = p;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nc_parse_port);

/* IPv4 or IPv6, the whole string (a trailing newline is allowed). */
int nc_parse_ip(const char *s, union inet_addr *ip, bool *ipv6)
{
	size_t len = strcspn(s, "\n");
	const char *end;

	if (!len || s[len + strspn(s + len, "\n")])
		return -EINVAL;
	if (!memchr(s, ':', len)) {
		if (!in4_pton(s, len, (u8 *)&ip->ip, -1, &end) || end != s + len)
			return -EINVAL;
		*ipv6 = false;
		return 0;
	}
	if (!IS_ENABLED(CONFIG_IPV6) ||
	    !in6_pton(s, len, ip->in6.s6_addr, -1, &end) || end != s + len)
		return -EINVAL;
	*ipv6 = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nc_parse_ip);

/* xx:xx:xx:xx:xx:xx and nothing after it (but a newline). */
int nc_parse_mac(const char *s, u8 *mac)
{
	size_t len = strcspn(s, "\n");

	if (len != 17 || !mac_pton(s, mac))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nc_parse_mac);

/*
 * Copy @s up to @stop into @buf; the rest, or NULL if the field does not
 * fit in @size - 1 characters (cut, it could name another host).
 */
static const char *nc_field(const char *s, char stop, char *buf, size_t size,
			    bool *found)
{
	const char *end = strchr(s, stop);
	size_t n;

	*found = end;
	if (!end)
		end = s + strlen(s);
	n = end - s;
	if (n >= size)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return *end ? end + 1 : end;
}

/**
 * nc_userdata_bad() - why a userdata key or value cannot be sent
 * @s: the text, without the newline echo ends it with
 * @len: its length
 * @key: @s is a key (a configfs directory's name), not a value
 *
 * Userdata goes out as " key=value" lines in every extended message: a
 * newline or another control character would add lines of its own (a
 * forged record at the receiver), and a key with '=' or a space would
 * not read back.
 *
 * Return: NULL if @s is fine, or what is wrong with it.
 */
const char *nc_userdata_bad(const char *s, size_t len, bool key)
{
	size_t i;

	if (key && !len)
		return "an empty key";
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c == 0x7f)
			return "a newline or another control character";
		if (key && (c == '=' || c == ' '))
			return "'=' or a space in the key";
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(nc_userdata_bad);

/**
 * nc_parse_target() - read one netconsole= target
 * @s: the target's text
 * @o: defaults on entry, the target on return
 * @why: on error, which part is wrong
 *
 * Return: 0 or -EINVAL.
 */
int nc_parse_target(const char *s, struct nc_options *o, const char **why)
{
	char f[NC_FIELD_MAX + 1];
	bool found, v6;

	*why = NULL;
	if (*s == '+') {
		o->extended = true;
		s++;
	}
	if (*s == 'r') {
		o->release = true;
		s++;
	}
	if (o->release && !o->extended) {
		*why = "the release prefix (r) needs the extended format (+)";
		return -EINVAL;
	}

	s = nc_field(s, '@', f, sizeof(f), &found);
	if (!s)
		goto too_long;
	if (!found) {
		*why = "no '@' after the source port";
		return -EINVAL;
	}
	if (*f && nc_parse_port(f, &o->local_port)) {
		*why = "bad source port";
		return -EINVAL;
	}
	s = nc_field(s, '/', f, sizeof(f), &found);
	if (!s)
		goto too_long;
	if (!found) {
		*why = "no '/' after the source IP";
		return -EINVAL;
	}
	if (*f && nc_parse_ip(f, &o->local_ip, &o->ipv6)) {
		*why = "bad source IP";
		return -EINVAL;
	}
	s = nc_field(s, ',', f, sizeof(f), &found);
	if (!s)
		goto too_long;
	if (!found) {
		*why = "no ',' after the device";
		return -EINVAL;
	}
	if (strchr(f, ':')) {
		if (nc_parse_mac(f, o->dev_mac)) {
			*why = "bad device MAC address";
			return -EINVAL;
		}
		o->dev_name[0] = '\0';
	} else if (*f) {
		if (strlen(f) >= IFNAMSIZ) {
			*why = "device name too long";
			return -EINVAL;
		}
		strscpy(o->dev_name, f, sizeof(o->dev_name));
	}
	s = nc_field(s, '@', f, sizeof(f), &found);
	if (!s)
		goto too_long;
	if (!found) {
		*why = "no '@' after the target port";
		return -EINVAL;
	}
	if (*f && nc_parse_port(f, &o->remote_port)) {
		*why = "bad target port";
		return -EINVAL;
	}
	s = nc_field(s, '/', f, sizeof(f), &found);
	if (!s)
		goto too_long;
	if (!*f) {
		*why = "no target IP";
		return -EINVAL;
	}
	if (nc_parse_ip(f, &o->remote_ip, &v6)) {
		*why = "bad target IP";
		return -EINVAL;
	}
	if (memchr_inv(&o->local_ip, 0, sizeof(o->local_ip)) && v6 != o->ipv6) {
		*why = "source and target IP of different families";
		return -EINVAL;
	}
	o->ipv6 = v6;
	if (found && *s && nc_parse_mac(s, o->remote_mac)) {
		*why = "bad target MAC address";
		return -EINVAL;
	}
	return 0;

too_long:
	*why = "a field is longer than " __stringify(NC_FIELD_MAX) " characters";
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(nc_parse_target);
