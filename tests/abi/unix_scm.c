/* unix_scm: ancillary data on AF_UNIX sockets: SCM_RIGHTS passing a pipe
 * and a file to a child that reads through them, truncation
 * (MSG_CTRUNC), MSG_CMSG_CLOEXEC, files left in flight when the socket
 * closes, message boundaries of fd-carrying stream data, SCM_CREDENTIALS
 * with SO_PASSCRED, and SO_PEERCRED. Pids print only as relations. */
#include "abi.h"
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static int send_fds(int s, const char *data, const int *fds, int n)
{
    union {
        char b[CMSG_SPACE(sizeof(int) * 8)];
        struct cmsghdr align;
    } u;
    struct iovec iov = {(void *)data, strlen(data)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (n) {
        memset(&u, 0, sizeof(u));
        mh.msg_control = u.b;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * n);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
    }
    return (int)sendmsg(s, &mh, 0);
}

/* Receive data and fds; print what came; returns the number of fds. */
static int recv_fds(const char *what, int s, int *fds, size_t ctl, int flags)
{
    char data[64] = {0};
    union {
        char b[512];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof(u));
    struct iovec iov = {data, sizeof(data) - 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                        .msg_controllen = ctl};
    ssize_t r = recvmsg(s, &mh, flags);
    if (r < 0) {
        printf("%s: -1 %s\n", what, errname(errno));
        return 0;
    }
    printf("%s: %zd \"%s\" flags %#x controllen %zu", what, r, data, mh.msg_flags,
           (size_t)mh.msg_controllen);
    int n = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        printf(" [level %d type %d len %zu]", c->cmsg_level, c->cmsg_type,
               (size_t)c->cmsg_len);
        if (c->cmsg_type == SCM_RIGHTS) {
            int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            memcpy(fds + n, CMSG_DATA(c), sizeof(int) * k);
            n += k;
        }
    }
    printf(" fds %d\n", n);
    return n;
}

