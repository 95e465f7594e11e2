/* Signal generation and delivery: pending sets, default actions, the
 * x86-64 signal frame and rt_sigreturn, stop and continue.
 *
 * Generation (signal_send for a process, signal_send_thread for one
 * thread) records the signal in the target's pending set with its info (a
 * real-time one already pending is queued behind it), applies the
 * immediate effects of SIGKILL and SIGCONT (waking a stopped process) and
 * of stop signals (dropping a pending SIGCONT), and interrupts a thread
 * that does not block it (for a process: the current thread if it is one
 * of them, else the first such; Linux's complete_signal). A signal that
 * would be ignored is discarded at once unless it is blocked, as on Linux.
 *
 * A stop stops the whole process: the thread that takes the signal marks
 * it stopped and interrupts the others, which wait on their way back to
 * user mode. A group exit (exit_group, a fatal signal, exec) ends every
 * other thread there too.
 *
 * Delivery runs from the core's return-to-user hook (signal_deliver):
 * first the syscall restart decision (-ERESTART* codes become EINTR or a
 * re-executed syscall, per SA_RESTART), then one signal: ignored, a
 * default action (terminate, stop until SIGCONT, ignore), or a handler,
 * for which the frame below goes on the user stack (or the alternate
 * stack with SA_ONSTACK):
 *
 *   [pretcode = sa_restorer][struct ucontext][siginfo 128 B] ... [FPU
 *   state, 64-byte aligned, XSAVE layout + FP_XSTATE_MAGIC2]
 *
 * RSP at handler entry is 8 mod 16, like after a call. The handler
 * starts with a clean FPU state. rt_sigreturn restores all of it; a
 * frame it cannot use (bad FPU image, unreadable) kills with SIGSEGV.
 *
 * PID 1 is the user's program, not an init: it gets default actions like
 * any process, except that stop signals do not stop it (nothing could
 * continue it).
 */
#include "abi_int.h"
#include "sys.h"

#include <asm/sigcontext.h>
#include <linux/signal.h>

#define SIGBIT(s) (1ull << ((s)-1))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define STOP_SIGS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define IGNORED_SIGS (SIGBIT(SIGCHLD) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH) | SIGBIT(SIGCONT))
#define USER_RFLAGS 0x40dd5ul /* AC OF DF TF SF ZF AF PF CF */
#define UC_FP_XSTATE 1
#define UC_SIGCONTEXT_SS 2
#define UC_STRICT_RESTORE_SS 4

struct stack_user {
    uint64_t sp;
    int32_t flags, pad;
    uint64_t size;
};

struct ucontext_user {
    uint64_t uc_flags;
    uint64_t uc_link;
    struct stack_user uc_stack;
    struct sigcontext_64 uc_mcontext;
    uint64_t uc_sigmask;
};

struct rt_frame {
    uint64_t pretcode;
    struct ucontext_user uc;
    uint8_t info[128];
};

static uint64_t handler_of(const struct process *p, int sig)
{
    return p->sigactions[sig - 1].handler;
}

static bool is_ignored(const struct process *p, int sig)
{
    uint64_t h = handler_of(p, sig);
    if (sig == SIGKILL || sig == SIGSTOP)
        return false;
    return h == (uint64_t)(uintptr_t)SIG_IGN || (h == 0 && (IGNORED_SIGS & SIGBIT(sig)));
}

uint64_t signal_pending_set(void)
{
    return abi_thread->pending | abi_proc->pending;
}

/* Also true when the thread must end (a group exit, or another thread's
 * exec): every sleep that checks it then unwinds to the return hook. */
bool signal_pending(void)
{
    struct process *p = abi_proc;
    if (p->exiting || (p->exec_thread && p->exec_thread != abi_thread))
        return true;
    return (signal_pending_set() & ~abi_thread->sigmask) != 0;
}

/* The thread that should take a process-wide sig: one that does not
 * block it (or waits for it in sigtimedwait), the current one first. */
