/* Unit tests for abi/tmpfs.c file data and the read/write/seek syscalls of
 * abi/sys_file.c and abi/sys_fd.c, on the host: contents checked against a
 * shadow copy through random writes and truncates, holes, O_APPEND and
 * O_TRUNC, the size limit (EFBIG), lseek arithmetic, and hostile inputs:
 * bad and half-bad user buffers, iovec arrays with bad counts, lengths
 * and pointers, reads and writes on the wrong kind of descriptor. */
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

#include <linux/uio.h>
#include <linux/fs.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#define PG 4096
#define TMPFS_MAX (1ll << 40)

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
}

static int open_file(const char *path, int flags)
{
    long fd = sys_openat(AT_FDCWD, U(path), flags, 0644);
    ck_assert_int_ge(fd, 0);
    return (int)fd;
}

static struct inode *ino_of(int fd)
{
    return fd_get(fd)->inode;
}

/* ---- contents ---- */

START_TEST(test_write_read_seek)
{
    int fd = open_file("f", O_CREAT | O_RDWR);
    ck_assert_int_eq(sys_write(fd, U("hello, world"), 12), 12);
    ck_assert_uint_eq(ino_of(fd)->size, 12);
    ck_assert_int_eq(sys_lseek(fd, 0, SEEK_CUR), 12);
    char buf[32] = {0};
    ck_assert_int_eq(sys_read(fd, U(buf), sizeof(buf)), 0); /* at the end */
    ck_assert_int_eq(sys_lseek(fd, 7, SEEK_SET), 7);
    ck_assert_int_eq(sys_read(fd, U(buf), sizeof(buf)), 5);
    ck_assert_str_eq(buf, "world");
    ck_assert_int_eq(sys_lseek(fd, -5, SEEK_END), 7);
    ck_assert_int_eq(sys_write(fd, U("W"), 1), 1);
    memset(buf, 0, sizeof(buf));
    ck_assert_int_eq(sys_pread64(fd, U(buf), 5, 0), 5);
    ck_assert_str_eq(buf, "hello");
    ck_assert_int_eq(sys_pwrite64(fd, U("H"), 1, 0), 1);
    ck_assert_int_eq(sys_lseek(fd, 0, SEEK_CUR), 8); /* pread/pwrite keep it */
    ck_assert_int_eq(sys_pread64(fd, U(buf), sizeof(buf), 0), 12);
    ck_assert_int_eq(memcmp(buf, "Hello, World", 12), 0);
    ck_assert_int_eq(sys_pread64(fd, U(buf), sizeof(buf), 12), 0);
    ck_assert_int_eq(sys_pread64(fd, U(buf), sizeof(buf), 1ll << 50), 0);
    ck_assert_int_eq(sys_read(fd, U(buf), 0), 0);
    ck_assert_int_eq(sys_write(fd, U(buf), 0), 0);
    ck_assert_int_eq(sys_read(fd, uaddr(0), 0), 0); /* no bytes, no fault */
}
END_TEST

/* Random writes and truncates against a shadow copy, across page edges. */
START_TEST(test_random_against_shadow)
{
    enum { SPAN = 5 * PG + 123 };
    unsigned char *shadow = calloc(1, SPAN), *buf = malloc(SPAN);
    size_t size = 0;
    int fd = open_file("r", O_CREAT | O_RDWR);
    srandom(12345);
    for (int round = 0; round < 400; round++) {
        size_t off = (size_t)random() % SPAN;
        size_t len = (size_t)random() % (SPAN - off) % (2 * PG + 7);
        if (round % 9 == 8) { /* truncate to off */
            ck_assert_int_eq(sys_ftruncate(fd, (int64_t)off), 0);
            if (off < size)
                memset(shadow + off, 0, size - off);
            size = off;
        } else {
            for (size_t i = 0; i < len; i++)
                buf[i] = (unsigned char)random();
            ck_assert_int_eq(sys_pwrite64(fd, U(buf), len, (int64_t)off), (long)len);
            memcpy(shadow + off, buf, len);
            if (len && off + len > size)
                size = off + len;
        }
        ck_assert_uint_eq(ino_of(fd)->size, size);
        memset(buf, 0xee, SPAN);
        ck_assert_int_eq(sys_pread64(fd, U(buf), SPAN, 0), (long)size);
        ck_assert_int_eq(memcmp(buf, shadow, size), 0);
    }
    free(shadow);
    free(buf);
}
END_TEST

