/* More than one CPU (ring 0): starting them, the big kernel lock, IPIs and
 * TLB shootdowns.
 *
 * Locking model: one big kernel lock (BKL). A CPU takes it when it enters
 * the kernel from user mode (syscall, exception, interrupt) and gives it
 * back on the way out; idle gives it back only while it halts. So kernel
 * code still runs on one CPU at a time, with interrupts off, and
 * everything written for one CPU (the services' "check, then sleep", the
 * scheduler's lists, the allocators) stays correct. What runs in parallel
 * is user code, which is where the time of a parallel workload goes. The
 * lock is a ticket lock (FIFO, so no CPU starves). It is held by a CPU,
 * not a task: a task that sleeps passes it to the next task on that CPU.
 * Finer locks can replace it piece by piece later.
 *
 * TLB shootdown: a CPU that changes or removes a mapping of an address
 * space flushes its own TLB, then asks every other CPU with that space
 * loaded (cpu->as) to flush before it next runs user code: it sets their
 * flush_pending and, for those running user code right now (in_user),
 * sends TLB_VECTOR and waits until they have flushed or entered the
 * kernel. A CPU that enters the kernel clears in_user first, then flushes
 * once it holds the lock; it sets in_user again before it lets the lock
 * go. Waiting only for CPUs in user mode cannot deadlock: a CPU spinning
 * for the lock is not in user mode. Idle loads the kernel's own page
 * tables, so a halted CPU never holds a space anyone changes or frees.
 * There are no global pages, so a CR3 reload flushes everything.
 *
 * Starting: smp_boot copies the real-mode trampoline (ap_boot.S) below
 * 1 MiB and sends each AP INIT-SIPI-SIPI; the AP runs ap_main on its idle
 * task's stack, sets up its descriptor tables and local APIC, and joins
 * the scheduler. PVM (and mica's KVM engine) stay on one CPU for now:
 * there the VMM must start APs itself (docs/pvm.md part 2) and a
 * shootdown must be the FLUSH_TLB_MULTI hypercall, not an IPI.
 *
 * Wakeups: a task made runnable while some other CPU idles sends that CPU
 * RESCHED_VECTOR, which ends its halt.
 */
#include "arch.h"
#include "../../core_int.h"
#include <core/console.h>
#include <core/mem.h>
#include <core/panic.h>
#include <core/time.h>
#include <lib/string.h>

#define AP_TRAMPOLINE_PA 0x8000ul /* as in ap_boot.S */
#define AP_START_TIMEOUT_NS 2000000000ull

unsigned smp_cpus = 1;
static bool smp_on; /* the lock is in use (set before the first AP starts) */
struct cpu *smp_cpu[CORE_MAX_CPUS] = {&cpu0};
uint64_t ap_boot_cr3, ap_boot_rsp; /* for ap_boot.S */
static struct cpu *volatile ap_booting;
static volatile unsigned ap_online;

/* ---- the big kernel lock ---- */

static volatile uint32_t bkl_next, bkl_serving;

static void flush_if_pending(struct cpu *c)
{
    if (__atomic_load_n(&c->flush_pending, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&c->flush_pending, 0, __ATOMIC_RELEASE);
        arch_flush_tlb_all();
    }
}

void smp_kernel_enter(void)
{
    if (!smp_on)
        return;
    struct cpu *c = this_cpu();
    if (c->bkl_held)
        return;
    __atomic_store_n(&c->in_user, 0, __ATOMIC_SEQ_CST);
    uint32_t ticket = __atomic_fetch_add(&bkl_next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&bkl_serving, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
    c->bkl_held = true;
    flush_if_pending(c);
    sched_lock_taken();
}

static void bkl_release(struct cpu *c)
{
    c->bkl_held = false;
    __atomic_store_n(&bkl_serving, bkl_serving + 1, __ATOMIC_RELEASE);
}

void smp_kernel_leave(void)
{
    if (!smp_on)
        return;
    struct cpu *c = this_cpu();
    if (!c->bkl_held)
        return;
    flush_if_pending(c);
    /* in user mode from now on, for shootdowns, before anyone can change
     * a mapping (they need the lock) */
    __atomic_store_n(&c->in_user, 1, __ATOMIC_SEQ_CST);
    bkl_release(c);
}

void smp_idle_release(void)
{
    if (!smp_on)
        return;
    struct cpu *c = this_cpu();
    if (c->bkl_held)
        bkl_release(c);
}

/* ---- TLB shootdown ---- */

void smp_tlb_shootdown(struct core_as *as)
{
    if (!smp_on)
        return;
    struct cpu *me = this_cpu();
    bool wait = false;
    for (unsigned i = 0; i < smp_cpus; i++) {
        struct cpu *c = smp_cpu[i];
        if (c == me || (as && c->as != as))
            continue;
        __atomic_store_n(&c->flush_pending, 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&c->in_user, __ATOMIC_SEQ_CST)) {
            apic_send_ipi(c->apic_id, TLB_VECTOR);
            wait = true;
        }
    }
    if (!wait)
        return;
    for (unsigned i = 0; i < smp_cpus; i++) {
        struct cpu *c = smp_cpu[i];
        if (c == me)
            continue;
        while (__atomic_load_n(&c->flush_pending, __ATOMIC_ACQUIRE) &&
               __atomic_load_n(&c->in_user, __ATOMIC_ACQUIRE))
            cpu_relax();
    }
}

