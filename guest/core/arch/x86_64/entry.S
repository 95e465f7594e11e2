/* Trap, interrupt and syscall entry and exit.
 *
 * Every entry builds a struct core_uregs on the task's kernel stack (layout
 * in asm_offsets.h; an event from user mode arrives on the per-CPU entry
 * stack first and is moved): hardware (or the stub) pushes ss, rsp, rflags, cs, rip,
 * then the error code or syscall number lands in orig_rax, the vector in
 * core_vector, and the general registers below.
 *
 * Platform differences, all here:
 *   ring 0: SWAPGS on every user entry and exit; exit by SYSRETQ/IRETQ.
 *   PVM (features 0x7f, docs/pvm.md part 2): the hypervisor switches GS
 *   and the page-table root itself; exit to user by `int $0x19` (PV
 *   SYSRET) or `int $0x17` (PV IRET) after setting VIF.if_; a plain IRETQ
 *   to user would not leave supervisor mode.
 * A syscall returns by the fast path only when RCX/R11 still equal RIP and
 * RFLAGS (what SYSCALL saved); after execve or sigreturn the frame changed
 * and the full IRET path restores everything.
 */
#include "asm_offsets.h"
#include "pvm.h"

.macro PUSH_REGS
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rax
    push %r8
    push %r9
    push %r10
    push %r11
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro POP_REGS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rax
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
.endm

    .text
    .align 16
    .globl idt_stubs
idt_stubs:
    vec = 0
    .rept 256
    .align 16
    .if (vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30)
    push $vec
    .else
    push $-1
    push $vec
    .endif
    jmp trap_common
    vec = vec + 1
    .endr

trap_common:
    testb $3, 24(%rsp)              /* CS of the interrupted context */
    jz 2f
    cmpb $0, arch_pvm(%rip)
    jne 1f
    swapgs
    /* From user mode the CPU pushed the frame on the entry stack (TSS.RSP0):
     * move vector, error code and the hardware frame to the task's kernel
     * stack and go on there, as if it had been pushed there. */
1:  push %rdi
    mov %rsp, %rdi                  /* rdi: [rdi vector err rip cs rflags rsp ss] */
    mov %gs:CPU_KSTACK_TOP, %rsp
    pushq 56(%rdi)
    pushq 48(%rdi)
    pushq 40(%rdi)
    pushq 32(%rdi)
    pushq 24(%rdi)
    pushq 16(%rdi)
    pushq 8(%rdi)
    mov (%rdi), %rdi
2:  PUSH_REGS
    cld
    mov %rsp, %rdi
    call arch_trap_dispatch
    jmp frame_return

/* Return through the frame at %rsp, to user or kernel mode. */
frame_return:
    testb $3, UREGS_CS(%rsp)
    jz 3f
    cmpb $0, arch_pvm(%rip)
    jne 2f
    POP_REGS
    add $16, %rsp
    swapgs
    iretq
2:  mov %gs:CPU_VIF, %rax
    movb $1, PVM_VIF_IF(%rax)
    POP_REGS
    add $16, %rsp
    int $0x17                       /* PV IRET to user */
    ud2
3:  POP_REGS
    add $16, %rsp
    iretq

/* __noreturn void arch_return_to_user(struct core_uregs *frame) */
    .globl arch_return_to_user
arch_return_to_user:
    mov %rdi, %rsp
    jmp frame_return

.macro SYSCALL_FRAME
    mov %gs:CPU_KSTACK_TOP, %rsp
    push $SEL_UDATA
    push %gs:CPU_USER_RSP
    push %r11
    push $SEL_UCODE
    push %rcx
    push %rax
    push $0x80
    PUSH_REGS
    cld
    mov %rsp, %rdi
    call arch_syscall_dispatch
.endm

/* The fast return needs RCX/R11 to still hold RIP/RFLAGS; otherwise
 * (execve, sigreturn) leave through the full IRET path. */
/* SYSRET to a non-canonical RIP would fault in ring 0 on the user stack:
 * such a RIP (set by sigreturn or ptrace-like changes) takes IRET, which
 * faults in user mode instead. */
.macro FAST_EXIT_OR_IRET
    mov UREGS_RIP(%rsp), %rax
    cmp UREGS_RCX(%rsp), %rax
    jne frame_return
    shr $47, %rax
    jnz frame_return
    mov UREGS_RFLAGS(%rsp), %rax
    cmp UREGS_R11(%rsp), %rax
    jne frame_return
.endm

    .align 16
    .globl syscall_entry_ring0
syscall_entry_ring0:
    swapgs
    mov %rsp, %gs:CPU_USER_RSP
    SYSCALL_FRAME
    FAST_EXIT_OR_IRET
    POP_REGS
    mov 40(%rsp), %rsp              /* user rsp: vector, orig, rip, cs, rflags, rsp */
    swapgs
    sysretq

    .align 16
    .globl syscall_entry_pvm
syscall_entry_pvm:
    mov %rsp, %gs:CPU_USER_RSP      /* GS is already the kernel's (bit 2) */
    SYSCALL_FRAME
    FAST_EXIT_OR_IRET
    mov %gs:CPU_VIF, %rax
    movb $1, PVM_VIF_IF(%rax)
    POP_REGS
    mov 40(%rsp), %rsp
    int $0x19                       /* PV SYSRET: RIP <- RCX, RFLAGS <- R11 */
    ud2

/* struct core_task *arch_switch(struct core_task *prev, uint64_t *prev_sp,
 *                               uint64_t next_sp)
 * Save the callee-saved registers on this stack, switch stacks, restore
 * the next task's. Returns, in the next task, the task it switched from. */
    .globl arch_switch
arch_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rsi)
    mov %rdx, %rsp
    mov %rdi, %rax
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

/* A new task's first switch "returns" here (sched.c builds the stack):
 * finish the switch, then leave through its user frame. */
    .globl arch_task_first_entry
arch_task_first_entry:
    mov %rax, %rdi
    call sched_task_started         /* returns the user frame */
    mov %rax, %rsp
    jmp frame_return

/* An idle task's first switch "returns" here (sched.c). */
    .globl arch_idle_first_entry
arch_idle_first_entry:
    mov %rax, %rdi
    call sched_idle_started         /* never returns */
    ud2
