/* unix_stream: AF_UNIX stream sockets in one process and with a child:
 * socketpair, path and abstract names, listen/connect/accept4, name
 * collisions, refused connections, shutdown and EPIPE, non-blocking
 * rules, MSG_PEEK/MSG_WAITALL, ioctls, socket options, poll states and
 * the errors of misuse. */
#include "unix.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <sys/uio.h>

#ifndef SIOCOUTQ
#define SIOCOUTQ TIOCOUTQ /* linux/sockios.h, which musl lacks */
#endif

static char buf[300000];

static void show_name(const char *what, int fd, int peer)
{
    struct sockaddr_un a;
    memset(&a, 0x55, sizeof(a));
    socklen_t len = sizeof(a);
    int r = peer ? getpeername(fd, (struct sockaddr *)&a, &len)
                 : getsockname(fd, (struct sockaddr *)&a, &len);
    if (r < 0) {
        printf("%s: -1 %s\n", what, errname(errno));
        return;
    }
    printf("%s: len %u family %d", what, (unsigned)len, a.sun_family);
    if (len > 2 && a.sun_path[0])
        printf(" path \"%s\"", a.sun_path);
    else if (len > 2)
        printf(" abstract \"%.*s\"", (int)(len - 3), a.sun_path + 1);
    printf("\n");
}

static void show_opt(const char *what, int fd, int opt)
{
    int v = -7;
    socklen_t len = sizeof(v);
    int r = getsockopt(fd, SOL_SOCKET, opt, &v, &len);
    if (r < 0)
        printf("getsockopt %s: -1 %s\n", what, errname(errno));
    else
        printf("getsockopt %s: %d (len %u)\n", what, v, (unsigned)len);
}

