/* cow: memory across fork and exec: copy-on-write of data, heap, stack and
 * big mappings (each side's writes invisible to the other, also three
 * generations deep); MAP_SHARED|MAP_ANONYMOUS shared, including pages
 * never touched before fork; vfork sharing memory until _exit; vfork +
 * execve of ourselves; what execve keeps and drops (close-on-exec fds,
 * handlers, ignored signals, the mask, pending signals, the pid).
 *
 * Modes: with no argument, the tests; "exec-child ..." is the program the
 * tests execve. argv[0] must name this program (abi.sh gives a path).
 */
#include "abi.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define BIG (4u << 20)
#define PAGE 4096u

static unsigned char data_buf[64 * 1024] = {1};
static const char *self;

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i += 64)
        p[i] = (unsigned char)(seed + i / PAGE);
}

/* 1 if every 64th byte of p still holds fill(seed)'s value */
static int check(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i += 64)
        if (p[i] != (unsigned char)(seed + i / PAGE))
            return 0;
    return 1;
}

static void wait_report(pid_t pid, const char *what)
{
    int st;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    if (WIFEXITED(st))
        printf("%s: exit %d\n", what, WEXITSTATUS(st));
    else
        printf("%s: signal %d\n", what, WIFSIGNALED(st) ? WTERMSIG(st) : -1);
}

/* Parent and child write the same pages in turn, each checking that its
 * own view did not change. The pipes order the steps. */
static void cow_turns(unsigned char *buf, size_t n, const char *what)
{
    int to_child[2], to_parent[2];
    char c;
    REQUIRE(pipe(to_child) == 0 && pipe(to_parent) == 0);
    fill(buf, n, 1);
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int bits = 0;
        bits |= check(buf, n, 1);
        fill(buf, n, 2); /* child writes first */
        write(to_parent[1], "w", 1);
        read(to_child[0], &c, 1); /* parent has written */
        bits |= check(buf, n, 2) << 1;
        _exit(bits);
    }
    REQUIRE(read(to_parent[0], &c, 1) == 1);
    int before = check(buf, n, 1);
    fill(buf, n, 3);
    int after = check(buf, n, 3);
    write(to_child[1], "p", 1);
    printf("%s: parent unchanged by child %d, own write %d\n", what, before, after);
    wait_report(pid, what); /* 3: both child checks held */
    close(to_child[0]), close(to_child[1]), close(to_parent[0]), close(to_parent[1]);
}

static void cow_all(void)
{
    cow_turns(data_buf, sizeof data_buf, "data");
    unsigned char *heap = malloc(3 * PAGE);
    REQUIRE(heap != NULL);
    cow_turns(heap, 3 * PAGE, "heap");
    free(heap);
    unsigned char stack_buf[5 * PAGE];
    cow_turns(stack_buf, sizeof stack_buf, "stack");
    unsigned char *big = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(big != MAP_FAILED);
    cow_turns(big, BIG, "4 MiB private");
    /* a mapping half touched before fork */
    munmap(big, BIG);
    big = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(big != MAP_FAILED);
    memset(big, 0x11, BIG / 2);
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int ok = big[0] == 0x11 && big[BIG / 2] == 0 && big[BIG - 1] == 0;
        memset(big, 0x22, BIG);
        _exit(ok && big[BIG / 2] == 0x22 ? 0 : 1);
    }
    wait_report(pid, "half touched, child");
    printf("half touched, parent: %d %d %d\n", big[0] == 0x11, big[BIG / 2] == 0,
           big[BIG - 1] == 0);
    munmap(big, BIG);
}

/* Three generations: the child writes after forking a grandchild; the
 * grandchild must still see what was there at its fork. */
static void cow_generations(void)
{
    static unsigned char gbuf[8 * PAGE];
    fill(gbuf, sizeof gbuf, 5);
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        fill(gbuf, 4 * PAGE, 6); /* child writes half before */
        int p[2];
        pipe(p);
        pid_t g = fork();
        if (g == 0) {
            char c;
            read(p[0], &c, 1); /* the child has written everything */
            int ok = check(gbuf, 4 * PAGE, 6) && check(gbuf + 4 * PAGE, 4 * PAGE, 5 + 4);
            _exit(ok ? 50 : 51);
        }
        fill(gbuf, sizeof gbuf, 7);
        write(p[1], "x", 1);
        int st;
        waitpid(g, &st, 0);
        int ok = WIFEXITED(st) && WEXITSTATUS(st) == 50 && check(gbuf, sizeof gbuf, 7);
        _exit(ok ? 52 : 53);
    }
    wait_report(pid, "generations (52 = all good)");
    printf("generations: parent unchanged %d\n", check(gbuf, sizeof gbuf, 5));
}

