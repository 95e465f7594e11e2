/* Clocks from the TSC.
 *
 * The VMM gives the TSC frequency (KVM_GET_TSC_KHZ, or PVM's MSR); under
 * QEMU we calibrate against the PIT (channel 0, latched reads) for 10 ms.
 * Nanoseconds are tsc * mult >> 32 in 128-bit arithmetic, so there
 * is no division on the read path and no overflow for centuries. */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/panic.h>
#include <core/time.h>

uint64_t tsc_khz;
static uint64_t tsc_boot, ns_mult, realtime_base;

/* PIT channel 0 in mode 2 counts down from 65536 at 1.193182 MHz; we
 * latch and read it while the TSC runs (microvm has no port 0x61 gate). */
static uint16_t pit_read(void)
{
    outb(0x43, 0x00); /* latch channel 0 */
    uint8_t lo = inb(0x40), hi = inb(0x40);
    return (uint16_t)(lo | (hi << 8));
}

static uint64_t pit_calibrate(void)
{
    const uint32_t pit_hz = 1193182, want = pit_hz / 100; /* 10 ms */
    uint32_t elapsed = 0;

    outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 */
    outb(0x40, 0);
    outb(0x40, 0);
    uint16_t last = pit_read();
    uint64_t t0 = rdtsc();
    for (uint64_t spins = 0; elapsed < want; spins++) {
        uint16_t now = pit_read();
        elapsed += (uint16_t)(last - now);
        last = now;
        if (spins > 50000000)
            return 0;
    }
    uint64_t khz = (rdtsc() - t0) * pit_hz / elapsed / 1000;
    outb(0x43, 0x30); /* channel 0 back to one-shot mode 0, and park it */
    outb(0x40, 0);
    outb(0x40, 0);
    outb(0x21, 0xff); /* mask both 8259s: nothing here uses legacy IRQs */
    outb(0xa1, 0xff);
    return khz;
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

uint64_t time_ns_to_tsc(uint64_t ns)
{
    return tsc_boot + ns / 1000000 * tsc_khz + ns % 1000000 * tsc_khz / 1000000;
}

uint64_t core_time_realtime_ns(void)
{
    return realtime_base + core_time_monotonic_ns();
}

void core_time_set_realtime_ns(uint64_t ns)
{
    realtime_base = ns - core_time_monotonic_ns();
}
