/* unix_dgram: AF_UNIX datagram and seqpacket sockets: message boundaries,
 * MSG_PEEK/MSG_TRUNC, sendto/recvfrom with path, abstract and automatic
 * names, connect rules, the receive queue limit, seqpacket connections
 * and EOF, recvmmsg/sendmmsg, and poll states. */
#include "unix.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

static char buf[300000];

static void show_addr(const char *what, const struct sockaddr_un *a, socklen_t len)
{
    printf("%s: len %u", what, (unsigned)len);
    if (len > 2 && a->sun_path[0])
        printf(" path \"%s\"", a->sun_path);
    else if (len > 2)
        printf(" abstract (%u bytes)", (unsigned)(len - 2));
    printf("\n");
}

static void recv_show(const char *what, int fd, size_t len, int flags)
{
    struct sockaddr_un a;
    socklen_t al = sizeof(a);
    memset(buf, 0, 64);
    ssize_t n = recvfrom(fd, buf, len, flags, (struct sockaddr *)&a, &al);
    if (n < 0) {
        printf("%s: -1 %s\n", what, errname(errno));
        return;
    }
    printf("%s: %zd \"%.*s\"", what, n, (int)(n < (ssize_t)len ? n : (ssize_t)len), buf);
    show_addr(" from", &a, al);
}

static void pair(int type, const char *name)
{
    printf("--- socketpair %s\n", name);
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, type, 0, sv) == 0);
    show_poll("idle", sv[0]);
    SHOW(send(sv[0], "one", 3, 0));
    SHOW(send(sv[0], "two two", 7, 0));
    SHOW(send(sv[0], "", 0, 0));
    SHOW(send(sv[0], "three", 5, 0));
    int n = -1;
    SHOW(ioctl(sv[1], FIONREAD, &n));
    printf("FIONREAD %d\n", n);
    show_poll("data", sv[1]);
    recv_show("recv", sv[1], 100, 0);
    recv_show("recv peek 2", sv[1], 2, MSG_PEEK);
    recv_show("recv trunc 2", sv[1], 2, MSG_TRUNC);
    recv_show("recv empty message", sv[1], 10, 0);
    char small[2];
    struct iovec iov = {small, 2};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    SHOW(recvmsg(sv[1], &mh, 0));
    printf("msg_flags %#x\n", mh.msg_flags);
    SHOW(recv(sv[1], buf, 10, MSG_DONTWAIT));
    /* a message bigger than the send buffer */
    SHOW(send(sv[0], buf, 250000, 0));
    int v = 10000;
    SHOW(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
    SHOW(send(sv[0], buf, 19000, 0));
    SHOW(send(sv[0], buf, 20000, 0));
    SHOW(recv(sv[1], buf, sizeof(buf), 0));
    /* shutdown: EOF for the reader, EPIPE for the writer */
    SHOW(shutdown(sv[0], SHUT_WR));
    show_poll("after SHUT_WR (peer)", sv[1]);
    SHOW(recv(sv[1], buf, 10, MSG_DONTWAIT));
    SHOW(send(sv[0], "x", 1, MSG_NOSIGNAL));
    close(sv[0]);
    show_poll("peer closed", sv[1]);
    SHOW(recv(sv[1], buf, 10, MSG_DONTWAIT));
    SHOW(send(sv[1], "x", 1, MSG_NOSIGNAL));
    SHOW(send(sv[1], "x", 1, MSG_NOSIGNAL));
    close(sv[1]);
}

