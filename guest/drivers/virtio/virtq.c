/* Split virtqueues: descriptor chains out, used entries back.
 *
 * Free descriptors form a list threaded through their `next` fields. A
 * request takes a chain, publishes its head in the available ring, kicks
 * the device and sleeps on the queue. Whoever runs next after an
 * interrupt (or a poll tick) collects the used ring: each entry marks
 * its chain's slot done with the length written, and every waiter
 * rechecks its own slot. The owner of a chain frees it, which makes room
 * for tasks waiting to send. The kernel is never preempted, so "check,
 * then sleep" needs no lock.
 *
 * The used ring is host input: an entry that names no chain in flight,
 * or claims more bytes than the chain could take, breaks the device
 * (-EIO from then on) rather than being trusted.
 */
#include "virtio_int.h"

#include <core/errno.h>
#include <core/mem.h>
#include <core/time.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#define POLL_NS 1000000ull /* without an interrupt: look every 1 ms */

void virtq_free(struct virtq *q)
{
    if (!q)
        return;
    core_dma_free(q->ring);
    core_free(q->slots);
    core_free(q);
}

void virtq_wake(struct virtq *q)
{
    core_wake_all(&q->wq);
}

static void break_dev(struct virtq *q)
{
    q->dev->broken = true;
    virtq_wake(q);
}

/* Move used entries to their slots. */
static void collect(struct virtq *q)
{
    for (;;) {
        uint16_t idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
        if (idx == q->last_used)
            return;
        if ((uint16_t)(idx - q->last_used) > q->size) {
            break_dev(q);
            return;
        }
        struct vring_used_elem e = q->used->ring[q->last_used % q->size];
        q->last_used++;
        struct virtq_slot *s = e.id < q->size ? &q->slots[e.id] : NULL;
        if (!s || !s->busy || s->done || e.len > s->in_room) {
            break_dev(q);
            return;
        }
        s->done = true;
        s->len = e.len;
        virtq_wake(q);
    }
}

static void chain_free(struct virtq *q, uint16_t head)
{
    struct virtq_slot *s = &q->slots[head];
    uint16_t last = head;
    for (unsigned i = 1; i < s->ndesc; i++)
        last = q->desc[last].next;
    q->desc[last].next = q->free_head;
    q->free_head = head;
    q->nfree += s->ndesc;
    s->busy = s->done = false;
    virtq_wake(q); /* room for senders */
}

static int sleep_on(struct virtq *q)
{
    uint64_t deadline = q->dev->irq_on ? 0 : core_time_monotonic_ns() + POLL_NS;
    int r = core_wait(&q->wq, deadline, false);
    return r == -ETIMEDOUT ? 0 : r;
}

static bool chain_ok(const struct virtq_buf *bufs, unsigned n, unsigned nout,
                     uint32_t *in_room)
{
    uint64_t room = 0;
    if (n == 0 || nout > n)
        return false;
    for (unsigned i = 0; i < n; i++) {
        if (!bufs[i].dma || bufs[i].len == 0 || bufs[i].len > 0xffffffffu ||
            bufs[i].off > core_dma_size(bufs[i].dma) ||
            bufs[i].len > core_dma_size(bufs[i].dma) - bufs[i].off)
            return false;
        if (i >= nout)
            room += bufs[i].len;
    }
    *in_room = room > 0xffffffffu ? 0xffffffffu : (uint32_t)room;
    return true;
}

/* Take n free descriptors, fill them, publish the head. */
static uint16_t chain_post(struct virtq *q, const struct virtq_buf *bufs, unsigned n,
                           unsigned nout, uint32_t in_room)
{
    uint16_t head = q->free_head, d = head;
    for (unsigned i = 0; i < n; i++) {
        q->desc[d].addr = core_dma_addr(bufs[i].dma, bufs[i].off);
        q->desc[d].len = (uint32_t)bufs[i].len;
        q->desc[d].flags = (uint16_t)((i >= nout ? VRING_DESC_F_WRITE : 0) |
                                      (i + 1 < n ? VRING_DESC_F_NEXT : 0));
        if (i + 1 < n)
            d = q->desc[d].next;
    }
    q->free_head = q->desc[d].next;
    q->nfree -= (uint16_t)n;
    q->slots[head] = (struct virtq_slot){
        .busy = true, .ndesc = (uint16_t)n, .in_room = in_room};
    q->avail->ring[q->avail_idx % q->size] = head;
    core_dma_wmb(); /* the entry before the index that publishes it */
    q->avail_idx++;
    __atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
    core_dma_mb(); /* the index before the kick */
    core_mmio_write32(q->dev->regs, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
    return head;
}

long virtq_call(struct virtq *q, const struct virtq_buf *bufs, unsigned n, unsigned nout)
{
    uint32_t in_room;
    if (!chain_ok(bufs, n, nout, &in_room) || n > q->size)
        return -EINVAL;
    while (!q->dev->broken && q->nfree < n) {
        collect(q);
        if (q->nfree < n)
            sleep_on(q);
    }
    if (q->dev->broken)
        return -EIO;
    uint16_t head = chain_post(q, bufs, n, nout, in_room);
    struct virtq_slot *s = &q->slots[head];
    for (;;) {
        collect(q);
        if (s->done || q->dev->broken)
            break;
        sleep_on(q);
    }
    if (!s->done)
        return -EIO; /* the device broke: the chain stays lost with it */
    long len = s->len;
    chain_free(q, head);
    return len;
}