START_TEST(test_holes_and_truncate)
{
    int fd = open_file("s", O_CREAT | O_RDWR);
    long pages = shim_pages_live();
    ck_assert_int_eq(sys_pwrite64(fd, U("end"), 3, (1 << 20) + 5), 3);
    ck_assert_uint_eq(ino_of(fd)->size, (1 << 20) + 8);
    /* the page written and its bookkeeping, not 257 pages */
    ck_assert_int_le(shim_pages_live(), pages + 3);
    ck_assert_int_gt(shim_pages_live(), pages);
    char *buf = malloc(1 << 20);
    memset(buf, 1, 1 << 20);
    ck_assert_int_eq(sys_pread64(fd, U(buf), 1 << 20, 0), 1 << 20);
    for (int i = 0; i < (1 << 20); i++)
        ck_assert_int_eq(buf[i], 0);
    /* shrinking frees the page and zeroes what was past the new end */
    ck_assert_int_eq(sys_pwrite64(fd, U("abcdef"), 6, 100), 6);
    long before = shim_pages_live();
    ck_assert_int_eq(sys_ftruncate(fd, 102), 0);
    ck_assert_int_eq(shim_pages_live(), before - 1); /* the page at 1 MiB */
    ck_assert_int_eq(sys_ftruncate(fd, 200), 0);
    memset(buf, 1, 200);
    ck_assert_int_eq(sys_pread64(fd, U(buf), 200, 0), 200);
    ck_assert_int_eq(memcmp(buf + 100, "ab\0\0\0\0", 6), 0);
    ck_assert_int_eq(sys_ftruncate(fd, -1), -EINVAL);
    ck_assert_int_eq(sys_ftruncate(fd, TMPFS_MAX + 1), -EFBIG);
    ck_assert_int_eq(sys_ftruncate(99, 0), -EBADF);
    int ro = open_file("s", O_RDONLY);
    ck_assert_int_eq(sys_ftruncate(ro, 0), -EINVAL);
    /* O_TRUNC empties it and gives its pages back */
    int t = open_file("s", O_WRONLY | O_TRUNC);
    ck_assert_uint_eq(ino_of(t)->size, 0);
    ck_assert_int_le(shim_pages_live(), before - 2); /* page 0 too */
    free(buf);
}
END_TEST

START_TEST(test_append)
{
    int fd = open_file("a", O_CREAT | O_WRONLY | O_APPEND);
    ck_assert_int_eq(sys_write(fd, U("one"), 3), 3);
    ck_assert_int_eq(sys_lseek(fd, 0, SEEK_SET), 0);
    ck_assert_int_eq(sys_write(fd, U("two"), 3), 3);
    /* Linux appends even with pwrite on an O_APPEND file */
    ck_assert_int_eq(sys_pwrite64(fd, U("3"), 1, 0), 1);
    char buf[16] = {0};
    int rd = open_file("a", O_RDONLY);
    ck_assert_int_eq(sys_read(rd, U(buf), sizeof(buf)), 7);
    ck_assert_str_eq(buf, "onetwo3");
}
END_TEST

START_TEST(test_size_limit)
{
    int fd = open_file("big", O_CREAT | O_RDWR);
    ck_assert_int_eq(sys_pwrite64(fd, U("x"), 1, TMPFS_MAX), -EFBIG);
    ck_assert_int_eq(sys_pwrite64(fd, U("x"), 0, TMPFS_MAX), 0);
    ck_assert_int_eq(sys_pwrite64(fd, U("abcdef"), 6, TMPFS_MAX - 2), 2);
    ck_assert_uint_eq(ino_of(fd)->size, TMPFS_MAX);
    char buf[4] = {0};
    ck_assert_int_eq(sys_pread64(fd, U(buf), 4, TMPFS_MAX - 2), 2);
    ck_assert_int_eq(memcmp(buf, "ab", 2), 0);
    ck_assert_int_eq(sys_lseek(fd, 0, SEEK_END), TMPFS_MAX);
    ck_assert_int_eq(sys_write(fd, U("x"), 1), -EFBIG);
}
END_TEST

/* ---- lseek ---- */

