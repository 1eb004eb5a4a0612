// SPDX-License-Identifier: GPL-2.0
/*
 * The console frontend: everything printed on the consoles goes to the
 * backend too, so that the previous boot's last messages, those after the
 * crash record was written included, can be read as console-<backend>-0.
 */
#include <linux/console.h>
#include <linux/pstore.h>
#include <linux/string.h>

#include "core.h"

/* Called with the console lock held, in any context, panic included. */
static void pstore_console_write(struct console *con, const char *s,
				 unsigned int c)
{
	struct pstore_info *psi = READ_ONCE(psinfo);
	struct pstore_record record;

	if (!psi || !c || pstore_dmesg_dead())
		return;
	pstore_record_init(&record, psi);
	record.type = PSTORE_TYPE_CONSOLE;
	record.buf = (char *)s;
	record.size = c;
	psi->write(&record);
}

static struct console pstore_console = {
	.write	= pstore_console_write,
	.flags	= CON_PRINTBUFFER | CON_ENABLED | CON_ANYTIME,
	.index	= -1,
};

void pstore_console_register(void)
{
	/* named after the backend, as upstream's selftests expect */
	strscpy(pstore_console.name, psinfo->name,
		sizeof(pstore_console.name));
	register_console(&pstore_console);
}

void pstore_console_unregister(void)
{
	unregister_console(&pstore_console);
}
