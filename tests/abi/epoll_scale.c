/* Event-driven I/O at scale: RLIMIT_NOFILE raised to its hard limit, 1,100
 * pipes (2,200 fds) in one epoll, level- and edge-triggered; poll(),
 * ppoll() and select() on all 2,200 fds at once; a wake-up through many
 * idle items. */
#include "abi.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#define NPIPES 1100

static int rd[NPIPES], wr[NPIPES];
static struct epoll_event evs[NPIPES];
static struct pollfd pfd[2 * NPIPES];

static void fill_pipes(void)
{
    struct rlimit rl;
    REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    printf("hard limit at least 4096: %d\n", rl.rlim_max >= 4096);
    rl.rlim_cur = 4096;
    SHOW(setrlimit(RLIMIT_NOFILE, &rl));
    for (int i = 0; i < NPIPES; i++) {
        int p[2];
        REQUIRE(pipe(p) == 0);
        rd[i] = p[0];
        wr[i] = p[1];
    }
    printf("highest fd above 2200: %d\n", wr[NPIPES - 1] > 2200);
}

/* Sum and count of the data of n events: order-independent. */
static void show_events(const char *what, int n)
{
    unsigned long long sum = 0;
    unsigned in = 0;
    for (int i = 0; i < n; i++) {
        sum += evs[i].data.u64;
        in += (evs[i].events & EPOLLIN) != 0;
    }
    printf("%s: %d events, %u EPOLLIN, data sum %llu\n", what, n, in, sum);
}

static void epoll_many(void)
{
    int ep = epoll_create1(0);
    REQUIRE(ep >= 0);
    int added = 0;
    for (int i = 0; i < NPIPES; i++) {
        struct epoll_event ev = {.events = EPOLLIN | (i % 2 ? EPOLLET : 0), .data.u64 = i};
        added += epoll_ctl(ep, EPOLL_CTL_ADD, rd[i], &ev) == 0;
    }
    printf("added %d\n", added);
    show_events("idle", epoll_wait(ep, evs, NPIPES, 0));
    for (int i = 0; i < NPIPES; i += 7)
        REQUIRE(write(wr[i], "x", 1) == 1);
    show_events("every 7th", epoll_wait(ep, evs, NPIPES, 0));
    show_events("again (level-triggered half)", epoll_wait(ep, evs, NPIPES, 0));
    int taken = 0;
    for (int round = 0; round < 10; round++)
        taken += epoll_wait(ep, evs, 16, 0);
    printf("ten waits of 16: %d\n", taken);
    char c;
    for (int i = 0; i < NPIPES; i += 7)
        REQUIRE(read(rd[i], &c, 1) == 1);
    show_events("drained", epoll_wait(ep, evs, NPIPES, 0));
    /* one writer among 1,100 idle items, from another process */
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        write(wr[NPIPES - 1], "y", 1);
        _exit(0);
    }
    show_events("woken by the last", epoll_wait(ep, evs, NPIPES, 5000));
    waitpid(pid, NULL, 0);
    REQUIRE(read(rd[NPIPES - 1], &c, 1) == 1);
    /* removing half, by DEL and by close */
    int gone = 0;
    for (int i = 0; i < NPIPES; i += 2)
        gone += epoll_ctl(ep, EPOLL_CTL_DEL, rd[i], NULL) == 0;
    printf("deleted %d\n", gone);
    for (int i = 0; i < NPIPES; i++)
        REQUIRE(write(wr[i], "z", 1) == 1);
    show_events("all written, half registered", epoll_wait(ep, evs, NPIPES, 0));
    for (int i = 0; i < NPIPES; i++)
        REQUIRE(read(rd[i], &c, 1) == 1);
    close(ep);
}

static void poll_many(void)
{
    for (int i = 0; i < NPIPES; i++) {
        pfd[2 * i] = (struct pollfd){.fd = rd[i], .events = POLLIN};
        pfd[2 * i + 1] = (struct pollfd){.fd = wr[i], .events = POLLOUT};
    }
    SHOW(poll(pfd, 2 * NPIPES, 0));
    for (int i = 0; i < NPIPES; i++)
        pfd[2 * i + 1].events = 0;
    SHOW(poll(pfd, 2 * NPIPES, 0));
    for (int i = 3; i < NPIPES; i += 100)
        REQUIRE(write(wr[i], "p", 1) == 1);
    SHOW(poll(pfd, 2 * NPIPES, 0));
    int in = 0;
    for (int i = 0; i < 2 * NPIPES; i++)
        in += pfd[i].revents == POLLIN;
    printf("readable %d\n", in);
    /* a sleeping poll over every fd, woken by a child's write */
    char c;
    for (int i = 3; i < NPIPES; i += 100)
        REQUIRE(read(rd[i], &c, 1) == 1);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        write(wr[NPIPES / 2], "q", 1);
        _exit(0);
    }
    SHOW(poll(pfd, 2 * NPIPES, 5000));
    printf("woken by the middle %d\n", pfd[2 * (NPIPES / 2)].revents == POLLIN);
    waitpid(pid, NULL, 0);
    struct timespec ts = {0, 0};
    SHOW(ppoll(pfd, 2 * NPIPES, &ts, NULL));
    /* select past FD_SETSIZE, through the raw syscall: 4,096-bit sets */
    static uint64_t rset[64], wset[64];
    for (int i = 0; i < NPIPES; i++) {
        rset[rd[i] / 64] |= 1ull << (rd[i] % 64);
        wset[wr[i] / 64] |= 1ull << (wr[i] % 64);
    }
    struct timeval tv = {0, 0};
    SHOW(syscall(SYS_select, wr[NPIPES - 1] + 1, rset, wset, NULL, &tv));
    int rbits = 0, wbits = 0;
    for (int k = 0; k < 64; k++) {
        rbits += __builtin_popcountll(rset[k]);
        wbits += __builtin_popcountll(wset[k]);
    }
    printf("select readable %d writable %d\n", rbits, wbits);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = 1024;
    setrlimit(RLIMIT_NOFILE, &rl);
    SHOW(poll(pfd, 2 * NPIPES, 0)); /* more than the soft limit */
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    fill_pipes();
    epoll_many();
    poll_many();
    return 0;
}
