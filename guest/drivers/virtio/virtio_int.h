/* Private to guest/drivers/virtio/: the device and queue structures. */
#ifndef VIRTIO_INT_H
#define VIRTIO_INT_H

#include <core/dev.h>
#include <core/sched.h>
#include <drivers/virtio.h>

#define VIRTIO_MAX_QUEUES 4

struct virtq_slot {
    bool busy, done;
    uint16_t ndesc;
    uint32_t len;     /* what the device says it wrote */
    uint32_t in_room; /* what it was allowed to write */
};

struct virtq {
    struct virtio_dev *dev;
    unsigned index;
    uint16_t size, free_head, nfree, last_used, avail_idx;
    struct core_dma *ring; /* descriptors, then avail, then used */
    struct vring_desc *desc;
    struct vring_avail *avail;
    struct vring_used *used;
    struct virtq_slot *slots; /* by head descriptor */
    struct core_waitq wq;     /* completions and room */
};

struct virtio_dev {
    struct core_mmio *regs;
    unsigned index, irq;
    bool irq_on;  /* interrupts delivered; else poll */
    bool broken;  /* the device misbehaved: every call fails with -EIO */
    unsigned nqueues;
    struct virtq *queues[VIRTIO_MAX_QUEUES];
};

/* virtq.c */
void virtq_free(struct virtq *q);
void virtq_wake(struct virtq *q);

#endif
