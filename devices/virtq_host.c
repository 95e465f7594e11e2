/* mica devices: split virtqueues served from the host side.
 *
 * The guest owns the rings and can rewrite them at any moment, so the
 * host reads each descriptor once, into a local copy, checks it, and
 * keeps its own copies of the indices it owns (last_avail, used_idx).
 * Every address goes through gmem_ptr(), which checks the whole range.
 * A chain is bounded by the queue size (a loop ends there) and by
 * VIRTQ_CHAIN_MAX. Callers copy the readable bytes out before parsing
 * them (virtq_chain_read), so a guest that changes them mid-request or
 * makes readable and writable buffers overlap only fools itself.
 * Used by the vhost-user backend (vhost_user.c); plain enough for a
 * virtio-mmio device under mica's own KVM engine later.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/virtio_ring.h>
#include <stddef.h>
#include <string.h>

#include "virtq_host.h"

void *gmem_ptr(const struct gmem *m, uint64_t gpa, uint64_t len)
{
    unsigned i;

    for (i = 0; i < m->n; i++) {
        const struct gmem_region *r = &m->r[i];

        if (gpa >= r->gpa && gpa - r->gpa <= r->size &&
            len <= r->size - (gpa - r->gpa))
            return r->host + (gpa - r->gpa);
    }
    return NULL;
}

int gmem_uva_to_gpa(const struct gmem *m, uint64_t uva, uint64_t len,
                    uint64_t *gpa)
{
    unsigned i;

    for (i = 0; i < m->n; i++) {
        const struct gmem_region *r = &m->r[i];

        if (uva >= r->uva && uva - r->uva <= r->size &&
            len <= r->size - (uva - r->uva)) {
            *gpa = r->gpa + (uva - r->uva);
            return 0;
        }
    }
    return -EFAULT;
}

static uint64_t vq_avail_bytes(uint16_t num) { return 6 + 2ull * num; }
static uint64_t vq_used_bytes(uint16_t num) { return 6 + 8ull * num; }

int virtq_host_check(const struct virtq_host *vq, const struct gmem *m,
                     struct mica_error *err)
{
    if (vq->num == 0 || (vq->num & (vq->num - 1)) ||
        vq->num > VIRTQ_HOST_SIZE_MAX)
        return mica_error_set(err, EPROTO, "virtqueue size %u is not a power "
                              "of two up to %u", vq->num, VIRTQ_HOST_SIZE_MAX);
    if ((vq->desc & 15) || (vq->avail & 1) || (vq->used & 3))
        return mica_error_set(err, EPROTO, "misaligned virtqueue rings");
    if (!gmem_ptr(m, vq->desc, 16ull * vq->num) ||
        !gmem_ptr(m, vq->avail, vq_avail_bytes(vq->num)) ||
        !gmem_ptr(m, vq->used, vq_used_bytes(vq->num)))
        return mica_error_set(err, EPROTO, "virtqueue rings outside guest "
                              "RAM (desc %#" PRIx64 ", avail %#" PRIx64
                              ", used %#" PRIx64 ")", vq->desc, vq->avail,
                              vq->used);
    return 0;
}

/* Add one descriptor to the chain after checking it. */
static int vq_chain_add(struct virtq_chain *c, const struct gmem *m,
                        const struct vring_desc *d, struct mica_error *err)
{
    int writable = (d->flags & VRING_DESC_F_WRITE) != 0;
    uint8_t *p = gmem_ptr(m, d->addr, d->len);

    if (d->flags & VRING_DESC_F_INDIRECT)
        return mica_error_set(err, EPROTO, "indirect descriptor (not offered)");
    if (p == NULL)
        return mica_error_set(err, EPROTO, "buffer [%#" PRIx64 ", +%u) "
                              "outside guest RAM", (uint64_t)d->addr, d->len);
    if (!writable && c->nout)
        return mica_error_set(err, EPROTO, "readable buffer after a "
                              "writable one");
    if (c->nin + c->nout >= VIRTQ_CHAIN_MAX)
        return mica_error_set(err, EPROTO, "chain longer than %u buffers",
                              VIRTQ_CHAIN_MAX);
    c->iov[c->nin + c->nout] = (struct virtq_iov){ p, d->len };
    if (writable) {
        c->nout++;
        c->out_bytes += d->len;
    } else {
        c->nin++;
        c->in_bytes += d->len;
    }
    return 0;
}

