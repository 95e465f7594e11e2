/* Signal syscalls: actions, the blocked mask, the alternate stack,
 * pending sets, waiting for signals, kill, and the ITIMER_REAL timer.
 * Generation and delivery are in signal.c.
 */
#include "abi_int.h"
#include "sys.h"

#include <core/time.h>
#include <linux/signal.h>
#include <linux/time.h>
#include <linux/time_types.h>

#define SIGBIT(s) (1ull << ((s)-1))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SIGSETSIZE 8
#define MINSIGSTKSZ_LINUX 2048
#define SS_AUTODISARM_BIT (1u << 31)

struct altstack_user { /* stack_t on x86-64 */
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
};

long sys_rt_sigaction(int sig, uaddr_t u_act, uaddr_t u_old, size_t sigsetsize)
{
    struct sigaction_user act, old;
    if (sigsetsize != SIGSETSIZE)
        return -EINVAL;
    if (sig < 1 || sig > ABI_NSIG || ((sig == SIGKILL || sig == SIGSTOP) && u_act.addr))
        return -EINVAL;
    if (u_act.addr && core_copy_from_user(&act, u_act, sizeof(act)))
        return -EFAULT;
    old = abi_proc->sigactions[sig - 1];
    if (u_old.addr && core_copy_to_user(u_old, &old, sizeof(old)))
        return -EFAULT;
    if (u_act.addr) {
        act.mask &= ~UNBLOCKABLE;
        abi_proc->sigactions[sig - 1] = act;
        /* setting SIG_IGN (or SIG_DFL of an ignored one) drops it pending */
        uint64_t h = act.handler;
        if (h == (uint64_t)(uintptr_t)SIG_IGN ||
            (h == 0 && (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH)))
            signal_flush(abi_proc, sig);
    }
    return 0;
}

long sys_rt_sigprocmask(int how, uaddr_t u_set, uaddr_t u_old, size_t sigsetsize)
{
    uint64_t set = 0, old = abi_thread->sigmask;
    if (sigsetsize != SIGSETSIZE)
        return -EINVAL;
    if (u_set.addr) {
        if (core_copy_from_user(&set, u_set, sizeof(set)))
            return -EFAULT;
        if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
            return -EINVAL;
    }
    if (u_old.addr && core_copy_to_user(u_old, &old, sizeof(old)))
        return -EFAULT;
    if (u_set.addr) {
        uint64_t m = how == SIG_BLOCK ? old | set : how == SIG_UNBLOCK ? old & ~set : set;
        abi_thread->sigmask = m & ~UNBLOCKABLE;
        if (signal_pending())
            core_task_interrupt(abi_thread->task);
    }
    return 0;
}

long sys_rt_sigpending(uaddr_t u_set, size_t sigsetsize)
{
    uint64_t set = signal_pending_set() & abi_thread->sigmask;
    if (sigsetsize > SIGSETSIZE)
        return -EINVAL;
    return core_copy_to_user(u_set, &set, sigsetsize) ? -EFAULT : 0;
}

long sys_sigaltstack(uaddr_t u_ss, uaddr_t u_old, uint64_t sp)
{
    struct altstack_user ss, old;
    struct thread *p = abi_thread;
    bool on = p->altstack_size && sp > p->altstack_sp && sp - p->altstack_sp <= p->altstack_size;
    memset(&old, 0, sizeof(old));
    old.sp = p->altstack_sp;
    old.size = p->altstack_size;
    old.flags = (on ? SS_ONSTACK : p->altstack_size ? 0 : SS_DISABLE) | p->altstack_flags;
    if (u_ss.addr) {
        if (core_copy_from_user(&ss, u_ss, sizeof(ss)))
            return -EFAULT;
        if (on) /* Linux: no change while running on it */
            return -EPERM;
        uint32_t mode = (uint32_t)ss.flags & ~SS_AUTODISARM_BIT;
        if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
            return -EINVAL;
        if (mode != SS_DISABLE && ss.size < MINSIGSTKSZ_LINUX)
            return -ENOMEM;
    }
    if (u_old.addr && core_copy_to_user(u_old, &old, sizeof(old)))
        return -EFAULT;
    if (u_ss.addr) {
        bool off = ((uint32_t)ss.flags & ~SS_AUTODISARM_BIT) == SS_DISABLE;
        abi_thread->altstack_sp = off ? 0 : ss.sp;
        abi_thread->altstack_size = off ? 0 : ss.size;
        abi_thread->altstack_flags = ss.flags & (int32_t)SS_AUTODISARM_BIT;
    }
    return 0;
}

