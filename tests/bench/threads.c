/* threads: thread costs, in us per operation (one number on stdout).
 *
 *   threads create N   pthread_create + pthread_join of a thread that
 *                      returns at once
 *   threads futex N    a futex ping-pong between two threads: one round
 *                      trip is two FUTEX_WAKEs and two waits, so two
 *                      wake-ups and two context switches
 *   threads yield N    two threads taking turns with sched_yield: one
 *                      turn is one context switch (on one CPU)
 *   threads work T N   T threads each doing N million steps of arithmetic,
 *                      in ms of wall time: run it on 1 CPU and on 2 for the
 *                      speed-up
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *nothing(void *arg) { return arg; }

static long work_steps;
static void *work(void *arg)
{
    uint64_t x = (uint64_t)(uintptr_t)arg + 1;
    for (long i = 0; i < work_steps; i++)
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    return (void *)(uintptr_t)(x & 1);
}

static _Atomic uint32_t turn; /* whose move: 0 main, 1 the partner */
static long rounds;

static void futex_wait(_Atomic uint32_t *w, uint32_t v)
{
    while (atomic_load(w) == v)
        syscall(SYS_futex, w, 128 /* FUTEX_WAIT_PRIVATE */, v, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *w)
{
    syscall(SYS_futex, w, 129 /* FUTEX_WAKE_PRIVATE */, 1, NULL, NULL, 0);
}

static void *futex_partner(void *arg)
{
    (void)arg;
    for (long i = 0; i < rounds; i++) {
        futex_wait(&turn, 0);
        atomic_store(&turn, 0);
        futex_wake(&turn);
    }
    return NULL;
}

static _Atomic long yields;
static void *yield_partner(void *arg)
{
    (void)arg;
    while (atomic_load(&yields) < rounds)
        sched_yield();
    return NULL;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "create";
    long n = argc > 2 ? atol(argv[2]) : 1000;
    pthread_t t;
    long long t0, t1;
    if (n <= 0)
        return 1;
    rounds = n;
    if (!strcmp(mode, "create")) {
        t0 = now_ns();
        for (long i = 0; i < n; i++) {
            if (pthread_create(&t, NULL, nothing, NULL))
                return 1;
            pthread_join(t, NULL);
        }
        t1 = now_ns();
    } else if (!strcmp(mode, "futex")) {
        pthread_create(&t, NULL, futex_partner, NULL);
        t0 = now_ns();
        for (long i = 0; i < n; i++) {
            atomic_store(&turn, 1);
            futex_wake(&turn);
            futex_wait(&turn, 1);
        }
        t1 = now_ns();
        pthread_join(t, NULL);
    } else if (!strcmp(mode, "yield")) {
        pthread_create(&t, NULL, yield_partner, NULL);
        t0 = now_ns();
        while (atomic_fetch_add(&yields, 1) < n)
            sched_yield();
        t1 = now_ns();
        pthread_join(t, NULL);
        n *= 2; /* each of our yields, and each of its, is a switch */
    } else if (!strcmp(mode, "work")) {
        long nt = n, steps = argc > 3 ? atol(argv[3]) : 100;
        pthread_t ts[64];
        if (nt > 64 || steps <= 0)
            return 1;
        work_steps = steps * 1000000;
        t0 = now_ns();
        for (long i = 0; i < nt; i++)
            pthread_create(&ts[i], NULL, work, (void *)i);
        for (long i = 0; i < nt; i++)
            pthread_join(ts[i], NULL);
        t1 = now_ns();
        printf("%.1f\n", (double)(t1 - t0) / 1e6);
        return 0;
    } else {
        fprintf(stderr, "usage: threads create|futex|yield N | work THREADS MSTEPS\n");
        return 2;
    }
    printf("%.2f\n", (double)(t1 - t0) / n / 1000);
    return 0;
}
