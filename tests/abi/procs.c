/* procs: fork and wait: status encodings, waitid's siginfo, zombies until
 * reaped, SIGCHLD with SA_SIGINFO, SIG_IGN and SA_NOCLDWAIT auto-reaping,
 * raw clone flavours, process groups and sessions, times and getrusage.
 *
 * The program may be pid 1 (in mica) or not (on the host): only relations
 * between pids are printed, never the pids, and nothing depends on who
 * our parent is. Children that must be running when the parent looks are
 * held on a pipe, so nothing here depends on timing.
 */
#include "abi.h"
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>

/* fork a child that runs fn(arg) and _exits with its result. */
static pid_t spawn(int (*fn)(int), int arg)
{
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0)
        _exit(fn(arg));
    return pid;
}

static int ret_arg(int arg)
{
    return arg;
}

static int kill_self(int sig)
{
    kill(getpid(), sig);
    return 100; /* not reached for a fatal signal */
}

static int do_abort(int unused)
{
    (void)unused;
    abort();
}

static void show_status(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by %d\n", what, WTERMSIG(st));
    else if (WIFSTOPPED(st))
        printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    else if (WIFCONTINUED(st))
        printf("%s: continued\n", what);
    else
        printf("%s: status %#x?\n", what, st);
}

static void basic_fork(void)
{
    pid_t me = getpid();
    int p[2];
    REQUIRE(pipe(p) == 0);
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char r[3] = {getpid() != me, getppid() == me, 0};
        write(p[1], r, 2);
        _exit(0);
    }
    char r[3] = {0};
    REQUIRE(read(p[0], r, 2) == 2);
    printf("fork returned a new pid: %d\n", pid > 0 && pid != me);
    printf("child's getpid differs from parent's: %d\n", r[0]);
    printf("child's getppid is the parent: %d\n", r[1]);
    int st;
    SHOW(waitpid(pid, &st, 0) == pid);
    show_status("child", st);
    close(p[0]);
    close(p[1]);
}

static void exit_codes(void)
{
    static const int codes[] = {0, 1, 42, 127, 255, 256, 257, -1};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        int st;
        pid_t pid = spawn(ret_arg, codes[i]);
        REQUIRE(waitpid(pid, &st, 0) == pid);
        char what[32];
        snprintf(what, sizeof what, "_exit(%d)", codes[i]);
        show_status(what, st);
    }
    static const int sigs[] = {SIGTERM, SIGKILL, SIGSEGV, SIGUSR1, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        int st;
        pid_t pid = spawn(kill_self, sigs[i]);
        REQUIRE(waitpid(pid, &st, 0) == pid);
        char what[32];
        snprintf(what, sizeof what, "kill(self, %d)", sigs[i]);
        show_status(what, st);
    }
    int st;
    pid_t pid = spawn(do_abort, 0);
    REQUIRE(waitpid(pid, &st, 0) == pid);
    /* WCOREDUMP depends on the host's core_pattern: not printed. */
    printf("abort: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
    /* wait with a NULL status pointer */
    pid = spawn(ret_arg, 3);
    SHOW(waitpid(pid, NULL, 0) == pid);
}

static void wait_choices(void)
{
    pid_t a = spawn(ret_arg, 11), b = spawn(ret_arg, 12), c = spawn(ret_arg, 13);
    int st;
    /* reap out of order by pid */
    SHOW(waitpid(c, &st, 0) == c);
    show_status("third", st);
    SHOW(waitpid(a, &st, 0) == a);
    show_status("first", st);
    pid_t any = wait(&st);
    printf("wait(): the remaining child: %d\n", any == b);
    show_status("second", st);
    SHOW(wait(&st));
    SHOW(waitpid(-1, &st, WNOHANG));
    SHOW(waitpid(a, &st, 0)); /* already reaped */
    SHOW(waitpid(getpid(), &st, 0));
    SHOW(waitpid(-1, &st, 0x100)); /* unknown option bit */
    SHOW(syscall(SYS_wait4, -1, NULL, 0, NULL));
}

/* A child held on a pipe: running until the parent closes its end. */
static pid_t spawn_held(int *release)
{
    int p[2];
    sigset_t usr1, old;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    REQUIRE(pipe(p) == 0);
    fflush(stdout);
    /* SIGUSR1 kills it (the group tests), even one sent at once */
    sigprocmask(SIG_BLOCK, &usr1, &old);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char c;
        close(p[1]);
        signal(SIGUSR1, SIG_DFL);
        sigprocmask(SIG_SETMASK, &old, NULL);
        long n = read(p[0], &c, 1);
        _exit(n == 0 ? 21 : 22);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(p[0]);
    *release = p[1];
    return pid;
}

