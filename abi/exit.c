/* Process exit, zombies, re-parenting, and wait4/waitid.
 *
 * A thread that exits (exit, or the end of a group exit) clears its
 * clear-child-TID word and wakes a futex waiter there, releases its robust
 * futexes, and goes; the last thread of a process ends the process.
 *
 * An exiting process drops its files, cwd and memory at once and stays a
 * zombie holding its wait status and CPU times until its parent waits for
 * it. Its children go to PID 1. The parent gets its exit signal (SIGCHLD)
 * and a wake-up on child_wait; if it ignores SIGCHLD (SIG_IGN or
 * SA_NOCLDWAIT) the zombie is reaped at once, as Linux does.
 *
 * PID 1 is the program mica runs: when it ends, the VM ends with its
 * status (the exit code, or 128+N for a signal, as shells report it), and
 * every other process ends with it.
 *
 * Wait status encoding (wait(2)): exit code << 8; a signal N; a stop
 * (N << 8) | 0x7f; a continue 0xffff.
 */
#include "abi_int.h"
#include "sys.h"

#include <linux/signal.h>
#include <linux/wait.h>

#define WSTATUS_EXITED(code) (((code) & 0xff) << 8)

static void reparent_children(struct process *p)
{
    struct process *init = proc_find(1);
    while (p->children) {
        struct process *c = p->children;
        p->children = c->sibling;
        c->parent = init;
        c->exit_signal = SIGCHLD; /* as Linux: the new parent can wait for it */
        c->sibling = init->children;
        init->children = c;
        if (c->state == PROC_ZOMBIE)
            core_wake_all(&init->child_wait);
    }
}

static bool parent_ignores_children(const struct process *parent)
{
    const struct sigaction_user *a = &parent->sigactions[SIGCHLD - 1];
    return a->handler == (uint64_t)(uintptr_t)SIG_IGN || (a->flags & SA_NOCLDWAIT);
}

static void notify_parent(struct process *p)
{
    struct process *parent = p->parent;
    int sig = p->exit_signal;
    if (sig > 0 && sig <= ABI_NSIG) {
        struct sig_info info = {.signo = sig, .pid = p->pid, .uid = p->ruid};
        if ((p->exit_status & 0x7f) == 0) {
            info.code = CLD_EXITED;
            info.status = (p->exit_status >> 8) & 0xff;
        } else {
            info.code = (p->exit_status & 0x80) ? CLD_DUMPED : CLD_KILLED;
            info.status = p->exit_status & 0x7f;
        }
        info.utime = p->utime_ns / 10000000; /* clock ticks of 10 ms */
        info.stime = p->stime_ns / 10000000;
        signal_send(parent, sig, &info);
    }
    core_wake_all(&parent->child_wait);
}

static __noreturn void vm_end(int wait_status)
{
    int code = (wait_status & 0x7f) ? 128 + (wait_status & 0x7f) : (wait_status >> 8) & 0xff;
    core_console_flush();
    core_vm_exit(code);
}

/* The last thread is gone: the process becomes a zombie. */
static __noreturn void process_end(int wait_status)
{
    struct process *p = abi_proc;
    if (p->pid == 1)
        vm_end(wait_status);
    proc_vfork_release(p);
    core_timer_cancel(&p->itimer_real);
    fd_table_put(p->fds);
    p->fds = NULL;
    signalfd_proc_exit(p);
    inode_put(p->cwd);
    p->cwd = NULL;
    if (p->exe)
        inode_put(p->exe);
    p->exe = NULL;
    mm_put(p->mm);
    p->mm = NULL;
    reparent_children(p);
    proc_times(p, &p->utime_ns, &p->stime_ns);
    thread_unlink(abi_thread);
    core_free(abi_thread);
    abi_thread = NULL;
    p->exit_status = wait_status;
    p->state = PROC_ZOMBIE;
    signal_flush(p, 0);
    if (parent_ignores_children(p->parent)) {
        struct process *parent = p->parent;
        proc_reap(p);
        core_wake_all(&parent->child_wait); /* a waiter may now get ECHILD */
    } else {
        notify_parent(p);
    }
    core_task_exit();
}

