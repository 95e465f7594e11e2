/* Unit tests for abi/sys_signal.c, on the host: rt_sigaction and
 * rt_sigprocmask keep Linux's state and refuse what Linux refuses
 * (SIGKILL/SIGSTOP, bad sizes and numbers, bad pointers), sigaltstack's
 * checks, what exec resets, and what kill/tgkill/tkill to ourselves do
 * without a signal frame: ignore, exit with 128+N, or drop. */
#include <check.h>
#include "check_run.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/time_types.h>
#define _LINUX_TIME_H /* the C library's struct timeval and timespec stand */

#include "guest_host.h"
#include "abi_int.h"
#include "sys.h"
#include "core_shim.h"

#include <signal.h> /* the C library's: same numbers, no clash with check.h */

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#define BIT(s) (1ull << ((s)-1))

struct kstack { /* stack_t on x86-64 */
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
};

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
}

START_TEST(test_sigaction)
{
    struct sigaction_user act = {.handler = 0x401234, .flags = 0x04000000, .restorer = 0x401000,
                                 .mask = BIT(SIGUSR2) | BIT(SIGKILL) | BIT(SIGSTOP)};
    struct sigaction_user old;
    memset(&old, 0xff, sizeof(old));
    ck_assert_int_eq(sys_rt_sigaction(SIGUSR1, U(&act), U(&old), 8), 0);
    ck_assert_uint_eq(old.handler, 0); /* SIG_DFL before */
    ck_assert_int_eq(sys_rt_sigaction(SIGUSR1, uaddr(0), U(&old), 8), 0);
    ck_assert_uint_eq(old.handler, 0x401234);
    ck_assert_uint_eq(old.restorer, 0x401000);
    ck_assert_uint_eq(old.mask, BIT(SIGUSR2)); /* KILL and STOP cannot be masked */
    ck_assert_int_eq(sys_rt_sigaction(ABI_NSIG, U(&act), uaddr(0), 8), 0);
    /* refused */
    ck_assert_int_eq(sys_rt_sigaction(SIGKILL, U(&act), uaddr(0), 8), -EINVAL);
    ck_assert_int_eq(sys_rt_sigaction(SIGSTOP, U(&act), uaddr(0), 8), -EINVAL);
    ck_assert_int_eq(sys_rt_sigaction(SIGKILL, uaddr(0), U(&old), 8), 0); /* a query is fine */
    ck_assert_int_eq(sys_rt_sigaction(0, uaddr(0), U(&old), 8), -EINVAL);
    ck_assert_int_eq(sys_rt_sigaction(ABI_NSIG + 1, uaddr(0), U(&old), 8), -EINVAL);
    ck_assert_int_eq(sys_rt_sigaction(-1, uaddr(0), U(&old), 8), -EINVAL);
    ck_assert_int_eq(sys_rt_sigaction(SIGUSR1, U(&act), uaddr(0), 4), -EINVAL);
    ck_assert_int_eq(sys_rt_sigaction(SIGUSR1, U(&act), uaddr(0), 16), -EINVAL);
    act.handler = 0x999;
    ck_assert_int_eq(sys_rt_sigaction(SIGUSR1, uaddr(0x10), uaddr(0), 8), -EFAULT);
    ck_assert_int_eq(sys_rt_sigaction(SIGUSR1, uaddr(0), uaddr(0x10), 8), -EFAULT);
    ck_assert_int_eq(sys_rt_sigaction(SIGUSR1, uaddr(0), U(&old), 8), 0);
    ck_assert_uint_eq(old.handler, 0x401234); /* unchanged by the failures */
    /* exec: handlers go back to SIG_DFL, ignored signals stay ignored */
    struct sigaction_user ign = {.handler = 1 /* SIG_IGN */};
    ck_assert_int_eq(sys_rt_sigaction(SIGPIPE, U(&ign), uaddr(0), 8), 0);
    struct kstack ss = {.sp = 0x700000, .size = 8192};
    ck_assert_int_eq(sys_sigaltstack(U(&ss), uaddr(0), 0), 0);
    signals_reset_on_exec(abi_proc);
    ck_assert_int_eq(sys_rt_sigaction(SIGUSR1, uaddr(0), U(&old), 8), 0);
    ck_assert_uint_eq(old.handler, 0);
    ck_assert_uint_eq(old.mask, 0);
    ck_assert_int_eq(sys_rt_sigaction(SIGPIPE, uaddr(0), U(&old), 8), 0);
    ck_assert_uint_eq(old.handler, 1);
    ck_assert_int_eq(sys_sigaltstack(uaddr(0), U(&ss), 0), 0);
    ck_assert_int_eq(ss.flags, SS_DISABLE);
}
END_TEST

