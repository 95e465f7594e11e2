/* epoll_wait, epoll_pwait, epoll_pwait2: take events off the ready list.
 *
 * Each ready item is checked again with its file's poll op: not ready,
 * it leaves the list; ready, it is reported, then level-triggered items
 * go back to the tail of the list (so a full buffer takes turns, as on
 * Linux), edge-triggered ones stay off until their next wake-up, and a
 * ONESHOT item is disabled until EPOLL_CTL_MOD. Events go to a kernel
 * buffer first and then to the user in one copy: nothing that may sleep
 * (a fault on the user buffer) runs while the list is being walked, and
 * the user's array is faulted in before, so a bad one takes no event.
 *
 * A signal ends the wait with EINTR, never a restart, as on Linux.
 */
#include "epoll_int.h"
#include "sys.h"

#include <core/time.h>
#include <linux/time_types.h>

#define EP_MAX_EVENTS (0x7fffffff / (int)sizeof(struct epoll_event))
/* At most this many events per call (a 48 KiB kernel buffer); more ready
 * items wait for the next call, as a smaller maxevents would make them. */
#define EP_SEND_MAX 4096u

/* Up to max ready events into the user's array: their count or -errno. */
static long ep_send(struct epoll *ep, uaddr_t u_events, int max)
{
    if (!ep->rhead)
        return 0;
    unsigned cap = (unsigned)max < ep->nready ? (unsigned)max : ep->nready;
    cap = cap < EP_SEND_MAX ? cap : EP_SEND_MAX;
    struct epoll_event *buf = core_malloc(cap * sizeof(*buf));
    if (!buf)
        return -ENOMEM;
    /* Fault the array in first, keeping what is there: a bad buffer then
     * fails before any event is taken (a ONESHOT one would be lost). */
    if (core_copy_from_user(buf, u_events, cap * sizeof(*buf)) ||
        core_copy_to_user(u_events, buf, cap * sizeof(*buf))) {
        core_free(buf);
        return -EFAULT;
    }
    struct epitem *again = NULL, **tail = &again;
    unsigned n = 0;
    while (n < cap && ep->rhead) {
        struct epitem *e = ep->rhead;
        ep_ready_del(ep, e);
        unsigned ev = ep_item_poll(e);
        if (!ev)
            continue;
        buf[n].events = ev;
        buf[n].data = e->data;
        n++;
        if (e->events & EPOLLONESHOT) {
            e->events &= EP_PRIVATE;
        } else if (!(e->events & EPOLLET)) {
            e->rnext = NULL; /* level-triggered: again, after the rest */
            *tail = e;
            tail = &e->rnext;
        }
    }
    for (struct epitem *e = again, *next; e; e = next) {
        next = e->rnext;
        ep_ready_add(ep, e);
    }
    long ret = n;
    if (n && core_copy_to_user(u_events, buf, n * sizeof(*buf)))
        ret = -EFAULT;
    core_free(buf);
    if (ep->rhead) /* more for another waiter */
        core_wake_one(&ep->wq);
    return ret;
}

/* deadline: monotonic ns, 0 for none; zero: do not wait at all. */
static long ep_wait(int epfd, uaddr_t u_events, int max, uint64_t deadline, bool zero)
{
    if (max <= 0 || max > EP_MAX_EVENTS)
        return -EINVAL;
    if (!core_user_range_ok(u_events, (size_t)max * sizeof(struct epoll_event)))
        return -EFAULT;
    struct file *f = fd_get(epfd);
    if (!f)
        return -EBADF;
    struct epoll *ep = epoll_of(f);
    if (!ep)
        return -EINVAL;
    file_get(f); /* another thread may close epfd while this one sleeps */
    long ret;
    for (;;) {
        ret = ep_send(ep, u_events, max);
        if (ret || zero)
            break;
        if (signal_pending()) {
            core_task_interrupt(abi_thread->task); /* deliver it on the way out */
            ret = -EINTR;
            break;
        }
        struct core_waiter w;
        core_waiter_add(&ep->wq, &w);
        int err = core_sleep(deadline, true);
        core_waiter_remove(&ep->wq, &w);
        zero = err == -ETIMEDOUT; /* one last look */
        if (err == -EINTR && !ep->rhead) {
            ret = -EINTR;
            break;
        }
    }
    file_put(f);
    return ret;
}

static uint64_t ep_deadline_ms(int ms)
{
    return ms > 0 ? core_time_monotonic_ns() + (uint64_t)ms * 1000000ull : 0;
}

long sys_epoll_wait(int epfd, uaddr_t u_events, int max, int timeout_ms)
{
    return ep_wait(epfd, u_events, max, ep_deadline_ms(timeout_ms), timeout_ms == 0);
}

/* The mask stays set for a handler when the wait ends with EINTR. */
static long ep_wait_masked(int epfd, uaddr_t u_events, int max, uint64_t deadline,
                           bool zero, uaddr_t u_mask, size_t size)
{
    if (u_mask.addr) {
        long err = signal_mask_temporarily(u_mask, size);
        if (err)
            return err;
    }
    long ret = ep_wait(epfd, u_events, max, deadline, zero);
    if (ret != -EINTR && abi_thread->restore_sigmask) {
        abi_thread->sigmask = abi_thread->saved_sigmask;
        abi_thread->restore_sigmask = false;
    }
    return ret;
}

long sys_epoll_pwait(int epfd, uaddr_t u_events, int max, int timeout_ms, uaddr_t u_mask,
                     size_t size)
{
    return ep_wait_masked(epfd, u_events, max, ep_deadline_ms(timeout_ms),
                          timeout_ms == 0, u_mask, size);
}

long sys_epoll_pwait2(int epfd, uaddr_t u_events, int max, uaddr_t u_ts, uaddr_t u_mask,
                      size_t size)
{
    uint64_t deadline = 0;
    bool zero = false;
    if (u_ts.addr) {
        struct __kernel_timespec ts;
        if (core_copy_from_user(&ts, u_ts, sizeof(ts)))
            return -EFAULT;
        if (!abi_time_ok(ts.tv_sec, ts.tv_nsec))
            return -EINVAL;
        uint64_t now = core_time_monotonic_ns();
        uint64_t sec = (uint64_t)ts.tv_sec, left = UINT64_MAX - now;
        uint64_t ns = sec >= left / 1000000000ull
                          ? left
                          : sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        zero = ns == 0;
        deadline = ns >= left ? UINT64_MAX : now + ns;
    }
    return ep_wait_masked(epfd, u_events, max, deadline, zero, u_mask, size);
}
