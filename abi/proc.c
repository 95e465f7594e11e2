/* The process table: PIDs, the list of every process, the current one.
 *
 * The list is short in practice (a shell and its jobs), so lookups walk
 * it. PIDs count up from 1 and wrap at ABI_PID_MAX to 2, skipping any
 * number still used as a PID, a process group or a session. `abi_proc`
 * follows the core's current task through the switch hook.
 */
#include "abi_int.h"

#include <core/time.h>

struct process *abi_proc;
static struct process *all_procs;
static int last_pid;

struct process *proc_find(int pid)
{
    for (struct process *p = all_procs; p; p = p->next_all)
        if (p->pid == pid)
            return p;
    return NULL;
}

struct process *proc_first(void)
{
    return all_procs;
}

static bool pid_in_use(int pid)
{
    for (struct process *p = all_procs; p; p = p->next_all)
        if (p->pid == pid || p->pgid == pid || p->sid == pid)
            return true;
    return false;
}

static int pid_alloc(void)
{
    for (int tries = 0; tries < ABI_PID_MAX; tries++) {
        int pid = last_pid >= ABI_PID_MAX - 1 ? 2 : last_pid + 1;
        last_pid = pid;
        if (!pid_in_use(pid))
            return pid;
    }
    return -EAGAIN;
}

/* A zeroed process with a PID, on the list. */
struct process *proc_alloc(void)
{
    int pid = pid_alloc();
    if (pid < 0)
        return NULL;
    struct process *p = core_zalloc(sizeof(*p));
    if (!p)
        return NULL;
    p->pid = pid;
    p->start_ns = core_time_monotonic_ns();
    p->next_all = all_procs;
    all_procs = p;
    return p;
}

void proc_unlink(struct process *p)
{
    for (struct process **pp = &all_procs; *pp; pp = &(*pp)->next_all)
        if (*pp == p) {
            *pp = p->next_all;
            return;
        }
}

unsigned proc_count(void)
{
    unsigned n = 0;
    for (struct process *p = all_procs; p; p = p->next_all)
        n++;
    return n;
}

static void switch_hook(struct core_task *t)
{
    abi_proc = core_task_data(t);
}

struct process *proc_init_first(void)
{
    struct process *p = proc_alloc();
    if (!p)
        return NULL;
    p->pgid = p->sid = p->pid; /* 1 */
    p->fds = fd_table_new();
    if (!p->fds)
        return NULL;
    p->task = core_task_current();
    core_task_set_data(p->task, p);
    abi_proc = p;
    core_set_switch_hook(switch_hook);
    core_set_return_hook(signal_deliver);
    return p;
}
