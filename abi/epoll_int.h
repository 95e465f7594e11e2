/* epoll's private structures, shared by epoll.c and epoll_wait.c.
 *
 * An epoll instance keeps its interest list in a hash table keyed by
 * (file, fd), as Linux does, and a ready list. Each item hooks a callback
 * waiter on every wait queue its file's poll op names; a wake-up of any of
 * them appends the item to the ready list and wakes the instance's
 * waiters. epoll_wait looks only at the ready list, re-checking each item
 * with the file's poll op, so its cost follows the ready items, not the
 * registered ones.
 *
 * Like the rest of abi/ for now, this relies on one CPU and kernel code
 * that runs with interrupts off: no locks guard the lists.
 */
#ifndef ABI_EPOLL_INT_H
#define ABI_EPOLL_INT_H

#include "abi_int.h"

#include <core/sched.h>
#include <linux/eventpoll.h>

/* Bits that say how an item reports, never what it reports. */
#define EP_PRIVATE (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)

/* One callback waiter on one of the file's queues. */
struct ep_hook {
    struct core_waiter w; /* first: the callback gets &w */
    struct core_waitq *q; /* NULL once the queue went away */
    struct epitem *item;
    struct ep_hook *next;
    /* EPOLLEXCLUSIVE: at the last wake-up of q, this hook or an earlier
     * exclusive one on q woke a task in epoll_wait. */
    bool claimed;
};

struct epitem {
    struct epoll *ep;
    struct file *file; /* not referenced: the file's end removes the item */
    int fd;
    uint32_t events; /* asked for, with EPOLLERR | EPOLLHUP */
    uint64_t data;
    struct epitem *hnext;          /* ep's hash chain */
    struct epitem *fnext, **fprev; /* the file's f->epitems list */
    struct epitem *rnext, *rprev;  /* ep's ready list */
    bool ready;                    /* on the ready list */
    struct ep_hook *hooks;
};

struct epoll {
    struct file *file; /* the instance's own file */
    struct epitem **hash;
    unsigned nhash;  /* a power of two */
    unsigned count;  /* items */
    unsigned nested; /* items that are epoll files */
    struct epitem *rhead, *rtail;
    unsigned nready;
    struct core_waitq wq;      /* tasks in epoll_wait */
    struct core_waitq poll_wq; /* poll, select and outer epolls */
};

/* The instance behind f, or NULL if f is not an epoll file. */
struct epoll *epoll_of(struct file *f);
/* What e's file reports now of what e asks for. */
unsigned ep_item_poll(struct epitem *e);

static inline void ep_ready_add(struct epoll *ep, struct epitem *e)
{
    if (e->ready)
        return;
    e->ready = true;
    e->rnext = NULL;
    e->rprev = ep->rtail;
    if (ep->rtail)
        ep->rtail->rnext = e;
    else
        ep->rhead = e;
    ep->rtail = e;
    ep->nready++;
}

static inline void ep_ready_del(struct epoll *ep, struct epitem *e)
{
    if (!e->ready)
        return;
    if (e->rprev)
        e->rprev->rnext = e->rnext;
    else
        ep->rhead = e->rnext;
    if (e->rnext)
        e->rnext->rprev = e->rprev;
    else
        ep->rtail = e->rprev;
    e->ready = false;
    e->rnext = e->rprev = NULL;
    ep->nready--;
}

#endif
