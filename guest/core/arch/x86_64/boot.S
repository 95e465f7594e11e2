/* Kernel entry points.
 *
 * _start64: mica's own VMM enters here in 64-bit mode on its boot page
 * tables (identity map of low memory plus the -2 GiB kernel window), with
 * RDI = MICA_BOOT_MAGIC and RSI = physical address of the boot info. On PVM
 * every instruction is emulated until the VIF page is registered, so that
 * is the very first thing done, in a handful of instructions.
 *
 * pvh_start32: QEMU's -kernel enters here (PVH ABI, XEN_ELFNOTE_PHYS32_ENTRY)
 * in 32-bit protected mode with paging off and EBX = hvm_start_info. We
 * switch to long mode on static page tables and join the 64-bit path.
 */
#include "asm_offsets.h"
#include "boot32.h"
#include "pvm.h"

    .section .note.pvh, "a"
    .align 4
    .long 4                 /* name size: "Xen\0" */
    .long 4                 /* descriptor size */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long PHYS(pvh_start32)

    .section .text.boot32, "ax"
    .code32
    .globl pvh_start32
pvh_start32:
    cli
    cld
    mov %ebx, %esi                  /* hvm_start_info (physical) */
    ENTER_LONG_MODE pvh_start64_low

    .code64
pvh_start64_low:
    GO_HIGH pvh_start64_high

    .section .text.boot, "ax"
pvh_start64_high:
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %esi, %edi                  /* zero-extends: start_info physical */
    call pvh_boot                   /* builds the boot info; never returns */
    ud2

    .globl _start64
_start64:
    cmpl $1, 12(%rsi)               /* boot_info.platform == MICA_PLATFORM_PVM */
    jne 1f
    lea pvm_vif0(%rip), %rax        /* register the VIF page: go native */
    movabs $KERNEL_VMA, %rdx
    sub %rdx, %rax
    or $PVM_FEATURES, %rax
    mov %rax, %rdx
    shr $32, %rdx
    mov $PVM_MSR_CONTROL, %ecx
    wrmsr
1:  lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %rsi, %rdi
    call mica_boot                  /* never returns */
    ud2

    /* Boot GDT for the PVH path: same selectors as the real one. */
    .section .rodata
    .align 16
boot_gdt:
    .quad 0
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x10: kernel code, 64-bit */
    .quad 0x00cf92000000ffff        /* 0x18: kernel data */
boot_gdt_end:
    .globl boot_gdtr
boot_gdtr:
    .word boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)

    /* PVH boot page tables: identity and -2 GiB windows over 0..1 GiB. */
    .section .data.pagetables, "aw"
    .align 4096
    .globl boot_pml4
boot_pml4:
    .quad PHYS(boot_pdpt_low) + 3
    .fill 510, 8, 0
    .quad PHYS(boot_pdpt_high) + 3
boot_pdpt_low:
    .quad PHYS(boot_pd) + 3
    .fill 511, 8, 0
boot_pdpt_high:
    .fill 510, 8, 0
    .quad PHYS(boot_pd) + 3
    .quad 0
boot_pd:
    .set i, 0
    .rept 512
    .quad (i << 21) + 0x83
    .set i, i + 1
    .endr

    .section .bss.entry, "aw", @nobits
    .align 4096
    .globl df_stack_top
df_stack:
    .skip 8192
df_stack_top:
    .globl entry_stack0_top
entry_stack0:
    .skip 4096
entry_stack0_top:

    .section .bss.page_aligned, "aw", @nobits
    .align 4096
    .globl pvm_vif0
pvm_vif0:
    .skip 4096
    .globl boot_stack_top
boot_stack:
    .skip 16384
boot_stack_top:
    .globl kstack0_top
kstack0:
    .skip 32768
kstack0_top:
