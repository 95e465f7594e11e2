/* epoll: epoll_ctl's error rules, level- and edge-triggered reporting,
 * EPOLLONESHOT, EPOLLHUP/EPOLLERR, the (file, fd) keying of items when
 * fds are closed and duplicated, turn-taking with a small buffer, nested
 * epolls and their nesting and wake-up path limits, EINTR, epoll_pwait2 timeouts, and
 * EPOLLEXCLUSIVE waking one of two waiting processes. */
#include "abi.h"
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static int add(int ep, int fd, unsigned events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int mod(int ep, int fd, unsigned events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* One epoll_wait with a zero timeout, its events printed in order. */
static void show_wait(const char *what, int ep, int max)
{
    struct epoll_event evs[16];
    int n = epoll_wait(ep, evs, max, 0);
    printf("%s: %d", what, n);
    if (n < 0)
        printf(" %s", errname(errno));
    for (int i = 0; i < n; i++)
        printf(" [%#x %llu]", evs[i].events, (unsigned long long)evs[i].data.u64);
    printf("\n");
}

static void ctl_errors(void)
{
    SHOW(epoll_create(0));
    SHOW(epoll_create(-1));
    SHOW(epoll_create1(1));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    REQUIRE(ep >= 0);
    SHOW(fcntl(ep, F_GETFD));
    char path[64], link[64] = {0};
    snprintf(path, sizeof path, "/proc/self/fd/%d", ep);
    SHOW(readlink(path, link, sizeof link - 1));
    printf("link %s\n", link);
    int p[2];
    REQUIRE(pipe(p) == 0);
    int reg = open("file", O_CREAT | O_RDWR, 0600);
    int null = open("/dev/null", O_RDWR);
    REQUIRE(reg >= 0 && null >= 0);
    struct epoll_event ev = {.events = EPOLLIN};
    SHOW(epoll_ctl(99, EPOLL_CTL_ADD, p[0], &ev));
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, 99, &ev));
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev));
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, null, &ev));
    int opath = open(".", O_PATH);
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, opath, &ev));
    close(opath);
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
    SHOW(epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev));
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL));
    SHOW(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    SHOW(epoll_ctl(ep, 99, p[0], &ev));
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    SHOW(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    /* EPOLLEXCLUSIVE: ADD only, with few other bits, not on epolls */
    SHOW(add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1));
    SHOW(mod(ep, p[0], EPOLLIN, 1));
    SHOW(mod(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1));
    SHOW(add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 2));
    SHOW(add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLRDNORM, 2));
    SHOW(add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLET, 2));
    SHOW(mod(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE, 2));
    int ep2 = epoll_create1(0);
    SHOW(add(ep, ep2, EPOLLIN | EPOLLEXCLUSIVE, 3));
    /* epoll_wait's arguments */
    struct epoll_event out[2];
    SHOW(epoll_wait(ep, out, 0, 0));
    SHOW(syscall(SYS_epoll_wait, ep, out, -1, 0));
    SHOW(epoll_wait(99, out, 2, 0));
    SHOW(epoll_wait(p[0], out, 2, 0));
    SHOW(syscall(SYS_epoll_wait, ep, (void *)0xffff800000000000ull, 2, 0));
    SHOW(syscall(SYS_epoll_pwait, ep, out, 2, 0, NULL, 8));
    sigset_t none;
    sigemptyset(&none);
    SHOW(syscall(SYS_epoll_pwait, ep, out, 2, 0, &none, 4));
    struct timespec bad = {0, 1000000000};
    SHOW(syscall(SYS_epoll_pwait2, ep, out, 2, &bad, NULL, 8));
    close(ep2);
    close(reg);
    close(null);
    close(p[0]);
    close(p[1]);
    close(ep);
}

static void triggers(void)
{
    int ep = epoll_create1(0), p[2], q[2], r[2];
    REQUIRE(ep >= 0 && pipe(p) == 0 && pipe(q) == 0 && pipe(r) == 0);
    char buf[16];
    /* level-triggered */
    SHOW(add(ep, p[0], EPOLLIN, 10));
    show_wait("lt empty", ep, 8);
    SHOW(write(p[1], "ab", 2));
    show_wait("lt data", ep, 8);
    show_wait("lt data again", ep, 8);
    SHOW(read(p[0], buf, 2));
    show_wait("lt drained", ep, 8);
    SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    /* edge-triggered */
    SHOW(add(ep, q[0], EPOLLIN | EPOLLET, 20));
    show_wait("et empty", ep, 8);
    SHOW(write(q[1], "abc", 3));
    show_wait("et data", ep, 8);
    show_wait("et no new edge", ep, 8);
    SHOW(read(q[0], buf, 1));
    show_wait("et after partial read", ep, 8);
    SHOW(write(q[1], "d", 1));
    show_wait("et new data", ep, 8);
    SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL));
    /* one-shot */
    SHOW(add(ep, r[0], EPOLLIN | EPOLLONESHOT, 30));
    SHOW(write(r[1], "x", 1));
    show_wait("oneshot", ep, 8);
    show_wait("oneshot fired", ep, 8);
    SHOW(write(r[1], "y", 1));
    show_wait("oneshot more data", ep, 8);
    SHOW(mod(ep, r[0], EPOLLIN | EPOLLONESHOT, 31));
    show_wait("oneshot re-armed", ep, 8);
    show_wait("oneshot fired again", ep, 8);
    /* hang-ups and errors come unasked */
    SHOW(add(ep, p[0], 0, 40));
    SHOW(add(ep, q[1], EPOLLOUT, 41));
    show_wait("out ready", ep, 8);
    close(p[1]);
    close(q[0]);
    show_wait("hup and err", ep, 8);
    close(p[0]);
    close(q[1]);
    close(r[0]);
    close(r[1]);
    close(ep);
}

