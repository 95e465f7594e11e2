/* The virtio-mmio transport (version 2 only): find, reset, negotiate,
 * set up queues, and take the device's interrupt.
 *
 * Everything the device says is host input: the magic and version are
 * checked before anything else, a device that refuses FEATURES_OK or
 * has no room for a queue is left reset, and a device that misbehaves
 * later (virtq.c) is marked broken: its calls fail with -EIO.
 */
#include "virtio_int.h"

#include <core/console.h>
#include <core/errno.h>
#include <core/mem.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */

static uint32_t rd(struct virtio_dev *d, size_t off)
{
    return core_mmio_read32(d->regs, off);
}

static void wr(struct virtio_dev *d, size_t off, uint32_t v)
{
    core_mmio_write32(d->regs, off, v);
}

uint32_t virtio_device_id(unsigned index)
{
    struct core_mmio *h = core_mmio_map(index);
    if (!h || core_mmio_size(h) < VIRTIO_MMIO_CONFIG)
        return 0;
    if (core_mmio_read32(h, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
        core_mmio_read32(h, VIRTIO_MMIO_VERSION) != 2)
        return 0;
    return core_mmio_read32(h, VIRTIO_MMIO_DEVICE_ID);
}

static void status_set(struct virtio_dev *d, uint32_t bits)
{
    wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | bits);
}

static int negotiate(struct virtio_dev *d, uint64_t required, uint64_t optional,
                     uint64_t *features)
{
    uint64_t offered;
    wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    offered = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
    wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    offered |= (uint64_t)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    required |= 1ull << VIRTIO_F_VERSION_1;
    if ((offered & required) != required)
        return -ENODEV;
    uint64_t want = required | (offered & optional);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)want);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(want >> 32));
    status_set(d, VIRTIO_CONFIG_S_FEATURES_OK);
    if (!(rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK))
        return -ENODEV;
    *features = want;
    return 0;
}

struct virtio_dev *virtio_open(unsigned index, uint64_t required, uint64_t optional,
                               uint64_t *features, int *err)
{
    if (!virtio_device_id(index)) {
        *err = -ENODEV;
        return NULL;
    }
    struct virtio_dev *d = core_zalloc(sizeof(*d));
    if (!d) {
        *err = -ENOMEM;
        return NULL;
    }
    d->regs = core_mmio_map(index);
    d->index = index;
    d->irq = core_mmio_irq(d->regs);
    wr(d, VIRTIO_MMIO_STATUS, 0); /* reset */
    status_set(d, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    status_set(d, VIRTIO_CONFIG_S_DRIVER);
    *err = negotiate(d, required, optional, features);
    if (*err) {
        wr(d, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_FAILED);
        core_free(d);
        return NULL;
    }
    return d;
}

void virtio_close(struct virtio_dev *d)
{
    if (!d)
        return;
    if (d->irq_on)
        core_irq_unregister(d->irq);
    wr(d, VIRTIO_MMIO_STATUS, 0); /* the device lets go of our memory */
    for (unsigned i = 0; i < d->nqueues; i++)
        virtq_free(d->queues[i]);
    core_free(d);
}

uint8_t virtio_config_read8(struct virtio_dev *d, size_t off)
{
    return core_mmio_read8(d->regs, VIRTIO_MMIO_CONFIG + off);
}

uint32_t virtio_config_read32(struct virtio_dev *d, size_t off)
{
    return core_mmio_read32(d->regs, VIRTIO_MMIO_CONFIG + off);
}

/* Split ring layout in one DMA buffer: descriptors (16 bytes each), the
 * available ring, then the used ring at the next 4-byte boundary. */
static size_t ring_bytes(unsigned n, size_t *avail_off, size_t *used_off)
{
    *avail_off = 16u * n;
    *used_off = CORE_ALIGN_UP(*avail_off + 6 + 2u * n, 4);
    return *used_off + 6 + 8u * n;
}

static int queue_alloc(struct virtq *q, unsigned n)
{
    size_t avail_off, used_off, bytes = ring_bytes(n, &avail_off, &used_off);
    q->ring = core_dma_alloc(bytes);
    q->slots = core_zalloc(n * sizeof(*q->slots));
    if (!q->ring || !q->slots)
        return -ENOMEM;
    uint8_t *base = core_dma_ptr(q->ring);
    q->desc = (struct vring_desc *)base;
    q->avail = (struct vring_avail *)(base + avail_off);
    q->used = (struct vring_used *)(base + used_off);
    q->size = (uint16_t)n;
    for (unsigned i = 0; i < n; i++)
        q->desc[i].next = (uint16_t)(i + 1 < n ? i + 1 : 0);
    q->free_head = 0;
    q->nfree = (uint16_t)n;
    return 0;
}

static void queue_program(struct virtio_dev *d, struct virtq *q)
{
    size_t avail_off, used_off;
    ring_bytes(q->size, &avail_off, &used_off);
    uint64_t da = core_dma_addr(q->ring, 0), aa = core_dma_addr(q->ring, avail_off),
             ua = core_dma_addr(q->ring, used_off);
    wr(d, VIRTIO_MMIO_QUEUE_NUM, q->size);
    wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)da);
    wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(da >> 32));
    wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)aa);
    wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(aa >> 32));
    wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)ua);
    wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(ua >> 32));
    wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
}

struct virtq *virtq_setup(struct virtio_dev *d, unsigned index, unsigned size, int *err)
{
    *err = -EINVAL;
    if (d->nqueues >= VIRTIO_MAX_QUEUES || size == 0)
        return NULL;
    wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
    unsigned max = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
    *err = -ENODEV;
    if (max == 0 || rd(d, VIRTIO_MMIO_QUEUE_READY))
        return NULL;
    unsigned n = 1;
    while (n * 2 <= size && n * 2 <= max && n < 32768)
        n *= 2; /* split rings are a power of two long */
    struct virtq *q = core_zalloc(sizeof(*q));
    *err = -ENOMEM;
    if (!q)
        return NULL;
    q->dev = d;
    q->index = index;
    if (queue_alloc(q, n)) {
        virtq_free(q);
        return NULL;
    }
    queue_program(d, q);
    d->queues[d->nqueues++] = q;
    *err = 0;
    return q;
}

/* The device's interrupt: acknowledge it, then wake every queue's
 * waiters; they collect their completions themselves (virtq.c). */
static void virtio_irq(void *arg)
{
    struct virtio_dev *d = arg;
    uint32_t isr = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);
    wr(d, VIRTIO_MMIO_INTERRUPT_ACK, isr);
    if (rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET)
        d->broken = true;
    for (unsigned i = 0; i < d->nqueues; i++)
        virtq_wake(d->queues[i]);
}

int virtio_ready(struct virtio_dev *d)
{
    int err = core_irq_register(d->irq, virtio_irq, d);
    d->irq_on = err == 0; /* otherwise waiters poll (virtq.c) */
    if (err)
        core_log("virtio-mmio %u: no interrupt (%d): polling\n", d->index, err);
    status_set(d, VIRTIO_CONFIG_S_DRIVER_OK);
    if (rd(d, VIRTIO_MMIO_STATUS) & (VIRTIO_CONFIG_S_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED))
        return -EIO;
    return 0;
}
