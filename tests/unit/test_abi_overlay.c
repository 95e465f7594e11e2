/* Unit tests for abi/overlay.c on the host, with a tmpfs directory as the
 * lower layer: reads through, copy-up on the first write (whole file,
 * same inode, open readers follow), whiteouts for unlink, rmdir and
 * rename, merged listings, renames across layers (directories included),
 * chmod without copy-up, mappings and exec reads of lower-backed files,
 * hostile mount options and names, and that the lower tree is never
 * changed. User pointers are host pointers (tests/unit/core_shim.c). */
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

#include <linux/fs.h>
#include <linux/mman.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#define PG 4096ul

static void mkfile(const char *path, const char *data)
{
    long fd = sys_openat(AT_FDCWD, U(path), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    if (data)
        ck_assert_int_eq(sys_write((int)fd, U(data), strlen(data)), (long)strlen(data));
    ck_assert_int_eq(sys_close((int)fd), 0);
}

/* The whole content of path into a static buffer ("" if empty); NULL
 * with errno in *err when it cannot be opened. */
static const char *slurp(const char *path)
{
    static char buf[65536];
    long fd = sys_openat(AT_FDCWD, U(path), O_RDONLY, 0);
    if (fd < 0)
        return NULL;
    long n = sys_read((int)fd, U(buf), sizeof(buf) - 1);
    ck_assert_int_ge(n, 0);
    buf[n] = 0;
    ck_assert_int_eq(sys_close((int)fd), 0);
    return buf;
}

static struct inode *look(const char *path)
{
    struct lookup lk;
    if (vfs_lookup_at(AT_FDCWD, path, 0, &lk))
        return NULL;
    struct inode *ino = lk.inode;
    lookup_release(&lk);
    return ino;
}

/* The sorted names of a directory, space separated. */
static const char *names(const char *path)
{
    static char out[4096];
    char buf[4096], *list[128];
    int n = 0;
    long fd = sys_openat(AT_FDCWD, U(path), O_RDONLY | O_DIRECTORY, 0);
    ck_assert_int_ge(fd, 0);
    for (;;) {
        long got = sys_getdents64((int)fd, U(buf), sizeof(buf));
        ck_assert_int_ge(got, 0);
        if (!got)
            break;
        for (long at = 0; at < got;) {
            unsigned short reclen;
            memcpy(&reclen, buf + at + 16, 2);
            const char *nm = buf + at + 19;
            if (strcmp(nm, ".") && strcmp(nm, "..")) {
                ck_assert_int_lt(n, 128);
                list[n++] = strdup(nm);
            }
            at += reclen;
        }
    }
    ck_assert_int_eq(sys_close((int)fd), 0);
    for (int i = 1; i < n; i++) /* insertion sort: tiny lists */
        for (int j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
            char *t = list[j];
            list[j] = list[j - 1];
            list[j - 1] = t;
        }
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(out, " ");
        strcat(out, list[i]);
        free(list[i]);
    }
    return out;
}

/* A lower tree in /lower, an overlay of it on /mnt. */
static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
    abi_proc->umask = 022;
    ck_assert_int_eq(sys_mkdir(U("/lower"), 0755), 0);
    ck_assert_int_eq(sys_mkdir(U("/lower/d"), 0755), 0);
    ck_assert_int_eq(sys_mkdir(U("/lower/d/sub"), 0755), 0);
    ck_assert_int_eq(sys_mkdir(U("/lower/empty"), 0755), 0);
    mkfile("/lower/a", "alpha");
    mkfile("/lower/d/b", "bravo");
    mkfile("/lower/d/sub/c", "charlie");
    ck_assert_int_eq(sys_symlinkat(U("d/b"), AT_FDCWD, U("/lower/ln")), 0);
    ck_assert_int_eq(sys_mkdir(U("/mnt"), 0755), 0);
    ck_assert_int_eq(sys_mount(U("none"), U("/mnt"), U("overlay"), 0, U("lowerdir=/lower")), 0);
}