START_TEST(test_sigprocmask)
{
    uint64_t set = BIT(SIGINT) | BIT(SIGKILL) | BIT(SIGSTOP) | BIT(SIGUSR1), old = 77;
    ck_assert_int_eq(sys_rt_sigprocmask(SIG_BLOCK, U(&set), U(&old), 8), 0);
    ck_assert_uint_eq(old, 0);
    ck_assert_int_eq(sys_rt_sigprocmask(SIG_SETMASK, uaddr(0), U(&old), 8), 0);
    ck_assert_uint_eq(old, BIT(SIGINT) | BIT(SIGUSR1));
    set = BIT(SIGINT);
    ck_assert_int_eq(sys_rt_sigprocmask(SIG_UNBLOCK, U(&set), uaddr(0), 8), 0);
    ck_assert_uint_eq(abi_thread->sigmask, BIT(SIGUSR1));
    set = ~0ull;
    ck_assert_int_eq(sys_rt_sigprocmask(SIG_SETMASK, U(&set), uaddr(0), 8), 0);
    ck_assert_uint_eq(abi_thread->sigmask, ~0ull & ~(BIT(SIGKILL) | BIT(SIGSTOP)));
    /* refused, and the mask is as it was */
    ck_assert_int_eq(sys_rt_sigprocmask(3, U(&set), uaddr(0), 8), -EINVAL);
    ck_assert_int_eq(sys_rt_sigprocmask(-1, U(&set), uaddr(0), 8), -EINVAL);
    ck_assert_int_eq(sys_rt_sigprocmask(77, uaddr(0), U(&old), 8), 0); /* how unused */
    ck_assert_int_eq(sys_rt_sigprocmask(SIG_BLOCK, U(&set), uaddr(0), 7), -EINVAL);
    ck_assert_int_eq(sys_rt_sigprocmask(SIG_BLOCK, uaddr(0x10), uaddr(0), 8), -EFAULT);
    set = 0;
    ck_assert_int_eq(sys_rt_sigprocmask(SIG_SETMASK, U(&set), uaddr(0x10), 8), -EFAULT);
    ck_assert_uint_eq(abi_thread->sigmask, ~0ull & ~(BIT(SIGKILL) | BIT(SIGSTOP)));
    /* nothing pending, in any size up to a sigset */
    uint64_t pend = ~0ull;
    ck_assert_int_eq(sys_rt_sigpending(U(&pend), 8), 0);
    ck_assert_uint_eq(pend, 0);
    pend = ~0ull;
    ck_assert_int_eq(sys_rt_sigpending(U(&pend), 4), 0);
    ck_assert_uint_eq(pend, 0xffffffff00000000ull);
    ck_assert_int_eq(sys_rt_sigpending(U(&pend), 9), -EINVAL);
    ck_assert_int_eq(sys_rt_sigpending(uaddr(0x10), 8), -EFAULT);
}
END_TEST

START_TEST(test_sigaltstack)
{
    struct kstack ss = {.sp = 0x7000000, .flags = 0, .size = 2048}, old;
    memset(&old, 0xff, sizeof(old));
    ck_assert_int_eq(sys_sigaltstack(U(&ss), U(&old), 0), 0);
    ck_assert_int_eq(old.flags, SS_DISABLE);
    ck_assert_uint_eq(old.size, 0);
    ck_assert_int_eq(sys_sigaltstack(uaddr(0), U(&old), 0), 0);
    ck_assert_uint_eq(old.sp, 0x7000000);
    ck_assert_uint_eq(old.size, 2048);
    ck_assert_int_eq(old.flags, 0);
    /* too small, bad flags, bad pointers: refused, state kept */
    ss.size = 2047;
    ck_assert_int_eq(sys_sigaltstack(U(&ss), uaddr(0), 0), -ENOMEM);
    ss.size = 4096;
    ss.flags = 0x1234;
    ck_assert_int_eq(sys_sigaltstack(U(&ss), uaddr(0), 0), -EINVAL);
    ss.flags = 0;
    ck_assert_int_eq(sys_sigaltstack(uaddr(0x10), uaddr(0), 0), -EFAULT);
    ck_assert_int_eq(sys_sigaltstack(U(&ss), uaddr(0x10), 0), -EFAULT);
    ck_assert_int_eq(sys_sigaltstack(uaddr(0), U(&old), 0), 0);
    ck_assert_uint_eq(old.size, 2048);
    /* SS_AUTODISARM is kept and reported; SS_DISABLE ignores the size */
    ss.flags = (int32_t)(1u << 31);
    ck_assert_int_eq(sys_sigaltstack(U(&ss), uaddr(0), 0), 0);
    ck_assert_int_eq(sys_sigaltstack(uaddr(0), U(&old), 0), 0);
    ck_assert_int_eq(old.flags, (int32_t)(1u << 31));
    ss.flags = SS_DISABLE;
    ss.size = 1;
    ck_assert_int_eq(sys_sigaltstack(U(&ss), uaddr(0), 0), 0);
    ck_assert_int_eq(sys_sigaltstack(uaddr(0), U(&old), 0), 0);
    ck_assert_int_eq(old.flags, SS_DISABLE);
    ck_assert_uint_eq(old.size, 0);
}
END_TEST

