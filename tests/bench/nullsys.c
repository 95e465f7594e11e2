/* nullsys: the cost of a trivial syscall, in ns per call (getpid). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    long sum = 0;
    for (long i = 0; i < 1000; i++) /* warm up */
        sum += syscall(SYS_getpid);
    long long t0 = now_ns();
    for (long i = 0; i < n; i++)
        sum += syscall(SYS_getpid);
    long long t1 = now_ns();
    printf("%.1f\n", (double)(t1 - t0) / n);
    return sum == 0; /* keep the loop */
}
