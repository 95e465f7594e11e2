/* epoll_chaos: a fixed pseudo-random sequence of epoll, pipe, eventfd,
 * signalfd, kill, dup, close, read and write calls over a small fd range, with epolls
 * nested in epolls; every result is printed, so the host's Linux checks
 * each one (errors, counts, events in order). Also a hostile workout:
 * the guest kernel must come through it. */
#include "abi.h"
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

#define LO 3
#define HI 40 /* fds LO..HI-1 are played with */

static uint32_t seed = 12345;

static uint32_t rnd(uint32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

static int any_fd(void)
{
    return LO + (int)rnd(HI - LO);
}

static const unsigned masks[] = {
    EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLOUT, EPOLLIN | EPOLLET, EPOLLOUT | EPOLLET,
    EPOLLIN | EPOLLONESHOT, 0, EPOLLIN | EPOLLEXCLUSIVE, EPOLLRDHUP | EPOLLIN,
    EPOLLIN | EPOLLOUT | EPOLLET | EPOLLONESHOT,
};

static void step(int i)
{
    int a = any_fd(), b = any_fd();
    long r;
    switch (rnd(14)) {
    case 12: {
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, rnd(2) ? SIGUSR1 : SIGUSR2);
        if (rnd(2))
            sigaddset(&m, SIGUSR1);
        r = signalfd(rnd(3) ? -1 : a, &m, SFD_NONBLOCK);
        printf("%d signalfd %ld %s\n", i, r, r < 0 ? errname(errno) : "");
        return;
    }
    case 13:
        r = kill(getpid(), rnd(2) ? SIGUSR1 : SIGUSR2);
        printf("%d kill %ld\n", i, r);
        return;
    case 0:
        r = epoll_create1(0);
        printf("%d create %ld\n", i, r);
        return;
    case 1: {
        int p[2];
        r = pipe2(p, O_NONBLOCK);
        printf("%d pipe %ld %d %d\n", i, r, r ? -1 : p[0], r ? -1 : p[1]);
        return;
    }
    case 2:
        r = eventfd(rnd(3), EFD_NONBLOCK | (rnd(2) ? EFD_SEMAPHORE : 0));
        printf("%d eventfd %ld\n", i, r);
        return;
    case 3:
        r = close(a);
        printf("%d close %d %ld %s\n", i, a, r, r ? errname(errno) : "");
        return;
    case 4:
        r = dup2(a, b);
        printf("%d dup2 %d %d %ld %s\n", i, a, b, r, r < 0 ? errname(errno) : "");
        return;
    case 5:
    case 6:
    case 7: {
        int op = 1 + (int)rnd(3);
        struct epoll_event ev = {.events = masks[rnd(sizeof masks / sizeof masks[0])],
                                 .data.u64 = (uint64_t)b};
        r = epoll_ctl(a, op, b, &ev);
        printf("%d ctl %d %d %d %#x %ld %s\n", i, a, op, b, ev.events, r,
               r ? errname(errno) : "");
        return;
    }
    case 8:
    case 9: {
        struct epoll_event evs[8];
        r = epoll_wait(a, evs, 1 + (int)rnd(8), 0);
        printf("%d wait %d %ld %s", i, a, r, r < 0 ? errname(errno) : "");
        for (long k = 0; k < r; k++)
            printf(" [%#x %llu]", evs[k].events, (unsigned long long)evs[k].data.u64);
        printf("\n");
        return;
    }
    case 10: {
        uint64_t v = 1 + rnd(3);
        r = write(a, &v, 8);
        printf("%d write %d %ld %s\n", i, a, r, r < 0 ? errname(errno) : "");
        return;
    }
    default: {
        char buf[128];
        r = read(a, buf, rnd(2) ? 8 : 128);
        printf("%d read %d %ld %s\n", i, a, r, r < 0 ? errname(errno) : "");
        return;
    }
    }
}

int main(int argc, char **argv)
{
    if (argc > 1) /* another sequence, for exploring */
        seed = (uint32_t)strtoul(argv[1], NULL, 0);
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    signal(SIGPIPE, SIG_IGN);
    sigset_t block; /* signalfds read them */
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    for (int fd = LO; fd < HI; fd++) /* whatever the caller left open */
        close(fd);
    struct rlimit rl = {HI, HI}; /* new fds stay below HI: EMFILE past it */
    REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    for (int i = 0; i < 4000; i++)
        step(i);
    /* and every fd's readiness at the end */
    struct pollfd p[HI];
    for (int fd = 0; fd < HI; fd++)
        p[fd] = (struct pollfd){.fd = fd < LO ? -1 : fd, .events = POLLIN | POLLOUT};
    printf("poll %d\n", poll(p, HI, 0));
    for (int fd = LO; fd < HI; fd++)
        printf("fd %d revents %#x\n", fd, (unsigned short)p[fd].revents);
    return 0;
}
