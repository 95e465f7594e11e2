/* ChaCha20 block function (RFC 8439), for the kernel's random numbers. */
#ifndef LIB_CHACHA20_H
#define LIB_CHACHA20_H

#include <stdint.h>

/* One 64-byte keystream block for a 256-bit key, a 32-bit block counter
 * and a 96-bit nonce (all as RFC 8439 lays them out). */
void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
                    uint8_t out[64]);

#endif
