/* Unit tests for abi/fd.c, abi/console_file.c and the descriptor syscalls
 * of abi/sys_fd.c, on the host: the fd table (lowest free slot, limits,
 * close-on-exec), dup/dup2/dup3, fcntl, ioctl, poll/ppoll, select/pselect6
 * and close_range, with hostile arguments (bad descriptors, counts past
 * the limit, bad and half-bad user pointers, bad timeouts) answered with
 * Linux's errno. */
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

#include <asm/ioctls.h>
#include <asm/poll.h>
#include <linux/close_range.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#define A64(p) ((uint64_t)(uintptr_t)(p)) /* for fcntl and ioctl arguments */

/* The kernel's fd_set: 1024 bits. */
struct kfds {
    uint64_t b[16];
};

static bool isset(const struct kfds *s, int fd)
{
    return (s->b[fd / 64] >> (fd % 64)) & 1;
}

static void set(struct kfds *s, int fd)
{
    s->b[fd / 64] |= 1ull << (fd % 64);
}

static int file_fd;

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
    ck_assert_int_eq(console_open_stdio(), 0); /* 0, 1, 2 */
    long fd = sys_openat(AT_FDCWD, U("/tmp/f"), O_CREAT | O_RDWR, 0644);
    ck_assert_int_eq(fd, 3);
    file_fd = (int)fd;
    ck_assert_int_eq(sys_write(file_fd, U("0123456789"), 10), 10);
}

/* ---- the table ---- */

START_TEST(test_console_stdio)
{
    for (int fd = 0; fd < 3; fd++) {
        ck_assert_ptr_nonnull(fd_get(fd));
        ck_assert_ptr_eq(fd_get(fd)->inode, console_inode());
    }
    ck_assert_uint_eq(fd_get(0)->flags & O_ACCMODE, O_RDONLY);
    ck_assert_uint_eq(fd_get(1)->flags & O_ACCMODE, O_WRONLY);
    ck_assert_int_eq(sys_write(1, U("out"), 3), 3);
    ck_assert_int_eq(sys_write(2, U("err"), 3), 3);
    ck_assert_str_eq(shim_console_out(CORE_STDOUT), "out");
    ck_assert_str_eq(shim_console_out(CORE_STDERR), "err");
    ck_assert_int_eq(sys_write(0, U("x"), 1), -EBADF);
    ck_assert_int_eq(sys_lseek(1, 0, SEEK_SET), -ESPIPE);
    ck_assert_int_eq(sys_pwrite64(1, U("x"), 1, 0), -ESPIPE);
    ck_assert_int_eq(sys_ioctl(1, TCGETS, 0), -ENOTTY);
    /* a dup2'd stderr writes where fd 2 writes */
    ck_assert_int_eq(sys_dup2(2, 1), 1);
    ck_assert_int_eq(sys_write(1, U("!"), 1), 1);
    ck_assert_str_eq(shim_console_out(CORE_STDERR), "err!");
    /* stdin: what the host sends, then EOF */
    char buf[8] = {0};
    shim_console_input("in", 2);
    ck_assert_int_eq(sys_read(0, U(buf), sizeof(buf)), 2);
    ck_assert_str_eq(buf, "in");
    ck_assert_int_eq(sys_read(0, U(buf), sizeof(buf)), 0);
    shim_console_input("lost", 4);
    ck_assert_int_eq(sys_read(0, uaddr(0x40), 4), -EFAULT);
    /* a write from a half-bad buffer: what was readable, once */
    char *p = malloc(16);
    memcpy(p, "abcdefgh", 8);
    shim_bad_range(p + 4, 12);
    ck_assert_int_eq(sys_write(2, U(p), 8), -EFAULT); /* within one chunk */
    shim_bad_clear();
    ck_assert_str_eq(shim_console_out(CORE_STDERR), "err!");
    free(p);
    /* long writes go in chunks; a fault in a later chunk keeps the earlier */
    char *big = malloc(10000);
    memset(big, 'b', 10000);
    shim_console_reset();
    ck_assert_int_eq(sys_write(2, U(big), 10000), 10000);
    ck_assert_uint_eq(shim_console_len(CORE_STDERR), 10000);
    shim_bad_range(big + 5000, 100);
    ck_assert_int_eq(sys_write(2, U(big), 10000), 4096);
    shim_bad_clear();
    ck_assert_uint_eq(shim_console_len(CORE_STDERR), 14096);
    free(big);
}
END_TEST