static void named(void)
{
    printf("--- named datagram sockets\n");
    struct sockaddr_un a, b, c;
    socklen_t al = mkaddr(&a, "a.sock", 0), bl = mkaddr(&b, "b.sock", 0);
    socklen_t cl = mkaddr(&c, "mica-abi-dgram", 1);
    int sa = socket(AF_UNIX, SOCK_DGRAM, 0), sb = socket(AF_UNIX, SOCK_DGRAM, 0);
    int sc = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int anon = socket(AF_UNIX, SOCK_DGRAM, 0);
    SHOW(bind(sa, (struct sockaddr *)&a, al));
    SHOW(bind(sb, (struct sockaddr *)&b, bl));
    SHOW(bind(sc, (struct sockaddr *)&c, cl));
    SHOW(sendto(sa, "to b", 4, 0, (struct sockaddr *)&b, bl));
    SHOW(sendto(sa, "to c", 4, 0, (struct sockaddr *)&c, cl));
    SHOW(sendto(anon, "anon", 4, 0, (struct sockaddr *)&b, bl));
    recv_show("b got", sb, 100, 0);
    recv_show("b got", sb, 100, 0);
    recv_show("c got", sc, 100, 0);
    recv_show("c again", sc, 100, 0);
    SHOW(send(anon, "x", 1, 0));
    /* autobind: an explicit one, then one by SO_PASSCRED on send */
    int ab = socket(AF_UNIX, SOCK_DGRAM, 0);
    SHOW(bind(ab, (struct sockaddr *)&a, sizeof(sa_family_t)));
    struct sockaddr_un got;
    socklen_t gl = sizeof(got);
    SHOW(getsockname(ab, (struct sockaddr *)&got, &gl));
    printf("autobind len %u first byte %d\n", (unsigned)gl, got.sun_path[0]);
    SHOW(bind(ab, (struct sockaddr *)&a, sizeof(sa_family_t)));
    int pc = socket(AF_UNIX, SOCK_DGRAM, 0), on = 1;
    SHOW(setsockopt(pc, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
    SHOW(sendto(pc, "cred", 4, 0, (struct sockaddr *)&b, bl));
    gl = sizeof(got);
    SHOW(getsockname(pc, (struct sockaddr *)&got, &gl));
    printf("passcred autobind len %u\n", (unsigned)gl);
    recv_show("b got", sb, 100, 0);
    /* connect: default destination, and only the peer may send */
    SHOW(connect(sa, (struct sockaddr *)&b, bl));
    SHOW(send(sa, "connected", 9, 0));
    recv_show("b got", sb, 100, 0);
    SHOW(connect(sb, (struct sockaddr *)&a, al));
    SHOW(sendto(anon, "intruder", 8, 0, (struct sockaddr *)&b, bl));
    SHOW(sendto(sa, "explicit", 8, 0, (struct sockaddr *)&c, cl));
    recv_show("c got", sc, 100, 0);
    struct sockaddr_un pa;
    socklen_t pl = sizeof(pa);
    SHOW(getpeername(sa, (struct sockaddr *)&pa, &pl));
    show_addr("sa peer", &pa, pl);
    struct sockaddr un = {.sa_family = AF_UNSPEC};
    SHOW(connect(sa, &un, sizeof(un)));
    pl = sizeof(pa);
    SHOW(getpeername(sa, (struct sockaddr *)&pa, &pl));
    SHOW(send(sa, "x", 1, 0));
    /* errors */
    struct sockaddr_un none;
    socklen_t nl = mkaddr(&none, "none.sock", 0);
    SHOW(sendto(sa, "x", 1, 0, (struct sockaddr *)&none, nl));
    SHOW(connect(sa, (struct sockaddr *)&none, nl));
    SHOW(listen(sa, 1));
    SHOW(accept(sa, NULL, NULL));
    int st = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un s;
    socklen_t sl = mkaddr(&s, "s.sock", 0);
    SHOW(bind(st, (struct sockaddr *)&s, sl));
    SHOW(listen(st, 1));
    SHOW(sendto(sa, "x", 1, 0, (struct sockaddr *)&s, sl));
    SHOW(connect(sa, (struct sockaddr *)&s, sl));
    /* the receive queue limit: a non-blocking sender gets EAGAIN */
    int q = 0;
    while (sendto(anon, "fill", 4, MSG_DONTWAIT, (struct sockaddr *)&c, cl) == 4)
        q++;
    printf("queued %d, then %s\n", q, errname(errno));
    show_poll("full receiver", sc);
    /* a closed receiver: refused */
    close(sc);
    SHOW(sendto(anon, "x", 1, 0, (struct sockaddr *)&c, cl));
    close(sa);
    SHOW(send(sb, "x", 1, 0));
    SHOW(send(sb, "x", 1, 0));
    close(sb);
    close(anon);
    close(ab);
    close(pc);
    close(st);
}

static void seqpacket(void)
{
    printf("--- seqpacket connection\n");
    struct sockaddr_un a;
    socklen_t al = mkaddr(&a, "seq.sock", 0);
    int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    SHOW(bind(l, (struct sockaddr *)&a, al));
    int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    SHOW(connect(c, (struct sockaddr *)&a, al));
    SHOW(send(c, "x", 1, 0));
    SHOW(recv(c, buf, 1, MSG_DONTWAIT));
    SHOW(listen(l, 4));
    show_poll("listener idle", l);
    SHOW(connect(c, (struct sockaddr *)&a, al));
    show_poll("listener pending", l);
    int s = accept(l, NULL, NULL);
    SHOW(s >= 0);
    SHOW(send(c, "first", 5, 0));
    SHOW(send(c, "second", 6, 0));
    recv_show("server got", s, 3, 0);
    recv_show("server got", s, 100, 0);
    SHOW(sendto(s, "reply", 5, 0, (struct sockaddr *)&a, al));
    recv_show("client got", c, 100, 0);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    SHOW(connect(d, (struct sockaddr *)&a, al));
    close(d);
    close(c);
    show_poll("peer closed", s);
    SHOW(recv(s, buf, 10, 0));
    signal(SIGPIPE, SIG_IGN);
    SHOW(send(s, "x", 1, 0));
    close(s);
    close(l);
}

static void mmsg(void)
{
    printf("--- sendmmsg/recvmmsg\n");
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    struct iovec iov[3] = {{"alpha", 5}, {"be", 2}, {"gamma!", 6}};
    struct mmsghdr m[3];
    memset(m, 0, sizeof(m));
    for (int i = 0; i < 3; i++) {
        m[i].msg_hdr.msg_iov = &iov[i];
        m[i].msg_hdr.msg_iovlen = 1;
    }
    SHOW(sendmmsg(sv[0], m, 3, 0));
    printf("lens %u %u %u\n", m[0].msg_len, m[1].msg_len, m[2].msg_len);
    char b[3][4];
    struct iovec riov[3] = {{b[0], 4}, {b[1], 4}, {b[2], 4}};
    memset(m, 0, sizeof(m));
    for (int i = 0; i < 3; i++) {
        m[i].msg_hdr.msg_iov = &riov[i];
        m[i].msg_hdr.msg_iovlen = 1;
    }
    SHOW(recvmmsg(sv[1], m, 3, MSG_DONTWAIT, NULL));
    for (int i = 0; i < 3; i++)
        printf("msg %d: len %u flags %#x \"%.*s\"\n", i, m[i].msg_len, m[i].msg_hdr.msg_flags,
               (int)(m[i].msg_len < 4 ? m[i].msg_len : 4), b[i]);
    SHOW(recvmmsg(sv[1], m, 3, MSG_DONTWAIT, NULL));
    close(sv[0]);
    close(sv[1]);
}

/* A blocked datagram reader is woken by a child's send. */
static void blocking(void)
{
    printf("--- blocking\n");
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        usleep(20000);
        for (int i = 0; i < 30; i++)
            if (send(sv[1], "ping from child", 15, 0) != 15)
                _exit(1);
        _exit(0);
    }
    close(sv[1]);
    int got = 0;
    ssize_t n;
    while ((n = recv(sv[0], buf, sizeof(buf), 0)) > 0)
        got += n == 15;
    printf("got %d messages, then %zd\n", got, n);
    int st;
    SHOW(waitpid(pid, &st, 0) == pid);
    printf("child status %d\n", WEXITSTATUS(st));
    close(sv[0]);
}

/* A sender connected to a full receiver polls for room and is woken
 * when a child takes a message off the receiver's queue. */
static void room(void)
{
    printf("--- waiting for room\n");
    struct sockaddr_un a;
    socklen_t al = mkaddr(&a, "mica-abi-room", 1);
    int r = socket(AF_UNIX, SOCK_DGRAM, 0), w = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    REQUIRE(bind(r, (struct sockaddr *)&a, al) == 0);
    REQUIRE(connect(w, (struct sockaddr *)&a, al) == 0);
    int q = 0;
    while (send(w, "m", 1, 0) == 1)
        q++;
    printf("queued %d, then %s\n", q, errname(errno));
    show_poll("sender, receiver full", w);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        usleep(20000);
        char b;
        _exit(recv(r, &b, 1, 0) == 1 ? 0 : 1);
    }
    struct pollfd p = {.fd = w, .events = POLLOUT};
    int n = poll(&p, 1, 10000);
    printf("poll woken: %d revents %#x\n", n, (unsigned short)p.revents);
    SHOW(send(w, "m", 1, 0));
    int st;
    SHOW(waitpid(pid, &st, 0) == pid);
    printf("child status %d\n", WEXITSTATUS(st));
    close(r);
    close(w);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    abi_enter_tmpdir();
    pair(SOCK_DGRAM, "SOCK_DGRAM");
    pair(SOCK_SEQPACKET, "SOCK_SEQPACKET");
    named();
    seqpacket();
    mmsg();
    blocking();
    room();
    return 0;
}
