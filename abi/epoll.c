/* epoll instances and their interest lists: epoll_create, epoll_ctl.
 *
 * See epoll_int.h for the structures. Items are keyed by (file, fd) and
 * hold no reference on the file: closing one fd of a file that is still
 * open elsewhere keeps the item (it goes on reporting under the old fd's
 * data), and the file's last file_put removes every item watching it
 * (epoll_file_gone), as Linux's eventpoll_release does.
 *
 * The hooks' callback runs from whatever wakes the queue, timers
 * included: it only links the item on the ready list and wakes the
 * instance's waiters. An epoll file's own readiness (poll, select, an
 * outer epoll) is "some item on its ready list is really ready"; nesting
 * is bounded at EPOLL_CTL_ADD (ELOOP) so those checks recurse at most
 * EP_MAX_NESTS deep, and so are the wake-up paths from a file up through
 * nested epolls (EINVAL), as Linux bounds them.
 *
 * Wake-ups may carry a key (poll_wake): the events that may have
 * appeared. An item interested in none of them is not queued, so an
 * edge-triggered EPOLLOUT item is not re-reported after a write, as on
 * Linux.
 *
 * EPOLLEXCLUSIVE: the core calls every callback waiter of a queue at each
 * wake-up, in list order, so an exclusive hook learns whether an earlier
 * exclusive hook of the same wake-up already woke a task (its `claimed`)
 * and then only queues its item, leaving the other instances' waiters
 * asleep, as Linux's exclusive wake-up of one epoll waiter does.
 */
#include "epoll_int.h"
#include "sys.h"

#define EP_MAX_NESTS 4            /* Linux's: deeper nesting is ELOOP */
#define EP_MAX_WATCHES (1u << 17) /* items of all instances (ENOSPC) */
#define EP_MAX_HASH (1u << 14)    /* buckets: 128 KiB; past it, longer chains */
#define EP_EXCL_OK                                                                       \
    (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)

static unsigned ep_watches;

static unsigned ep_file_poll(struct file *f, struct poll_table *pt);
/* One line per item, as Linux's (in hash order, not Linux's tree order). */
static void ep_fdinfo(struct file *f, struct sbuf *s)
{
    struct epoll *ep = f->priv;
    for (unsigned i = 0; i < ep->nhash; i++)
        for (struct epitem *e = ep->hash[i]; e; e = e->hnext)
            sbuf_printf(s,
                        "tfd: %8d events: %8x data: %16llx  pos:%lli ino:%llx sdev:%x\n",
                        e->fd, e->events, (unsigned long long)e->data,
                        (long long)e->file->pos, (unsigned long long)e->file->inode->ino,
                        e->file->inode->sb ? e->file->inode->sb->dev : 0);
}

static void ep_release(struct file *f);

static void ep_fdinfo(struct file *f, struct sbuf *s);

static const struct file_ops epoll_ops = {
    .poll = ep_file_poll,
    .release = ep_release,
    .anon_name = "[eventpoll]",
    .fdinfo = ep_fdinfo,
};

struct epoll *epoll_of(struct file *f)
{
    return f && f->ops == &epoll_ops ? f->priv : NULL;
}

unsigned ep_item_poll(struct epitem *e)
{
    return e->file->ops->poll(e->file, NULL) & e->events & ~EP_PRIVATE;
}

/* ---- the callback ---- */

static void ep_hook_wake(struct core_waiter *w);

/* Wake one task in epoll_wait (Linux wakes one) and everything polling
 * the instance. True if a task was asleep there. */
static bool ep_wake(struct epoll *ep)
{
    bool sleeper = false;
    for (struct core_waiter *w = ep->wq.head; w && !sleeper; w = w->next)
        sleeper = !w->func && core_task_state(w->task) == 'S';
    core_wake_one(&ep->wq);
    poll_wake(&ep->poll_wq, EPOLLIN | EPOLLRDNORM); /* not the file's key */
    return sleeper;
}

/* The nearest exclusive hook before w on its queue claimed this wake-up. */
static bool ep_excl_claimed_before(struct core_waiter *w)
{
    for (struct core_waiter *p = w->prev; p; p = p->prev) {
        if (p->func != ep_hook_wake)
            continue;
        struct ep_hook *h = (struct ep_hook *)p;
        if (h->item->events & EPOLLEXCLUSIVE)
            return h->claimed;
    }
    return false;
}

