/* Tasks and the scheduler (core/sched.h).
 *
 * Each task has a 16 KiB kernel stack with an unmapped guard page below
 * (paging.c: an overflow is a clean panic); its user context (struct core_uregs)
 * sits at the top while it is in the kernel. A switch saves the
 * callee-saved registers on the old stack and loads the new one
 * (arch_switch), after swapping the FPU state, the user FS/GS bases and
 * the address space. A new task's stack is built so that its first switch
 * "returns" into arch_task_first_entry, which leaves through its frame.
 *
 * Policy: one FIFO run queue shared by every CPU; a running task is not on
 * it. A task runs until it sleeps, yields, or - in user mode only - its
 * 10 ms slice ends at a timer interrupt while others wait. The kernel
 * never runs with interrupts on, so nothing preempts it; with more than
 * one CPU, the big kernel lock (arch/x86_64/smp.c) keeps kernel code on
 * one CPU at a time, so the lists here need nothing more. With nothing to
 * run a CPU switches to its idle task, which halts with interrupts on
 * until a timer, input or another CPU (a task became runnable) wakes it.
 * A CPU's "current" task and slice are per CPU (struct sched_cpu).
 *
 * Timers: one sorted list; each CPU's hardware timer is armed for the
 * earliest of the first deadline, the end of its slice (if others wait)
 * and the console input poll (while input is awaited); whichever CPU's
 * timer fires first runs the due timers. A dead task's stack is
 * freed by the task that runs after it.
 */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/console.h>
#include <core/errno.h>
#include <core/mem.h>
#include <core/panic.h>
#include <core/as.h>
#include <core/sched.h>
#include <core/time.h>
#include <lib/string.h>

#define KSTACK_SIZE KSTACK_BYTES
#define SLICE_NS 10000000ull
#define INPUT_POLL_NS 2000000ull
#define INPUT_SPIN_NS 200000ull

enum task_state { TASK_RUNNABLE, TASK_SLEEPING, TASK_DEAD };

struct core_task {
    uint64_t ksp;
    uint8_t *kstack;
    void *fpu;
    struct core_as *as;
    void *data;
    uint64_t user_fs, user_gs;
    enum task_state state;
    bool interrupted, interruptible, woken, timed_out;
    bool running; /* on CPU `cpu` right now */
    unsigned cpu;
    struct core_task *rq_next;
    struct core_timer sleep_timer;
    uint64_t run_start, runtime_ns, user_ticks, sys_ticks;
};

struct sched_cpu {
    struct core_task *cur;
    struct core_task *idle;
    uint64_t slice_end;
    bool need_resched;
    volatile bool halted; /* in idle's halt, without the lock */
};

static struct core_task task0; /* the boot context becomes the first task */
static struct sched_cpu sched_cpus[CORE_MAX_CPUS] = {{.cur = &task0}};
static struct core_task *rq_head, *rq_tail;
static struct core_timer *timers;
static core_return_hook_fn return_hook;
static core_switch_hook_fn switch_hook;
static struct core_task *hooked; /* the task the switch hook last saw */

static inline struct sched_cpu *sc(void)
{
    return &sched_cpus[this_cpu()->id];
}
#define current (sc()->cur)

struct core_task *core_task_current(void) { return current; }
void *core_task_data(const struct core_task *t) { return t->data; }
void core_task_set_data(struct core_task *t, void *data) { t->data = data; }
void core_set_return_hook(core_return_hook_fn fn) { return_hook = fn; }
void core_set_switch_hook(core_switch_hook_fn fn) { switch_hook = fn; }

static __noreturn void idle_loop(void);

/* The idle task of CPU id: a stack whose first switch starts idle_loop.
 * Returns the stack (an AP starts on it directly), or NULL. */
void *sched_cpu_prepare(unsigned id)
{
    struct core_task *t = core_zalloc(sizeof(*t));
    if (!t || !(t->kstack = kstack_alloc())) {
        core_free(t);
        return NULL;
    }
    uint64_t *sp = (uint64_t *)(t->kstack + KSTACK_SIZE);
    *--sp = (uint64_t)arch_idle_first_entry;
    for (int i = 0; i < 6; i++) /* rbp rbx r12-r15 for arch_switch */
        *--sp = 0;
    t->ksp = (uint64_t)sp;
    t->state = TASK_RUNNABLE;
    sched_cpus[id].idle = t;
    return t->kstack;
}

/* An AP, on its idle task's stack, holding the lock. */
__noreturn void sched_ap_idle(unsigned id)
{
    struct sched_cpu *s = &sched_cpus[id];
    s->cur = s->idle;
    s->idle->running = true;
    s->idle->cpu = id;
    s->idle->run_start = core_time_monotonic_ns();
    arch_set_kernel_stack((uint64_t)s->idle->kstack + KSTACK_SIZE);
    idle_loop();
}

