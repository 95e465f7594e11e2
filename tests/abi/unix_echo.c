/* unix_echo: an echo server over a path socket with 1,000 client
 * connections open at once (a forked client process holds them), driven
 * by poll() or, with the argument "epoll", by epoll: every client sends
 * its number and must get it back; the server counts connections, bytes
 * and hang-ups. */
#include "abi.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define NCLIENTS 1000

static struct pollfd pfd[NCLIENTS + 1];
static int cfd[NCLIENTS];

static int client(const struct sockaddr_un *a)
{
    for (int i = 0; i < NCLIENTS; i++) {
        cfd[i] = socket(AF_UNIX, SOCK_STREAM, 0);
        if (cfd[i] < 0 || connect(cfd[i], (const struct sockaddr *)a, sizeof(*a)))
            return 10;
    }
    for (int i = 0; i < NCLIENTS; i++) {
        char msg[16];
        int n = snprintf(msg, sizeof(msg), "c%04d", i);
        if (write(cfd[i], msg, (size_t)n) != n)
            return 11;
    }
    for (int i = 0; i < NCLIENTS; i++) {
        char msg[16], want[16];
        int n = snprintf(want, sizeof(want), "c%04d", i);
        if (recv(cfd[i], msg, (size_t)n, MSG_WAITALL) != n || memcmp(msg, want, (size_t)n))
            return 12;
        close(cfd[i]);
    }
    return 0;
}

/* Echo what came on s; 1 when the connection is over (closed). */
static int echo_one(int s, long *bytes)
{
    char b[64];
    ssize_t n = read(s, b, sizeof(b));
    if (n > 0) {
        REQUIRE(write(s, b, (size_t)n) == n);
        *bytes += n;
        return 0;
    }
    if (n < 0 && errno == EAGAIN)
        return 0;
    close(s);
    return 1;
}

static void serve_epoll(int l, int *accepted, int *closed, long *bytes, int *peak)
{
    int ep = epoll_create1(EPOLL_CLOEXEC), open = 0;
    REQUIRE(ep >= 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = l}, evs[64];
    REQUIRE(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) == 0);
    while (*closed < NCLIENTS) {
        int n = epoll_wait(ep, evs, 64, 20000);
        REQUIRE(n > 0);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd != l) {
                if (echo_one(fd, bytes)) {
                    (*closed)++;
                    open--;
                }
                continue;
            }
            int s;
            while ((s = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                ev = (struct epoll_event){.events = EPOLLIN | EPOLLRDHUP, .data.fd = s};
                REQUIRE(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
                (*accepted)++;
                open++;
            }
            REQUIRE(errno == EAGAIN);
        }
        if (open > *peak)
            *peak = open;
    }
    close(ep);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int use_epoll = argc > 1 && !strcmp(argv[1], "epoll");
    abi_enter_tmpdir();
    struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "echo.sock"};
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    REQUIRE(l >= 0);
    REQUIRE(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
    REQUIRE(listen(l, 128) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(l);
        _exit(client(&a));
    }
    int nfds = 1, accepted = 0, closed = 0, peak = 0;
    long bytes = 0;
    pfd[0] = (struct pollfd){.fd = l, .events = POLLIN};
    if (use_epoll)
        serve_epoll(l, &accepted, &closed, &bytes, &peak);
    while (closed < NCLIENTS) {
        int r = poll(pfd, (nfds_t)nfds, 20000);
        REQUIRE(r > 0);
        for (int i = nfds - 1; i >= 1; i--) {
            if (!pfd[i].revents || !echo_one(pfd[i].fd, &bytes))
                continue;
            pfd[i] = pfd[--nfds];
            closed++;
        }
        if (pfd[0].revents & POLLIN) {
            int s;
            while ((s = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                REQUIRE(nfds <= NCLIENTS);
                pfd[nfds++] = (struct pollfd){.fd = s, .events = POLLIN | POLLRDHUP};
                accepted++;
            }
            REQUIRE(errno == EAGAIN);
        }
        if (nfds - 1 > peak)
            peak = nfds - 1;
    }
    int st;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    printf("accepted %d closed %d bytes %ld all open at once %d\n", accepted, closed, bytes,
           peak == NCLIENTS);
    printf("client status %d\n", WEXITSTATUS(st));
    return 0;
}
