/* Signal state: actions, the blocked mask, the alternate stack, kill.
 *
 * Signals are not delivered to handlers yet (a later issue brings the
 * signal frame and rt_sigreturn). The state is kept exactly, so programs
 * that install handlers and masks see Linux's answers, and a signal sent
 * to ourselves does what its action says when that needs no frame:
 * ignored signals vanish, default-fatal ones end the VM with 128+N, and
 * stop signals are ignored (nobody could continue us). A signal with a
 * handler cannot run it yet: it is logged and dropped.
 */
#include "abi_int.h"
#include "sys.h"

#include <linux/signal.h>

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
    }
    return 0;
}

long sys_rt_sigprocmask(int how, uaddr_t u_set, uaddr_t u_old, size_t sigsetsize)
{
    uint64_t set = 0, old = abi_proc->sigmask;
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
        abi_proc->sigmask = m & ~UNBLOCKABLE;
    }
    return 0;
}

long sys_rt_sigpending(uaddr_t u_set, size_t sigsetsize)
{
    uint64_t none = 0; /* nothing is ever left pending yet */
    if (sigsetsize > SIGSETSIZE)
        return -EINVAL;
    return core_copy_to_user(u_set, &none, sigsetsize) ? -EFAULT : 0;
}

long sys_sigaltstack(uaddr_t u_ss, uaddr_t u_old)
{
    struct altstack_user ss, old;
    memset(&old, 0, sizeof(old));
    old.sp = abi_proc->altstack_sp;
    old.size = abi_proc->altstack_size;
    old.flags = abi_proc->altstack_size ? abi_proc->altstack_flags : SS_DISABLE;
    if (u_ss.addr) {
        if (core_copy_from_user(&ss, u_ss, sizeof(ss)))
            return -EFAULT;
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
        abi_proc->altstack_sp = off ? 0 : ss.sp;
        abi_proc->altstack_size = off ? 0 : ss.size;
        abi_proc->altstack_flags = ss.flags & (int32_t)SS_AUTODISARM_BIT;
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
    p->altstack_sp = p->altstack_size = 0;
    p->altstack_flags = 0;
}

static bool default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

/* Stopping would hang the VM with nobody to send SIGCONT: carry on. */
static bool default_stops(int sig)
{
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Send sig to ourselves. */
static long signal_self(int sig)
{
    if (sig < 0 || sig > ABI_NSIG)
        return -EINVAL;
    if (sig == 0)
        return 0;
    uint64_t h = abi_proc->sigactions[sig - 1].handler;
    bool blocked = (abi_proc->sigmask & SIGBIT(sig)) && !(SIGBIT(sig) & UNBLOCKABLE);
    if (sig != SIGKILL && (h == (uint64_t)(uintptr_t)SIG_IGN ||
                           (h == 0 && default_ignored(sig))))
        return 0;
    if (blocked)
        return 0; /* would stay pending; nothing unblocks it to deliver yet */
    if ((h == 0 || sig == SIGSTOP) && default_stops(sig)) {
        core_log("mica: signal %d would stop the process; ignored\n", sig);
        return 0;
    }
    if (h == 0 || sig == SIGKILL) {
        core_console_flush();
        core_log("mica: killed by signal %d (kill)\n", sig);
        core_vm_exit(128 + sig);
    }
    core_log("mica: signal %d has a handler; delivery not implemented, dropped\n", sig);
    return 0;
}

/* The only process is pid 1, in process group 1. kill(0) is the caller's
 * group, so it includes us; kill(-1) is every process but init and the
 * caller, which is nobody: -ESRCH, whatever the signal, as on Linux (and
 * -1 is also how group 1 would be named). Any other pid or group does not
 * exist. */
long sys_kill(int pid, int sig)
{
    if (pid != 1 && pid != 0)
        return -ESRCH;
    return signal_self(sig);
}

long sys_tgkill(int tgid, int tid, int sig)
{
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    if (tgid != 1 || tid != 1)
        return -ESRCH;
    return signal_self(sig);
}

long sys_tkill(int tid, int sig)
{
    if (tid <= 0)
        return -EINVAL;
    return tid == 1 ? signal_self(sig) : -ESRCH;
}