bool sched_cpu_idle(unsigned id)
{
    return sched_cpus[id].halted;
}

/* Tell the services that t runs now (idle is not theirs). */
static void hook_to(struct core_task *t)
{
    if (switch_hook && t != sc()->idle) {
        hooked = t;
        switch_hook(t);
    }
}

/* This CPU just took the big kernel lock: the services' idea of the
 * current task may be another CPU's. */
void sched_lock_taken(void)
{
    if (current != hooked)
        hook_to(current);
}

void sched_init(void)
{
    if (!sched_cpu_prepare(0))
        core_panic("no memory for the idle task");
    task0.running = true;
    /* the first task enters user mode on a guarded stack like the others
     * (boot code runs on kstack0 until then) */
    task0.kstack = kstack_alloc();
    if (!task0.kstack)
        core_panic("no memory for the first task's kernel stack");
    arch_set_kernel_stack((uint64_t)task0.kstack + KSTACK_SIZE);
    task0.state = TASK_RUNNABLE;
    task0.fpu = fpu_alloc();
    if (!task0.fpu)
        core_panic("no memory for the first task's FPU state");
    task0.run_start = core_time_monotonic_ns();
}

void sched_note_as(struct core_as *as)
{
    current->as = as;
}

static void rq_push(struct core_task *t)
{
    t->rq_next = NULL;
    if (rq_tail)
        rq_tail->rq_next = t;
    else
        rq_head = t;
    rq_tail = t;
    smp_kick_idle();
}

static struct core_task *rq_pop(void)
{
    struct core_task *t = rq_head;
    if (t) {
        rq_head = t->rq_next;
        if (!rq_head)
            rq_tail = NULL;
    }
    return t;
}

/* ---- timers ---- */