void signals_reset_on_exec(struct process *p)
{
    for (int i = 0; i < ABI_NSIG; i++) {
        struct sigaction_user *a = &p->sigactions[i];
        if (a->handler != (uint64_t)(uintptr_t)SIG_IGN)
            memset(a, 0, sizeof(*a));
    }
    abi_thread->altstack_sp = abi_thread->altstack_size = 0;
    abi_thread->altstack_flags = 0;
}

/* ---- waiting for signals ---- */

/* sigsuspend, ppoll, pselect6: the mask for the duration of the call;
 * delivery (or the caller, when no signal came) puts the old one back. */
long signal_mask_temporarily(uaddr_t u_mask, size_t sigsetsize)
{
    uint64_t mask;
    if (sigsetsize != SIGSETSIZE)
        return -EINVAL;
    if (core_copy_from_user(&mask, u_mask, sizeof(mask)))
        return -EFAULT;
    abi_thread->saved_sigmask = abi_thread->sigmask;
    abi_thread->restore_sigmask = true;
    abi_thread->sigmask = mask & ~UNBLOCKABLE;
    return 0;
}

long sys_rt_sigsuspend(uaddr_t u_mask, size_t sigsetsize)
{
    long err = signal_mask_temporarily(u_mask, sigsetsize);
    if (err)
        return err;
    while (!signal_pending())
        core_sleep(0, true);
    core_task_interrupt(abi_thread->task);
    return -ERESTARTNOHAND;
}

long sys_pause(void)
{
    while (!signal_pending())
        core_sleep(0, true);
    return -ERESTARTNOHAND;
}

long sys_rt_sigtimedwait(uaddr_t u_set, uaddr_t u_info, uaddr_t u_ts, size_t sigsetsize)
{
    struct thread *p = abi_thread;
    uint64_t set, deadline = 0;
    struct __kernel_timespec ts;
    if (sigsetsize != SIGSETSIZE)
        return -EINVAL;
    if (core_copy_from_user(&set, u_set, sizeof(set)))
        return -EFAULT;
    set &= ~UNBLOCKABLE;
    if (u_ts.addr) {
        if (core_copy_from_user(&ts, u_ts, sizeof(ts)))
            return -EFAULT;
        if (!abi_time_ok(ts.tv_sec, ts.tv_nsec))
            return -EINVAL;
        deadline = core_time_monotonic_ns() + (uint64_t)ts.tv_sec * 1000000000ull +
                   (uint64_t)ts.tv_nsec;
        if (!deadline)
            deadline = 1;
    }
    long ret;
    p->sigwait_set = set;
    for (;;) {
        uint64_t ready = signal_pending_set() & set;
        if (ready) {
            int sig = __builtin_ctzll(ready) + 1;
            uint8_t si[128];
            struct sig_info info;
            signal_dequeue(sig, &info);
            signal_info_fill(si, &info);
            ret = sig;
            if (u_info.addr && core_copy_to_user(u_info, si, sizeof(si)))
                ret = -EFAULT;
            break;
        }
        if (signal_pending()) {
            ret = -EINTR;
            break;
        }
        if (core_sleep(deadline, true) == -ETIMEDOUT) {
            ret = -EAGAIN;
            break;
        }
    }
    p->sigwait_set = 0;
    return ret;
}

