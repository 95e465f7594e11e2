/* Devices for drivers outside the core (core/dev.h): the virtio-mmio
 * table, checked register access, DMA buffers and interrupt lines.
 *
 * The table comes from the boot info, plus Linux-style
 * "virtio_mmio.device=SIZE@BASE:GSI" words on the command line (what
 * QEMU microvm appends). Both are host input: an entry outside the
 * 32-bit MMIO hole, of no size, or too many, is dropped and reported.
 * Windows are mapped uncached at boot (paging_map_mmio), before the
 * first handle is asked for.
 *
 * Interrupts: each device line is an IOAPIC pin, routed level-triggered
 * to its own vector when a driver registers for it. The trap code calls
 * dev_interrupt() for those vectors: the driver's callback, then the
 * LAPIC EOI, then the scheduler re-arms its timer for any task the
 * callback woke. Interrupts are taken only in user mode or when idle.
 */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/console.h>
#include <core/dev.h>
#include <core/errno.h>
#include <core/mem.h>
#include <core/panic.h>
#include <lib/string.h>

#define VIRTIO_MMIO_WORD "virtio_mmio.device="

struct core_mmio {
    volatile uint8_t *regs;
    size_t size;
    unsigned irq;
};

struct core_dma {
    void *ptr;
    uint64_t pa;
    size_t size, npages;
};

struct irq_slot {
    core_irq_fn fn;
    void *arg;
};

static struct core_mmio mmios[MICA_MAX_VIRTIO_MMIO];
static struct irq_slot irqs[IOAPIC_MAX_PINS];
static unsigned dropped;

static bool entry_ok(const struct mica_virtio_mmio *v)
{
    return v->size >= 0x100 && v->base >= MICA_MMIO_HOLE_GPA && !(v->base & 3) &&
           v->base + v->size <= (1ull << 32) && v->gsi < IOAPIC_MAX_PINS;
}

/* "SIZE[KM]@BASE:GSI" (numbers in C notation, as Linux takes them),
 * from a word copied out of the command line. */
static bool parse_word(const char *p, struct mica_virtio_mmio *v)
{
    char *end;
    uint64_t size = strtoul(p, &end, 0);
    if (*end == 'K' || *end == 'k')
        size <<= 10, end++;
    else if (*end == 'M' || *end == 'm')
        size <<= 20, end++;
    if (*end != '@' || size > 0xffffffffu)
        return false;
    v->size = (uint32_t)size;
    v->base = strtoul(end + 1, &end, 0);
    if (*end != ':')
        return false;
    v->gsi = (uint32_t)strtoul(end + 1, &end, 0);
    return *end == ':' || *end == 0;
}

static void add(uint32_t *n, const struct mica_virtio_mmio *v)
{
    if (*n < MICA_MAX_VIRTIO_MMIO && entry_ok(v))
        boot_info.virtio_mmio[(*n)++] = *v;
    else
        dropped++;
}

/* Early (before paging_init): keep the valid entries of the boot info's
 * table and add the command line's (len bytes, not NUL-terminated). */
void dev_scan(const char *cmdline, size_t len)
{
    uint32_t n = 0, given = boot_info.nr_virtio_mmio;
    size_t wl = strlen(VIRTIO_MMIO_WORD);
    if (given > MICA_MAX_VIRTIO_MMIO) {
        dropped += given - MICA_MAX_VIRTIO_MMIO;
        given = MICA_MAX_VIRTIO_MMIO;
    }
    for (uint32_t i = 0; i < given; i++)
        add(&n, &boot_info.virtio_mmio[i]);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && cmdline[j] != ' ' && cmdline[j] != 0)
            j++;
        if (j - i > wl && j - i < wl + 64 && !memcmp(cmdline + i, VIRTIO_MMIO_WORD, wl)) {
            char word[64];
            struct mica_virtio_mmio v;
            memcpy(word, cmdline + i + wl, j - i - wl);
            word[j - i - wl] = 0;
            if (parse_word(word, &v))
                add(&n, &v);
            else
                dropped++;
        }
        i = j + 1;
    }
    boot_info.nr_virtio_mmio = n;
}