START_TEST(test_dup_lowest_and_limits)
{
    ck_assert_int_eq(sys_dup(file_fd), 4);
    ck_assert_int_eq(sys_close(1), 0);
    ck_assert_int_eq(sys_dup(file_fd), 1); /* lowest free */
    ck_assert_int_eq(fd_get(1)->refs, 3);
    ck_assert_int_eq(sys_dup(-1), -EBADF);
    ck_assert_int_eq(sys_dup(ABI_NR_OPEN), -EBADF);
    ck_assert_int_eq(sys_dup(77), -EBADF);
    /* the soft limit: 6 slots, 0..4 used, one left */
    abi_proc->rlim[RLIMIT_NOFILE].rlim_cur = 6;
    ck_assert_int_eq(sys_dup(file_fd), 5);
    ck_assert_int_eq(sys_dup(file_fd), -EMFILE);
    ck_assert_int_eq(sys_fcntl(file_fd, F_DUPFD, 6), -EINVAL);
    ck_assert_int_eq(sys_dup2(file_fd, 6), -EBADF);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("/tmp/f"), O_RDONLY, 0), -EMFILE);
    ck_assert_int_eq(fd_get(3)->refs, 4); /* 3, 4, 1, 5: failures took none */
}
END_TEST

START_TEST(test_dup2_dup3)
{
    struct file *f = fd_get(file_fd);
    ck_assert_int_eq(sys_dup2(file_fd, file_fd), file_fd);
    ck_assert_int_eq(sys_dup2(50, 50), -EBADF);
    ck_assert_int_eq(sys_dup2(50, 51), -EBADF);
    ck_assert_int_eq(sys_dup2(file_fd, -1), -EBADF);
    ck_assert_int_eq(sys_dup2(file_fd, ABI_NR_OPEN), -EBADF);
    ck_assert_int_eq(sys_dup2(file_fd, 100), 100);
    ck_assert_ptr_eq(fd_get(100), f);
    ck_assert(!fd_cloexec(100));
    /* over an open descriptor: the old file loses a reference */
    struct file *con = fd_get(0);
    file_get(con);
    ck_assert_uint_eq(con->refs, 2);
    ck_assert_int_eq(sys_dup2(file_fd, 0), 0);
    ck_assert_uint_eq(con->refs, 1);
    ck_assert_ptr_eq(fd_get(0), f);
    file_put(con);
    ck_assert_int_eq(sys_dup3(file_fd, file_fd, 0), -EINVAL);
    ck_assert_int_eq(sys_dup3(file_fd, 7, O_NONBLOCK), -EINVAL);
    ck_assert_int_eq(sys_dup3(file_fd, 7, O_CLOEXEC), 7);
    ck_assert(fd_cloexec(7));
    ck_assert_int_eq(sys_dup3(60, 7, 0), -EBADF);
    ck_assert_ptr_eq(fd_get(7), f); /* untouched by the failed call */
    /* the shared offset */
    ck_assert_int_eq(sys_lseek(7, 3, SEEK_SET), 3);
    ck_assert_int_eq(sys_lseek(file_fd, 0, SEEK_CUR), 3);
    /* close-on-exec closes exactly those */
    fd_close_on_exec();
    ck_assert_ptr_null(fd_get(7));
    ck_assert_ptr_nonnull(fd_get(100));
}
END_TEST

