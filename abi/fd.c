/* Open files and the process's file descriptor table.
 *
 * A struct file is one open (offset, status flags); descriptors made by
 * dup share it and its reference count. The table is a fixed array of
 * ABI_NR_OPEN_HARD slots (the most RLIMIT_NOFILE can be raised to) with a
 * bitmap of FD_CLOEXEC; new descriptors take the lowest free slot at or
 * above the one asked for, below the soft limit.
 */
#include "abi_int.h"
#include "sys.h"

#include <linux/close_range.h>

struct file *file_new(struct inode *ino, uint32_t flags)
{
    struct file *f = core_zalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->refs = 1;
    f->flags = flags;
    f->inode = ino;
    f->ops = ino->fops;
    inode_get(ino);
    return f;
}

void file_get(struct file *f)
{
    f->refs++;
}

void file_put(struct file *f)
{
    if (!f)
        return;
    CORE_BUG_ON(f->refs == 0);
    if (--f->refs)
        return;
    if (f->epitems) /* before release: the items hook the file's queues */
        epoll_file_gone(f);
    if (f->ops && f->ops->release)
        f->ops->release(f);
    inode_put(f->inode);
    core_free(f);
}

struct fd_table *fd_table_new(void)
{
    struct fd_table *t = core_zalloc(sizeof(*t));
    if (t)
        t->refs = 1;
    return t;
}

struct fd_table *fd_table_copy(const struct fd_table *from)
{
    struct fd_table *t = fd_table_new();
    if (!t)
        return NULL;
    for (int fd = 0; fd < ABI_NR_OPEN_HARD; fd++) {
        t->files[fd] = from->files[fd];
        if (t->files[fd])
            file_get(t->files[fd]);
    }
    memcpy(t->cloexec, from->cloexec, sizeof(t->cloexec));
    return t;
}

void fd_table_put(struct fd_table *t)
{
    if (!t || --t->refs)
        return;
    for (int fd = 0; fd < ABI_NR_OPEN_HARD; fd++)
        file_put(t->files[fd]);
    core_free(t);
}

struct file *fd_get(int fd)
{
    if (fd < 0 || fd >= ABI_NR_OPEN_HARD)
        return NULL;
    return abi_proc->fds->files[fd];
}

bool fd_cloexec(int fd)
{
    return (abi_proc->fds->cloexec[fd / 64] >> (fd % 64)) & 1;
}

void fd_set_cloexec(int fd, bool on)
{
    uint64_t bit = 1ull << (fd % 64);
    if (on)
        abi_proc->fds->cloexec[fd / 64] |= bit;
    else
        abi_proc->fds->cloexec[fd / 64] &= ~bit;
}

static uint64_t fd_limit(void)
{
    uint64_t lim = abi_proc->rlim[RLIMIT_NOFILE].rlim_cur;
    return lim < ABI_NR_OPEN_HARD ? lim : ABI_NR_OPEN_HARD;
}

/* Takes over the caller's reference to f on success. */
int fd_install(struct file *f, int minfd, bool cloexec)
{
    uint64_t lim = fd_limit();
    if (minfd < 0)
        return -EINVAL;
    for (uint64_t fd = (uint64_t)minfd; fd < lim; fd++) {
        if (abi_proc->fds->files[fd])
            continue;
        abi_proc->fds->files[fd] = f;
        fd_set_cloexec((int)fd, cloexec);
        return (int)fd;
    }
    return (uint64_t)minfd >= lim && minfd > 0 ? -EINVAL : -EMFILE;
}

/* dup2/dup3: put f at fd, closing what was there. Takes the reference. */
int fd_install_at(struct file *f, int fd, bool cloexec)
{
    if (fd < 0 || (uint64_t)fd >= fd_limit())
        return -EBADF;
    struct file *old = abi_proc->fds->files[fd];
    abi_proc->fds->files[fd] = f;
    fd_set_cloexec(fd, cloexec);
    file_put(old);
    return fd;
}

int fd_close(int fd)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    abi_proc->fds->files[fd] = NULL;
    fd_set_cloexec(fd, false);
    file_put(f);
    return 0;
}

void fd_close_on_exec(void)
{
    for (int fd = 0; fd < ABI_NR_OPEN_HARD; fd++)
        if (abi_proc->fds->files[fd] && fd_cloexec(fd) && fd_close(fd))
            CORE_BUG_ON(1);
}

long sys_close_range(unsigned first, unsigned last, unsigned flags)
{
    if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
        return -EINVAL;
    if (first > last)
        return -EINVAL;
    for (uint64_t fd = first; fd <= last && fd < ABI_NR_OPEN_HARD; fd++) {
        if (!abi_proc->fds->files[fd])
            continue;
        if (flags & CLOSE_RANGE_CLOEXEC)
            fd_set_cloexec((int)fd, true);
        else if (fd_close((int)fd))
            CORE_BUG_ON(1);
    }
    return 0; /* one process: the table is never shared, UNSHARE is a no-op */
}

/* pipe2 and socketpair: install a and b (taking both references) and
 * write their numbers to u_fds. On failure neither stays installed. */
int fd_install_pair(struct file *a, struct file *b, bool cloexec, uaddr_t u_fds)
{
    int fds[2];
    int ret = fds[0] = fd_install(a, 0, cloexec);
    if (ret < 0) {
        file_put(a);
        file_put(b);
        return ret;
    }
    ret = fds[1] = fd_install(b, 0, cloexec);
    if (ret < 0) {
        file_put(b);
    } else if (core_copy_to_user(u_fds, fds, sizeof(fds))) {
        if (fd_close(fds[1]))
            CORE_BUG_ON(1);
        ret = -EFAULT;
    } else {
        return 0;
    }
    if (fd_close(fds[0]))
        CORE_BUG_ON(1);
    return ret;
}