static void pair_basics(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct stat st;
    SHOW(fstat(sv[0], &st));
    printf("sock %d mode %o\n", S_ISSOCK(st.st_mode), st.st_mode & 07777);
    SHOW(fcntl(sv[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
    show_opt("SO_TYPE", sv[0], SO_TYPE);
    show_opt("SO_DOMAIN", sv[0], SO_DOMAIN);
    show_opt("SO_PROTOCOL", sv[0], SO_PROTOCOL);
    show_opt("SO_ERROR", sv[0], SO_ERROR);
    show_opt("SO_ACCEPTCONN", sv[0], SO_ACCEPTCONN);
    show_opt("SO_SNDBUF", sv[0], SO_SNDBUF);
    show_opt("SO_RCVBUF", sv[0], SO_RCVBUF);
    show_opt("SO_PASSCRED", sv[0], SO_PASSCRED);
    show_opt("SO_KEEPALIVE", sv[0], SO_KEEPALIVE);
    show_name("pair name", sv[0], 0);
    show_name("pair peer", sv[0], 1);
    show_poll("pair idle", sv[0]);
    SHOW(write(sv[0], "hello", 5));
    SHOW(send(sv[0], " world", 6, 0));
    int n = -1;
    SHOW(ioctl(sv[1], FIONREAD, &n));
    printf("FIONREAD %d\n", n);
    SHOW(ioctl(sv[0], SIOCOUTQ, &n));
    printf("SIOCOUTQ %d\n", n);
    show_poll("pair data", sv[1]);
    memset(buf, 0, 64);
    SHOW(recv(sv[1], buf, 3, MSG_PEEK));
    SHOW(recv(sv[1], buf, 100, MSG_PEEK));
    printf("peeked \"%s\"\n", buf);
    memset(buf, 0, 64);
    SHOW(read(sv[1], buf, 4));
    SHOW(read(sv[1], buf + 4, 100));
    printf("read \"%s\"\n", buf);
    SHOW(recv(sv[1], buf, 10, MSG_DONTWAIT));
    SHOW(lseek(sv[0], 0, SEEK_CUR));
    /* readv/writev keep stream bytes in order */
    struct iovec iov[2] = {{"abc", 3}, {"defg", 4}};
    SHOW(writev(sv[1], iov, 2));
    char a[2], b[10];
    struct iovec riov[2] = {{a, 2}, {b, 10}};
    SHOW(readv(sv[0], riov, 2));
    printf("readv \"%.2s\" \"%.5s\"\n", a, b);
    /* shutdown */
    SHOW(shutdown(sv[0], SHUT_WR));
    show_poll("after SHUT_WR (self)", sv[0]);
    show_poll("after SHUT_WR (peer)", sv[1]);
    SHOW(read(sv[1], buf, 10));
    SHOW(send(sv[0], "x", 1, MSG_NOSIGNAL));
    SHOW(write(sv[1], "back", 4));
    SHOW(read(sv[0], buf, 10));
    SHOW(shutdown(sv[0], SHUT_RD));
    show_poll("after SHUT_RDWR (self)", sv[0]);
    show_poll("after SHUT_RDWR (peer)", sv[1]);
    SHOW(read(sv[0], buf, 10));
    SHOW(send(sv[1], "x", 1, MSG_NOSIGNAL));
    SHOW(shutdown(sv[0], 7));
    close(sv[0]);
    close(sv[1]);

    /* closing with unread data: the peer sees ECONNRESET */
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    SHOW(write(sv[0], "unread", 6));
    SHOW(write(sv[1], "mine", 4));
    close(sv[1]);
    show_poll("peer closed with unread data", sv[0]);
    show_opt("SO_ERROR", sv[0], SO_ERROR);
    SHOW(read(sv[0], buf, 10));
    SHOW(read(sv[0], buf, 10));
    close(sv[0]);

    /* closing cleanly: EOF, then EPIPE and SIGPIPE (ignored) */
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    SHOW(write(sv[1], "last", 4));
    close(sv[1]);
    show_poll("peer closed", sv[0]);
    SHOW(read(sv[0], buf, 10));
    SHOW(read(sv[0], buf, 10));
    signal(SIGPIPE, SIG_IGN);
    SHOW(write(sv[0], "x", 1));
    close(sv[0]);
}

static void nonblocking(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
    SHOW(fcntl(sv[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
    SHOW(fcntl(sv[0], F_GETFD));
    SHOW(read(sv[0], buf, 10));
    long total = 0;
    ssize_t n;
    while ((n = write(sv[0], buf, 1000)) > 0)
        total += n;
    printf("filled: %s, then %s\n", total > 0 ? "some" : "none",
           errname(errno));
    show_poll("full", sv[0]);
    long got = 0;
    while ((n = read(sv[1], buf, sizeof(buf))) > 0)
        got += n;
    printf("drained all: %d, then %s\n", got == total, errname(errno));
    show_poll("drained", sv[0]);
    int on = 0;
    SHOW(ioctl(sv[1], FIONBIO, &on));
    SHOW(fcntl(sv[1], F_GETFL) & O_NONBLOCK);
    SHOW(recv(sv[1], buf, 10, MSG_DONTWAIT));
    close(sv[0]);
    close(sv[1]);
}

static void buffers(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    int v = 10000;
    SHOW(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
    show_opt("SO_SNDBUF 10000", s, SO_SNDBUF);
    v = 1;
    SHOW(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
    show_opt("SO_SNDBUF 1", s, SO_SNDBUF);
    v = 1;
    SHOW(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
    show_opt("SO_RCVBUF 1", s, SO_RCVBUF);
    v = 100000; /* below any rmem_max: the cap is a host setting */
    SHOW(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
    show_opt("SO_RCVBUF 100000", s, SO_RCVBUF);
    v = 1;
    SHOW(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
    show_opt("SO_REUSEADDR", s, SO_REUSEADDR);
    SHOW(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)));
    show_opt("SO_PASSCRED", s, SO_PASSCRED);
    struct linger lg = {1, 5};
    SHOW(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
    SHOW(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, 2));
    SHOW(setsockopt(s, SOL_SOCKET, 9999, &v, sizeof(v)));
    SHOW(setsockopt(s, 0 /* SOL_IP */, 1, &v, sizeof(v)));
    socklen_t len = sizeof(v);
    SHOW(getsockopt(s, SOL_SOCKET, 9999, &v, &len));
    len = 2;
    SHOW(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
    printf("short len %u\n", (unsigned)len);
    struct timeval tv = {0, 50000};
    SHOW(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    memset(&tv, 0, sizeof(tv));
    len = sizeof(tv);
    SHOW(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
    printf("rcvtimeo %ld.%06ld len %u\n", (long)tv.tv_sec, (long)tv.tv_usec, (unsigned)len);
    close(s);

    /* a receive timeout ends a blocking read with EAGAIN */
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    tv.tv_sec = 0;
    tv.tv_usec = 20000;
    SHOW(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    SHOW(read(sv[0], buf, 10));
    close(sv[0]);
    close(sv[1]);
}

static void names(void)
{
    struct sockaddr_un a;
    socklen_t al = mkaddr(&a, "srv.sock", 0);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    show_name("unbound name", l, 0);
    show_name("unbound peer", l, 1);
    SHOW(listen(l, 5));
    show_name("listen autobound", l, 0);
    close(l);

    l = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(bind(l, (struct sockaddr *)&a, al));
    show_name("bound", l, 0);
    SHOW(bind(l, (struct sockaddr *)&a, al));
    struct stat st;
    SHOW(stat("srv.sock", &st));
    printf("S_ISSOCK %d mode %o\n", S_ISSOCK(st.st_mode), st.st_mode & 0777);
    SHOW(open("srv.sock", O_RDONLY));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(connect(c, (struct sockaddr *)&a, al));
    SHOW(bind(c, (struct sockaddr *)&a, al));
    SHOW(listen(l, 2));
    show_opt("SO_ACCEPTCONN", l, SO_ACCEPTCONN);
    show_poll("listening idle", l);
    SHOW(connect(c, (struct sockaddr *)&a, al));
    SHOW(connect(c, (struct sockaddr *)&a, al));
    show_poll("listening pending", l);
    show_name("client peer", c, 1);
    show_name("client name", c, 0);
    SHOW(write(c, "early", 5));
    struct sockaddr_un pa;
    socklen_t pl = sizeof(pa);
    int s = accept4(l, (struct sockaddr *)&pa, &pl, SOCK_CLOEXEC | SOCK_NONBLOCK);
    printf("accept4: %s, addrlen %u\n", s >= 0 ? "ok" : errname(errno), (unsigned)pl);
    SHOW(fcntl(s, F_GETFL) & O_NONBLOCK);
    SHOW(fcntl(s, F_GETFD));
    show_name("accepted name", s, 0);
    show_name("accepted peer", s, 1);
    memset(buf, 0, 16);
    SHOW(read(s, buf, 16));
    printf("got \"%s\"\n", buf);
    SHOW(syscall(SYS_accept4, l, NULL, NULL, 0x1234)); /* musl would retry with accept */
    int nb = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(fcntl(l, F_SETFL, O_NONBLOCK));
    SHOW(accept(l, NULL, NULL));
    /* backlog 2: three wait; the fourth non-blocking connect is EAGAIN */
    int cs[4];
    for (int i = 0; i < 4; i++) {
        cs[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        printf("connect %d: %s\n", i,
               connect(cs[i], (struct sockaddr *)&a, al) == 0 ? "ok" : errname(errno));
    }
    for (int i = 0; i < 4; i++)
        close(cs[i]);
    close(nb);
    close(s);
    close(c);
    close(l);
    /* the name stays after close: connect is refused; bind is EADDRINUSE */
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(connect(c, (struct sockaddr *)&a, al));
    l = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(bind(l, (struct sockaddr *)&a, al));
    SHOW(unlink("srv.sock"));
    SHOW(connect(c, (struct sockaddr *)&a, al));
    SHOW(bind(l, (struct sockaddr *)&a, al));
    close(l);
    close(c);
    /* a regular file is no socket: refused */
    close(open("plain", O_CREAT | O_WRONLY, 0644));
    al = mkaddr(&a, "plain", 0);
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(connect(c, (struct sockaddr *)&a, al));
    al = mkaddr(&a, "nodir/x", 0);
    SHOW(connect(c, (struct sockaddr *)&a, al));
    SHOW(bind(c, (struct sockaddr *)&a, al));
    close(c);

    /* abstract names */
    al = mkaddr(&a, "mica-abi-abstract", 1);
    l = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(bind(l, (struct sockaddr *)&a, al));
    show_name("abstract", l, 0);
    int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(bind(l2, (struct sockaddr *)&a, al));
    SHOW(listen(l, 1));
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(connect(c, (struct sockaddr *)&a, al));
    show_name("abstract peer", c, 1);
    close(c);
    close(l);
    SHOW(bind(l2, (struct sockaddr *)&a, al));
    close(l2);
    /* a dgram socket's name: wrong type */
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    SHOW(bind(d, (struct sockaddr *)&a, al));
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(connect(c, (struct sockaddr *)&a, al));
    close(c);
    close(d);
}

static void errors(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    int f = open("/", O_RDONLY | O_DIRECTORY);
    int v = 0;
    socklen_t len = sizeof(v);
    struct sockaddr_un a;
    socklen_t al = mkaddr(&a, "e.sock", 0);
    SHOW(socket(AF_INET6 + 100, SOCK_STREAM, 0));
    SHOW(socket(AF_UNIX, 77, 0));
    SHOW(socket(AF_UNIX, SOCK_STREAM, 5));
    SHOW(socket(AF_UNIX, SOCK_RAW, 0));
    SHOW(socket(AF_UNIX, SOCK_STREAM | 0x400000, 0));
    SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL));
    SHOW(bind(f, (struct sockaddr *)&a, al));
    SHOW(listen(f, 1));
    SHOW(connect(99, (struct sockaddr *)&a, al));
    SHOW(getsockopt(f, SOL_SOCKET, SO_TYPE, &v, &len));
    SHOW(shutdown(f, SHUT_RD));
    SHOW(send(f, "x", 1, 0));
    SHOW(accept(f, NULL, NULL));
    SHOW(getsockname(f, (struct sockaddr *)&a, &al));
    SHOW(bind(s, (struct sockaddr *)&a, 1));
    a.sun_family = AF_INET;
    SHOW(bind(s, (struct sockaddr *)&a, al));
    SHOW(connect(s, (struct sockaddr *)&a, al));
    a.sun_family = AF_UNIX;
    SHOW(bind(s, (struct sockaddr *)&a, sizeof(a) + 1));
    SHOW(bind(s, (struct sockaddr *)1, al));
    SHOW(connect(s, (struct sockaddr *)&a, 1));
    SHOW(accept(s, NULL, NULL));
    SHOW(send(s, "x", 1, MSG_NOSIGNAL));
    SHOW(recv(s, buf, 1, 0));
    SHOW(read(s, buf, 1));
    SHOW(shutdown(s, SHUT_RDWR));
    SHOW(sendto(s, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&a, al));
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    SHOW(connect(sv[0], (struct sockaddr *)&a, al));
    SHOW(listen(sv[0], 1));
    SHOW(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, al));
    SHOW(send(sv[0], buf, 1, 0x40000000));
    SHOW(recv(sv[1], buf, 1, MSG_OOB));
    SHOW(send(sv[0], (void *)1, 10, 0));
    SHOW(recv(sv[1], buf, 10, MSG_DONTWAIT));
    close(sv[0]);
    close(sv[1]);
    close(s);
    close(f);
}

/* MSG_WAITALL and a blocked reader woken by a writer in a child */
static void waitall(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        for (int i = 0; i < 10; i++) {
            usleep(2000);
            if (write(sv[1], "0123456789", 10) != 10)
                _exit(1);
        }
        /* a big write blocks until the parent reads it all */
        memset(buf, 'z', sizeof(buf));
        _exit(write(sv[1], buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : 2);
    }
    close(sv[1]);
    SHOW(recv(sv[0], buf, 100, MSG_WAITALL));
    long total = 0;
    ssize_t n;
    while ((n = read(sv[0], buf, 5000)) > 0)
        total += n;
    printf("big write read back: %ld\n", total);
    int st;
    SHOW(waitpid(pid, &st, 0) == pid);
    printf("child status %d\n", WEXITSTATUS(st));
    close(sv[0]);
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* A signal ends a blocking read (EINTR without SA_RESTART); a listener
 * closed with a connection pending resets it; /proc names sockets. */
static void misc(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    ualarm(20000, 0);
    SHOW(read(sv[0], buf, 10));
    int l0 = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a0;
    socklen_t al0 = mkaddr(&a0, "mica-abi-intr", 1);
    REQUIRE(bind(l0, (struct sockaddr *)&a0, al0) == 0 && listen(l0, 1) == 0);
    ualarm(20000, 0);
    SHOW(accept(l0, NULL, NULL));
    close(l0);
    char link[64] = {0}, path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", sv[0]);
    SHOW(readlink(path, link, sizeof(link) - 1) > 0);
    printf("link starts \"%.8s\"\n", link);
    close(sv[0]);
    close(sv[1]);

    struct sockaddr_un a;
    socklen_t al = mkaddr(&a, "mica-abi-reset", 1);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(bind(l, (struct sockaddr *)&a, al) == 0 && listen(l, 4) == 0);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW(connect(c, (struct sockaddr *)&a, al));
    SHOW(write(c, "lost", 4));
    close(l);
    show_poll("listener closed", c);
    SHOW(read(c, buf, 10));
    SHOW(read(c, buf, 10));
    SHOW(send(c, "x", 1, MSG_NOSIGNAL));
    close(c);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    abi_enter_tmpdir();
    pair_basics();
    nonblocking();
    buffers();
    names();
    errors();
    waitall();
    misc();
    return 0;
}