START_TEST(test_fcntl)
{
    ck_assert_int_eq(sys_fcntl(file_fd, F_DUPFD, 10), 10);
    ck_assert_int_eq(sys_fcntl(file_fd, F_DUPFD, 10), 11);
    ck_assert_int_eq(sys_fcntl(file_fd, F_DUPFD_CLOEXEC, 0), 4);
    ck_assert_int_eq(sys_fcntl(4, F_GETFD, 0), FD_CLOEXEC);
    ck_assert_int_eq(sys_fcntl(10, F_GETFD, 0), 0);
    ck_assert_int_eq(sys_fcntl(10, F_SETFD, FD_CLOEXEC), 0);
    ck_assert_int_eq(sys_fcntl(10, F_GETFD, 0), FD_CLOEXEC);
    ck_assert_int_eq(sys_fcntl(file_fd, F_DUPFD, ABI_NR_OPEN), -EINVAL);
    ck_assert_int_eq(sys_fcntl(file_fd, F_DUPFD, (uint64_t)-1), -EINVAL);
    ck_assert_int_eq(sys_fcntl(file_fd, 9999, 0), -EINVAL);
    ck_assert_int_eq(sys_fcntl(42, F_GETFL, 0), -EBADF);
    /* status flags: O_APPEND and O_NONBLOCK change, the access mode not */
    long fl = sys_fcntl(file_fd, F_GETFL, 0);
    ck_assert_int_eq(fl & O_ACCMODE, O_RDWR);
    ck_assert_int_eq(sys_fcntl(file_fd, F_SETFL, O_APPEND | O_NONBLOCK | O_WRONLY), 0);
    fl = sys_fcntl(file_fd, F_GETFL, 0);
    ck_assert_int_eq(fl & O_ACCMODE, O_RDWR);
    ck_assert(fl & O_APPEND);
    ck_assert(fl & O_NONBLOCK);
    ck_assert_int_eq(sys_write(file_fd, U("A"), 1), 1);
    ck_assert_uint_eq(fd_get(file_fd)->inode->size, 11);
    long p = sys_openat(AT_FDCWD, U("/tmp/f"), O_PATH, 0);
    ck_assert_int_eq(sys_fcntl((int)p, F_SETFL, O_APPEND), -EBADF);
    /* record locks: nobody else holds one */
    struct flock fl1 = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 5};
    ck_assert_int_eq(sys_fcntl(file_fd, F_GETLK, A64(&fl1)), 0);
    ck_assert_int_eq(fl1.l_type, F_UNLCK);
    fl1.l_type = F_RDLCK;
    ck_assert_int_eq(sys_fcntl(file_fd, F_SETLK, A64(&fl1)), 0);
    fl1.l_type = 7;
    ck_assert_int_eq(sys_fcntl(file_fd, F_SETLK, A64(&fl1)), -EINVAL);
    ck_assert_int_eq(sys_fcntl(file_fd, F_SETLKW, 0x18), -EFAULT);
    ck_assert_int_eq(sys_fcntl(file_fd, F_GETLK, ~0ul), -EFAULT);
}
END_TEST

START_TEST(test_ioctl)
{
    ck_assert_int_eq(sys_ioctl(file_fd, FIOCLEX, 0), 0);
    ck_assert(fd_cloexec(file_fd));
    ck_assert_int_eq(sys_ioctl(file_fd, FIONCLEX, 0), 0);
    ck_assert(!fd_cloexec(file_fd));
    int on = 1, n = -1;
    ck_assert_int_eq(sys_ioctl(file_fd, FIONBIO, A64(&on)), 0);
    ck_assert(fd_get(file_fd)->flags & O_NONBLOCK);
    on = 0;
    ck_assert_int_eq(sys_ioctl(file_fd, FIONBIO, A64(&on)), 0);
    ck_assert(!(fd_get(file_fd)->flags & O_NONBLOCK));
    ck_assert_int_eq(sys_ioctl(file_fd, FIONBIO, 0x30), -EFAULT);
    ck_assert_int_eq(sys_lseek(file_fd, 4, SEEK_SET), 4);
    ck_assert_int_eq(sys_ioctl(file_fd, FIONREAD, A64(&n)), 0);
    ck_assert_int_eq(n, 6);
    ck_assert_int_eq(sys_lseek(file_fd, 50, SEEK_SET), 50);
    ck_assert_int_eq(sys_ioctl(file_fd, FIONREAD, A64(&n)), 0);
    ck_assert_int_eq(n, 0);
    ck_assert_int_eq(sys_ioctl(file_fd, FIONREAD, ~0ul - 1), -EFAULT);
    ck_assert_int_eq(sys_ioctl(file_fd, TCGETS, 0), -ENOTTY);
    ck_assert_int_eq(sys_ioctl(file_fd, TIOCGWINSZ, 0), -ENOTTY);
    ck_assert_int_eq(sys_ioctl(99, FIOCLEX, 0), -EBADF);
    long p = sys_openat(AT_FDCWD, U("/tmp/f"), O_PATH, 0);
    ck_assert_int_eq(sys_ioctl((int)p, TCGETS, 0), -EBADF);
}
END_TEST

/* ---- poll ---- */

