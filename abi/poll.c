/* poll, ppoll, select and pselect6: wait until some file is ready.
 *
 * The first scan passes a poll table to each file's poll op, which calls
 * poll_wait() on every queue that is woken when its readiness may change;
 * the table adds one waiter per queue for the current task and keeps a
 * reference on the file, so the queue outlives the wait even if the fd is
 * closed meanwhile. Nothing ready: sleep (interruptibly, until the
 * deadline), then scan again without the table, whose waiters stay until
 * the call returns. Kernel code is not preempted, so nothing can become
 * ready between a scan and the sleep unnoticed.
 *
 * Interrupted by a signal with nothing ready: -ERESTARTNOHAND (EINTR once
 * a handler runs, a restart otherwise). Linux restarts poll() through a
 * restart block with the time left; here a restarted poll waits its whole
 * timeout again. select/pselect6/ppoll write back the time left, as Linux.
 */
#include "abi_int.h"
#include "sys.h"

#include <core/time.h>
#include <asm/poll.h>
#include <linux/signal.h>
#include <linux/time_types.h>

#define POLL_INLINE 8 /* entries on the stack: most calls wait on few files */
#define POLL_CHUNK 64

/* Linux's answer for files without a poll op, and select's event sets. */
#define POLL_DEFAULT (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define SEL_IN (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define SEL_OUT (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define SEL_EX POLLPRI


struct poll_entry {
    struct core_waiter w; /* first: linked into q */
    struct core_waitq *q;
    struct file *file;
};

struct poll_chunk {
    struct poll_chunk *next;
    unsigned n;
    struct poll_entry e[POLL_CHUNK];
};

/* poll/select's table: a task waiter per queue, each keeping its file. */
struct poll_set {
    struct poll_table pt; /* first: what poll ops see */
    struct file *file; /* the file being polled */
    int error;         /* -ENOMEM: a waiter could not be added */
    unsigned n;        /* used of inline_e */
    struct poll_chunk *chunks; /* newest first; entries never move */
    struct poll_entry inline_e[POLL_INLINE];
};

static struct poll_entry *poll_entry_new(struct poll_set *pt)
{
    if (pt->n < POLL_INLINE)
        return &pt->inline_e[pt->n++];
    struct poll_chunk *c = pt->chunks;
    if (!c || c->n == POLL_CHUNK) {
        c = core_malloc(sizeof(*c));
        if (!c)
            return NULL;
        c->n = 0;
        c->next = pt->chunks;
        pt->chunks = c;
    }
    return &c->e[c->n++];
}

void poll_wait(struct poll_table *pt, struct core_waitq *q)
{
    if (pt)
        pt->queue(pt, q);
}

static unsigned wake_key;

/* Kernel code is not preempted: the key holds for this wake-up only. */
void poll_wake(struct core_waitq *q, unsigned key)
{
    unsigned outer = wake_key;
    wake_key = key;
    core_wake_all(q);
    wake_key = outer;
}

unsigned poll_wake_key(void)
{
    return wake_key;
}

static void poll_set_queue(struct poll_table *table, struct core_waitq *q)
{
    struct poll_set *pt = (struct poll_set *)table;
    if (!pt->file)
        return;
    struct poll_entry *e = poll_entry_new(pt);
    if (!e) {
        pt->error = -ENOMEM;
        return;
    }
    e->q = q;
    e->file = pt->file;
    file_get(e->file);
    e->w.task = core_task_current();
    core_waiter_add(q, &e->w);
}

/* Remove every waiter first, then drop the files (which may free queues). */
static void poll_set_release(struct poll_set *pt)
{
    for (unsigned i = 0; i < pt->n; i++)
        core_waiter_remove(pt->inline_e[i].q, &pt->inline_e[i].w);
    for (struct poll_chunk *c = pt->chunks; c; c = c->next)
        for (unsigned i = 0; i < c->n; i++)
            core_waiter_remove(c->e[i].q, &c->e[i].w);
    for (unsigned i = 0; i < pt->n; i++)
        file_put(pt->inline_e[i].file);
    while (pt->chunks) {
        struct poll_chunk *c = pt->chunks;
        for (unsigned i = 0; i < c->n; i++)
            file_put(c->e[i].file);
        pt->chunks = c->next;
        core_free(c);
    }
}

