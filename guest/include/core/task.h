/* User execution: registers, entering user mode, syscalls and faults.
 *
 * Services register their handlers at boot; the core calls them from its
 * trap and syscall entry paths. The core never calls a service by name. */
#ifndef CORE_TASK_H
#define CORE_TASK_H

#include <core/types.h>

/* The user context saved at every entry into the kernel. Handlers may
 * change it (execve, signal delivery); the core restores it on return. */
struct core_uregs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t core_vector; /* core use only: trap vector, or 0x80 for syscall */
    uint64_t orig_rax;    /* syscall number, or -1 */
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Syscall handler: nr in regs->orig_rax, args in rdi rsi rdx r10 r8 r9;
 * the return value goes to user rax. */
typedef long (*core_syscall_fn)(struct core_uregs *regs);
void core_set_syscall_handler(core_syscall_fn fn);

/* Page-fault policy for user addresses. `user` is true for a fault in user
 * mode (regs valid), false for a fault inside a core_copy_* (regs NULL).
 * Return 0 when the page is now mapped (the access is retried), or a
 * negative errno. For user-mode faults that are not resolved the core
 * calls the trap handler with vector 14. */
#define CORE_FAULT_WRITE 2u /* x86 #PF error code bits */
#define CORE_FAULT_USER 4u
#define CORE_FAULT_EXEC 16u
#define CORE_FAULT_PRESENT 1u
typedef int (*core_fault_fn)(uaddr_t addr, unsigned err, bool user);
void core_set_fault_handler(core_fault_fn fn);

/* Exception from user mode the core cannot resolve (vector: x86 exception
 * number; addr: fault address for #PF). The handler decides (a signal);
 * if it returns, the user context in regs is resumed. */
typedef void (*core_trap_fn)(int vector, uint64_t err, uint64_t addr,
                             struct core_uregs *regs);
void core_set_trap_handler(core_trap_fn fn);

/* Enter user mode with this context on the current CPU; never returns. */
__noreturn void core_user_enter(const struct core_uregs *regs);

/* User FS base (arch_prctl ARCH_SET_FS / ARCH_GET_FS). */
void core_set_user_fs(uint64_t base);
uint64_t core_get_user_fs(void);
/* User GS base (ARCH_SET_GS / ARCH_GET_GS). */
void core_set_user_gs(uint64_t base);
uint64_t core_get_user_gs(void);

/* The current task's user FPU/SSE/AVX state, for signal frames: XSAVE's
 * standard layout for the features in core_fpu_xfeatures() (XCR0), or
 * FXSAVE's 512 bytes when that is 0. restore checks the image as the CPU
 * would and returns -EINVAL (state unchanged) when it is bad. reset gives
 * the state a new program starts with. */
size_t core_fpu_state_size(void);
uint64_t core_fpu_xfeatures(void);
void core_fpu_save(void *buf);
int core_fpu_restore(const void *buf) __must_check;
void core_fpu_reset(void);

/* Facts for AT_HWCAP, /proc/cpuinfo and friends. core_cpu_id is CPUID
 * as the guest's CPU answers it (on PVM the plain instruction would give
 * the outer host's table). */
void core_cpu_id(uint32_t leaf, uint32_t sub, uint32_t out[4]);
uint64_t core_cpu_hwcap(void);
unsigned core_cpu_count(void);   /* CPUs online */
unsigned core_cpu_current(void); /* the CPU this runs on, 0 .. count - 1 */

#endif