/* The lower tree is as setup made it. */
static void lower_intact(void)
{
    ck_assert_str_eq(names("/lower"), "a d empty ln");
    ck_assert_str_eq(names("/lower/d"), "b sub");
    ck_assert_str_eq(names("/lower/d/sub"), "c");
    ck_assert_str_eq(names("/lower/empty"), "");
    ck_assert_str_eq(slurp("/lower/a"), "alpha");
    ck_assert_str_eq(slurp("/lower/d/b"), "bravo");
    ck_assert_str_eq(slurp("/lower/d/sub/c"), "charlie");
    ck_assert_uint_eq(look("/lower/a")->mode, S_IFREG | 0644);
}

START_TEST(test_reads_through)
{
    ck_assert_str_eq(slurp("/mnt/a"), "alpha");
    ck_assert_str_eq(slurp("/mnt/d/sub/c"), "charlie");
    ck_assert_str_eq(slurp("/mnt/ln"), "bravo"); /* the symlink is relative */
    ck_assert_str_eq(names("/mnt"), "a d empty ln");
    ck_assert_str_eq(names("/mnt/d"), "b sub");
    struct inode *a = look("/mnt/a");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_ne(a, look("/lower/a")); /* an inode of the overlay */
    ck_assert_uint_eq(a->size, 5);
    ck_assert_ptr_eq(look("/mnt/a"), a); /* made once */
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("/mnt/nothere"), O_RDONLY, 0), -ENOENT);
    lower_intact();
}
END_TEST