static void zombies(void)
{
    int rel, st;
    pid_t pid = spawn_held(&rel);
    SHOW(waitpid(pid, &st, WNOHANG)); /* running: 0 */
    siginfo_t si;
    memset(&si, 0x55, sizeof si);
    SHOW(waitid(P_PID, pid, &si, WEXITED | WNOHANG));
    printf("waitid WNOHANG, nothing ready: si_signo %d si_pid %d\n", si.si_signo,
           (int)si.si_pid);
    SHOW(kill(pid, 0));
    close(rel);
    /* block until it is a zombie, without reaping it */
    memset(&si, 0, sizeof si);
    SHOW(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
    printf("WNOWAIT: signo %d code %d status %d pid matches %d uid matches %d\n",
           si.si_signo, si.si_code == CLD_EXITED, si.si_status, si.si_pid == pid,
           si.si_uid == getuid());
    SHOW(kill(pid, 0)); /* a zombie still exists */
    SHOW(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid);
    SHOW(waitpid(pid, &st, WNOHANG) == pid);
    show_status("zombie", st);
    SHOW(kill(pid, 0)); /* reaped: gone */
    SHOW(waitpid(pid, &st, WNOHANG));
}

static void waitid_fields(void)
{
    siginfo_t si;
    pid_t pid = spawn(ret_arg, 7);
    memset(&si, 0, sizeof si);
    SHOW(waitid(P_PID, pid, &si, WEXITED));
    printf("exit 7: signo %d code CLD_EXITED %d status %d pid %d\n", si.si_signo,
           si.si_code == CLD_EXITED, si.si_status, si.si_pid == pid);
    pid = spawn(kill_self, SIGTERM);
    memset(&si, 0, sizeof si);
    SHOW(waitid(P_ALL, 0, &si, WEXITED));
    printf("SIGTERM: signo %d code CLD_KILLED %d status %d pid %d\n", si.si_signo,
           si.si_code == CLD_KILLED, si.si_status, si.si_pid == pid);
    pid = spawn(do_abort, 0);
    memset(&si, 0, sizeof si);
    SHOW(waitid(P_PID, pid, &si, WEXITED));
    printf("abort: code KILLED or DUMPED %d status %d\n",
           si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED, si.si_status);
    SHOW(waitid(P_ALL, 0, &si, WEXITED));
    SHOW(waitid(P_ALL, 0, &si, 0));         /* no event asked for */
    SHOW(waitid(7, 0, &si, WEXITED));       /* bad idtype */
    SHOW(waitid(P_PID, 0, &si, WEXITED));   /* pid 0 */
    pid = spawn(ret_arg, 8);
    SHOW(waitid(P_PGID, 0, &si, WEXITED)); /* our own group */
    printf("P_PGID 0: pid %d status %d\n", si.si_pid == pid, si.si_status);
    /* a NULL infop is allowed by the raw syscall */
    pid = spawn(ret_arg, 9);
    SHOW(syscall(SYS_waitid, P_PID, pid, NULL, WEXITED, NULL));
    SHOW(waitpid(pid, NULL, WNOHANG));
}

static volatile sig_atomic_t chld_count, chld_code, chld_status, chld_pid_ok;
static volatile pid_t chld_expect;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    chld_count++;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_pid_ok = si->si_pid == chld_expect;
}

static void sigchld_handler(void)
{
    struct sigaction sa = {.sa_sigaction = on_chld, .sa_flags = SA_SIGINFO};
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    REQUIRE(sigaction(SIGCHLD, &sa, NULL) == 0);
    REQUIRE(sigprocmask(SIG_BLOCK, &block, &old) == 0);
    int rel;
    chld_expect = spawn_held(&rel);
    close(rel);
    sigset_t wait_mask = old;
    sigdelset(&wait_mask, SIGCHLD);
    SHOW(sigsuspend(&wait_mask));
    printf("SIGCHLD: count %d CLD_EXITED %d status %d pid %d\n", chld_count,
           chld_code == CLD_EXITED, chld_status, chld_pid_ok);
    int st;
    SHOW(waitpid(chld_expect, &st, 0) == chld_expect);
    chld_count = 0;
    chld_expect = spawn(kill_self, SIGKILL);
    SHOW(sigsuspend(&wait_mask));
    printf("SIGCHLD: count %d CLD_KILLED %d status %d pid %d\n", chld_count,
           chld_code == CLD_KILLED, chld_status, chld_pid_ok);
    SHOW(waitpid(chld_expect, &st, 0) == chld_expect);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGCHLD, SIG_DFL);
}

