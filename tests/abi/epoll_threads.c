/* epoll with threads: two threads asleep in epoll_wait on one epoll are
 * woken one per edge-triggered event; a thread blocked in epoll_wait is
 * woken by another thread's write; signalfd reads signals sent to the
 * process by any thread; epoll_wait and a blocking read go on when
 * another thread closes their fd under them. */
#include "abi.h"
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

static int ep, efd, report[2];

static void *waiter(void *arg)
{
    (void)arg;
    struct epoll_event ev;
    int n = epoll_wait(ep, &ev, 1, 3000);
    char c = n == 1 ? 'w' : n == 0 ? 't' : 'e';
    write(report[1], &c, 1);
    return NULL;
}

/* How many reports arrive within ms. */
static int reports_within(int ms)
{
    int pe = epoll_create1(0), n = 0;
    struct epoll_event ev = {.events = EPOLLIN};
    epoll_ctl(pe, EPOLL_CTL_ADD, report[0], &ev);
    while (epoll_wait(pe, &ev, 1, ms) == 1) {
        char c;
        read(report[0], &c, 1);
        n += c == 'w';
        ms = 100;
    }
    close(pe);
    return n;
}

static void one_per_edge(void)
{
    ep = epoll_create1(0);
    efd = eventfd(0, EFD_NONBLOCK);
    REQUIRE(ep >= 0 && efd >= 0 && pipe(report) == 0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET};
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        REQUIRE(pthread_create(&t[i], NULL, waiter, NULL) == 0);
    usleep(300000); /* both asleep in epoll_wait */
    uint64_t one = 1;
    SHOW(write(efd, &one, 8));
    printf("woken by the first edge: %d\n", reports_within(1000));
    SHOW(write(efd, &one, 8));
    printf("woken by the second edge: %d\n", reports_within(1000));
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    close(ep);
    close(efd);
    close(report[0]);
    close(report[1]);
}

static int sfd;

static void *signaller(void *arg)
{
    (void)arg;
    usleep(100000);
    kill(getpid(), SIGUSR1); /* to the process, from another thread */
    return NULL;
}

static void signals_from_a_thread(void)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &m, NULL); /* inherited by the new thread */
    sfd = signalfd(-1, &m, 0);
    int e = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 5};
    SHOW(epoll_ctl(e, EPOLL_CTL_ADD, sfd, &ev));
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, signaller, NULL) == 0);
    SHOW(epoll_wait(e, &ev, 1, 5000));
    struct signalfd_siginfo si;
    SHOW(read(sfd, &si, sizeof si));
    printf("signo %u\n", si.ssi_signo);
    pthread_join(t, NULL);
    close(e);
    close(sfd);
}

static void *closer(void *arg)
{
    usleep(100000);
    close(*(int *)arg);
    return NULL;
}

static void closed_under_wait(void)
{
    int e = epoll_create1(0), p[2];
    REQUIRE(e >= 0 && pipe(p) == 0);
    struct epoll_event ev = {.events = EPOLLIN};
    SHOW(epoll_ctl(e, EPOLL_CTL_ADD, p[0], &ev));
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, closer, &e) == 0);
    SHOW(epoll_wait(e, &ev, 1, 400)); /* times out: the file lives on */
    pthread_join(t, NULL);
    SHOW(epoll_wait(e, &ev, 1, 0));
    close(p[0]);
    close(p[1]);
}

/* A read blocked in an eventfd whose fd another thread closes goes on,
 * and takes what a write through a dup of it posts. */
static int efd_dup;

static void *close_then_post(void *arg)
{
    usleep(100000);
    close(*(int *)arg);
    usleep(100000);
    uint64_t v = 3;
    write(efd_dup, &v, 8);
    return NULL;
}

static void closed_under_read(void)
{
    int e = eventfd(0, 0);
    efd_dup = dup(e);
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, close_then_post, &e) == 0);
    uint64_t v = 0;
    SHOW(read(e, &v, 8));
    printf("value %llu\n", (unsigned long long)v);
    pthread_join(t, NULL);
    SHOW(fcntl(e, F_GETFD));
    close(efd_dup);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    one_per_edge();
    signals_from_a_thread();
    closed_under_wait();
    closed_under_read();
    return 0;
}