/* Items are keyed by (file, fd): a closed fd's item lives while its file
 * does; the last close of the file removes every item on it. */
static void closing(void)
{
    int ep = epoll_create1(0), p[2];
    REQUIRE(ep >= 0 && pipe(p) == 0);
    int rd = p[0], dup_rd = dup(p[0]);
    SHOW(add(ep, rd, EPOLLIN, 50));
    SHOW(add(ep, dup_rd, EPOLLIN, 51));
    SHOW(close(rd));
    SHOW(write(p[1], "z", 1));
    show_wait("after closing one fd", ep, 8);
    SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, rd, NULL));
    int q[2];
    REQUIRE(pipe(q) == 0); /* takes rd's number: a new file */
    printf("reused %d\n", q[0] == rd);
    SHOW(add(ep, q[0], EPOLLIN, 52));
    SHOW(close(dup_rd));
    show_wait("after closing the file", ep, 8);
    SHOW(write(q[1], "w", 1));
    show_wait("new file", ep, 8);
    close(q[0]);
    close(q[1]);
    close(p[1]);
    close(ep);
}

/* Level-triggered items go to the back after being reported. */
static void turns(void)
{
    int ep = epoll_create1(0), e[3];
    REQUIRE(ep >= 0);
    for (int i = 0; i < 3; i++) {
        e[i] = eventfd(1, 0);
        REQUIRE(e[i] >= 0);
        SHOW(add(ep, e[i], EPOLLIN, 60 + i));
    }
    for (int i = 0; i < 4; i++)
        show_wait("max 1", ep, 1);
    show_wait("max 2", ep, 2);
    show_wait("max 8", ep, 8);
    for (int i = 0; i < 3; i++)
        close(e[i]);
    show_wait("all closed", ep, 8);
    close(ep);
}

static void nested(void)
{
    int outer = epoll_create1(0), inner = epoll_create1(0), p[2];
    REQUIRE(outer >= 0 && inner >= 0 && pipe(p) == 0);
    SHOW(add(inner, p[0], EPOLLIN, 70));
    SHOW(add(outer, inner, EPOLLIN, 71));
    struct pollfd pf = {.fd = inner, .events = POLLIN};
    SHOW(poll(&pf, 1, 0));
    show_wait("outer empty", outer, 8);
    SHOW(write(p[1], "n", 1));
    SHOW(poll(&pf, 1, 0));
    printf("revents %#x\n", pf.revents);
    show_wait("outer", outer, 8);
    show_wait("inner", inner, 8);
    SHOW(add(inner, outer, EPOLLIN, 72)); /* a cycle */
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", outer);
    FILE *fi = fopen(path, "r");
    while (fi && fgets(line, sizeof line, fi))
        if (!strncmp(line, "tfd:", 4))
            printf("fdinfo %.*s\n", 59, line); /* not pos, ino, sdev */
    if (fi)
        fclose(fi);
    char c;
    SHOW(read(p[0], &c, 1));
    show_wait("outer drained", outer, 8);
    close(inner);
    close(outer);
    close(p[0]);
    close(p[1]);
    /* a chain of epolls: how deep it may go */
    int e[8];
    for (int i = 0; i < 8; i++)
        REQUIRE((e[i] = epoll_create1(0)) >= 0);
    for (int i = 0; i + 1 < 8; i++) {
        int r = add(e[i + 1], e[i], EPOLLIN, 0);
        printf("chain %d into %d: %d %s\n", i, i + 1, r, r ? errname(errno) : "");
    }
    for (int i = 0; i < 8; i++)
        close(e[i]);
}

/* Linux bounds the wake-up paths from a file up through nested epolls:
 * 500 of one nesting level, ... 10 of four; past them ADD is EINVAL. */
