/* Tasks, scheduling, wait queues and timers.
 *
 * A task is a thread of control with its own kernel stack that runs user
 * code in an address space. Services create tasks (fork, clone) and end
 * them; the core switches between them: round robin, preempted by the
 * timer only while in user mode. Kernel code runs with interrupts off and
 * is never preempted, so on one CPU "check a condition, then sleep" needs
 * no lock: nothing else runs between the check and the sleep.
 *
 * Sleeping: a task adds one waiter per queue it cares about, sleeps, and
 * removes the waiters; core_wait() does this for one queue. Wake-ups may be
 * spurious: callers loop on their condition.
 *
 * Interrupting: core_task_interrupt() ends an interruptible sleep with
 * -EINTR and makes the task pass through the return-to-user hook before it
 * next runs user code (services deliver signals there).
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <core/types.h>
#include <core/task.h>

struct core_task; /* opaque */
struct core_as;

struct core_task *core_task_current(void);
/* The service's pointer for a task (its thread). */
void *core_task_data(const struct core_task *t);
void core_task_set_data(struct core_task *t, void *data);

/* A new task that will enter user mode with `regs`, in `as`, with the
 * current task's user FS/GS bases and FPU state. Not runnable until
 * core_task_start(). */
struct core_task *core_task_fork(const struct core_uregs *regs,
                                 struct core_as *as) __must_check;
void core_task_start(struct core_task *t);
/* CLONE_SETTLS: the new task's user FS base. */
void core_task_set_fs(struct core_task *t, uint64_t fs);
/* The current task ends; the core frees it once it has switched away.
 * The service must have dropped every pointer to it. */
__noreturn void core_task_exit(void);

/* 'R' running or runnable, 'S' in an interruptible sleep, 'D' in an
 * uninterruptible one (the letters of /proc/PID/stat). */
char core_task_state(const struct core_task *t);

/* CPU time the task has used in user and in kernel mode, in ns. */
void core_task_times(const struct core_task *t, uint64_t *user_ns, uint64_t *sys_ns);

/* Give the CPU to another runnable task, if any. */
void core_yield(void);

/* ---- wait queues ---- */

struct core_waiter {
    struct core_waiter *next, *prev;
    struct core_task *task;
    /* Set by core_waiter_add_callback: called instead of waking a task. */
    void (*func)(struct core_waiter *w);
};

struct core_waitq {
    struct core_waiter *head;
};

#define CORE_WAITQ_INIT { NULL }

void core_waiter_add(struct core_waitq *q, struct core_waiter *w);
void core_waiter_remove(struct core_waitq *q, struct core_waiter *w);
/* Sleep until a waiter of this task is woken, the monotonic deadline
 * passes (0: none), or (interruptible) core_task_interrupt(). Returns 0,
 * -ETIMEDOUT or -EINTR. A pending interrupt returns -EINTR at once. */
int core_sleep(uint64_t deadline_ns, bool interruptible);
/* One queue: add, sleep, remove. */
int core_wait(struct core_waitq *q, uint64_t deadline_ns, bool interruptible);
void core_wake_all(struct core_waitq *q);
/* Call every callback waiter, and wake only the task that has waited
 * longest (accept, EPOLLEXCLUSIVE, futex-like hand-offs). */
void core_wake_one(struct core_waitq *q);
/* A waiter that runs func(w) at each wake-up of q, from whatever context
 * wakes it (a syscall, a timer, an interrupt): func must not sleep, and
 * may not add or remove waiters of q. epoll uses it to note readiness. */
void core_waiter_add_callback(struct core_waitq *q, struct core_waiter *w,
                              void (*func)(struct core_waiter *w));

/* Make t leave an interruptible sleep with -EINTR (or not enter one) and
 * call the return-to-user hook before t runs user code again. The flag
 * stays until core_task_clear_interrupt() (the hook's job). */
void core_task_interrupt(struct core_task *t);
void core_task_clear_interrupt(struct core_task *t);
bool core_task_interrupted(const struct core_task *t);

/* Called with the user context just before returning to user mode, when
 * the task was interrupted (see above). It may change regs (signal
 * frames) or end the task. */
typedef void (*core_return_hook_fn)(struct core_uregs *regs);
void core_set_return_hook(core_return_hook_fn fn);

/* Called on the CPU each time a task starts running after a switch, in
 * that task's context (services keep a "current" pointer with it). */
typedef void (*core_switch_hook_fn)(struct core_task *t);
void core_set_switch_hook(core_switch_hook_fn fn);

/* ---- timers ---- */

/* A callback at a monotonic deadline, run from the timer interrupt or the
 * idle loop (never inside a syscall of another task): it may wake tasks
 * and interrupt them, but must not sleep. */
struct core_timer {
    struct core_timer *next;
    uint64_t deadline_ns;
    void (*fn)(struct core_timer *t);
    bool armed;
};

void core_timer_start(struct core_timer *t, uint64_t deadline_ns,
                      void (*fn)(struct core_timer *t));
void core_timer_cancel(struct core_timer *t);

#endif
