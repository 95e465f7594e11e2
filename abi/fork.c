/* fork, vfork and clone: new processes and new threads.
 *
 * A new process is a copy of the caller: credentials, limits, signal
 * actions and mask, cwd, and either a copy of the fd table and memory map
 * (copy-on-write, mm_fork) or, with CLONE_FILES / CLONE_VM, the same ones.
 * (CLONE_SIGHAND and CLONE_FS without CLONE_THREAD copy the actions and
 * cwd instead of sharing them.) Its core task starts from the caller's
 * user context with RAX = 0.
 *
 * A new thread (CLONE_THREAD, which Linux allows only with CLONE_SIGHAND
 * and CLONE_VM) joins the caller's process: same memory, files, cwd and
 * signal actions; its own TID, a copy of the caller's blocked mask, no
 * alternate stack.
 *
 * vfork (CLONE_VM | CLONE_VFORK): the child borrows the parent's memory
 * and the parent sleeps until the child execs or exits. The parent's
 * wait record lives on its own kernel stack; the child only holds a
 * pointer to it while the parent sleeps.
 *
 * CLONE_CHILD_SETTID is written by the child itself, on its way to user
 * mode for the first time (the return hook), because only then is its
 * memory the current one. Threads (CLONE_THREAD) come with a later issue.
 */
#include "abi_int.h"
#include "sys.h"

#include <linux/sched.h>
#include <linux/signal.h>

struct vfork_wait {
    struct core_waitq q;
    bool done;
};

/* exec or exit of a vfork child: let the parent go on. */
void proc_vfork_release(struct process *p)
{
    struct vfork_wait *w = p->vfork_wait_rec;
    if (!w)
        return;
    p->vfork_wait_rec = NULL;
    w->done = true;
    core_wake_all(&w->q);
}

void proc_exec_done(struct process *p)
{
    proc_vfork_release(p);
    core_fpu_reset();
}

static void child_link(struct process *parent, struct process *c)
{
    c->parent = parent;
    c->sibling = parent->children;
    parent->children = c;
}

static int copy_state(struct process *c, struct process *p, unsigned long flags)
{
    c->pgid = p->pgid;
    c->sid = p->sid;
    c->umask = p->umask;
    c->ruid = p->ruid, c->euid = p->euid, c->suid = p->suid, c->fsuid = p->fsuid;
    c->rgid = p->rgid, c->egid = p->egid, c->sgid = p->sgid, c->fsgid = p->fsgid;
    memcpy(c->rlim, p->rlim, sizeof(c->rlim));
    memcpy(c->comm, p->comm, sizeof(c->comm));
    memcpy(c->sigactions, p->sigactions, sizeof(c->sigactions));
    c->cwd = p->cwd;
    inode_get(c->cwd);
    c->exe = p->exe;
    if (c->exe)
        inode_get(c->exe);
    if (flags & CLONE_FILES) {
        c->fds = p->fds;
        c->fds->refs++;
    } else if (!(c->fds = fd_table_copy(p->fds))) {
        return -ENOMEM;
    }
    if (flags & CLONE_VM) {
        c->mm = p->mm;
        mm_get(c->mm);
    } else if (!(c->mm = mm_fork(p->mm))) {
        return -ENOMEM;
    }
    return 0;
}

/* Undo a child that never ran. */
static void child_discard(struct process *c)
{
    if (c->threads) {
        struct thread *t = c->threads;
        thread_unlink(t);
        core_free(t);
    }
    fd_table_put(c->fds);
    if (c->cwd)
        inode_put(c->cwd);
    if (c->exe)
        inode_put(c->exe);
    mm_put(c->mm);
    proc_unlink(c);
    core_free(c);
}

static unsigned thread_count(void)
{
    unsigned n = 0;
    for (struct process *p = proc_first(); p; p = proc_next(p))
        n += p->nthreads;
    return n;
}

/* The new task's user context: the caller's, with RAX 0 and the new stack. */
static struct core_task *task_new(const struct core_uregs *regs, uint64_t new_sp,
                                  struct mm *mm)
{
    struct core_uregs cr = *regs;
    cr.rax = 0;
    if (new_sp)
        cr.rsp = new_sp;
    return core_task_fork(&cr, mm->as);
}

/* The parts of clone common to threads and processes, for thread t. */
static void task_ids(struct thread *t, unsigned long flags, uint64_t u_ptid,
                     uint64_t u_ctid, uint64_t tls)
{
    core_task_set_data(t->task, t);
    if (flags & CLONE_SETTLS)
        core_task_set_fs(t->task, tls);
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = u_ctid;
    if (flags & CLONE_CHILD_SETTID) {
        t->set_child_tid = u_ctid;
        core_task_interrupt(t->task); /* the return hook writes it */
    }
    if (flags & CLONE_PARENT_SETTID) /* Linux ignores a bad parent_tid too */
        (void)!core_copy_to_user(uaddr(u_ptid), &t->tid, sizeof(t->tid));
}