static void ep_hook_wake(struct core_waiter *w)
{
    struct ep_hook *h = (struct ep_hook *)w;
    struct epitem *e = h->item;
    struct epoll *ep = e->ep;
    bool excl = e->events & EPOLLEXCLUSIVE;
    unsigned key = poll_wake_key();
    h->claimed = excl && ep_excl_claimed_before(w);
    if (!(e->events & ~EP_PRIVATE)) /* a ONESHOT that fired: disabled */
        return;
    if (key && !(key & e->events)) /* not what it waits for */
        return;
    ep_ready_add(ep, e);
    if (h->claimed)
        poll_wake(&ep->poll_wq, EPOLLIN | EPOLLRDNORM);
    else if (ep_wake(ep) && excl)
        h->claimed = true;
}

void epoll_waitq_gone(struct core_waitq *q)
{
    for (struct core_waiter *w = q->head, *next; w; w = next) {
        next = w->next;
        if (w->func != ep_hook_wake)
            continue;
        core_waiter_remove(q, w);
        ((struct ep_hook *)w)->q = NULL;
    }
}

/* ---- registering an item's hooks through its file's poll op ---- */

struct ep_ptable {
    struct poll_table pt; /* first */
    struct epitem *e;
    int error;
};

static void ep_ptable_queue(struct poll_table *table, struct core_waitq *q)
{
    struct ep_ptable *t = (struct ep_ptable *)table;
    struct ep_hook *h = core_zalloc(sizeof(*h));
    if (!h) {
        t->error = -ENOMEM;
        return;
    }
    h->q = q;
    h->item = t->e;
    h->next = t->e->hooks;
    t->e->hooks = h;
    core_waiter_add_callback(q, &h->w, ep_hook_wake);
}

/* ---- the interest list ---- */

static unsigned ep_hash(const struct epoll *ep, const struct file *f, int fd)
{
    uint64_t k =
        ((uint64_t)(uintptr_t)f >> 4) ^ ((uint64_t)(unsigned)fd * 0x9e3779b97f4a7c15ull);
    return (unsigned)(k ^ (k >> 29)) & (ep->nhash - 1);
}

static struct epitem *ep_find(struct epoll *ep, struct file *f, int fd)
{
    for (struct epitem *e = ep->hash[ep_hash(ep, f, fd)]; e; e = e->hnext)
        if (e->file == f && e->fd == fd)
            return e;
    return NULL;
}

/* Double the table when it gets full; without memory, chains get longer. */
static void ep_hash_grow(struct epoll *ep)
{
    if (ep->count < ep->nhash || ep->nhash >= EP_MAX_HASH)
        return;
    struct epitem **old = ep->hash;
    unsigned oldn = ep->nhash;
    struct epitem **nh = core_zalloc(2 * oldn * sizeof(*nh));
    if (!nh)
        return;
    ep->hash = nh;
    ep->nhash = 2 * oldn;
    for (unsigned i = 0; i < oldn; i++)
        for (struct epitem *e = old[i], *next; e; e = next) {
            next = e->hnext;
            unsigned b = ep_hash(ep, e->file, e->fd);
            e->hnext = nh[b];
            nh[b] = e;
        }
    core_free(old);
}

static void ep_item_remove(struct epitem *e)
{
    struct epoll *ep = e->ep;
    while (e->hooks) {
        struct ep_hook *h = e->hooks;
        if (h->q)
            core_waiter_remove(h->q, &h->w);
        e->hooks = h->next;
        core_free(h);
    }
    *e->fprev = e->fnext;
    if (e->fnext)
        e->fnext->fprev = e->fprev;
    for (struct epitem **pp = &ep->hash[ep_hash(ep, e->file, e->fd)]; *pp;
         pp = &(*pp)->hnext)
        if (*pp == e) {
            *pp = e->hnext;
            break;
        }
    ep_ready_del(ep, e);
    ep->nested -= epoll_of(e->file) != NULL;
    ep->count--;
    ep_watches--;
    core_free(e);
}

void epoll_file_gone(struct file *f)
{
    while (f->epitems)
        ep_item_remove(f->epitems);
}

