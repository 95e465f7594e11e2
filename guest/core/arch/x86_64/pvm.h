/* The PVM guest ABI as measured on the build machines (docs/pvm.md). */
#ifndef ARCH_PVM_H
#define ARCH_PVM_H

#define PVM_MSR_CONTROL 0x4b564d10 /* VIF page GPA | feature bits */
#define PVM_MSR_SIGNATURE 0x4b564d11
#define PVM_MSR_TSC_KHZ 0x4b564d13
/* Feature bits: 0 KPTI, 1 preflip, 2 syscall GS swap, 3 int 0x19 sysret,
 * 4 CR2 cell, 5 whole delivery on kernel root, 6 int 0x17 iret. */
#define PVM_FEATURES 0x7f

#define PVM_HC_SET_CR3 0x1001
#define PVM_HC_WRMSR 0x1003
#define PVM_HC_LOAD_IDT 0x1005
#define PVM_HC_FLUSH_TLB 0x1007
#define PVM_HC_FLUSH_TLB_ONE 0x1008
#define PVM_HC_HALT 0x1009
#define PVM_HC_FLUSH_TLB_MULTI 0x100e

/* struct pvm_vif: the shared interrupt-flag page */
#define PVM_VIF_IF 0
#define PVM_VIF_PENDING 1
#define PVM_VIF_CR2 8

#endif