static struct thread *signal_target(struct process *p, int sig)
{
    struct thread *cur = abi_thread && abi_thread->proc == p ? abi_thread : NULL;
    if (cur && (!(cur->sigmask & SIGBIT(sig)) || (cur->sigwait_set & SIGBIT(sig))))
        return cur;
    for (struct thread *t = p->threads; t; t = t->next)
        if (!(t->sigmask & SIGBIT(sig)) || (t->sigwait_set & SIGBIT(sig)))
            return t;
    return NULL;
}

static void interrupt_all(struct process *p)
{
    for (struct thread *t = p->threads; t; t = t->next)
        core_task_interrupt(t->task);
}

static void proc_continue(struct process *p)
{
    if (p->state != PROC_STOPPED)
        return;
    p->state = PROC_RUNNING;
    p->continued = true;
    p->wait_reported = false;
    core_wake_all(&p->stop_wait);
    if (p->parent) {
        struct sig_info info = {.signo = SIGCHLD, .code = CLD_CONTINUED, .pid = p->pid,
                                .status = SIGCONT};
        if (!(p->parent->sigactions[SIGCHLD - 1].flags & SA_NOCLDSTOP))
            signal_send(p->parent, SIGCHLD, &info);
        core_wake_all(&p->parent->child_wait);
    }
}

/* Linux queues every instance of a real-time signal (32 and up). */
#define SIGRTMIN_KERNEL 32

static int rt_enqueue(struct process *p, const struct sig_info *si)
{
    if (p->rt_queued + 1 >= p->rlim[RLIMIT_SIGPENDING].rlim_cur)
        return -EAGAIN;
    struct sig_queued *q = core_zalloc(sizeof(*q)), **tail = &p->rt_queue;
    if (!q)
        return -EAGAIN;
    q->info = *si;
    while (*tail)
        tail = &(*tail)->next;
    *tail = q;
    p->rt_queued++;
    return 0;
}

/* What every signal does at once to the process it is sent to; false
 * when it is discarded. `blocked`: the target thread blocks it. */
static bool signal_prepare(struct process *p, int sig, bool blocked)
{
    if (sig == SIGKILL || sig == SIGCONT) {
        p->pending &= ~STOP_SIGS;
        for (struct thread *t = p->threads; t; t = t->next)
            t->pending &= ~STOP_SIGS;
        proc_continue(p);
    } else if (STOP_SIGS & SIGBIT(sig)) {
        p->pending &= ~SIGBIT(SIGCONT);
        for (struct thread *t = p->threads; t; t = t->next)
            t->pending &= ~SIGBIT(SIGCONT);
    }
    if (!blocked && is_ignored(p, sig))
        return false;
    /* a signal that will kill it ends a stop at once, as on Linux */
    if (p->state == PROC_STOPPED && !blocked && handler_of(p, sig) == 0 &&
        !(STOP_SIGS & SIGBIT(sig))) {
        p->state = PROC_RUNNING;
        core_wake_all(&p->stop_wait);
    }
    return true;
}

static void info_default(struct sig_info *si, int sig, const struct sig_info *info)
{
    if (info) {
        *si = *info;
    } else {
        memset(si, 0, sizeof(*si));
        si->code = SI_USER;
        si->pid = abi_proc ? abi_proc->pid : 0;
        si->uid = abi_proc ? abi_proc->ruid : 0;
    }
    si->signo = sig;
}

int signal_send_thread(struct thread *t, int sig, const struct sig_info *info)
{
    struct process *p = t->proc;
    if (p->state == PROC_ZOMBIE || sig < 1 || sig > ABI_NSIG)
        return 0;
    bool blocked = (t->sigmask & SIGBIT(sig)) && !(UNBLOCKABLE & SIGBIT(sig));
    if (!signal_prepare(p, sig, blocked))
        return 0;
    if (t->pending & SIGBIT(sig)) {
        /* a standard signal is pending once; another real-time instance
         * waits in the process's queue */
        return sig >= SIGRTMIN_KERNEL ? signal_send(p, sig, info) : 0;
    }
    info_default(&t->siginfo[sig - 1], sig, info);
    t->pending |= SIGBIT(sig);
    if (!blocked || (t->sigwait_set & SIGBIT(sig)))
        core_task_interrupt(t->task);
    core_wake_all(&p->signalfd_wait); /* signalfd readers and pollers */
    return 0;
}