/* After the APIC: handles, the IOAPIC, and a word in the log. */
void dev_init(void)
{
    uint32_t n = boot_info.nr_virtio_mmio;
    for (uint32_t i = 0; i < n; i++) {
        const struct mica_virtio_mmio *v = &boot_info.virtio_mmio[i];
        mmios[i].regs = (volatile uint8_t *)mmio_virt(v->base);
        mmios[i].size = v->size;
        mmios[i].irq = v->gsi;
        core_log("mica: virtio-mmio %u at %#lx size %#x irq %u\n", i,
                 (unsigned long)v->base, v->size, v->gsi);
    }
    if (dropped)
        core_log("mica: %u virtio-mmio device(s) ignored (bad or too many)\n", dropped);
    if (n)
        ioapic_init();
}

unsigned core_dev_count(void)
{
    return boot_info.nr_virtio_mmio;
}

struct core_mmio *core_mmio_map(unsigned index)
{
    return index < boot_info.nr_virtio_mmio ? &mmios[index] : NULL;
}

size_t core_mmio_size(const struct core_mmio *h)
{
    return h->size;
}

unsigned core_mmio_irq(const struct core_mmio *h)
{
    return h->irq;
}

static void mmio_check(const struct core_mmio *h, size_t off, size_t width)
{
    if (off >= h->size || h->size - off < width || (off & (width - 1)))
        core_panic("MMIO access of %zu bytes at offset %#zx of a %#zx-byte window", width,
                   off, h->size);
}

uint8_t core_mmio_read8(struct core_mmio *h, size_t off)
{
    mmio_check(h, off, 1);
    return h->regs[off];
}

uint32_t core_mmio_read32(struct core_mmio *h, size_t off)
{
    mmio_check(h, off, 4);
    return *(volatile uint32_t *)(h->regs + off);
}

void core_mmio_write32(struct core_mmio *h, size_t off, uint32_t v)
{
    mmio_check(h, off, 4);
    *(volatile uint32_t *)(h->regs + off) = v;
}

/* ---- DMA ---- */

struct core_dma *core_dma_alloc(size_t size)
{
    if (size == 0 || size > (64u << 20))
        return NULL;
    struct core_dma *d = core_zalloc(sizeof(*d));
    if (!d)
        return NULL;
    d->npages = CORE_ALIGN_UP(size, CORE_PAGE_SIZE) / CORE_PAGE_SIZE;
    d->pa = frames_alloc(d->npages); /* zeroed */
    if (!d->pa) {
        core_free(d);
        return NULL;
    }
    d->ptr = phys_to_virt(d->pa);
    d->size = size;
    return d;
}

void core_dma_free(struct core_dma *d)
{
    if (!d)
        return;
    frames_free(d->pa, d->npages);
    core_free(d);
}

void *core_dma_ptr(const struct core_dma *d)
{
    return d->ptr;
}

size_t core_dma_size(const struct core_dma *d)
{
    return d->size;
}

uint64_t core_dma_addr(const struct core_dma *d, size_t off)
{
    if (off > d->size)
        core_panic("DMA offset %#zx past a %#zx-byte buffer", off, d->size);
    return d->pa + off;
}

/* ---- interrupts ---- */

int core_irq_register(unsigned irq, core_irq_fn fn, void *arg)
{
    if (irq >= IOAPIC_MAX_PINS || !fn)
        return -EINVAL;
    if (irqs[irq].fn)
        return -EBUSY;
    irqs[irq].fn = fn;
    irqs[irq].arg = arg;
    if (ioapic_route(irq) < 0) {
        irqs[irq].fn = NULL;
        return -ENODEV;
    }
    return 0;
}

void core_irq_unregister(unsigned irq)
{
    if (irq >= IOAPIC_MAX_PINS)
        return;
    ioapic_mask(irq);
    irqs[irq].fn = NULL;
    irqs[irq].arg = NULL;
}

/* From the trap code, for vectors IRQ_VECTOR_BASE.. (interrupts off). */
void dev_interrupt(unsigned vector)
{
    unsigned irq = vector - IRQ_VECTOR_BASE;
    if (irq < IOAPIC_MAX_PINS && irqs[irq].fn)
        irqs[irq].fn(irqs[irq].arg);
    apic_eoi();
    sched_after_interrupt();
}
