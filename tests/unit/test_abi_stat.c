/* Unit tests for abi/sys_stat.c, on the host: stat/lstat/fstat/newfstatat
 * and statx fill what user space reads (the host C library's struct stat
 * has the kernel's x86-64 layout), access as root, chmod/chown and their
 * side effects, utimensat with UTIME_NOW/UTIME_OMIT, statfs, and the
 * errno of bad flags, bad descriptors, empty paths and bad pointers. */
#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* F_OK and friends */
#include <sys/stat.h>
#include <linux/time_types.h>
#define _LINUX_TIME_H /* the C library's struct timeval and timespec stand */

#include "guest_host.h"
#include "abi_int.h"
#include "sys.h"
#include "core_shim.h"

#include <asm/statfs.h>
#include <linux/magic.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#ifndef UTIME_NOW
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
#endif
#define NS 1000000000ull

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
    ck_assert_int_eq(console_open_stdio(), 0);
    ck_assert_int_eq(sys_mkdir(U("/d"), 0755), 0);
    long fd = sys_openat(AT_FDCWD, U("/d/f"), O_CREAT | O_WRONLY, 0640);
    ck_assert_int_eq(fd, 3);
    static char data[5001];
    memset(data, 'd', sizeof(data));
    ck_assert_int_eq(sys_write(3, U(data), sizeof(data)), 5001);
    ck_assert_int_eq(sys_symlink(U("f"), U("/d/l")), 0);
}