void core_timer_cancel(struct core_timer *t)
{
    if (!t->armed)
        return;
    for (struct core_timer **pp = &timers; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    t->armed = false;
}

void core_timer_start(struct core_timer *t, uint64_t deadline_ns,
                      void (*fn)(struct core_timer *t))
{
    core_timer_cancel(t);
    t->deadline_ns = deadline_ns;
    t->fn = fn;
    t->armed = true;
    struct core_timer **pp = &timers;
    while (*pp && (*pp)->deadline_ns <= deadline_ns)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
}

static void timers_run(uint64_t now)
{
    while (timers && timers->deadline_ns <= now) {
        struct core_timer *t = timers;
        timers = t->next;
        t->armed = false;
        t->fn(t);
    }
}

/* Arm the hardware for the next thing that needs the CPU's attention. */
static void timer_program(uint64_t now)
{
    uint64_t next = UINT64_MAX;
    if (timers)
        next = timers->deadline_ns;
    if (rq_head && sc()->slice_end < next)
        next = sc()->slice_end;
    if (console_input_needs_poll() && now + INPUT_POLL_NS < next)
        next = now + INPUT_POLL_NS;
    arch_timer_arm(next == UINT64_MAX ? 0 : next);
}

/* ---- switching ---- */

static void account(struct core_task *t, uint64_t now)
{
    t->runtime_ns += now - t->run_start;
    t->run_start = now;
}

static void task_free(struct core_task *t)
{
    kstack_free(t->kstack); /* (smp: a shootdown of the kernel mapping) */
    if (hooked == t) /* a new task may get its address */
        hooked = NULL;
    fpu_free(t->fpu);
    if (t != &task0)
        core_free(t);
}

/* In the task that now runs, right after a switch from prev. */
static void switch_finish(struct core_task *prev)
{
    prev->running = false;
    if (prev->state == TASK_DEAD)
        task_free(prev);
    hook_to(current);
}

static void switch_to(struct core_task *next)
{
    struct core_task *prev = current;
    struct core_task *idle = sc()->idle;
    uint64_t now = core_time_monotonic_ns();

    account(prev, now);
    next->run_start = now;
    sc()->slice_end = now + SLICE_NS;
    if (next == prev) {
        timer_program(now);
        return;
    }
    if (prev != idle) {
        fpu_switch_save(prev->fpu);
        arch_user_bases_save(&prev->user_fs, &prev->user_gs);
    }
    if (next != idle) {
        fpu_restore(next->fpu);
        arch_user_bases_load(next->user_fs, next->user_gs);
    }
    current = next;
    next->running = true;
    next->cpu = this_cpu()->id;
    /* idle, with other CPUs: the kernel's own tables, so no CPU halts on a
     * space another frees (smp.c); with one, keeping the last space saves
     * two CR3 loads (hypercalls on PVM) per idle period */
    if (next->as || (next == idle && smp_cpus > 1))
        core_as_activate(next->as);
    arch_set_kernel_stack((uint64_t)next->kstack + KSTACK_SIZE);
    timer_program(now);
    prev = arch_switch(prev, &prev->ksp, next->ksp);
    switch_finish(prev);
}

/* Nothing to run: wait for an interrupt with interrupts on. While the
 * host owes us console input, first watch the ring for a short while:
 * the answer usually comes within tens of microseconds, and the timer
 * would only look every INPUT_POLL_NS. */
static void idle_once(void)
{
    struct sched_cpu *s = sc();
    uint64_t now = core_time_monotonic_ns();
    timers_run(now);
    console_poll_input();
    for (uint64_t end = now + INPUT_SPIN_NS; !rq_head && console_input_needs_poll() &&
                                             core_time_monotonic_ns() < end;) {
        cpu_relax();
        console_poll_input();
    }
    if (rq_head)
        return;
    timer_program(core_time_monotonic_ns());
    s->halted = true;
    smp_idle_release();
    arch_idle_wait();
    s->halted = false;
    smp_kernel_enter();
}

/* Run the next task; the current one must already be on the run queue if
 * it is still runnable, or be sleeping or dead. With nothing to run, the
 * idle task runs (and the current task's stack is free for another CPU
 * to resume it on). */
static void schedule(void)
{
    sc()->need_resched = false;
    struct core_task *next = rq_pop();
    switch_to(next ? next : sc()->idle);
}

static __noreturn void idle_loop(void)
{
    for (;;) {
        if (rq_head)
            schedule();
        else
            idle_once();
    }
}

/* cpu0's idle task's first run (arch_idle_first_entry). */
__noreturn void sched_idle_started(struct core_task *prev)
{
    switch_finish(prev);
    idle_loop();
}

void core_yield(void)
{
    if (!rq_head)
        return;
    rq_push(current);
    schedule();
}

/* ---- tasks ---- */

struct core_task *core_task_fork(const struct core_uregs *regs, struct core_as *as)
{
    struct core_task *t = core_zalloc(sizeof(*t));
    if (!t)
        return NULL;
    t->kstack = kstack_alloc();
    t->fpu = fpu_alloc();
    if (!t->kstack || !t->fpu) {
        if (t->kstack)
            kstack_free(t->kstack);
        fpu_free(t->fpu);
        core_free(t);
        return NULL;
    }
    fpu_save(t->fpu); /* the parent's live state */
    arch_user_bases_save(&t->user_fs, &t->user_gs);
    t->as = as;
    uint64_t *sp = (uint64_t *)(t->kstack + KSTACK_SIZE);
    struct core_uregs *f = (struct core_uregs *)sp - 1;
    *f = *regs;
    sp = (uint64_t *)f;
    *--sp = (uint64_t)arch_task_first_entry;
    for (int i = 0; i < 6; i++) /* rbp rbx r12-r15 for arch_switch */
        *--sp = 0;
    t->ksp = (uint64_t)sp;
    t->state = TASK_SLEEPING;
    return t;
}

/* First code of a new task (arch_task_first_entry); returns its frame. */
struct core_uregs *sched_task_started(struct core_task *prev)
{
    switch_finish(prev);
    struct core_uregs *f = (struct core_uregs *)(current->kstack + KSTACK_SIZE) - 1;
    sched_return_work(f);
    smp_kernel_leave();
    return f;
}

void core_task_set_fs(struct core_task *t, uint64_t fs)
{
    t->user_fs = fs;
}

void core_task_start(struct core_task *t)
{
    t->state = TASK_RUNNABLE;
    rq_push(t);
    timer_program(core_time_monotonic_ns()); /* now a slice can end */
}

__noreturn void core_task_exit(void)
{
    core_timer_cancel(&current->sleep_timer);
    current->state = TASK_DEAD;
    schedule();
    core_panic("a dead task ran again");
}

char core_task_state(const struct core_task *t)
{
    if (t->state != TASK_SLEEPING)
        return 'R';
    return t->interruptible ? 'S' : 'D';
}

void core_task_times(const struct core_task *t, uint64_t *user_ns, uint64_t *sys_ns)
{
    uint64_t run = t->runtime_ns;
    if (t->running)
        run += core_time_monotonic_ns() - t->run_start;
    uint64_t ticks = t->user_ticks + t->sys_ticks;
    uint64_t sys = ticks ? run / ticks * t->sys_ticks : 0;
    *sys_ns = sys;
    *user_ns = run - sys;
}

/* ---- sleeping and waking ---- */

static void waiter_link(struct core_waitq *q, struct core_waiter *w)
{
    w->prev = NULL;
    w->next = q->head;
    if (q->head)
        q->head->prev = w;
    q->head = w;
}

void core_waiter_add(struct core_waitq *q, struct core_waiter *w)
{
    w->task = current;
    w->func = NULL;
    waiter_link(q, w);
}

void core_waiter_add_callback(struct core_waitq *q, struct core_waiter *w,
                              void (*func)(struct core_waiter *w))
{
    w->task = NULL;
    w->func = func;
    waiter_link(q, w);
}

void core_waiter_remove(struct core_waitq *q, struct core_waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else if (q->head == w)
        q->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->next = w->prev = NULL;
}

static void task_wake(struct core_task *t)
{
    t->woken = true;
    if (t->state != TASK_SLEEPING)
        return;
    t->state = TASK_RUNNABLE;
    rq_push(t);
}

void core_wake_all(struct core_waitq *q)
{
    for (struct core_waiter *w = q->head, *next; w; w = next) {
        next = w->next;
        if (w->func)
            w->func(w);
        else
            task_wake(w->task);
    }
}

void core_wake_one(struct core_waitq *q)
{
    /* Waiters are added at the head: the last sleeping one has waited
     * longest. A task already woken will look again by itself. */
    struct core_waiter *oldest = NULL, *any = NULL;
    for (struct core_waiter *w = q->head, *next; w; w = next) {
        next = w->next;
        if (w->func) {
            w->func(w);
            continue;
        }
        any = w;
        if (w->task->state == TASK_SLEEPING)
            oldest = w;
    }
    if (oldest || any)
        task_wake((oldest ? oldest : any)->task);
}

static void sleep_timeout(struct core_timer *tm)
{
    struct core_task *t = (struct core_task *)((char *)tm -
                                               __builtin_offsetof(struct core_task, sleep_timer));
    t->timed_out = true;
    task_wake(t);
    t->woken = false;
}

int core_sleep(uint64_t deadline_ns, bool interruptible)
{
    struct core_task *t = current;
    if (interruptible && t->interrupted)
        return -EINTR;
    if (deadline_ns && deadline_ns <= core_time_monotonic_ns())
        return -ETIMEDOUT;
    t->woken = t->timed_out = false;
    t->interruptible = interruptible;
    if (deadline_ns)
        core_timer_start(&t->sleep_timer, deadline_ns, sleep_timeout);
    t->state = TASK_SLEEPING;
    schedule();
    core_timer_cancel(&t->sleep_timer);
    t->interruptible = false;
    if (t->woken)
        return 0;
    if (t->timed_out)
        return -ETIMEDOUT;
    return interruptible && t->interrupted ? -EINTR : 0;
}

int core_wait(struct core_waitq *q, uint64_t deadline_ns, bool interruptible)
{
    struct core_waiter w;
    core_waiter_add(q, &w);
    int r = core_sleep(deadline_ns, interruptible);
    core_waiter_remove(q, &w);
    return r;
}

void core_task_interrupt(struct core_task *t)
{
    t->interrupted = true;
    if (t->state == TASK_SLEEPING && t->interruptible) {
        t->state = TASK_RUNNABLE;
        rq_push(t);
    } else if (t->running && t->cpu != this_cpu()->id) {
        /* in user mode on another CPU, maybe for a long time: make it
         * enter the kernel and pass through the return hook */
        smp_kick_cpu(t->cpu);
    }
}

void core_task_clear_interrupt(struct core_task *t) { t->interrupted = false; }
bool core_task_interrupted(const struct core_task *t) { return t->interrupted; }

void core_time_sleep_ns(uint64_t ns)
{
    uint64_t end = core_time_monotonic_ns() + ns;
    while (core_sleep(end, false) != -ETIMEDOUT)
        ;
}

/* ---- entry points from the arch code ---- */

/* The timer interrupt: run due timers, poll input, end the slice. */
void sched_timer_interrupt(bool from_user)
{
    uint64_t now = core_time_monotonic_ns();
    if (from_user)
        current->user_ticks++;
    else
        current->sys_ticks++;
    timers_run(now);
    console_poll_input();
    if (rq_head && now >= sc()->slice_end)
        sc()->need_resched = true;
    timer_program(now);
}

/* A device interrupt's callback may have woken tasks: a slice can end. */
void sched_after_interrupt(void)
{
    timer_program(core_time_monotonic_ns());
}

/* Before any return to user mode: switch if the slice is over, then let
 * the services act on an interrupted task (signals). */
void sched_return_work(struct core_uregs *f)
{
    for (int rounds = 0; rounds < 64; rounds++) {
        if (sc()->need_resched) {
            rq_push(current);
            schedule();
        }
        if (!current->interrupted || !return_hook)
            break;
        return_hook(f);
        if (!current->interrupted && !sc()->need_resched)
            break;
    }
}

bool sched_work_pending(void)
{
    return sc()->need_resched || current->interrupted;
}
