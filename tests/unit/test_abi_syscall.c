/* Unit tests for abi/syscall.c and abi/trap.c, on the host: the dispatch
 * table takes its arguments from the right registers, numbers without a
 * handler (or out of range, or huge) give ENOSYS and are reported once by
 * name, and user faults end the VM with 128 + the signal a shell shows. */
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

#include <asm/unistd.h>

#define A64(p) ((uint64_t)(uintptr_t)(p))

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
    ck_assert_int_eq(console_open_stdio(), 0);
}

static long call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                 uint64_t a4, uint64_t a5)
{
    struct core_uregs r;
    memset(&r, 0x5a, sizeof(r)); /* junk everywhere else */
    r.orig_rax = nr;
    r.rdi = a0;
    r.rsi = a1;
    r.rdx = a2;
    r.r10 = a3;
    r.r8 = a4;
    r.r9 = a5;
    return syscall_dispatch(&r);
}

START_TEST(test_dispatch_arguments)
{
    ck_assert_int_eq(call(__NR_getpid, 0, 0, 0, 0, 0, 0), 1);
    ck_assert_int_eq(call(__NR_write, 1, A64("abc"), 3, 0, 0, 0), 3);
    ck_assert_str_eq(shim_console_out(CORE_STDOUT), "abc");
    ck_assert_int_eq(call(__NR_write, 2, A64("xyz"), 2, 0, 0, 0), 2);
    ck_assert_str_eq(shim_console_out(CORE_STDERR), "xy");
    /* the fourth argument comes from r10, not rcx */
    long fd = call(__NR_openat, (uint64_t)AT_FDCWD, A64("/tmp/f"), O_CREAT | O_RDWR, 0640, 0, 0);
    ck_assert_int_eq(fd, 3);
    ck_assert_uint_eq(fd_get(3)->inode->mode, S_IFREG | 0640);
    ck_assert_int_eq(call(__NR_pwrite64, 3, A64("hello"), 5, 100, 0, 0), 5);
    ck_assert_uint_eq(fd_get(3)->inode->size, 105);
    /* the fifth and sixth from r8 and r9 */
    long a = call(__NR_mmap, 0x20000000, 4096, 3, 0x22 | 0x10, (uint64_t)-1, 0);
    ck_assert_int_eq(a, 0x20000000); /* MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED */
    ck_assert_ptr_nonnull(vma_find(abi_proc->mm, 0x20000000));
    /* 32-bit arguments are the low halves of the registers */
    ck_assert_int_eq(call(__NR_close, 0xffffffff00000003ul, 0, 0, 0, 0, 0), 0);
    ck_assert_int_eq(call(__NR_close, 3, 0, 0, 0, 0, 0), -EBADF);
    ck_assert_int_eq(call(__NR_umask, 01077, 0, 0, 0, 0, 0), 022);
    ck_assert_int_eq(call(__NR_umask, 0, 0, 0, 0, 0, 0), 077);
}
END_TEST

START_TEST(test_dispatch_unknown)
{
    ck_assert_int_eq(call(__NR_init_module, 2, 1, 0, 0, 0, 0), -ENOSYS);
    ck_assert_ptr_nonnull(strstr(shim_log_last(), "init_module"));
    ck_assert_int_eq(call(__NR_delete_module, 0, 0, 0, 0, 0, 0), -ENOSYS);
    ck_assert_ptr_nonnull(strstr(shim_log_last(), "delete_module"));
    /* reported once: a second init_module leaves the last report alone */
    ck_assert_int_eq(call(__NR_init_module, 0, 0, 0, 0, 0, 0), -ENOSYS);
    ck_assert_ptr_nonnull(strstr(shim_log_last(), "delete_module"));
    /* holes, the end of the table, past it, and the -1 of a ptrace skip */
    ck_assert_int_eq(call(335, 0, 0, 0, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(call(511, 0, 0, 0, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(call(512, 0, 0, 0, 0, 0, 0), -ENOSYS);
    ck_assert_ptr_nonnull(strstr(shim_log_last(), "out of range"));
    ck_assert_int_eq(call(1ul << 40, 0, 0, 0, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(call(~0ul, 0, 0, 0, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(call(0x40000000 | __NR_getpid, 0, 0, 0, 0, 0, 0), -ENOSYS); /* x32 */
}
END_TEST

/* ---- user faults ---- */

static int fault_exit(int vector)
{
    static jmp_buf jb;
    struct core_uregs r;
    memset(&r, 0, sizeof(r));
    r.rip = 0x401000;
    int how = setjmp(jb);
    if (how == 0) {
        shim_catch(&jb);
        trap_handler(vector, 0, 0x1234, &r);
        signal_deliver(&r); /* on the way back to user mode */
        shim_catch(NULL);
        return -1; /* returned: the fault was not fatal */
    }
    shim_catch(NULL);
    ck_assert_int_eq(how, 2);
    return shim_exit_status();
}

START_TEST(test_trap_signals)
{
    ck_assert_int_eq(fault_exit(14), 128 + 11); /* #PF: SIGSEGV */
    ck_assert_ptr_nonnull(strstr(shim_log_last(), "SIGSEGV"));
    ck_assert_ptr_nonnull(strstr(shim_log_last(), "0x401000"));
    ck_assert_int_eq(fault_exit(13), 128 + 11); /* #GP */
    ck_assert_int_eq(fault_exit(0), 128 + 8);   /* #DE: SIGFPE */
    ck_assert_int_eq(fault_exit(19), 128 + 8);  /* #XM */
    ck_assert_int_eq(fault_exit(6), 128 + 4);   /* #UD: SIGILL */
    ck_assert_int_eq(fault_exit(3), 128 + 5);   /* int3: SIGTRAP */
    ck_assert_int_eq(fault_exit(17), 128 + 7);  /* #AC: SIGBUS */
    ck_assert_int_eq(fault_exit(-1), 128 + 11);
    ck_assert_int_eq(fault_exit(255), 128 + 11);
    /* a page fault that failed for memory: SIGKILL, as the OOM killer */
    mm_oom_kill = true;
    ck_assert_int_eq(fault_exit(14), 128 + 9);
    ck_assert_int_eq(fault_exit(13), 128 + 11);
}
END_TEST

static Suite *syscall_suite(void)
{
    Suite *s = suite_create("abi_syscall");
    TCase *tc = tcase_create("syscall");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_dispatch_arguments);
    tcase_add_test(tc, test_dispatch_unknown);
    tcase_add_test(tc, test_trap_signals);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(syscall_suite());
}
