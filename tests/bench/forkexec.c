/* forkexec: the cost of fork + execve of a static program that exits at
 * once + wait4, in us per iteration. The child execs this very program,
 * found by argv[0] (the guest has no /proc/self/exe to go by), so run it
 * by an absolute path; "forkexec N PATH" names another file instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *self;

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int fork_exec_wait(void)
{
    char *const argv[] = {(char *)self, "--exit", NULL};
    char *const envp[] = {NULL};
    int status;
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return -1;
    }
    if (pid == 0) {
        execve(self, argv, envp);
        _exit(127);
    }
    if (wait4(pid, &status, 0, NULL) != pid) {
        perror("wait4");
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "forkexec: child status %#x (127: execve of %s failed)\n", status,
                self);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        return 0;
    long n = argc > 1 ? atol(argv[1]) : 300;
    self = argc > 2 ? argv[2] : argv[0];
    if (n <= 0 || !strchr(self, '/')) {
        fprintf(stderr, "usage: /path/to/forkexec [N [PROGRAM]]\n");
        return 2;
    }
    for (int i = 0; i < 5; i++) /* warm up */
        if (fork_exec_wait() < 0)
            return 1;
    long long t0 = now_ns();
    for (long i = 0; i < n; i++)
        if (fork_exec_wait() < 0)
            return 1;
    long long t1 = now_ns();
    printf("%.1f\n", (double)(t1 - t0) / n / 1000);
    return 0;
}