/* Send sig with kill(pid); returns the result, or 1000 + exit status. */
static long kill_self(int pid, int sig)
{
    static jmp_buf jb;
    if (setjmp(jb)) {
        shim_catch(NULL);
        return 1000 + shim_exit_status();
    }
    shim_catch(&jb);
    long r = sys_kill(pid, sig);
    static uint64_t stack[1024];
    struct core_uregs regs;
    memset(&regs, 0, sizeof(regs));
    regs.orig_rax = (uint64_t)-1;
    regs.rsp = (uint64_t)&stack[1024];
    signal_deliver(&regs); /* on the way back to user mode */
    shim_catch(NULL);
    return r;
}

START_TEST(test_kill_self)
{
    ck_assert_int_eq(kill_self(1, 0), 0); /* existence check */
    ck_assert_int_eq(kill_self(0, 0), 0);
    ck_assert_int_eq(kill_self(2, 0), -ESRCH);
    ck_assert_int_eq(kill_self(-5, SIGTERM), -ESRCH);
    ck_assert_int_eq(kill_self(1, -1), -EINVAL);
    ck_assert_int_eq(kill_self(1, ABI_NSIG + 1), -EINVAL);
    ck_assert_int_eq(kill_self(1, SIGCHLD), 0);  /* ignored by default */
    ck_assert_int_eq(kill_self(1, SIGWINCH), 0);
    ck_assert_int_eq(kill_self(1, SIGTSTP), 0);  /* a stop: nobody would continue */
    ck_assert_int_eq(kill_self(1, SIGSTOP), 0);
    ck_assert_int_eq(kill_self(1, SIGTERM), 1000 + 128 + SIGTERM);
    ck_assert_int_eq(kill_self(0, SIGINT), 1000 + 128 + SIGINT);
    ck_assert_int_eq(kill_self(1, SIGKILL), 1000 + 128 + SIGKILL);
    /* ignored, blocked, or with a handler: it does not end us */
    struct sigaction_user ign = {.handler = 1},
                          h = {.handler = 0x401000, .flags = 0x04000000 /* SA_RESTORER */, .restorer = 0x401100};
    ck_assert_int_eq(sys_rt_sigaction(SIGTERM, U(&ign), uaddr(0), 8), 0);
    ck_assert_int_eq(kill_self(1, SIGTERM), 0);
    ck_assert_int_eq(sys_rt_sigaction(SIGHUP, U(&h), uaddr(0), 8), 0);
    ck_assert_int_eq(kill_self(1, SIGHUP), 0);
    uint64_t set = BIT(SIGUSR1) | BIT(SIGKILL);
    ck_assert_int_eq(sys_rt_sigprocmask(SIG_BLOCK, U(&set), uaddr(0), 8), 0);
    ck_assert_int_eq(kill_self(1, SIGUSR1), 0);
    /* but SIGKILL always does, ignored or "blocked" */
    ck_assert_int_eq(kill_self(1, SIGKILL), 1000 + 128 + SIGKILL);
    /* tgkill and tkill check their ids first */
    ck_assert_int_eq(sys_tgkill(0, 1, 0), -EINVAL);
    ck_assert_int_eq(sys_tgkill(1, -1, 0), -EINVAL);
    ck_assert_int_eq(sys_tgkill(1, 2, 0), -ESRCH);
    ck_assert_int_eq(sys_tgkill(1, 1, 0), 0);
    ck_assert_int_eq(sys_tgkill(1, 1, 99), -EINVAL);
    ck_assert_int_eq(sys_tkill(0, 0), -EINVAL);
    ck_assert_int_eq(sys_tkill(7, 0), -ESRCH);
    ck_assert_int_eq(sys_tkill(1, SIGTERM), 0); /* ignored above */
    /* kill(-1) skips the caller (and init): with nobody else, -ESRCH
     * before the signal is looked at, as on Linux */
    ck_assert_int_eq(kill_self(-1, SIGINT), -ESRCH);
    ck_assert_int_eq(kill_self(-1, SIGKILL), -ESRCH);
    ck_assert_int_eq(kill_self(-1, 0), -ESRCH);
    ck_assert_int_eq(kill_self(-1, 99), -ESRCH);
    ck_assert_int_eq(kill_self(-2, 99), -ESRCH);
    ck_assert_int_eq(kill_self(INT_MIN, 0), -ESRCH);
    ck_assert_int_eq(kill_self(7, 99), -ESRCH);
    /* kill(0) is our own group: the signal is checked and delivered */
    ck_assert_int_eq(kill_self(0, 99), -EINVAL);
    ck_assert_int_eq(kill_self(0, SIGKILL), 1000 + 128 + SIGKILL);
}
END_TEST

static Suite *signal_suite(void)
{
    Suite *s = suite_create("abi_signal");
    TCase *tc = tcase_create("signal");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_sigaction);
    tcase_add_test(tc, test_sigprocmask);
    tcase_add_test(tc, test_sigaltstack);
    tcase_add_test(tc, test_kill_self);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(signal_suite());
}
