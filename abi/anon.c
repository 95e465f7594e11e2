/* Files of anonymous kinds: eventfd, epoll, timerfd, signalfd.
 *
 * As on Linux, they all share one inode with no file type (mode 0600)
 * that lives for the whole boot; what a file is comes from its ops and
 * priv, and its name in /proc/PID/fd from ops->anon_name. Their blocking
 * reads and writes wait the same way (anon_wait).
 */
#include "abi_int.h"

#include <core/sched.h>

static struct inode *anon_inode;

struct file *anon_file_new(const struct file_ops *ops, uint32_t flags, void *priv)
{
    if (!anon_inode) {
        anon_inode = inode_new(0600);
        if (!anon_inode)
            return NULL;
        inode_get(anon_inode); /* never freed */
    }
    struct file *f = file_new(anon_inode, flags);
    if (!f)
        return NULL;
    f->ops = ops;
    f->priv = priv;
    return f;
}

int anon_wait(struct file *f, struct core_waitq *q)
{
    if (f->flags & O_NONBLOCK)
        return -EAGAIN;
    if (signal_pending() || core_wait(q, 0, true) == -EINTR)
        return -ERESTARTSYS;
    return 0;
}

int anon_fd_new(const struct file_ops *ops, void *priv, int flags)
{
    struct file *f = anon_file_new(ops, O_RDWR | (flags & O_NONBLOCK), priv);
    if (!f) {
        struct file stand_in = {.ops = ops, .priv = priv};
        ops->release(&stand_in);
        return -ENOMEM;
    }
    int fd = fd_install(f, 0, flags & O_CLOEXEC);
    if (fd < 0)
        file_put(f);
    return fd;
}
