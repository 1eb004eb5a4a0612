// SPDX-License-Identifier: GPL-2.0
/*
 * Where the zones go in the ramoops region.
 *
 * In address order: as many dmesg zones of record_size as fit in what the
 * other zones leave, then the console zone, the pmsg zone and the ftrace
 * zone (or, per CPU, ftrace_zones zones that share ftrace_size).  Sizes
 * are used as given (upstream rounded them down to powers of two); a size
 * of 0 leaves its zone out.
 */
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "ramoops.h"

/* The smallest zone that holds a header and a byte, with its parity. */
static u64 ramoops_min_zone(unsigned int ecc_size)
{
	return sizeof(struct ramoops_hdr) + 1 + 2 * ecc_size;
}

static void ramoops_add_zone(struct ramoops_layout *l,
			     enum ramoops_zone_type type, u64 offset, u64 size)
{
	l->zone[l->nr_zones].type = type;
	l->zone[l->nr_zones].offset = offset;
	l->zone[l->nr_zones].size = size;
	l->nr_zones++;
}

/**
 * ramoops_layout() - cut the region into zones
 * @p: the sizes asked for
 * @l: filled with the zones
 * @why: on error, what is wrong, for the caller's pr_err()
 *
 * Return: 0 or -EINVAL.
 */
int ramoops_layout(const struct ramoops_params *p, struct ramoops_layout *l,
		   const char **why)
{
	const u64 sizes[] = { p->console_size, p->pmsg_size, p->ftrace_size };
	const enum ramoops_zone_type types[] = {
		RAMOOPS_ZONE_CONSOLE, RAMOOPS_ZONE_PMSG, RAMOOPS_ZONE_FTRACE,
	};
	u64 min = ramoops_min_zone(p->ecc_size), others = 0, room, off, n;
	unsigned int i, nr_ftrace;

	memset(l, 0, sizeof(*l));
	*why = NULL;
	if (!p->mem_size)
		*why = "mem_size is 0";
	else if (p->ecc_size > RAMOOPS_ECC_MAX)
		*why = "ecc is larger than 64 bytes per block";
	else if (!p->record_size && !p->console_size && !p->pmsg_size &&
		 !p->ftrace_size)
		*why = "record_size, console_size, pmsg_size and ftrace_size are all 0";
	else if (p->record_size && p->record_size < min)
		*why = "record_size is too small for a zone header";
	if (*why)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (sizes[i] && sizes[i] < min) {
			*why = "console, pmsg or ftrace size too small for a zone header";
			return -EINVAL;
		}
		if (check_add_overflow(others, sizes[i], &others))
			others = U64_MAX;
	}
	if (others > p->mem_size) {
		*why = "console_size + pmsg_size + ftrace_size exceed mem_size";
		return -EINVAL;
	}
	room = p->mem_size - others;
	if (p->record_size > room) {
		*why = "record_size is larger than the room left for crash records";
		return -EINVAL;
	}

	nr_ftrace = p->ftrace_size ? max(p->ftrace_zones, 1U) : 0;
	if (nr_ftrace > RAMOOPS_MAX_FTRACE_ZONES) {
		*why = "more ftrace zones than CPUs this kernel can have";
		return -EINVAL;
	}
	if (nr_ftrace && div_u64(p->ftrace_size, nr_ftrace) < min) {
		*why = "ftrace_size is too small for a zone per CPU";
		return -EINVAL;
	}

	n = p->record_size ? div64_u64(room, p->record_size) : 0;
	l->nr_dmesg = min_t(u64, n, RAMOOPS_MAX_ZONES - 2 - max(nr_ftrace, 1U));
	for (i = 0; i < l->nr_dmesg; i++)
		ramoops_add_zone(l, RAMOOPS_ZONE_DMESG, i * p->record_size,
				 p->record_size);
	off = room;
	for (i = 0; i < ARRAY_SIZE(sizes) - 1; i++) {
		if (!sizes[i])
			continue;
		ramoops_add_zone(l, types[i], off, sizes[i]);
		off += sizes[i];
	}
	for (i = 0; i < nr_ftrace; i++) {
		u64 each = div_u64(p->ftrace_size, nr_ftrace);

		ramoops_add_zone(l, RAMOOPS_ZONE_FTRACE, off, each);
		off += each;
	}
	l->nr_ftrace = nr_ftrace;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_layout);
