/* Random bytes: xoshiro256** seeded from the host's seed (mica.seed=),
 * the TSC, and RDRAND when the CPU has it; reseeded from RDRAND as it
 * goes. Not yet a CSPRNG: a ChaCha20 generator is the planned upgrade. */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/random.h>
#include <lib/string.h>

static uint64_t s[4];
static bool have_rdrand;

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next(void)
{
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

static uint64_t rdrand64(void)
{
    uint64_t v = 0;
    uint8_t ok = 0;
    for (int i = 0; i < 10 && !ok; i++)
        __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
    return v;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void random_init(const char *cmdline)
{
    uint32_t r[4];
    const char *seed = cmdline_find(cmdline, "mica.seed=");
    void console_configure(const char *cmdline);

    console_configure(cmdline);
    s[0] = rdtsc();
    s[1] = 0x9e3779b97f4a7c15ull;
    s[2] = 0xbf58476d1ce4e5b9ull;
    s[3] = 0x94d049bb133111ebull;
    for (int i = 0; seed && i < 64 && hexval(seed[i]) >= 0; i++)
        s[i / 16] ^= (uint64_t)hexval(seed[i]) << (4 * (i % 16));
    arch_cpuid(1, 0, r);
    have_rdrand = r[2] & (1u << 30);
    if (have_rdrand)
        s[3] ^= rdrand64();
    for (int i = 0; i < 16; i++)
        next();
}

void core_random_bytes(void *buf, size_t len)
{
    uint8_t *p = buf;
    if (have_rdrand)
        s[0] ^= rdrand64();
    while (len) {
        uint64_t v = next();
        size_t n = len < 8 ? len : 8;
        memcpy(p, &v, n);
        p += n;
        len -= n;
    }
}
