/* clocks: clock_gettime, gettimeofday, time, nanosleep, clock_nanosleep. */
#include "abi.h"
#include <sys/time.h>
#include <time.h>

static long long ns(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Raw syscalls: a libc may answer clock_gettime from the vDSO instead. */
static long raw_gettime(clockid_t c, struct timespec *t)
{
    return syscall(SYS_clock_gettime, c, t);
}

static void clock_ok(const char *name, clockid_t c)
{
    struct timespec a, b;
    long r1 = raw_gettime(c, &a);
    long r2 = clock_gettime(c, &b);
    printf("%s: raw %s, libc %s, nsec in range %s, monotone %s\n", name,
           r1 == 0 ? "ok" : errname(errno), r2 == 0 ? "ok" : errname(errno),
           a.tv_nsec >= 0 && a.tv_nsec < 1000000000 ? "yes" : "no",
           ns(b) >= ns(a) ? "yes" : "no");
}

/* argv[1], if given, is the host's time when the test began: the guest's
 * wall clock must agree with it to within a minute. */
int main(int argc, char **argv)
{
    struct timespec a, b, req;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1) {
        long long host = atoll(argv[1]);
        raw_gettime(CLOCK_REALTIME, &a);
        printf("realtime within 60 s of the host's: %s\n",
               llabs((long long)a.tv_sec - host) <= 60 ? "yes" : "no");
    }

    clock_ok("CLOCK_REALTIME", CLOCK_REALTIME);
    clock_ok("CLOCK_MONOTONIC", CLOCK_MONOTONIC);
    clock_ok("CLOCK_MONOTONIC_RAW", CLOCK_MONOTONIC_RAW);
    clock_ok("CLOCK_REALTIME_COARSE", CLOCK_REALTIME_COARSE);
    clock_ok("CLOCK_MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE);
    clock_ok("CLOCK_BOOTTIME", CLOCK_BOOTTIME);
    SHOW(raw_gettime(12345, &a));
    SHOW(raw_gettime(-1, &a));

    /* Monotonic time advances across a busy loop. */
    raw_gettime(CLOCK_MONOTONIC, &a);
    do
        raw_gettime(CLOCK_MONOTONIC, &b);
    while (ns(b) == ns(a));
    printf("clock_gettime monotonic advances: yes\n");

    /* The wall clock is set: after 2020-01-01 and before 2100. */
    raw_gettime(CLOCK_REALTIME, &a);
    printf("realtime after 2020: %s\n", a.tv_sec > 1577836800 ? "yes" : "no");
    printf("realtime before 2100: %s\n", a.tv_sec < 4102444800 ? "yes" : "no");
    struct timeval tv;
    SHOW(syscall(SYS_gettimeofday, &tv, NULL));
    time_t t = syscall(SYS_time, NULL);
    time_t t2;
    syscall(SYS_time, &t2);
    YES(llabs((long long)tv.tv_sec - a.tv_sec) <= 2);
    YES(llabs((long long)t - a.tv_sec) <= 2 && llabs((long long)t2 - t) <= 2);
    YES(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    YES(llabs((long long)time(NULL) - a.tv_sec) <= 2);
    SHOW(syscall(SYS_gettimeofday, NULL, NULL));

    /* Sleeps last at least as long as asked. */
    req.tv_sec = 0;
    req.tv_nsec = 10 * 1000 * 1000;
    raw_gettime(CLOCK_MONOTONIC, &a);
    SHOW(nanosleep(&req, NULL));
    raw_gettime(CLOCK_MONOTONIC, &b);
    printf("nanosleep 10 ms slept at least 10 ms: %s\n",
           ns(b) - ns(a) >= 10000000 ? "yes" : "no");

    raw_gettime(CLOCK_MONOTONIC, &a);
    req.tv_nsec = 20 * 1000 * 1000;
    SHOW(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL));
    raw_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_nanosleep 20 ms relative slept enough: %s\n",
           ns(b) - ns(a) >= 20000000 ? "yes" : "no");

    raw_gettime(CLOCK_MONOTONIC, &a);
    req = a;
    req.tv_nsec += 15 * 1000 * 1000;
    if (req.tv_nsec >= 1000000000) {
        req.tv_sec++;
        req.tv_nsec -= 1000000000;
    }
    SHOW(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL));
    raw_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_nanosleep absolute reached its deadline: %s\n",
           ns(b) >= ns(req) ? "yes" : "no");
    /* A deadline in the past returns at once. */
    SHOW(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &a, NULL));
    req.tv_sec = 0;
    req.tv_nsec = 0;
    SHOW(nanosleep(&req, NULL));

    req.tv_nsec = 1000000000;
    SHOW(syscall(SYS_nanosleep, &req, NULL));
    req.tv_nsec = -1;
    SHOW(syscall(SYS_nanosleep, &req, NULL));
    req.tv_sec = -1;
    req.tv_nsec = 0;
    SHOW(syscall(SYS_nanosleep, &req, NULL));
    req.tv_sec = 0;
    SHOW(syscall(SYS_clock_nanosleep, 12345, 0, &req, NULL));
    return 0;
}
