/* Descriptor syscalls: dup and fcntl, ioctl, poll, truncate, sync.
 *
 * One process, so record locks never conflict: F_SETLK succeeds and
 * F_GETLK reports the range unlocked. Every open file is always ready,
 * except that console input may block in read (poll is optimistic).
 */
#include "abi_int.h"
#include "sys.h"

#include <core/time.h>
#include <asm/ioctls.h>
#include <asm/poll.h>
#include <linux/time_types.h>

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

static long fcntl_lock(int cmd, uaddr_t u_arg)
{
    struct flock fl;
    if (core_copy_from_user(&fl, u_arg, sizeof(fl)))
        return -EFAULT;
    if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
        return -EINVAL;
    if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
        fl.l_type = F_UNLCK; /* nobody else can hold a lock */
        if (core_copy_to_user(u_arg, &fl, sizeof(fl)))
            return -EFAULT;
    }
    return 0;
}

long sys_fcntl(int fd, int cmd, uint64_t arg)
{
    struct file *f = fd_get(fd);
    long ret;
    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (arg >= abi_proc->rlim[RLIMIT_NOFILE].rlim_cur || arg >= ABI_NR_OPEN)
            return -EINVAL;
        file_get(f);
        ret = fd_install(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
        if (ret < 0)
            file_put(f);
        return ret;
    case F_GETFD:
        return fd_cloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
        fd_set_cloexec(fd, arg & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return f->flags;
    case F_SETFL: {
        uint32_t chg = O_APPEND | O_NONBLOCK | O_NDELAY | FASYNC | O_DIRECT | O_NOATIME;
        if (f->flags & O_PATH)
            return -EBADF;
        f->flags = (f->flags & ~chg) | ((uint32_t)arg & chg);
        return 0;
    }
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return fcntl_lock(cmd, uaddr(arg));
    default:
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

/* Poll once; all files here are ready or optimistic, so no waiting list. */
static long poll_scan(struct pollfd *pfd, unsigned n)
{
    long ready = 0;
    for (unsigned i = 0; i < n; i++) {
        pfd[i].revents = 0;
        if (pfd[i].fd < 0)
            continue;
        struct file *f = fd_get(pfd[i].fd);
        unsigned ev = !f ? POLLNVAL
                     : (f->ops->poll ? f->ops->poll(f, NULL) : POLLIN | POLLOUT) &
                           ((unsigned)(uint16_t)pfd[i].events | POLLERR | POLLHUP);
        pfd[i].revents = (short)ev;
        ready += ev != 0;
    }
    return ready;
}

/* timeout_ns < 0: forever. Nothing else can wake us yet, so just sleep. */
static long do_poll(uaddr_t u_fds, unsigned nfds, int64_t timeout_ns)
{
    if (nfds > abi_proc->rlim[RLIMIT_NOFILE].rlim_cur || nfds > ABI_NR_OPEN)
        return -EINVAL;
    struct pollfd *pfd = core_malloc(nfds * sizeof(*pfd) + 1);
    if (!pfd)
        return -ENOMEM;
    long ret = -EFAULT;
    if (core_copy_from_user(pfd, u_fds, nfds * sizeof(*pfd)))
        goto out;
    ret = poll_scan(pfd, nfds);
    if (ret == 0) {
        if (timeout_ns < 0)
            for (;;)
                core_time_sleep_ns(1000000000ull);
        if (timeout_ns > 0)
            core_time_sleep_ns((uint64_t)timeout_ns);
    }
    if (core_copy_to_user(u_fds, pfd, nfds * sizeof(*pfd)))
        ret = -EFAULT;
out:
    core_free(pfd);
    return ret;
}

long sys_poll(uaddr_t u_fds, unsigned nfds, int timeout_ms)
{
    return do_poll(u_fds, nfds, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000);
}

long sys_ppoll(uaddr_t u_fds, unsigned nfds, uaddr_t u_tsp, uaddr_t u_mask,
               size_t sigsetsize)
{
    int64_t ns = -1;
    if (u_tsp.addr) {
        struct __kernel_timespec ts;
        if (core_copy_from_user(&ts, u_tsp, sizeof(ts)))
            return -EFAULT;
        if (!abi_time_ok(ts.tv_sec, ts.tv_nsec))
            return -EINVAL;
        ns = ts.tv_sec > 1000000000ll ? INT64_MAX : ts.tv_sec * 1000000000ll + ts.tv_nsec;
    }
    if (u_mask.addr && sigsetsize != 8)
        return -EINVAL;
    return do_poll(u_fds, nfds, ns);
}

/* select: bitmaps of nfds bits; every open file is ready as poll says. */
static long do_select(int nfds, uaddr_t u_in, uaddr_t u_out, uaddr_t u_ex,
                      int64_t timeout_ns)
{
    uint64_t in[ABI_NR_OPEN / 64] = {0}, out[ABI_NR_OPEN / 64] = {0};
    uint64_t ex[ABI_NR_OPEN / 64] = {0};
    if (nfds < 0)
        return -EINVAL;
    if ((uint64_t)nfds > ABI_NR_OPEN)
        nfds = ABI_NR_OPEN;
    size_t bytes = CORE_ALIGN_UP((size_t)nfds, 64) / 8;
    if ((u_in.addr && core_copy_from_user(in, u_in, bytes)) ||
        (u_out.addr && core_copy_from_user(out, u_out, bytes)) ||
        (u_ex.addr && core_copy_from_user(ex, u_ex, bytes)))
        return -EFAULT;
    if (nfds % 64) { /* bits at and past nfds come back clear, as on Linux */
        uint64_t keep = (1ull << (nfds % 64)) - 1;
        in[nfds / 64] &= keep;
        out[nfds / 64] &= keep;
        ex[nfds / 64] &= keep;
    }
    long ready = 0;
    for (int fd = 0; fd < nfds; fd++) {
        uint64_t bit = 1ull << (fd % 64);
        bool want = (in[fd / 64] | out[fd / 64] | ex[fd / 64]) & bit;
        if (!want)
            continue;
        struct file *f = fd_get(fd);
        if (!f)
            return -EBADF;
        unsigned ev = f->ops->poll ? f->ops->poll(f, NULL) : POLLIN | POLLOUT;
        if (!(ev & POLLIN))
            in[fd / 64] &= ~bit;
        if (!(ev & POLLOUT))
            out[fd / 64] &= ~bit;
        ex[fd / 64] &= ~bit;
        ready += !!(in[fd / 64] & bit) + !!(out[fd / 64] & bit);
    }
    if (ready == 0 && timeout_ns < 0)
        for (;;)
            core_time_sleep_ns(1000000000ull);
    if (ready == 0 && timeout_ns > 0)
        core_time_sleep_ns((uint64_t)timeout_ns);
    if ((u_in.addr && core_copy_to_user(u_in, in, bytes)) ||
        (u_out.addr && core_copy_to_user(u_out, out, bytes)) ||
        (u_ex.addr && core_copy_to_user(u_ex, ex, bytes)))
        return -EFAULT;
    return ready;
}

long sys_select(int nfds, uaddr_t u_in, uaddr_t u_out, uaddr_t u_ex, uaddr_t u_tv)
{
    int64_t ns = -1;
    if (u_tv.addr) {
        struct __kernel_old_timeval tv;
        if (core_copy_from_user(&tv, u_tv, sizeof(tv)))
            return -EFAULT;
        if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EINVAL;
        ns = tv.tv_sec > 1000000000l ? INT64_MAX : tv.tv_sec * 1000000000ll + tv.tv_usec * 1000;
    }
    return do_select(nfds, u_in, u_out, u_ex, ns);
}

long sys_pselect6(int nfds, uaddr_t u_in, uaddr_t u_out, uaddr_t u_ex, uaddr_t u_ts,
                  uaddr_t u_sig)
{
    int64_t ns = -1;
    if (u_ts.addr) {
        struct __kernel_timespec ts;
        if (core_copy_from_user(&ts, u_ts, sizeof(ts)))
            return -EFAULT;
        if (!abi_time_ok(ts.tv_sec, ts.tv_nsec))
            return -EINVAL;
        ns = ts.tv_sec > 1000000000ll ? INT64_MAX : ts.tv_sec * 1000000000ll + ts.tv_nsec;
    }
    return do_select(nfds, u_in, u_out, u_ex, ns);
}

static long do_truncate(struct inode *ino, int64_t len)
{
    if (S_ISDIR(ino->mode))
        return -EISDIR;
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
    if (!inode_is_tmpfs_reg(f->inode) || !FILE_WRITABLE(f))
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

long sys_fsync(int fd)
{
    return fd_get(fd) ? 0 : -EBADF; /* tmpfs: nothing to write back */
}

long sys_fdatasync(int fd)
{
    return sys_fsync(fd);
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
