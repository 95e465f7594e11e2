/* pipeprocs: pipes between several processes: EOF only when the last
 * writer anywhere closes; EPIPE with SIGPIPE ignored, handled and blocked;
 * PIPE_BUF-sized writes from two writers never interleave; poll and
 * select woken by another process (POLLIN, POLLOUT, POLLHUP, POLLERR);
 * a shell-like pipeline of three processes through dup2.
 */
#include "abi.h"
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>

static pid_t child(void)
{
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    return pid;
}

static int exit_code(pid_t pid)
{
    int st;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void last_writer(void)
{
    int p[2], go[2];
    REQUIRE(pipe(p) == 0 && pipe(go) == 0);
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = child();
        if (kids[i] == 0) {
            close(p[0]);
            close(go[1]);
            char c, line[8];
            read(go[0], &c, 1); /* wait for EOF on go: all start together */
            snprintf(line, sizeof line, "kid%d\n", i);
            write(p[1], line, 5);
            _exit(0);
        }
    }
    close(p[1]);
    close(go[0]);
    /* the writers are alive and silent: a non-blocking read says EAGAIN */
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    char buf[64];
    SHOW(read(p[0], buf, sizeof buf));
    fcntl(p[0], F_SETFL, 0);
    close(go[1]);
    int seen[3] = {0}, total = 0;
    long n;
    char all[64];
    while ((n = read(p[0], buf, sizeof buf)) > 0) {
        memcpy(all + total, buf, (size_t)n);
        total += (int)n;
    }
    for (int i = 0; i + 5 <= total; i += 5)
        if (all[i + 3] >= '0' && all[i + 3] <= '2')
            seen[all[i + 3] - '0']++;
    printf("read %d bytes then %ld; lines from each: %d %d %d\n", total, n, seen[0], seen[1],
           seen[2]);
    for (int i = 0; i < 3; i++)
        exit_code(kids[i]);
    close(p[0]);
}

static volatile sig_atomic_t pipe_sigs;

static void on_pipe(int sig)
{
    (void)sig;
    pipe_sigs++;
}

static void epipe(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = child();
    if (pid == 0) {
        close(p[1]);
        close(p[0]); /* the only reader goes away */
        _exit(0);
    }
    close(p[0]);
    exit_code(pid);
    signal(SIGPIPE, SIG_IGN);
    SHOW(write(p[1], "x", 1));
    signal(SIGPIPE, on_pipe);
    SHOW(write(p[1], "x", 1));
    printf("SIGPIPE handler ran %d\n", pipe_sigs);
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    sigprocmask(SIG_BLOCK, &s, &old);
    SHOW(write(p[1], "x", 1));
    sigpending(&s);
    printf("blocked SIGPIPE pending %d\n", sigismember(&s, SIGPIPE));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("delivered on unblock %d\n", pipe_sigs);
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);
    /* a writer blocked on a full pipe gets EPIPE when the reader exits */
    REQUIRE(pipe(p) == 0);
    pid = child();
    if (pid == 0) {
        close(p[1]);
        char c;
        read(p[0], &c, 1); /* one byte, then exit */
        _exit(0);
    }
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    static char big[256 * 1024];
    long n = write(p[1], big, sizeof big);
    int e = errno;
    printf("blocked writer, reader gone: %s\n",
           n < 0 ? errname(e) : n > 0 && n < (long)sizeof big ? "partial" : "all?");
    signal(SIGPIPE, SIG_DFL);
    exit_code(pid);
    close(p[1]);
}

#define RECORDS 600

static void atomic_writes(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t w[2];
    for (int k = 0; k < 2; k++) {
        w[k] = child();
        if (w[k] == 0) {
            char rec[PIPE_BUF];
            close(p[0]);
            memset(rec, 'A' + k, sizeof rec);
            for (int i = 0; i < RECORDS; i++) {
                rec[0] = (char)i; /* any byte: checked only for the rest */
                if (write(p[1], rec, sizeof rec) != (long)sizeof rec)
                    _exit(1);
            }
            _exit(0);
        }
    }
    close(p[1]);
    static char rec[PIPE_BUF];
    size_t have = 0;
    int count[2] = {0, 0}, torn = 0;
    long n;
    while ((n = read(p[0], rec + have, sizeof rec - have)) > 0) {
        have += (size_t)n;
        if (have < sizeof rec)
            continue;
        char c = rec[1];
        int same = c == 'A' || c == 'B';
        for (size_t i = 1; i < sizeof rec && same; i++)
            same = rec[i] == c;
        if (same)
            count[c - 'A']++;
        else
            torn++;
        have = 0;
    }
    printf("PIPE_BUF %d records: A %d B %d torn %d leftover %zu\n", PIPE_BUF, count[0],
           count[1], torn, have);
    printf("writers: %d %d\n", exit_code(w[0]), exit_code(w[1]));
    close(p[0]);
}

