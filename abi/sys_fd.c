/* Descriptor syscalls: dup and fcntl, ioctl, truncate, sync.
 *
 * One process, so record locks never conflict: F_SETLK succeeds once the
 * request is valid for the file, and F_GETLK reports the range unlocked.
 * poll and select are in poll.c, pipes' fcntls in pipe.c.
 */
#include "abi_int.h"
#include "sys.h"

#include <asm/ioctls.h>
#include <linux/fs.h>

long sys_dup(int fd)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    file_get(f);
    long ret = fd_install(f, 0, false);
    if (ret < 0)
        file_put(f);
    return ret;
}

long sys_dup3(int oldfd, int newfd, int flags)
{
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    struct file *f = fd_get(oldfd);
    if (!f)
        return -EBADF;
    file_get(f);
    long ret = fd_install_at(f, newfd, flags & O_CLOEXEC);
    if (ret < 0)
        file_put(f);
    return ret;
}

long sys_dup2(int oldfd, int newfd)
{
    if (oldfd == newfd)
        return fd_get(oldfd) ? newfd : -EBADF;
    return sys_dup3(oldfd, newfd, 0);
}

/* Where a lock request's range starts and ends, as Linux checks it. */
static long fcntl_lock_range(const struct file *f, const struct flock *fl)
{
    int64_t start;
    switch (fl->l_whence) {
    case SEEK_SET: start = 0; break;
    case SEEK_CUR: start = (int64_t)f->pos; break;
    case SEEK_END: start = (int64_t)f->inode->size; break;
    default: return -EINVAL;
    }
    if (fl->l_start > 0 && start > INT64_MAX - fl->l_start)
        return -EOVERFLOW;
    start += fl->l_start;
    if (start < 0)
        return -EINVAL;
    if (fl->l_len > 0 && fl->l_len - 1 > INT64_MAX - start)
        return -EOVERFLOW;
    if (fl->l_len < 0 && start + fl->l_len < 0)
        return -EINVAL;
    return 0;
}

static long fcntl_lock(struct file *f, int cmd, uaddr_t u_arg)
{
    struct flock fl;
    bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
    bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    if (core_copy_from_user(&fl, u_arg, sizeof(fl)))
        return -EFAULT;
    if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && (get || fl.l_type != F_UNLCK))
        return -EINVAL;
    long err = fcntl_lock_range(f, &fl);
    if (err)
        return err;
    if (ofd && fl.l_pid != 0)
        return -EINVAL;
    if (get) {
        fl.l_type = F_UNLCK; /* nobody else can hold a lock */
        return core_copy_to_user(u_arg, &fl, sizeof(fl)) ? -EFAULT : 0;
    }
    if ((fl.l_type == F_RDLCK && !FILE_READABLE(f)) ||
        (fl.l_type == F_WRLCK && !FILE_WRITABLE(f)))
        return -EBADF;
    return 0;
}

static long fcntl_setfl(struct file *f, uint32_t arg)
{
    uint32_t chg = O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME;
    if ((arg ^ f->flags) & arg & O_NOATIME && abi_proc->fsuid != 0 &&
        abi_proc->fsuid != f->inode->uid)
        return -EPERM;
    /* O_DIRECT: pipes (packet mode) and tmpfs files take it; devices not */
    if ((arg ^ f->flags) & O_DIRECT && !S_ISREG(f->inode->mode) &&
        !S_ISFIFO(f->inode->mode))
        return -EINVAL;
    f->flags = (f->flags & ~chg) | (arg & chg);
    return 0;
}

static long fcntl_dupfd(struct file *f, uint64_t arg, bool cloexec)
{
    if (arg >= abi_proc->rlim[RLIMIT_NOFILE].rlim_cur || arg >= ABI_NR_OPEN_HARD)
        return -EINVAL;
    file_get(f);
    long ret = fd_install(f, (int)arg, cloexec);
    if (ret < 0)
        file_put(f);
    return ret;
}

/* F_SETOWN: 0, a live pid, or minus a live process group. The owner is
 * not kept (struct file has no field for it) and no SIGIO is sent. */
static long fcntl_setown(int64_t arg)
{
    int who = (int)arg;
    if (who == 0 || who == sys_getpid() || -who == sys_getpgrp())
        return 0;
    return -ESRCH;
}

