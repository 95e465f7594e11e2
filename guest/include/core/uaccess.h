/* The only way to reach user memory.
 *
 * Each call checks that the whole range lies in user space, then copies
 * with fault recovery: a page that is not mapped is first offered to the
 * registered fault handler (demand paging); if it still cannot be reached
 * the call returns -EFAULT. The kernel never faults on a user pointer. */
#ifndef CORE_UACCESS_H
#define CORE_UACCESS_H

#include <core/types.h>

int core_copy_from_user(void *dst, uaddr_t src, size_t len) __must_check;
int core_copy_to_user(uaddr_t dst, const void *src, size_t len) __must_check;
int core_clear_user(uaddr_t dst, size_t len) __must_check;
/* Copy a NUL-terminated string of at most max-1 bytes plus NUL.
 * Returns its length, -EFAULT, or -ENAMETOOLONG when no NUL in max bytes. */
long core_strncpy_from_user(char *dst, uaddr_t src, size_t max) __must_check;
/* True when [addr, addr+len) lies inside the user range. */
bool core_user_range_ok(uaddr_t addr, size_t len);

#endif