int signal_send(struct process *p, int sig, const struct sig_info *info)
{
    if (!p || p->state == PROC_ZOMBIE || sig < 1 || sig > ABI_NSIG)
        return 0;
    struct thread *target = signal_target(p, sig);
    /* blocked by the thread that takes it (sigtimedwait's blocks it too),
     * or by every thread */
    bool blocked = !(UNBLOCKABLE & SIGBIT(sig)) && (!target || (target->sigmask & SIGBIT(sig)));
    if (!signal_prepare(p, sig, blocked))
        return 0;
    struct sig_info si;
    info_default(&si, sig, info);
    if (!(p->pending & SIGBIT(sig))) {
        p->siginfo[sig - 1] = si;
        p->pending |= SIGBIT(sig);
    } else if (sig >= SIGRTMIN_KERNEL) {
        int r = rt_enqueue(p, &si);
        if (r)
            return r;
    }
    if (target)
        core_task_interrupt(target->task);
    else if (sig == SIGKILL)
        interrupt_all(p);
    core_wake_all(&p->signalfd_wait); /* signalfd readers and pollers */
    return 0;
}

void signal_dequeue(int sig, struct sig_info *out)
{
    struct thread *t = abi_thread;
    struct process *p = abi_proc;
    if (t->pending & SIGBIT(sig)) {
        *out = t->siginfo[sig - 1];
        t->pending &= ~SIGBIT(sig);
        return;
    }
    *out = p->siginfo[sig - 1];
    for (struct sig_queued **qq = &p->rt_queue; *qq; qq = &(*qq)->next)
        if ((*qq)->info.signo == sig) {
            struct sig_queued *q = *qq;
            p->siginfo[sig - 1] = q->info;
            *qq = q->next;
            p->rt_queued--;
            core_free(q);
            return;
        }
    p->pending &= ~SIGBIT(sig);
}

void signal_flush(struct process *p, int sig)
{
    p->pending &= sig ? ~SIGBIT(sig) : 0;
    for (struct thread *t = p->threads; t; t = t->next)
        t->pending &= sig ? ~SIGBIT(sig) : 0;
    for (struct sig_queued **qq = &p->rt_queue; *qq;) {
        struct sig_queued *q = *qq;
        if (sig && q->info.signo != sig) {
            qq = &q->next;
            continue;
        }
        *qq = q->next;
        p->rt_queued--;
        core_free(q);
    }
}

bool signal_pgrp_orphaned(int pgid)
{
    for (struct process *p = proc_first(); p; p = proc_next(p)) {
        if (p->pgid != pgid || p->state == PROC_ZOMBIE || !p->parent)
            continue;
        if (p->parent->pgid != pgid && p->parent->sid == p->sid)
            return false;
    }
    return true;
}

int signal_send_pgrp(int pgid, int sig)
{
    int found = 0;
    for (struct process *p = proc_first(); p; p = proc_next(p))
        if (p->pgid == pgid && p->state != PROC_ZOMBIE) {
            found = 1;
            if (sig)
                signal_send(p, sig, NULL);
        }
    return found ? 0 : -ESRCH;
}

/* A fault: the signal cannot be blocked or ignored (force_sig). */
void signal_force(int sig, int code, uint64_t addr)
{
    struct thread *t = abi_thread;
    struct sigaction_user *a = &abi_proc->sigactions[sig - 1];
    if ((t->sigmask & SIGBIT(sig)) || a->handler == (uint64_t)(uintptr_t)SIG_IGN) {
        t->sigmask &= ~SIGBIT(sig);
        a->handler = 0;
    }
    struct sig_info info = {.signo = sig, .code = code, .addr = addr};
    t->pending &= ~SIGBIT(sig); /* the fault's own info wins */
    signal_send_thread(t, sig, &info);
}

/* ---- delivery ---- */

