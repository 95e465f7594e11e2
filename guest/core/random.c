/* Random bytes: a ChaCha20 generator with fast key erasure.
 *
 * The key starts as the host's 256-bit seed (mica.seed=, from the host's
 * getrandom), mixed with the TSC and RDRAND when the CPU has it. Each
 * request runs the keystream from a fresh counter, and the first 32 bytes
 * of every request's last block replace the key, so earlier output cannot
 * be recomputed from a later state. RDRAND, when present, is folded into
 * the key on every request. */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/random.h>
#include <lib/chacha20.h>
#include <lib/string.h>

static uint32_t key[8];
static uint64_t nonce_ctr;
static bool have_rdrand;

static uint64_t rdrand64(void)
{
    uint64_t v = 0;
    uint8_t ok = 0;
    for (int i = 0; i < 10 && !ok; i++)
        __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
    return ok ? v : 0;
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

static void mix64(uint64_t v, unsigned at)
{
    key[at % 8] ^= (uint32_t)v;
    key[(at + 1) % 8] ^= (uint32_t)(v >> 32);
}

void random_init(const char *cmdline)
{
    uint32_t r[4];
    const char *seed = cmdline_find(cmdline, "mica.seed=");
    void console_configure(const char *cmdline);

    console_configure(cmdline);
    for (int i = 0; seed && i < 64 && hexval(seed[i]) >= 0; i++)
        key[i / 8] |= (uint32_t)hexval(seed[i]) << (4 * (7 - i % 8));
    mix64(rdtsc(), 6);
    arch_cpuid(1, 0, r);
    have_rdrand = r[2] & (1u << 30);
    if (have_rdrand)
        for (unsigned i = 0; i < 4; i++)
            mix64(rdrand64(), 2 * i);
}

void core_random_bytes(void *buf, size_t len)
{
    uint8_t *p = buf, block[64];
    uint32_t nonce[3], counter = 0;

    if (have_rdrand)
        mix64(rdrand64(), (unsigned)nonce_ctr);
    nonce_ctr++;
    nonce[0] = (uint32_t)nonce_ctr;
    nonce[1] = (uint32_t)(nonce_ctr >> 32);
    nonce[2] = 0x6d696361; /* "mica" */
    while (len) {
        chacha20_block(key, counter++, nonce, block);
        size_t n = len < sizeof(block) ? len : sizeof(block);
        memcpy(p, block, n);
        p += n;
        len -= n;
    }
    chacha20_block(key, counter, nonce, block); /* fresh block for the new key */
    memcpy(key, block, sizeof(key));
    memset(block, 0, sizeof(block));
}
