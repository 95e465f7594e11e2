/* Unit tests for abi/sys_proc.c, abi/sys_info.c and abi/sys_xattr.c, on
 * the host: ids and credentials (root may set any, others only their
 * own), prctl names cut at 15 bytes, arch_prctl's FS base, futex
 * without another thread (EAGAIN, EINTR, ETIMEDOUT), robust lists, exit
 * statuses, uname/sysinfo/getrandom, resource limits and affinity, and
 * extended attributes on a filesystem without them, with hostile
 * pointers and arguments throughout. */
#include <check.h>
#include "check_run.h"
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

#include <asm/prctl.h>
#include <linux/futex.h>
#include <linux/prctl.h>
#include <linux/random.h>
#include <linux/sysinfo.h>
#include <linux/utsname.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#define A64(p) ((uint64_t)(uintptr_t)(p))

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
}

/* ---- identity ---- */

START_TEST(test_ids)
{
    ck_assert_int_eq(sys_getpid(), 1);
    ck_assert_int_eq(sys_gettid(), 1);
    ck_assert_int_eq(sys_getppid(), 0);
    ck_assert_int_eq(sys_getpgid(0), 1);
    ck_assert_int_eq(sys_getpgid(2), -ESRCH);
    ck_assert_int_eq(sys_getsid(1), 1);
    ck_assert_int_eq(sys_setsid(), -EPERM); /* already a session leader */
    ck_assert_int_eq(sys_setpgid(0, 0), -EPERM); /* a session leader */
    ck_assert_int_eq(sys_setpgid(0, -1), -EINVAL);
    ck_assert_int_eq(sys_setpgid(5, 0), -ESRCH);
    ck_assert_int_eq(sys_getgroups(0, uaddr(0)), 0);
    ck_assert_int_eq(sys_getgroups(-1, uaddr(0)), -EINVAL);
    ck_assert_int_eq(sys_setgroups(65537, uaddr(0)), -EINVAL);
    ck_assert_int_eq(sys_wait4(-1, uaddr(0), 0, uaddr(0)), -ECHILD);
}
END_TEST

START_TEST(test_credentials)
{
    uint32_t r = 9, e = 9, s = 9;
    ck_assert_int_eq(sys_getresuid(U(&r), U(&e), U(&s)), 0);
    ck_assert_uint_eq(r + e + s, 0);
    ck_assert_int_eq(sys_getresuid(U(&r), uaddr(0x10), U(&s)), -EFAULT);
    /* root sets anything; -1 keeps; fsuid follows euid */
    ck_assert_int_eq(sys_setresuid(1000, (uint32_t)-1, 2000), 0);
    ck_assert_int_eq(sys_getuid(), 1000);
    ck_assert_int_eq(sys_geteuid(), 0);
    ck_assert_int_eq(sys_setresgid(5, 6, 7), 0);
    ck_assert_int_eq(sys_getgid(), 5);
    ck_assert_int_eq(sys_getegid(), 6);
    ck_assert_uint_eq(abi_proc->fsgid, 6);
    /* new files are owned by fsuid/fsgid */
    ck_assert_int_eq(sys_setfsuid(42), 0);
    ck_assert_int_eq(sys_setfsuid((uint32_t)-1), 42); /* a query */
    ck_assert_int_eq(sys_mkdir(U("/tmp/owned"), 0755), 0);
    struct lookup lk;
    ck_assert_int_eq(vfs_lookup_at(AT_FDCWD, "/tmp/owned", 0, &lk), 0);
    ck_assert_uint_eq(lk.inode->uid, 42);
    ck_assert_uint_eq(lk.inode->gid, 6);
    lookup_release(&lk);
    /* dropping root: then only the ids already held */
    ck_assert_int_eq(sys_setuid(1000), 0);
    ck_assert_int_eq(sys_getresuid(U(&r), U(&e), U(&s)), 0);
    ck_assert_uint_eq(r, 1000);
    ck_assert_uint_eq(e, 1000);
    ck_assert_uint_eq(s, 1000);
    ck_assert_int_eq(sys_setuid(0), -EPERM);
    ck_assert_int_eq(sys_setresuid(0, (uint32_t)-1, (uint32_t)-1), -EPERM);
    ck_assert_int_eq(sys_setreuid(1000, 1000), 0);
    ck_assert_int_eq(sys_setfsuid(0), 1000); /* refused, but answers */
    ck_assert_uint_eq(abi_proc->fsuid, 1000);
    ck_assert_int_eq(sys_setresgid(6, 6, 6), 0); /* egid 6 is held */
    ck_assert_int_eq(sys_setgid(0), -EPERM);
    ck_assert_int_eq(sys_setregid(7, (uint32_t)-1), -EPERM); /* sgid is 6 now */
}
END_TEST