long sys_fcntl(int fd, int cmd, uint64_t arg)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    switch (cmd) { /* these work on O_PATH files too */
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        return fcntl_dupfd(f, arg, cmd == F_DUPFD_CLOEXEC);
    case F_GETFD:
        return fd_cloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
        fd_set_cloexec(fd, arg & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return f->flags;
    }
    if (f->flags & O_PATH)
        return -EBADF;
    switch (cmd) {
    case F_SETFL:
        return fcntl_setfl(f, (uint32_t)arg);
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return fcntl_lock(f, cmd, uaddr(arg));
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        return pipe_fcntl(f, cmd, (unsigned)arg);
    case F_GETOWN:
        return 0;
    case F_SETOWN:
        return fcntl_setown((int64_t)arg);
    case F_GETLEASE:
        return F_UNLCK;
    default: /* F_NOTIFY (no dnotify), F_SETLEASE, seals, F_SETSIG... */
        return -EINVAL;
    }
}

long sys_ioctl(int fd, unsigned cmd, uint64_t arg)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    switch (cmd) {
    case FIOCLEX:
        fd_set_cloexec(fd, true);
        return 0;
    case FIONCLEX:
        fd_set_cloexec(fd, false);
        return 0;
    case FIONBIO: {
        int on;
        if (core_copy_from_user(&on, uaddr(arg), sizeof(on)))
            return -EFAULT;
        f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
        return 0;
    }
    case FIONREAD:
        if (S_ISREG(f->inode->mode)) {
            int n = f->inode->size > f->pos ? (int)(f->inode->size - f->pos) : 0;
            return core_copy_to_user(uaddr(arg), &n, sizeof(n)) ? -EFAULT : 0;
        }
        break;
    }
    if (f->flags & O_PATH)
        return -EBADF;
    return f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
}

static long do_truncate(struct inode *ino, int64_t len)
{
    if (S_ISDIR(ino->mode))
        return -EISDIR;
    struct vfs_setattr a = {.valid = VFS_SET_SIZE, .size = (uint64_t)len};
    long err = vfs_setattr(ino, &a);
    if (err != -ENOSYS)
        return err;
    err = overlay_copy_up(ino); /* a file still on an overlay's lower layer */
    if (err)
        return err;
    if (!inode_is_tmpfs_reg(ino))
        return -EINVAL;
    return tmpfs_truncate(ino, (uint64_t)len);
}

long sys_ftruncate(int fd, int64_t len)
{
    if (len < 0)
        return -EINVAL;
    struct file *f = fd_get(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    if (!FILE_WRITABLE(f))
        return -EINVAL;
    struct vfs_setattr a = {.valid = VFS_SET_SIZE, .size = (uint64_t)len, .file = f};
    long err = S_ISREG(f->inode->mode) ? vfs_setattr(f->inode, &a) : -ENOSYS;
    if (err != -ENOSYS)
        return err;
    if (!inode_is_tmpfs_reg(f->inode))
        return -EINVAL;
    return tmpfs_truncate(f->inode, (uint64_t)len);
}

long sys_truncate(uaddr_t u_path, int64_t len)
{
    char *path;
    struct lookup lk;
    long ret = path_from_user(u_path, &path);
    if (ret < 0)
        return ret;
    ret = len < 0 ? -EINVAL : vfs_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &lk);
    if (ret == 0) {
        ret = do_truncate(lk.inode, len);
        lookup_release(&lk);
    }
    core_free(path);
    return ret;
}

static long do_fsync(int fd, bool datasync)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (f->flags & O_PATH)
        return -EBADF;
    return f->ops->fsync ? f->ops->fsync(f, datasync) : 0; /* tmpfs: nothing to push */
}

long sys_fsync(int fd)
{
    return do_fsync(fd, false);
}

long sys_fdatasync(int fd)
{
    return do_fsync(fd, true);
}

long sys_sync(void)
{
    return 0;
}

long sys_fadvise64(int fd, int64_t off, int64_t len, int advice)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (!f->ops->seekable)
        return -ESPIPE;
    return advice >= 0 && advice <= 5 && len >= 0 ? 0 : -EINVAL;
}

long sys_flock(int fd, unsigned op)
{
    struct file *f = fd_get(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    unsigned kind = op & ~(unsigned)LOCK_NB;
    if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN)
        return -EINVAL;
    return 0; /* one process: no lock can conflict */
}
