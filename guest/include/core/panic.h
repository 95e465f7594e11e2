/* Stopping the VM: normal exit and kernel panic. */
#ifndef CORE_PANIC_H
#define CORE_PANIC_H

#include <core/types.h>

/* Stop the VM; mica exits with `status` (0..255, 128+N for signal N). */
__noreturn void core_vm_exit(int status);

/* Report a kernel bug with registers and a backtrace; mica exits 125. */
__noreturn void core_panic(const char *fmt, ...) __printf(1, 2);

#define CORE_BUG_ON(cond)                                                         \
    do {                                                                          \
        if (unlikely(cond))                                                       \
            core_panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond);            \
    } while (0)

#endif