static void autoreap(void)
{
    int st;
    /* SIG_IGN: children leave no zombies; wait blocks until all are gone,
     * then fails with ECHILD. */
    signal(SIGCHLD, SIG_IGN);
    spawn(ret_arg, 1);
    spawn(ret_arg, 2);
    int rel;
    pid_t held = spawn_held(&rel);
    SHOW(waitpid(held, &st, WNOHANG)); /* still running */
    close(rel);
    SHOW(wait(&st));
    SHOW(kill(held, 0));
    signal(SIGCHLD, SIG_DFL);
    /* SA_NOCLDWAIT with a default handler: the same */
    struct sigaction sa = {.sa_handler = SIG_DFL, .sa_flags = SA_NOCLDWAIT};
    sigaction(SIGCHLD, &sa, NULL);
    spawn(ret_arg, 3);
    SHOW(wait(&st));
    signal(SIGCHLD, SIG_DFL);
    /* back to normal: a zombie again */
    pid_t pid = spawn(ret_arg, 4);
    SHOW(waitpid(pid, &st, 0) == pid);
    show_status("after SIG_DFL", st);
}

static void clones(void)
{
    int st;
    /* clone(SIGCHLD) is fork */
    fflush(stdout);
    long pid = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
    REQUIRE(pid >= 0);
    if (pid == 0)
        _exit(31);
    SHOW(waitpid((pid_t)pid, &st, 0) == pid);
    show_status("clone(SIGCHLD)", st);
    /* clone(CLONE_VM|CLONE_VFORK|SIGCHLD) is vfork */
    static volatile int shared_var;
    shared_var = 0;
    fflush(stdout);
    pid = syscall(SYS_clone, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, NULL, NULL, 0);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        shared_var = 5;
        syscall(SYS_exit, 32);
    }
    printf("vfork-style clone: child's write seen %d\n", shared_var == 5);
    SHOW(waitpid((pid_t)pid, &st, 0) == pid);
    show_status("clone(VM|VFORK)", st);
    /* clone(0): no exit signal; only __WALL or __WCLONE waits for it */
    fflush(stdout);
    pid = syscall(SYS_clone, 0, 0, NULL, NULL, 0);
    REQUIRE(pid >= 0);
    if (pid == 0)
        _exit(33);
    SHOW(waitpid((pid_t)pid, &st, WNOHANG));
    SHOW(waitpid((pid_t)pid, &st, __WALL) == pid);
    show_status("clone(0)", st);
}

static int pgrp_child(int unused)
{
    (void)unused;
    int ok = 1;
    ok &= getpgid(0) == getpgrp();
    ok &= getsid(0) == getsid(getppid());
    ok &= setpgid(0, 0) == 0;
    ok &= getpgrp() == getpid();
    ok &= setpgid(0, 0x3fffffff) == -1 && errno == EPERM; /* no such group */
    ok &= setsid() == -1 && errno == EPERM;              /* a group leader */
    return ok ? 40 : 41;
}

static int session_child(int unused)
{
    (void)unused;
    int bits = 0;
    if (setsid() == getpid())
        bits |= 1;
    if (getsid(0) == getpid() && getpgrp() == getpid())
        bits |= 2;
    if (setsid() == -1 && errno == EPERM)
        bits |= 4;
    if (setpgid(0, 0) == -1 && errno == EPERM)
        bits |= 8;
    if (getsid(getppid()) != getpid())
        bits |= 16;
    return bits;
}

