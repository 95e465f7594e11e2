/* timerfd_create, timerfd_settime, timerfd_gettime: timers read as files.
 *
 * Each timerfd owns one core timer. Its callback (timer interrupt: no
 * sleeping) counts the expiries since the last read, including those a
 * late interrupt missed, re-arms a periodic timer and wakes readers and
 * pollers. All deadlines are kept on the monotonic clock; an absolute
 * CLOCK_REALTIME time is turned into one when set (a later change of the
 * wall clock does not move it, and TFD_TIMER_CANCEL_ON_SET never fires).
 * CLOCK_BOOTTIME is the monotonic clock: the guest never suspends.
 */
#include "abi_int.h"
#include "sys.h"

#include <core/sched.h>
#include <core/time.h>
#include <asm/poll.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/timerfd.h>

#define NSEC 1000000000ull
/* A periodic timer re-arms no sooner than this: a 1 ns interval must not
 * keep the CPU in the timer interrupt. Missed expiries are still counted. */
#define TFD_MIN_REARM_NS 50000ull

struct timerfd {
    int clock;
    int set_flags; /* the last settime's (fdinfo shows them) */
    struct core_timer timer;
    uint64_t next;     /* monotonic ns of the next expiry; 0: disarmed */
    uint64_t interval; /* ns; 0: one shot */
    uint64_t ticks;    /* expiries not read yet */
    struct core_waitq wq;
};

static struct timerfd *tfd_of_timer(struct core_timer *t)
{
    return (struct timerfd *)((char *)t - __builtin_offsetof(struct timerfd, timer));
}

static void tfd_arm(struct timerfd *t, uint64_t now);

static void tfd_expire(struct core_timer *tm)
{
    struct timerfd *t = tfd_of_timer(tm);
    uint64_t now = core_time_monotonic_ns();
    if (!t->next || now < t->next) { /* re-armed later than asked: wait on */
        if (t->next)
            tfd_arm(t, now);
        return;
    }
    uint64_t n = 1;
    if (t->interval) {
        n += (now - t->next) / t->interval;
        t->next += n * t->interval;
    } else {
        t->next = 0;
    }
    t->ticks += n;
    if (t->next)
        tfd_arm(t, now);
    poll_wake(&t->wq, POLLIN | POLLRDNORM);
}

static void tfd_arm(struct timerfd *t, uint64_t now)
{
    uint64_t at = t->next;
    if (t->interval && at < now + TFD_MIN_REARM_NS)
        at = now + TFD_MIN_REARM_NS;
    core_timer_start(&t->timer, at, tfd_expire);
}

static ssize_t tfd_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    struct timerfd *t = f->priv;
    if (len < sizeof(uint64_t))
        return -EINVAL;
    while (!t->ticks) {
        long err = anon_wait(f, &t->wq);
        if (err)
            return err;
    }
    if (core_copy_to_user(u_buf, &t->ticks, sizeof(t->ticks)))
        return -EFAULT;
    t->ticks = 0;
    return sizeof(uint64_t);
}

static unsigned tfd_poll(struct file *f, struct poll_table *pt)
{
    struct timerfd *t = f->priv;
    poll_wait(pt, &t->wq);
    return t->ticks ? POLLIN | POLLRDNORM : 0;
}

static void tfd_release(struct file *f)
{
    struct timerfd *t = f->priv;
    core_timer_cancel(&t->timer);
    core_free(t);
}

static void tfd_current(const struct timerfd *t, struct __kernel_itimerspec *cur);

static void tfd_fdinfo(struct file *f, struct sbuf *s)
{
    struct timerfd *t = f->priv;
    struct __kernel_itimerspec cur;
    tfd_current(t, &cur);
    sbuf_printf(s, "clockid: %d\nticks: %llu\nsettime flags: 0%o\n", t->clock,
                (unsigned long long)t->ticks, t->set_flags);
    sbuf_printf(s, "it_value: (%llu, %llu)\nit_interval: (%llu, %llu)\n",
                (unsigned long long)cur.it_value.tv_sec,
                (unsigned long long)cur.it_value.tv_nsec,
                (unsigned long long)cur.it_interval.tv_sec,
                (unsigned long long)cur.it_interval.tv_nsec);
}