/* A file's events now; with pt, it also registers its queues. */
static unsigned file_poll(struct file *f, struct poll_table *pt)
{
    if (!f->ops->poll)
        return POLL_DEFAULT;
    if (pt)
        ((struct poll_set *)pt)->file = f;
    return f->ops->poll(f, pt);
}

/* ---- timeouts ---- */

/* end: monotonic deadline, 0 for none; zero: do not wait at all. */
struct poll_time {
    uint64_t end;
    bool zero;
};

static void poll_time_set(struct poll_time *t, uint64_t sec, uint64_t nsec)
{
    t->zero = sec == 0 && nsec == 0;
    uint64_t now = core_time_monotonic_ns();
    uint64_t ns = sec >= (UINT64_MAX - now) / 1000000000ull
                      ? UINT64_MAX - now
                      : sec * 1000000000ull + nsec;
    t->end = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}

static void poll_time_left(const struct poll_time *t, uint64_t *sec, uint64_t *nsec)
{
    uint64_t now = core_time_monotonic_ns();
    uint64_t left = t->end > now ? t->end - now : 0;
    *sec = left / 1000000000ull;
    *nsec = left % 1000000000ull;
}

/* Read a timespec argument into t (NULL: wait forever). */
static long poll_time_from_user(uaddr_t u_ts, struct poll_time *t)
{
    struct __kernel_timespec ts;
    t->end = 0;
    t->zero = false;
    if (!u_ts.addr)
        return 0;
    if (core_copy_from_user(&ts, u_ts, sizeof(ts)))
        return -EFAULT;
    if (!abi_time_ok(ts.tv_sec, ts.tv_nsec))
        return -EINVAL;
    poll_time_set(t, (uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec);
    return 0;
}

/* Linux writes the time left back unless the timeout was zero; a failed
 * write is not an error, but an interrupted call then returns EINTR. */
static long poll_time_to_user(uaddr_t u_ts, const struct poll_time *t, bool timeval,
                              long ret)
{
    if (!u_ts.addr || t->zero)
        return ret;
    uint64_t sec, nsec;
    poll_time_left(t, &sec, &nsec);
    struct __kernel_timespec ts = {(int64_t)sec, (int64_t)nsec};
    struct __kernel_old_timeval tv = {(long)sec, (long)(nsec / 1000)};
    int err = timeval ? core_copy_to_user(u_ts, &tv, sizeof(tv))
                      : core_copy_to_user(u_ts, &ts, sizeof(ts));
    return err && ret == -ERESTARTNOHAND ? -EINTR : ret;
}

/* ---- the wait loop ---- */

typedef long (*poll_scan_fn)(void *ctx, struct poll_table *pt);

static long poll_run(poll_scan_fn scan, void *ctx, const struct poll_time *t)
{
    struct poll_set pt = {.pt.queue = poll_set_queue};
    struct poll_table *reg = t->zero ? NULL : &pt.pt;
    bool last = t->zero, interrupted = false;
    long ret;
    for (;;) {
        ret = scan(ctx, reg);
        reg = NULL; /* registered once; the waiters stay until we return */
        if (ret == 0 && pt.error)
            ret = pt.error;
        if (ret == 0 && (interrupted || signal_pending()))
            ret = -ERESTARTNOHAND;
        if (ret != 0 || last)
            break;
        int err = core_sleep(t->end, true);
        last = err == -ETIMEDOUT;
        interrupted = err == -EINTR;
    }
    poll_set_release(&pt);
    return ret;
}

/* ---- signal masks for ppoll and pselect6 ---- */

static long poll_sigmask_set(uaddr_t u_mask, size_t size)
{
    return u_mask.addr ? signal_mask_temporarily(u_mask, size) : 0;
}

/* Interrupted, delivery restores the mask after the handler's frame is
 * set up (so the handler runs under the temporary one); else now. */
static void poll_sigmask_done(long ret)
{
    if (ret == -ERESTARTNOHAND || !abi_thread->restore_sigmask)
        return;
    abi_thread->sigmask = abi_thread->saved_sigmask;
    abi_thread->restore_sigmask = false;
}

/* ---- poll ---- */

struct poll_ctx {
    struct pollfd *pfd;
    unsigned n;
};

static long poll_scan(void *ctx, struct poll_table *pt)
{
    struct poll_ctx *c = ctx;
    long ready = 0;
    for (unsigned i = 0; i < c->n; i++) {
        struct pollfd *p = &c->pfd[i];
        p->revents = 0;
        if (p->fd < 0)
            continue;
        struct file *f = fd_get(p->fd);
        unsigned ev = POLLNVAL;
        if (f && !(f->flags & O_PATH)) /* poll does not see O_PATH files */
            ev = file_poll(f, ready ? NULL : pt) &
                 ((unsigned)(uint16_t)p->events | POLLERR | POLLHUP);
        p->revents = (short)ev;
        ready += ev != 0;
    }
    return ready;
}

static long do_poll(uaddr_t u_fds, unsigned nfds, const struct poll_time *t)
{
    if (nfds > abi_proc->rlim[RLIMIT_NOFILE].rlim_cur || nfds > ABI_NR_OPEN_HARD)
        return -EINVAL;
    struct poll_ctx c = {core_malloc(nfds * sizeof(struct pollfd) + 1), nfds};
    if (!c.pfd)
        return -ENOMEM;
    long ret = -EFAULT;
    if (core_copy_from_user(c.pfd, u_fds, nfds * sizeof(*c.pfd)))
        goto out;
    ret = poll_run(poll_scan, &c, t);
    if (core_copy_to_user(u_fds, c.pfd, nfds * sizeof(*c.pfd)))
        ret = -EFAULT;
out:
    core_free(c.pfd);
    return ret;
}

long sys_poll(uaddr_t u_fds, unsigned nfds, int timeout_ms)
{
    struct poll_time t = {0, timeout_ms == 0};
    if (timeout_ms > 0)
        poll_time_set(&t, (uint64_t)timeout_ms / 1000,
                      (uint64_t)timeout_ms % 1000 * 1000000);
    return do_poll(u_fds, nfds, &t);
}

long sys_ppoll(uaddr_t u_fds, unsigned nfds, uaddr_t u_tsp, uaddr_t u_mask,
               size_t sigsetsize)
{
    struct poll_time t;
    long ret = poll_time_from_user(u_tsp, &t);
    if (ret)
        return ret;
    ret = poll_sigmask_set(u_mask, sigsetsize);
    if (ret)
        return ret;
    ret = do_poll(u_fds, nfds, &t);
    ret = poll_time_to_user(u_tsp, &t, false, ret);
    poll_sigmask_done(ret);
    return ret;
}

/* ---- select ---- */

#define SEL_WORDS (ABI_NR_OPEN_HARD / 64)

struct select_ctx {
    int nfds;
    uint64_t in[SEL_WORDS], out[SEL_WORDS], ex[SEL_WORDS];
    uint64_t rin[SEL_WORDS], rout[SEL_WORDS], rex[SEL_WORDS];
};

static long select_scan(void *ctx, struct poll_table *pt)
{
    struct select_ctx *c = ctx;
    long ready = 0;
    for (int fd = 0; fd < c->nfds; fd++) {
        unsigned w = (unsigned)fd / 64;
        uint64_t bit = 1ull << (fd % 64);
        if (!((c->in[w] | c->out[w] | c->ex[w]) & bit))
            continue;
        struct file *f = fd_get(fd);
        if (!f) /* closed since select_copy_in checked it */
            continue;
        unsigned ev = file_poll(f, ready ? NULL : pt);
        if ((c->in[w] & bit) && (ev & SEL_IN) && !(c->rin[w] & bit)) {
            c->rin[w] |= bit;
            ready++;
        }
        if ((c->out[w] & bit) && (ev & SEL_OUT) && !(c->rout[w] & bit)) {
            c->rout[w] |= bit;
            ready++;
        }
        if ((c->ex[w] & bit) && (ev & SEL_EX) && !(c->rex[w] & bit)) {
            c->rex[w] |= bit;
            ready++;
        }
    }
    return ready;
}

static long select_copy_in(struct select_ctx *c, uaddr_t u_in, uaddr_t u_out,
                           uaddr_t u_ex, size_t bytes)
{
    if ((u_in.addr && core_copy_from_user(c->in, u_in, bytes)) ||
        (u_out.addr && core_copy_from_user(c->out, u_out, bytes)) ||
        (u_ex.addr && core_copy_from_user(c->ex, u_ex, bytes)))
        return -EFAULT;
    if (c->nfds % 64) { /* bits at and past nfds are not looked at */
        uint64_t keep = (1ull << (c->nfds % 64)) - 1;
        c->in[c->nfds / 64] &= keep;
        c->out[c->nfds / 64] &= keep;
        c->ex[c->nfds / 64] &= keep;
    }
    for (int fd = 0; fd < c->nfds; fd++) /* every fd asked about is open */
        if (((c->in[fd / 64] | c->out[fd / 64] | c->ex[fd / 64]) >> (fd % 64)) & 1 &&
            !fd_get(fd))
            return -EBADF;
    return 0;
}

/* The sets come back only when the call did not fail or get interrupted. */
static long do_select(int nfds, uaddr_t u_in, uaddr_t u_out, uaddr_t u_ex,
                      const struct poll_time *t)
{
    if (nfds < 0)
        return -EINVAL;
    struct select_ctx *c = core_zalloc(sizeof(*c));
    if (!c)
        return -ENOMEM;
    /* Linux reads no further than its fd table's size; here the table is
     * as big as the soft limit lets it be used */
    uint64_t max = abi_proc->rlim[RLIMIT_NOFILE].rlim_cur;
    max = CORE_ALIGN_UP(max < ABI_NR_OPEN_HARD ? max : ABI_NR_OPEN_HARD, 64);
    c->nfds = (uint64_t)nfds > max ? (int)max : nfds;
    size_t bytes = CORE_ALIGN_UP((size_t)c->nfds, 64) / 8;
    long ret = select_copy_in(c, u_in, u_out, u_ex, bytes);
    if (!ret)
        ret = poll_run(select_scan, c, t);
    if (ret >= 0 && ((u_in.addr && core_copy_to_user(u_in, c->rin, bytes)) ||
                     (u_out.addr && core_copy_to_user(u_out, c->rout, bytes)) ||
                     (u_ex.addr && core_copy_to_user(u_ex, c->rex, bytes))))
        ret = -EFAULT;
    core_free(c);
    return ret;
}

long sys_select(int nfds, uaddr_t u_in, uaddr_t u_out, uaddr_t u_ex, uaddr_t u_tv)
{
    struct poll_time t = {0, false};
    if (u_tv.addr) {
        struct __kernel_old_timeval tv;
        if (core_copy_from_user(&tv, u_tv, sizeof(tv)))
            return -EFAULT;
        /* Linux carries whole seconds out of tv_usec, then checks */
        int64_t sec = (int64_t)((uint64_t)tv.tv_sec + (uint64_t)(tv.tv_usec / 1000000));
        int64_t nsec = tv.tv_usec % 1000000 * 1000;
        if (!abi_time_ok(sec, nsec))
            return -EINVAL;
        poll_time_set(&t, (uint64_t)sec, (uint64_t)nsec);
    }
    long ret = do_select(nfds, u_in, u_out, u_ex, &t);
    return poll_time_to_user(u_tv, &t, true, ret);
}

long sys_pselect6(int nfds, uaddr_t u_in, uaddr_t u_out, uaddr_t u_ex, uaddr_t u_ts,
                  uaddr_t u_sig)
{
    struct { /* the sixth argument: the mask's address and size */
        uint64_t mask;
        uint64_t size;
    } pack = {0, 0};
    struct poll_time t;
    if (u_sig.addr && core_copy_from_user(&pack, u_sig, sizeof(pack)))
        return -EFAULT;
    long ret = poll_time_from_user(u_ts, &t);
    if (ret)
        return ret;
    ret = poll_sigmask_set(uaddr(pack.mask), pack.size);
    if (ret)
        return ret;
    ret = do_select(nfds, u_in, u_out, u_ex, &t);
    ret = poll_time_to_user(u_ts, &t, false, ret);
    poll_sigmask_done(ret);
    return ret;
}
