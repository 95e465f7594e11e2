/* pipelat: pipe latency between two processes, a 1-byte ping-pong over two
 * pipes, in us per round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Send one byte on out, wait for it back on in; n times. */
static int ping(int out, int in, long n)
{
    char c = 'p';
    for (long i = 0; i < n; i++)
        if (write(out, &c, 1) != 1 || read(in, &c, 1) != 1)
            return -1;
    return 0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    int to_child[2], to_parent[2], status;
    char c;
    if (n <= 0 || pipe(to_child) < 0 || pipe(to_parent) < 0) {
        perror("pipelat: pipe");
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("pipelat: fork");
        return 1;
    }
    if (pid == 0) { /* echo every byte back until EOF */
        close(to_child[1]);
        close(to_parent[0]);
        while (read(to_child[0], &c, 1) == 1)
            if (write(to_parent[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    if (ping(to_child[1], to_parent[0], 100) < 0) { /* warm up */
        perror("pipelat: ping");
        return 1;
    }
    long long t0 = now_ns();
    int rc = ping(to_child[1], to_parent[0], n);
    long long t1 = now_ns();
    close(to_child[1]);
    if (rc < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
        perror("pipelat: ping or child");
        return 1;
    }
    printf("%.2f\n", (double)(t1 - t0) / n / 1000);
    return 0;
}