START_TEST(test_stat_fields)
{
    struct stat st, lst, fst;
    ck_assert_uint_eq(sizeof(st), 144); /* the kernel's x86-64 struct stat */
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_uint_eq(st.st_mode, S_IFREG | 0640);
    ck_assert_int_eq(st.st_size, 5001);
    ck_assert_uint_eq(st.st_nlink, 1);
    ck_assert_int_eq(st.st_blksize, 4096);
    ck_assert_int_eq(st.st_blocks, 8192 / 512);
    ck_assert_uint_eq(st.st_uid, 0);
    ck_assert_uint_ne(st.st_ino, 0);
    ck_assert_int_gt(st.st_mtime, 1600000000);
    ck_assert_int_lt(st.st_mtim.tv_nsec, 1000000000);
    /* lstat sees the link, stat and fstat the file */
    ck_assert_int_eq(sys_lstat(U("/d/l"), U(&lst)), 0);
    ck_assert(S_ISLNK(lst.st_mode));
    ck_assert_int_eq(lst.st_size, 1);
    ck_assert_uint_ne(lst.st_ino, st.st_ino);
    ck_assert_int_eq(sys_stat(U("/d/l"), U(&lst)), 0);
    ck_assert_uint_eq(lst.st_ino, st.st_ino);
    ck_assert_int_eq(sys_fstat(3, U(&fst)), 0);
    ck_assert_uint_eq(fst.st_ino, st.st_ino);
    ck_assert_uint_eq(fst.st_dev, st.st_dev);
    ck_assert_int_eq(fst.st_size, st.st_size);
    /* a directory counts its subdirectories' ".." */
    ck_assert_int_eq(sys_mkdir(U("/d/sub"), 0700), 0);
    ck_assert_int_eq(sys_stat(U("/d"), U(&st)), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_uint_eq(st.st_nlink, 3);
    ck_assert_int_eq(st.st_blocks, 0);
    /* the console: a character device 5:1 */
    ck_assert_int_eq(sys_fstat(1, U(&st)), 0);
    ck_assert(S_ISCHR(st.st_mode));
    ck_assert_uint_eq(st.st_rdev, (5u << 8) | 1u);
    ck_assert_int_eq(sys_stat(U("/dev/null"), U(&st)), 0);
    ck_assert_uint_eq(st.st_rdev, (1u << 8) | 3u);
}
END_TEST

START_TEST(test_stat_hostile)
{
    struct stat st;
    ck_assert_int_eq(sys_stat(U("/d/nope"), U(&st)), -ENOENT);
    ck_assert_int_eq(sys_stat(U("/d/f/x"), U(&st)), -ENOTDIR);
    ck_assert_int_eq(sys_stat(U(""), U(&st)), -ENOENT);
    ck_assert_int_eq(sys_stat(uaddr(0x8), U(&st)), -EFAULT);
    ck_assert_int_eq(sys_stat(U("/d/f"), uaddr(0x8)), -EFAULT);
    ck_assert_int_eq(sys_stat(U("/d/f"), uaddr(CORE_USER_END - 100)), -EFAULT);
    ck_assert_int_eq(sys_fstat(99, U(&st)), -EBADF);
    ck_assert_int_eq(sys_fstat(-1, U(&st)), -EBADF);
    ck_assert_int_eq(sys_fstat(3, uaddr(0x8)), -EFAULT);
    ck_assert_int_eq(sys_newfstatat(AT_FDCWD, U("/d/f"), U(&st), 0x1), -EINVAL);
    /* AT_EMPTY_PATH: the descriptor itself, or the cwd */
    ck_assert_int_eq(sys_newfstatat(3, U(""), U(&st), AT_EMPTY_PATH), 0);
    ck_assert_int_eq(st.st_size, 5001);
    ck_assert_int_eq(sys_newfstatat(AT_FDCWD, U(""), U(&st), AT_EMPTY_PATH), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(sys_newfstatat(99, U(""), U(&st), AT_EMPTY_PATH), -EBADF);
    ck_assert_int_eq(sys_newfstatat(3, U(""), U(&st), 0), -ENOENT);
    long p = sys_openat(AT_FDCWD, U("/d/l"), O_PATH | O_NOFOLLOW, 0);
    ck_assert_int_eq(sys_newfstatat((int)p, U(""), U(&st), AT_EMPTY_PATH), 0);
    ck_assert(S_ISLNK(st.st_mode));
    long dfd = sys_openat(AT_FDCWD, U("/d"), O_RDONLY | O_DIRECTORY, 0);
    ck_assert_int_eq(sys_newfstatat((int)dfd, U("f"), U(&st), 0), 0);
    ck_assert_int_eq(st.st_size, 5001);
    ck_assert_int_eq(sys_newfstatat(3, U("f"), U(&st), 0), -ENOTDIR);
}
END_TEST

START_TEST(test_statx)
{
    struct statx sx;
    struct stat st;
    memset(&sx, 0xff, sizeof(sx));
    ck_assert_int_eq(sys_statx(AT_FDCWD, U("/d/f"), 0, STATX_BASIC_STATS, U(&sx)), 0);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_uint_eq(sx.stx_mask & STATX_BASIC_STATS, STATX_BASIC_STATS);
    ck_assert_uint_eq(sx.stx_mode, st.st_mode);
    ck_assert_uint_eq(sx.stx_ino, st.st_ino);
    ck_assert_uint_eq(sx.stx_size, 5001);
    ck_assert_uint_eq(sx.stx_nlink, 1);
    ck_assert_uint_eq(sx.stx_blocks, (uint64_t)st.st_blocks);
    ck_assert_uint_eq(sx.stx_mtime.tv_sec, (uint64_t)st.st_mtime);
    ck_assert_uint_eq(sx.stx_mtime.tv_nsec, (uint64_t)st.st_mtim.tv_nsec);
    ck_assert_uint_eq(sx.__spare0[0], 0); /* no stale bytes */
    ck_assert_int_eq(sys_statx(AT_FDCWD, U("/d/l"), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, U(&sx)), 0);
    ck_assert(S_ISLNK(sx.stx_mode));
    ck_assert_int_eq(sys_statx(3, U(""), AT_EMPTY_PATH, STATX_ALL, U(&sx)), 0);
    ck_assert_uint_eq(sx.stx_size, 5001);
    ck_assert_int_eq(sys_statx(AT_FDCWD, U("/d/f"), 0, STATX__RESERVED, U(&sx)), -EINVAL);
    ck_assert_int_eq(sys_statx(AT_FDCWD, U("/d/f"), AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC,
                               STATX_BASIC_STATS, U(&sx)), -EINVAL);
    ck_assert_int_eq(sys_statx(AT_FDCWD, U("/d/f"), AT_STATX_FORCE_SYNC, STATX_BASIC_STATS, U(&sx)),
                     0);
    ck_assert_int_eq(sys_statx(AT_FDCWD, U("/d/f"), 0x40000000, STATX_BASIC_STATS, U(&sx)), -EINVAL);
    ck_assert_int_eq(sys_statx(AT_FDCWD, U("/d/f"), 0, STATX_BASIC_STATS, uaddr(0x18)), -EFAULT);
    ck_assert_int_eq(sys_statx(AT_FDCWD, uaddr(0x18), 0, STATX_BASIC_STATS, U(&sx)), -EFAULT);
    ck_assert_int_eq(sys_statx(AT_FDCWD, U("/d/none"), 0, STATX_BASIC_STATS, U(&sx)), -ENOENT);
}
END_TEST

START_TEST(test_access)
{
    ck_assert_int_eq(sys_access(U("/d/f"), F_OK), 0);
    ck_assert_int_eq(sys_access(U("/d/f"), R_OK | W_OK), 0); /* root */
    ck_assert_int_eq(sys_access(U("/d/f"), X_OK), -EACCES);
    ck_assert_int_eq(sys_access(U("/d/l"), X_OK), -EACCES); /* the file's mode */
    ck_assert_int_eq(sys_faccessat2(AT_FDCWD, U("/d/l"), X_OK, AT_SYMLINK_NOFOLLOW), 0);
    ck_assert_int_eq(sys_chmod(U("/d/f"), 0610), 0);
    ck_assert_int_eq(sys_access(U("/d/f"), X_OK), 0); /* any x bit will do */
    ck_assert_int_eq(sys_chmod(U("/d"), 0), 0);
    ck_assert_int_eq(sys_access(U("/d"), X_OK), 0); /* directories: always */
    ck_assert_int_eq(sys_access(U("/d/f"), 8), -EINVAL);
    ck_assert_int_eq(sys_access(U("/d/nope"), F_OK), -ENOENT);
    ck_assert_int_eq(sys_access(uaddr(0x8), F_OK), -EFAULT);
    ck_assert_int_eq(sys_faccessat2(AT_FDCWD, U("/d/f"), F_OK, 0x1), -EINVAL);
    ck_assert_int_eq(sys_faccessat2(AT_FDCWD, U("/d/l"), X_OK, 0), 0);
    ck_assert_int_eq(sys_faccessat2(3, U(""), F_OK, AT_EMPTY_PATH), 0);
}
END_TEST

START_TEST(test_chmod_chown)
{
    struct stat st;
    ck_assert_int_eq(sys_chmod(U("/d/l"), 017777), 0); /* follows; type bits kept */
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_uint_eq(st.st_mode, S_IFREG | 07777);
    ck_assert_int_eq(sys_lstat(U("/d/l"), U(&st)), 0);
    ck_assert_uint_eq(st.st_mode, S_IFLNK | 0777);
    ck_assert_int_eq(sys_fchmod(3, 0600), 0);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_uint_eq(st.st_mode, S_IFREG | 0600);
    ck_assert_int_eq(sys_fchmod(99, 0600), -EBADF);
    long p = sys_openat(AT_FDCWD, U("/d/f"), O_PATH, 0);
    ck_assert_int_eq(sys_fchmod((int)p, 0600), -EBADF);
    ck_assert_int_eq(sys_fchown((int)p, 1, 1), -EBADF);
    ck_assert_int_eq(sys_chmod(U("/d/nope"), 0600), -ENOENT);
    ck_assert_int_eq(sys_chmod(uaddr(0x8), 0600), -EFAULT);
    /* chown: -1 keeps, setuid goes on a file but not on a directory */
    ck_assert_int_eq(sys_chmod(U("/d/f"), 04755), 0);
    ck_assert_int_eq(sys_chown(U("/d/f"), 1000, (uint32_t)-1), 0);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_uint_eq(st.st_uid, 1000);
    ck_assert_uint_eq(st.st_gid, 0);
    ck_assert_uint_eq(st.st_mode, S_IFREG | 0755);
    ck_assert_int_eq(sys_chmod(U("/d"), 04755), 0);
    ck_assert_int_eq(sys_chown(U("/d"), (uint32_t)-1, 50), 0);
    ck_assert_int_eq(sys_stat(U("/d"), U(&st)), 0);
    ck_assert_uint_eq(st.st_mode, S_IFDIR | 04755);
    ck_assert_uint_eq(st.st_gid, 50);
    ck_assert_int_eq(sys_lchown(U("/d/l"), 7, 7), 0);
    ck_assert_int_eq(sys_lstat(U("/d/l"), U(&st)), 0);
    ck_assert_uint_eq(st.st_uid, 7);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_uint_eq(st.st_uid, 1000);
    ck_assert_int_eq(sys_fchownat(AT_FDCWD, U("/d/f"), 1, 1, 0x2), -EINVAL);
    ck_assert_int_eq(sys_fchown(3, 2, 3), 0);
    ck_assert_int_eq(sys_fstat(3, U(&st)), 0);
    ck_assert_uint_eq(st.st_uid, 2);
    ck_assert_uint_eq(st.st_gid, 3);
}
END_TEST

START_TEST(test_utimensat)
{
    struct stat st;
    struct __kernel_timespec ts[2] = {{1000, 5}, {2000, 999999999}};
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/f"), U(ts), 0), 0);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_int_eq(st.st_atime, 1000);
    ck_assert_int_eq(st.st_atim.tv_nsec, 5);
    ck_assert_int_eq(st.st_mtime, 2000);
    ck_assert_int_eq(st.st_mtim.tv_nsec, 999999999);
    ck_assert_int_gt(st.st_ctime, 1600000000); /* ctime: now */
    /* OMIT keeps one, NOW sets the other */
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1].tv_nsec = UTIME_NOW;
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/f"), U(ts), 0), 0);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_int_eq(st.st_atime, 1000);
    ck_assert_int_gt(st.st_mtime, 1600000000);
    /* NULL times: both now; futimens through a descriptor */
    ts[0] = (struct __kernel_timespec){1, 1};
    ts[1] = (struct __kernel_timespec){2, 2};
    ck_assert_int_eq(sys_utimensat(3, uaddr(0), U(ts), 0), 0);
    ck_assert_int_eq(sys_fstat(3, U(&st)), 0);
    ck_assert_int_eq(st.st_atime, 1);
    ck_assert_int_eq(st.st_mtim.tv_nsec, 2);
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/f"), uaddr(0), 0), 0);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_int_gt(st.st_atime, 1600000000);
    /* the link itself with AT_SYMLINK_NOFOLLOW */
    ts[0] = ts[1] = (struct __kernel_timespec){77, 0};
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/l"), U(ts), AT_SYMLINK_NOFOLLOW), 0);
    ck_assert_int_eq(sys_lstat(U("/d/l"), U(&st)), 0);
    ck_assert_int_eq(st.st_mtime, 77);
    ck_assert_int_eq(sys_stat(U("/d/l"), U(&st)), 0);
    ck_assert_int_gt(st.st_mtime, 1600000000);
    /* hostile: refused, and nothing changes */
    struct stat before;
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&before)), 0);
    ts[0].tv_nsec = 1000000000;
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/f"), U(ts), 0), -EINVAL);
    ts[0].tv_nsec = 0;
    ts[1].tv_nsec = -1;
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/f"), U(ts), 0), -EINVAL);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_int_eq(memcmp(&st.st_atim, &before.st_atim, 3 * sizeof(st.st_atim)), 0);
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/f"), uaddr(0x10), 0), -EFAULT);
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/f"), uaddr(0), 0x1), -EINVAL);
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/nope"), uaddr(0), 0), -ENOENT);
    ck_assert_int_eq(sys_utimensat(99, uaddr(0), uaddr(0), 0), -EBADF);
    /* Linux's answers (checked against the host): a NULL path with
     * AT_FDCWD is a path, and faults; a descriptor takes no flags and no
     * O_PATH */
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, uaddr(0), uaddr(0), 0), -EFAULT);
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, uaddr(0), uaddr(0), AT_EMPTY_PATH), -EFAULT);
    ck_assert_int_eq(sys_utimensat(3, uaddr(0), uaddr(0), AT_SYMLINK_NOFOLLOW), -EINVAL);
    ck_assert_int_eq(sys_utimensat(3, uaddr(0), uaddr(0), AT_EMPTY_PATH), -EINVAL);
    ck_assert_int_eq(sys_utimensat(-1, uaddr(0), uaddr(0), 0), -EBADF);
    long op = sys_openat(AT_FDCWD, U("/d/f"), O_PATH, 0);
    ck_assert_int_ge(op, 0);
    ck_assert_int_eq(sys_utimensat((int)op, uaddr(0), uaddr(0), 0), -EBADF);
    ck_assert_int_eq(sys_utimensat((int)op, U(""), uaddr(0), AT_EMPTY_PATH), 0);
    /* the path is found before the nanoseconds are checked */
    ts[0] = (struct __kernel_timespec){0, -1};
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/nope"), U(ts), 0), -ENOENT);
    /* both UTIME_OMIT: done before anything is looked at; nothing changes,
     * not even ctime */
    ts[0].tv_nsec = ts[1].tv_nsec = UTIME_OMIT;
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&before)), 0);
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/f"), U(ts), 0), 0);
    ck_assert_int_eq(sys_utimensat(3, uaddr(0), U(ts), 0), 0);
    ck_assert_int_eq(sys_utimensat(99, uaddr(0), U(ts), 0), 0);
    ck_assert_int_eq(sys_utimensat(3, uaddr(0), U(ts), 0x1), 0);
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/nope"), U(ts), 0), 0);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_int_eq(memcmp(&st.st_atim, &before.st_atim, 3 * sizeof(st.st_atim)), 0);
    /* before 1970 is a time like any other */
    ts[0] = (struct __kernel_timespec){-5, 1};
    ts[1] = (struct __kernel_timespec){-1, 999999999};
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/f"), U(ts), 0), 0);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_int_eq(st.st_atime, -5);
    ck_assert_int_eq(st.st_atim.tv_nsec, 1);
    ck_assert_int_eq(st.st_mtime, -1);
    ck_assert_int_eq(st.st_mtim.tv_nsec, 999999999);
    struct statx sx;
    ck_assert_int_eq(sys_statx(AT_FDCWD, U("/d/f"), 0, STATX_BASIC_STATS, U(&sx)), 0);
    ck_assert_int_eq(sx.stx_atime.tv_sec, -5);
    ck_assert_int_eq(sx.stx_atime.tv_nsec, 1);
    ck_assert_int_eq(sx.stx_mtime.tv_sec, -1);
    ck_assert_int_eq(sx.stx_mtime.tv_nsec, 999999999);
    /* past what 64-bit nanoseconds hold: clamped, never wrapped */
    ts[0] = (struct __kernel_timespec){INT64_MAX, 0};
    ts[1] = (struct __kernel_timespec){INT64_MIN, 0};
    ck_assert_int_eq(sys_utimensat(AT_FDCWD, U("/d/f"), U(ts), 0), 0);
    ck_assert_int_eq(sys_stat(U("/d/f"), U(&st)), 0);
    ck_assert_int_eq(st.st_atime, INT64_MAX / 1000000000);
    ck_assert_int_eq(st.st_mtime, INT64_MIN / 1000000000 - 1);
}
END_TEST

