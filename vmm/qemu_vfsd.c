/* mica VMM: mica's own virtio-fs server in the QEMU engine's event loop.
 *
 * With MICA_TEST_VIRTIOFS_SERVER=mica, qemu_virtiofs.c keeps the
 * listening vhost-user socket instead of handing it to virtiofsd. QEMU
 * connects while it starts; the loop accepts the one connection and
 * then serves it (devices/vhost_user.c) and the kicks, with the FUSE
 * server of devices/virtiofs*.c behind it. A protocol violation by the
 * guest or QEMU is recorded once and stops the VM (status 125).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine_qemu.h"

void qemu_vfsd_pollfds(const struct qemu_virtiofs *v, struct pollfd *p)
{
    unsigned i;

    p[0] = (struct pollfd){ .fd = v->srv ? v->listen_fd : -1, .events = POLLIN };
    if (v->vu_up) {
        vhost_user_pollfds(&v->vu, p + 1);
        return;
    }
    for (i = 0; i < VHOST_USER_POLLFDS; i++)
        p[1 + i] = (struct pollfd){ .fd = -1 };
}

static int qemu_vfsd_accept(struct qemu_virtiofs *v)
{
    int fd = accept4(v->listen_fd, NULL, NULL, SOCK_CLOEXEC);

    if (fd < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    close(v->listen_fd); /* one front end, once */
    v->listen_fd = -1;
    if (fd < 0) {
        mica_error_sys(&v->err, errno, "virtio-fs: accept");
        return -1;
    }
    if (vhost_user_init(&v->vu, fd, vfsd_serve_chain, v->srv, &v->err) < 0) {
        close(fd);
        return -1;
    }
    v->vu_up = 1;
    return 0;
}

int qemu_vfsd_events(struct qemu_virtiofs *v, const struct pollfd *p)
{
    int rc;

    if (p[0].fd >= 0 && p[0].revents && qemu_vfsd_accept(v) < 0) {
        v->failed = 1;
        return -1;
    }
    if (!v->vu_up || p[1].fd < 0)
        return 0;
    rc = vhost_user_events(&v->vu, p + 1, &v->err);
    if (rc == 1) { /* QEMU went away: its exit ends the run */
        vhost_user_destroy(&v->vu);
        v->vu_up = 0;
        return 0;
    }
    if (rc < 0) {
        v->failed = 1;
        return -1;
    }
    return 0;
}
