// SPDX-License-Identifier: GPL-2.0
/*
 * The pstore filesystem: one read-only file per record the backend holds,
 * mounted at /sys/fs/pstore.  Unlinking a file erases the record from the
 * backend.
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/list.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pstore.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include "core.h"

#define PSTORE_NAME_LEN	64

/* A file and the record it shows. */
struct pstore_file {
	struct list_head node;		/* on pstore_files while linked */
	struct dentry *dentry;
	struct pstore_record *record;
};

/*
 * Lock order: pstore_sb_lock, then the root directory's i_rwsem, then
 * pstore_files_lock, as upstream takes them.  unlink() comes with the
 * directory locked by the VFS and takes pstore_files_lock only; adding or
 * removing files takes all three, so that the sb cannot go away under
 * them.  pstore_sb changes under pstore_sb_lock, pstore_files under
 * pstore_files_lock.
 */
static LIST_HEAD(pstore_files);
/*
 * Records erased by unlink, under the root directory's lock.  Records
 * are read from a backend before their files are made: one erased in
 * between must not get its file back (pstore_fs_add()).
 */
static unsigned long pstore_erases;
static DEFINE_MUTEX(pstore_sb_lock);
static DEFINE_MUTEX(pstore_files_lock);
static struct super_block *pstore_sb;

bool pstore_fs_mounted(void)
{
	return READ_ONCE(pstore_sb);
}

static ssize_t pstore_file_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	struct pstore_file *pf = file_inode(file)->i_private;
	struct pstore_record *r = pf->record;

	return simple_read_from_buffer(buf, count, ppos, r->buf,
				       r->size + max_t(ssize_t,
						       r->ecc_notice_size, 0));
}

static const struct file_operations pstore_file_ops = {
	.open = simple_open,
	.read = pstore_file_read,
	.llseek = default_llseek,
};

static void pstore_file_free(struct pstore_file *pf)
{
	if (!pf)
		return;
	kvfree(pf->record->buf);
	kfree(pf->record->priv);
	kfree(pf->record);
	kfree(pf);
}

/*
 * Removing a file erases its record.  If the backend cannot erase it
 * (mtdoops on NAND, say), the unlink fails and the file stays: it would
 * come back at the next boot.  The VFS holds the directory's lock, which
 * pstore_fs_remove_backend() takes too: @psi stays registered meanwhile.
 */
static int pstore_unlink(struct inode *dir, struct dentry *dentry)
{
	struct pstore_file *pf = d_inode(dentry)->i_private;
	struct pstore_info *psi;
	int ret;

	mutex_lock(&pstore_files_lock);
	ret = list_empty(&pf->node) ? -ENOENT : 0;
	mutex_unlock(&pstore_files_lock);
	if (ret)
		return ret;
	psi = pf->record->psi;
	if (!psi->erase)
		return -EPERM;

	mutex_lock(&psi->read_mutex);
	ret = psi->erase(pf->record);
	mutex_unlock(&psi->read_mutex);
	if (ret) {
		pr_err("pstore: cannot erase %pd from %s: %d: the record stays\n",
		       dentry, psi->name, ret);
		return ret;
	}

	WRITE_ONCE(pstore_erases, pstore_erases + 1);
	mutex_lock(&pstore_files_lock);
	list_del_init(&pf->node);
	mutex_unlock(&pstore_files_lock);
	return simple_unlink(dir, dentry);
}

static const struct inode_operations pstore_dir_inode_ops = {
	.lookup = simple_lookup,
	.unlink = pstore_unlink,
};

static struct inode *pstore_new_inode(struct super_block *sb, umode_t mode)
{
	struct inode *inode = new_inode(sb);

	if (inode) {
		inode->i_ino = get_next_ino();
		inode->i_mode = mode;
		simple_inode_init_ts(inode);
	}
	return inode;
}

static bool pstore_same_record(const struct pstore_record *a,
			       const struct pstore_record *b)
{
	return a->psi == b->psi && a->type == b->type && a->id == b->id;
}

