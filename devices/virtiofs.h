/* mica devices: a virtio-fs (FUSE) server for one host directory
 * (virtiofs_srv.c, virtiofs_node.c, virtiofs_write.c), read-only unless
 * made with VFSD_WRITABLE. Transport-free: a transport hands it one
 * request's readable bytes and a reply buffer. */
#ifndef MICA_DEVICES_VIRTIOFS_H
#define MICA_DEVICES_VIRTIOFS_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "virtq_host.h"

/* Hide what a non-owner could not read: files without o+r, directories
 * without o+rx (ENOENT on lookup, skipped in listings). */
#define VFSD_FILTER_WORLD_READABLE 1u
/* Changes write through to the host; without it every change is EROFS. */
#define VFSD_WRITABLE 2u

#define VFSD_MAX_READ (1u << 20)   /* largest READ/READDIR answered */
#define VFSD_MAX_WRITE (128u << 10) /* largest WRITE taken (INIT's max_write) */
#define VFSD_MAX_REQUEST (VFSD_MAX_WRITE + 4096u) /* largest request taken */

struct vfsd; /* opaque */

int vfsd_new(struct vfsd **out, const char *dir, unsigned flags,
             struct mica_error *err) __attribute__((warn_unused_result));
void vfsd_free(struct vfsd *s);

/* Serve one virtqueue chain (a vhost_user_serve_fn, opaque is the server):
 * the request is copied out of the chain's readable buffers before it is
 * parsed, and the reply scattered into its writable ones. */
int vfsd_serve_chain(void *opaque, const struct virtq_chain *c,
                     uint32_t *written, struct mica_error *err)
    __attribute__((warn_unused_result));

/* Serve one request: req/req_len are the request's bytes (already copied
 * out of guest memory), reply has room for reply_cap bytes. Returns the
 * reply's length, 0 for a request that gets none (FORGET), or -EPROTO
 * with err set when the guest broke the protocol (bad lengths, unknown
 * node IDs or handles, forgetting more than it looked up). */
ssize_t vfsd_handle(struct vfsd *s, const void *req, size_t req_len,
                    void *reply, size_t reply_cap, struct mica_error *err)
    __attribute__((warn_unused_result));

#endif