START_TEST(test_prctl_name)
{
    char name[32];
    ck_assert_int_eq(sys_prctl(PR_SET_NAME, A64("worker"), 0, 0, 0), 0);
    memset(name, 'x', sizeof(name));
    ck_assert_int_eq(sys_prctl(PR_GET_NAME, A64(name), 0, 0, 0), 0);
    ck_assert_str_eq(name, "worker");
    ck_assert_int_eq(sys_prctl(PR_SET_NAME, A64("a-very-long-thread-name"), 0, 0, 0), 0);
    ck_assert_int_eq(sys_prctl(PR_GET_NAME, A64(name), 0, 0, 0), 0);
    ck_assert_str_eq(name, "a-very-long-thr"); /* 15 bytes */
    ck_assert_int_eq(sys_prctl(PR_SET_NAME, A64(""), 0, 0, 0), 0);
    ck_assert_int_eq(sys_prctl(PR_GET_NAME, A64(name), 0, 0, 0), 0);
    ck_assert_str_eq(name, "");
    ck_assert_int_eq(sys_prctl(PR_SET_NAME, 0x10, 0, 0, 0), -EFAULT);
    ck_assert_int_eq(sys_prctl(PR_GET_NAME, 0x10, 0, 0, 0), -EFAULT);
    /* a long name unreadable from its 17th byte: 15 bytes are enough */
    char *p = malloc(32);
    memset(p, 'n', 20);
    shim_bad_range(p + 16, 16);
    ck_assert_int_eq(sys_prctl(PR_SET_NAME, A64(p), 0, 0, 0), 0);
    shim_bad_clear();
    ck_assert_int_eq(sys_prctl(PR_GET_NAME, A64(name), 0, 0, 0), 0);
    ck_assert_str_eq(name, "nnnnnnnnnnnnnnn");
    free(p);
    ck_assert_int_eq(sys_prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
    ck_assert_int_eq(sys_prctl(PR_SET_DUMPABLE, 2, 0, 0, 0), -EINVAL);
    ck_assert_int_eq(sys_prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
    ck_assert_int_eq(sys_prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), -EINVAL);
    ck_assert_int_eq(sys_prctl(-1, 0, 0, 0, 0), -EINVAL);
    /* exactly 15 readable bytes and no NUL: Linux reads no further */
    p = malloc(32);
    memset(p, 'q', 15);
    shim_bad_range(p + 15, 17);
    ck_assert_int_eq(sys_prctl(PR_SET_NAME, A64(p), 0, 0, 0), 0);
    shim_bad_clear();
    ck_assert_int_eq(sys_prctl(PR_GET_NAME, A64(name), 0, 0, 0), 0);
    ck_assert_str_eq(name, "qqqqqqqqqqqqqqq");
    /* 14 readable, no NUL: a fault */
    shim_bad_range(p + 14, 18);
    ck_assert_int_eq(sys_prctl(PR_SET_NAME, A64(p), 0, 0, 0), -EFAULT);
    shim_bad_clear();
    ck_assert_int_eq(sys_prctl(PR_GET_NAME, A64(name), 0, 0, 0), 0);
    ck_assert_str_eq(name, "qqqqqqqqqqqqqqq"); /* unchanged */
    /* a NUL before the unreadable part is a whole name */
    memcpy(p, "short", 6);
    shim_bad_range(p + 6, 26);
    ck_assert_int_eq(sys_prctl(PR_SET_NAME, A64(p), 0, 0, 0), 0);
    shim_bad_clear();
    ck_assert_int_eq(sys_prctl(PR_GET_NAME, A64(name), 0, 0, 0), 0);
    ck_assert_str_eq(name, "short");
    free(p);
}
END_TEST

START_TEST(test_arch_prctl)
{
    uint64_t v = 1;
    ck_assert_int_eq(sys_arch_prctl(ARCH_SET_FS, 0x7fff0000), 0);
    ck_assert_int_eq(sys_arch_prctl(ARCH_GET_FS, A64(&v)), 0);
    ck_assert_uint_eq(v, 0x7fff0000);
    ck_assert_int_eq(sys_arch_prctl(ARCH_SET_FS, CORE_USER_END), -EPERM);
    ck_assert_int_eq(sys_arch_prctl(ARCH_SET_FS, 0xffff800000000000ul), -EPERM);
    ck_assert_int_eq(sys_arch_prctl(ARCH_GET_FS, A64(&v)), 0);
    ck_assert_uint_eq(v, 0x7fff0000); /* unchanged */
    ck_assert_int_eq(sys_arch_prctl(ARCH_GET_FS, 0x10), -EFAULT);
    ck_assert_int_eq(sys_arch_prctl(ARCH_GET_GS, A64(&v)), 0);
    ck_assert_uint_eq(v, 0);
    /* GS as FS, checked on the host: below TASK_SIZE_MAX, else EPERM */
    ck_assert_int_eq(sys_arch_prctl(ARCH_SET_GS, 0x7fff1000), 0);
    ck_assert_int_eq(sys_arch_prctl(ARCH_GET_GS, A64(&v)), 0);
    ck_assert_uint_eq(v, 0x7fff1000);
    ck_assert_uint_eq(core_get_user_gs(), 0x7fff1000);
    ck_assert_int_eq(sys_arch_prctl(ARCH_SET_GS, CORE_USER_END - 1), 0);
    ck_assert_int_eq(sys_arch_prctl(ARCH_SET_GS, CORE_USER_END), -EPERM);
    ck_assert_int_eq(sys_arch_prctl(ARCH_SET_GS, 0xffff800000000000ul), -EPERM);
    ck_assert_int_eq(sys_arch_prctl(ARCH_GET_GS, A64(&v)), 0);
    ck_assert_uint_eq(v, CORE_USER_END - 1); /* unchanged by the refusals */
    ck_assert_int_eq(sys_arch_prctl(ARCH_GET_GS, 0x10), -EFAULT);
    ck_assert_int_eq(sys_arch_prctl(ARCH_SET_GS, 0), 0);
    ck_assert_uint_eq(core_get_user_gs(), 0);
    ck_assert_uint_eq(core_get_user_fs(), 0x7fff0000); /* FS untouched */
    ck_assert_int_eq(sys_arch_prctl(0x9999, 0), -EINVAL);
    ck_assert_int_eq(sys_set_tid_address(uaddr(0x1234)), 1);
    ck_assert_uint_eq(abi_thread->clear_child_tid, 0x1234);
}
END_TEST

START_TEST(test_futex)
{
    uint32_t *word = aligned_alloc(8, 8);
    *word = 5;
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAIT, 4, uaddr(0), uaddr(0), 0), -EAGAIN);
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, uaddr(0), uaddr(0), 0),
                     -ERESTARTSYS); /* interrupted: the shim ends such a sleep */
    struct __kernel_timespec ts = {0, 1000};
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAIT, 5, U(&ts), uaddr(0), 0), -ETIMEDOUT);
    ts.tv_nsec = 1000000000;
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAIT, 5, U(&ts), uaddr(0), 0), -EINVAL);
    ts.tv_sec = -1;
    ts.tv_nsec = 0;
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAIT, 5, U(&ts), uaddr(0), 0), -EINVAL);
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAIT, 5, uaddr(0x10), uaddr(0), 0), -EFAULT);
    /* an absolute deadline in the past */
    ts.tv_sec = 1;
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAIT_BITSET, 5, U(&ts), uaddr(0), ~0u), -ETIMEDOUT);
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, U(&ts),
                               uaddr(0), ~0u), -ETIMEDOUT);
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAIT_BITSET, 5, U(&ts), uaddr(0), 0), -EINVAL);
    /* bad words */
    ck_assert_int_eq(sys_futex(uaddr(A64(word) + 1), FUTEX_WAIT, 5, uaddr(0), uaddr(0), 0), -EINVAL);
    ck_assert_int_eq(sys_futex(uaddr(0x1000), FUTEX_WAIT, 5, uaddr(0), uaddr(0), 0), -EFAULT);
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAKE, 1, uaddr(0), uaddr(0), 0), 0);
    ck_assert_int_eq(sys_futex(U(word), FUTEX_WAKE_BITSET, 1, uaddr(0), uaddr(0), 0), -EINVAL);
    ck_assert_int_eq(sys_futex(U(word), FUTEX_CMP_REQUEUE, 1, uaddr(1), U(word), 5), 0);
    ck_assert_int_eq(sys_futex(U(word), FUTEX_CMP_REQUEUE, 1, uaddr(1), U(word), 6), -EAGAIN);
    free(word);
}
END_TEST

