/* Inodes: allocation, reference counting, times, and the initial tree.
 *
 * An inode lives while it has a name (nlink > 0) or a reference (an open
 * file, the cwd, a path walk in progress). The last of the two to go
 * frees it and its data. Directories count "." and their subdirectories'
 * ".." in nlink, as Linux does, and drop to 0 when removed.
 */
#include "abi_int.h"

#include <core/time.h>
#include <linux/magic.h>
#include <linux/mount.h>

#define ROOT_DEV 0x16 /* the root tmpfs: a stable made-up device number */

struct inode *vfs_root;
static uint64_t next_ino = 1;
static uint32_t next_dev = ROOT_DEV;

struct super *super_new(const char *type, uint64_t magic)
{
    struct super *sb = core_zalloc(sizeof(*sb));
    if (!sb)
        return NULL;
    sb->type = type;
    sb->magic = magic;
    sb->dev = next_dev++;
    return sb;
}

void super_get(struct super *sb)
{
    if (sb)
        sb->refs++;
}

void super_put(struct super *sb)
{
    if (sb && --sb->refs == 0)
        core_free(sb);
}

struct inode *inode_new(uint32_t mode)
{
    struct inode *ino = core_zalloc(sizeof(*ino));
    if (!ino)
        return NULL;
    uint64_t now = core_time_realtime_ns();
    ino->mode = mode;
    ino->ino = next_ino++;
    ino->atime_ns = ino->mtime_ns = ino->ctime_ns = ino->btime_ns = now;
    ino->uid = abi_proc ? abi_proc->fsuid : 0;
    ino->gid = abi_proc ? abi_proc->fsgid : 0;
    if (S_ISDIR(mode)) {
        ino->nlink = 2;
        ino->dir.next_cookie = 2; /* 0 and 1 are "." and ".." */
        ino->fops = &tmpfs_dir_ops;
    } else {
        ino->nlink = 1;
        ino->fops = S_ISREG(mode) ? &tmpfs_reg_ops : &null_ops;
    }
    return ino;
}

void inode_get(struct inode *ino)
{
    ino->refs++;
}

void tmpfs_evict(struct inode *ino)
{
    if (S_ISREG(ino->mode))
        tmpfs_free_data(ino);
    else if (S_ISLNK(ino->mode))
        core_free(ino->lnk.target);
    else if (S_ISDIR(ino->mode)) {
        if (ino->dir.parent_held)
            inode_put(ino->dir.parent);
        struct dentry *d = ino->dir.head;
        while (d) { /* only reached for a dead, hence empty, directory */
            struct dentry *n = d->next;
            core_free(d);
            d = n;
        }
    }
}

static void inode_free(struct inode *ino)
{
    if (ino->iops && ino->iops->evict)
        ino->iops->evict(ino);
    else
        tmpfs_evict(ino);
    super_put(ino->sb);
    core_free(ino);
}

void inode_put(struct inode *ino)
{
    if (!ino)
        return;
    CORE_BUG_ON(ino->refs == 0);
    if (--ino->refs == 0 && ino->nlink == 0)
        inode_free(ino);
}

/* Called when a name goes away: frees an inode nothing else holds. */
void inode_drop_link(struct inode *ino)
{
    if (ino->nlink == 0 && ino->refs == 0)
        inode_free(ino);
}

void inode_touch(struct inode *ino, bool m, bool c)
{
    uint64_t now = core_time_realtime_ns();
    if (m)
        ino->mtime_ns = now;
    if (c || m)
        ino->ctime_ns = now;
}

static int mkdir_p(struct inode *parent, const char *name, uint32_t mode,
                   struct inode **out)
{
    struct inode *d = tmpfs_dir_lookup(parent, name, strlen(name));
    if (d) {
        *out = d;
        return 0;
    }
    d = inode_new(S_IFDIR | mode);
    if (!d)
        return -ENOMEM;
    d->dir.parent = parent;
    int err = tmpfs_dir_link(parent, name, strlen(name), d);
    if (err) {
        d->nlink = 0;
        inode_drop_link(d);
        return err;
    }
    *out = d;
    return 0;
}

/* The empty root; initramfs_unpack fills it, vfs_init_late adds /tmp, /dev. */
int vfs_init(void)
{
    next_dev = ROOT_DEV;
    vfs_root = tmpfs_new_root("rootfs", 0755);
    return vfs_root ? 0 : -ENOMEM;
}

/* /tmp; /dev with its nodes and a tmpfs on /dev/shm; proc on /proc. */
int vfs_init_late(void)
{
    struct inode *tmp, *dev, *shm, *proc;
    int err = mkdir_p(vfs_root, "tmp", 01777, &tmp);
    if (!err)
        err = mkdir_p(vfs_root, "dev", 0755, &dev);
    if (!err)
        err = devfs_populate(dev);
    if (!err)
        err = mkdir_p(dev, "shm", 01777, &shm);
    if (!err && !shm->covered)
        err = vfs_mount(shm, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    if (!err)
        err = mkdir_p(vfs_root, "proc", 0555, &proc);
    if (!err && !proc->covered)
        err = vfs_mount(proc, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    return err;
}
