/* rss: run a command once; print its wall time in ns, its peak RSS in KiB
 * (ru_maxrss from wait4: the largest of the child and the descendants it
 * waited for, such as QEMU) and its exit status. The command's own output
 * goes to /dev/null; its input is /dev/null, or FILE with "-i FILE".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    const char *in = "/dev/null";
    if (argc > 2 && strcmp(argv[1], "-i") == 0) {
        in = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: rss [-i FILE] PROGRAM [ARG...]\n");
        return 2;
    }
    long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("rss: fork");
        return 1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        int fd = open(in, O_RDONLY);
        if (null < 0 || fd < 0) {
            perror("rss: open");
            _exit(127);
        }
        dup2(fd, 0);
        dup2(null, 1);
        execvp(argv[1], argv + 1);
        perror("rss: exec");
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("rss: wait4");
        return 1;
    }
    long long t1 = now_ns();
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("%lld %ld %d\n", t1 - t0, ru.ru_maxrss, code);
    return 0;
}
