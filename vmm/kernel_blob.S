/* mica VMM: the guest kernel image, linked into the mica binary. */
    .section .rodata
    .balign 4096
    .globl mica_kernel_start
mica_kernel_start:
    .incbin "guest/mica-kernel.elf"
    .globl mica_kernel_end
mica_kernel_end:
    .section .note.GNU-stack, "", @progbits
