// SPDX-License-Identifier: GPL-2.0
/*
 * The console frontend: everything printed on the consoles goes to the
 * backends that take it too, so that the previous boot's last messages,
 * those after the crash record was written included, can be read as
 * console-<backend>-0.  A console per backend, named after it, as
 * upstream's selftests expect.
 */
#include <linux/console.h>
#include <linux/pstore.h>
#include <linux/string.h>

#include "core.h"

/* Called with the console lock held, in any context, panic included. */
static void pstore_console_write(struct console *con, const char *s,
				 unsigned int c)
{
	struct pstore_backend *b = container_of(con, struct pstore_backend,
						console);
	struct pstore_record record;

	if (!c || pstore_backend_dead(b))
		return;
	pstore_record_init(&record, b->psi);
	record.type = PSTORE_TYPE_CONSOLE;
	record.buf = (char *)s;
	record.size = c;
	b->psi->write(&record);
}

void pstore_console_register(struct pstore_backend *b)
{
	b->console = (struct console) {
		.write	= pstore_console_write,
		.flags	= CON_PRINTBUFFER | CON_ENABLED | CON_ANYTIME,
		.index	= -1,
	};
	strscpy(b->console.name, b->psi->name, sizeof(b->console.name));
	register_console(&b->console);
}

/* Returns once the console is no longer written to. */
void pstore_console_unregister(struct pstore_backend *b)
{
	unregister_console(&b->console);
}
