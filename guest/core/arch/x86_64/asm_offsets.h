/* Offsets shared by the assembly entry code and C (checked in cpu.c). */
#ifndef ARCH_ASM_OFFSETS_H
#define ARCH_ASM_OFFSETS_H

/* struct cpu, reached through %gs in the kernel */
#define CPU_SELF 0
#define CPU_KSTACK_TOP 8
#define CPU_USER_RSP 16
#define CPU_VIF 24

/* struct core_uregs (guest/include/core/task.h) */
#define UREGS_R15 0
#define UREGS_R11 48
#define UREGS_RAX 80
#define UREGS_RCX 88
#define UREGS_VECTOR 120
#define UREGS_ORIG_RAX 128
#define UREGS_RIP 136
#define UREGS_CS 144
#define UREGS_RFLAGS 152
#define UREGS_RSP 160
#define UREGS_SS 168
#define UREGS_SIZE 176

/* Segment selectors (GDT layout as Linux's, so SYSRET works) */
#define SEL_KCODE 0x10
#define SEL_KDATA 0x18
#define SEL_UCODE32 0x23
#define SEL_UDATA 0x2b
#define SEL_UCODE 0x33
#define SEL_TSS 0x40

#define KERNEL_VMA 0xffffffff80000000
#define PHYS_BASE 0xffff888000000000

#endif
