/* Helpers shared by the unix_* ABI programs: socket names and poll
 * states, printed deterministically. */
#ifndef MICA_TESTS_ABI_UNIX_H
#define MICA_TESTS_ABI_UNIX_H

#include "abi.h"
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

static inline void show_poll(const char *what, int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP};
    int n = poll(&p, 1, 0);
    printf("poll %s: %d revents %#x\n", what, n, (unsigned short)p.revents);
}

/* A path name (NUL counted, as Linux reports it) or an abstract one. */
static inline socklen_t mkaddr(struct sockaddr_un *a, const char *path, int abstract)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    size_t n = strlen(path);
    if (abstract) {
        memcpy(a->sun_path + 1, path, n);
        return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
    }
    memcpy(a->sun_path, path, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

#endif
