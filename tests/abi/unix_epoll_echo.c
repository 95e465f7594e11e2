/* unix_epoll_echo: an edge-triggered epoll echo server over an abstract
 * AF_UNIX stream socket with 1,000 clients at once. The clients live in a
 * forked process that also drives them with one epoll set: each sends
 * its number in two pieces and, once the server holds all 1,000
 * connections, waits for the echoes, checks them and hangs up.
 * The server accepts with accept4(SOCK_NONBLOCK), reads until EAGAIN on
 * each edge, and echoes. Both sides print counts only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCLIENTS 1000
#define MSG 8 /* "c%06d\n" less the NUL: 8 bytes */

static socklen_t addr_of(struct sockaddr_un *a)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    static const char name[] = "\0mica-epoll-echo";
    memcpy(a->sun_path, name, sizeof(name) - 1);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof(name) - 1);
}

static int go[2]; /* the server says when it holds all the connections */

static int clients(void)
{
    struct sockaddr_un a;
    socklen_t alen = addr_of(&a);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    static int fd[NCLIENTS];
    static int got[NCLIENTS];
    static char buf[NCLIENTS][MSG];
    for (int i = 0; i < NCLIENTS; i++) {
        fd[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fd[i] < 0)
            return 10;
        while (connect(fd[i], (struct sockaddr *)&a, alen) < 0) {
            if (errno != EAGAIN)
                return 11;
            usleep(1000); /* the backlog is full: let the server accept */
        }
        struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd[i], &ev))
            return 12;
        char msg[MSG + 1];
        snprintf(msg, sizeof(msg), "c%06d\n", i);
        if (write(fd[i], msg, 3) != 3 || write(fd[i], msg + 3, MSG - 3) != MSG - 3)
            return 13;
    }
    char g;
    if (read(go[1], &g, 1) != 1)
        return 15;
    int done = 0, bad = 0;
    struct epoll_event evs[64];
    while (done < NCLIENTS) {
        int n = epoll_wait(ep, evs, 64, 10000);
        if (n <= 0)
            return 14;
        for (int k = 0; k < n; k++) {
            int i = (int)evs[k].data.u32;
            ssize_t r;
            while (got[i] < MSG && (r = read(fd[i], buf[i] + got[i], MSG - got[i])) > 0)
                got[i] += (int)r;
            if (got[i] == MSG && fd[i] >= 0) {
                char want[MSG + 1];
                snprintf(want, sizeof(want), "c%06d\n", i);
                bad += memcmp(buf[i], want, MSG) != 0;
                close(fd[i]);
                fd[i] = -1;
                done++;
            }
        }
    }
    printf("clients: %d echoes, %d wrong\n", done, bad);
    return 0;
}

int main(void)
{
    struct rlimit rl = {4096, 4096};
    setrlimit(RLIMIT_NOFILE, &rl);
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sockaddr_un a;
    socklen_t alen = addr_of(&a);
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (ls < 0 || bind(ls, (struct sockaddr *)&a, alen) || listen(ls, 128))
        return 1;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, go))
        return 1;
    pid_t pid = fork();
    if (pid == 0)
        _exit(clients());
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    long accepted = 0, bytes = 0, hangups = 0, maxopen = 0, open = 0;
    struct epoll_event evs[64];
    while (hangups < NCLIENTS) {
        int n = epoll_wait(ep, evs, 64, 10000);
        if (n <= 0) {
            printf("server: epoll_wait gave %d (%s)\n", n, n ? strerror(errno) : "timeout");
            break;
        }
        for (int k = 0; k < n; k++) {
            int fd = evs[k].data.fd;
            if (fd == ls) {
                int c;
                while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    struct epoll_event ce = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET,
                                             .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
                    if (++accepted == NCLIENTS && write(go[0], "g", 1) != 1)
                        printf("server: cannot say go\n");
                    if (++open > maxopen)
                        maxopen = open;
                }
                continue;
            }
            char buf[256];
            ssize_t r;
            while ((r = read(fd, buf, sizeof(buf))) > 0) {
                bytes += r;
                if (write(fd, buf, (size_t)r) != r)
                    printf("server: short echo\n");
            }
            if (r == 0 || (evs[k].events & (EPOLLRDHUP | EPOLLHUP))) {
                epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                close(fd);
                hangups++;
                open--;
            }
        }
    }
    int st;
    waitpid(pid, &st, 0);
    printf("server: %ld accepted, %ld bytes, %ld hang-ups, all open at once %d\n", accepted,
           bytes, hangups, maxopen == NCLIENTS);
    printf("client process: status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
