/* eventfd, timerfd and signalfd: their argument rules, reads and writes,
 * poll and epoll readiness, eventfd's semaphore mode and blocking on
 * overflow, timerfd expiry counts (compared loosely: timing noise), and
 * signalfd reading the reader's own signals across fork. */
#include "abi.h"
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

static void show_poll(const char *what, int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    int n = poll(&p, 1, 0);
    printf("poll %s: %d revents %#x\n", what, n, (unsigned short)p.revents);
}

static void show_link(int fd)
{
    char path[64], link[64] = {0};
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (readlink(path, link, sizeof link - 1) < 0)
        strcpy(link, errname(errno));
    printf("link %s\n", link);
}

/* The lines of /proc/self/fdinfo/FD that start with one of the keys. */
static void show_fdinfo(int fd, const char *k1, const char *k2)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("fdinfo: %s\n", errname(errno));
        return;
    }
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, k1, strlen(k1)) || (k2 && !strncmp(line, k2, strlen(k2))))
            printf("fdinfo %s", line);
    fclose(f);
}

static long rd64(int fd)
{
    uint64_t v = 0;
    long r = read(fd, &v, 8);
    if (r < 0)
        return r;
    printf("  value %llu\n", (unsigned long long)v);
    return r;
}

static long wr64(int fd, uint64_t v)
{
    return write(fd, &v, 8);
}

static void eventfds(void)
{
    SHOW(eventfd(0, 0x1234));
    int e = eventfd(5, EFD_NONBLOCK | EFD_CLOEXEC);
    REQUIRE(e >= 0);
    show_link(e);
    SHOW(fcntl(e, F_GETFD));
    SHOW(fcntl(e, F_GETFL) & (O_ACCMODE | O_NONBLOCK));
    show_poll("5", e);
    show_fdinfo(e, "eventfd-count", "eventfd-semaphore");
    char small[4];
    SHOW(read(e, small, 4));
    SHOW(write(e, small, 4));
    SHOW(rd64(e));
    SHOW(rd64(e));
    show_poll("0", e);
    SHOW(wr64(e, 0xffffffffffffffffull));
    SHOW(wr64(e, 0xfffffffffffffffeull));
    show_poll("max", e);
    SHOW(wr64(e, 1));
    SHOW(wr64(e, 0));
    SHOW(rd64(e));
    SHOW(lseek(e, 0, SEEK_SET));
    close(e);
    /* semaphore mode: one at a time */
    int s = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    REQUIRE(s >= 0);
    for (int i = 0; i < 4; i++)
        SHOW(rd64(s));
    SHOW(wr64(s, 2));
    show_fdinfo(s, "eventfd-count", "eventfd-semaphore");
    SHOW(rd64(s));
    close(s);
    /* a blocked write completes once a read makes room */
    int b = eventfd(0, 0), done[2];
    REQUIRE(b >= 0 && pipe(done) == 0);
    SHOW(wr64(b, 0xfffffffffffffff0ull));
    pid_t pid = fork();
    if (pid == 0) {
        long r = wr64(b, 0x20);
        char c = r == 8 ? 'y' : 'n';
        write(done[1], &c, 1);
        _exit(0);
    }
    usleep(200000);
    show_poll("writer blocked", done[0]);
    SHOW(rd64(b));
    char c = 0;
    SHOW(read(done[0], &c, 1));
    printf("writer done %c\n", c);
    SHOW(rd64(b));
    waitpid(pid, NULL, 0);
    close(b);
    /* a blocked read: woken by another process's write */
    int r = eventfd(0, 0);
    pid = fork();
    if (pid == 0) {
        usleep(100000);
        wr64(r, 7);
        _exit(0);
    }
    SHOW(rd64(r));
    waitpid(pid, NULL, 0);
    close(r);
}

