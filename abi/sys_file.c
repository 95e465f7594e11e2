/* File syscalls: open, close, read and write in all their forms, lseek.
 *
 * Opening resolves the path first and creates only when everything else
 * checked out, so a failed open changes nothing. Reads and writes go
 * through the file's ops with the file offset, or a private one for
 * pread/pwrite; a vector is copied in whole and checked (count, total
 * length) before the first byte moves.
 */
#include "abi_int.h"
#include "sys.h"

#include <linux/uio.h>
#include <linux/fs.h>

#define MAX_RW_COUNT (0x7fffffffl & ~(long)(CORE_PAGE_SIZE - 1))

static int open_create(struct lookup *lk, int flags, uint32_t mode)
{
    if (lk->trailing_slash)
        return -EISDIR;
    if (lk->parent->nlink && mount_readonly(lk->parent))
        return -EROFS; /* a read-only virtio-fs too, as Linux */
    if (lk->parent->nlink && inode_fs_names(lk->parent))
        return lk->parent->iops->mknod(lk->parent, lk->last, lk->last_len,
                                       S_IFREG | (mode & 07777 & ~abi_proc->umask),
                                       (uint32_t)flags, NULL, &lk->inode, &lk->opened);
    if (lk->parent->nlink == 0 || !inode_is_tmpfs_dir(lk->parent))
        return -ENOENT; /* as Linux in /proc */
    struct inode *ino = inode_new(S_IFREG | (mode & 07777 & ~abi_proc->umask));
    if (!ino)
        return -ENOMEM;
    int err = tmpfs_dir_link(lk->parent, lk->last, lk->last_len, ino);
    if (err) {
        ino->nlink = 0;
        inode_drop_link(ino);
        return err;
    }
    inode_get(ino);
    lk->inode = ino;
    return 0;
}

/* Resolve (and maybe create) the file to open; lk->inode is the result. */
static int open_resolve(int dirfd, const char *path, int flags, uint32_t mode,
                        struct lookup *lk)
{
    unsigned lf = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
    if (flags & O_DIRECTORY)
        lf |= LOOKUP_DIRECTORY;
    if (!(flags & O_CREAT))
        return vfs_lookup_at(dirfd, path, lf, lk);
    int err = vfs_lookup_at(dirfd, path, LOOKUP_PARENT, lk);
    if (err)
        return err;
    if (lk->last_len == 0 || (lk->inode && S_ISDIR(lk->inode->mode)))
        return lk->inode && (flags & O_EXCL) ? -EEXIST : -EISDIR;
    if (!lk->inode)
        return open_create(lk, flags, mode);
    if (flags & O_EXCL)
        return -EEXIST;
    /* Follow final symlinks by hand: a dangling one creates its target;
     * a /proc magic link (/dev/stdout's target) leads to what it names. */
    for (int links = 0; lk->inode && S_ISLNK(lk->inode->mode) && !(flags & O_NOFOLLOW);) {
        struct link_target t;
        if (++links > ABI_SYMLOOP_MAX)
            return -ELOOP;
        struct inode *dir = lk->parent, *ln = lk->inode;
        err = vfs_get_link(ln, &t);
        if (!err && t.inode) {
            inode_get(t.inode);
            inode_put(ln);
            lk->inode = t.inode;
            if (t.file)
                file_get(t.file);
            lk->file = t.file;
            return 0;
        }
        lk->parent = lk->inode = NULL;
        if (!err)
            err = vfs_lookup_in(dir, t.path, LOOKUP_PARENT, lk);
        core_free(t.buf);
        inode_put(ln);
        inode_put(dir);
        if (err)
            return err;
        if (lk->last_len == 0 || (lk->inode && S_ISDIR(lk->inode->mode)))
            return -EISDIR;
    }
    return lk->inode ? 0 : open_create(lk, flags, mode);
}

static int open_check(struct inode *ino, int flags)
{
    int acc = flags & O_ACCMODE;
    if (flags & O_PATH)
        return 0;
    if (S_ISLNK(ino->mode))
        return -ELOOP; /* O_NOFOLLOW met a symlink */
    if (S_ISDIR(ino->mode) && (acc != O_RDONLY || (flags & (O_TRUNC | O_CREAT))))
        return -EISDIR;
    if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
        return -ENOTDIR;
    return 0;
}

#define FILE_WRITABLE_FLAGS(fl) (((fl) & O_ACCMODE) != O_RDONLY)

/* Opening /proc/PID/fd/N reopens the file's inode, as Linux does, except
 * where the open file holds what a new open could not rebuild (a pipe
 * end, the console stream it writes to): then it is shared, like dup. */
