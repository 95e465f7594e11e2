/* Basic guest types: fixed-width integers and the user-address type. */
#ifndef CORE_TYPES_H
#define CORE_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef long ssize_t;

/* A user-space address. It cannot be dereferenced: user memory is reached
 * only through the copy functions in <core/uaccess.h>. */
typedef struct {
    uint64_t addr;
} uaddr_t;

static inline uaddr_t uaddr(uint64_t a)
{
    return (uaddr_t){a};
}

static inline uaddr_t uaddr_add(uaddr_t u, uint64_t off)
{
    return (uaddr_t){u.addr + off};
}

#define CORE_PAGE_SIZE 4096ul
#define CORE_PAGE_SHIFT 12
/* Lowest and one-past-highest user address (47-bit canonical lower half;
 * the top page is left unmapped, as Linux does). */
#define CORE_USER_MIN 0x10000ul
#define CORE_USER_END 0x00007ffffffff000ul

#define CORE_ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((uint64_t)(a)-1))
#define CORE_ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define CORE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define __must_check __attribute__((warn_unused_result))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
