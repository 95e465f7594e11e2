/* Clocks from the TSC.
 *
 * The VMM gives the TSC frequency (KVM_GET_TSC_KHZ, or PVM's MSR); under
 * QEMU we calibrate against the PIT (channel 2, gate via port 0x61) for
 * 10 ms. Nanoseconds are tsc * mult >> 32 in 128-bit arithmetic, so there
 * is no division on the read path and no overflow for centuries. */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/panic.h>
#include <core/time.h>

uint64_t tsc_khz;
static uint64_t tsc_boot, ns_mult, realtime_base;

static uint64_t pit_calibrate(void)
{
    const uint32_t pit_hz = 1193182, ms = 10;
    uint16_t count = pit_hz * ms / 1000;

    outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(0x43, 0xb0);                        /* ch2, lobyte/hibyte, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    uint64_t t0 = rdtsc();
    uint64_t spins = 0;
    while (!(inb(0x61) & 0x20)) {
        if (++spins > 100000000)
            return 0;
    }
    return (rdtsc() - t0) / ms;
}

void time_init(void)
{
    tsc_boot = rdtsc();
    tsc_khz = boot_info.tsc_khz;
    if (!tsc_khz && arch_pvm)
        tsc_khz = rdmsr(PVM_MSR_TSC_KHZ);
    if (!tsc_khz)
        tsc_khz = pit_calibrate();
    if (!tsc_khz)
        core_panic("cannot determine the TSC frequency");
    ns_mult = (1000000ull << 32) / tsc_khz;
}

uint64_t core_time_monotonic_ns(void)
{
    unsigned __int128 d = rdtsc() - tsc_boot;
    return (uint64_t)((d * ns_mult) >> 32);
}

uint64_t core_time_realtime_ns(void)
{
    return realtime_base + core_time_monotonic_ns();
}

void core_time_set_realtime_ns(uint64_t ns)
{
    realtime_base = ns - core_time_monotonic_ns();
}

void core_time_sleep_ns(uint64_t ns)
{
    uint64_t end = core_time_monotonic_ns() + ns;
    /* No timer interrupt yet: wait actively. (A tickless timer comes with
     * the scheduler.) */
    while (core_time_monotonic_ns() < end)
        cpu_relax();
}