START_TEST(test_copy_up_on_write)
{
    long ro = sys_openat(AT_FDCWD, U("/mnt/a"), O_RDONLY, 0);
    ck_assert_int_ge(ro, 0);
    struct inode *a = look("/mnt/a");
    long fd = sys_openat(AT_FDCWD, U("/mnt/a"), O_WRONLY | O_APPEND, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_ptr_null(a->iops); /* now a tmpfs file */
    ck_assert_ptr_eq(look("/mnt/a"), a); /* the same inode */
    ck_assert_int_eq(sys_write((int)fd, U("-beta"), 5), 5);
    ck_assert_int_eq(sys_close((int)fd), 0);
    ck_assert_str_eq(slurp("/mnt/a"), "alpha-beta");
    char buf[32] = {0};
    ck_assert_int_eq(sys_read((int)ro, U(buf), sizeof(buf)), 10); /* the reader follows */
    ck_assert_str_eq(buf, "alpha-beta");
    ck_assert_int_eq(sys_close((int)ro), 0);
    /* O_TRUNC and truncate(2) */
    mkfile("/mnt/d/b", "new");
    ck_assert_str_eq(slurp("/mnt/d/b"), "new");
    ck_assert_int_eq(sys_truncate(U("/mnt/d/sub/c"), 4), 0);
    ck_assert_str_eq(slurp("/mnt/d/sub/c"), "char");
    lower_intact();
}
END_TEST

START_TEST(test_copy_up_big_sparse_file)
{
    /* a lower file of several pages with a hole, copied up whole */
    long fd = sys_openat(AT_FDCWD, U("/lower/big"), O_CREAT | O_RDWR, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(sys_pwrite64((int)fd, U("head"), 4, 0), 4);
    ck_assert_int_eq(sys_pwrite64((int)fd, U("tail"), 4, 5 * PG + 7), 4);
    ck_assert_int_eq(sys_close((int)fd), 0);
    fd = sys_openat(AT_FDCWD, U("/mnt/big"), O_RDWR, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(sys_pwrite64((int)fd, U("MID"), 3, 2 * PG), 3);
    char buf[8];
    ck_assert_int_eq(sys_pread64((int)fd, U(buf), 4, 0), 4);
    ck_assert_int_eq(memcmp(buf, "head", 4), 0);
    ck_assert_int_eq(sys_pread64((int)fd, U(buf), 4, 5 * PG + 7), 4);
    ck_assert_int_eq(memcmp(buf, "tail", 4), 0);
    ck_assert_int_eq(sys_pread64((int)fd, U(buf), 4, PG), 4);
    ck_assert_int_eq(memcmp(buf, "\0\0\0\0", 4), 0);
    ck_assert_int_eq(sys_close((int)fd), 0);
    ck_assert_int_eq(sys_pread64((int)sys_openat(AT_FDCWD, U("/lower/big"), O_RDONLY, 0),
                                 U(buf), 3, 2 * PG), 3);
    ck_assert_int_eq(memcmp(buf, "\0\0\0", 3), 0); /* not written below */
}
END_TEST

START_TEST(test_whiteouts)
{
    ck_assert_int_eq(sys_unlink(U("/mnt/a")), 0);
    ck_assert_ptr_null(slurp("/mnt/a"));
    ck_assert_ptr_null(look("/mnt/a"));
    ck_assert_str_eq(names("/mnt"), "d empty ln");
    ck_assert_int_eq(sys_unlink(U("/mnt/a")), -ENOENT);
    /* a directory with lower entries is not empty; its emptied self is */
    ck_assert_int_eq(sys_rmdir(U("/mnt/d/sub")), -ENOTEMPTY);
    ck_assert_int_eq(sys_unlink(U("/mnt/d/sub/c")), 0);
    ck_assert_int_eq(sys_rmdir(U("/mnt/d/sub")), 0);
    ck_assert_str_eq(names("/mnt/d"), "b");
    ck_assert_int_eq(sys_rmdir(U("/mnt/empty")), 0);
    /* a name made again is new: a file, or an opaque directory */
    mkfile("/mnt/a", "again");
    ck_assert_str_eq(slurp("/mnt/a"), "again");
    ck_assert_int_eq(sys_mkdir(U("/mnt/d/sub"), 0700), 0);
    ck_assert_str_eq(names("/mnt/d/sub"), "");
    ck_assert_int_eq(sys_rmdir(U("/mnt/d/sub")), 0);
    ck_assert_str_eq(names("/mnt"), "a d ln");
    lower_intact();
}
END_TEST

START_TEST(test_create_and_merge)
{
    mkfile("/mnt/new", "n");
    ck_assert_int_eq(sys_mkdir(U("/mnt/d/nd"), 0755), 0);
    mkfile("/mnt/d/nd/f", "f");
    ck_assert_int_eq(sys_symlinkat(U("new"), AT_FDCWD, U("/mnt/sl")), 0);
    ck_assert_str_eq(names("/mnt"), "a d empty ln new sl");
    ck_assert_str_eq(names("/mnt/d"), "b nd sub");
    ck_assert_str_eq(slurp("/mnt/sl"), "n");
    /* a listing first, then a lookup: nothing shows twice */
    ck_assert_str_eq(names("/mnt/d/sub"), "c");
    ck_assert_str_eq(slurp("/mnt/d/sub/c"), "charlie");
    ck_assert_str_eq(names("/mnt/d/sub"), "c");
    lower_intact();
    ck_assert_ptr_null(look("/lower/new"));
}
END_TEST

START_TEST(test_rename_across_layers)
{
    /* a lower file, renamed without copy-up; the old name is whited out */
    ck_assert_int_eq(sys_rename(U("/mnt/a"), U("/mnt/d/a2")), 0);
    ck_assert_ptr_null(look("/mnt/a"));
    ck_assert_str_eq(slurp("/mnt/d/a2"), "alpha");
    ck_assert_ptr_nonnull(look("/mnt/d/a2")->iops); /* still on the lower layer */
    /* over a lower name */
    ck_assert_int_eq(sys_rename(U("/mnt/d/a2"), U("/mnt/d/b")), 0);
    ck_assert_str_eq(slurp("/mnt/d/b"), "alpha");
    ck_assert_str_eq(names("/mnt/d"), "b sub");
    /* a directory with lower contents moves with them */
    ck_assert_int_eq(sys_rename(U("/mnt/d/sub"), U("/mnt/moved")), 0);
    ck_assert_str_eq(names("/mnt/moved"), "c");
    ck_assert_str_eq(slurp("/mnt/moved/c"), "charlie");
    ck_assert_str_eq(names("/mnt/d"), "b");
    /* over a non-empty directory from below: ENOTEMPTY; over an empty one */
    ck_assert_int_eq(sys_mkdir(U("/mnt/x"), 0755), 0);
    ck_assert_int_eq(sys_rename(U("/mnt/x"), U("/mnt/moved")), -ENOTEMPTY);
    ck_assert_int_eq(sys_rename(U("/mnt/x"), U("/mnt/empty")), 0);
    ck_assert_str_eq(names("/mnt"), "d empty ln moved");
    /* out of the overlay: another filesystem */
    ck_assert_int_eq(sys_rename(U("/mnt/ln"), U("/tmp/ln")), -EXDEV);
    lower_intact();
}
END_TEST

START_TEST(test_attributes_and_links)
{
    ck_assert_int_eq(sys_chmod(U("/mnt/a"), 0600), 0);
    struct inode *a = look("/mnt/a");
    ck_assert_uint_eq(a->mode, S_IFREG | 0600);
    ck_assert_ptr_nonnull(a->iops); /* no data copied for a chmod */
    ck_assert_str_eq(slurp("/mnt/a"), "alpha");
    ck_assert_int_eq(sys_link(U("/mnt/a"), U("/mnt/d/hard")), 0);
    ck_assert_ptr_eq(look("/mnt/d/hard"), a);
    ck_assert_uint_eq(a->nlink, 2);
    ck_assert_int_eq(sys_unlink(U("/mnt/a")), 0);
    ck_assert_str_eq(slurp("/mnt/d/hard"), "alpha");
    lower_intact();
}
END_TEST

START_TEST(test_mmap_and_exec_reads)
{
    struct inode *a = look("/mnt/a");
    char buf[8] = {0};
    ck_assert_int_eq(vfs_read_kernel(a, 1, buf, 100), 4);
    ck_assert_str_eq(buf, "lpha");
    long fd = sys_openat(AT_FDCWD, U("/mnt/a"), O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    long p = sys_mmap(0, PG, PROT_READ, MAP_PRIVATE, (int)fd, 0);
    ck_assert_int_gt(p, 0);
    ck_assert_int_eq(mm_fault(uaddr((uint64_t)p), CORE_FAULT_USER, true), 0);
    unsigned prot;
    char *pg = core_as_lookup(abi_proc->mm->as, uaddr((uint64_t)p), &prot);
    ck_assert_ptr_nonnull(pg);
    ck_assert_int_eq(memcmp(pg, "alpha", 5), 0);
    ck_assert_ptr_eq(pg, tmpfs_page(look("/lower/a"), 0, false)); /* the lower's page */
    /* shared: read-only only, and never made writable */
    ck_assert_int_eq(sys_mmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0), -EACCES);
    long s = sys_mmap(0, PG, PROT_READ, MAP_SHARED, (int)fd, 0);
    ck_assert_int_gt(s, 0);
    ck_assert_int_eq(sys_mprotect((uint64_t)s, PG, PROT_READ | PROT_WRITE), -EACCES);
    /* a private writable mapping copies, below stays */
    long w = sys_mmap(0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, (int)fd, 0);
    ck_assert_int_gt(w, 0);
    ck_assert_int_eq(mm_fault(uaddr((uint64_t)w), CORE_FAULT_USER | CORE_FAULT_WRITE, true), 0);
    char *wp = core_as_lookup(abi_proc->mm->as, uaddr((uint64_t)w), &prot);
    ck_assert_ptr_ne(wp, pg);
    wp[0] = 'A';
    ck_assert_int_eq(sys_close((int)fd), 0);
    lower_intact();
}
END_TEST

START_TEST(test_mount_options)
{
    ck_assert_int_eq(sys_mkdir(U("/m2"), 0755), 0);
    static const char *bad[] = {
        "", "lowerdir=", "lowerdir=/lower:/tmp", "lowerdir=/lower,upperdir=/tmp",
        "lowerdir=/lower,workdir=/tmp", "lowerdir=/lower,lowerdir=/tmp", "bogus",
        "lowerdir=/lower/a", "lowerdir=/nothere",
    };
    static const int want[] = {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
                               -EINVAL, -ENOTDIR, -ENOENT};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(sys_mount(U("none"), U("/m2"), U("overlay"), 0, U(bad[i])) == want[i],
                      "options \"%s\"", bad[i]);
    ck_assert_int_eq(sys_mount(U("none"), U("/m2"), U("overlay"), 0, uaddr(0)), -EINVAL);
    /* an overlay of an overlay, and the same directory as its own lower */
    ck_assert_int_eq(sys_mount(U("none"), U("/m2"), U("overlay"), 0, U("lowerdir=/mnt")), 0);
    ck_assert_str_eq(slurp("/m2/d/b"), "bravo");
    mkfile("/m2/only2", "x");
    ck_assert_ptr_null(look("/mnt/only2"));
    ck_assert_int_eq(sys_mount(U("none"), U("/lower"), U("overlay"), 0, U("lowerdir=/lower")), 0);
    mkfile("/lower/z", "z");
    ck_assert_int_eq(sys_umount2(U("/lower"), 0), 0);
    lower_intact();
    /* busy while open; the lower is held until the overlay goes */
    long fd = sys_openat(AT_FDCWD, U("/m2/a"), O_RDONLY, 0);
    ck_assert_int_eq(sys_umount2(U("/m2"), 0), -EBUSY);
    ck_assert_int_eq(sys_close((int)fd), 0);
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0), -EBUSY); /* under /m2: its lower */
    ck_assert_int_eq(sys_umount2(U("/m2"), 0), 0);
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0), 0);
    ck_assert_str_eq(names("/mnt"), "");
}
END_TEST

