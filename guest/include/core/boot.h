/* Boot facts for services, and the service entry point.
 *
 * After the core is up it calls service_main() (the one symbol services
 * must define: the ABI layer's init), which registers handlers and starts
 * the first program. */
#ifndef CORE_BOOT_H
#define CORE_BOOT_H

#include <core/types.h>

/* The kernel command line (NUL-terminated, in kernel memory). */
const char *core_boot_cmdline(void);
/* The initramfs image in kernel memory, or size 0. */
void core_boot_initrd(const void **data, size_t *size);
/* Name of the platform: "pvm" or "ring0". */
const char *core_platform_name(void);

/* Defined by the services (abi/): the first thing run after core init. */
__noreturn void service_main(void);

#endif
