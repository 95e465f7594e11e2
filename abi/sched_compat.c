/* Stand-ins for the wait-queue half of core/sched.h and for signal_send/
 * signal_pending, so the kernel links before the core's scheduler and
 * abi's signal.c land. DELETE THIS FILE when they do: every symbol here
 * is weak, so the real ones already win.
 *
 * One task and no interrupts: nobody can end a sleep early, so a sleep
 * lasts until its deadline (or forever), and a signal is sent as kill()
 * sends one to ourselves (ignored, fatal, or logged and dropped).
 * Guest only: the host tests have tests/unit/core_shim.c.
 */
#ifdef __code_model_kernel__
#include "abi_int.h"
#include "sys.h"

#include <core/time.h>

#define WEAK __attribute__((weak))

WEAK struct core_task *core_task_current(void)
{
    return NULL;
}

WEAK void core_waiter_add(struct core_waitq *q, struct core_waiter *w)
{
    w->prev = NULL;
    w->next = q->head;
    if (q->head)
        q->head->prev = w;
    q->head = w;
}

WEAK void core_waiter_remove(struct core_waitq *q, struct core_waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        q->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->next = w->prev = NULL;
}

WEAK int core_sleep(uint64_t deadline_ns, bool interruptible)
{
    for (;;) {
        uint64_t now = core_time_monotonic_ns();
        if (deadline_ns && now >= deadline_ns)
            return -ETIMEDOUT;
        uint64_t step = 1000000000ull;
        if (deadline_ns && deadline_ns - now < step)
            step = deadline_ns - now;
        core_time_sleep_ns(step);
    }
}

WEAK int core_wait(struct core_waitq *q, uint64_t deadline_ns, bool interruptible)
{
    struct core_waiter w = {.task = core_task_current()};
    core_waiter_add(q, &w);
    int err = core_sleep(deadline_ns, interruptible);
    core_waiter_remove(q, &w);
    return err;
}

WEAK void core_wake_all(struct core_waitq *q)
{
}

WEAK void signal_send(struct process *p, int sig, const struct sig_info *info)
{
    (void)sys_kill(0, sig);
}

WEAK bool signal_pending(void)
{
    return false;
}
#endif
