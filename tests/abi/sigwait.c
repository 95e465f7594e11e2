/* sigwait: blocked signals and the calls that wait: pending while blocked,
 * delivered exactly once on unblock, real-time signals queued; sigsuspend,
 * sigtimedwait (timeout, pending, from a timer, from a child), pause;
 * alarm and setitimer (one-shot and periodic, counted); a blocking pipe
 * read and nanosleep interrupted with and without SA_RESTART.
 *
 * Timers only ever make something happen that the program then waits for:
 * nothing depends on how fast the machine is.
 */
#include "abi.h"
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t got[65];

static void count_sig(int sig)
{
    got[sig]++;
}

static void handle(int sig, int flags)
{
    struct sigaction sa = {.sa_handler = count_sig, .sa_flags = flags};
    REQUIRE(sigaction(sig, &sa, NULL) == 0);
}

static sigset_t set_of(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    return s;
}

static int pending(int sig)
{
    sigset_t s;
    sigpending(&s);
    return sigismember(&s, sig);
}

static void block_pend_unblock(void)
{
    handle(SIGUSR1, 0);
    sigset_t s = set_of(SIGUSR1), old;
    sigprocmask(SIG_BLOCK, &s, &old);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("blocked: ran %d, pending %d\n", got[SIGUSR1], pending(SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL); /* delivered before this returns */
    printf("unblocked: ran %d, pending %d\n", got[SIGUSR1], pending(SIGUSR1));

    /* real-time signals queue, each with its value */
    int rt = SIGRTMIN + 2;
    handle(rt, 0);
    s = set_of(rt);
    sigprocmask(SIG_BLOCK, &s, &old);
    for (int i = 0; i < 3; i++)
        sigqueue(getpid(), rt, (union sigval){.sival_int = i});
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("rt x3: ran %d\n", got[rt]);

    /* ignoring a pending signal discards it */
    s = set_of(SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, &old);
    raise(SIGUSR2);
    printf("SIGUSR2 pending %d\n", pending(SIGUSR2));
    signal(SIGUSR2, SIG_IGN);
    printf("after SIG_IGN pending %d\n", pending(SIGUSR2));
    raise(SIGUSR2);
    printf("ignored while blocked: pending %d\n", pending(SIGUSR2));
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR2, SIG_DFL);
    /* SIGKILL and SIGSTOP cannot be blocked */
    sigfillset(&s);
    sigprocmask(SIG_BLOCK, &s, &old);
    sigprocmask(SIG_BLOCK, NULL, &s);
    printf("fill: KILL %d STOP %d USR1 %d\n", sigismember(&s, SIGKILL), sigismember(&s, SIGSTOP),
           sigismember(&s, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    SHOW(sigprocmask(99, &s, NULL));
}

static void suspend(void)
{
    sigset_t s = set_of(SIGUSR1), old, none;
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &s, &old);
    got[SIGUSR1] = 0;
    raise(SIGUSR1);
    SHOW(sigsuspend(&none)); /* already pending: returns at once */
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("sigsuspend: ran %d, USR1 blocked again %d\n", got[SIGUSR1],
           sigismember(&cur, SIGUSR1));
    /* from a child, later */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    SHOW(sigsuspend(&none));
    printf("sigsuspend from child: ran %d\n", got[SIGUSR1]);
    waitpid(pid, NULL, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void timedwait(void)
{
    sigset_t s = set_of(SIGUSR2), old;
    siginfo_t si;
    sigprocmask(SIG_BLOCK, &s, &old);
    struct timespec ts = {0, 30000000};
    SHOW(sigtimedwait(&s, &si, &ts)); /* nothing: EAGAIN */
    struct timespec zero = {0, 0};
    SHOW(sigtimedwait(&s, &si, &zero)); /* a poll */
    struct timespec bad = {0, 1000000000};
    SHOW(sigtimedwait(&s, &si, &bad));
    raise(SIGUSR2);
    memset(&si, 0, sizeof si);
    SHOW(sigtimedwait(&s, &si, &ts));
    printf("sigtimedwait: signo %d SI_TKILL %d pid %d pending after %d\n", si.si_signo,
           si.si_code == SI_TKILL, si.si_pid == getpid(), pending(SIGUSR2));
    sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 77});
    memset(&si, 0, sizeof si);
    SHOW(sigwaitinfo(&s, &si));
    printf("sigwaitinfo: SI_QUEUE %d value %d\n", si.si_code == SI_QUEUE, si.si_value.sival_int);
    int sig = 0;
    raise(SIGUSR2);
    SHOW(sigwait(&s, &sig));
    printf("sigwait: %d\n", sig);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* SIGALRM from alarm() and SIGCHLD from a child, taken synchronously */
    s = set_of(SIGALRM);
    sigaddset(&s, SIGCHLD);
    sigprocmask(SIG_BLOCK, &s, &old);
    struct itimerval it = {.it_value = {0, 20000}};
    SHOW(setitimer(ITIMER_REAL, &it, NULL));
    memset(&si, 0, sizeof si);
    SHOW(sigwaitinfo(&s, &si));
    printf("itimer: SI_KERNEL %d\n", si.si_code == SI_KERNEL);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(5);
    memset(&si, 0, sizeof si);
    SHOW(sigwaitinfo(&s, &si));
    printf("child: CLD_EXITED %d status %d pid %d\n", si.si_code == CLD_EXITED, si.si_status,
           si.si_pid == pid);
    waitpid(pid, NULL, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void timers(void)
{
    struct itimerval it, cur;
    handle(SIGALRM, 0);
    /* alarm's remaining seconds */
    SHOW(alarm(100));
    unsigned left = alarm(0);
    printf("alarm(0) after alarm(100): 99 or 100 %d\n", left == 99 || left == 100);
    SHOW(alarm(0));
    /* one shot + pause */
    got[SIGALRM] = 0;
    it = (struct itimerval){.it_value = {0, 10000}};
    SHOW(setitimer(ITIMER_REAL, &it, NULL));
    SHOW(pause());
    printf("pause: alarms %d\n", got[SIGALRM]);
    SHOW(getitimer(ITIMER_REAL, &cur));
    printf("disarmed after firing: %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
    /* periodic, counted */
    got[SIGALRM] = 0;
    it = (struct itimerval){.it_value = {0, 5000}, .it_interval = {0, 5000}};
    SHOW(setitimer(ITIMER_REAL, &it, NULL));
    while (got[SIGALRM] < 5)
        pause();
    SHOW(getitimer(ITIMER_REAL, &cur));
    printf("periodic: interval kept %d\n",
           cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 5000);
    struct itimerval off = {{0, 0}, {0, 0}};
    SHOW(setitimer(ITIMER_REAL, &off, &cur));
    printf("old value returned %d\n", cur.it_interval.tv_usec == 5000);
    printf("periodic: at least 5 %d\n", got[SIGALRM] >= 5);
    it = (struct itimerval){.it_value = {100, 0}};
    SHOW(setitimer(ITIMER_REAL, &it, NULL));
    it = (struct itimerval){.it_value = {0, 1000000}};
    SHOW(setitimer(ITIMER_REAL, &it, NULL)); /* usec out of range */
    SHOW(setitimer(ITIMER_REAL, &off, NULL));
    SHOW(setitimer(5, &off, NULL));
}

static int tick_pipe = -1;
static volatile sig_atomic_t ticks;

static void tick(int sig)
{
    (void)sig;
    if (++ticks == 3 && tick_pipe >= 0)
        write(tick_pipe, "data", 4);
}

static void start_ticks(int flags)
{
    struct sigaction sa = {.sa_handler = tick, .sa_flags = flags};
    sigaction(SIGALRM, &sa, NULL);
    ticks = 0;
    struct itimerval it = {.it_value = {0, 10000}, .it_interval = {0, 10000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void stop_ticks(void)
{
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    signal(SIGALRM, SIG_IGN);
    signal(SIGALRM, SIG_DFL);
}

static void interrupted(void)
{
    int p[2];
    char buf[8];
    REQUIRE(pipe(p) == 0);
    /* without SA_RESTART: the first tick ends the read */
    start_ticks(0);
    long n = read(p[0], buf, sizeof buf);
    int e = errno;
    stop_ticks();
    printf("read, no SA_RESTART: %ld %s, ticks >= 1 %d\n", n, n < 0 ? errname(e) : "",
           ticks >= 1);
    /* with SA_RESTART: restarted until the third tick writes */
    tick_pipe = p[1];
    start_ticks(SA_RESTART);
    n = read(p[0], buf, sizeof buf);
    stop_ticks();
    tick_pipe = -1;
    printf("read, SA_RESTART: %ld ticks >= 3 %d\n", n, ticks >= 3);
    /* nanosleep ends early with the time left, restart or not */
    struct timespec req = {20, 0}, rem = {0, 0};
    start_ticks(SA_RESTART);
    int r = nanosleep(&req, &rem);
    e = errno;
    stop_ticks();
    printf("nanosleep: %d %s rem > 0 %d rem < req %d\n", r, errname(e),
           rem.tv_sec > 0 || rem.tv_nsec > 0, rem.tv_sec < 20);
    /* sigsuspend-like waits are never restarted: pause with SA_RESTART */
    start_ticks(SA_RESTART);
    r = pause();
    e = errno;
    stop_ticks();
    printf("pause with SA_RESTART: %d %s\n", r, errname(e));
    /* wait4 restarts under SA_RESTART */
    int rel[2];
    REQUIRE(pipe(rel) == 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(rel[1]);
        char c;
        read(rel[0], &c, 1);
        _exit(9);
    }
    close(rel[0]);
    tick_pipe = rel[1]; /* the third tick releases the child */
    start_ticks(SA_RESTART);
    int st;
    pid_t w = waitpid(pid, &st, 0);
    stop_ticks();
    tick_pipe = -1;
    printf("waitpid, SA_RESTART: child %d exit %d ticks >= 3 %d\n", w == pid, WEXITSTATUS(st),
           ticks >= 3);
    close(rel[1]);
    close(p[0]), close(p[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    block_pend_unblock();
    suspend();
    timedwait();
    timers();
    interrupted();
    return 0;
}
