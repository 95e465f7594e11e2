/* Unit tests for abi/sys_copy.c, on the host: sendfile and
 * copy_file_range between tmpfs files, to the console and /dev/null, with
 * and without offset pointers (which must leave the file position alone),
 * overlapping ranges of one file, and the errno of bad descriptors,
 * kinds, flags, offsets and pointers; fallocate's size rules. */
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

#include <linux/falloc.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))

static int in, out;

static int open_file(const char *path, int flags)
{
    long fd = sys_openat(AT_FDCWD, U(path), flags, 0644);
    ck_assert_int_ge(fd, 0);
    return (int)fd;
}

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
    ck_assert_int_eq(console_open_stdio(), 0);
    in = open_file("/tmp/in", O_CREAT | O_RDWR);
    ck_assert_int_eq(sys_write(in, U("0123456789"), 10), 10);
    ck_assert_int_eq(sys_lseek(in, 0, SEEK_SET), 0);
    out = open_file("/tmp/out", O_CREAT | O_RDWR);
}

static const char *contents(int fd)
{
    static char buf[256];
    memset(buf, 0, sizeof(buf));
    ck_assert_int_ge(sys_pread64(fd, U(buf), sizeof(buf) - 1, 0), 0);
    return buf;
}

START_TEST(test_sendfile)
{
    ck_assert_int_eq(sys_sendfile(out, in, uaddr(0), 4), 4);
    ck_assert_str_eq(contents(out), "0123");
    ck_assert_int_eq(sys_lseek(in, 0, SEEK_CUR), 4); /* both positions moved */
    ck_assert_int_eq(sys_lseek(out, 0, SEEK_CUR), 4);
    ck_assert_int_eq(sys_sendfile(out, in, uaddr(0), 100), 6); /* to the end */
    ck_assert_str_eq(contents(out), "0123456789");
    ck_assert_int_eq(sys_sendfile(out, in, uaddr(0), 100), 0);
    /* with an offset: read from there, the input position stays */
    int64_t off = 7;
    ck_assert_int_eq(sys_sendfile(1, in, U(&off), 100), 3);
    ck_assert_int_eq(off, 10);
    ck_assert_str_eq(shim_console_out(CORE_STDOUT), "789");
    ck_assert_int_eq(sys_lseek(in, 0, SEEK_CUR), 10);
    off = 1000;
    ck_assert_int_eq(sys_sendfile(1, in, U(&off), 100), 0);
    ck_assert_int_eq(off, 1000);
    long null = sys_openat(AT_FDCWD, U("/dev/null"), O_WRONLY, 0);
    off = 0;
    ck_assert_int_eq(sys_sendfile((int)null, in, U(&off), 5), 5);
    ck_assert_int_eq(sys_sendfile(out, in, uaddr(0), 0), 0);
}
END_TEST

START_TEST(test_sendfile_hostile)
{
    int64_t off = -1;
    ck_assert_int_eq(sys_sendfile(out, in, U(&off), 5), -EINVAL);
    ck_assert_int_eq(sys_sendfile(out, in, uaddr(0x10), 5), -EFAULT);
    ck_assert_int_eq(sys_sendfile(out, 77, uaddr(0), 5), -EBADF);
    ck_assert_int_eq(sys_sendfile(77, in, uaddr(0), 5), -EBADF);
    ck_assert_int_eq(sys_sendfile(out, 1, uaddr(0), 5), -EBADF); /* stdout: not readable */
    ck_assert_int_eq(sys_sendfile(0, in, uaddr(0), 5), -EBADF);  /* stdin: not writable */
    int ro = open_file("/tmp/out", O_RDONLY);
    ck_assert_int_eq(sys_sendfile(ro, in, uaddr(0), 5), -EBADF);
    int dir = open_file("/tmp", O_RDONLY | O_DIRECTORY);
    ck_assert_int_eq(sys_sendfile(out, dir, uaddr(0), 5), -EINVAL);
    ck_assert_int_eq(sys_sendfile(out, 0, uaddr(0), 5), -EINVAL); /* from the console */
    long p = sys_openat(AT_FDCWD, U("/tmp/in"), O_PATH, 0);
    ck_assert_int_eq(sys_sendfile(out, (int)p, uaddr(0), 5), -EBADF);
    ck_assert_str_eq(contents(out), "");
    ck_assert_int_eq(sys_lseek(in, 0, SEEK_CUR), 0);
    /* to an O_APPEND file (or console): -EINVAL, as Linux; nothing moves */
    int ap = open_file("/tmp/out", O_WRONLY | O_APPEND);
    ck_assert_int_eq(sys_sendfile(ap, in, uaddr(0), 5), -EINVAL);
    off = 0;
    ck_assert_int_eq(sys_sendfile(ap, in, U(&off), 5), -EINVAL);
    ck_assert_int_eq(off, 0);
    ck_assert_int_eq(sys_fcntl(1, F_SETFL, O_APPEND), 0);
    ck_assert_int_eq(sys_sendfile(1, in, uaddr(0), 5), -EINVAL);
    ck_assert_str_eq(contents(out), "");
    ck_assert_int_eq(sys_lseek(in, 0, SEEK_CUR), 0);
}
END_TEST