static void timerfds(void)
{
    SHOW(timerfd_create(12345, 0));
    SHOW(timerfd_create(CLOCK_MONOTONIC, 0x4));
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    REQUIRE(t >= 0);
    show_link(t);
    struct itimerspec cur, old;
    SHOW(timerfd_gettime(t, &cur));
    printf("  disarmed %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
    SHOW(rd64(t));
    show_poll("disarmed", t);
    struct itimerspec bad = {{0, 0}, {0, 1000000000}};
    SHOW(timerfd_settime(t, 0, &bad, NULL));
    SHOW(timerfd_settime(t, 0x10, &bad, NULL));
    SHOW(timerfd_settime(99, 0, &bad, NULL));
    SHOW(timerfd_settime(0, 0, &(struct itimerspec){{0, 0}, {1, 0}}, NULL));
    /* one shot, 30 ms */
    struct itimerspec once = {{0, 0}, {0, 30000000}};
    SHOW(timerfd_settime(t, 0, &once, NULL));
    SHOW(timerfd_gettime(t, &cur));
    printf("  pending %d interval %ld\n",
           cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 30000000,
           (long)cur.it_interval.tv_nsec);
    struct pollfd p = {.fd = t, .events = POLLIN};
    SHOW(poll(&p, 1, 5000));
    SHOW(rd64(t));
    SHOW(rd64(t));
    SHOW(timerfd_gettime(t, &cur));
    printf("  expired %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
    /* periodic, 20 ms: about 10 expiries in 200 ms */
    struct itimerspec per = {{0, 20000000}, {0, 20000000}};
    SHOW(timerfd_settime(t, 0, &per, &old));
    usleep(200000);
    uint64_t n = 0;
    SHOW(read(t, &n, 8));
    printf("  periodic count plausible %d\n", n >= 5 && n <= 15);
    SHOW(timerfd_gettime(t, &cur));
    printf("  interval %ld %ld\n", (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
    show_fdinfo(t, "clockid", "it_interval");
    /* disarm, and the old value comes back */
    struct itimerspec off = {{0, 0}, {0, 0}};
    SHOW(timerfd_settime(t, 0, &off, &old));
    printf("  old interval %ld\n", old.it_interval.tv_nsec);
    usleep(50000);
    SHOW(rd64(t));
    close(t);
    /* absolute, in the past, periodic: the periods since count */
    int a = timerfd_create(CLOCK_REALTIME, 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct itimerspec past = {{0, 10000000}, {now.tv_sec - 1, now.tv_nsec}};
    SHOW(timerfd_settime(a, TFD_TIMER_ABSTIME, &past, NULL));
    n = 0;
    SHOW(read(a, &n, 8));
    printf("  periods since %d\n", n >= 100 && n <= 120);
    close(a);
    /* blocking read of a monotonic absolute timer */
    int m = timerfd_create(CLOCK_BOOTTIME, 0);
    clock_gettime(CLOCK_BOOTTIME, &now);
    struct itimerspec abs = {{0, 0}, {now.tv_sec, now.tv_nsec}};
    abs.it_value.tv_nsec += 40000000;
    if (abs.it_value.tv_nsec >= 1000000000) {
        abs.it_value.tv_sec++;
        abs.it_value.tv_nsec -= 1000000000;
    }
    SHOW(timerfd_settime(m, TFD_TIMER_ABSTIME, &abs, NULL));
    SHOW(rd64(m));
    close(m);
    /* in epoll */
    int ep = epoll_create1(0), e2 = timerfd_create(CLOCK_MONOTONIC, 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, e2, &ev));
    SHOW(timerfd_settime(e2, 0, &once, NULL));
    SHOW(epoll_wait(ep, &ev, 1, 0));
    SHOW(epoll_wait(ep, &ev, 1, 5000));
    printf("  data %llu\n", (unsigned long long)ev.data.u64);
    SHOW(rd64(e2));
    SHOW(epoll_wait(ep, &ev, 1, 0));
    close(e2);
    close(ep);
}

static void show_ssi(const struct signalfd_siginfo *s)
{
    printf("  signo %u code %d from me %d int %d\n", s->ssi_signo, s->ssi_code,
           s->ssi_pid == (uint32_t)getpid(), s->ssi_int);
}

static void signalfds(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    SHOW(signalfd(-1, &mask, 0x4));
    SHOW(syscall(SYS_signalfd4, -1, &mask, 4, 0));
    SHOW(syscall(SYS_signalfd4, 99, &mask, 8, 0));
    SHOW(syscall(SYS_signalfd4, 0, &mask, 8, 0));
    int s = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    REQUIRE(s >= 0);
    show_link(s);
    show_fdinfo(s, "sigmask", NULL);
    SHOW(fcntl(s, F_GETFD));
    struct signalfd_siginfo si[2];
    SHOW(read(s, si, sizeof si));
    SHOW(read(s, si, 100));
    show_poll("none", s);
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    show_poll("two", s);
    SHOW(read(s, si, sizeof si));
    show_ssi(&si[0]);
    show_ssi(&si[1]);
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 42});
    SHOW(read(s, si, sizeof si));
    show_ssi(&si[0]);
    printf("  queued %d\n", si[0].ssi_code == SI_QUEUE);
    /* a new mask for the same fd */
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    SHOW(signalfd(s, &only2, 0) == s);
    kill(getpid(), SIGUSR1);
    SHOW(read(s, si, sizeof si));
    sigset_t pend;
    sigpending(&pend);
    printf("  usr1 still pending %d\n", sigismember(&pend, SIGUSR1));
    SHOW(signalfd(s, &mask, 0) == s);
    SHOW(read(s, si, sizeof si));
    /* in epoll */
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 5};
    SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
    SHOW(epoll_wait(ep, &ev, 1, 0));
    kill(getpid(), SIGUSR2);
    SHOW(epoll_wait(ep, &ev, 1, 0));
    SHOW(read(s, si, sizeof si));
    SHOW(epoll_wait(ep, &ev, 1, 0));
    close(ep);
    /* across fork: the child reads its own signals through the same fd */
    int sync[2];
    REQUIRE(pipe(sync) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        int fl = fcntl(s, F_GETFL);
        fcntl(s, F_SETFL, fl & ~O_NONBLOCK);
        write(sync[1], "r", 1);
        struct signalfd_siginfo c;
        long r = read(s, &c, sizeof c); /* blocks until the parent's kill */
        printf("child read %ld signo %u from parent %d\n", r, c.ssi_signo,
               c.ssi_pid == (uint32_t)getppid());
        _exit(0);
    }
    char ch;
    REQUIRE(read(sync[0], &ch, 1) == 1);
    usleep(100000);
    kill(pid, SIGUSR1);
    int st;
    waitpid(pid, &st, 0);
    printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    int fl = fcntl(s, F_GETFL);
    fcntl(s, F_SETFL, fl | O_NONBLOCK);
    SHOW(read(s, si, sizeof si)); /* the parent got nothing */
    close(s);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    eventfds();
    timerfds();
    signalfds();
    return 0;
}
