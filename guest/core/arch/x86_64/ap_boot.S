/* Application processors' way from real mode to the kernel (ring 0 only).
 *
 * smp.c copies ap_trampoline..ap_trampoline_end to AP_TRAMPOLINE_PA (below
 * 1 MiB) and sends INIT-SIPI-SIPI with that page: the AP starts there in
 * real mode with CS = page >> 4, loads a small GDT of its own, enters
 * protected mode and jumps to ap_start32 in the kernel image. From there
 * it follows the PVH path's steps (the boot page tables still map low
 * memory 1:1 and the kernel window), then, in 64-bit mode, loads the
 * kernel's page tables and the stack smp.c prepared, and calls ap_main.
 */
#include "asm_offsets.h"
#include "boot32.h"
#define AP_TRAMPOLINE_PA 0x8000

    .section .rodata
    .code16
    .globl ap_trampoline
ap_trampoline:
    cli
    mov %cs, %ax
    mov %ax, %ds
    lgdtl ap_gdtr - ap_trampoline
    mov %cr0, %eax
    or $1, %eax                     /* PE */
    mov %eax, %cr0
    ljmpl *(ap_far - ap_trampoline)
    .align 8
ap_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: 32-bit data */
ap_gdtr:
    .word 23
    .long AP_TRAMPOLINE_PA + (ap_gdt - ap_trampoline)
ap_far:
    .long PHYS(ap_start32)
    .word 0x08
    .globl ap_trampoline_end
ap_trampoline_end:

    .section .text.boot32, "ax"
    .code32
ap_start32:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    ENTER_LONG_MODE ap_start64_low

    .code64
ap_start64_low:
    GO_HIGH ap_start64_high

    .section .text.boot, "ax"
ap_start64_high:
    mov ap_boot_cr3(%rip), %rax
    mov %rax, %cr3
    mov ap_boot_rsp(%rip), %rsp
    xor %ebp, %ebp
    call ap_main                    /* never returns */
    ud2
