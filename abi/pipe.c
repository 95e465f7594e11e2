/* Pipes: pipe/pipe2, the pipe file kind, F_GETPIPE_SZ/F_SETPIPE_SZ.
 *
 * A pipe is a ring of slots, each a page with an offset and a length, as
 * Linux keeps it; that makes capacity, atomicity and POLLOUT come out as
 * Linux's, not just "64 KiB of bytes": a write first tops up the last
 * page with its sub-page remainder (only if all of it fits), then fills
 * fresh pages, one slot each. So a write of at most PIPE_BUF (a page)
 * lands whole or not at all, and a full ring takes nothing more until a
 * reader empties a page. With O_DIRECT (packet mode) a write's pages are
 * never topped up and a read takes at most one of them, dropping what
 * does not fit in its buffer.
 *
 * Each end is one open file (dup and fork share it): `readers` and
 * `writers` count open files, not descriptors, and drop in the file's
 * release. The last release frees the pipe and lets its pseudo inode
 * (S_IFIFO, one per pipe) go. Readers sleep on rd_wait, writers on
 * wr_wait; the side that changes what the other waits for wakes it.
 */
#include "abi_int.h"
#include "sys.h"

#include <core/time.h>
#include <asm/ioctls.h>
#include <asm/poll.h>
#include <linux/signal.h>

#define PIPE_DEF_SLOTS 16           /* 64 KiB, Linux's default */
#define PIPE_MAX_SIZE (1u << 20)    /* /proc/sys/fs/pipe-max-size */
#define PIPE_PAGE CORE_PAGE_SIZE

struct pipe_buf {
    char *page;
    uint32_t off, len;
    bool packet; /* written in O_DIRECT mode: never topped up */
};

struct pipe {
    struct pipe_buf *bufs;
    unsigned nslots;     /* a power of two */
    unsigned head, tail; /* free-running: head - tail slots in use */
    unsigned readers, writers;
    struct core_waitq rd_wait, wr_wait;
};

static bool pipe_empty(const struct pipe *p)
{
    return p->head == p->tail;
}

static bool pipe_full(const struct pipe *p)
{
    return p->head - p->tail >= p->nslots;
}

static struct pipe_buf *pipe_slot(struct pipe *p, unsigned i)
{
    return &p->bufs[i & (p->nslots - 1)];
}

/* Top up the last page with the whole sub-page part of a write:
 * bytes taken, or -EFAULT. */
static ssize_t pipe_merge(struct pipe *p, uaddr_t u_buf, size_t len)
{
    size_t chars = len & (PIPE_PAGE - 1);
    if (!chars || pipe_empty(p))
        return 0;
    struct pipe_buf *b = pipe_slot(p, p->head - 1);
    if (b->packet || b->off + b->len + chars > PIPE_PAGE)
        return 0;
    if (core_copy_from_user(b->page + b->off + b->len, u_buf, chars))
        return -EFAULT;
    b->len += (uint32_t)chars;
    return (ssize_t)chars;
}

/* Fill one new slot from u_buf: bytes taken, or a negative errno. */
static ssize_t pipe_push(struct pipe *p, uaddr_t u_buf, size_t len, bool packet)
{
    size_t n = len < PIPE_PAGE ? len : PIPE_PAGE;
    char *page = core_page_alloc();
    if (!page)
        return -ENOMEM;
    if (core_copy_from_user(page, u_buf, n)) {
        core_page_free(page);
        return -EFAULT;
    }
    *pipe_slot(p, p->head++) = (struct pipe_buf){page, 0, (uint32_t)n, packet};
    return (ssize_t)n;
}