static bool open_shares(const struct file *f)
{
    return !S_ISREG(f->inode->mode) && !S_ISDIR(f->inode->mode) && (f->priv || f->stream);
}

long sys_openat(int dirfd, uaddr_t u_path, int flags, uint32_t mode)
{
    char *path = NULL;
    struct lookup lk = {0};
    struct file *f = NULL;
    long ret = path_from_user(u_path, &path);
    if (ret < 0)
        return ret;
    ret = open_resolve(dirfd, path, flags, mode, &lk);
    if (ret)
        goto out;
    ret = open_check(lk.inode, flags);
    if (ret)
        goto out;
    if ((FILE_WRITABLE_FLAGS(flags) || (flags & O_TRUNC)) && !(flags & O_PATH) &&
        mount_readonly(lk.inode)) {
        ret = -EROFS;
        goto out;
    }
    if (lk.file && !(flags & O_PATH) && open_shares(lk.file)) {
        file_get(lk.file); /* /dev/stdout and co.: the very same file */
        ret = fd_install(lk.file, 0, flags & O_CLOEXEC);
        if (ret < 0)
            file_put(lk.file);
        goto out;
    }
    uint32_t keep = (flags & O_PATH) ? O_PATH
                    : (uint32_t)flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
    f = file_new(lk.inode, keep | O_LARGEFILE);
    if (!f) {
        ret = -ENOMEM;
        goto out;
    }
    if (lk.opened) { /* made and opened in one step (FUSE CREATE) */
        f->priv = lk.opened;
        lk.opened = NULL;
    } else if (!(flags & O_PATH) && f->ops->open) {
        ret = f->ops->open(f);
        if (ret)
            goto out;
    }
    bool fs_trunc = lk.inode->iops && lk.inode->iops->setattr;
    if ((flags & O_TRUNC) && !(flags & O_PATH) && S_ISREG(lk.inode->mode) && fs_trunc) {
        /* O_RDONLY | O_TRUNC truncates too, as Linux: then not through f */
        struct vfs_setattr a = {.valid = VFS_SET_SIZE, .file = FILE_WRITABLE(f) ? f : NULL};
        ret = vfs_setattr(lk.inode, &a);
        if (ret)
            goto out;
    }
    ret = fd_install(f, 0, flags & O_CLOEXEC);
    if (ret < 0)
        goto out;
    f = NULL;
    if ((flags & O_TRUNC) && !(flags & O_PATH) && S_ISREG(lk.inode->mode) && !fs_trunc &&
        lk.inode->size && tmpfs_truncate(lk.inode, 0))
        CORE_BUG_ON(1); /* shrinking cannot fail */
out:
    if (lk.opened && lk.inode->fops->release) { /* made, never given a file */
        struct file tmp = {.inode = lk.inode, .priv = lk.opened, .flags = (uint32_t)flags};
        lk.inode->fops->release(&tmp);
    }
    file_put(f);
    lookup_release(&lk);
    core_free(path);
    return ret;
}

long sys_open(uaddr_t u_path, int flags, uint32_t mode)
{
    return sys_openat(AT_FDCWD, u_path, flags, mode);
}

