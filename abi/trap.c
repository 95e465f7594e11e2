/* User exceptions the core could not resolve: for now, fatal signals.
 *
 * Without signal delivery (a later issue) every user fault kills the
 * process the way an unhandled signal would: the VM exits with 128+N, as
 * a shell reports it, and the kernel log (mica -v) says why. Program
 * output is flushed first; nothing is printed on the program's streams.
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

void trap_handler(int vector, uint64_t err, uint64_t addr, struct core_uregs *regs)
{
    int sig = vector_signal(vector);
    core_console_flush();
    if (vector == 14 && mm_oom_kill) {
        core_log("mica: %s killed (SIGKILL): out of memory at addr %#llx\n", abi_proc->comm,
                 (unsigned long long)addr);
        core_vm_exit(128 + SIGKILL);
    }
    core_log("mica: %s killed by %s at rip %#llx addr %#llx (vector %d, error %#llx)\n",
             abi_proc->comm, signal_name(sig), (unsigned long long)regs->rip,
             (unsigned long long)addr, vector, (unsigned long long)err);
    core_vm_exit(128 + sig);
}