int virtq_host_pop(struct virtq_host *vq, const struct gmem *m,
                   struct virtq_chain *c, struct mica_error *err)
{
    const struct vring_desc *table;
    struct vring_avail *avail;
    struct vring_desc d;
    uint16_t idx, head, i, steps;
    int rc;

    if (virtq_host_check(vq, m, err) < 0)
        return -EPROTO;
    avail = gmem_ptr(m, vq->avail, vq_avail_bytes(vq->num));
    table = gmem_ptr(m, vq->desc, 16ull * vq->num);
    idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
    if (idx == vq->last_avail)
        return 0;
    if ((uint16_t)(idx - vq->last_avail) > vq->num)
        return mica_error_set(err, EPROTO, "available index %u is more than "
                              "a queue (%u) ahead of %u", idx, vq->num,
                              vq->last_avail);
    head = __atomic_load_n(&avail->ring[vq->last_avail & (vq->num - 1)],
                           __ATOMIC_RELAXED);
    if (head >= vq->num)
        return mica_error_set(err, EPROTO, "chain head %u out of a queue "
                              "of %u", head, vq->num);
    memset(c, 0, offsetof(struct virtq_chain, iov));
    c->head = head;
    for (i = head, steps = 0;; steps++) {
        if (steps >= vq->num)
            return mica_error_set(err, EPROTO, "descriptor chain loops");
        memcpy(&d, &table[i], sizeof(d)); /* one read of a guest copy */
        rc = vq_chain_add(c, m, &d, err);
        if (rc < 0)
            return rc;
        if (!(d.flags & VRING_DESC_F_NEXT))
            break;
        if (d.next >= vq->num)
            return mica_error_set(err, EPROTO, "next descriptor %u out of a "
                                  "queue of %u", d.next, vq->num);
        i = d.next;
    }
    vq->last_avail++;
    return 1;
}

int virtq_host_push(struct virtq_host *vq, const struct gmem *m, uint16_t head,
                    uint32_t len, struct mica_error *err)
{
    struct vring_used *used;
    struct vring_used_elem e = { .id = head, .len = len };

    if (virtq_host_check(vq, m, err) < 0)
        return -EPROTO;
    used = gmem_ptr(m, vq->used, vq_used_bytes(vq->num));
    memcpy(&used->ring[vq->used_idx & (vq->num - 1)], &e, sizeof(e));
    vq->used_idx++;
    __atomic_store_n(&used->idx, vq->used_idx, __ATOMIC_RELEASE);
    return 0;
}

size_t virtq_chain_read(const struct virtq_chain *c, void *buf, size_t len)
{
    uint8_t *out = buf;
    size_t done = 0, n;
    unsigned i;

    for (i = 0; i < c->nin && done < len; i++) {
        n = c->iov[i].len < len - done ? c->iov[i].len : len - done;
        memcpy(out + done, c->iov[i].base, n);
        done += n;
    }
    return done;
}

size_t virtq_chain_write(const struct virtq_chain *c, const void *buf,
                         size_t len)
{
    const uint8_t *in = buf;
    size_t done = 0, n;
    unsigned i;

    for (i = c->nin; i < c->nin + c->nout && done < len; i++) {
        n = c->iov[i].len < len - done ? c->iov[i].len : len - done;
        memcpy(c->iov[i].base, in + done, n);
        done += n;
    }
    return done;
}
