/* mica devices: split virtqueues served from the host side (virtq_host.c). */
#ifndef MICA_DEVICES_VIRTQ_HOST_H
#define MICA_DEVICES_VIRTQ_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define GMEM_REGIONS_MAX 8
#define VIRTQ_HOST_SIZE_MAX 32768u /* split rings: a power of two up to 2^15 */
#define VIRTQ_CHAIN_MAX 1024u      /* descriptors in one chain */

/* Guest RAM as the host sees it: a few regions, each mapped at host. */
struct gmem_region {
    uint64_t gpa, size;
    uint64_t uva;  /* the front end's address for it (vhost-user), or 0 */
    uint8_t *host;
};

struct gmem {
    struct gmem_region r[GMEM_REGIONS_MAX];
    unsigned n;
};

/* The only way a guest-physical address becomes a host pointer: the whole
 * range [gpa, gpa+len) must lie inside one region. NULL otherwise. */
void *gmem_ptr(const struct gmem *m, uint64_t gpa, uint64_t len);
/* A front-end virtual address to a guest-physical one (vhost-user rings);
 * -EFAULT unless [uva, uva+len) lies inside one region. */
int gmem_uva_to_gpa(const struct gmem *m, uint64_t uva, uint64_t len,
                    uint64_t *gpa) __attribute__((warn_unused_result));

struct virtq_host {
    uint16_t num;                  /* 0: not configured */
    uint64_t desc, avail, used;    /* guest-physical */
    uint16_t last_avail, used_idx; /* the host's own copies */
};

/* One buffer of a chain, already translated and bounds-checked. */
struct virtq_iov {
    uint8_t *base;
    uint32_t len;
};

/* A popped chain: the device-readable buffers come first (nin of them),
 * then the device-writable ones (nout). */
struct virtq_chain {
    uint16_t head;
    unsigned nin, nout;
    uint64_t in_bytes, out_bytes;
    struct virtq_iov iov[VIRTQ_CHAIN_MAX];
};

/* Check a queue's size and ring addresses (size, alignment, inside RAM);
 * 0 or -EPROTO with err set. */
int virtq_host_check(const struct virtq_host *vq, const struct gmem *m,
                     struct mica_error *err) __attribute__((warn_unused_result));
/* Take the next available chain: 1 if one was taken, 0 if none is
 * waiting, -EPROTO (err set) if the guest broke the ring: a bad index,
 * a loop, a buffer outside RAM, a writable buffer before a readable one,
 * an indirect descriptor (not offered). */
int virtq_host_pop(struct virtq_host *vq, const struct gmem *m,
                   struct virtq_chain *c, struct mica_error *err)
    __attribute__((warn_unused_result));
/* Return chain head with len bytes written; -EPROTO if the ring moved. */
int virtq_host_push(struct virtq_host *vq, const struct gmem *m, uint16_t head,
                    uint32_t len, struct mica_error *err)
    __attribute__((warn_unused_result));

/* Gather up to len readable bytes of c into buf; returns bytes copied. */
size_t virtq_chain_read(const struct virtq_chain *c, void *buf, size_t len);
/* Scatter len bytes into c's writable buffers; returns bytes copied. */
size_t virtq_chain_write(const struct virtq_chain *c, const void *buf,
                         size_t len);

#endif