static int ep_insert(struct epoll *ep, struct file *f, int fd,
                     const struct epoll_event *ev)
{
    if (ep_watches >= EP_MAX_WATCHES)
        return -ENOSPC;
    struct epitem *e = core_zalloc(sizeof(*e));
    if (!e)
        return -ENOMEM;
    ep_hash_grow(ep);
    e->ep = ep;
    e->file = f;
    e->fd = fd;
    e->events = ev->events | EPOLLERR | EPOLLHUP;
    e->data = ev->data;
    unsigned b = ep_hash(ep, f, fd);
    e->hnext = ep->hash[b];
    ep->hash[b] = e;
    e->fnext = f->epitems;
    e->fprev = &f->epitems;
    if (f->epitems)
        f->epitems->fprev = &e->fnext;
    f->epitems = e;
    ep->nested += epoll_of(f) != NULL;
    ep->count++;
    ep_watches++;
    struct ep_ptable t = {.pt.queue = ep_ptable_queue, .e = e};
    unsigned ready = f->ops->poll(f, &t.pt) & e->events & ~EP_PRIVATE;
    if (t.error) {
        ep_item_remove(e);
        return t.error;
    }
    if (ready) {
        ep_ready_add(ep, e);
        ep_wake(ep);
    }
    return 0;
}

static int ep_modify(struct epitem *e, const struct epoll_event *ev)
{
    e->events = ev->events | EPOLLERR | EPOLLHUP;
    e->data = ev->data;
    if (ep_item_poll(e) && !e->ready) {
        ep_ready_add(e->ep, e);
        ep_wake(e->ep);
    }
    return 0;
}

/* ---- nesting: cycles and depth (Linux's ep_loop_check) ---- */

/* How deep the epolls below ep go; past EP_MAX_NESTS if `into` is one. */
static int ep_depth_down(struct epoll *ep, struct epoll *into, int depth)
{
    int result = 0;
    if (!ep->nested)
        return 0;
    for (unsigned i = 0; i < ep->nhash && result <= EP_MAX_NESTS; i++)
        for (struct epitem *e = ep->hash[i]; e; e = e->hnext) {
            struct epoll *sub = epoll_of(e->file);
            if (!sub)
                continue;
            int d = sub == into || depth > EP_MAX_NESTS
                        ? EP_MAX_NESTS + 1
                        : ep_depth_down(sub, into, depth + 1) + 1;
            result = d > result ? d : result;
        }
    return result;
}

/* How deep the epolls that watch ep (through file f) are stacked. */
static int ep_depth_up(struct file *f, int depth)
{
    int result = 0;
    if (depth > EP_MAX_NESTS)
        return EP_MAX_NESTS + 1;
    for (struct epitem *e = f->epitems; e; e = e->fnext) {
        int d = ep_depth_up(e->ep->file, depth + 1) + 1;
        result = d > result ? d : result;
    }
    return result;
}

/* Adding tep's file into ep: a cycle, or more than EP_MAX_NESTS levels. */
static bool ep_loops(struct epoll *ep, struct epoll *tep)
{
    int down = ep_depth_down(tep, ep, 0);
    return down > EP_MAX_NESTS || down + 1 + ep_depth_up(ep->file, 0) > EP_MAX_NESTS;
}

/* Linux's limits on wake-up paths from a file up through nested epolls,
 * by nesting (0: straight into a top-level epoll, any number). They keep
 * the callbacks one wake-up runs from multiplying level by level. */
static const int ep_path_limits[EP_MAX_NESTS + 1] = {0, 500, 100, 50, 10};

static bool ep_paths_over(struct file *f, int depth, int *count)
{
    if (depth > EP_MAX_NESTS)
        return true;
    for (struct epitem *e = f->epitems; e; e = e->fnext) {
        struct file *up = e->ep->file;
        if (up->epitems) {
            if (ep_paths_over(up, depth + 1, count))
                return true;
        } else if (depth && ++count[depth] > ep_path_limits[depth]) {
            return true;
        }
    }
    return false;
}