START_TEST(test_robust_list)
{
    uint64_t head = 0, len = 0;
    ck_assert_int_eq(sys_set_robust_list(uaddr(0x5000), 23), -EINVAL);
    ck_assert_int_eq(sys_set_robust_list(uaddr(0x5000), 24), 0);
    ck_assert_int_eq(sys_get_robust_list(0, U(&head), U(&len)), 0);
    ck_assert_uint_eq(head, 0x5000);
    ck_assert_uint_eq(len, 24);
    ck_assert_int_eq(sys_get_robust_list(2, U(&head), U(&len)), -ESRCH);
    ck_assert_int_eq(sys_get_robust_list(0, uaddr(0x10), U(&len)), -EFAULT);
    ck_assert_int_eq(sys_get_robust_list(0, U(&head), uaddr(0x10)), -EFAULT);
}
END_TEST

static int exit_with(int status)
{
    static jmp_buf jb;
    if (setjmp(jb)) {
        shim_catch(NULL);
        return shim_exit_status();
    }
    shim_catch(&jb);
    sys_exit_group(status);
    return -1;
}

START_TEST(test_exit_status)
{
    ck_assert_int_eq(exit_with(0), 0);
    ck_assert_int_eq(exit_with(3), 3);
    ck_assert_int_eq(exit_with(256 + 7), 7); /* the low byte, as waitpid sees it */
    ck_assert_int_eq(exit_with(-1), 255);
}
END_TEST

