// SPDX-License-Identifier: GPL-2.0
/*
 * Names of pstore record types and files, as user space has always seen
 * them in /sys/fs/pstore.
 */
#include <linux/export.h>
#include <linux/pstore.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "core.h"

static const char * const pstore_type_names[PSTORE_TYPE_MAX] = {
	[PSTORE_TYPE_DMESG]		= "dmesg",
	[PSTORE_TYPE_MCE]		= "mce",
	[PSTORE_TYPE_CONSOLE]		= "console",
	[PSTORE_TYPE_FTRACE]		= "ftrace",
	[PSTORE_TYPE_PPC_RTAS]		= "rtas",
	[PSTORE_TYPE_PPC_OF]		= "powerpc-ofw",
	[PSTORE_TYPE_PPC_COMMON]	= "powerpc-common",
	[PSTORE_TYPE_PMSG]		= "pmsg",
	[PSTORE_TYPE_PPC_OPAL]		= "powerpc-opal",
};

/**
 * pstore_type_to_name() - the name files of a record type start with
 * @type: the type
 *
 * Return: "dmesg", "console", ..., or "unknown".
 */
const char *pstore_type_to_name(enum pstore_type_id type)
{
	if (type >= PSTORE_TYPE_MAX || !pstore_type_names[type])
		return "unknown";
	return pstore_type_names[type];
}
EXPORT_SYMBOL_GPL(pstore_type_to_name);

/**
 * pstore_name_to_type() - the record type of a name
 * @name: "dmesg", "console", ...
 *
 * Return: the type, or PSTORE_TYPE_MAX for an unknown name.
 */
enum pstore_type_id pstore_name_to_type(const char *name)
{
	int i;

	for (i = 0; i < PSTORE_TYPE_MAX; i++)
		if (pstore_type_names[i] && !strcmp(pstore_type_names[i], name))
			return i;
	return PSTORE_TYPE_MAX;
}
EXPORT_SYMBOL_GPL(pstore_name_to_type);

/*
 * "<type>-<backend>-<id>", and ".enc.z" after a record that is still
 * compressed because it could not be decompressed.
 */
int pstore_record_name(const struct pstore_record *record, char *buf,
		       size_t size)
{
	return snprintf(buf, size, "%s-%s-%llu%s",
			pstore_type_to_name(record->type), record->psi->name,
			record->id, record->compressed ? ".enc.z" : "");
}
EXPORT_SYMBOL_IF_KUNIT(pstore_record_name);