/* Some file at or below f (through nested epolls) has too many paths. */
static bool ep_paths_exceeded(struct file *f, int depth)
{
    struct epoll *ep = epoll_of(f);
    if (!ep) {
        int count[EP_MAX_NESTS + 1] = {0};
        return ep_paths_over(f, 0, count);
    }
    for (unsigned i = 0; i < ep->nhash && depth <= EP_MAX_NESTS; i++)
        for (struct epitem *e = ep->hash[i]; e; e = e->hnext)
            if (ep_paths_exceeded(e->file, depth + 1))
                return true;
    return false;
}

/* ---- the epoll file ---- */

/* Some item on the ready list is ready; the others come off it. */
static unsigned ep_file_poll(struct file *f, struct poll_table *pt)
{
    struct epoll *ep = f->priv;
    poll_wait(pt, &ep->poll_wq);
    for (struct epitem *e = ep->rhead, *next; e; e = next) {
        next = e->rnext;
        if (ep_item_poll(e))
            return EPOLLIN | EPOLLRDNORM;
        ep_ready_del(ep, e);
    }
    return 0;
}

static void ep_release(struct file *f)
{
    struct epoll *ep = f->priv;
    for (unsigned i = 0; i < ep->nhash; i++)
        while (ep->hash[i])
            ep_item_remove(ep->hash[i]);
    core_free(ep->hash);
    core_free(ep);
}

long sys_epoll_create1(int flags)
{
    if (flags & ~EPOLL_CLOEXEC)
        return -EINVAL;
    struct epoll *ep = core_zalloc(sizeof(*ep));
    if (!ep)
        return -ENOMEM;
    ep->nhash = 16;
    ep->hash = core_zalloc(ep->nhash * sizeof(*ep->hash));
    if (!ep->hash) {
        core_free(ep);
        return -ENOMEM;
    }
    int fd = anon_fd_new(&epoll_ops, ep, flags);
    if (fd >= 0)
        ep->file = fd_get(fd);
    return fd;
}

long sys_epoll_create(int size)
{
    return size <= 0 ? -EINVAL : sys_epoll_create1(0);
}

/* The checks of Linux's do_epoll_ctl, in its order, before any change. */
static int ep_ctl_check(struct file *epf, struct file *tf, int op,
                        const struct epoll_event *ev)
{
    if (!epf || !tf || (epf->flags & O_PATH) || (tf->flags & O_PATH))
        return -EBADF; /* O_PATH fds are not open files to Linux's fdget */
    if (!tf->ops->poll)
        return -EPERM; /* regular files, directories, /dev/null */
    if (epf == tf || !epoll_of(epf))
        return -EINVAL;
    if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE)) {
        if (op == EPOLL_CTL_MOD)
            return -EINVAL;
        if (op == EPOLL_CTL_ADD && (epoll_of(tf) || (ev->events & ~EP_EXCL_OK)))
            return -EINVAL;
    }
    if (op == EPOLL_CTL_ADD && epoll_of(tf) && ep_loops(epoll_of(epf), epoll_of(tf)))
        return -ELOOP;
    return 0;
}

long sys_epoll_ctl(int epfd, int op, int fd, uaddr_t u_event)
{
    struct epoll_event ev = {0};
    if (op != EPOLL_CTL_DEL && core_copy_from_user(&ev, u_event, sizeof(ev)))
        return -EFAULT;
    ev.events &= ~EPOLLWAKEUP; /* no suspend to block here */
    struct file *epf = fd_get(epfd), *tf = fd_get(fd);
    int err = ep_ctl_check(epf, tf, op, &ev);
    if (err)
        return err;
    struct epoll *ep = epoll_of(epf);
    struct epitem *e = ep_find(ep, tf, fd);
    switch (op) {
    case EPOLL_CTL_ADD:
        if (e)
            return -EEXIST;
        err = ep_insert(ep, tf, fd, &ev);
        if (!err && (epoll_of(tf) || epf->epitems) && ep_paths_exceeded(tf, 0)) {
            ep_item_remove(ep_find(ep, tf, fd));
            err = -EINVAL;
        }
        return err;
    case EPOLL_CTL_DEL:
        if (!e)
            return -ENOENT;
        ep_item_remove(e);
        return 0;
    case EPOLL_CTL_MOD:
        if (!e)
            return -ENOENT;
        return e->events & EPOLLEXCLUSIVE ? -EINVAL : ep_modify(e, &ev);
    }
    return -EINVAL;
}