START_TEST(test_copy_file_range)
{
    int64_t ioff = 2, ooff = 3;
    ck_assert_int_eq(sys_copy_file_range(in, U(&ioff), out, U(&ooff), 4, 0), 4);
    ck_assert_int_eq(ioff, 6);
    ck_assert_int_eq(ooff, 7);
    ck_assert_int_eq(memcmp(contents(out), "\0\0\0" "2345", 7), 0);
    ck_assert_int_eq(sys_lseek(in, 0, SEEK_CUR), 0); /* positions untouched */
    ck_assert_int_eq(sys_lseek(out, 0, SEEK_CUR), 0);
    /* without offsets: the positions move */
    ck_assert_int_eq(sys_copy_file_range(in, uaddr(0), out, uaddr(0), 3, 0), 3);
    ck_assert_int_eq(sys_lseek(in, 0, SEEK_CUR), 3);
    ck_assert_int_eq(sys_lseek(out, 0, SEEK_CUR), 3);
    ck_assert_int_eq(memcmp(contents(out), "012" "2345", 7), 0);
    /* one file: apart is fine, overlapping is not */
    ioff = 0;
    ooff = 20;
    ck_assert_int_eq(sys_copy_file_range(in, U(&ioff), in, U(&ooff), 5, 0), 5);
    ck_assert_uint_eq(fd_get(in)->inode->size, 25);
    ioff = 0;
    ooff = 2;
    ck_assert_int_eq(sys_copy_file_range(in, U(&ioff), in, U(&ooff), 3, 0), -EINVAL);
    ck_assert_int_eq(ooff, 2);
    ck_assert_int_eq(sys_lseek(in, 0, SEEK_CUR), 3);
    /* past the end of the input: nothing */
    ioff = 100;
    ck_assert_int_eq(sys_copy_file_range(in, U(&ioff), out, uaddr(0), 5, 0), 0);
    ck_assert_int_eq(ioff, 100);
}
END_TEST

