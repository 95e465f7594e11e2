/* pipes_fork: pipes between processes: a child writes, the parent reads
 * to EOF; a blocking read woken by the child's write; the parent's write
 * end closed in the child so EOF comes; SIGPIPE kills a writer whose
 * reader is gone. */
#include "abi.h"
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static char buf[200000];

static void child_writes(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        for (int i = 0; i < (int)sizeof(buf); i++)
            buf[i] = (char)(i * 31 + 7);
        long n = write(p[1], buf, sizeof(buf)); /* blocks until read */
        _exit(n == (long)sizeof(buf) ? 0 : 1);
    }
    close(p[1]);
    long total = 0, n;
    uint32_t h = ABI_FNV_INIT;
    while ((n = read(p[0], buf, 7001)) > 0) {
        h = abi_fnv(h, buf, (size_t)n);
        total += n;
    }
    printf("parent read %ld (last %ld) fnv %08x\n", total, n, h);
    int st;
    SHOW(waitpid(pid, &st, 0) == pid);
    printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    close(p[0]);
}

static void poll_wakes(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
        write(p[1], "late", 4);
        _exit(0);
    }
    close(p[1]);
    struct pollfd pf = {.fd = p[0], .events = POLLIN};
    SHOW(poll(&pf, 1, 5000));
    printf("POLLIN %d\n", !!(pf.revents & POLLIN)); /* HUP: racy */
    SHOW(read(p[0], buf, 10));
    SHOW(read(p[0], buf, 10)); /* the child is gone: EOF */
    waitpid(pid, NULL, 0);
    close(p[0]);
}

static void sigpipe_kills(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    close(p[0]); /* before fork: no reader anywhere */
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    close(p[1]);
    int st;
    waitpid(pid, &st, 0);
    printf("writer: signaled %d sig %d\n", WIFSIGNALED(st), WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    child_writes();
    poll_wakes();
    sigpipe_kills();
    return 0;
}
