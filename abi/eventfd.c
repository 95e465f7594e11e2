/* eventfd and eventfd2: a 64-bit counter behind a file.
 *
 * A write adds its 8-byte value, waiting while the sum would pass
 * 0xfffffffffffffffe; a read takes the whole count (or 1 with
 * EFD_SEMAPHORE), waiting while it is 0. One queue serves readers,
 * writers and pollers: every change wakes it.
 */
#include "abi_int.h"
#include "sys.h"

#include <core/sched.h>
#include <asm/poll.h>

#define EFD_SEMAPHORE 1
#define EFD_FLAGS (O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE)
#define EFD_MAX 0xfffffffffffffffeull

struct eventfd {
    uint64_t count;
    int id; /* for fdinfo: Linux numbers its eventfds */
    bool semaphore;
    struct core_waitq wq;
};

static ssize_t efd_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    struct eventfd *e = f->priv;
    if (len < sizeof(uint64_t))
        return -EINVAL;
    while (e->count == 0) {
        long err = anon_wait(f, &e->wq);
        if (err)
            return err;
    }
    uint64_t v = e->semaphore ? 1 : e->count;
    if (core_copy_to_user(u_buf, &v, sizeof(v)))
        return -EFAULT;
    e->count -= v;
    poll_wake(&e->wq, POLLOUT | POLLWRNORM);
    return sizeof(v);
}

static ssize_t efd_write(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    struct eventfd *e = f->priv;
    uint64_t v;
    if (len < sizeof(v))
        return -EINVAL;
    if (core_copy_from_user(&v, u_buf, sizeof(v)))
        return -EFAULT;
    if (v == UINT64_MAX)
        return -EINVAL;
    while (EFD_MAX - e->count < v) {
        long err = anon_wait(f, &e->wq);
        if (err)
            return err;
    }
    e->count += v;
    if (v)
        poll_wake(&e->wq, POLLIN | POLLRDNORM);
    return sizeof(v);
}

static unsigned efd_poll(struct file *f, struct poll_table *pt)
{
    struct eventfd *e = f->priv;
    poll_wait(pt, &e->wq);
    unsigned ev = 0;
    if (e->count)
        ev |= POLLIN | POLLRDNORM;
    if (e->count < EFD_MAX)
        ev |= POLLOUT | POLLWRNORM;
    return ev;
}

static void efd_release(struct file *f)
{
    core_free(f->priv);
}

static void efd_fdinfo(struct file *f, struct sbuf *s)
{
    struct eventfd *e = f->priv;
    sbuf_printf(s, "eventfd-count: %16llx\neventfd-id: %d\neventfd-semaphore: %d\n",
                (unsigned long long)e->count, e->id, e->semaphore);
}

static const struct file_ops eventfd_ops = {
    .read = efd_read,
    .write = efd_write,
    .poll = efd_poll,
    .release = efd_release,
    .anon_name = "[eventfd]",
    .fdinfo = efd_fdinfo,
};

long sys_eventfd2(unsigned initval, int flags)
{
    if (flags & ~EFD_FLAGS)
        return -EINVAL;
    struct eventfd *e = core_zalloc(sizeof(*e));
    if (!e)
        return -ENOMEM;
    static int next_id;
    e->count = initval;
    e->id = next_id++ & 0x7fffffff;
    e->semaphore = flags & EFD_SEMAPHORE;
    return anon_fd_new(&eventfd_ops, e, flags);
}

long sys_eventfd(unsigned initval)
{
    return sys_eventfd2(initval, 0);
}
