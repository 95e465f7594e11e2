/* unix_echo: a poll()-driven echo server over a path socket with 1,000
 * client connections open at once (a forked client process holds them):
 * every client sends its number and must get it back; the server counts
 * connections, bytes and hang-ups. */
#include "abi.h"
#include <poll.h>
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

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
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
    while (closed < NCLIENTS) {
        int r = poll(pfd, (nfds_t)nfds, 20000);
        REQUIRE(r > 0);
        for (int i = nfds - 1; i >= 1; i--) {
            if (!pfd[i].revents)
                continue;
            char b[64];
            ssize_t n = read(pfd[i].fd, b, sizeof(b));
            if (n > 0) {
                REQUIRE(write(pfd[i].fd, b, (size_t)n) == n);
                bytes += n;
                continue;
            }
            REQUIRE(n == 0 || errno != EAGAIN);
            close(pfd[i].fd);
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
