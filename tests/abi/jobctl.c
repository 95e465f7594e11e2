/* jobctl: stop and continue: SIGSTOP and WUNTRACED, SIGCONT and
 * WCONTINUED, each reported once; waitid's CLD_STOPPED/CLD_CONTINUED;
 * SIGCHLD for stops and SA_NOCLDSTOP; a SIGTERM held while stopped; SIGKILL
 * on a stopped child; SIGTSTP's default action, a SIGTSTP handler, and
 * SIGTSTP discarded in an orphaned process group; a SIGCONT handler.
 *
 * Children that must stop by default put themselves in a process group of
 * their own first: the group the program starts in may be orphaned (as in
 * mica, where the program is pid 1) or not (on the host).
 */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>

static void show(const char *what, pid_t want, pid_t got, int st)
{
    if (got == 0) {
        printf("%s: nothing\n", what);
        return;
    }
    if (got < 0) {
        printf("%s: -1 %s\n", what, errname(errno));
        return;
    }
    printf("%s: %s", what, got == want ? "" : "(other pid) ");
    if (WIFEXITED(st))
        printf("exited %d\n", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("killed by %d\n", WTERMSIG(st));
    else if (WIFSTOPPED(st))
        printf("stopped by %d\n", WSTOPSIG(st));
    else if (WIFCONTINUED(st))
        printf("continued\n");
    else
        printf("status %#x?\n", st);
}

#define WAIT(what, pid, opts)                                                            \
    do {                                                                                 \
        int st_ = 0;                                                                     \
        pid_t g_ = waitpid(pid, &st_, opts);                                             \
        show(what, pid, g_, st_);                                                        \
    } while (0)

/* A child in its own group, blocked reading a pipe until released. */
static pid_t spawn_loop(int *release)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        setpgid(0, 0);
        char c;
        long n = read(p[0], &c, 1);
        _exit(n == 0 ? 3 : 4);
    }
    setpgid(pid, pid); /* both sides, so it holds before either goes on */
    close(p[0]);
    *release = p[1];
    return pid;
}

/* The child's state letter in /proc/PID/stat. */
static char proc_state(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return '?';
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

/* Stopped and continued while it sleeps in read(): the read restarts and
 * ends as it would have (0 at EOF), it does not return an error. */
static void stop_in_read(void)
{
    int rel;
    pid_t pid = spawn_loop(&rel);
    for (int i = 0; i < 1000 && proc_state(pid) != 'S'; i++)
        usleep(1000);
    usleep(10000); /* asleep in read, not on the way there */
    SHOW(kill(pid, SIGSTOP));
    WAIT("stopped in read", pid, WUNTRACED);
    SHOW(kill(pid, SIGCONT));
    WAIT("continued in read", pid, WCONTINUED);
    close(rel);
    WAIT("read restarted and saw EOF", pid, 0);
}

static void stop_continue(void)
{
    int rel;
    pid_t pid = spawn_loop(&rel);
    SHOW(kill(pid, SIGSTOP));
    WAIT("SIGSTOP, WUNTRACED", pid, WUNTRACED);
    WAIT("again, WUNTRACED|WNOHANG", pid, WUNTRACED | WNOHANG); /* reported once */
    WAIT("WNOHANG alone", pid, WNOHANG);
    SHOW(kill(pid, SIGSTOP)); /* already stopped: no new report */
    WAIT("second SIGSTOP", pid, WUNTRACED | WNOHANG);
    SHOW(kill(pid, SIGCONT));
    WAIT("SIGCONT, WCONTINUED", pid, WCONTINUED);
    WAIT("again, WCONTINUED|WNOHANG", pid, WCONTINUED | WNOHANG);
    SHOW(kill(pid, SIGCONT)); /* not stopped: nothing to report */
    WAIT("SIGCONT while running", pid, WCONTINUED | WNOHANG);
    close(rel);
    WAIT("released", pid, WUNTRACED | WCONTINUED);

    /* waitid: the same through siginfo, WNOWAIT leaves it reportable */
    pid = spawn_loop(&rel);
    kill(pid, SIGSTOP);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    SHOW(waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT));
    printf("waitid WNOWAIT: CLD_STOPPED %d status %d pid %d\n", si.si_code == CLD_STOPPED,
           si.si_status, si.si_pid == pid);
    memset(&si, 0, sizeof si);
    SHOW(waitid(P_PID, pid, &si, WSTOPPED));
    printf("waitid: CLD_STOPPED %d status %d\n", si.si_code == CLD_STOPPED, si.si_status);
    memset(&si, 0, sizeof si);
    SHOW(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG));
    printf("waitid again: si_pid %d\n", si.si_pid);
    kill(pid, SIGCONT);
    memset(&si, 0, sizeof si);
    SHOW(waitid(P_PID, pid, &si, WCONTINUED));
    printf("waitid: CLD_CONTINUED %d status %d\n", si.si_code == CLD_CONTINUED, si.si_status);
    /* a stop is not an exit: WEXITED alone does not see it */
    kill(pid, SIGSTOP);
    WAIT("sync", pid, WUNTRACED);
    memset(&si, 0, sizeof si);
    SHOW(waitid(P_PID, pid, &si, WEXITED | WNOHANG));
    printf("WEXITED on a stopped child: si_pid %d\n", si.si_pid);
    /* SIGKILL ends a stopped child */
    SHOW(kill(pid, SIGKILL));
    WAIT("SIGKILL while stopped", pid, 0);
    close(rel);
}