static ssize_t pipe_write(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    struct pipe *p = f->priv;
    bool packet = f->flags & O_DIRECT;
    ssize_t n = 0;
    size_t done = 0;
    if (!p->readers) {
        signal_send(abi_proc, SIGPIPE, NULL);
        return -EPIPE;
    }
    if (!packet) {
        n = pipe_merge(p, u_buf, len);
        if (n < 0)
            return n;
        done = (size_t)n;
    }
    while (done < len) {
        if (!p->readers) {
            signal_send(abi_proc, SIGPIPE, NULL);
            n = -EPIPE;
            break;
        }
        if (!pipe_full(p)) {
            n = pipe_push(p, uaddr_add(u_buf, done), len - done, packet);
            if (n < 0)
                break;
            done += (size_t)n;
            continue;
        }
        n = -EAGAIN;
        if (f->flags & O_NONBLOCK)
            break;
        n = -ERESTARTSYS;
        if (signal_pending())
            break;
        poll_wake(&p->rd_wait, POLLIN | POLLRDNORM); /* let readers drain it */
        if (core_wait(&p->wr_wait, 0, true) == -EINTR)
            break;
    }
    if (done) {
        poll_wake(&p->rd_wait, POLLIN | POLLRDNORM);
        inode_touch(f->inode, true, true);
    }
    return done ? (ssize_t)done : n;
}

/* Copy out of the ring: bytes read, or -EFAULT with nothing taken. */
static ssize_t pipe_drain(struct pipe *p, uaddr_t u_buf, size_t len)
{
    size_t done = 0;
    while (!pipe_empty(p) && done < len) {
        struct pipe_buf *b = pipe_slot(p, p->tail);
        size_t n = b->len < len - done ? b->len : len - done;
        if (core_copy_to_user(uaddr_add(u_buf, done), b->page + b->off, n))
            return done ? (ssize_t)done : -EFAULT; /* the bytes stay */
        b->off += (uint32_t)n;
        b->len -= (uint32_t)n;
        done += n;
        bool packet = b->packet;
        if (packet)
            b->len = 0; /* the rest of a packet is dropped */
        if (!b->len) {
            core_page_free(b->page);
            b->page = NULL;
            p->tail++;
        }
        if (packet)
            break;
    }
    return (ssize_t)done;
}

static ssize_t pipe_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    struct pipe *p = f->priv;
    ssize_t ret;
    for (;;) {
        ret = pipe_drain(p, u_buf, len);
        if (ret != 0 || !p->writers)
            break;
        ret = -EAGAIN;
        if (f->flags & O_NONBLOCK)
            break;
        ret = -ERESTARTSYS;
        if (signal_pending() || core_wait(&p->rd_wait, 0, true) == -EINTR)
            break;
    }
    if (ret > 0) {
        poll_wake(&p->wr_wait, POLLOUT | POLLWRNORM);
        f->inode->atime_ns = core_time_realtime_ns();
    }
    return ret;
}

static unsigned pipe_nread(const struct pipe *p)
{
    unsigned n = 0;
    for (unsigned i = p->tail; i != p->head; i++)
        n += p->bufs[i & (p->nslots - 1)].len;
    return n;
}

static long pipe_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
    if (cmd != FIONREAD)
        return -ENOTTY;
    int n = (int)pipe_nread(f->priv);
    return core_copy_to_user(uaddr(arg), &n, sizeof(n)) ? -EFAULT : 0;
}

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
    struct pipe *p = f->priv;
    unsigned mask = 0;
    if (FILE_READABLE(f)) {
        poll_wait(pt, &p->rd_wait);
        if (!pipe_empty(p))
            mask |= POLLIN | POLLRDNORM;
        if (!p->writers)
            mask |= POLLHUP;
    }
    if (FILE_WRITABLE(f)) {
        poll_wait(pt, &p->wr_wait);
        if (!pipe_full(p))
            mask |= POLLOUT | POLLWRNORM;
        if (!p->readers)
            mask |= POLLERR;
    }
    return mask;
}

static void pipe_free(struct pipe *p)
{
    while (!pipe_empty(p))
        core_page_free(pipe_slot(p, p->tail++)->page);
    core_free(p->bufs);
    core_free(p);
}