/* ---- sending ---- */

/* Linux looks for the target first: a missing one is ESRCH even when the
 * signal number is bad (EINVAL). */
static bool sig_bad(int sig)
{
    return sig < 0 || sig > ABI_NSIG;
}

static long send_checked(struct process *p, int sig, const struct sig_info *info)
{
    if (!p)
        return -ESRCH;
    if (sig_bad(sig))
        return -EINVAL;
    if (sig && p->state != PROC_ZOMBIE)
        return signal_send(p, sig, info);
    return 0;
}

/* tkill and tgkill: SI_TKILL from us, to one thread (of process tgid,
 * unless tgid is 0) */
static long send_tkill(int tgid, int tid, int sig)
{
    struct sig_info info = {.code = SI_TKILL, .pid = abi_proc->pid, .uid = abi_proc->ruid};
    struct thread *t = thread_find(tid);
    if (!t || (tgid && t->proc->pid != tgid))
        return -ESRCH;
    if (sig_bad(sig))
        return -EINVAL;
    return sig ? signal_send_thread(t, sig, &info) : 0;
}

static long send_group(int pgid, int sig)
{
    bool found = false;
    for (struct process *p = proc_first(); p; p = proc_next(p))
        if (p->pgid == pgid && p->state != PROC_ZOMBIE)
            found = true;
    if (!found)
        return -ESRCH;
    return sig_bad(sig) ? -EINVAL : signal_send_pgrp(pgid, sig);
}

long sys_kill(int pid, int sig)
{
    if (pid == -1) { /* all but init and ourselves */
        long ret = -ESRCH;
        for (struct process *p = proc_first(); p; p = proc_next(p))
            if (p->pid != 1 && p != abi_proc && p->state != PROC_ZOMBIE) {
                if (sig_bad(sig))
                    return -EINVAL;
                ret = 0;
                if (sig)
                    signal_send(p, sig, NULL);
            }
        return ret;
    }
    if (pid > 0)
        return send_checked(proc_find(pid), sig, NULL);
    if (pid == 0)
        return send_group(abi_proc->pgid, sig);
    if (pid == INT32_MIN)
        return -ESRCH;
    return send_group(-pid, sig);
}

long sys_tgkill(int tgid, int tid, int sig)
{
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    return send_tkill(tgid, tid, sig);
}

long sys_tkill(int tid, int sig)
{
    if (tid <= 0)
        return -EINVAL;
    return send_tkill(0, tid, sig);
}

/* rt_sigqueueinfo/rt_tgsigqueueinfo: the caller's siginfo, but only to
 * itself may it claim SI_USER, SI_TKILL or a kernel code (>= 0). */
static long queue_info(struct process *p, struct thread *t, int pid, int sig,
                       uaddr_t u_info)
{
    uint8_t raw[128];
    if (core_copy_from_user(raw, u_info, sizeof(raw)))
        return -EFAULT;
    struct sig_info info;
    int32_t code, ids[2];
    memset(&info, 0, sizeof(info));
    memcpy(&code, raw + 8, 4);
    memcpy(ids, raw + 16, 8);
    memcpy(&info.value, raw + 24, 8);
    if ((code >= 0 || code == SI_TKILL) && pid != abi_proc->pid)
        return -EPERM;
    info.code = code;
    info.pid = ids[0];
    info.uid = (uint32_t)ids[1];
    if (t) {
        if (sig_bad(sig))
            return -EINVAL;
        return sig ? signal_send_thread(t, sig, &info) : 0;
    }
    return send_checked(p, sig, &info);
}

long sys_rt_sigqueueinfo(int pid, int sig, uaddr_t u_info)
{
    return queue_info(pid > 0 ? proc_find(pid) : NULL, NULL, pid, sig, u_info);
}