/* How many records unlink erased so far, before a backend is read. */
unsigned long pstore_fs_erases(void)
{
	return READ_ONCE(pstore_erases);
}

/**
 * pstore_fs_add() - show a record as a file
 * @record: the record; the file owns it on success
 * @erases: pstore_fs_erases() from before the record was read
 *
 * Return: 0, -EEXIST if the record has its file already, -EAGAIN if a
 * record was erased since @erases (this one may be it: read again),
 * -ENODEV if the filesystem is not mounted, -ENOMEM.
 */
int pstore_fs_add(struct pstore_record *record, unsigned long erases)
{
	char name[PSTORE_NAME_LEN];
	struct pstore_file *pf;
	struct dentry *root;
	struct inode *inode;
	int ret = 0;

	mutex_lock(&pstore_sb_lock);
	if (!pstore_sb) {
		mutex_unlock(&pstore_sb_lock);
		return -ENODEV;
	}
	root = pstore_sb->s_root;
	inode_lock(d_inode(root));
	mutex_lock(&pstore_files_lock);
	if (pstore_erases != erases) {
		ret = -EAGAIN;
		goto out;
	}
	list_for_each_entry(pf, &pstore_files, node) {
		if (pstore_same_record(pf->record, record)) {
			ret = -EEXIST;
			goto out;
		}
	}
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	inode = pstore_new_inode(pstore_sb, S_IFREG | 0444);
	if (!pf || !inode) {
		kfree(pf);
		iput(inode);
		ret = -ENOMEM;
		goto out;
	}
	pf->record = record;
	inode->i_fop = &pstore_file_ops;
	inode->i_private = pf;
	inode->i_size = record->size + max_t(ssize_t, record->ecc_notice_size,
					     0);
	if (record->time.tv_sec) {
		inode_set_mtime_to_ts(inode, record->time);
		inode_set_ctime_to_ts(inode, record->time);
	}

	pstore_record_name(record, name, sizeof(name));
	pf->dentry = d_alloc_name(root, name);
	if (pf->dentry)
		d_add(pf->dentry, inode);
	if (!pf->dentry) {
		inode->i_private = NULL;
		iput(inode);
		kfree(pf);
		ret = -ENOMEM;
		goto out;
	}
	list_add_tail(&pf->node, &pstore_files);
out:
	mutex_unlock(&pstore_files_lock);
	inode_unlock(d_inode(root));
	mutex_unlock(&pstore_sb_lock);
	return ret;
}

/* Remove the files of a backend that goes away. */
void pstore_fs_remove_backend(struct pstore_info *psi)
{
	struct pstore_file *pf, *tmp;
	struct dentry *root;

	mutex_lock(&pstore_sb_lock);
	if (!pstore_sb)
		goto out;
	root = pstore_sb->s_root;
	inode_lock(d_inode(root));
	mutex_lock(&pstore_files_lock);
	list_for_each_entry_safe(pf, tmp, &pstore_files, node) {
		if (pf->record->psi != psi)
			continue;
		list_del_init(&pf->node);
		d_invalidate(pf->dentry);
		simple_unlink(d_inode(root), pf->dentry);
	}
	mutex_unlock(&pstore_files_lock);
	inode_unlock(d_inode(root));
out:
	mutex_unlock(&pstore_sb_lock);
}

static void pstore_evict_inode(struct inode *inode)
{
	clear_inode(inode);
	pstore_file_free(inode->i_private);
}

static int pstore_show_options(struct seq_file *m, struct dentry *root)
{
	if (kmsg_bytes != CONFIG_PSTORE_DEFAULT_KMSG_BYTES)
		seq_printf(m, ",kmsg_bytes=%lu", kmsg_bytes);
	return 0;
}

static const struct super_operations pstore_super_ops = {
	.statfs = simple_statfs,
	.drop_inode = generic_delete_inode,
	.evict_inode = pstore_evict_inode,
	.show_options = pstore_show_options,
};

enum { OPT_KMSG_BYTES };

static const struct fs_parameter_spec pstore_params[] = {
	fsparam_u32("kmsg_bytes", OPT_KMSG_BYTES),
	{}
};

