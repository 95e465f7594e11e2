/* execat: execveat with a directory fd and a name, with AT_EMPTY_PATH on an
 * open file and on an O_PATH descriptor, AT_SYMLINK_NOFOLLOW on absolute
 * and relative symlinks, and the errors (no flag for an empty path, bad
 * flags, a bad fd, a directory). The child checks /proc/self/exe. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
static int run(int dirfd, const char *path, int flags, const char *arg)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        char *argv[] = {(char *)"x", (char *)arg, NULL};
        syscall(SYS_execveat, dirfd, path, argv, environ, flags);
        printf("  execveat failed: %s\n", strerror(errno));
        _exit(99);
    }
    int st;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child")) {
        char buf[256] = "";
        ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
        buf[n > 0 ? n : 0] = 0;
        printf("  child runs, exe ends with execat: %d\n", n > 0 && strstr(buf, "execat") != NULL);
        return 7;
    }
    char dir[256];
    strcpy(dir, argv[0]);
    char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : argv[0];
    if (slash) *slash = 0; else strcpy(dir, ".");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    int ffd = open(argv[0], O_RDONLY);
    int pfd = open(argv[0], O_PATH);
    printf("dirfd + name: %d\n", run(dfd, base, 0, "child"));
    printf("AT_EMPTY_PATH: %d\n", run(ffd, "", AT_EMPTY_PATH, "child"));
    printf("O_PATH fd, AT_EMPTY_PATH: %d\n", run(pfd, "", AT_EMPTY_PATH, "child"));
    printf("empty path without the flag: %d\n", run(ffd, "", 0, "child"));
    printf("bad flag: %d\n", run(dfd, base, 0x4, "child"));
    printf("bad dirfd: %d\n", run(999, "x", 0, "child"));
    printf("absolute path, any dirfd: %d\n", run(999, argv[0], 0, "child"));
    symlink(argv[0], "/tmp/execat-link");
    printf("symlink with AT_SYMLINK_NOFOLLOW: %d\n", run(AT_FDCWD, "/tmp/execat-link", AT_SYMLINK_NOFOLLOW, "child"));
    int tfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    printf("relative symlink NOFOLLOW: %d\n", run(tfd, "execat-link", AT_SYMLINK_NOFOLLOW, "child"));
    printf("relative symlink followed: %d\n", run(tfd, "execat-link", 0, "child"));
    unlink("/tmp/execat-link");
    printf("a directory: %d\n", run(dfd, ".", 0, "child"));
    return 0;
}