long sys_creat(uaddr_t u_path, uint32_t mode)
{
    return sys_openat(AT_FDCWD, u_path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(int fd)
{
    return fd_close(fd);
}

/* The file for fd, checked for reading or writing. */
static long rw_file(int fd, bool write, struct file **out)
{
    struct file *f = fd_get(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    if (write ? !FILE_WRITABLE(f) : !FILE_READABLE(f))
        return -EBADF;
    if (S_ISDIR(f->inode->mode))
        return write ? -EBADF : -EISDIR;
    if (write ? !f->ops->write : !f->ops->read)
        return -EINVAL;
    *out = f;
    return 0;
}

static ssize_t rw_one(struct file *f, bool write, uaddr_t u_buf, size_t len,
                      uint64_t *pos)
{
    if (len > MAX_RW_COUNT)
        len = MAX_RW_COUNT;
    if (len == 0)
        return 0;
    if (!core_user_range_ok(u_buf, len))
        return -EFAULT;
    return write ? f->ops->write(f, u_buf, len, pos) : f->ops->read(f, u_buf, len, pos);
}

static long do_rw(int fd, bool write, uaddr_t u_buf, size_t len)
{
    struct file *f;
    long ret = rw_file(fd, write, &f);
    if (ret)
        return ret;
    uint64_t dummy = 0;
    file_get(f); /* a blocking read may outlive another thread's close */
    ret = rw_one(f, write, u_buf, len, f->ops->seekable ? &f->pos : &dummy);
    file_put(f);
    return ret;
}

long sys_read(int fd, uaddr_t u_buf, size_t count)
{
    return do_rw(fd, false, u_buf, count);
}

long sys_write(int fd, uaddr_t u_buf, size_t count)
{
    return do_rw(fd, true, u_buf, count);
}

static long do_prw(int fd, bool write, uaddr_t u_buf, size_t len, int64_t off)
{
    struct file *f;
    long ret = rw_file(fd, write, &f);
    if (ret)
        return ret;
    if (!f->ops->seekable)
        return -ESPIPE;
    if (off < 0)
        return -EINVAL;
    uint64_t pos = (uint64_t)off;
    file_get(f);
    ret = rw_one(f, write, u_buf, len, &pos);
    file_put(f);
    return ret;
}

long sys_pread64(int fd, uaddr_t u_buf, size_t count, int64_t off)
{
    return do_prw(fd, false, u_buf, count, off);
}

long sys_pwrite64(int fd, uaddr_t u_buf, size_t count, int64_t off)
{
    return do_prw(fd, true, u_buf, count, off);
}

/* Copy in and check an iovec array: count, lengths, total. */
static long iov_import(uaddr_t u_iov, int iovcnt, struct iovec **out)
{
    if (iovcnt < 0 || iovcnt > UIO_MAXIOV)
        return -EINVAL;
    struct iovec *iov = core_malloc((size_t)iovcnt * sizeof(*iov) + 1);
    if (!iov)
        return -ENOMEM;
    if (core_copy_from_user(iov, u_iov, (size_t)iovcnt * sizeof(*iov))) {
        core_free(iov);
        return -EFAULT;
    }
    uint64_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        if ((int64_t)iov[i].iov_len < 0 || total + iov[i].iov_len > 0x7fffffffffffffffull) {
            core_free(iov);
            return -EINVAL;
        }
        total += iov[i].iov_len;
    }
    *out = iov;
    return 0;
}

static long do_rwv(int fd, bool write, uaddr_t u_iov, int iovcnt, int64_t off)
{
    struct file *f;
    struct iovec *iov = NULL;
    long ret = rw_file(fd, write, &f);
    if (ret)
        return ret;
    if (iovcnt < 0 || iovcnt > UIO_MAXIOV)
        return -EINVAL;
    if (off != -1 && !f->ops->seekable)
        return -ESPIPE;
    if (off < -1)
        return -EINVAL;
    if (iovcnt == 0)
        return 0;
    ret = iov_import(u_iov, iovcnt, &iov);
    if (ret)
        return ret;
    uint64_t dummy = 0, pos = (uint64_t)off;
    uint64_t *pp = off != -1 ? &pos : f->ops->seekable ? &f->pos : &dummy;
    file_get(f);
    for (int i = 0; i < iovcnt; i++) {
        uint64_t room = MAX_RW_COUNT - (uint64_t)ret;
        size_t len = iov[i].iov_len < room ? iov[i].iov_len : room;
        ssize_t n = rw_one(f, write, uaddr((uint64_t)(uintptr_t)iov[i].iov_base), len, pp);
        if (n < 0) {
            ret = ret ? ret : n;
            break;
        }
        ret += n;
        if ((size_t)n < iov[i].iov_len) /* short: stop, as Linux does */
            break;
    }
    file_put(f);
    core_free(iov);
    return ret;
}

long sys_readv(int fd, uaddr_t u_iov, int iovcnt)
{
    return do_rwv(fd, false, u_iov, iovcnt, -1);
}

long sys_writev(int fd, uaddr_t u_iov, int iovcnt)
{
    return do_rwv(fd, true, u_iov, iovcnt, -1);
}

long sys_preadv(int fd, uaddr_t u_iov, int iovcnt, int64_t off)
{
    return off < 0 ? -EINVAL : do_rwv(fd, false, u_iov, iovcnt, off);
}

long sys_pwritev(int fd, uaddr_t u_iov, int iovcnt, int64_t off)
{
    return off < 0 ? -EINVAL : do_rwv(fd, true, u_iov, iovcnt, off);
}

long sys_lseek(int fd, int64_t off, unsigned whence)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (f->ops->anon_name)
        return (long)f->pos;
    if (!f->ops->seekable || (f->flags & O_PATH))
        return f->flags & O_PATH ? -EBADF : -ESPIPE;
    int64_t base, size = (int64_t)f->inode->size;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)f->pos; break;
    case SEEK_END: base = size; break;
    case SEEK_DATA:
    case SEEK_HOLE:
        if (!S_ISREG(f->inode->mode))
            return -EINVAL;
        if (off < 0 || off >= size)
            return -ENXIO;
        f->pos = (uint64_t)(whence == SEEK_DATA ? off : size);
        return (long)f->pos;
    default: return -EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return (long)f->pos;
}
