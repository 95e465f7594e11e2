/* pipebw: pipe throughput between two processes, in MiB/s: the child
 * writes MIB MiB (default 64) in 64 KiB writes, the parent reads it all;
 * timed from the fork to the child's reaping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 << 10)

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void writer(int fd, long long total)
{
    static char buf[CHUNK];
    memset(buf, 'w', sizeof(buf));
    while (total > 0) {
        ssize_t n = write(fd, buf, total < CHUNK ? total : CHUNK);
        if (n <= 0)
            _exit(1);
        total -= n;
    }
    _exit(0);
}

int main(int argc, char **argv)
{
    long long total = (argc > 1 ? atoll(argv[1]) : 64) << 20, got = 0;
    static char buf[CHUNK];
    int fds[2], status = 0;
    ssize_t n;
    if (total <= 0 || pipe(fds) < 0) {
        perror("pipebw: pipe");
        return 1;
    }
    long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("pipebw: fork");
        return 1;
    }
    if (pid == 0) {
        close(fds[0]);
        writer(fds[1], total);
    }
    close(fds[1]);
    while ((n = read(fds[0], buf, sizeof(buf))) > 0)
        got += n;
    if (n < 0 || waitpid(pid, &status, 0) != pid || status != 0 || got != total) {
        fprintf(stderr, "pipebw: read %lld of %lld bytes, child status %#x\n", got, total,
                status);
        return 1;
    }
    long long t1 = now_ns();
    printf("%.1f\n", (double)total / (1 << 20) / ((double)(t1 - t0) / 1e9));
    return 0;
}
