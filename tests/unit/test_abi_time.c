/* Unit tests for abi/sys_time.c, on the host: clock ids and their
 * resolutions, settime, gettimeofday/time/times/getrusage, and the
 * timespec checks of nanosleep and clock_nanosleep (negative, too many
 * nanoseconds, bad pointers, bad clocks and flags); the host's clocks are
 * the oracle. Sleeps are kept to nothing or a few microseconds. */
#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <linux/time_types.h>
#define _LINUX_TIME_H /* the C library's struct timeval and timespec stand */

#include "guest_host.h"
#include "abi_int.h"
#include "sys.h"
#include "core_shim.h"

#include <linux/resource.h>
#include <linux/times.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#define NS 1000000000ll

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
}

static int64_t host_ns(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * NS + t.tv_nsec;
}

static int64_t ts_ns(const struct __kernel_timespec *t)
{
    return t->tv_sec * NS + t->tv_nsec;
}

START_TEST(test_clock_gettime)
{
    struct __kernel_timespec t;
    int64_t before = host_ns(CLOCK_REALTIME);
    ck_assert_int_eq(sys_clock_gettime(CLOCK_REALTIME, U(&t)), 0);
    int64_t after = host_ns(CLOCK_REALTIME);
    ck_assert_int_ge(ts_ns(&t), before);
    ck_assert_int_le(ts_ns(&t), after);
    ck_assert_int_lt(t.tv_nsec, NS);
    before = host_ns(CLOCK_MONOTONIC);
    ck_assert_int_eq(sys_clock_gettime(CLOCK_MONOTONIC, U(&t)), 0);
    ck_assert_int_ge(ts_ns(&t), before);
    static const int ok[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                             CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW,
                             CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
                             CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM, CLOCK_TAI};
    for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        ck_assert_int_eq(sys_clock_gettime(ok[i], U(&t)), 0);
    /* TAI is ahead of UTC */
    struct __kernel_timespec tai, utc;
    ck_assert_int_eq(sys_clock_gettime(CLOCK_TAI, U(&tai)), 0);
    ck_assert_int_eq(sys_clock_gettime(CLOCK_REALTIME, U(&utc)), 0);
    ck_assert_int_ge(tai.tv_sec - utc.tv_sec, 36);
    ck_assert_int_eq(sys_clock_gettime(10 /* CLOCK_SGI_CYCLE */, U(&t)), -EINVAL);
    ck_assert_int_eq(sys_clock_gettime(12, U(&t)), -EINVAL);
    ck_assert_int_eq(sys_clock_gettime(1000, U(&t)), -EINVAL);
    ck_assert_int_eq(sys_clock_gettime(CLOCK_REALTIME, uaddr(0x10)), -EFAULT);
    ck_assert_int_eq(sys_clock_gettime(CLOCK_REALTIME, uaddr(0)), -EFAULT);
}
END_TEST

START_TEST(test_clock_getres_settime)
{
    struct __kernel_timespec t = {99, 99};
    ck_assert_int_eq(sys_clock_getres(CLOCK_MONOTONIC, U(&t)), 0);
    ck_assert_int_eq(t.tv_sec, 0);
    ck_assert_int_eq(t.tv_nsec, 1);
    ck_assert_int_eq(sys_clock_getres(CLOCK_REALTIME_COARSE, U(&t)), 0);
    ck_assert_int_gt(t.tv_nsec, 1);
    ck_assert_int_eq(sys_clock_getres(CLOCK_REALTIME, uaddr(0)), 0); /* NULL: fine */
    ck_assert_int_eq(sys_clock_getres(99, uaddr(0)), -EINVAL);
    ck_assert_int_eq(sys_clock_getres(CLOCK_REALTIME, uaddr(0x10)), -EFAULT);
    /* set the realtime clock, not the others */
    struct __kernel_timespec set = {1000000000, 5};
    ck_assert_int_eq(sys_clock_settime(CLOCK_MONOTONIC, U(&set)), -EINVAL);
    ck_assert_int_eq(sys_clock_settime(CLOCK_REALTIME, uaddr(0x10)), -EFAULT);
    set.tv_nsec = NS;
    ck_assert_int_eq(sys_clock_settime(CLOCK_REALTIME, U(&set)), -EINVAL);
    set.tv_nsec = 0;
    set.tv_sec = -1;
    ck_assert_int_eq(sys_clock_settime(CLOCK_REALTIME, U(&set)), -EINVAL);
    set.tv_sec = 1000000000;
    ck_assert_int_eq(sys_clock_settime(CLOCK_REALTIME, U(&set)), 0);
    ck_assert_int_eq(sys_clock_gettime(CLOCK_REALTIME, U(&t)), 0);
    ck_assert_int_ge(t.tv_sec, 1000000000);
    ck_assert_int_le(t.tv_sec, 1000000005);
    ck_assert_int_ge(sys_time(uaddr(0)), 1000000000);
    ck_assert_int_le(sys_time(uaddr(0)), 1000000005);
}
END_TEST