long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, uaddr_t u_info)
{
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    struct thread *t = thread_find(tid);
    if (!t || t->proc->pid != tgid)
        return -ESRCH;
    return queue_info(t->proc, t, tgid, sig, u_info);
}

/* ---- ITIMER_REAL and alarm ---- */

static void itimer_fire(struct core_timer *t)
{
    struct process *p = (struct process *)((char *)t - __builtin_offsetof(struct process,
                                                                          itimer_real));
    struct sig_info info = {.code = SI_KERNEL}; /* Linux: SEND_SIG_PRIV */
    signal_send(p, SIGALRM, &info);
    if (p->itimer_real_interval_ns)
        core_timer_start(t, t->deadline_ns + p->itimer_real_interval_ns, itimer_fire);
}

static uint64_t itimer_left(const struct process *p)
{
    uint64_t now = core_time_monotonic_ns();
    if (!p->itimer_real.armed)
        return 0;
    return p->itimer_real.deadline_ns > now ? p->itimer_real.deadline_ns - now : 1000;
}

static void itimer_set(struct process *p, uint64_t value_ns, uint64_t interval_ns)
{
    core_timer_cancel(&p->itimer_real);
    p->itimer_real_interval_ns = interval_ns;
    if (value_ns)
        core_timer_start(&p->itimer_real, core_time_monotonic_ns() + value_ns, itimer_fire);
}

long sys_alarm(unsigned seconds)
{
    uint64_t left = itimer_left(abi_proc);
    itimer_set(abi_proc, (uint64_t)seconds * 1000000000ull, 0);
    /* rounded to the nearest second, at least 1 if any time was left */
    return left ? (long)((left + 500000000) / 1000000000 ?: 1) : 0;
}

struct itimerval_user {
    struct __kernel_old_timeval interval, value;
};

static uint64_t tv_ns(const struct __kernel_old_timeval *tv)
{
    return (uint64_t)tv->tv_sec * 1000000000ull + (uint64_t)tv->tv_usec * 1000;
}

static void ns_tv(uint64_t ns, struct __kernel_old_timeval *tv)
{
    tv->tv_sec = (long)(ns / 1000000000);
    tv->tv_usec = (long)(ns % 1000000000 / 1000);
}

/* ITIMER_VIRTUAL and ITIMER_PROF are kept but never fire (no CPU-time
 * timers yet). */
static struct itimerval_user cpu_timers[2];

long sys_getitimer(int which, uaddr_t u_val)
{
    struct itimerval_user v;
    memset(&v, 0, sizeof(v));
    if (which == ITIMER_REAL) {
        ns_tv(itimer_left(abi_proc), &v.value);
        ns_tv(abi_proc->itimer_real_interval_ns, &v.interval);
    } else if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
        v = cpu_timers[which - 1];
    } else {
        return -EINVAL;
    }
    return core_copy_to_user(u_val, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_setitimer(int which, uaddr_t u_new, uaddr_t u_old)
{
    struct itimerval_user nv, old;
    memset(&nv, 0, sizeof(nv));
    if (which < ITIMER_REAL || which > ITIMER_PROF)
        return -EINVAL;
    if (u_new.addr && core_copy_from_user(&nv, u_new, sizeof(nv)))
        return -EFAULT;
    if (nv.value.tv_usec < 0 || nv.value.tv_usec >= 1000000 || nv.interval.tv_usec < 0 ||
        nv.interval.tv_usec >= 1000000 || nv.value.tv_sec < 0 || nv.interval.tv_sec < 0)
        return -EINVAL;
    if (u_old.addr) {
        long r = sys_getitimer(which, u_old);
        if (r)
            return r;
    }
    (void)old;
    if (which == ITIMER_REAL)
        itimer_set(abi_proc, tv_ns(&nv.value), tv_ns(&nv.interval));
    else
        cpu_timers[which - 1] = nv;
    return 0;
}