/* SIGKILL first, then the thread's own (synchronous faults), then the
 * process's, each lowest number first. */
static int next_signal(void)
{
    uint64_t mine = abi_thread->pending & ~abi_thread->sigmask;
    uint64_t ready = mine | (abi_proc->pending & ~abi_thread->sigmask);
    if (!ready)
        return 0;
    if (ready & SIGBIT(SIGKILL))
        return SIGKILL;
    return __builtin_ctzll(mine ? mine : ready) + 1;
}

/* Wait while the process is stopped (by this thread or another). */
static void stopped_wait(struct process *p)
{
    while (p->state == PROC_STOPPED && !p->exiting && !p->exec_thread) {
        core_task_clear_interrupt(abi_thread->task);
        core_wait(&p->stop_wait, 0, true);
        if (signal_pending_set() & SIGBIT(SIGKILL))
            break;
    }
}

static void stop_self(int sig)
{
    struct process *p = abi_proc;
    p->state = PROC_STOPPED;
    proc_interrupt_others(p);
    p->stop_signal = sig;
    p->wait_reported = false;
    if (p->parent) {
        struct sig_info info = {.signo = SIGCHLD, .code = CLD_STOPPED, .pid = p->pid,
                                .status = sig};
        if (!(p->parent->sigactions[SIGCHLD - 1].flags & SA_NOCLDSTOP))
            signal_send(p->parent, SIGCHLD, &info);
        core_wake_all(&p->parent->child_wait);
    }
    stopped_wait(p);
}

/* The syscall the task was in, if any, restarts or fails with EINTR. */
static void syscall_restart(struct core_uregs *r, const struct sigaction_user *a)
{
    if (r->orig_rax == (uint64_t)-1)
        return;
    long ret = (long)r->rax;
    bool restart;
    switch (ret) {
    case -ERESTARTNOINTR: restart = true; break;
    case -ERESTARTSYS: restart = !a || (a->flags & SA_RESTART); break;
    case -ERESTARTNOHAND:
    case -ERESTART_RESTARTBLOCK: restart = !a; break;
    default: return;
    }
    if (restart) {
        r->rax = r->orig_rax;
        r->rip -= 2; /* back over the 2-byte SYSCALL */
    } else {
        r->rax = (uint64_t)-EINTR;
    }
    r->orig_rax = (uint64_t)-1;
}

void signal_info_fill(uint8_t *out, const struct sig_info *si)
{
    int32_t head[3] = {si->signo, si->errno_, si->code};
    memset(out, 0, 128);
    memcpy(out, head, sizeof(head));
    switch (si->signo) {
    case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP:
        if (si->code > 0) {
            memcpy(out + 16, &si->addr, 8);
            break;
        }
        __attribute__((fallthrough)); /* sent by kill */
    default: {
        int32_t ids[2] = {si->pid, (int32_t)si->uid};
        memcpy(out + 16, ids, 8);
        if (si->value)
            memcpy(out + 24, &si->value, 8);
        if (si->signo == SIGCHLD && si->code > 0) {
            int64_t times[2] = {(int64_t)si->utime, (int64_t)si->stime};
            memcpy(out + 24, &si->status, 4);
            memcpy(out + 32, times, 16);
        }
    }
    }
}

static bool on_altstack(const struct thread *p, uint64_t sp)
{
    return p->altstack_size && sp > p->altstack_sp && sp <= p->altstack_sp + p->altstack_size;
}

static void sigcontext_fill(struct sigcontext_64 *sc, const struct core_uregs *r)
{
    sc->r8 = r->r8, sc->r9 = r->r9, sc->r10 = r->r10, sc->r11 = r->r11;
    sc->r12 = r->r12, sc->r13 = r->r13, sc->r14 = r->r14, sc->r15 = r->r15;
    sc->di = r->rdi, sc->si = r->rsi, sc->bp = r->rbp, sc->bx = r->rbx;
    sc->dx = r->rdx, sc->ax = r->rax, sc->cx = r->rcx, sc->sp = r->rsp;
    sc->ip = r->rip, sc->flags = r->rflags;
    sc->cs = (uint16_t)r->cs, sc->ss = (uint16_t)r->ss;
}