static long thread_new(unsigned long flags, uint64_t new_sp, uint64_t u_ptid, uint64_t u_ctid,
                       uint64_t tls, struct core_uregs *regs)
{
    struct process *p = abi_proc;
    if (p->exiting || p->exec_thread)
        return -EAGAIN; /* Linux: the group is on its way out */
    struct thread *t = thread_alloc(p, false);
    if (!t)
        return -EAGAIN;
    t->sigmask = abi_thread->sigmask;
    t->task = task_new(regs, new_sp, p->mm);
    if (!t->task) {
        thread_unlink(t);
        core_free(t);
        return -ENOMEM;
    }
    task_ids(t, flags, u_ptid, u_ctid, tls);
    int tid = t->tid;
    core_task_start(t->task);
    return tid;
}

long proc_fork(unsigned long flags, uint64_t new_sp, uint64_t u_ptid, uint64_t u_ctid,
               uint64_t tls, struct core_uregs *regs)
{
    struct process *p = abi_proc, *c;
    if (flags & (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
                 CLONE_NEWUTS | CLONE_NEWCGROUP))
        return -EINVAL; /* namespaces: not yet */
    /* Linux's rules: a thread shares the signal actions, which need the
     * memory; CLONE_SIGHAND with CLONE_CLEAR_SIGHAND is EINVAL too */
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    if (thread_count() >= p->rlim[RLIMIT_NPROC].rlim_cur)
        return -EAGAIN;
    if (flags & CLONE_THREAD)
        return thread_new(flags, new_sp, u_ptid, u_ctid, tls, regs);
    if (!(c = proc_alloc()))
        return -EAGAIN;
    struct thread *ct = thread_alloc(c, true);
    if (!ct || copy_state(c, p, flags)) {
        child_discard(c);
        return -ENOMEM;
    }
    ct->sigmask = abi_thread->sigmask;
    if ((flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) { /* Linux clears it for threads */
        ct->altstack_sp = abi_thread->altstack_sp;
        ct->altstack_size = abi_thread->altstack_size;
        ct->altstack_flags = abi_thread->altstack_flags;
    }
    ct->task = task_new(regs, new_sp, c->mm);
    if (!ct->task) {
        child_discard(c);
        return -ENOMEM;
    }
    task_ids(ct, flags, u_ptid, u_ctid, tls);
    c->exit_signal = (int)(flags & CSIGNAL);
    child_link((flags & CLONE_PARENT) && p->parent ? p->parent : p, c);
    int pid = c->pid;
    struct vfork_wait vw = {CORE_WAITQ_INIT, false};
    if (flags & CLONE_VFORK)
        c->vfork_wait_rec = &vw;
    core_task_start(ct->task);
    if (flags & CLONE_VFORK)
        while (!vw.done)
            core_wait(&vw.q, 0, false);
    return pid;
}

long sys_fork(struct core_uregs *regs)
{
    return proc_fork(SIGCHLD, 0, 0, 0, 0, regs);
}

long sys_vfork(struct core_uregs *regs)
{
    return proc_fork(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0, regs);
}

long sys_clone(unsigned long flags, uint64_t sp, uint64_t u_ptid, uint64_t u_ctid,
               uint64_t tls, struct core_uregs *regs)
{
    return proc_fork(flags, sp, u_ptid, u_ctid, tls, regs);
}

struct clone_args_user {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
        set_tid, set_tid_size, cgroup;
};

long sys_clone3(uaddr_t u_args, size_t size, struct core_uregs *regs)
{
    struct clone_args_user a;
    memset(&a, 0, sizeof(a));
    if (size < 64 || size > 4096)
        return -EINVAL;
    if (core_copy_from_user(&a, u_args, size < sizeof(a) ? size : sizeof(a)))
        return -EFAULT;
    /* pidfd is read only with CLONE_PIDFD (glibc leaves a pointer there);
     * pidfds and set_tid are not supported */
    if ((a.flags & (CSIGNAL | CLONE_PIDFD)) || a.exit_signal > 64 || a.set_tid_size)
        return -EINVAL;
    if ((a.flags & CLONE_THREAD) && a.exit_signal)
        return -EINVAL; /* as Linux: a thread sends no exit signal */
    uint64_t sp = a.stack ? a.stack + a.stack_size : 0;
    return proc_fork(a.flags | a.exit_signal, sp, a.parent_tid, a.child_tid, a.tls, regs);
}