START_TEST(test_copy_file_range_hostile)
{
    int64_t off = 0, neg = -1;
    ck_assert_int_eq(sys_copy_file_range(in, U(&off), out, uaddr(0), 5, 1), -EINVAL);
    ck_assert_int_eq(sys_copy_file_range(in, uaddr(0x10), out, uaddr(0), 5, 0), -EFAULT);
    ck_assert_int_eq(sys_copy_file_range(in, uaddr(0), out, uaddr(0x10), 5, 0), -EFAULT);
    ck_assert_int_eq(sys_copy_file_range(77, uaddr(0), out, uaddr(0), 5, 0), -EBADF);
    ck_assert_int_eq(sys_copy_file_range(in, uaddr(0), 77, uaddr(0), 5, 0), -EBADF);
    ck_assert_int_eq(sys_copy_file_range(in, uaddr(0), 1, uaddr(0), 5, 0), -EINVAL); /* console */
    int dir = open_file("/tmp", O_RDONLY | O_DIRECTORY);
    /* Linux's answers, checked on the host: a directory is EISDIR */
    ck_assert_int_eq(sys_copy_file_range(dir, uaddr(0), out, uaddr(0), 5, 0), -EISDIR);
    ck_assert_int_eq(sys_copy_file_range(in, U(&neg), dir, uaddr(0), 5, 0), -EISDIR);
    /* to an O_APPEND file: EBADF, before the offsets are looked at */
    int ap = open_file("/tmp/out", O_WRONLY | O_APPEND);
    ck_assert_int_eq(sys_copy_file_range(in, uaddr(0), ap, uaddr(0), 5, 0), -EBADF);
    ck_assert_int_eq(sys_copy_file_range(in, U(&neg), ap, uaddr(0), 5, 0), -EBADF);
    ck_assert_int_eq(sys_copy_file_range(in, uaddr(0), ap, uaddr(0), 5, 1), -EINVAL);
    /* a range that wraps is EOVERFLOW (-1 + 5 does, as an unsigned sum);
     * a negative offset that does not wrap is EINVAL */
    ck_assert_int_eq(sys_copy_file_range(in, U(&neg), out, uaddr(0), 5, 0), -EOVERFLOW);
    ck_assert_int_eq(sys_copy_file_range(in, uaddr(0), out, U(&neg), 5, 0), -EOVERFLOW);
    ck_assert_int_eq(sys_copy_file_range(in, U(&neg), out, uaddr(0), 0, 0), -EINVAL);
    int64_t n100 = -100, ten = 10;
    ck_assert_int_eq(sys_copy_file_range(in, U(&n100), out, uaddr(0), 5, 0), -EINVAL);
    ck_assert_int_eq(sys_copy_file_range(in, U(&n100), out, uaddr(0), 200, 0), -EOVERFLOW);
    ck_assert_int_eq(sys_copy_file_range(in, U(&ten), out, uaddr(0), SIZE_MAX, 0), -EOVERFLOW);
    ck_assert_int_eq(sys_copy_file_range(in, uaddr(0), out, U(&ten), SIZE_MAX, 0), -EOVERFLOW);
    ck_assert_int_eq(neg, -1);
    ck_assert_str_eq(contents(out), "");
    ck_assert_int_eq(sys_lseek(in, 0, SEEK_CUR), 0);
}
END_TEST

START_TEST(test_fallocate)
{
    ck_assert_int_eq(sys_fallocate(out, 0, 0, 8192), 0);
    ck_assert_uint_eq(fd_get(out)->inode->size, 8192);
    ck_assert_int_eq(sys_fallocate(out, FALLOC_FL_KEEP_SIZE, 0, 100000), 0);
    ck_assert_uint_eq(fd_get(out)->inode->size, 8192);
    ck_assert_int_eq(sys_fallocate(out, 0, 100, 10), 0); /* inside: no change */
    ck_assert_uint_eq(fd_get(out)->inode->size, 8192);
    ck_assert_int_eq(sys_fallocate(out, 0, -1, 10), -EINVAL);
    ck_assert_int_eq(sys_fallocate(out, 0, 0, 0), -EINVAL);
    ck_assert_int_eq(sys_fallocate(out, 0, 0, -5), -EINVAL);
    ck_assert_int_eq(sys_fallocate(out, 0, INT64_MAX, 1), -EFBIG);
    ck_assert_int_eq(sys_fallocate(out, 0x4000, 0, 10), -EOPNOTSUPP); /* no such mode */
    ck_assert_int_eq(sys_fallocate(77, 0, 0, 10), -EBADF);
    int ro = open_file("/tmp/out", O_RDONLY);
    ck_assert_int_eq(sys_fallocate(ro, 0, 0, 10), -EBADF);
    ck_assert_int_eq(sys_fallocate(1, 0, 0, 10), -ENODEV);
    long dir = sys_openat(AT_FDCWD, U("/tmp"), O_RDONLY, 0);
    ck_assert_int_eq(sys_fallocate((int)dir, 0, 0, 10), -EBADF);
}
END_TEST

static Suite *copy_suite(void)
{
    Suite *s = suite_create("abi_copy");
    TCase *tc = tcase_create("copy");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_sendfile);
    tcase_add_test(tc, test_sendfile_hostile);
    tcase_add_test(tc, test_copy_file_range);
    tcase_add_test(tc, test_copy_file_range_hostile);
    tcase_add_test(tc, test_fallocate);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(copy_suite());
}