/* ---- sys_info.c ---- */

START_TEST(test_uname_sysinfo)
{
    struct new_utsname u;
    memset(&u, 'x', sizeof(u));
    ck_assert_int_eq(sys_uname(U(&u)), 0);
    ck_assert_str_eq(u.sysname, "Linux");
    ck_assert_str_eq(u.machine, "x86_64");
    ck_assert_int_eq(u.release[0], '6');
    ck_assert_int_eq(u.nodename[sizeof(u.nodename) - 1], 0);
    ck_assert_int_eq(sys_uname(uaddr(0x10)), -EFAULT);
    struct sysinfo si;
    ck_assert_int_eq(sys_sysinfo(U(&si)), 0);
    ck_assert_uint_eq(si.mem_unit, 1);
    ck_assert_uint_eq(si.procs, 1);
    ck_assert_uint_ge(si.totalram, si.freeram);
    ck_assert_int_eq(sys_sysinfo(uaddr(0x10)), -EFAULT);
    ck_assert_int_eq(sys_umask(0777 | 07000), 022);
    ck_assert_int_eq(sys_umask(0), 0777);
    ck_assert_int_eq(sys_personality(0xffffffff), 0);
}
END_TEST

START_TEST(test_getrandom)
{
    unsigned char a[64], b[64], zero[64] = {0};
    ck_assert_int_eq(sys_getrandom(U(a), sizeof(a), 0), 64);
    ck_assert_int_eq(sys_getrandom(U(b), sizeof(b), GRND_NONBLOCK), 64);
    ck_assert_int_ne(memcmp(a, b, 64), 0);
    ck_assert_int_ne(memcmp(a, zero, 64), 0);
    ck_assert_int_eq(sys_getrandom(U(a), 0, 0), 0);
    ck_assert_int_eq(sys_getrandom(U(a), 1, 0x40), -EINVAL);
    ck_assert_int_eq(sys_getrandom(U(a), 1, GRND_RANDOM | GRND_INSECURE), -EINVAL);
    ck_assert_int_eq(sys_getrandom(uaddr(0x10), 16, 0), -EFAULT);
    /* a buffer that stops being writable: the bytes before, counted */
    unsigned char *p = malloc(2048);
    shim_bad_range(p + 1000, 1048);
    long n = sys_getrandom(U(p), 2048, 0);
    shim_bad_clear();
    ck_assert_int_gt(n, 0);
    ck_assert_int_le(n, 1000);
    free(p);
}
END_TEST

