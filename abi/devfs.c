/* /dev: character devices that need no driver, and the boot-time nodes.
 *
 * /dev stays a directory of the root tmpfs (Linux's devtmpfs is a tmpfs
 * too): programs may create, rename and remove nodes there, and an
 * initramfs may bring its own. A node's behaviour comes from its device
 * number through devfs_fops. /dev/stdin, stdout, stderr and fd are
 * symlinks into /proc/self/fd, as on Linux, so opening one reaches the
 * open file itself (see the magic links in procfs).
 */
#include "abi_int.h"

#include <core/random.h>

#define MEM_MAJOR 1
#define TTY_MAJOR 5

enum { MINOR_NULL = 3, MINOR_ZERO = 5, MINOR_FULL = 7, MINOR_RANDOM = 8, MINOR_URANDOM = 9 };

/* /dev/null reads EOF; zero and full read zeros; full refuses writes. */
static ssize_t mem_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    uint32_t minor = f->inode->rdev_minor;
    if (minor != MINOR_ZERO && minor != MINOR_FULL)
        return 0;
    int err = core_clear_user(u_buf, len);
    return err ? err : (ssize_t)len;
}

static ssize_t mem_write(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    return f->inode->rdev_minor == MINOR_FULL ? -ENOSPC : (ssize_t)len;
}

const struct file_ops null_ops = {
    .read = mem_read,
    .write = mem_write,
    .seekable = true,
};

/* random and urandom: the core's generator never blocks once seeded. */
static ssize_t random_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    char chunk[256];
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        core_random_bytes(chunk, n);
        if (core_copy_to_user(uaddr_add(u_buf, done), chunk, n))
            break;
        done += n;
    }
    memset(chunk, 0, sizeof(chunk));
    return done || !len ? (ssize_t)done : -EFAULT;
}

static const struct file_ops random_ops = {
    .read = random_read,
    .write = mem_write, /* mixing in is accepted and ignored */
    .seekable = true,
};

const struct file_ops *devfs_fops(uint32_t major, uint32_t minor)
{
    if (major == TTY_MAJOR && minor <= 1)
        return &console_ops;
    if (major == MEM_MAJOR && (minor == MINOR_RANDOM || minor == MINOR_URANDOM))
        return &random_ops;
    return &null_ops;
}

/* Link ino as dir/name unless the name is taken (an initramfs node). */
static int dev_link(struct inode *dir, const char *name, struct inode *ino)
{
    int err = tmpfs_dir_link(dir, name, strlen(name), ino);
    if (err && ino->nlink) {
        ino->nlink = 0;
        inode_drop_link(ino);
    }
    return err;
}

static int mknod_chr(struct inode *dir, const char *name, unsigned major, unsigned minor,
                     uint32_t perm)
{
    if (tmpfs_dir_lookup(dir, name, strlen(name)))
        return 0;
    struct inode *n = inode_new(S_IFCHR | perm);
    if (!n)
        return -ENOMEM;
    n->rdev_major = major;
    n->rdev_minor = minor;
    n->fops = devfs_fops(major, minor);
    return dev_link(dir, name, n);
}

static int mk_symlink(struct inode *dir, const char *name, const char *target)
{
    if (tmpfs_dir_lookup(dir, name, strlen(name)))
        return 0;
    struct inode *ln = inode_new(S_IFLNK | 0777);
    if (!ln)
        return -ENOMEM;
    size_t n = strlen(target);
    ln->lnk.target = core_malloc(n + 1);
    if (!ln->lnk.target) {
        ln->nlink = 0;
        inode_drop_link(ln);
        return -ENOMEM;
    }
    memcpy(ln->lnk.target, target, n + 1);
    ln->size = n;
    return dev_link(dir, name, ln);
}

int devfs_populate(struct inode *dev)
{
    static const struct {
        const char *name;
        unsigned major, minor;
        uint32_t perm;
    } nodes[] = {
        {"null", MEM_MAJOR, MINOR_NULL, 0666},     {"zero", MEM_MAJOR, MINOR_ZERO, 0666},
        {"full", MEM_MAJOR, MINOR_FULL, 0666},     {"random", MEM_MAJOR, MINOR_RANDOM, 0666},
        {"urandom", MEM_MAJOR, MINOR_URANDOM, 0666}, {"tty", TTY_MAJOR, 0, 0666},
    };
    static const char *const links[][2] = {
        {"fd", "/proc/self/fd"},         {"stdin", "/proc/self/fd/0"},
        {"stdout", "/proc/self/fd/1"},   {"stderr", "/proc/self/fd/2"},
    };
    int err = 0;
    for (size_t i = 0; i < CORE_ARRAY_SIZE(nodes) && !err; i++)
        err = mknod_chr(dev, nodes[i].name, nodes[i].major, nodes[i].minor, nodes[i].perm);
    for (size_t i = 0; i < CORE_ARRAY_SIZE(links) && !err; i++)
        err = mk_symlink(dev, links[i][0], links[i][1]);
    /* the console is one inode, whichever name reaches it */
    struct inode *con = console_inode();
    if (!err && !con)
        err = -ENOMEM;
    if (!err && !tmpfs_dir_lookup(dev, "console", 7)) {
        err = tmpfs_dir_link(dev, "console", 7, con);
        if (!err)
            con->nlink++;
    }
    return err;
}