/* Build the frame; false if it cannot be written (the caller kills). */
static bool frame_setup(const struct sig_info *si, const struct sigaction_user *a,
                        uint64_t old_mask, struct core_uregs *r)
{
    struct thread *p = abi_thread;
    size_t fsz = core_fpu_state_size();
    uint64_t sp = r->rsp - 128; /* the red zone */
    if ((a->flags & SA_ONSTACK) && p->altstack_size && !on_altstack(p, r->rsp))
        sp = p->altstack_sp + p->altstack_size;
    uint64_t fp = (sp - fsz - 4) & ~63ul;
    uint64_t fa = ((fp - sizeof(struct rt_frame) + 8) & ~15ul) - 8;
    struct rt_frame *f = core_zalloc(sizeof(*f) + fsz + 4 + 64);
    if (!f || !(a->flags & SA_RESTORER)) {
        core_free(f);
        return false;
    }
    uint8_t *fpu = (uint8_t *)f + sizeof(*f);
    core_fpu_save(fpu);
    if (core_fpu_xfeatures()) {
        struct _fpx_sw_bytes sw = {.magic1 = FP_XSTATE_MAGIC1,
                                   .extended_size = (uint32_t)fsz + 4,
                                   .xfeatures = core_fpu_xfeatures(),
                                   .xstate_size = (uint32_t)fsz};
        uint32_t m2 = FP_XSTATE_MAGIC2;
        memcpy(fpu + 464, &sw, sizeof(sw));
        memcpy(fpu + fsz, &m2, 4);
    }
    f->pretcode = a->restorer;
    f->uc.uc_flags = (core_fpu_xfeatures() ? UC_FP_XSTATE : 0) | UC_SIGCONTEXT_SS |
                     UC_STRICT_RESTORE_SS;
    f->uc.uc_stack.sp = p->altstack_sp;
    f->uc.uc_stack.size = p->altstack_size;
    f->uc.uc_stack.flags = p->altstack_size ? (on_altstack(p, r->rsp) ? SS_ONSTACK : 0)
                                            : SS_DISABLE;
    sigcontext_fill(&f->uc.uc_mcontext, r);
    f->uc.uc_mcontext.fpstate = fp;
    f->uc.uc_mcontext.oldmask = old_mask;
    f->uc.uc_mcontext.cr2 = si->addr;
    f->uc.uc_mcontext.trapno = (uint64_t)p->trap_nr;
    f->uc.uc_mcontext.err = p->trap_err;
    f->uc.uc_sigmask = old_mask;
    signal_info_fill(f->info, si);
    bool ok = !core_copy_to_user(uaddr(fa), f, sizeof(*f)) &&
              !core_copy_to_user(uaddr(fp), fpu, fsz + 4);
    core_free(f);
    if (!ok)
        return false;
    core_fpu_reset();
    r->rdi = (uint64_t)si->signo;
    r->rsi = fa + __builtin_offsetof(struct rt_frame, info);
    r->rdx = fa + __builtin_offsetof(struct rt_frame, uc);
    r->rax = 0;
    r->rsp = fa;
    r->rip = a->handler;
    r->rflags &= ~(0x100ul | 0x400ul); /* TF DF */
    return true;
}

/* (No core dumps: the status never has WCOREDUMP, as with ulimit -c 0.) */
static __noreturn void die_by(int sig)
{
    proc_exit(sig);
}