START_TEST(test_rlimits)
{
    struct rlimit64 r = {0, 0};
    ck_assert_int_eq(sys_prlimit64(0, RLIMIT_NOFILE, uaddr(0), U(&r)), 0);
    ck_assert_uint_eq(r.rlim_cur, ABI_NR_OPEN);
    ck_assert_uint_eq(r.rlim_max, ABI_NR_OPEN_HARD);
    ck_assert_int_eq(sys_getrlimit(RLIMIT_STACK, U(&r)), 0);
    ck_assert_uint_eq(r.rlim_cur, 8u << 20);
    r.rlim_cur = 10;
    r.rlim_max = 20;
    ck_assert_int_eq(sys_setrlimit(RLIMIT_CORE, U(&r)), 0);
    struct rlimit64 old;
    ck_assert_int_eq(sys_prlimit64(1, RLIMIT_CORE, uaddr(0), U(&old)), 0);
    ck_assert_uint_eq(old.rlim_cur, 10);
    ck_assert_uint_eq(old.rlim_max, 20);
    /* refused, and nothing changes */
    r.rlim_cur = 30;
    ck_assert_int_eq(sys_setrlimit(RLIMIT_CORE, U(&r)), -EINVAL); /* cur > max */
    r.rlim_cur = r.rlim_max = 2u << 20;
    ck_assert_int_eq(sys_setrlimit(RLIMIT_NOFILE, U(&r)), -EPERM); /* > nr_open */
    ck_assert_int_eq(sys_setrlimit(RLIM_NLIMITS, U(&r)), -EINVAL);
    ck_assert_int_eq(sys_prlimit64(2, RLIMIT_CORE, uaddr(0), U(&old)), -ESRCH);
    ck_assert_int_eq(sys_setrlimit(RLIMIT_CORE, uaddr(0x10)), -EFAULT);
    ck_assert_int_eq(sys_getrlimit(RLIMIT_CORE, uaddr(0)), -EFAULT);
    ck_assert_int_eq(sys_getrlimit(RLIMIT_CORE, uaddr(0x10)), -EFAULT);
    ck_assert_int_eq(sys_prlimit64(0, RLIMIT_CORE, uaddr(0), U(&old)), 0);
    ck_assert_uint_eq(old.rlim_cur, 10);
    /* a non-root process may lower the hard limit but not raise it */
    ck_assert_int_eq(sys_setresuid(1, 1, 1), 0);
    r.rlim_cur = 5;
    r.rlim_max = 15;
    ck_assert_int_eq(sys_setrlimit(RLIMIT_CORE, U(&r)), 0);
    r.rlim_max = 16;
    ck_assert_int_eq(sys_setrlimit(RLIMIT_CORE, U(&r)), -EPERM);
}
END_TEST