/* TLB_VECTOR: runs without the lock (the sender may hold it). */
void smp_ipi_tlb(void)
{
    flush_if_pending(this_cpu());
    apic_eoi();
}

/* ---- wakeups ---- */

void smp_kick_idle(void)
{
    if (!smp_on)
        return;
    struct cpu *me = this_cpu();
    for (unsigned i = 0; i < smp_cpus; i++) {
        struct cpu *c = smp_cpu[i];
        if (c != me && sched_cpu_idle(c->id)) {
            apic_send_ipi(c->apic_id, RESCHED_VECTOR);
            return;
        }
    }
}

void smp_kick_cpu(unsigned id)
{
    if (smp_on && id < smp_cpus && smp_cpu[id])
        apic_send_ipi(smp_cpu[id]->apic_id, RESCHED_VECTOR);
}

/* ---- starting the APs ---- */

static void *stack_top(void *stack)
{
    return (uint8_t *)stack + KSTACK_BYTES;
}

__noreturn void ap_main(void)
{
    struct cpu *c = ap_booting;
    arch_cpu_init(c, c->kstack_top);
    apic_init_ap();
    c->apic_id = apic_id();
    __atomic_store_n(&ap_online, ap_online + 1, __ATOMIC_RELEASE);
    smp_kernel_enter();
    sched_ap_idle(c->id); /* never returns */
}

static bool trampoline_fits(void)
{
    uint64_t lo = AP_TRAMPOLINE_PA, hi = lo + CORE_PAGE_SIZE;
    uint64_t i0 = boot_info.initrd_gpa, i1 = i0 + boot_info.initrd_size;
    return (uint64_t)(ap_trampoline_end - ap_trampoline) <= CORE_PAGE_SIZE &&
           (i1 <= lo || i0 >= hi || !boot_info.initrd_size);
}

static bool start_one(unsigned id, uint32_t apic)
{
    struct cpu *c = core_zalloc(sizeof(*c));
    void *entry = kstack_alloc(), *df = kstack_alloc();
    void *idle_stack = sched_cpu_prepare(id);
    if (!c || !entry || !df || !idle_stack) {
        core_log("mica: no memory to start CPU %u\n", id);
        return false;
    }
    c->id = id;
    c->apic_id = apic;
    c->entry_stack_top = (uint64_t)stack_top(entry);
    c->df_stack_top = (uint64_t)stack_top(df);
    c->kstack_top = (uint64_t)stack_top(idle_stack);
    ap_booting = c;
    ap_boot_cr3 = paging_kernel_root();
    ap_boot_rsp = c->kstack_top;
    unsigned before = ap_online;
    smp_cpu[id] = c;
    apic_send_init_sipi(apic, AP_TRAMPOLINE_PA);
    uint64_t end = core_time_monotonic_ns() + AP_START_TIMEOUT_NS;
    while (__atomic_load_n(&ap_online, __ATOMIC_ACQUIRE) == before) {
        if (core_time_monotonic_ns() > end) {
            core_log("mica: CPU %u (APIC %u) did not start\n", id, apic);
            smp_cpu[id] = NULL;
            return false;
        }
        cpu_relax();
    }
    return true;
}

void smp_boot(unsigned wanted)
{
    if (wanted <= 1)
        return;
    if (arch_pvm) {
        core_log("mica: one CPU on PVM for now (%u asked for)\n", wanted);
        return;
    }
    if (wanted > CORE_MAX_CPUS)
        wanted = CORE_MAX_CPUS;
    if (!trampoline_fits()) {
        core_log("mica: no room for the AP trampoline: one CPU\n");
        return;
    }
    memcpy(phys_to_virt(AP_TRAMPOLINE_PA), ap_trampoline,
           (size_t)(ap_trampoline_end - ap_trampoline));
    cpu0.apic_id = apic_id();
    /* from here on every kernel entry takes the lock; the BSP holds it
     * until it first leaves for user mode, so the APs wait in
     * smp_kernel_enter until the system is up */
    bkl_next = 1;
    cpu0.bkl_held = true;
    smp_on = true;
    /* QEMU numbers the APIC IDs 0..N-1 */
    for (unsigned id = 1; id < wanted; id++) {
        if (!start_one(smp_cpus, id))
            break;
        smp_cpus++;
    }
    core_log("mica: %u CPUs\n", smp_cpus);
}