static const struct file_ops timerfd_ops = {
    .read = tfd_read,
    .poll = tfd_poll,
    .release = tfd_release,
    .anon_name = "[timerfd]",
    .fdinfo = tfd_fdinfo,
};

long sys_timerfd_create(int clock, int flags)
{
    if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
        return -EINVAL;
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME &&
        clock != CLOCK_REALTIME_ALARM && clock != CLOCK_BOOTTIME_ALARM)
        return -EINVAL;
    struct timerfd *t = core_zalloc(sizeof(*t));
    if (!t)
        return -ENOMEM;
    t->clock = clock;
    return anon_fd_new(&timerfd_ops, t, flags);
}

static long tfd_get(int fd, struct timerfd **out)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (f->ops != &timerfd_ops)
        return -EINVAL;
    *out = f->priv;
    return 0;
}

static void ns_to_ts(uint64_t ns, struct __kernel_timespec *ts)
{
    ts->tv_sec = (int64_t)(ns / NSEC);
    ts->tv_nsec = (int64_t)(ns % NSEC);
}

static void tfd_current(const struct timerfd *t, struct __kernel_itimerspec *cur)
{
    uint64_t now = core_time_monotonic_ns();
    uint64_t left = !t->next ? 0 : t->next > now ? t->next - now : 1;
    ns_to_ts(left, &cur->it_value);
    ns_to_ts(t->interval, &cur->it_interval);
}

static uint64_t ts_ns(const struct __kernel_timespec *ts)
{
    uint64_t sec = (uint64_t)ts->tv_sec;
    return sec >= UINT64_MAX / NSEC / 2 ? UINT64_MAX / 2
                                        : sec * NSEC + (uint64_t)ts->tv_nsec;
}

/* Arm t for value (flags: TFD_TIMER_ABSTIME). A first expiry already
 * past counts at once, with the periods since, as Linux's forwarding. */
static void tfd_set(struct timerfd *t, int flags, uint64_t value)
{
    uint64_t now = core_time_monotonic_ns(), late = 0;
    t->next = now + value;
    if (flags & TFD_TIMER_ABSTIME) {
        bool real = t->clock == CLOCK_REALTIME || t->clock == CLOCK_REALTIME_ALARM;
        uint64_t clock_now = real ? core_time_realtime_ns() : now;
        if (value > clock_now)
            t->next = now + (value - clock_now);
        else
            t->next = now, late = clock_now - value;
    }
    if (t->next <= now) {
        t->ticks = 1 + (t->interval ? late / t->interval : 0);
        t->next = t->interval ? now + t->interval - late % t->interval : 0;
        poll_wake(&t->wq, POLLIN | POLLRDNORM);
    }
    if (t->next)
        tfd_arm(t, now);
}

long sys_timerfd_settime(int fd, int flags, uaddr_t u_new, uaddr_t u_old)
{
    struct __kernel_itimerspec nv, ov;
    struct timerfd *t;
    if (core_copy_from_user(&nv, u_new, sizeof(nv)))
        return -EFAULT;
    if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) ||
        !abi_time_ok(nv.it_value.tv_sec, nv.it_value.tv_nsec) ||
        !abi_time_ok(nv.it_interval.tv_sec, nv.it_interval.tv_nsec))
        return -EINVAL;
    long err = tfd_get(fd, &t);
    if (err)
        return err;
    tfd_current(t, &ov);
    core_timer_cancel(&t->timer);
    t->ticks = 0;
    t->set_flags = flags;
    t->interval = ts_ns(&nv.it_interval);
    uint64_t value = ts_ns(&nv.it_value);
    t->next = 0;
    if (value)
        tfd_set(t, flags, value);
    if (u_old.addr && core_copy_to_user(u_old, &ov, sizeof(ov)))
        return -EFAULT;
    return 0;
}

long sys_timerfd_gettime(int fd, uaddr_t u_cur)
{
    struct __kernel_itimerspec cur;
    struct timerfd *t;
    long err = tfd_get(fd, &t);
    if (err)
        return err;
    tfd_current(t, &cur);
    return core_copy_to_user(u_cur, &cur, sizeof(cur)) ? -EFAULT : 0;
}
