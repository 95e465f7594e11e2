/* pipes: one process, both ends: data in order, EOF, EPIPE with SIGPIPE
 * ignored, non-blocking rules, Linux's capacity (16 pages), packet mode,
 * fcntl and ioctl on pipes, and poll/select readiness in each state. */
#include "abi.h"
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/select.h>

static char buf[80000];

static void show_poll(const char *what, int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};
    int n = poll(&p, 1, 0);
    printf("poll %s: %d revents %#x\n", what, n, (unsigned short)p.revents);
}

static void show_select(const char *what, int rfd, int wfd)
{
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(rfd, &r);
    FD_SET(wfd, &w);
    struct timeval tv = {0, 0};
    int n = select((rfd > wfd ? rfd : wfd) + 1, &r, &w, NULL, &tv);
    printf("select %s: %d read %d write %d\n", what, n, FD_ISSET(rfd, &r),
           FD_ISSET(wfd, &w));
}

static void basics(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    printf("fds %d %d\n", p[0], p[1]);
    struct stat st;
    SHOW(fstat(p[0], &st));
    printf("fifo %d mode %o size %ld nlink %ld\n", S_ISFIFO(st.st_mode),
           st.st_mode & 07777, (long)st.st_size, (long)st.st_nlink);
    SHOW(fcntl(p[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
    SHOW(fcntl(p[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
    SHOW(fcntl(p[0], F_GETPIPE_SZ));
    show_poll("empty read end", p[0], POLLIN | POLLOUT);
    show_poll("empty write end", p[1], POLLIN | POLLOUT);
    show_select("empty", p[0], p[1]);
    SHOW(write(p[1], "hello, pipe", 11));
    int n = -1;
    SHOW(ioctl(p[0], FIONREAD, &n));
    printf("FIONREAD %d\n", n);
    show_poll("data", p[0], POLLIN);
    show_select("data", p[0], p[1]);
    memset(buf, 0, 32);
    SHOW(read(p[0], buf, 5));
    SHOW(read(p[0], buf + 5, 100));
    printf("read \"%s\"\n", buf);
    SHOW(lseek(p[0], 0, SEEK_CUR));
    SHOW(pread(p[0], buf, 1, 0));
    SHOW(read(p[1], buf, 1));
    SHOW(write(p[0], "x", 1));
    SHOW(write(p[1], "tail", 4));
    SHOW(close(p[1]));
    show_poll("no writer, data", p[0], POLLIN);
    SHOW(read(p[0], buf, 100));
    SHOW(read(p[0], buf, 100));
    show_poll("no writer, empty", p[0], POLLIN);
    SHOW(close(p[0]));
}

static void epipe(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    signal(SIGPIPE, SIG_IGN);
    SHOW(close(p[0]));
    show_poll("no reader", p[1], POLLOUT);
    SHOW(write(p[1], "", 0));
    SHOW(write(p[1], "x", 1));
    SHOW(close(p[1]));
    signal(SIGPIPE, SIG_DFL);
}

static void nonblocking(void)
{
    int p[2];
    REQUIRE(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
    SHOW(fcntl(p[0], F_GETFD));
    SHOW(fcntl(p[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
    SHOW(read(p[0], buf, 10));
    long total = 0, n;
    while ((n = write(p[1], buf, 1000)) > 0)
        total += n;
    printf("1000-byte writes until EAGAIN: %ld, then %s\n", total, errname(errno));
    show_poll("full", p[1], POLLOUT);
    SHOW(read(p[0], buf, 1));
    SHOW(write(p[1], buf, 97));
    SHOW(write(p[1], buf, 96));
    SHOW(read(p[0], buf, 3999));
    show_poll("a page free", p[1], POLLOUT);
    SHOW(write(p[1], buf, 4096));
    SHOW(write(p[1], buf, 1));
    while (read(p[0], buf, sizeof(buf)) > 0)
        ;
    SHOW(write(p[1], buf, 100));
    SHOW(write(p[1], buf, 70000));
    SHOW(write(p[1], buf, 1));
    uint32_t h = ABI_FNV_INIT;
    total = 0;
    for (int i = 0; i < 70000; i++)
        buf[i] = (char)(i * 13 + 1);
    while ((n = read(p[0], buf + 70000, 5000)) > 0)
        total += n;
    printf("drained %ld then %s\n", total, errname(errno));
    /* odd sizes through the ring; the checksum of what came out */
    total = 0;
    long in = 0;
    for (int round = 0; round < 40; round++) {
        n = write(p[1], buf + (in % 60000), 1 + (round * 2741) % 9000);
        if (n > 0)
            in += n;
        n = read(p[0], buf + 70000, 1 + (round * 1237) % 7000);
        if (n > 0) {
            h = abi_fnv(h, buf + 70000, (size_t)n);
            total += n;
        }
    }
    printf("ring: in %ld out %ld fnv %08x\n", in, total, h);
    SHOW(fcntl(p[1], F_SETPIPE_SZ, 0));
    SHOW(fcntl(p[1], F_SETPIPE_SZ, 5000));
    SHOW(fcntl(p[1], F_SETPIPE_SZ, 70000));
    SHOW(fcntl(p[1], F_SETPIPE_SZ, -1));
    SHOW(fcntl(0, F_GETPIPE_SZ));
    SHOW(close(p[0]));
    SHOW(close(p[1]));
}

static void packets(void)
{
    int p[2];
    REQUIRE(pipe2(p, O_DIRECT) == 0);
    SHOW(fcntl(p[1], F_GETFL) & O_DIRECT);
    SHOW(write(p[1], "abc", 3));
    SHOW(write(p[1], "defgh", 5));
    SHOW(read(p[0], buf, 100));
    SHOW(read(p[0], buf, 2));
    SHOW(fcntl(p[1], F_SETFL, 0));
    SHOW(write(p[1], "ij", 2));
    SHOW(write(p[1], "kl", 2));
    SHOW(read(p[0], buf, 100));
    close(p[0]);
    close(p[1]);
}

static void dups(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    int d = SHOW(dup(p[1]));
    SHOW(close(p[1]));
    SHOW(write(d, "via dup", 7));
    show_poll("writer dup open", p[0], POLLIN);
    SHOW(close(d));
    show_poll("all writers closed", p[0], POLLIN);
    SHOW(read(p[0], buf, 100));
    SHOW(read(p[0], buf, 100));
    close(p[0]);
    /* faults */
    SHOW(syscall(SYS_pipe2, (void *)8, 0));
    SHOW(syscall(SYS_pipe2, p, 0x40));
    REQUIRE(pipe(p) == 0);
    SHOW(write(p[1], "abc", 3));
    SHOW(syscall(SYS_read, p[0], (void *)8, 3));
    SHOW(read(p[0], buf, 3));
    SHOW(syscall(SYS_write, p[1], (void *)8, 3));
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    basics();
    epipe();
    nonblocking();
    packets();
    dups();
    return 0;
}