/* Names a listing of the lower may give that a path cannot hold. */
static bool hostile_seen;
static bool hostile_cb(void *ctx, const char *name, size_t len, uint32_t type)
{
    hostile_seen |= memchr(name, '/', len) != NULL;
    return true;
}

START_TEST(test_hostile_names)
{
    /* long names at the limit, odd bytes: all pass through */
    char name[300], path[400];
    memset(name, 'n', 255);
    name[255] = 0;
    snprintf(path, sizeof(path), "/lower/%s", name);
    mkfile(path, "long");
    mkfile("/lower/sp ace\ttab\nnl", "odd");
    mkfile("/lower/\xff\xfe", "bytes");
    snprintf(path, sizeof(path), "/mnt/%s", name);
    ck_assert_str_eq(slurp(path), "long");
    ck_assert_str_eq(slurp("/mnt/sp ace\ttab\nnl"), "odd");
    ck_assert_str_eq(slurp("/mnt/\xff\xfe"), "bytes");
    ck_assert_int_eq(sys_unlink(U(path)), 0);
    ck_assert_ptr_null(look(path));
    name[255] = 'x';
    name[256] = 0;
    snprintf(path, sizeof(path), "/mnt/%s", name);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U(path), O_RDONLY, 0), -ENAMETOOLONG);
    /* "." and ".." never become entries; the lower cannot be reached by ".." */
    ck_assert_ptr_eq(look("/mnt/d/.."), look("/mnt"));
    ck_assert_ptr_eq(look("/mnt/.."), vfs_root);
    ck_assert_int_eq(vfs_dir_list(look("/lower"), hostile_cb, NULL), 0);
    ck_assert(!hostile_seen);
}
END_TEST

