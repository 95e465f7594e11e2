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
 */
#include "arch.h"
#include "../../core_int.h"
#include <core/panic.h>
#include <core/time.h>

#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define APIC_EOI 0xb0
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
static uint64_t armed; /* the deadline the hardware holds, 0: none */

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

void apic_init(void)
{
    uint32_t r[4];
    arch_cpuid(1, 0, r);
    x2apic = arch_pvm || (r[2] >> 21) & 1;
    tsc_deadline = arch_pvm || (r[2] >> 24) & 1;
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
    if (tsc_deadline) {
        apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_TSC_DEADLINE);
    } else {
        calibrate();
        apic_write(APIC_LVT_TIMER, TIMER_VECTOR);
    }
}

void arch_timer_arm(uint64_t deadline_ns)
{
    if (deadline_ns == armed)
        return;
    armed = deadline_ns;
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
    armed = 0; /* one-shot: the hardware holds nothing now */
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
