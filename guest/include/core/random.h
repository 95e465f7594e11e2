/* Randomness seeded by the host (and RDRAND when the CPU has it). */
#ifndef CORE_RANDOM_H
#define CORE_RANDOM_H

#include <core/types.h>

void core_random_bytes(void *buf, size_t len);

#endif