START_TEST(test_lseek)
{
    int fd = open_file("f", O_CREAT | O_RDWR);
    ck_assert_int_eq(sys_write(fd, U("0123456789"), 10), 10);
    ck_assert_int_eq(sys_lseek(fd, -11, SEEK_END), -EINVAL);
    ck_assert_int_eq(sys_lseek(fd, -1, SEEK_SET), -EINVAL);
    ck_assert_int_eq(sys_lseek(fd, 0, SEEK_CUR), 10); /* unchanged by errors */
    ck_assert_int_eq(sys_lseek(fd, 100, SEEK_END), 110);
    ck_assert_int_eq(sys_lseek(fd, INT64_MAX, SEEK_SET), INT64_MAX);
    ck_assert_int_eq(sys_lseek(fd, 1, SEEK_CUR), -EINVAL);
    ck_assert_int_eq(sys_lseek(fd, INT64_MAX, SEEK_END), -EINVAL);
    ck_assert_int_eq(sys_lseek(fd, INT64_MIN, SEEK_CUR), -EINVAL); /* to -1 */
    ck_assert_int_eq(sys_lseek(fd, -INT64_MAX, SEEK_CUR), 0);
    ck_assert_int_eq(sys_lseek(fd, 0, 5), -EINVAL);
    ck_assert_int_eq(sys_lseek(fd, 0, 1000), -EINVAL);
    ck_assert_int_eq(sys_lseek(fd, 3, SEEK_DATA), 3);
    ck_assert_int_eq(sys_lseek(fd, 3, SEEK_HOLE), 10);
    ck_assert_int_eq(sys_lseek(fd, 10, SEEK_DATA), -ENXIO);
    ck_assert_int_eq(sys_lseek(fd, -1, SEEK_HOLE), -ENXIO);
    ck_assert_int_eq(sys_lseek(42, 0, SEEK_SET), -EBADF);
    long p = sys_openat(AT_FDCWD, U("f"), O_PATH, 0);
    ck_assert_int_eq(sys_lseek((int)p, 0, SEEK_SET), -EBADF);
}
END_TEST

/* ---- hostile buffers ---- */

START_TEST(test_bad_buffers)
{
    int fd = open_file("f", O_CREAT | O_RDWR);
    char *data = malloc(3 * PG);
    memset(data, 'd', 3 * PG);
    ck_assert_int_eq(sys_write(fd, U(data), 3 * PG), 3 * PG);
    ck_assert_int_eq(sys_pwrite64(fd, uaddr(0x20), 10, 0), -EFAULT);
    ck_assert_int_eq(sys_pwrite64(fd, uaddr(~0ul - 4), 10, 0), -EFAULT);
    ck_assert_int_eq(sys_pread64(fd, uaddr(0x20), 10, 0), -EFAULT);
    ck_assert_int_eq(sys_pread64(fd, uaddr(CORE_USER_END - 4), 10, 0), -EFAULT);
    ck_assert_uint_eq(ino_of(fd)->size, 3 * PG);

    /* a read into a buffer whose second page faults: the first page only */
    char *buf = aligned_alloc(PG, 3 * PG);
    shim_bad_range(buf + PG, PG);
    ck_assert_int_eq(sys_pread64(fd, U(buf), 3 * PG, 0), PG);
    ck_assert_int_eq(sys_pread64(fd, U(buf + PG), 10, 0), -EFAULT);
    /* a write from one: the bytes before the fault, and the size follows */
    int w = open_file("g", O_CREAT | O_RDWR);
    memset(buf, 'b', PG);
    ck_assert_int_eq(sys_write(w, U(buf), 2 * PG), PG);
    ck_assert_uint_eq(ino_of(w)->size, PG);
    ck_assert_int_eq(sys_write(w, U(buf + PG), 10), -EFAULT);
    ck_assert_uint_eq(ino_of(w)->size, PG);
    ck_assert_int_eq(sys_lseek(w, 0, SEEK_CUR), PG);
    shim_bad_clear();
    free(buf);
    free(data);
}
END_TEST

/* A write that faults part-way through a page must not leave the copied
 * bytes where a later extension of the file would show them. */
