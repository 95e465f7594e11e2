/* PVM bring-up after the VIF page is registered (boot.S does that first).
 *
 * With features 0x7f (docs/pvm.md part 2, "Recipe"): the hypervisor keeps
 * kernel and user apart with a pair of page-table roots (K, K+0x1000),
 * switches GS on SYSCALL, gives the fault address in VIF+8, and takes
 * `int $0x19` / `int $0x17` as the returns to user mode. Everything the
 * kernel touches is mapped U=1 (paging.c), RSP0 and IST are upper-half. */
#include "arch.h"

extern char pvm_vif0[];

void arch_pvm_early(void)
{
    arch_pvm = true;
    cpu0.vif = (volatile uint8_t *)pvm_vif0;
    cpu0.vif[PVM_VIF_IF] = 0;
}
