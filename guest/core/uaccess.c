/* User-memory access (core/uaccess.h): range checks here, fault-recovering
 * copies in arch/x86_64/uaccess.S, demand paging through the services'
 * fault policy (traps.c). */
#include "core_int.h"
#include <core/errno.h>
#include <core/uaccess.h>

size_t arch_copy_user(void *dst, const void *src, size_t n);
size_t arch_clear_user(void *dst, size_t n);
long arch_strncpy_user(char *dst, const char *src, size_t max);

bool core_user_range_ok(uaddr_t addr, size_t len)
{
    return addr.addr >= CORE_USER_MIN && addr.addr < CORE_USER_END &&
           len <= CORE_USER_END - addr.addr;
}

int core_copy_from_user(void *dst, uaddr_t src, size_t len)
{
    if (len == 0)
        return 0;
    if (!core_user_range_ok(src, len))
        return -EFAULT;
    return arch_copy_user(dst, (const void *)src.addr, len) ? -EFAULT : 0;
}

int core_copy_to_user(uaddr_t dst, const void *src, size_t len)
{
    if (len == 0)
        return 0;
    if (!core_user_range_ok(dst, len))
        return -EFAULT;
    return arch_copy_user((void *)dst.addr, src, len) ? -EFAULT : 0;
}

int core_clear_user(uaddr_t dst, size_t len)
{
    if (len == 0)
        return 0;
    if (!core_user_range_ok(dst, len))
        return -EFAULT;
    return arch_clear_user((void *)dst.addr, len) ? -EFAULT : 0;
}

long core_strncpy_from_user(char *dst, uaddr_t src, size_t max)
{
    if (max == 0)
        return -ENAMETOOLONG;
    if (src.addr < CORE_USER_MIN || src.addr >= CORE_USER_END)
        return -EFAULT;
    size_t room = CORE_USER_END - src.addr;
    size_t lim = max < room ? max : room;
    long n = arch_strncpy_user(dst, (const char *)src.addr, lim);
    if (n < 0)
        return -EFAULT;
    if ((size_t)n == lim) {
        dst[lim - 1] = 0;
        return lim == max ? -ENAMETOOLONG : -EFAULT;
    }
    return n;
}