static void deliver_one(int sig, struct core_uregs *r)
{
    struct process *p = abi_proc;
    struct thread *t = abi_thread;
    struct sigaction_user a = p->sigactions[sig - 1];
    struct sig_info info;
    signal_dequeue(sig, &info);
    if (a.handler == (uint64_t)(uintptr_t)SIG_IGN && sig != SIGKILL)
        return;
    if (a.handler == 0 || sig == SIGKILL) {
        if (IGNORED_SIGS & SIGBIT(sig) && sig != SIGKILL)
            return;
        if ((STOP_SIGS & SIGBIT(sig)) && sig != SIGKILL) {
            /* Job-control stops do nothing in an orphaned group (as Linux,
             * with no exception for children of PID 1: mica is a container) */
            if (sig != SIGSTOP && signal_pgrp_orphaned(p->pgid))
                return;
            if (p->pid != 1)
                stop_self(sig);
            return;
        }
        die_by(sig);
    }
    syscall_restart(r, &a);
    uint64_t old_mask = t->restore_sigmask ? t->saved_sigmask : t->sigmask;
    t->restore_sigmask = false;
    if (!frame_setup(&info, &a, old_mask, r))
        die_by(SIGSEGV);
    t->sigmask |= a.mask;
    if (!(a.flags & SA_NODEFER))
        t->sigmask |= SIGBIT(sig);
    t->sigmask &= ~UNBLOCKABLE;
    if (a.flags & SA_RESETHAND)
        p->sigactions[sig - 1].handler = 0;
}

void signal_deliver(struct core_uregs *r)
{
    struct process *p = abi_proc;
    struct thread *t = abi_thread;
    if (p->exiting || (p->exec_thread && p->exec_thread != t))
        thread_exit(p->group_exit_status);
    if (t->set_child_tid) {
        (void)!core_copy_to_user(uaddr(t->set_child_tid), &t->tid, sizeof(t->tid));
        t->set_child_tid = 0;
    }
    if (p->state == PROC_STOPPED) {
        stopped_wait(p);
        if (p->exiting)
            thread_exit(p->group_exit_status);
    }
    int sig = next_signal();
    if (sig)
        deliver_one(sig, r);
    if (next_signal() || p->exiting) {
        core_task_interrupt(t->task); /* the hook runs again for the next */
        return;
    }
    /* Nothing more to deliver. If no handler ran (nothing was pending, or
     * the signal was ignored or stopped the process), an interrupted
     * syscall restarts or fails with EINTR now, and sigsuspend's mask goes
     * back; after a handler's frame both were done already. */
    syscall_restart(r, NULL);
    if (t->restore_sigmask) {
        t->sigmask = t->saved_sigmask;
        t->restore_sigmask = false;
    }
    core_task_clear_interrupt(t->task);
}

long sys_rt_sigreturn(struct core_uregs *r)
{
    struct thread *p = abi_thread;
    struct rt_frame f;
    uint64_t fa = r->rsp - 8; /* the handler's ret popped pretcode */
    size_t fsz = core_fpu_state_size();
    if (core_copy_from_user(&f, uaddr(fa), sizeof(f)))
        goto bad;
    const struct sigcontext_64 *sc = &f.uc.uc_mcontext;
    if (sc->fpstate) {
        uint8_t *img = core_malloc(fsz);
        if (!img || core_copy_from_user(img, uaddr(sc->fpstate), fsz) || core_fpu_restore(img)) {
            core_free(img);
            goto bad;
        }
        core_free(img);
    } else {
        core_fpu_reset();
    }
    r->r8 = sc->r8, r->r9 = sc->r9, r->r10 = sc->r10, r->r11 = sc->r11;
    r->r12 = sc->r12, r->r13 = sc->r13, r->r14 = sc->r14, r->r15 = sc->r15;
    r->rdi = sc->di, r->rsi = sc->si, r->rbp = sc->bp, r->rbx = sc->bx;
    r->rdx = sc->dx, r->rax = sc->ax, r->rcx = sc->cx, r->rsp = sc->sp, r->rip = sc->ip;
    r->rflags = (r->rflags & ~USER_RFLAGS) | (sc->flags & USER_RFLAGS);
    r->orig_rax = (uint64_t)-1; /* no restart of rt_sigreturn itself */
    p->sigmask = f.uc.uc_sigmask & ~UNBLOCKABLE;
    if (signal_pending())
        core_task_interrupt(p->task);
    return (long)r->rax;
bad:
    signal_force(SIGSEGV, SI_KERNEL, 0);
    return 0;
}
