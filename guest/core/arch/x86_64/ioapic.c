/* The IOAPIC, just enough for device interrupts (core/dev.h).
 *
 * One IOAPIC at the standard address (QEMU microvm with ioapic2 off: 24
 * pins). Pin n is routed to vector IRQ_VECTOR_BASE + n on CPU 0, fixed
 * delivery, level-triggered and active high, as virtio-mmio lines are:
 * the line stays up until the driver acknowledges the device, and the
 * LAPIC EOI after the handler lets the IOAPIC deliver it again if it is
 * still (or again) up. Unused pins stay masked.
 */
#include "arch.h"
#include "../../core_int.h"

#define IOREGSEL 0
#define IOWIN 4 /* in 32-bit words */
#define IOAPIC_VER 1
#define REDIR_LO(n) (0x10 + 2 * (n))
#define REDIR_HI(n) (0x11 + 2 * (n))
#define REDIR_MASKED (1u << 16)
#define REDIR_LEVEL (1u << 15)

static volatile uint32_t *regs;
static unsigned nr_pins;

static uint32_t ioapic_read(uint32_t reg)
{
    regs[IOREGSEL] = reg;
    return regs[IOWIN];
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    regs[IOREGSEL] = reg;
    regs[IOWIN] = v;
}

void ioapic_init(void)
{
    if (arch_pvm)
        return; /* no IOAPIC there: devices would come with their own way */
    regs = mmio_virt(IOAPIC_PA);
    nr_pins = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
    if (nr_pins > IOAPIC_MAX_PINS)
        nr_pins = IOAPIC_MAX_PINS;
    for (unsigned i = 0; i < nr_pins; i++) {
        ioapic_write(REDIR_LO(i), REDIR_MASKED);
        ioapic_write(REDIR_HI(i), 0);
    }
}

int ioapic_route(unsigned gsi)
{
    if (!regs || gsi >= nr_pins)
        return -1;
    ioapic_write(REDIR_HI(gsi), 0); /* physical destination: APIC ID 0 */
    ioapic_write(REDIR_LO(gsi), (IRQ_VECTOR_BASE + gsi) | REDIR_LEVEL);
    return 0;
}

void ioapic_mask(unsigned gsi)
{
    if (regs && gsi < nr_pins)
        ioapic_write(REDIR_LO(gsi), REDIR_MASKED);
}