START_TEST(test_poll)
{
    struct pollfd p[4] = {
        {.fd = file_fd, .events = POLLIN | POLLOUT},
        {.fd = -1, .events = POLLIN, .revents = 0x7777},
        {.fd = 55, .events = POLLIN},
        {.fd = 1, .events = POLLIN},
    };
    ck_assert_int_eq(sys_poll(U(p), 4, 0), 2);
    ck_assert_int_eq(p[0].revents, POLLIN | POLLOUT);
    ck_assert_int_eq(p[1].revents, 0); /* negative fd: ignored, cleared */
    ck_assert_int_eq(p[2].revents, POLLNVAL);
    ck_assert_int_eq(p[3].revents, 0); /* stdout is not readable */
    p[3].events = POLLOUT;
    ck_assert_int_eq(sys_poll(U(&p[3]), 1, 0), 1);
    ck_assert_int_eq(p[3].revents, POLLOUT);
    ck_assert_int_eq(sys_poll(U(p), 0, 0), 0);
    ck_assert_int_eq(sys_poll(uaddr(0), 0, 0), 0);
    ck_assert_int_eq(sys_poll(uaddr(0x20), 1, 0), -EFAULT);
    ck_assert_int_eq(sys_poll(U(p), ABI_NR_OPEN + 1, 0), -EINVAL);
    ck_assert_int_eq(sys_poll(U(p), 0xffffffffu, 0), -EINVAL);
    abi_proc->rlim[RLIMIT_NOFILE].rlim_cur = 2;
    ck_assert_int_eq(sys_poll(U(p), 3, 0), -EINVAL);
    abi_proc->rlim[RLIMIT_NOFILE].rlim_cur = ABI_NR_OPEN;
    /* the array half readable */
    struct pollfd *hp = malloc(2 * sizeof(*hp));
    hp[0] = hp[1] = p[0];
    shim_bad_range(&hp[1], sizeof(*hp));
    ck_assert_int_eq(sys_poll(U(hp), 2, 0), -EFAULT);
    shim_bad_clear();
    free(hp);
    /* ppoll: the timeout and the mask size are checked */
    struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 1000000000};
    uint64_t mask = 0;
    ck_assert_int_eq(sys_ppoll(U(p), 1, U(&ts), uaddr(0), 0), -EINVAL);
    ts.tv_nsec = -1;
    ck_assert_int_eq(sys_ppoll(U(p), 1, U(&ts), uaddr(0), 0), -EINVAL);
    ts.tv_sec = -1;
    ts.tv_nsec = 0;
    ck_assert_int_eq(sys_ppoll(U(p), 1, U(&ts), uaddr(0), 0), -EINVAL);
    ts.tv_sec = 0;
    ck_assert_int_eq(sys_ppoll(U(p), 1, U(&ts), U(&mask), 4), -EINVAL);
    ck_assert_int_eq(sys_ppoll(U(p), 1, uaddr(0x30), uaddr(0), 0), -EFAULT);
    ck_assert_int_eq(sys_ppoll(U(p), 1, U(&ts), U(&mask), 8), 1);
}
END_TEST

/* ---- select ---- */

START_TEST(test_select)
{
    struct kfds in = {0}, out = {0}, ex = {0};
    set(&in, file_fd);
    set(&in, 1);
    set(&out, 1);
    set(&ex, file_fd);
    struct __kernel_old_timeval tv = {0, 0};
    ck_assert_int_eq(sys_select(file_fd + 1, U(&in), U(&out), U(&ex), U(&tv)), 2);
    ck_assert(isset(&in, file_fd));
    ck_assert(!isset(&in, 1));  /* stdout is not readable */
    ck_assert(isset(&out, 1));
    ck_assert(!isset(&ex, file_fd));
    /* a closed descriptor in a set */
    memset(&in, 0, sizeof(in));
    set(&in, 9);
    ck_assert_int_eq(sys_select(10, U(&in), uaddr(0), uaddr(0), U(&tv)), -EBADF);
    ck_assert_int_eq(sys_select(-1, U(&in), uaddr(0), uaddr(0), U(&tv)), -EINVAL);
    ck_assert_int_eq(sys_select(10, uaddr(0x100), uaddr(0), uaddr(0), U(&tv)), -EFAULT);
    ck_assert_int_eq(sys_select(10, U(&in), uaddr(0), uaddr(0), uaddr(0x100)), -EFAULT);
    tv.tv_usec = 1000000; /* Linux carries it into a second: valid */
    ck_assert_int_eq(sys_select(10, U(&in), uaddr(0), uaddr(0), U(&tv)), -EBADF);
    tv.tv_usec = -1;
    ck_assert_int_eq(sys_select(10, U(&in), uaddr(0), uaddr(0), U(&tv)), -EINVAL);
    tv.tv_usec = 0;
    tv.tv_sec = -1;
    ck_assert_int_eq(sys_select(10, U(&in), uaddr(0), uaddr(0), U(&tv)), -EINVAL);
    /* nfds past the table: only the table's worth is read */
    struct kfds *big = malloc(sizeof(struct kfds));
    memset(big, 0, sizeof(*big));
    set(big, file_fd);
    shim_bad_range((char *)big + sizeof(*big), 64);
    tv.tv_sec = 0;
    ck_assert_int_eq(sys_select(1 << 20, U(big), uaddr(0), uaddr(0), U(&tv)), 1);
    shim_bad_clear();
    free(big);
    /* nothing asked, no waiting */
    ck_assert_int_eq(sys_select(0, uaddr(0), uaddr(0), uaddr(0), U(&tv)), 0);
    struct __kernel_timespec ts = {0, 1000000000};
    ck_assert_int_eq(sys_pselect6(0, uaddr(0), uaddr(0), uaddr(0), U(&ts), uaddr(0)), -EINVAL);
    ts.tv_nsec = 0;
    memset(&in, 0, sizeof(in));
    set(&in, file_fd);
    ck_assert_int_eq(sys_pselect6(file_fd + 1, U(&in), uaddr(0), uaddr(0), U(&ts), uaddr(0)), 1);
}
END_TEST