START_TEST(test_boot_api)
{
    ck_assert_int_eq(sys_mkdir(U("/m3"), 0755), 0);
    ck_assert_int_eq(overlay_mount(look("/lower"), "/m3"), 0);
    ck_assert_str_eq(slurp("/m3/a"), "alpha");
    mkfile("/m3/a", "changed");
    ck_assert_str_eq(slurp("/m3/a"), "changed");
    ck_assert_int_eq(overlay_mount(look("/lower/a"), "/m3"), -ENOTDIR);
    ck_assert_int_eq(overlay_mount(look("/lower"), "/nothere"), -ENOENT);
    lower_intact();
}
END_TEST

static Suite *overlay_suite(void)
{
    Suite *s = suite_create("abi_overlay");
    TCase *tc = tcase_create("overlay");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_reads_through);
    tcase_add_test(tc, test_copy_up_on_write);
    tcase_add_test(tc, test_copy_up_big_sparse_file);
    tcase_add_test(tc, test_whiteouts);
    tcase_add_test(tc, test_create_and_merge);
    tcase_add_test(tc, test_rename_across_layers);
    tcase_add_test(tc, test_attributes_and_links);
    tcase_add_test(tc, test_mmap_and_exec_reads);
    tcase_add_test(tc, test_mount_options);
    tcase_add_test(tc, test_hostile_names);
    tcase_add_test(tc, test_boot_api);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(overlay_suite());
}