__noreturn void thread_exit(int wait_status)
{
    struct thread *t = abi_thread;
    struct process *p = abi_proc;
    futex_robust_exit(t);
    if (t->clear_child_tid) {
        uint32_t zero = 0;
        if (!core_copy_to_user(uaddr(t->clear_child_tid), &zero, sizeof(zero)))
            futex_wake_addr(uaddr(t->clear_child_tid), 1);
    }
    if (p->exiting)
        wait_status = p->group_exit_status;
    if (p->nthreads == 1)
        process_end(wait_status);
    uint64_t u, s;
    core_task_times(t->task, &u, &s);
    p->dead_utime_ns += u;
    p->dead_stime_ns += s;
    thread_unlink(t);
    core_free(t);
    abi_thread = NULL;
    core_wake_all(&p->thread_exit_wait);
    core_task_exit();
}

/* exit_group, or a fatal signal: every thread ends with wait_status
 * (the first group exit's status wins). PID 1's end is the VM's. */
__noreturn void proc_exit(int wait_status)
{
    struct process *p = abi_proc;
    if (p->pid == 1 && !p->exiting)
        vm_end(wait_status);
    if (!p->exiting) {
        p->exiting = true;
        p->group_exit_status = wait_status;
        proc_interrupt_others(p);
        core_wake_all(&p->stop_wait);
    }
    thread_exit(p->group_exit_status);
}

int proc_kill_other_threads(void)
{
    struct process *p = abi_proc;
    if (p->nthreads == 1)
        return 0;
    if (p->exiting || p->exec_thread)
        return -EINTR; /* another thread is exiting or execing: it wins */
    p->exec_thread = abi_thread;
    proc_interrupt_others(p);
    core_wake_all(&p->stop_wait);
    while (p->nthreads > 1)
        core_wait(&p->thread_exit_wait, 0, false);
    p->exec_thread = NULL;
    abi_thread->tid = p->pid; /* the exec'ing thread becomes the leader */
    return 0;
}

void proc_reap(struct process *p)
{
    struct process *parent = p->parent;
    for (struct process **pp = &parent->children; *pp; pp = &(*pp)->sibling)
        if (*pp == p) {
            *pp = p->sibling;
            break;
        }
    parent->cutime_ns += p->utime_ns + p->cutime_ns;
    parent->cstime_ns += p->stime_ns + p->cstime_ns;
    proc_unlink(p);
    core_free(p);
}

long sys_exit(int status)
{
    thread_exit(WSTATUS_EXITED(status));
}

long sys_exit_group(int status)
{
    proc_exit(WSTATUS_EXITED(status));
}

/* ---- waiting ---- */

/* Linux's eligible_child: pid selects the children; then __WALL takes
 * all of them, __WCLONE only "clone" children (exit signal other than
 * SIGCHLD), and neither only the others. */
static bool wait_matches(const struct process *c, int pid, int options)
{
    if (!(options & __WALL) && (c->exit_signal != SIGCHLD) != !!(options & __WCLONE))
        return false;
    if (pid > 0)
        return c->pid == pid;
    if (pid == 0)
        return c->pgid == abi_proc->pgid;
    if (pid < -1)
        return c->pgid == -pid;
    return true;
}

struct wait_result {
    int pid, status, code; /* code: CLD_* for waitid */
    uint64_t utime_ns, stime_ns;
    uint32_t uid;
};