static void groups(void)
{
    int st;
    SHOW(getpgid(0) == getpgrp());
    SHOW(getsid(0) == getsid(getpid()));
    SHOW(getpgid(0x3fffffff));
    SHOW(getsid(0x3fffffff));
    SHOW(setpgid(0, -1));
    SHOW(setpgid(0x3fffffff, 0));
    pid_t pid = spawn(pgrp_child, 0);
    REQUIRE(waitpid(pid, &st, 0) == pid);
    show_status("setpgid child", st);
    pid = spawn(session_child, 0);
    REQUIRE(waitpid(pid, &st, 0) == pid);
    show_status("setsid child (31 = all good)", st);
    /* the parent moves a held child into a new group and reads it back */
    int rel;
    pid = spawn_held(&rel);
    SHOW(setpgid(pid, pid));
    SHOW(getpgid(pid) == pid);
    SHOW(getpgid(pid) != getpgrp());
    SHOW(getsid(pid) == getsid(0));
    SHOW(setpgid(pid, getpgrp())); /* back into ours */
    SHOW(getpgid(pid) == getpgrp());
    close(rel);
    REQUIRE(waitpid(pid, &st, 0) == pid);
    show_status("held", st);
}

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

/* In a group of its own, kill(0, SIGUSR1) reaches a grandchild (default
 * action: death) and ourselves (a handler). */
static int group_kill_child(int unused)
{
    (void)unused;
    setpgid(0, 0);
    signal(SIGUSR1, on_usr1);
    int rel;
    pid_t g = spawn_held(&rel);
    int bits = 0;
    if (getpgid(g) == getpid())
        bits |= 1;
    if (kill(0, SIGUSR1) == 0)
        bits |= 2;
    int st;
    if (waitpid(g, &st, 0) == g && WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1)
        bits |= 4;
    if (usr1_count == 1)
        bits |= 8;
    /* kill(-pgid) the same way */
    g = spawn_held(&rel);
    if (kill(-getpid(), SIGUSR1) == 0 && waitpid(g, &st, 0) == g && WIFSIGNALED(st) &&
        usr1_count == 2)
        bits |= 16;
    if (kill(-0x3fffffff, SIGUSR1) == -1 && errno == ESRCH)
        bits |= 32;
    return bits;
}

static void group_signals(void)
{
    int st;
    pid_t pid = spawn(group_kill_child, 0);
    REQUIRE(waitpid(pid, &st, 0) == pid);
    show_status("kill(0) child (63 = all good)", st);
    /* three children in one new group, killed together; waited by group */
    int rel[3];
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = spawn_held(&rel[i]);
        REQUIRE(setpgid(kids[i], kids[0]) == 0);
    }
    SHOW(kill(-kids[0], SIGTERM));
    int killed = 0;
    for (int i = 0; i < 3; i++) {
        pid_t w = waitpid(-kids[0], &st, 0);
        killed += w > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM;
    }
    printf("group of 3 killed by SIGTERM: %d\n", killed);
    SHOW(waitpid(-kids[0], &st, 0));
    for (int i = 0; i < 3; i++)
        close(rel[i]);
}

static int burn(int unused)
{
    (void)unused;
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 20000000; i++)
        x += i;
    return 0;
}

static void accounting(void)
{
    struct tms t0, t1;
    struct rusage r0, r1, rs;
    SHOW(times(&t0) != (clock_t)-1);
    SHOW(getrusage(RUSAGE_CHILDREN, &r0));
    pid_t pid = spawn(burn, 0);
    REQUIRE(waitpid(pid, NULL, 0) == pid);
    SHOW(times(&t1) != (clock_t)-1);
    SHOW(getrusage(RUSAGE_CHILDREN, &r1));
    SHOW(getrusage(RUSAGE_SELF, &rs));
    SHOW(getrusage(99, &rs));
    YES(t0.tms_cutime >= 0 && t0.tms_cstime >= 0 && t1.tms_utime >= 0);
    YES(t1.tms_cutime >= t0.tms_cutime && t1.tms_cstime >= t0.tms_cstime);
    YES(r1.ru_utime.tv_sec >= r0.ru_utime.tv_sec && r1.ru_utime.tv_usec >= 0 &&
        r1.ru_utime.tv_usec < 1000000);
    YES(rs.ru_utime.tv_sec >= 0 && rs.ru_stime.tv_usec < 1000000);
    /* wait4 fills the child's rusage */
    pid = spawn(ret_arg, 0);
    memset(&rs, 0xff, sizeof rs);
    SHOW(wait4(pid, NULL, 0, &rs) == pid);
    YES(rs.ru_utime.tv_sec >= 0 && rs.ru_utime.tv_usec >= 0 && rs.ru_utime.tv_usec < 1000000);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGCHLD, SIG_DFL);
    basic_fork();
    exit_codes();
    wait_choices();
    zombies();
    waitid_fields();
    sigchld_handler();
    autoreap();
    clones();
    groups();
    group_signals();
    accounting();
    return 0;
}