struct pstore_context {
	unsigned int kmsg_bytes;
	bool has_kmsg_bytes;
};

static int pstore_parse_param(struct fs_context *fc, struct fs_parameter *p)
{
	struct pstore_context *ctx = fc->fs_private;
	struct fs_parse_result result;
	int opt;

	opt = fs_parse(fc, pstore_params, p, &result);
	/* upstream ignored options it did not know: so do we */
	if (opt == -ENOPARAM)
		return 0;
	/* and bad values: a typo in fstab must not cost the records */
	if (opt < 0) {
		pr_warn("pstore: mount option %s=%s is not a number: keeping kmsg_bytes=%lu\n",
			p->key, p->type == fs_value_is_string ? p->string : "?",
			kmsg_bytes);
		return 0;
	}
	ctx->kmsg_bytes = result.uint_32;
	ctx->has_kmsg_bytes = true;
	return 0;
}

static void pstore_apply_options(struct fs_context *fc)
{
	struct pstore_context *ctx = fc->fs_private;

	if (ctx->has_kmsg_bytes)
		kmsg_bytes = ctx->kmsg_bytes;
}

static int pstore_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct inode *inode;

	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_magic = PSTOREFS_MAGIC;
	sb->s_op = &pstore_super_ops;
	sb->s_time_gran = 1;

	inode = pstore_new_inode(sb, S_IFDIR | 0750);
	if (!inode)
		return -ENOMEM;
	inode->i_op = &pstore_dir_inode_ops;
	inode->i_fop = &simple_dir_operations;
	inc_nlink(inode);
	sb->s_root = d_make_root(inode);
	if (!sb->s_root)
		return -ENOMEM;

	pstore_apply_options(fc);
	mutex_lock(&pstore_sb_lock);
	WRITE_ONCE(pstore_sb, sb);
	mutex_unlock(&pstore_sb_lock);
	return 0;
}

static int pstore_get_tree(struct fs_context *fc)
{
	int ret = get_tree_single(fc, pstore_fill_super);

	if (!ret)
		pstore_get_records(false);
	return ret;
}

static int pstore_reconfigure(struct fs_context *fc)
{
	sync_filesystem(fc->root->d_sb);
	pstore_apply_options(fc);
	return 0;
}

static void pstore_free_fc(struct fs_context *fc)
{
	kfree(fc->fs_private);
}

static const struct fs_context_operations pstore_context_ops = {
	.parse_param = pstore_parse_param,
	.get_tree = pstore_get_tree,
	.reconfigure = pstore_reconfigure,
	.free = pstore_free_fc,
};

static int pstore_init_fs_context(struct fs_context *fc)
{
	struct pstore_context *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	fc->fs_private = ctx;
	fc->ops = &pstore_context_ops;
	return 0;
}

static void pstore_kill_sb(struct super_block *sb)
{
	struct pstore_file *pf, *tmp;

	mutex_lock(&pstore_sb_lock);
	WRITE_ONCE(pstore_sb, NULL);
	mutex_lock(&pstore_files_lock);
	list_for_each_entry_safe(pf, tmp, &pstore_files, node)
		list_del_init(&pf->node);
	mutex_unlock(&pstore_files_lock);
	mutex_unlock(&pstore_sb_lock);
	kill_litter_super(sb);
}

static struct file_system_type pstore_fs_type = {
	.owner = THIS_MODULE,
	.name = "pstore",
	.init_fs_context = pstore_init_fs_context,
	.parameters = pstore_params,
	.kill_sb = pstore_kill_sb,
};

int __init pstore_fs_init(void)
{
	int ret;

	ret = sysfs_create_mount_point(fs_kobj, "pstore");
	if (ret)
		return ret;
	ret = register_filesystem(&pstore_fs_type);
	if (ret)
		sysfs_remove_mount_point(fs_kobj, "pstore");
	return ret;
}

void pstore_fs_exit(void)
{
	unregister_filesystem(&pstore_fs_type);
	sysfs_remove_mount_point(fs_kobj, "pstore");
}
