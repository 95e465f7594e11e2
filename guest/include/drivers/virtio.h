/* virtio-mmio devices and split virtqueues, for services (guest/drivers/
 * virtio/). Built only on the core's device API (core/dev.h).
 *
 * A driver claims a device by index, negotiates features (VERSION_1 is
 * always required: modern devices only), reads its configuration, sets
 * up queues, then marks it ready. A request is a chain of buffers in DMA
 * memory: the device reads the first `nout`, writes the rest; the
 * caller sleeps until the device has used the chain, woken by the
 * device's interrupt (or, where the platform cannot route it, by
 * polling from a timer). Any number of tasks may have requests in flight
 * on one queue; one that finds the queue full waits for room.
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <core/types.h>

struct core_dma;
struct virtio_dev; /* opaque */
struct virtq;      /* opaque */

/* The device ID at index (0: no device there or not virtio-mmio v2). */
uint32_t virtio_device_id(unsigned index);

/* Reset the device at index and negotiate: the device must offer
 * VERSION_1 and `required`; `optional` bits are taken if offered. On
 * success *features holds what was agreed. NULL and *err on failure. */
struct virtio_dev *virtio_open(unsigned index, uint64_t required, uint64_t optional,
                               uint64_t *features, int *err) __must_check;
/* Reset the device and free everything (no request may be in flight). */
void virtio_close(struct virtio_dev *dev);

/* Device-specific configuration (bounds-checked by the core). */
uint8_t virtio_config_read8(struct virtio_dev *dev, size_t off);
uint32_t virtio_config_read32(struct virtio_dev *dev, size_t off);

/* Set up queue `index` with up to `size` entries (less if the device
 * allows less). Before virtio_ready. */
struct virtq *virtq_setup(struct virtio_dev *dev, unsigned index, unsigned size,
                          int *err) __must_check;
/* Interrupts on, DRIVER_OK: requests may flow. 0 or -errno. */
int virtio_ready(struct virtio_dev *dev) __must_check;

/* One buffer of a request: len bytes at off in a DMA buffer. */
struct virtq_buf {
    struct core_dma *dma;
    size_t off, len;
};

/* Send a chain of n buffers, the first nout device-readable, and sleep
 * (not interruptibly) until the device used it: the number of bytes the
 * device says it wrote, or -errno (-EINVAL for a bad chain, -EIO if the
 * device misbehaved or broke). */
long virtq_call(struct virtq *q, const struct virtq_buf *bufs, unsigned n,
                unsigned nout) __must_check;

#endif