/* One child's reportable state change, or false. */
static bool child_event(struct process *c, int options, struct wait_result *r)
{
    r->pid = c->pid;
    r->uid = c->ruid;
    if (c->state == PROC_ZOMBIE && (options & WEXITED)) {
        r->status = c->exit_status;
        r->code = (c->exit_status & 0x7f) == 0 ? CLD_EXITED
                  : (c->exit_status & 0x80) ? CLD_DUMPED : CLD_KILLED;
        r->utime_ns = c->utime_ns + c->cutime_ns;
        r->stime_ns = c->stime_ns + c->cstime_ns;
        if (!(options & WNOWAIT))
            proc_reap(c);
        return true;
    }
    if (c->state == PROC_STOPPED && (options & WUNTRACED) && !c->wait_reported) {
        r->status = (c->stop_signal << 8) | 0x7f;
        r->code = CLD_STOPPED;
        if (!(options & WNOWAIT))
            c->wait_reported = true;
        return true;
    }
    if (c->continued && (options & WCONTINUED)) {
        r->status = 0xffff;
        r->code = CLD_CONTINUED;
        if (!(options & WNOWAIT))
            c->continued = false;
        return true;
    }
    return false;
}

/* 0 with *r filled, 1 when WNOHANG found nothing, or -errno. */
static long do_wait(int pid, int options, struct wait_result *r)
{
    for (;;) {
        bool any = false;
        for (struct process *c = abi_proc->children, *next; c; c = next) {
            next = c->sibling;
            if (!wait_matches(c, pid, options))
                continue;
            any = true;
            if (child_event(c, options, r))
                return 0;
        }
        if (!any)
            return -ECHILD;
        if (options & WNOHANG)
            return 1;
        if (core_wait(&abi_proc->child_wait, 0, true) == -EINTR && signal_pending())
            return -ERESTARTSYS;
    }
}

static void ns_to_timeval(uint64_t ns, struct __kernel_old_timeval *tv)
{
    tv->tv_sec = (long)(ns / 1000000000);
    tv->tv_usec = (long)(ns % 1000000000 / 1000);
}

long sys_wait4(int pid, uaddr_t u_status, int options, uaddr_t u_ru)
{
    struct wait_result r;
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH;
    long ret = do_wait(pid, options | WEXITED, &r);
    if (ret)
        return ret == 1 ? 0 : ret;
    if (u_status.addr && core_copy_to_user(u_status, &r.status, sizeof(r.status)))
        return -EFAULT;
    if (u_ru.addr) {
        struct rusage ru;
        memset(&ru, 0, sizeof(ru));
        ns_to_timeval(r.utime_ns, &ru.ru_utime);
        ns_to_timeval(r.stime_ns, &ru.ru_stime);
        if (core_copy_to_user(u_ru, &ru, sizeof(ru)))
            return -EFAULT;
    }
    return r.pid;
}

long sys_waitid(int which, int id, uaddr_t u_info, int options, uaddr_t u_ru)
{
    struct wait_result r;
    int pid;
    if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
                    __WCLONE | __WALL) ||
        !(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    switch (which) {
    case P_ALL: pid = -1; break;
    case P_PID: if (id <= 0) return -EINVAL; pid = id; break;
    case P_PGID: if (id < 0) return -EINVAL; pid = id ? -id : 0; break;
    default: return -EINVAL;
    }
    long ret = do_wait(pid, options, &r);
    if (ret < 0)
        return ret;
    if (u_info.addr) {
        uint8_t si[128];
        memset(si, 0, sizeof(si));
        if (ret == 0) {
            int32_t f[6] = {SIGCHLD, 0, r.code, 0, r.pid, (int32_t)r.uid};
            memcpy(si, f, 4 * 3);
            memcpy(si + 16, &f[4], 8);
            int32_t st = r.code == CLD_EXITED ? (r.status >> 8) & 0xff
                       : r.code == CLD_STOPPED ? (r.status >> 8) & 0xff
                       : r.code == CLD_CONTINUED ? SIGCONT : r.status & 0x7f;
            memcpy(si + 24, &st, 4);
        }
        if (core_copy_to_user(u_info, si, sizeof(si)))
            return -EFAULT;
    }
    return 0;
}
