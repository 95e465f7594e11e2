/* User exceptions the core could not resolve become signals.
 *
 * A fault forces its signal (it cannot be blocked or ignored: if it is,
 * the default action comes back), with si_code and si_addr as Linux sets
 * them; delivery on the way back to user mode runs the handler or ends
 * the process. A user page fault that failed for lack of memory is
 * SIGKILL, as from Linux's OOM killer. The kernel log (mica -v) says why.
 */
#include "abi_int.h"

#include <linux/signal.h>

static int vector_signal(int vector)
{
    switch (vector) {
    case 0:  /* #DE divide error */
    case 16: /* #MF x87 error */
    case 19: /* #XM SIMD error */
        return SIGFPE;
    case 1:  /* #DB */
    case 3:  /* #BP int3 */
        return SIGTRAP;
    case 6:  /* #UD */
        return SIGILL;
    case 17: /* #AC alignment check */
        return SIGBUS;
    default: /* #PF, #GP, #SS, #NP, bound, overflow ... */
        return SIGSEGV;
    }
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGFPE: return "SIGFPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGILL: return "SIGILL";
    case SIGBUS: return "SIGBUS";
    default: return "SIGSEGV";
    }
}

static int fault_code(int sig, int vector, uint64_t addr)
{
    switch (sig) {
    case SIGSEGV:
        if (vector != 14)
            return SI_KERNEL;
        return abi_proc->mm && vma_find(abi_proc->mm, addr) ? SEGV_ACCERR : SEGV_MAPERR;
    case SIGFPE: return vector == 0 ? FPE_INTDIV : FPE_FLTINV;
    case SIGILL: return ILL_ILLOPN;
    case SIGTRAP: return vector == 3 ? SI_KERNEL : TRAP_BRKPT;
    case SIGBUS: return BUS_ADRALN;
    default: return SI_KERNEL;
    }
}

void trap_handler(int vector, uint64_t err, uint64_t addr, struct core_uregs *regs)
{
    int sig = vector_signal(vector);
    if (vector == 14 && mm_oom_kill) {
        mm_oom_kill = false;
        core_log("mica: %s killed (SIGKILL): out of memory at addr %#llx\n", abi_proc->comm,
                 (unsigned long long)addr);
        signal_send(abi_proc, SIGKILL, NULL);
        return;
    }
    int code = fault_code(sig, vector, addr);
    if (vector == 14 && mm_fault_sigbus) { /* a file mapping past its end */
        mm_fault_sigbus = false;
        sig = SIGBUS;
        code = BUS_ADRERR;
    }
    core_log("mica: pid %d (%s) %s at rip %#llx addr %#llx (vector %d, error %#llx)\n",
             abi_proc->pid, abi_proc->comm, signal_name(sig), (unsigned long long)regs->rip,
             (unsigned long long)addr, vector, (unsigned long long)err);
    abi_thread->trap_nr = vector;
    abi_thread->trap_err = vector == 14 ? err | 4 : err; /* Linux adds X86_PF_USER */
    signal_force(sig, code, vector == 14 ? addr : regs->rip);
}
