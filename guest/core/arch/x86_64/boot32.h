/* The way into long mode, shared by the BSP's PVH entry (boot.S) and the
 * APs' trampoline (ap_boot.S). Assembly only. */
#ifndef ARCH_BOOT32_H
#define ARCH_BOOT32_H

#include "asm_offsets.h"

#define PHYS(x) ((x) - KERNEL_VMA)

/* From 32-bit protected mode with paging off and flat segments: paging on
 * the boot page tables (1:1 low memory and the kernel window), long mode,
 * the boot GDT, and a far jump to 64-bit code at PHYS(low64). */
.macro ENTER_LONG_MODE low64
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x20, %eax                  /* PAE */
    mov %eax, %cr4
    mov $0xc0000080, %ecx           /* EFER: LME | SCE | NXE */
    rdmsr
    or $0x901, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax            /* PG | PE */
    and $~0x60000000, %eax          /* caches on: clear CD, NW */
    mov %eax, %cr0
    lgdt PHYS(boot_gdtr)
    ljmp $SEL_KCODE, $PHYS(\low64)
.endm

/* The first 64-bit code, still at its physical address: kernel data
 * segments, then on to `high` in the kernel window. */
.macro GO_HIGH high
    mov $SEL_KDATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    movabs $\high, %rax
    jmp *%rax
.endm

#endif
