/* libFuzzer target: the vhost-user message parser (devices/vhost_user.c).
 *
 * The input plays the front end: a run of messages, each sent over a
 * real socket pair with real descriptors attached (a memfd standing for
 * guest RAM, or eventfds), so vu_recv's SCM_RIGHTS handling, the memory
 * table mapping and the rings it then serves all see hostile values.
 * A pseudo-message writes into the memfd, as the guest would write its
 * rings, and kicks the queues. Checked beyond "no crash": no descriptor
 * leaks (the count of open fds is the same after vhost_user_destroy).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vhost_user.h"

#define RAM_SIZE 0x10000u
#define MSG_MAX 512u

static int ram_fd = -1;

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    if (d == NULL)
        abort();
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* Serve a chain as a device would: read the request, write a reply. */
static int serve(void *opaque, const struct virtq_chain *c, uint32_t *written,
                 struct mica_error *err)
{
    static uint8_t buf[8192];
    size_t n = virtq_chain_read(c, buf, sizeof(buf));

    (void)opaque;
    (void)err;
    *written = (uint32_t)virtq_chain_write(c, buf, n);
    return 0;
}

/* Send hdr+payload with nfds descriptors of the kind the input picks. */
static void send_msg(int sock, const uint8_t *bytes, size_t len, unsigned nfds,
                     int memfds)
{
    char cbuf[CMSG_SPACE(16 * sizeof(int))];
    struct iovec iov = { (void *)bytes, len };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    int fds[16];
    unsigned i;

    for (i = 0; i < nfds; i++)
        fds[i] = memfds ? dup(ram_fd) : eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (nfds) {
        struct cmsghdr *c;

        mh.msg_control = cbuf;
        mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
    }
    if (sendmsg(sock, &mh, MSG_DONTWAIT) < 0)
        abort();
    for (i = 0; i < nfds; i++)
        close(fds[i]);
}

static void drain(int sock)
{
    char buf[256];

    while (recv(sock, buf, sizeof(buf), MSG_DONTWAIT) > 0)
        ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vhost_user vu;
    struct mica_error err;
    struct pollfd pfd[VHOST_USER_POLLFDS];
    int sv[2], fds = count_fds(), rc = 0;
    unsigned steps, i;

    if (ram_fd < 0) {
        ram_fd = memfd_create("fuzz-ram", MFD_CLOEXEC);
        if (ram_fd < 0)
            abort();
        fds++;
    }
    if (ftruncate(ram_fd, 0) < 0 || ftruncate(ram_fd, RAM_SIZE) < 0)
        abort(); /* each input starts from zeroed RAM */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    fcntl(sv[0], F_SETFL, O_NONBLOCK); /* a short payload must not hang */
    if (vhost_user_init(&vu, sv[0], serve, NULL, &err) < 0)
        abort();
    for (steps = 0; steps < 32 && size >= 3 && rc == 0; steps++) {
        unsigned ctl = data[0], len = (data[1] | (unsigned)data[2] << 8) % MSG_MAX;

        data += 3;
        size -= 3;
        if (len > size)
            len = (unsigned)size;
        mica_error_init(&err);
        if (ctl >= 0xf0) { /* the guest writes RAM, then every ring is run */
            uint32_t off = len ? (data[0] | (uint32_t)data[1 % len] << 8) : 0;

            if (len > 2 && off < RAM_SIZE)
                pwrite(ram_fd, data + 2, len - 2 < RAM_SIZE - off ?
                       len - 2 : RAM_SIZE - off, off);
            vhost_user_pollfds(&vu, pfd);
            for (i = 0; i < VHOST_USER_POLLFDS; i++)
                pfd[i].revents = i ? POLLIN : 0;
            rc = vhost_user_events(&vu, pfd, &err);
        } else {
            send_msg(sv[1], data, len, ctl % 10, (ctl & 0x10) != 0);
            rc = vhost_user_message(&vu, &err);
            drain(sv[1]); /* replies */
        }
        data += len;
        size -= len;
    }
    vhost_user_destroy(&vu); /* closes sv[0] */
    close(sv[1]);
    if (count_fds() != fds)
        abort(); /* a descriptor leaked */
    return 0;
}
