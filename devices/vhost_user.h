/* mica devices: a vhost-user back end that serves virtqueues in-process
 * for a front end such as QEMU (vhost_user.c). */
#ifndef MICA_DEVICES_VHOST_USER_H
#define MICA_DEVICES_VHOST_USER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "virtq_host.h"

#define VHOST_USER_QUEUES 2 /* virtio-fs: the high-priority and one request queue */
#define VHOST_USER_POLLFDS (1 + VHOST_USER_QUEUES)

/* Serve one chain; *written is the byte count for the used ring.
 * 0, or a negative errno (err set) that stops the device. */
typedef int (*vhost_user_serve_fn)(void *opaque, const struct virtq_chain *c,
                                   uint32_t *written, struct mica_error *err);

struct vhost_user_vring {
    struct virtq_host q;
    int kick, call;
    int started;
    int addr_set;
};

struct vhost_user {
    int sock;
    uint64_t features;
    struct gmem mem;
    void *maps[GMEM_REGIONS_MAX];
    size_t map_len[GMEM_REGIONS_MAX];
    struct vhost_user_vring vr[VHOST_USER_QUEUES];
    vhost_user_serve_fn serve;
    void *opaque;
    struct virtq_chain *chain;
};

int vhost_user_init(struct vhost_user *vu, int sock, vhost_user_serve_fn serve,
                    void *opaque, struct mica_error *err)
    __attribute__((warn_unused_result));
void vhost_user_destroy(struct vhost_user *vu);
/* Fill VHOST_USER_POLLFDS entries: the socket, then each kick eventfd. */
void vhost_user_pollfds(const struct vhost_user *vu, struct pollfd *p);
/* Act on what poll() reported: 0 to go on, 1 when the front end hung up,
 * a negative errno (err set) when it or the guest broke the protocol. */
int vhost_user_events(struct vhost_user *vu, const struct pollfd *p,
                      struct mica_error *err) __attribute__((warn_unused_result));
/* One front-end message (exposed for tests): as vhost_user_events. */
int vhost_user_message(struct vhost_user *vu, struct mica_error *err)
    __attribute__((warn_unused_result));
/* Serve every chain waiting on queue qi and signal the call eventfd. */
int vhost_user_queue_run(struct vhost_user *vu, unsigned qi,
                         struct mica_error *err) __attribute__((warn_unused_result));

#endif
