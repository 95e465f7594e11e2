/* libFuzzer target: the host's virtqueue walker (devices/virtq_host.c).
 *
 * The input plays a hostile guest: it picks the ring size and addresses
 * (aligned or not, inside RAM or not), lays out two RAM regions (each its
 * own heap block, so ASan sees any step outside one), fills them, then
 * pops and pushes chains while rewriting guest memory between steps, as a
 * guest on another CPU can. Checked here beyond "no crash": every popped
 * buffer lies inside one region, a chain is never longer than the queue
 * or VIRTQ_CHAIN_MAX, and its byte counts add up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtq_host.h"

#define REGION_SIZE 0x4000u

struct input {
    const uint8_t *p;
    size_t n;
};

static uint64_t take(struct input *in, unsigned bytes)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < bytes && in->n; i++, in->p++, in->n--)
        v |= (uint64_t)*in->p << (8 * i);
    return v;
}

static int in_region(const struct gmem *m, const uint8_t *p, uint32_t len)
{
    unsigned i;

    for (i = 0; i < m->n; i++)
        if (p >= m->r[i].host && (uint64_t)(p - m->r[i].host) <= m->r[i].size &&
            len <= m->r[i].size - (uint64_t)(p - m->r[i].host))
            return 1;
    return 0;
}

static void check_chain(const struct gmem *m, const struct virtq_host *vq,
                        const struct virtq_chain *c)
{
    uint64_t in = 0, out = 0;
    unsigned i;

    if (c->nin + c->nout == 0 || c->nin + c->nout > VIRTQ_CHAIN_MAX ||
        c->nin + c->nout > vq->num || c->head >= vq->num)
        abort();
    for (i = 0; i < c->nin + c->nout; i++) {
        if (!in_region(m, c->iov[i].base, c->iov[i].len))
            abort();
        *(i < c->nin ? &in : &out) += c->iov[i].len;
    }
    if (in != c->in_bytes || out != c->out_bytes)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct virtq_chain chain;
    static uint8_t scratch[4096];
    struct input in = { data, size };
    struct gmem m = { .n = 2 };
    struct virtq_host vq;
    struct mica_error err;
    unsigned i, steps;
    size_t fill;
    int rc;

    /* the queue: size 1..512 mostly a power of two, and raw addresses */
    vq.num = (uint16_t)take(&in, 2);
    if (!(vq.num & 0x8000))
        vq.num = (uint16_t)(1u << (vq.num % 10));
    vq.desc = take(&in, 8);
    vq.avail = take(&in, 8);
    vq.used = take(&in, 8);
    vq.last_avail = (uint16_t)take(&in, 2);
    vq.used_idx = (uint16_t)take(&in, 2);
    for (i = 0; i < m.n; i++) {
        /* page-aligned, as every gmem region is (vhost_user.c checks;
         * KVM memory slots must be), so aligned rings are aligned in host
         * memory too; the ring addresses themselves are anything */
        m.r[i].gpa = take(&in, 8) & ~0xfffull;
        m.r[i].size = REGION_SIZE >> (take(&in, 1) % 4);
        m.r[i].host = calloc(1, m.r[i].size);
        if (m.r[i].host == NULL)
            abort();
        fill = in.n < m.r[i].size ? in.n : m.r[i].size;
        memcpy(m.r[i].host, in.p, fill);
        in.p += fill;
        in.n -= fill;
    }
    /* gmem_ptr alone, on the queue's own addresses */
    for (i = 0; i < 3; i++) {
        uint64_t gpa = i == 0 ? vq.desc : i == 1 ? vq.avail : vq.used;
        uint64_t len = take(&in, 8);
        uint8_t *p = gmem_ptr(&m, gpa, len);

        if (p && (len > UINT32_MAX || !in_region(&m, p, (uint32_t)len)))
            abort();
    }
    for (steps = 0; steps < 64 && in.n; steps++) {
        unsigned op = (unsigned)take(&in, 1);

        if (op < 0x80) { /* the guest writes 1..8 bytes somewhere */
            unsigned r = op & 1, len = 1 + (op >> 1) % 8;
            uint64_t off = take(&in, 2) % m.r[r].size;
            uint64_t val = take(&in, len);

            if (off + len <= m.r[r].size)
                memcpy(m.r[r].host + off, &val, len);
            continue;
        }
        mica_error_init(&err);
        rc = virtq_host_pop(&vq, &m, &chain, &err);
        if (rc < 0)
            break; /* the device stops on a broken ring */
        if (rc == 0)
            continue;
        check_chain(&m, &vq, &chain);
        virtq_chain_read(&chain, scratch, sizeof(scratch));
        memset(scratch, op, sizeof(scratch));
        if (virtq_host_push(&vq, &m, chain.head,
                            (uint32_t)virtq_chain_write(&chain, scratch,
                                                        op * 17u),
                            &err) < 0)
            break;
    }
    for (i = 0; i < m.n; i++)
        free(m.r[i].host);
    return 0;
}