START_TEST(test_statfs)
{
    struct statfs sf;
    memset(&sf, 0xff, sizeof(sf));
    ck_assert_int_eq(sys_statfs(U("/d/f"), U(&sf)), 0);
    ck_assert_int_eq(sf.f_type, TMPFS_MAGIC);
    ck_assert_int_eq(sf.f_bsize, 4096);
    ck_assert_int_eq(sf.f_namelen, 255);
    ck_assert_int_le(sf.f_bfree, sf.f_blocks);
    ck_assert_int_eq(sf.f_spare[0], 0);
    ck_assert_int_eq(sys_fstatfs(3, U(&sf)), 0);
    ck_assert_int_eq(sf.f_type, TMPFS_MAGIC);
    ck_assert_int_eq(sys_statfs(U("/nope"), U(&sf)), -ENOENT);
    ck_assert_int_eq(sys_statfs(uaddr(0x8), U(&sf)), -EFAULT);
    ck_assert_int_eq(sys_statfs(U("/"), uaddr(0x8)), -EFAULT);
    ck_assert_int_eq(sys_fstatfs(77, U(&sf)), -EBADF);
}
END_TEST

static Suite *stat_suite(void)
{
    Suite *s = suite_create("abi_stat");
    TCase *tc = tcase_create("stat");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_stat_fields);
    tcase_add_test(tc, test_stat_hostile);
    tcase_add_test(tc, test_statx);
    tcase_add_test(tc, test_access);
    tcase_add_test(tc, test_chmod_chown);
    tcase_add_test(tc, test_utimensat);
    tcase_add_test(tc, test_statfs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(stat_suite());
}
