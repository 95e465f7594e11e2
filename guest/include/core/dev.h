/* Devices: what a driver outside the core needs, and nothing more.
 *
 * The host describes virtio-mmio devices at boot (the boot info's table,
 * or "virtio_mmio.device=" words on the command line under QEMU). A
 * driver finds them by index, reaches their registers through an opaque
 * handle whose accessors check every offset, shares memory with them
 * through DMA buffers it knows by kernel pointer and by device address
 * (a number the device uses, never a pointer), and gets their interrupts
 * through a callback.
 *
 * Interrupt callbacks run as timer callbacks do (core/sched.h): from an
 * interrupt taken in user mode or in the idle loop, never in the middle
 * of a syscall. They may wake tasks and must not sleep. The core
 * acknowledges the interrupt controller after the callback returns, so
 * the callback must first quiet its device (for virtio-mmio: write
 * InterruptACK), or a level-triggered line fires again at once.
 */
#ifndef CORE_DEV_H
#define CORE_DEV_H

#include <core/types.h>

/* ---- finding devices ---- */

/* How many virtio-mmio devices the host described (indices 0..n-1). */
unsigned core_dev_count(void);

/* ---- registers ---- */

struct core_mmio; /* opaque: one device's register window */

/* Device `index`'s register window, or NULL if there is no such device.
 * The handle lives as long as the kernel. */
struct core_mmio *core_mmio_map(unsigned index);
size_t core_mmio_size(const struct core_mmio *h);
/* The interrupt line of the device (for core_irq_register). */
unsigned core_mmio_irq(const struct core_mmio *h);
/* Naturally aligned accesses inside the window; anything else is a
 * driver bug and panics with the offset. */
uint8_t core_mmio_read8(struct core_mmio *h, size_t off);
uint32_t core_mmio_read32(struct core_mmio *h, size_t off);
void core_mmio_write32(struct core_mmio *h, size_t off, uint32_t v);

/* ---- memory shared with devices ---- */

struct core_dma; /* opaque: a zeroed, physically contiguous buffer */

/* size bytes (rounded up to pages), or NULL. */
struct core_dma *core_dma_alloc(size_t size) __must_check;
void core_dma_free(struct core_dma *d);
void *core_dma_ptr(const struct core_dma *d);
size_t core_dma_size(const struct core_dma *d);
/* The address the device uses for byte `off` of the buffer; off may be
 * the size itself (an end). Beyond it is a driver bug: panic. */
uint64_t core_dma_addr(const struct core_dma *d, size_t off);

/* Ordering of memory shared with devices against each other and against
 * register accesses (which are ordered among themselves). */
static inline void core_dma_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
static inline void core_dma_wmb(void)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
}
static inline void core_dma_rmb(void)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

/* ---- interrupts ---- */

typedef void (*core_irq_fn)(void *arg);

/* Call fn(arg) on each interrupt of line irq (see above). One handler
 * per line. 0, -EBUSY (taken), -EINVAL (no such line) or -ENODEV (this
 * platform cannot route it). */
int core_irq_register(unsigned irq, core_irq_fn fn, void *arg) __must_check;
/* Mask the line and forget its handler. */
void core_irq_unregister(unsigned irq);

#endif