static void rights_child(void)
{
    int sv[2], p[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    REQUIRE(pipe(p) == 0);
    int f = open("data.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    REQUIRE(f >= 0);
    REQUIRE(write(f, "file contents", 13) == 13);
    REQUIRE(lseek(f, 5, SEEK_SET) == 5);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        close(p[0]);
        close(p[1]);
        close(f);
        int fds[8];
        int n = recv_fds("child got", sv[1], fds, 512, 0);
        if (n != 2)
            _exit(1);
        char b[32] = {0};
        /* the file shares its offset with the sender's */
        printf("child reads file: %zd \"%s\"\n", read(fds[1], b, 31), b);
        memset(b, 0, sizeof(b));
        printf("child reads pipe: %zd \"%s\"\n", read(fds[0], b, 31), b);
        printf("fd cloexec %d\n", fcntl(fds[0], F_GETFD));
        _exit(0);
    }
    close(sv[1]);
    int fds[2] = {p[0], f};
    SHOW(write(p[1], "through the pipe", 16));
    int sent = send_fds(sv[0], "here", fds, 2); /* shown after the child's lines */
    int st;
    SHOW(waitpid(pid, &st, 0) == pid);
    printf("sent %d\n", sent);
    printf("child status %d\n", WEXITSTATUS(st));
    SHOW(lseek(f, 0, SEEK_CUR));
    close(sv[0]);
    close(p[0]);
    close(p[1]);
    close(f);
}

static void rights_rules(void)
{
    int sv[2], p[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    REQUIRE(pipe(p) == 0);
    int fds[8], three[3] = {p[0], p[1], p[0]};
    /* a control buffer too small for all: the rest are closed */
    SHOW(send_fds(sv[0], "abc", three, 3));
    int n = recv_fds("short control", sv[1], fds, CMSG_SPACE(sizeof(int)), 0);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    /* no control buffer at all */
    SHOW(send_fds(sv[0], "def", three, 1));
    recv_fds("no control", sv[1], fds, 0, 0);
    /* MSG_CMSG_CLOEXEC */
    SHOW(send_fds(sv[0], "ghi", three, 1));
    n = recv_fds("cloexec", sv[1], fds, 512, MSG_CMSG_CLOEXEC);
    if (n)
        printf("cloexec flag %d\n", fcntl(fds[0], F_GETFD));
    for (int i = 0; i < n; i++)
        close(fds[i]);
    /* peeking shows fds without taking the message */
    SHOW(send_fds(sv[0], "jk", three, 1));
    n = recv_fds("peek", sv[1], fds, 512, MSG_PEEK);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    n = recv_fds("after peek", sv[1], fds, 512, 0);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    /* a stream read stops after data that carried fds */
    SHOW(write(sv[0], "plain1", 6));
    SHOW(send_fds(sv[0], "withfd", three, 1));
    SHOW(write(sv[0], "plain2", 6));
    n = recv_fds("stream boundary", sv[1], fds, 512, 0);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    recv_fds("stream rest", sv[1], fds, 512, 0);
    /* bad descriptors and bad control data */
    int bad[1] = {77};
    SHOW(send_fds(sv[0], "x", bad, 1));
    struct msghdr mh = {0};
    char cb[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {"y", 1};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cb;
    mh.msg_controllen = sizeof(cb);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = 99;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    SHOW(sendmsg(sv[0], &mh, 0));
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = 1000;
    SHOW(sendmsg(sv[0], &mh, 0));
    mh.msg_control = (void *)1; /* raw: musl copies the control data itself */
    SHOW(syscall(SYS_sendmsg, sv[0], &mh, 0));
    /* files in flight when both ends close: they are released */
    SHOW(send_fds(sv[0], "lost", three, 3));
    close(sv[0]);
    close(sv[1]);
    close(p[0]);
    /* the write end is still open in flight? no: the socket took it away */
    signal(SIGPIPE, SIG_IGN);
    SHOW(write(p[1], "x", 1));
    close(p[1]);
    /* a socket sent over itself, then closed: nothing crashes */
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    SHOW(send_fds(sv[0], "self", sv, 2));
    close(sv[0]);
    close(sv[1]);
}

/* Send data with an SCM_CREDENTIALS message carrying c. */
static long send_cred(int s, const char *data, const struct ucred *c)
{
    union {
        char b[CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof(u));
    struct iovec iov = {(void *)data, strlen(data)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                        .msg_controllen = sizeof(u.b)};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_CREDENTIALS;
    cm->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    memcpy(CMSG_DATA(cm), c, sizeof(*c));
    return sendmsg(s, &mh, 0);
}

static void credentials(void)
{
    int sv[2], on = 1;
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    struct ucred uc;
    socklen_t len = sizeof(uc);
    SHOW(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
    printf("pair peercred: pid is me %d uid %d gid %d len %u\n", uc.pid == getpid(),
           uc.uid == getuid(), uc.gid == getgid(), (unsigned)len);
    SHOW(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        /* implicit credentials, then explicit ones */
        if (send(sv[0], "implicit", 8, 0) != 8)
            _exit(1);
        struct ucred me = {getpid(), getuid(), getgid()};
        _exit(send_cred(sv[0], "explicit", &me) == 8 ? 0 : 2);
    }
    for (int i = 0; i < 2; i++) {
        char data[16] = {0};
        union {
            char b[256];
            struct cmsghdr align;
        } u;
        struct iovec iov = {data, sizeof(data) - 1};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                            .msg_controllen = sizeof(u.b)};
        ssize_t r = recvmsg(sv[1], &mh, 0);
        printf("got %zd \"%s\" controllen %zu\n", r, data, (size_t)mh.msg_controllen);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        if (c && c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred got;
            memcpy(&got, CMSG_DATA(c), sizeof(got));
            printf("cred: pid is child %d uid %d gid %d\n", got.pid == pid,
                   got.uid == getuid(), got.gid == getgid());
        }
    }
    int st;
    SHOW(waitpid(pid, &st, 0) == pid);
    printf("child status %d\n", WEXITSTATUS(st));
    /* forged credentials are refused (that pid is not ours, nor alive) */
    struct ucred forged = {getpid() + 100000, getuid(), getgid()};
    SHOW(send_cred(sv[0], "forged", &forged));
    close(sv[0]);
    close(sv[1]);

    /* SO_PEERCRED across a listening socket and a child that connects */
    struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "cred.sock"};
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
    len = sizeof(uc);
    SHOW(getsockopt(l, SOL_SOCKET, SO_PEERCRED, &uc, &len));
    printf("unconnected peercred: pid %d uid %d gid %d\n", uc.pid, (int)uc.uid, (int)uc.gid);
    REQUIRE(listen(l, 1) == 0);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c2, (struct sockaddr *)&a, sizeof(a)))
            _exit(1);
        struct ucred pc;
        socklen_t pl = sizeof(pc);
        if (getsockopt(c2, SOL_SOCKET, SO_PEERCRED, &pc, &pl))
            _exit(2);
        char b;
        _exit(pc.pid == getppid() && read(c2, &b, 1) == 0 ? 0 : 3);
    }
    int s = accept(l, NULL, NULL);
    len = sizeof(uc);
    SHOW(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &len));
    printf("accepted peercred: pid is child %d uid %d\n", uc.pid == pid, uc.uid == getuid());
    close(s);
    SHOW(waitpid(pid, &st, 0) == pid);
    printf("child status %d\n", WEXITSTATUS(st));
    close(l);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    abi_enter_tmpdir();
    rights_child();
    rights_rules();
    credentials();
    return 0;
}
