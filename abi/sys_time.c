/* Clocks and sleeping: clock_gettime and friends, nanosleep.
 *
 * All clocks come from the core's TSC-based monotonic and realtime
 * clocks. The CPU-time clocks report monotonic time for now (the one
 * thread is always running, as far as we account). Sleeping cannot be
 * interrupted yet (no signal delivery), so `rem` is never written.
 */
#include "abi_int.h"

#include <core/sched.h>
#include "sys.h"

#include <core/time.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/times.h>

#define NSEC 1000000000ull
#define COARSE_RES 4000000ull /* a 250 Hz tick, as Debian kernels have */

static int clock_read(int clk, uint64_t *ns)
{
    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
        *ns = core_time_realtime_ns();
        return 0;
    case CLOCK_TAI:
        *ns = core_time_realtime_ns() + 37 * NSEC;
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *ns = core_time_monotonic_ns();
        return 0;
    default:
        return -EINVAL;
    }
}

static int ts_out(uaddr_t u_ts, uint64_t ns)
{
    struct __kernel_timespec ts = {(int64_t)(ns / NSEC), (long long)(ns % NSEC)};
    return core_copy_to_user(u_ts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

int abi_timespec_in(uaddr_t u_ts, uint64_t *ns)
{
    struct __kernel_timespec ts;
    if (core_copy_from_user(&ts, u_ts, sizeof(ts)))
        return -EFAULT;
    if (!abi_time_ok(ts.tv_sec, ts.tv_nsec))
        return -EINVAL;
    uint64_t s = (uint64_t)ts.tv_sec;
    *ns = s > UINT64_MAX / NSEC - 1 ? UINT64_MAX : s * NSEC + (uint64_t)ts.tv_nsec;
    return 0;
}

long sys_clock_gettime(int clk, uaddr_t u_ts)
{
    uint64_t ns;
    int err = clock_read(clk, &ns);
    return err ? err : ts_out(u_ts, ns);
}

long sys_clock_getres(int clk, uaddr_t u_ts)
{
    uint64_t ns;
    int err = clock_read(clk, &ns);
    if (err)
        return err;
    if (!u_ts.addr)
        return 0;
    bool coarse = clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE;
    return ts_out(u_ts, coarse ? COARSE_RES : 1);
}

long sys_clock_settime(int clk, uaddr_t u_ts)
{
    uint64_t ns;
    if (clk != CLOCK_REALTIME)
        return -EINVAL;
    int err = abi_timespec_in(u_ts, &ns);
    if (!err)
        core_time_set_realtime_ns(ns);
    return err;
}

long sys_gettimeofday(uaddr_t u_tv, uaddr_t u_tz)
{
    uint64_t ns = core_time_realtime_ns();
    if (u_tv.addr) {
        struct __kernel_old_timeval tv = {(long)(ns / NSEC), (long)(ns % NSEC / 1000)};
        if (core_copy_to_user(u_tv, &tv, sizeof(tv)))
            return -EFAULT;
    }
    if (u_tz.addr) {
        struct timezone tz = {0, 0};
        if (core_copy_to_user(u_tz, &tz, sizeof(tz)))
            return -EFAULT;
    }
    return 0;
}

long sys_time(uaddr_t u_t)
{
    int64_t t = (int64_t)(core_time_realtime_ns() / NSEC);
    if (u_t.addr && core_copy_to_user(u_t, &t, sizeof(t)))
        return -EFAULT;
    return t;
}

/* Sleep ns; a signal ends it early: the time left goes to u_rem (when
 * given) and the call restarts or fails with EINTR on delivery. */
static long sleep_ns(uint64_t ns, uaddr_t u_rem)
{
    uint64_t end = core_time_monotonic_ns() + ns;
    while (ns) {
        int r = core_sleep(end, true);
        if (r == -ETIMEDOUT)
            return 0;
        if (r == -EINTR && signal_pending()) {
            uint64_t now = core_time_monotonic_ns(), left = end > now ? end - now : 0;
            struct __kernel_timespec ts = {(long long)(left / NSEC), (long long)(left % NSEC)};
            if (u_rem.addr && core_copy_to_user(u_rem, &ts, sizeof(ts)))
                return -EFAULT;
            return -ERESTART_RESTARTBLOCK;
        }
    }
    return 0;
}

long sys_nanosleep(uaddr_t u_req, uaddr_t u_rem)
{
    uint64_t ns;
    int err = abi_timespec_in(u_req, &ns);
    if (err)
        return err;
    return sleep_ns(ns, u_rem);
}

long sys_clock_nanosleep(int clk, int flags, uaddr_t u_req, uaddr_t u_rem)
{
    uint64_t ns, now;
    if (clk == CLOCK_THREAD_CPUTIME_ID)
        return -EINVAL;
    if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME &&
        clk != CLOCK_TAI && clk != CLOCK_PROCESS_CPUTIME_ID)
        return clk < 0 || clk > CLOCK_TAI ? -EINVAL : -EOPNOTSUPP;
    if (flags & ~TIMER_ABSTIME)
        return -EINVAL;
    int err = abi_timespec_in(u_req, &ns);
    if (err)
        return err;
    if (flags & TIMER_ABSTIME) {
        if (clock_read(clk, &now))
            return -EINVAL;
        ns = ns > now ? ns - now : 0;
        u_rem = uaddr(0); /* absolute: nothing is written back */
    }
    return sleep_ns(ns, u_rem);
}

/* times(2): clock ticks of 10 ms (USER_HZ 100) since boot; CPU times
 * of this process and of its reaped children, from the core's count. */
long sys_times(uaddr_t u_buf)
{
    uint64_t ticks = core_time_monotonic_ns() / (NSEC / 100);
    if (u_buf.addr) {
        uint64_t u, s;
        proc_times(abi_proc, &u, &s);
        struct tms t = {(long)(u / (NSEC / 100)), (long)(s / (NSEC / 100)),
                        (long)(abi_proc->cutime_ns / (NSEC / 100)),
                        (long)(abi_proc->cstime_ns / (NSEC / 100))};
        if (core_copy_to_user(u_buf, &t, sizeof(t)))
            return -EFAULT;
    }
    return (long)ticks;
}

static void ns_timeval(uint64_t ns, struct __kernel_old_timeval *tv)
{
    tv->tv_sec = (long)(ns / NSEC);
    tv->tv_usec = (long)(ns % NSEC / 1000);
}

long sys_getrusage(int who, uaddr_t u_ru)
{
    struct rusage ru;
    uint64_t u, s;
    if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
        return -EINVAL;
    memset(&ru, 0, sizeof(ru));
    if (who == RUSAGE_CHILDREN) {
        u = abi_proc->cutime_ns;
        s = abi_proc->cstime_ns;
    } else if (who == RUSAGE_THREAD) {
        core_task_times(abi_thread->task, &u, &s);
    } else {
        proc_times(abi_proc, &u, &s);
    }
    ns_timeval(u, &ru.ru_utime);
    ns_timeval(s, &ru.ru_stime);
    return core_copy_to_user(u_ru, &ru, sizeof(ru)) ? -EFAULT : 0;
}
