/* fds: descriptor numbering, dup/dup2/dup3, fcntl flags and O_APPEND. */
#include "abi.h"
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>

static void flags(const char *what, int fd)
{
    int fl = fcntl(fd, F_GETFL);
    int fdf = fcntl(fd, F_GETFD);
    if (fl < 0 || fdf < 0) {
        printf("%s: fd %d: -1 %s\n", what, fd, errname(errno));
        return;
    }
    printf("%s: fd %d acc %s%s%s cloexec %d\n", what, fd,
           (fl & O_ACCMODE) == O_RDONLY   ? "ro"
           : (fl & O_ACCMODE) == O_WRONLY ? "wo"
                                          : "rw",
           fl & O_APPEND ? " append" : "", fl & O_NONBLOCK ? " nonblock" : "",
           fdf & FD_CLOEXEC);
}

static void dups(void)
{
    int fd = SHOW(open("f", O_RDWR | O_CREAT, 0644));
    SHOW(dup(fd));
    SHOW(dup2(fd, 10));
    SHOW(dup2(fd, fd));
    SHOW(dup2(99, 11));
    SHOW(dup2(fd, -1));
    SHOW(dup3(fd, 11, O_CLOEXEC));
    SHOW(dup3(fd, fd, 0));
    SHOW(syscall(SYS_dup3, fd, 12, 0x1234));
    SHOW(fcntl(fd, F_DUPFD, 20));
    SHOW(fcntl(fd, F_DUPFD, 20));
    SHOW(fcntl(fd, F_DUPFD_CLOEXEC, 0));
    SHOW(fcntl(fd, F_DUPFD, -1));
    flags("f", fd);
    flags("dup3 cloexec", 11);
    flags("F_DUPFD_CLOEXEC", 5);
    SHOW(fcntl(fd, F_SETFD, FD_CLOEXEC));
    flags("after F_SETFD", fd);
    flags("dup of it", 4);
    SHOW(fcntl(fd, F_SETFD, 0));

    /* Dups share one offset; a fresh open has its own. */
    SHOW(write(fd, "0123456789", 10));
    SHOW(lseek(4, 0, SEEK_CUR));
    SHOW(lseek(10, 3, SEEK_SET));
    SHOW(lseek(fd, 0, SEEK_CUR));
    int other = SHOW(open("f", O_RDONLY));
    SHOW(lseek(other, 0, SEEK_CUR));

    /* Closing fills holes: the next open takes the lowest free number. */
    SHOW(close(4));
    SHOW(close(5));
    SHOW(open("f", O_RDONLY));
    SHOW(close(10));
    SHOW(close(10));
    SHOW(close(-1));
    for (int i = 3; i < 64; i++)
        close(i);
    SHOW(open("f", O_RDONLY));
    SHOW(close(3));
}

static void append_and_flags(void)
{
    char buf[32] = {0};
    int fd = SHOW(open("g", O_WRONLY | O_CREAT | O_TRUNC, 0644));
    SHOW(write(fd, "abc", 3));
    SHOW(close(fd));
    fd = SHOW(open("g", O_WRONLY | O_APPEND));
    flags("O_APPEND", fd);
    SHOW(lseek(fd, 0, SEEK_SET));
    SHOW(write(fd, "def", 3));
    SHOW(lseek(fd, 0, SEEK_CUR));
    SHOW(fcntl(fd, F_SETFL, 0)); /* clears O_APPEND */
    flags("F_SETFL 0", fd);
    SHOW(lseek(fd, 0, SEEK_SET));
    SHOW(write(fd, "X", 1));
    SHOW(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
    flags("F_SETFL append|nonblock", fd);
    SHOW(close(fd));
    fd = SHOW(open("g", O_RDONLY | O_CLOEXEC));
    flags("O_CLOEXEC", fd);
    SHOW(read(fd, buf, sizeof buf - 1));
    printf("  contents \"%s\"\n", buf);
    SHOW(fcntl(fd, 9999));
    SHOW(fcntl(-1, F_GETFD));
    SHOW(fcntl(77, F_GETFL));
    SHOW(close(fd));
}

/* A file is not a terminal; neither are this run's stdin and stdout. */
static void ttys(void)
{
    struct termios t;
    struct winsize ws;
    int fd = open("g", O_RDONLY);
    SHOW(ioctl(fd, TCGETS, &t));
    SHOW(ioctl(fd, TIOCGWINSZ, &ws));
    SHOW(ioctl(-1, TCGETS, &t));
    SHOW(isatty(fd));
    close(fd);
    SHOW(ioctl(0, TCGETS, &t));
    SHOW(ioctl(1, TIOCGWINSZ, &ws));
    SHOW(isatty(0));
    SHOW(isatty(1));
    SHOW(isatty(2));
}

/* Descriptors run out at RLIMIT_NOFILE with EMFILE. */
static void exhaust(void)
{
    struct rlimit rl;
    REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    rl.rlim_cur = 64;
    SHOW(setrlimit(RLIMIT_NOFILE, &rl));
    int last = -1, n = 0;
    for (;;) {
        int fd = open("g", O_RDONLY);
        if (fd < 0) {
            printf("open #%d: -1 %s, last fd %d\n", n + 1, errname(errno), last);
            break;
        }
        last = fd;
        n++;
    }
    SHOW(dup(0));
    SHOW(dup2(0, 64));
    SHOW(fcntl(0, F_DUPFD, 64));
    for (int i = 3; i <= last; i++)
        close(i);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    abi_enter_tmpdir();
    dups();
    append_and_flags();
    ttys();
    exhaust();
    return 0;
}