START_TEST(test_partial_write_then_grow)
{
    int fd = open_file("p", O_CREAT | O_RDWR);
    char *buf = malloc(64);
    memset(buf, 'z', 64);
    shim_bad_range(buf + 50, 14);
    long n = sys_write(fd, U(buf), 64);
    shim_bad_clear();
    ck_assert_int_eq(n, 50); /* Linux: the bytes before the fault count */
    ck_assert_uint_eq(ino_of(fd)->size, 50);
    ck_assert_int_eq(sys_ftruncate(fd, 64), 0);
    char got[64];
    ck_assert_int_eq(sys_pread64(fd, U(got), 64, 0), 64);
    for (int i = 0; i < 50; i++)
        ck_assert_int_eq(got[i], 'z');
    for (int i = 50; i < 64; i++)
        ck_assert_int_eq(got[i], 0);
    /* nothing readable: -EFAULT and no change */
    shim_bad_range(buf, 64);
    ck_assert_int_eq(sys_pwrite64(fd, U(buf), 64, 100), -EFAULT);
    shim_bad_clear();
    ck_assert_uint_eq(ino_of(fd)->size, 64);
    /* a fault in the second page of a write: the first page and the part
     * of the second before the fault count; grown later, zeros follow */
    char *big = malloc(CORE_PAGE_SIZE + 100);
    memset(big, 'y', CORE_PAGE_SIZE + 100);
    shim_bad_range(big + CORE_PAGE_SIZE + 7, 93);
    ck_assert_int_eq(sys_pwrite64(fd, U(big), CORE_PAGE_SIZE + 100, 0),
                     CORE_PAGE_SIZE + 7);
    shim_bad_clear();
    ck_assert_uint_eq(ino_of(fd)->size, CORE_PAGE_SIZE + 7);
    ck_assert_int_eq(sys_ftruncate(fd, CORE_PAGE_SIZE + 100), 0);
    ck_assert_int_eq(sys_pread64(fd, U(big), CORE_PAGE_SIZE + 100, 0),
                     CORE_PAGE_SIZE + 100);
    for (int i = 0; i < CORE_PAGE_SIZE + 100; i++)
        ck_assert_int_eq(big[i], i < CORE_PAGE_SIZE + 7 ? 'y' : 0);
    free(big);
    free(buf);
}
END_TEST

START_TEST(test_wrong_descriptor)
{
    char buf[8];
    int ro = open_file("f", O_CREAT | O_RDONLY);
    int wo = open_file("f", O_WRONLY);
    ck_assert_int_eq(sys_write(ro, U("x"), 1), -EBADF);
    ck_assert_int_eq(sys_read(wo, U(buf), 1), -EBADF);
    ck_assert_int_eq(sys_pwrite64(ro, U("x"), 1, 0), -EBADF);
    ck_assert_int_eq(sys_pread64(wo, U(buf), 1, 0), -EBADF);
    ck_assert_int_eq(sys_pread64(ro, U(buf), 1, -1), -EINVAL);
    ck_assert_int_eq(sys_pwrite64(wo, U("x"), 1, INT64_MIN), -EINVAL);
    ck_assert_int_eq(sys_read(-1, U(buf), 1), -EBADF);
    ck_assert_int_eq(sys_read(ABI_NR_OPEN, U(buf), 1), -EBADF);
    ck_assert_int_eq(sys_write(1 << 30, U(buf), 1), -EBADF);
    int d = open_file("/tmp", O_RDONLY | O_DIRECTORY);
    ck_assert_int_eq(sys_read(d, U(buf), 1), -EISDIR);
    ck_assert_int_eq(sys_write(d, U(buf), 1), -EBADF);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("/tmp"), O_WRONLY, 0), -EISDIR);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("/tmp"), O_RDONLY | O_TRUNC, 0), -EISDIR);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("f"), O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
    long p = sys_openat(AT_FDCWD, U("f"), O_PATH, 0);
    ck_assert_int_ge(p, 0);
    ck_assert_int_eq(sys_read((int)p, U(buf), 1), -EBADF);
    ck_assert_int_eq(sys_write((int)p, U(buf), 1), -EBADF);
    ck_assert_int_eq(sys_close(ro), 0);
    ck_assert_int_eq(sys_read(ro, U(buf), 1), -EBADF);
}
END_TEST

/* ---- vectors ---- */

START_TEST(test_iovec)
{
    int fd = open_file("v", O_CREAT | O_RDWR);
    struct iovec iov[3] = {
        {.iov_base = "abc", .iov_len = 3},
        {.iov_base = "", .iov_len = 0},
        {.iov_base = "defgh", .iov_len = 5},
    };
    ck_assert_int_eq(sys_writev(fd, U(iov), 3), 8);
    char a[2], b[10] = {0};
    struct iovec rv[2] = {{.iov_base = a, .iov_len = 2}, {.iov_base = b, .iov_len = 10}};
    ck_assert_int_eq(sys_preadv(fd, U(rv), 2, 1), 7);
    ck_assert_int_eq(memcmp(a, "bc", 2), 0);
    ck_assert_str_eq(b, "defgh");
    ck_assert_int_eq(sys_pwritev(fd, U(iov), 1, 8), 3);
    ck_assert_uint_eq(ino_of(fd)->size, 11);
    ck_assert_int_eq(sys_lseek(fd, 0, SEEK_CUR), 8);
    ck_assert_int_eq(sys_writev(fd, U(iov), 0), 0);
    ck_assert_int_eq(sys_writev(fd, uaddr(0), 0), 0);
}
END_TEST