START_TEST(test_select_bits_past_nfds)
{
    struct kfds in = {0};
    set(&in, file_fd);
    set(&in, file_fd + 5); /* past nfds: not looked at */
    struct __kernel_old_timeval tv = {0, 0};
    ck_assert_int_eq(sys_select(file_fd + 1, U(&in), uaddr(0), uaddr(0), U(&tv)), 1);
    ck_assert(isset(&in, file_fd));
    ck_assert(!isset(&in, file_fd + 5)); /* cleared, as Linux does */
    struct kfds out = {0}, ex = {0};
    set(&out, file_fd + 1);
    set(&ex, 63);
    set(&ex, file_fd);
    ck_assert_int_eq(sys_select(file_fd + 1, U(&in), U(&out), U(&ex), U(&tv)), 1);
    ck_assert(!isset(&out, file_fd + 1));
    ck_assert(!isset(&ex, 63));
    ck_assert(!isset(&ex, file_fd));
}
END_TEST

/* ---- close_range ---- */

START_TEST(test_close_range)
{
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(sys_dup(file_fd), 4 + i); /* 4..7 */
    ck_assert_int_eq(sys_close_range(5, 4, 0), -EINVAL);
    ck_assert_int_eq(sys_close_range(4, 5, 0x8), -EINVAL);
    ck_assert_int_eq(sys_close_range(5, 6, CLOSE_RANGE_CLOEXEC), 0);
    ck_assert(fd_cloexec(5));
    ck_assert(fd_cloexec(6));
    ck_assert(!fd_cloexec(7));
    ck_assert_int_eq(sys_close_range(5, ~0u, 0), 0);
    ck_assert_ptr_nonnull(fd_get(4));
    ck_assert_ptr_null(fd_get(5));
    ck_assert_ptr_null(fd_get(7));
    ck_assert(!fd_cloexec(5)); /* a closed slot forgets the flag */
    ck_assert_int_eq(sys_close_range(ABI_NR_OPEN + 5, ~0u, 0), 0);
    ck_assert_int_eq(sys_close_range(0, ~0u, CLOSE_RANGE_UNSHARE), 0);
    for (int fd = 0; fd < 10; fd++)
        ck_assert_ptr_null(fd_get(fd));
    ck_assert_int_eq(sys_close(0), -EBADF);
    ck_assert_int_eq(sys_close(-1), -EBADF);
}
END_TEST

static Suite *fd_suite(void)
{
    Suite *s = suite_create("abi_fd");
    TCase *tc = tcase_create("fd");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_console_stdio);
    tcase_add_test(tc, test_dup_lowest_and_limits);
    tcase_add_test(tc, test_dup2_dup3);
    tcase_add_test(tc, test_fcntl);
    tcase_add_test(tc, test_ioctl);
    tcase_add_test(tc, test_poll);
    tcase_add_test(tc, test_select);
    tcase_add_test(tc, test_select_bits_past_nfds);
    tcase_add_test(tc, test_close_range);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(fd_suite());
}
