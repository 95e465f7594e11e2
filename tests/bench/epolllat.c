/* epolllat: epoll_wait wake-up latency between two processes: each waits
 * in epoll_wait on its own eventfd and wakes the other through the
 * other's, in us per round trip (two wake-ups). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Wait for our eventfd (through epoll), take its count, post the other. */
static int hop(int ep, int mine, int other)
{
    struct epoll_event ev;
    uint64_t v = 1;
    if (epoll_wait(ep, &ev, 1, -1) != 1 || read(mine, &v, 8) != 8)
        return -1;
    return write(other, &v, 8) == 8 ? 0 : -1;
}

static int waiter(int fd)
{
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN};
    return ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -1 : ep;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    int to_child = eventfd(0, 0), to_parent = eventfd(0, 0), status;
    if (n <= 0 || to_child < 0 || to_parent < 0) {
        perror("epolllat: eventfd");
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("epolllat: fork");
        return 1;
    }
    if (pid == 0) { /* echo every post back, n + 100 times */
        int ep = waiter(to_child);
        for (long i = 0; i < n + 100; i++)
            if (ep < 0 || hop(ep, to_child, to_parent) < 0)
                _exit(1);
        _exit(0);
    }
    int ep = waiter(to_parent);
    uint64_t v = 1;
    struct epoll_event ev;
    long long t0 = 0;
    for (long i = 0; i < n + 100; i++) {
        if (i == 100) /* warmed up */
            t0 = now_ns();
        if (ep < 0 || write(to_child, &v, 8) != 8 || epoll_wait(ep, &ev, 1, -1) != 1 ||
            read(to_parent, &v, 8) != 8) {
            perror("epolllat: round trip");
            return 1;
        }
    }
    long long t1 = now_ns();
    if (waitpid(pid, &status, 0) != pid || status != 0) {
        perror("epolllat: child");
        return 1;
    }
    printf("%.2f\n", (double)(t1 - t0) / n / 1000);
    return 0;
}
