/* mica VMM: the KVM engine's seccomp filters, one per thread.
 *
 * Seccomp filters belong to threads, and a thread inherits its creator's.
 * So the device thread starts the vCPU thread unfiltered; that thread
 * loads its own filter first, then the device thread loads its own, and
 * only then does the vCPU enter KVM_RUN (kvm_loop.c waits on a barrier
 * twice). Each thread ends up under exactly its own allowlist:
 *
 *   - the vCPU thread: KVM_RUN, and the register reads of a crash report,
 *     on its vCPU fd only; the console's stdin, stdout and stderr; its
 *     eventfds; and a kick of itself (tgkill, SIGUSR1, within mica);
 *   - the device thread: poll and read/write of the fds it holds, kicks
 *     of the vCPU thread, closing, and the terminal's ioctls under -t.
 *
 * Neither may open (a read-only open fails with EACCES, for glibc's
 * sake), map executable memory, create a VM or a vCPU, or set guest
 * memory: the layout of the VM is fixed before the filters go on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <unistd.h>

#include "sandbox_int.h"

#define SANDBOX_KICK_SIGNAL SIGUSR1 /* KVM_KICK_SIGNAL in kvm_int.h */

/* tgkill(mica, any thread, SIGUSR1): the kick, and nothing else; and
 * kill(mica) for term.c's re-raise of a crash signal. */
static int sandbox_allow_kick_and_self(scmp_filter_ctx ctx)
{
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 2,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()),
                              SCMP_A2(SCMP_CMP_EQ, SANDBOX_KICK_SIGNAL));

    return rc == 0 ? sandbox_allow_kill(ctx, NULL, 0) : rc;
}

/* A read-only open fails with EACCES instead of trapping: glibc's malloc
 * reads /proc/sys/vm/overcommit_memory the first time a thread's heap
 * shrinks, and takes a refusal as "do not shrink". Nothing is opened. */
static int sandbox_refuse_reads(scmp_filter_ctx ctx)
{
    return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
                            SCMP_A2(SCMP_CMP_MASKED_EQ,
                                    O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND,
                                    0));
}

static const int sandbox_kvm_vcpu_calls[] = {
    SCMP_SYS(read), SCMP_SYS(poll), SCMP_SYS(ppoll),
};

static const unsigned long sandbox_kvm_vcpu_ioctls[] = {
    KVM_RUN, KVM_GET_REGS, KVM_GET_SREGS,
};

int sandbox_enter_kvm_vcpu(int vcpu_fd, struct mica_error *err)
{
    scmp_filter_ctx ctx;
    size_t i;
    int rc = sandbox_new(&ctx, sandbox_kvm_vcpu_calls,
                         SANDBOX_LEN(sandbox_kvm_vcpu_calls), err);

    if (rc < 0)
        return rc;
    for (i = 0; rc == 0 && i < SANDBOX_LEN(sandbox_kvm_vcpu_ioctls); i++)
        rc = sandbox_allow_ioctl(ctx, vcpu_fd, sandbox_kvm_vcpu_ioctls[i]);
    if (rc == 0)
        rc = sandbox_allow_kick_and_self(ctx);
    if (rc == 0)
        rc = sandbox_refuse_reads(ctx);
    return sandbox_load(ctx, rc, 0, err);
}

static const int sandbox_kvm_main_calls[] = {
    SCMP_SYS(read), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(close),
    SCMP_SYS(fstat), SCMP_SYS(newfstatat), /* stdio on mica's way out */
};

int sandbox_enter_kvm_main(int tty_fd, struct mica_error *err)
{
    scmp_filter_ctx ctx;
    int rc = sandbox_new(&ctx, sandbox_kvm_main_calls,
                         SANDBOX_LEN(sandbox_kvm_main_calls), err);

    if (rc < 0)
        return rc;
    rc = sandbox_allow_kick_and_self(ctx);
    if (rc == 0)
        rc = sandbox_refuse_reads(ctx);
    if (rc == 0)
        rc = sandbox_allow_tty(ctx, tty_fd);
    return sandbox_load(ctx, rc, sandbox_test_hook(), err);
}