static void pipe_release(struct file *f)
{
    struct pipe *p = f->priv;
    if (FILE_READABLE(f) && --p->readers == 0)
        core_wake_all(&p->wr_wait); /* writers now get EPIPE, pollers POLLERR */
    if (FILE_WRITABLE(f) && --p->writers == 0)
        core_wake_all(&p->rd_wait); /* readers now get EOF, pollers POLLHUP */
    if (p->readers || p->writers)
        return;
    pipe_free(p);
    f->inode->nlink = 0; /* file_put's inode_put frees it with the last end */
}

static const struct file_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .ioctl = pipe_ioctl,
    .poll = pipe_poll,
    .release = pipe_release,
    .seekable = false,
};

int pipe_new(uint32_t flags, struct file **rd, struct file **wr)
{
    struct pipe *p = core_zalloc(sizeof(*p));
    struct inode *ino = inode_new(S_IFIFO | 0600);
    struct file *r = NULL, *w = NULL;
    if (p)
        p->bufs = core_zalloc(PIPE_DEF_SLOTS * sizeof(*p->bufs));
    if (!p || !p->bufs || !ino)
        goto fail;
    ino->fops = &pipe_ops;
    r = file_new(ino, O_RDONLY | (flags & (O_NONBLOCK | O_DIRECT)));
    w = r ? file_new(ino, O_WRONLY | (flags & (O_NONBLOCK | O_DIRECT))) : NULL;
    if (!w)
        goto fail;
    p->nslots = PIPE_DEF_SLOTS;
    p->readers = p->writers = 1;
    r->priv = w->priv = p;
    *rd = r;
    *wr = w;
    return 0;
fail:
    if (r) { /* no release: the pipe is not counted yet */
        r->ops = NULL;
        file_put(r);
    }
    if (p)
        core_free(p->bufs);
    core_free(p);
    if (ino) {
        inode_get(ino);
        ino->nlink = 0;
        inode_put(ino);
    }
    return -ENOMEM;
}

long sys_pipe2(uaddr_t u_fds, int flags)
{
    struct file *r, *w;
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_EXCL))
        return -EINVAL;
    if (flags & O_EXCL) /* O_NOTIFICATION_PIPE: no watch queues here */
        return -ENOPKG;
    long ret = pipe_new((uint32_t)flags, &r, &w);
    if (ret)
        return ret;
    return fd_install_pair(r, w, flags & O_CLOEXEC, u_fds);
}

long sys_pipe(uaddr_t u_fds)
{
    return sys_pipe2(u_fds, 0);
}

/* Linux's rounding: at least a page, a power of two of pages. */
static unsigned pipe_size_slots(unsigned size)
{
    if (size > (1u << 31))
        return 0;
    unsigned pages = (size + PIPE_PAGE - 1) / PIPE_PAGE, slots = 1;
    while (slots < pages)
        slots <<= 1;
    return slots;
}

static long pipe_resize(struct pipe *p, unsigned size)
{
    unsigned slots = pipe_size_slots(size);
    if (!slots)
        return -EINVAL;
    if (slots > p->nslots && (uint64_t)slots * PIPE_PAGE > PIPE_MAX_SIZE)
        return -EPERM; /* no CAP_SYS_RESOURCE in mica */
    if (p->head - p->tail > slots)
        return -EBUSY;
    struct pipe_buf *bufs = core_zalloc(slots * sizeof(*bufs));
    if (!bufs)
        return -ENOMEM;
    unsigned n = 0;
    for (unsigned i = p->tail; i != p->head; i++)
        bufs[n++] = *pipe_slot(p, i);
    core_free(p->bufs);
    p->bufs = bufs;
    p->nslots = slots;
    p->tail = 0;
    p->head = n;
    core_wake_all(&p->wr_wait); /* growing makes room */
    return (long)slots * PIPE_PAGE;
}

long pipe_fcntl(struct file *f, int cmd, unsigned arg)
{
    if (f->ops != &pipe_ops || (f->flags & O_PATH))
        return -EBADF;
    struct pipe *p = f->priv;
    if (cmd == F_GETPIPE_SZ)
        return (long)p->nslots * PIPE_PAGE;
    return pipe_resize(p, arg);
}
