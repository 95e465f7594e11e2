/* hog: use up a resource inside the guest, for tests/system/limits.sh.
 *
 *   hog mem        map and touch 1 MiB at a time, for ever; if a map
 *                  fails, say so and exit 3 (the kernel may kill us
 *                  first: 137 is the other good end)
 *   hog mem-child  fork a child that does "mem"; report how it ended,
 *                  then show the parent still works: exit 0
 *   hog files      close every fd but 0-2 (what a test harness left
 *                  open), open /dev/null until it fails; print the count
 *                  and the error (EMFILE expected), exit 0
 *   hog procs [N]  (RLIMIT_NPROC N first) fork children that pause until
 *                  fork fails; print the count and the error, kill them,
 *                  exit 0
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (1u << 20)

static int hog_mem(void)
{
    unsigned long mib = 0;

    for (;;) {
        char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED) {
            printf("mmap failed after %lu MiB: %s\n", mib, strerror(errno));
            return 3;
        }
        memset(p, 0x5a, CHUNK);
        mib++;
    }
}

static int hog_mem_child(void)
{
    int st;
    pid_t pid = fork();

    if (pid < 0)
        return 1;
    if (pid == 0)
        _exit(hog_mem());
    if (waitpid(pid, &st, 0) != pid)
        return 1;
    if (WIFSIGNALED(st))
        printf("child killed by signal %d\n", WTERMSIG(st));
    else
        printf("child exited %d\n", WEXITSTATUS(st));
    printf("parent alive\n");
    return 0;
}

static int hog_files(void)
{
    unsigned long n = 0;
    int fd;

    for (fd = 3; fd < 4096; fd++)
        close(fd);
    while (open("/dev/null", O_RDONLY) >= 0)
        n++;
    printf("opened %lu, then %s\n", n, strerror(errno));
    return 0;
}

static int hog_procs(void)
{
    unsigned long n = 0;
    pid_t pid;
    int e;

    for (;;) {
        pid = fork();
        if (pid == 0) {
            pause();
            _exit(0);
        }
        if (pid < 0)
            break;
        n++;
    }
    e = errno;
    signal(SIGTERM, SIG_IGN);
    kill(0, SIGTERM);
    while (wait(NULL) > 0)
        ;
    printf("forked %lu, then %s\n", n, strerror(e));
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 2 && strcmp(argv[1], "mem") == 0)
        return hog_mem();
    if (argc == 2 && strcmp(argv[1], "mem-child") == 0)
        return hog_mem_child();
    if (argc == 2 && strcmp(argv[1], "files") == 0)
        return hog_files();
    if (argc >= 2 && strcmp(argv[1], "procs") == 0) {
        if (argc == 3) {
            struct rlimit rl = { strtoul(argv[2], NULL, 10),
                                 strtoul(argv[2], NULL, 10) };

            if (setrlimit(RLIMIT_NPROC, &rl) < 0)
                return 1;
        }
        return hog_procs();
    }
    fprintf(stderr, "usage: hog mem|mem-child|files|procs [N]\n");
    return 2;
}