START_TEST(test_timeofday_times_rusage)
{
    struct __kernel_old_timeval tv;
    struct { int a, b; } tz = {7, 7};
    int64_t before = host_ns(CLOCK_REALTIME) / 1000;
    ck_assert_int_eq(sys_gettimeofday(U(&tv), U(&tz)), 0);
    ck_assert_int_ge(tv.tv_sec * 1000000ll + tv.tv_usec, before);
    ck_assert_int_lt(tv.tv_usec, 1000000);
    ck_assert_int_eq(tz.a, 0);
    ck_assert_int_eq(sys_gettimeofday(uaddr(0), uaddr(0)), 0);
    ck_assert_int_eq(sys_gettimeofday(uaddr(0x10), uaddr(0)), -EFAULT);
    ck_assert_int_eq(sys_gettimeofday(uaddr(0), uaddr(0x10)), -EFAULT);
    int64_t t = 0;
    long r = sys_time(U(&t));
    ck_assert_int_eq(r, t);
    ck_assert_int_ge(t, before / 1000000);
    ck_assert_int_eq(sys_time(uaddr(0x10)), -EFAULT);
    struct tms tm;
    long ticks = sys_times(U(&tm));
    ck_assert_int_ge(ticks, 0);
    ck_assert_int_ge(sys_times(uaddr(0)), ticks); /* NULL: fine */
    ck_assert_int_eq(sys_times(uaddr(0x10)), -EFAULT);
    struct rusage ru;
    ck_assert_int_eq(sys_getrusage(RUSAGE_SELF, U(&ru)), 0);
    ck_assert_int_lt(ru.ru_utime.tv_usec, 1000000);
    ck_assert_int_eq(sys_getrusage(RUSAGE_CHILDREN, U(&ru)), 0);
    ck_assert_int_eq(ru.ru_utime.tv_sec, 0);
    ck_assert_int_eq(ru.ru_utime.tv_usec, 0);
    ck_assert_int_eq(sys_getrusage(RUSAGE_THREAD, U(&ru)), 0);
    ck_assert_int_eq(sys_getrusage(RUSAGE_BOTH, U(&ru)), -EINVAL);
    ck_assert_int_eq(sys_getrusage(5, U(&ru)), -EINVAL);
    ck_assert_int_eq(sys_getrusage(RUSAGE_SELF, uaddr(0x10)), -EFAULT);
}
END_TEST

START_TEST(test_nanosleep)
{
    struct __kernel_timespec t = {0, 0};
    ck_assert_int_eq(sys_nanosleep(U(&t), uaddr(0)), 0);
    t.tv_nsec = 1000;
    ck_assert_int_eq(sys_nanosleep(U(&t), uaddr(0)), 0);
    t.tv_nsec = NS;
    ck_assert_int_eq(sys_nanosleep(U(&t), uaddr(0)), -EINVAL);
    t.tv_nsec = -1;
    ck_assert_int_eq(sys_nanosleep(U(&t), uaddr(0)), -EINVAL);
    t.tv_nsec = 0;
    t.tv_sec = -1;
    ck_assert_int_eq(sys_nanosleep(U(&t), uaddr(0)), -EINVAL);
    ck_assert_int_eq(sys_nanosleep(uaddr(0x10), uaddr(0)), -EFAULT);
    ck_assert_int_eq(sys_nanosleep(uaddr(0), uaddr(0)), -EFAULT);
    /* clock_nanosleep: which clocks, which flags */
    t.tv_sec = 0;
    ck_assert_int_eq(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, U(&t), uaddr(0)), 0);
    ck_assert_int_eq(sys_clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, U(&t), uaddr(0)), -EINVAL);
    ck_assert_int_eq(sys_clock_nanosleep(CLOCK_MONOTONIC_RAW, 0, U(&t), uaddr(0)), -EOPNOTSUPP);
    ck_assert_int_eq(sys_clock_nanosleep(CLOCK_REALTIME_COARSE, 0, U(&t), uaddr(0)), -EOPNOTSUPP);
    ck_assert_int_eq(sys_clock_nanosleep(100, 0, U(&t), uaddr(0)), -EINVAL);
    ck_assert_int_eq(sys_clock_nanosleep(CLOCK_MONOTONIC, 2, U(&t), uaddr(0)), -EINVAL);
    ck_assert_int_eq(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, uaddr(0x10), uaddr(0)), -EFAULT);
    t.tv_nsec = NS;
    ck_assert_int_eq(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, U(&t), uaddr(0)), -EINVAL);
    /* an absolute time in the past returns at once */
    t.tv_sec = 1;
    t.tv_nsec = 0;
    ck_assert_int_eq(sys_clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, U(&t), uaddr(0)), 0);
    ck_assert_int_eq(sys_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, U(&t), uaddr(0)), 0);
    /* an absolute time a few microseconds ahead is waited for */
    struct __kernel_timespec now;
    ck_assert_int_eq(sys_clock_gettime(CLOCK_MONOTONIC, U(&now)), 0);
    int64_t until = ts_ns(&now) + 200000;
    t.tv_sec = until / NS;
    t.tv_nsec = until % NS;
    ck_assert_int_eq(sys_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, U(&t), uaddr(0)), 0);
    ck_assert_int_ge(host_ns(CLOCK_MONOTONIC), until);
}
END_TEST

static Suite *time_suite(void)
{
    Suite *s = suite_create("abi_time");
    TCase *tc = tcase_create("time");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_clock_gettime);
    tcase_add_test(tc, test_clock_getres_settime);
    tcase_add_test(tc, test_timeofday_times_rusage);
    tcase_add_test(tc, test_nanosleep);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(time_suite());
}