START_TEST(test_sched)
{
    uint64_t mask[2] = {0, 0};
    ck_assert_int_eq(sys_sched_getaffinity(0, 16, U(mask)), 8);
    ck_assert_uint_eq(mask[0], 1);
    ck_assert_int_eq(sys_sched_getaffinity(0, 4, U(mask)), -EINVAL);
    ck_assert_int_eq(sys_sched_getaffinity(0, 12, U(mask)), -EINVAL);
    ck_assert_int_eq(sys_sched_getaffinity(9, 8, U(mask)), -ESRCH);
    ck_assert_int_eq(sys_sched_getaffinity(0, 8, uaddr(0x10)), -EFAULT);
    mask[0] = 3;
    ck_assert_int_eq(sys_sched_setaffinity(0, 8, U(mask)), 0);
    mask[0] = 2; /* no CPU we have */
    ck_assert_int_eq(sys_sched_setaffinity(0, 8, U(mask)), -EINVAL);
    ck_assert_int_eq(sys_sched_setaffinity(0, 8, uaddr(0x10)), -EFAULT);
    ck_assert_int_eq(sys_sched_setaffinity(3, 8, U(mask)), -ESRCH);
    unsigned cpu = 9;
    ck_assert_int_eq(sys_getcpu(U(&cpu), uaddr(0), uaddr(0)), 0);
    ck_assert_uint_eq(cpu, 0);
    ck_assert_int_eq(sys_getcpu(uaddr(0x10), uaddr(0), uaddr(0)), -EFAULT);
    ck_assert_int_eq(sys_getpriority(0, 0), 20);
    ck_assert_int_eq(sys_getpriority(3, 0), -EINVAL);
    ck_assert_int_eq(sys_getpriority(0, 5), -ESRCH);
    ck_assert_int_eq(sys_sched_getscheduler(0), 0);
    ck_assert_int_eq(sys_sched_getscheduler(-1), -EINVAL);
    int prio = 7;
    ck_assert_int_eq(sys_sched_getparam(0, U(&prio)), 0);
    ck_assert_int_eq(prio, 0);
    ck_assert_int_eq(sys_sched_getparam(0, uaddr(0x10)), -EFAULT);
    ck_assert_int_eq(sys_sched_get_priority_max(1), 99);
    ck_assert_int_eq(sys_sched_get_priority_min(2), 1);
    ck_assert_int_eq(sys_sched_get_priority_max(0), 0);
    ck_assert_int_eq(sys_sched_get_priority_max(4), -EINVAL);
}
END_TEST

/* ---- sys_xattr.c ---- */

START_TEST(test_xattr)
{
    char v[8];
    ck_assert_int_eq(sys_symlink(U("/tmp"), U("/l")), 0);
    ck_assert_int_eq(sys_getxattr(U("/tmp"), U("user.x"), U(v), 8), -ENODATA);
    ck_assert_int_eq(sys_lgetxattr(U("/l"), U("user.x"), U(v), 8), -ENODATA);
    ck_assert_int_eq(sys_getxattr(U("/nope"), U("user.x"), U(v), 8), -ENOENT);
    ck_assert_int_eq(sys_getxattr(uaddr(0x10), U("user.x"), U(v), 8), -EFAULT);
    ck_assert_int_eq(sys_listxattr(U("/tmp"), U(v), 8), 0);
    ck_assert_int_eq(sys_llistxattr(U("/l"), U(v), 8), 0);
    ck_assert_int_eq(sys_setxattr(U("/tmp"), U("user.x"), U(v), 1, 0), -EOPNOTSUPP);
    ck_assert_int_eq(sys_lsetxattr(U("/nope"), U("user.x"), U(v), 1, 0), -ENOENT);
    long fd = sys_openat(AT_FDCWD, U("/tmp"), O_RDONLY, 0);
    ck_assert_int_eq(sys_fgetxattr((int)fd, U("user.x"), U(v), 8), -ENODATA);
    ck_assert_int_eq(sys_flistxattr((int)fd, U(v), 8), 0);
    ck_assert_int_eq(sys_fsetxattr((int)fd, U("user.x"), U(v), 1, 0), -EOPNOTSUPP);
    ck_assert_int_eq(sys_fgetxattr(99, U("user.x"), U(v), 8), -EBADF);
}
END_TEST

static Suite *proc_suite(void)
{
    Suite *s = suite_create("abi_proc");
    TCase *tc = tcase_create("proc");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_ids);
    tcase_add_test(tc, test_credentials);
    tcase_add_test(tc, test_prctl_name);
    tcase_add_test(tc, test_arch_prctl);
    tcase_add_test(tc, test_futex);
    tcase_add_test(tc, test_robust_list);
    tcase_add_test(tc, test_exit_status);
    suite_add_tcase(s, tc);
    tc = tcase_create("info");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_uname_sysinfo);
    tcase_add_test(tc, test_getrandom);
    tcase_add_test(tc, test_rlimits);
    tcase_add_test(tc, test_sched);
    tcase_add_test(tc, test_xattr);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(proc_suite());
}