static void paths(void)
{
    int p[2], q[2], r[2];
    REQUIRE(pipe(p) == 0 && pipe(q) == 0 && pipe(r) == 0);
    int d = epoll_create1(0), tops[600], ntops = 0;
    SHOW(add(d, p[0], EPOLLIN, 0));
    for (int i = 0; i < 600; i++) {
        int a = epoll_create1(0);
        REQUIRE(a >= 0);
        tops[ntops++] = a;
        if (add(a, d, EPOLLIN, 0)) {
            printf("fan-in of one level fails at %d %s\n", i, errname(errno));
            break;
        }
    }
    int c[4];
    c[0] = epoll_create1(0);
    SHOW(add(c[0], q[0], EPOLLIN, 0));
    for (int k = 1; k < 4; k++) {
        c[k] = epoll_create1(0);
        SHOW(add(c[k], c[k - 1], EPOLLIN, 0));
    }
    for (int i = 0; i < 20; i++) {
        int a = epoll_create1(0);
        tops[ntops++] = a;
        if (add(a, c[3], EPOLLIN, 0)) {
            printf("fan-in of four levels fails at %d %s\n", i, errname(errno));
            break;
        }
    }
    SHOW(add(c[0], r[0], EPOLLIN, 0));
    SHOW(add(c[2], r[1], EPOLLOUT, 0));
    /* a write at the bottom reaches all ten tops */
    SHOW(write(q[1], "b", 1));
    int woken = 0;
    for (int i = 0; i < ntops; i++) {
        struct epoll_event ev;
        woken += epoll_wait(tops[i], &ev, 1, 0) == 1;
    }
    printf("tops woken %d\n", woken);
    for (int i = 0; i < ntops; i++)
        close(tops[i]);
    for (int k = 0; k < 4; k++)
        close(c[k]);
    close(d);
    for (int k = 0; k < 2; k++) {
        close(p[k]);
        close(q[k]);
        close(r[k]);
    }
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void interrupted(void)
{
    int ep = epoll_create1(0), p[2];
    REQUIRE(ep >= 0 && pipe(p) == 0);
    SHOW(add(ep, p[0], EPOLLIN, 80));
    struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct epoll_event ev;
    SHOW(epoll_wait(ep, &ev, 1, 5000)); /* EINTR despite SA_RESTART */
    struct timespec ts = {0, 20000000};
    SHOW(syscall(SYS_epoll_pwait2, ep, &ev, 1, &ts, NULL, 8));
    printf("left %ld %ld\n", (long)ts.tv_sec, ts.tv_nsec); /* not written back */
    SHOW(epoll_wait(ep, &ev, 1, 30));
    /* a blocked signal, let through only during epoll_pwait */
    sigset_t block, none;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &block, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    SHOW(epoll_wait(ep, &ev, 1, 200)); /* the alarm stays pending */
    SHOW(epoll_pwait(ep, &ev, 1, 5000, &none));
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("still blocked %d\n", sigismember(&now, SIGALRM));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    close(p[0]);
    close(p[1]);
    close(ep);
}

/* Two processes each wait in their own epoll with an EPOLLEXCLUSIVE item
 * on one eventfd: one write wakes exactly one of them. */
static void exclusive(void)
{
    int efd = eventfd(0, 0), rep[2], go[2];
    REQUIRE(efd >= 0 && pipe(rep) == 0 && pipe(go) == 0);
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        REQUIRE(kids[i] >= 0);
        if (kids[i] == 0) {
            int ep = epoll_create1(0);
            add(ep, efd, EPOLLIN | EPOLLEXCLUSIVE, 90);
            write(go[1], "r", 1);
            struct epoll_event ev;
            int n = epoll_wait(ep, &ev, 1, 10000);
            char c = n == 1 ? 'w' : 'x';
            write(rep[1], &c, 1);
            _exit(0);
        }
    }
    char c;
    for (int i = 0; i < 2; i++)
        REQUIRE(read(go[0], &c, 1) == 1);
    usleep(300000); /* both asleep in epoll_wait */
    uint64_t one = 1;
    SHOW(write(efd, &one, 8));
    int ep = epoll_create1(0);
    SHOW(add(ep, rep[0], EPOLLIN, 91));
    struct epoll_event ev;
    SHOW(epoll_wait(ep, &ev, 1, 5000));
    SHOW(read(rep[0], &c, 1));
    printf("woken %c\n", c);
    usleep(300000);
    show_wait("a second one woken", ep, 8); /* must not be */
    SHOW(write(efd, &one, 8));
    SHOW(epoll_wait(ep, &ev, 1, 5000));
    SHOW(read(rep[0], &c, 1));
    printf("woken %c\n", c);
    for (int i = 0; i < 2; i++)
        waitpid(kids[i], NULL, 0);
    close(ep);
    close(efd);
}

/* A child shares the parent's epoll file: its writes wake the parent. */
static void forked(void)
{
    int ep = epoll_create1(0), p[2];
    REQUIRE(ep >= 0 && pipe(p) == 0);
    SHOW(add(ep, p[0], EPOLLIN, 95));
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        write(p[1], "k", 1);
        _exit(0);
    }
    struct epoll_event ev = {0};
    SHOW(epoll_wait(ep, &ev, 1, 5000));
    printf("events %#x data %llu\n", ev.events, (unsigned long long)ev.data.u64);
    waitpid(pid, NULL, 0);
    close(ep);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    abi_enter_tmpdir();
    ctl_errors();
    triggers();
    closing();
    turns();
    nested();
    paths();
    interrupted();
    exclusive();
    forked();
    return 0;
}
