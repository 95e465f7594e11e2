/* Inodes: allocation, reference counting, times, and the initial tree.
 *
 * An inode lives while it has a name (nlink > 0) or a reference (an open
 * file, the cwd, a path walk in progress). The last of the two to go
 * frees it and its data. Directories count "." and their subdirectories'
 * ".." in nlink, as Linux does, and drop to 0 when removed.
 */
#include "abi_int.h"

#include <core/time.h>

struct inode *vfs_root;
static uint64_t next_ino = 1;

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

static void inode_free(struct inode *ino)
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

/* ---- character devices that need no driver: /dev/null, /dev/zero ---- */

static ssize_t null_read(struct file *f, uaddr_t u_buf, size_t len,
                         uint64_t *pos)
{
    if (f->inode->rdev_minor == 5) { /* /dev/zero */
        int err = core_clear_user(u_buf, len);
        return err ? err : (ssize_t)len;
    }
    return 0;
}

static ssize_t null_write(struct file *f, uaddr_t u_buf, size_t len,
                          uint64_t *pos)
{
    return (ssize_t)len;
}

static unsigned null_poll(struct file *f, struct poll_table *pt)
{
    return 0x1 | 0x4; /* POLLIN | POLLOUT */
}

const struct file_ops null_ops = {
    .read = null_read,
    .write = null_write,
    .poll = null_poll,
    .seekable = true,
};

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

static int mknod_chr(struct inode *dir, const char *name, unsigned major,
                     unsigned minor)
{
    if (tmpfs_dir_lookup(dir, name, strlen(name)))
        return 0;
    struct inode *n = inode_new(S_IFCHR | 0666);
    if (!n)
        return -ENOMEM;
    n->rdev_major = major;
    n->rdev_minor = minor;
    if (major == 5) /* tty, console: the console, as stdout */
        n->fops = &console_ops;
    if (major == 0) /* stdin, stdout, stderr: stand-ins for /proc/self/fd */
        n->fd_alias = (int)minor + 1;
    int err = tmpfs_dir_link(dir, name, strlen(name), n);
    if (err) {
        n->nlink = 0;
        inode_drop_link(n);
    }
    return err;
}

/* The empty root; initramfs_unpack fills it, vfs_init_late adds /tmp, /dev. */
int vfs_init(void)
{
    vfs_root = inode_new(S_IFDIR | 0755);
    if (!vfs_root)
        return -ENOMEM;
    vfs_root->dir.parent = vfs_root;
    vfs_root->refs = 1; /* the mount holds it */
    return 0;
}

int vfs_init_late(void)
{
    struct inode *tmp, *dev;
    int err = mkdir_p(vfs_root, "tmp", 01777, &tmp);
    if (!err)
        err = mkdir_p(vfs_root, "dev", 0755, &dev);
    if (!err)
        err = mknod_chr(dev, "null", 1, 3);
    if (!err)
        err = mknod_chr(dev, "zero", 1, 5);
    if (!err)
        err = mknod_chr(dev, "tty", 5, 0);
    if (!err)
        err = mknod_chr(dev, "console", 5, 1);
    static const char *const std[3] = {"stdin", "stdout", "stderr"};
    for (unsigned i = 0; i < 3 && !err; i++)
        err = mknod_chr(dev, std[i], 0, i);
    return err;
}
