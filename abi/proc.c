/* The process table: PIDs and TIDs, the list of every process, the
 * current process and thread.
 *
 * The list is short in practice (a shell and its jobs), so lookups walk
 * it and each process's threads. IDs count up from 1 and wrap at
 * ABI_PID_MAX to 2, skipping any number still used as a PID, a TID, a
 * process group or a session. `abi_thread` (and its process, `abi_proc`)
 * follows the core's current task through the switch hook.
 */
#include "abi_int.h"

#include <core/time.h>

struct process *abi_proc;
struct thread *abi_thread;
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
    {
        if (p->pid == pid || p->pgid == pid || p->sid == pid)
            return true;
        for (struct thread *t = p->threads; t; t = t->next)
            if (t->tid == pid)
                return true;
    }
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

struct thread *thread_alloc(struct process *p, bool tid_self)
{
    int tid = tid_self ? p->pid : pid_alloc();
    if (tid < 0)
        return NULL;
    struct thread *t = core_zalloc(sizeof(*t));
    if (!t)
        return NULL;
    t->tid = tid;
    t->proc = p;
    struct thread **tail = &p->threads; /* the leader stays first */
    while (*tail)
        tail = &(*tail)->next;
    *tail = t;
    p->nthreads++;
    return t;
}

void thread_unlink(struct thread *t)
{
    struct process *p = t->proc;
    for (struct thread **tt = &p->threads; *tt; tt = &(*tt)->next)
        if (*tt == t) {
            *tt = t->next;
            p->nthreads--;
            return;
        }
}

struct thread *thread_find(int tid)
{
    for (struct process *p = all_procs; p; p = p->next_all)
        for (struct thread *t = p->threads; t; t = t->next)
            if (t->tid == tid)
                return t;
    return NULL;
}

void proc_interrupt_others(struct process *p)
{
    for (struct thread *t = p->threads; t; t = t->next)
        if (t != abi_thread)
            core_task_interrupt(t->task);
}

void proc_times(const struct process *p, uint64_t *user_ns, uint64_t *sys_ns)
{
    *user_ns = p->dead_utime_ns;
    *sys_ns = p->dead_stime_ns;
    for (struct thread *t = p->threads; t; t = t->next) {
        uint64_t u, s;
        core_task_times(t->task, &u, &s);
        *user_ns += u;
        *sys_ns += s;
    }
}

static void switch_hook(struct core_task *t)
{
    abi_thread = core_task_data(t);
    abi_proc = abi_thread->proc;
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
    struct thread *t = p->threads ? p->threads : thread_alloc(p, true);
    if (!t)
        return NULL;
    t->task = core_task_current();
    core_task_set_data(t->task, t);
    abi_proc = p;
    abi_thread = t;
    core_set_switch_hook(switch_hook);
    core_set_return_hook(signal_deliver);
    return p;
}