static void held_while_stopped(void)
{
    int rel;
    pid_t pid = spawn_loop(&rel);
    kill(pid, SIGSTOP);
    WAIT("stopped", pid, WUNTRACED);
    SHOW(kill(pid, SIGTERM)); /* pending: a stopped process does not die of it */
    WAIT("SIGTERM while stopped", pid, WNOHANG);
    SHOW(kill(pid, SIGCONT));
    WAIT("after SIGCONT", pid, 0);
    close(rel);
}

static volatile sig_atomic_t chld_code, chld_status, chld_n;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    chld_n++;
    chld_code = si->si_code;
    chld_status = si->si_status;
}

static void sigchld_stops(void)
{
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    sigprocmask(SIG_BLOCK, &s, &old);
    struct sigaction sa = {.sa_sigaction = on_chld, .sa_flags = SA_SIGINFO};
    sigaction(SIGCHLD, &sa, NULL);
    int rel;
    pid_t pid = spawn_loop(&rel);
    siginfo_t si;
    kill(pid, SIGSTOP);
    memset(&si, 0, sizeof si);
    SHOW(sigwaitinfo(&s, &si));
    printf("SIGCHLD on stop: CLD_STOPPED %d status %d pid %d\n", si.si_code == CLD_STOPPED,
           si.si_status, si.si_pid == pid);
    kill(pid, SIGCONT);
    memset(&si, 0, sizeof si);
    SHOW(sigwaitinfo(&s, &si));
    printf("SIGCHLD on continue: CLD_CONTINUED %d status %d\n", si.si_code == CLD_CONTINUED,
           si.si_status);
    /* never waited for: only the latest state, continued, is reported */
    WAIT("stopped", pid, WUNTRACED | WNOHANG);
    WAIT("continued", pid, WCONTINUED | WNOHANG);

    /* SA_NOCLDSTOP: no SIGCHLD for stop or continue, but for the exit */
    sa.sa_flags |= SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    kill(pid, SIGSTOP);
    WAIT("NOCLDSTOP stop", pid, WUNTRACED);
    kill(pid, SIGCONT);
    WAIT("NOCLDSTOP continue", pid, WCONTINUED);
    sigpending(&s);
    printf("SIGCHLD pending after stop+continue %d\n", sigismember(&s, SIGCHLD));
    close(rel);
    sigemptyset(&s);
    chld_n = 0;
    sigsuspend(&s);
    printf("exit still signalled: n %d CLD_EXITED %d status %d\n", chld_n,
           chld_code == CLD_EXITED, chld_status);
    WAIT("reaped", pid, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGCHLD, SIG_DFL);
}

static volatile sig_atomic_t tstp_seen, cont_seen;

static void on_tstp(int sig)
{
    (void)sig;
    tstp_seen++;
}

static void on_cont(int sig)
{
    (void)sig;
    cont_seen++;
}

static void tstp(void)
{
    /* default action: stop, in a group that is not orphaned */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGCONT, on_cont);
        raise(SIGTSTP);
        _exit(10 + cont_seen);
    }
    setpgid(pid, pid);
    WAIT("SIGTSTP default", pid, WUNTRACED);
    kill(pid, SIGCONT);
    WAIT("after SIGCONT (11: handler ran)", pid, 0);

    /* SIGTTIN and SIGTTOU stop the same way */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        raise(SIGTTOU);
        _exit(12);
    }
    setpgid(pid, pid);
    WAIT("SIGTTOU default", pid, WUNTRACED);
    kill(pid, SIGCONT);
    WAIT("after SIGCONT", pid, 0);

    /* a handler instead */
    signal(SIGTSTP, on_tstp);
    raise(SIGTSTP);
    printf("SIGTSTP handler ran %d\n", tstp_seen);
    signal(SIGTSTP, SIG_DFL);

    /* in a new session the group is orphaned: SIGTSTP is discarded */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        setsid();
        raise(SIGTSTP);
        raise(SIGTTIN);
        _exit(13);
    }
    WAIT("SIGTSTP in an orphaned group", pid, WUNTRACED);
    /* but SIGSTOP always stops */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        setsid();
        raise(SIGSTOP);
        _exit(14);
    }
    WAIT("SIGSTOP in an orphaned group", pid, WUNTRACED);
    kill(pid, SIGCONT);
    WAIT("after SIGCONT", pid, 0);
}

/* SIGCONT to a whole stopped group */
static void group_continue(void)
{
    int rel[2];
    pid_t a = spawn_loop(&rel[0]);
    fflush(stdout);
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t b = fork();
    if (b == 0) {
        close(p[1]);
        setpgid(0, a);
        char c;
        _exit(read(p[0], &c, 1) == 0 ? 3 : 4);
    }
    setpgid(b, a);
    close(p[0]);
    rel[1] = p[1];
    SHOW(kill(-a, SIGSTOP));
    int stopped = 0, st;
    for (int i = 0; i < 2; i++)
        stopped += waitpid(-a, &st, WUNTRACED) > 0 && WIFSTOPPED(st);
    printf("group stopped: %d\n", stopped);
    SHOW(kill(-a, SIGCONT));
    int cont = 0;
    for (int i = 0; i < 2; i++)
        cont += waitpid(-a, &st, WCONTINUED) > 0 && WIFCONTINUED(st);
    printf("group continued: %d\n", cont);
    close(rel[0]), close(rel[1]);
    int exited = 0;
    for (int i = 0; i < 2; i++)
        exited += waitpid(-a, &st, 0) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 3;
    printf("group exited: %d\n", exited);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGCHLD, SIG_DFL);
    stop_continue();
    stop_in_read();
    held_while_stopped();
    sigchld_stops();
    tstp();
    group_continue();
    return 0;
}