static void polling(void)
{
    int p[2], go[2];
    char buf[65536];
    REQUIRE(pipe(p) == 0 && pipe(go) == 0);
    /* POLLOUT on a full pipe comes back when another process reads */
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    long total = 0, n;
    while ((n = write(p[1], buf, sizeof buf)) > 0)
        total += n;
    printf("filled: %s, capacity >= 4096 %d\n", errname(errno), total >= 4096);
    struct pollfd pf = {.fd = p[1], .events = POLLOUT};
    SHOW(poll(&pf, 1, 0));
    pid_t pid = child();
    if (pid == 0) {
        close(p[1]);
        close(go[1]);
        char c;
        read(go[0], &c, 1);
        while (read(p[0], buf, sizeof buf) > 0) /* drain to EOF */
            ;
        _exit(0);
    }
    close(go[0]);
    write(go[1], "g", 1);
    SHOW(poll(&pf, 1, -1));
    printf("POLLOUT %d\n", (pf.revents & POLLOUT) != 0);
    close(p[1]);
    exit_code(pid);
    close(go[1]);
    /* POLLERR for a write end whose reader is gone */
    close(p[0]);
    REQUIRE(pipe(p) == 0);
    close(p[0]);
    pf = (struct pollfd){.fd = p[1], .events = POLLOUT};
    SHOW(poll(&pf, 1, 0));
    printf("no reader: revents POLLERR %d POLLOUT %d\n", (pf.revents & POLLERR) != 0,
           (pf.revents & POLLOUT) != 0);
    close(p[1]);

    /* select woken by a child's write; then POLLHUP after it exits */
    REQUIRE(pipe(p) == 0 && pipe(go) == 0);
    pid = child();
    if (pid == 0) {
        close(p[0]);
        close(go[1]);
        char c;
        read(go[0], &c, 1);
        write(p[1], "hi", 2);
        _exit(0);
    }
    close(p[1]);
    close(go[0]);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = {0, 0};
    SHOW(select(p[0] + 1, &rd, NULL, NULL, &tv));
    write(go[1], "g", 1);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    SHOW(select(p[0] + 1, &rd, NULL, NULL, NULL));
    printf("readable %d\n", FD_ISSET(p[0], &rd));
    exit_code(pid);
    pf = (struct pollfd){.fd = p[0], .events = POLLIN};
    SHOW(poll(&pf, 1, 0));
    printf("data, writer gone: POLLIN %d POLLHUP %d\n", (pf.revents & POLLIN) != 0,
           (pf.revents & POLLHUP) != 0);
    SHOW(read(p[0], buf, sizeof buf));
    SHOW(poll(&pf, 1, 0));
    printf("empty, writer gone: POLLIN %d POLLHUP %d\n", (pf.revents & POLLIN) != 0,
           (pf.revents & POLLHUP) != 0);
    close(p[0]);
    close(go[1]);
}

/* seq | filter | count, wired with dup2 as a shell would */
static void pipeline(void)
{
    int a[2], b[2];
    REQUIRE(pipe(a) == 0 && pipe(b) == 0);
    pid_t p1 = child();
    if (p1 == 0) {
        dup2(a[1], 1);
        close(a[0]), close(a[1]), close(b[0]), close(b[1]);
        for (int i = 1; i <= 1000; i++)
            printf("%d\n", i);
        fflush(stdout);
        _exit(0);
    }
    pid_t p2 = child();
    if (p2 == 0) {
        dup2(a[0], 0);
        dup2(b[1], 1);
        close(a[0]), close(a[1]), close(b[0]), close(b[1]);
        char line[32];
        while (fgets(line, sizeof line, stdin))
            if (atoi(line) % 7 == 0)
                fputs(line, stdout);
        fflush(stdout);
        _exit(0);
    }
    close(a[0]), close(a[1]), close(b[1]);
    FILE *f = fdopen(b[0], "r");
    char line[32];
    long sum = 0, lines = 0;
    while (fgets(line, sizeof line, f))
        sum += atoi(line), lines++;
    fclose(f);
    printf("pipeline: %ld lines, sum %ld, exits %d %d\n", lines, sum, exit_code(p1),
           exit_code(p2));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGCHLD, SIG_DFL);
    last_writer();
    epipe();
    atomic_writes();
    polling();
    pipeline();
    return 0;
}
