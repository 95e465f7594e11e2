/* The local APIC timer: one-shot interrupts at a deadline.
 *
 * Three ways, picked at boot:
 *   - x2APIC with TSC-deadline mode (PVM, hardware KVM): the deadline is
 *     written in TSC units to IA32_TSC_DEADLINE; registers are MSRs.
 *   - xAPIC with TSC-deadline (rare) or
 *   - xAPIC one-shot count mode (QEMU's TCG has neither x2APIC nor
 *     TSC-deadline): the count is calibrated against the TSC at boot;
 *     deadlines past the 32-bit count fire early and are re-armed.
 * The xAPIC page is mapped uncached at MMIO_VA (paging.c).
 * The timer is armed for the scheduler's next event only (tickless).
 * Each CPU has its own local APIC (its own timer); IPIs go through the
 * interrupt command register (ICR).
 */
#include "arch.h"
#include "../../core_int.h"
#include <core/panic.h>
#include <core/time.h>

#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define APIC_ID 0x20
#define APIC_EOI 0xb0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define ICR_PENDING (1u << 12)
#define ICR_INIT 0x4500u    /* INIT, level assert */
#define ICR_STARTUP 0x4600u /* SIPI, vector = start page */
#define APIC_SVR 0xf0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)

static bool x2apic, tsc_deadline;
static volatile uint32_t *mmio;
static uint64_t ticks_per_ms;

static void apic_write(uint32_t reg, uint32_t v)
{
    if (x2apic)
        arch_wrmsr(0x800 + (reg >> 4), v);
    else
        mmio[reg / 4] = v;
}

static uint32_t apic_read(uint32_t reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(0x800 + (reg >> 4));
    return mmio[reg / 4];
}

static void calibrate(void)
{
    apic_write(APIC_TIMER_DIV, 0xb); /* divide by 1 */
    apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_MASKED);
    apic_write(APIC_TIMER_INIT, 0xffffffff);
    uint64_t end = core_time_monotonic_ns() + 2000000;
    while (core_time_monotonic_ns() < end)
        cpu_relax();
    uint32_t left = apic_read(APIC_TIMER_CUR);
    apic_write(APIC_TIMER_INIT, 0);
    ticks_per_ms = (0xffffffffull - left) / 2;
    if (ticks_per_ms == 0)
        core_panic("the APIC timer does not count");
}

static void apic_enable(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (x2apic) {
        arch_wrmsr(MSR_APIC_BASE, base | (1u << 11) | (1u << 10));
    } else {
        if ((base & ~0xfffull) != APIC_DEFAULT_PA)
            core_panic("the local APIC is at %#lx, not %#x", (unsigned long)(base & ~0xfffull),
                       APIC_DEFAULT_PA);
        arch_wrmsr(MSR_APIC_BASE, base | (1u << 11));
        mmio = mmio_virt(APIC_DEFAULT_PA);
    }
    apic_write(APIC_SVR, 0x100 | SPURIOUS_VECTOR);
}

void apic_init(void)
{
    uint32_t r[4];
    arch_cpuid(1, 0, r);
    x2apic = arch_pvm || (r[2] >> 21) & 1;
    tsc_deadline = arch_pvm || (r[2] >> 24) & 1;
    apic_enable();
    if (tsc_deadline) {
        apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_TSC_DEADLINE);
    } else {
        calibrate();
        apic_write(APIC_LVT_TIMER, TIMER_VECTOR);
    }
}

/* An AP: the same mode as the BSP's, calibrated already. */
void apic_init_ap(void)
{
    apic_enable();
    apic_write(APIC_LVT_TIMER, TIMER_VECTOR | (tsc_deadline ? LVT_TSC_DEADLINE : 0));
}

uint32_t apic_id(void)
{
    if (x2apic)
        return (uint32_t)rdmsr(0x802);
    return apic_read(APIC_ID) >> 24;
}

static void icr_send(uint32_t dest, uint32_t lo)
{
    if (x2apic) {
        arch_wrmsr(0x830, ((uint64_t)dest << 32) | lo);
        return;
    }
    apic_write(APIC_ICR_HI, dest << 24);
    apic_write(APIC_ICR_LO, lo);
    while (apic_read(APIC_ICR_LO) & ICR_PENDING)
        cpu_relax();
}

void apic_send_ipi(uint32_t dest, uint8_t vector)
{
    icr_send(dest, vector); /* fixed delivery, physical destination */
}

static void delay_us(uint64_t us)
{
    uint64_t end = core_time_monotonic_ns() + us * 1000;
    while (core_time_monotonic_ns() < end)
        cpu_relax();
}

/* The universal start-up: INIT, then two STARTUPs at the page start_pa. */
void apic_send_init_sipi(uint32_t dest, uint64_t start_pa)
{
    icr_send(dest, ICR_INIT);
    delay_us(10000);
    for (int i = 0; i < 2; i++) {
        icr_send(dest, ICR_STARTUP | (uint32_t)(start_pa >> 12));
        delay_us(200);
    }
}

/* An earlier deadline already in the hardware is kept when a later one
 * (or none) is asked for: firing early is harmless (the handlers look at
 * the time and arm again), and it saves an APIC write (an MMIO exit, or a
 * hypercall on PVM) at most task switches, whose slice end moves each
 * time. */
void arch_timer_arm(uint64_t deadline_ns)
{
    struct cpu *c = this_cpu();
    if (deadline_ns == c->timer_armed)
        return;
    if (c->timer_armed && (!deadline_ns || deadline_ns > c->timer_armed) &&
        c->timer_armed > core_time_monotonic_ns())
        return;
    c->timer_armed = deadline_ns;
    if (tsc_deadline) {
        arch_wrmsr(MSR_TSC_DEADLINE, deadline_ns ? time_ns_to_tsc(deadline_ns) : 0);
        return;
    }
    if (!deadline_ns) {
        apic_write(APIC_TIMER_INIT, 0);
        return;
    }
    uint64_t now = core_time_monotonic_ns();
    uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
    uint64_t count = delta / 1000 * ticks_per_ms / 1000 + 1;
    apic_write(APIC_TIMER_INIT, count > 0xffffffffull ? 0xffffffffu : (uint32_t)count);
}

void arch_timer_eoi(void)
{
    this_cpu()->timer_armed = 0; /* one-shot: the hardware holds nothing now */
    apic_write(APIC_EOI, 0);
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

/* PVM has no STI shadow: an interrupt taken between enabling VIF.if_ and
 * the HALT hypercall would be handled, and then the halt would sleep
 * until the next one. The interrupt path (traps.c) moves a RIP inside
 * [pvm_idle_window, pvm_idle_window_end) to the end, skipping the halt. */
void arch_idle_wait(void)
{
    if (arch_pvm) {
        volatile uint8_t *vif = this_cpu()->vif;
        __asm__ volatile("movb $1, (%0)\n"
                         ".globl pvm_idle_window\n"
                         "pvm_idle_window:\n"
                         "int $0x1b\n" /* PVM_HC_HALT; also takes a held-back one */
                         ".globl pvm_idle_window_end\n"
                         "pvm_idle_window_end:\n"
                         "movb $0, (%0)"
                         :
                         : "r"(vif), "a"((uint64_t)PVM_HC_HALT), "b"(0ul), "c"(0ul), "d"(0ul)
                         : "memory", "rsi", "rdi", "r8", "r9", "r10", "r11");
        return;
    }
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}
