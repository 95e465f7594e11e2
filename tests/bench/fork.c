/* fork: the cost of fork + _exit in the child + wait4 in the parent, in
 * us per iteration. The parent has a few MiB touched, so copy-on-write has
 * page tables to copy, as a shell's would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOUCHED (4 << 20)

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int fork_wait(void)
{
    int status;
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return -1;
    }
    if (pid == 0)
        _exit(7);
    if (wait4(pid, &status, 0, NULL) != pid) {
        perror("wait4");
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 7) {
        fprintf(stderr, "fork: child status %#x, want exit 7\n", status);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    char *mem = malloc(TOUCHED);
    if (!mem || n <= 0)
        return 1;
    memset(mem, 1, TOUCHED);
    for (int i = 0; i < 10; i++) /* warm up */
        if (fork_wait() < 0)
            return 1;
    long long t0 = now_ns();
    for (long i = 0; i < n; i++)
        if (fork_wait() < 0)
            return 1;
    long long t1 = now_ns();
    printf("%.1f\n", (double)(t1 - t0) / n / 1000);
    return mem[TOUCHED - 1] != 1;
}
