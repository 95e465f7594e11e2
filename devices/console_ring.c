/* mica devices: the host end of the shared-memory console rings.
 *
 * Each ring is a free-running pair of uint32 byte counters and a
 * power-of-two data area. The producer writes data, then publishes with a
 * release store of prod; the consumer reads prod with an acquire load,
 * copies the bytes out and frees the space with a release store of cons.
 * The guest controls the indices it owns and may lie about them: the host
 * trusts only its own copies and checks that the guest's index is at most
 * one ring ahead (out.prod) or behind (in.cons) of them.
 */
#include <errno.h>
#include <string.h>

#include "console_ring.h"

#define RING_MASK (MICA_RING_SIZE - 1u)
#define DRAIN_CHUNK 4096u

void console_ring_init(struct console_ring *cr,
                       struct mica_console_rings *shared)
{
    cr->shared = shared;
    cr->out_cons = __atomic_load_n(&shared->out.cons, __ATOMIC_ACQUIRE);
    cr->in_prod = __atomic_load_n(&shared->in.prod, __ATOMIC_ACQUIRE);
}

/* Copy len bytes starting at ring offset pos (mod size) out of the ring. */
static void ring_copy_out(const struct mica_ring *r, uint32_t pos,
                          uint8_t *dst, size_t len)
{
    size_t off = pos & RING_MASK, first = MICA_RING_SIZE - off;

    if (first > len)
        first = len;
    memcpy(dst, (const uint8_t *)r->data + off, first);
    memcpy(dst + first, (const uint8_t *)r->data, len - first);
}

static void ring_copy_in(struct mica_ring *r, uint32_t pos, const uint8_t *src,
                         size_t len)
{
    size_t off = pos & RING_MASK, first = MICA_RING_SIZE - off;

    if (first > len)
        first = len;
    memcpy(r->data + off, src, first);
    memcpy(r->data, src + first, len - first);
}

int console_ring_drain(struct console_ring *cr, console_ring_sink sink,
                       void *opaque)
{
    struct mica_ring *out = &cr->shared->out;
    uint8_t buf[DRAIN_CHUNK];
    uint32_t prod, avail, n;
    int rc;

    prod = __atomic_load_n(&out->prod, __ATOMIC_ACQUIRE);
    avail = prod - cr->out_cons;
    if (avail > MICA_RING_SIZE)
        return -EPROTO;
    while (avail > 0) {
        n = avail < DRAIN_CHUNK ? avail : DRAIN_CHUNK;
        ring_copy_out(out, cr->out_cons, buf, n);
        cr->out_cons += n;
        avail -= n;
        __atomic_store_n(&out->cons, cr->out_cons, __ATOMIC_RELEASE);
        rc = sink(opaque, buf, n);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int console_ring_push(struct console_ring *cr, const void *buf, size_t len)
{
    struct mica_ring *in = &cr->shared->in;
    uint32_t cons, used;

    cons = __atomic_load_n(&in->cons, __ATOMIC_ACQUIRE);
    used = cr->in_prod - cons;
    if (used > MICA_RING_SIZE)
        return -EPROTO;
    if (len > MICA_RING_SIZE - used)
        return -ENOSPC;
    ring_copy_in(in, cr->in_prod, buf, len);
    cr->in_prod += (uint32_t)len;
    __atomic_store_n(&in->prod, cr->in_prod, __ATOMIC_RELEASE);
    return 0;
}