START_TEST(test_iovec_hostile)
{
    int fd = open_file("v", O_CREAT | O_RDWR);
    char buf[16];
    struct iovec iov[2] = {{.iov_base = buf, .iov_len = 8}, {.iov_base = buf, .iov_len = 8}};
    ck_assert_int_eq(sys_writev(fd, U(iov), -1), -EINVAL);
    ck_assert_int_eq(sys_writev(fd, U(iov), UIO_MAXIOV + 1), -EINVAL);
    ck_assert_int_eq(sys_readv(fd, U(iov), INT32_MIN), -EINVAL);
    ck_assert_int_eq(sys_writev(fd, uaddr(0x100), 2), -EFAULT);
    ck_assert_int_eq(sys_writev(fd, uaddr(~0ul - 8), 2), -EFAULT);
    ck_assert_int_eq(sys_preadv(fd, U(iov), 2, -1), -EINVAL);
    ck_assert_int_eq(sys_pwritev(fd, U(iov), 2, -2), -EINVAL);
    /* lengths: negative as ssize_t, or a total past SSIZE_MAX */
    iov[1].iov_len = (size_t)-1;
    ck_assert_int_eq(sys_writev(fd, U(iov), 2), -EINVAL);
    iov[0].iov_len = 0x4000000000000000ul;
    iov[1].iov_len = 0x4000000000000000ul;
    ck_assert_int_eq(sys_writev(fd, U(iov), 2), -EINVAL);
    ck_assert_uint_eq(ino_of(fd)->size, 0); /* checked before any byte moved */
    /* the array itself half readable */
    struct iovec *hv = malloc(2 * sizeof(*hv));
    hv[0] = (struct iovec){.iov_base = "12345678", .iov_len = 8};
    hv[1] = hv[0];
    shim_bad_range(&hv[1], sizeof(*hv));
    ck_assert_int_eq(sys_writev(fd, U(hv), 2), -EFAULT);
    shim_bad_clear();
    ck_assert_uint_eq(ino_of(fd)->size, 0);
    /* a bad base in the second: the first is written, and counted */
    hv[1].iov_base = (void *)0x40;
    ck_assert_int_eq(sys_writev(fd, U(hv), 2), 8);
    ck_assert_uint_eq(ino_of(fd)->size, 8);
    hv[0].iov_base = (void *)0x40;
    ck_assert_int_eq(sys_writev(fd, U(hv), 2), -EFAULT);
    free(hv);
}
END_TEST

/* Out of memory while writing: -ENOSPC or a short count, never a crash,
 * and what was counted is there. */
START_TEST(test_out_of_memory)
{
    int fd = open_file("m", O_CREAT | O_RDWR);
    char *data = malloc(600 * PG);
    for (int i = 0; i < 600 * PG; i++)
        data[i] = (char)(i * 7);
    for (unsigned long n = 1; n < 8; n++) {
        ck_assert_int_eq(sys_ftruncate(fd, 0), 0);
        shim_alloc_fail(n, 1);
        long got = sys_pwrite64(fd, U(data), 600 * PG, 0);
        shim_alloc_fail(0, 0);
        ck_assert_msg(got == -ENOSPC || (got >= 0 && got < 600 * PG), "n=%lu got=%ld", n, got);
        if (got > 0) {
            ck_assert_uint_eq(ino_of(fd)->size, (uint64_t)got);
            char *back = malloc((size_t)got);
            ck_assert_int_eq(sys_pread64(fd, U(back), (size_t)got, 0), got);
            ck_assert_int_eq(memcmp(back, data, (size_t)got), 0);
            free(back);
        }
    }
    free(data);
}
END_TEST

static Suite *tmpfs_suite(void)
{
    Suite *s = suite_create("abi_tmpfs");
    TCase *tc = tcase_create("data");
    tcase_set_timeout(tc, 60); /* the shadow test is a few hundred rounds */
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_write_read_seek);
    tcase_add_test(tc, test_random_against_shadow);
    tcase_add_test(tc, test_holes_and_truncate);
    tcase_add_test(tc, test_append);
    tcase_add_test(tc, test_size_limit);
    tcase_add_test(tc, test_lseek);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_bad_buffers);
    tcase_add_test(tc, test_partial_write_then_grow);
    tcase_add_test(tc, test_wrong_descriptor);
    tcase_add_test(tc, test_iovec);
    tcase_add_test(tc, test_iovec_hostile);
    tcase_add_test(tc, test_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(tmpfs_suite());
}
