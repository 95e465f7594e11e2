/* Trap and syscall dispatch from the entry code.
 *
 * User page faults go to the services' fault policy first (demand paging),
 * then to their trap handler (signals). Kernel page faults on user
 * addresses inside a copy primitive (listed in __ex_table) get the same
 * policy and otherwise resume at the primitive's fixup (-EFAULT). Any other
 * kernel exception is a kernel bug: panic with the registers. */
#include "arch.h"
#include "../../core_int.h"
#include <core/panic.h>

core_syscall_fn syscall_fn;
core_fault_fn fault_fn;
core_trap_fn trap_fn;

struct ex_entry {
    uint64_t insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

void core_set_syscall_handler(core_syscall_fn fn)
{
    syscall_fn = fn;
}

void core_set_fault_handler(core_fault_fn fn)
{
    fault_fn = fn;
}

void core_set_trap_handler(core_trap_fn fn)
{
    trap_fn = fn;
}

static const struct ex_entry *ex_lookup(uint64_t rip)
{
    for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++)
        if (e->insn == rip)
            return e;
    return NULL;
}

static const char *const vector_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coprocessor",
    "invalid TSS", "segment not present", "stack fault", "general protection",
    "page fault", "reserved", "x87 FP error", "alignment check", "machine check",
    "SIMD FP error", "virtualization", "control protection",
};

static const char *vector_name(uint64_t v)
{
    if (v < 32 && vector_names[v])
        return vector_names[v];
    return "interrupt";
}

static void kernel_page_fault(struct core_uregs *f, uint64_t err, uint64_t addr)
{
    const struct ex_entry *e = ex_lookup(f->rip);
    if (e && addr < CORE_USER_END) {
        if (fault_fn && fault_fn(uaddr(addr), (unsigned)err, false) == 0)
            return;
        f->rip = e->fixup;
        return;
    }
    if (kstack_guard_hit(addr))
        panic_frame(f, "kernel stack overflow (guard page at %#lx)", addr);
    panic_frame(f, "kernel page fault at address %#lx (error %#lx)", addr, err);
}

static void user_trap(struct core_uregs *f, uint64_t vec, uint64_t err, uint64_t addr)
{
    if (vec == 14 && fault_fn && addr < CORE_USER_END &&
        fault_fn(uaddr(addr), (unsigned)err, true) == 0)
        return;
    if (!trap_fn)
        panic_frame(f, "user %s with no trap handler", vector_name(vec));
    trap_fn((int)vec, err, addr, f);
}

/* On every way back to user mode: pending scheduler or signal work, and
 * a RIP user code can run (a handler may have set any value: IRET to a
 * non-canonical one would fault in the kernel). */
static void return_to_user(struct core_uregs *f)
{
    for (;;) {
        if (sched_work_pending())
            sched_return_work(f);
        if (likely(f->rip < CORE_USER_END))
            return;
        uint64_t bad = f->rip;
        f->rip = 0; /* the handler picks a signal; the task must not come back */
        if (!trap_fn)
            panic_frame(f, "user RIP %#lx is not canonical", bad);
        trap_fn(13, 0, 0, f);
    }
}

extern char pvm_idle_window[], pvm_idle_window_end[];

static void interrupt(struct core_uregs *f, uint64_t vec)
{
    if (vec == RESCHED_VECTOR) { /* woken from idle: it looks at the queue */
        apic_eoi();
        return;
    }
    if (arch_pvm && !(f->cs & 3) && f->rip >= (uint64_t)pvm_idle_window &&
        f->rip < (uint64_t)pvm_idle_window_end)
        f->rip = (uint64_t)pvm_idle_window_end; /* do not halt after it */
    if (vec == TIMER_VECTOR) {
        arch_timer_eoi();
        sched_timer_interrupt(f->cs & 3);
    } else if (vec >= IRQ_VECTOR_BASE && vec < IRQ_VECTOR_BASE + IOAPIC_MAX_PINS) {
        dev_interrupt((unsigned)vec);
    }
    /* the spurious vector and stray ones need nothing (no EOI for 0xff) */
}

void arch_trap_dispatch(struct core_uregs *f)
{
    uint64_t vec = f->core_vector, err = f->orig_rax;
    uint64_t addr = vec == 14 ? arch_fault_address() : 0;

    if (vec == TLB_VECTOR) { /* no lock: the sender holds it and waits */
        smp_ipi_tlb();
        return;
    }
    smp_kernel_enter(); /* (kernel-mode events: already held, or idle's halt) */

    f->orig_rax = (uint64_t)-1;
    if (vec >= 32)
        interrupt(f, vec);
    else if (f->cs & 3)
        user_trap(f, vec, err, addr);
    else if (vec == 14)
        kernel_page_fault(f, err, addr);
    else if (vec == 13 && ex_lookup(f->rip)) /* e.g. XRSTOR of a bad image */
        f->rip = ex_lookup(f->rip)->fixup;
    else if (vec == 8 && kstack_guard_hit(arch_fault_address()))
        panic_frame(f, "kernel stack overflow (guard page at %#lx)", arch_fault_address());
    else
        panic_frame(f, "kernel %s (vector %lu, error %#lx)", vector_name(vec), vec, err);
    if (f->cs & 3) {
        return_to_user(f);
        smp_kernel_leave();
    }
}

void arch_syscall_dispatch(struct core_uregs *f)
{
    smp_kernel_enter();
    if (unlikely(!syscall_fn))
        panic_frame(f, "syscall %lu before the ABI registered", f->orig_rax);
    f->rax = (uint64_t)syscall_fn(f);
    return_to_user(f);
    smp_kernel_leave();
}