static void shared_anon(void)
{
    size_t n = 16 * PAGE;
    volatile unsigned char *m =
        mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(m != MAP_FAILED);
    m[0] = 1; /* only the first page touched before fork */
    int to_child[2], to_parent[2];
    char c;
    REQUIRE(pipe(to_child) == 0 && pipe(to_parent) == 0);
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        m[0] = 2;
        m[5 * PAGE] = 3;  /* untouched before fork */
        m[15 * PAGE + 7] = 4;
        write(to_parent[1], "w", 1);
        read(to_child[0], &c, 1);
        _exit(m[1] == 9 && m[6 * PAGE] == 10 ? 60 : 61);
    }
    REQUIRE(read(to_parent[0], &c, 1) == 1);
    printf("shared: parent sees child's writes %d %d %d\n", m[0] == 2, m[5 * PAGE] == 3,
           m[15 * PAGE + 7] == 4);
    m[1] = 9;
    m[6 * PAGE] = 10; /* untouched by anyone so far */
    write(to_child[1], "p", 1);
    wait_report(pid, "shared: child sees parent's writes (60)");
    /* and after the child is gone, the memory is still ours */
    printf("shared: still mapped after the child's exit %d\n", m[5 * PAGE] == 3);
    munmap((void *)m, n);
    close(to_child[0]), close(to_child[1]), close(to_parent[0]), close(to_parent[1]);
}

static void vforks(void)
{
    static volatile int var;
    var = 1;
    fflush(stdout);
    pid_t pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        var = 2; /* the parent's memory: the parent sees it */
        _exit(70);
    }
    printf("vfork: parent sees child's write %d\n", var == 2);
    wait_report(pid, "vfork + _exit");

    /* vfork + execve of ourselves, with arguments */
    char pidbuf[32];
    fflush(stdout);
    pid = vfork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
        char *argv[] = {(char *)self, "exec-child", "hello", pidbuf, NULL};
        char *envp[] = {"MICA_ABI_VAR=set", NULL};
        execve(self, argv, envp);
        _exit(127);
    }
    wait_report(pid, "vfork + execve");
    /* a failed execve returns to the vfork child */
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        char *argv[] = {"/nonexistent", NULL};
        execve("/nonexistent/x", argv, argv + 1);
        _exit(errno == ENOENT ? 71 : 72);
    }
    wait_report(pid, "vfork + failed execve");
}

static void exec_keeps(void)
{
    int keep = open("/", O_RDONLY | O_DIRECTORY);
    int drop = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int eof[2], go[2];
    REQUIRE(keep >= 0 && drop >= 0);
    REQUIRE(pipe2(eof, O_CLOEXEC) == 0 && pipe(go) == 0);
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        /* what exec resets and what it keeps */
        signal(SIGUSR1, SIG_IGN);
        struct sigaction sa = {.sa_handler = (void (*)(int))1234};
        sigaction(SIGUSR2, &sa, NULL); /* never called: reset by exec */
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGHUP);
        sigaddset(&s, SIGWINCH);
        sigprocmask(SIG_BLOCK, &s, NULL);
        kill(getpid(), SIGWINCH); /* pending across exec */
        close(eof[0]);
        close(go[1]);
        char a1[16], a2[16], a3[16], a4[16];
        snprintf(a1, sizeof a1, "%d", keep);
        snprintf(a2, sizeof a2, "%d", drop);
        snprintf(a3, sizeof a3, "%d", eof[1]);
        snprintf(a4, sizeof a4, "%d", go[0]);
        char *argv[] = {(char *)self, "exec-fds", a1, a2, a3, a4, NULL};
        char *envp[] = {NULL};
        execve(self, argv, envp);
        _exit(127);
    }
    close(eof[1]);
    close(go[0]);
    char c;
    /* the write end was close-on-exec: EOF while the child still runs
     * (printed after the child's own lines) */
    long n = read(eof[0], &c, 1);
    pid_t w = waitpid(pid, NULL, WNOHANG);
    write(go[1], "g", 1);
    wait_report(pid, "exec-fds");
    printf("cloexec pipe: read %ld, child was still running %d\n", n, w == 0);
    close(eof[0]), close(go[1]), close(keep), close(drop);
}

static int exec_child(int argc, char **argv)
{
    printf("exec-child: argc %d argv[2] %s pid kept %d env %s\n", argc, argv[2],
           atoi(argv[3]) == getpid(), getenv("MICA_ABI_VAR"));
    return 42;
}

static int exec_fds(char **argv)
{
    int keep = atoi(argv[2]), drop = atoi(argv[3]), eofw = atoi(argv[4]), go = atoi(argv[5]);
    printf("exec-fds: plain fd open %d, cloexec fd %s, cloexec pipe end %s\n",
           fcntl(keep, F_GETFD) == 0, fcntl(drop, F_GETFD) == -1 ? errname(errno) : "open",
           fcntl(eofw, F_GETFD) == -1 ? errname(errno) : "open");
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    printf("exec-fds: ignored stays ignored %d\n", sa.sa_handler == SIG_IGN);
    sigaction(SIGUSR2, NULL, &sa);
    printf("exec-fds: handled becomes default %d\n", sa.sa_handler == SIG_DFL);
    sigset_t s;
    sigprocmask(SIG_BLOCK, NULL, &s);
    printf("exec-fds: mask kept %d %d\n", sigismember(&s, SIGHUP), sigismember(&s, SIGWINCH));
    sigpending(&s);
    printf("exec-fds: pending kept %d\n", sigismember(&s, SIGWINCH));
    char c;
    long n = read(go, &c, 1);
    printf("exec-fds: go %ld\n", n);
    return 43;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    self = argv[0];
    if (argc >= 4 && strcmp(argv[1], "exec-child") == 0)
        return exec_child(argc, argv);
    if (argc >= 6 && strcmp(argv[1], "exec-fds") == 0)
        return exec_fds(argv);
    signal(SIGCHLD, SIG_DFL);
    cow_all();
    cow_generations();
    shared_anon();
    vforks();
    exec_keeps();
    return 0;
}
