/* Unit tests for the synthetic filesystems on the host: /proc (procfs*.c),
 * /dev (devfs.c), mounts (mount.c) and the walk and listing through them
 * (vfs_path.c, vfs_dir.c): lookups across mount points both ways, getdents
 * of /proc and /proc/self/fd resumed one entry at a time, readlink of
 * self, exe, cwd and fd links, the stat and status formats, cmdline from
 * process memory, hostile names, and mount/umount errors and leaks.
 * The process is the shim's, pid 42 (the one-process proc_find). */
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

#include <linux/mount.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#define PID 42

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
    abi_proc->pid = abi_proc->pgid = abi_proc->sid = PID;
    strcpy(abi_proc->comm, "unit test");
}

static struct inode *look(const char *path, unsigned flags, int *err)
{
    struct lookup lk;
    int e = vfs_lookup_at(AT_FDCWD, path, flags, &lk);
    if (err)
        *err = e;
    if (e)
        return NULL;
    struct inode *ino = lk.inode;
    lookup_release(&lk);
    return ino;
}

static int look_err(const char *path)
{
    int err;
    look(path, LOOKUP_FOLLOW, &err);
    return err;
}

/* The whole text of a file, NUL-terminated, in a static buffer. */
static char text[65536];
static long slurp(const char *path)
{
    long fd = sys_openat(AT_FDCWD, U(path), O_RDONLY, 0);
    if (fd < 0)
        return fd;
    long n = 0, r;
    while ((r = sys_read((int)fd, U(text + n), 7)) > 0) /* small reads: one snapshot */
        n += r;
    ck_assert_int_eq(sys_close((int)fd), 0);
    text[n > 0 ? n : 0] = 0;
    return r < 0 ? r : n;
}

static long rdlink(const char *path, char *buf, int size)
{
    long n = sys_readlink(U(path), U(buf), size);
    if (n >= 0)
        buf[n] = 0;
    return n;
}

static void mkfile(const char *path)
{
    long fd = sys_openat(AT_FDCWD, U(path), O_CREAT | O_WRONLY, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(sys_close((int)fd), 0);
}

/* Names in a directory listed one getdents call per entry, joined by '/',
 * checking each record's shape. */
static int list(const char *path, char *out, size_t out_size, size_t bufsize)
{
    long fd = sys_openat(AT_FDCWD, U(path), O_RDONLY | O_DIRECTORY, 0);
    ck_assert_int_ge(fd, 0);
    char buf[4096];
    int count = 0;
    out[0] = 0;
    for (long n; (n = sys_getdents64((int)fd, U(buf), (unsigned)bufsize)) != 0;) {
        ck_assert_int_gt(n, 0);
        for (long off = 0; off < n;) {
            uint16_t reclen;
            memcpy(&reclen, buf + off + 16, 2);
            ck_assert_uint_eq(reclen % 8, 0);
            strncat(out, "/", out_size - strlen(out) - 1);
            strncat(out, buf + off + 19, out_size - strlen(out) - 1);
            count++;
            off += reclen;
        }
    }
    ck_assert_int_eq(sys_close((int)fd), 0);
    strncat(out, "/", out_size - strlen(out) - 1);
    return count;
}

/* ---- walks across mounts ---- */

START_TEST(test_lookup_through_mounts)
{
    struct inode *proc = look("/proc", 0, NULL), *dev = look("/dev", 0, NULL);
    ck_assert_ptr_nonnull(proc);
    ck_assert_ptr_nonnull(proc->iops); /* the proc root, not the tmpfs dir */
    ck_assert_ptr_nonnull(proc->mnt_root);
    ck_assert_ptr_eq(look("/proc/..", 0, NULL), vfs_root);
    ck_assert_ptr_eq(look("/proc/self/../../..", LOOKUP_FOLLOW, NULL), vfs_root);
    ck_assert_ptr_eq(look("/proc/42/fd/../..", 0, NULL), proc);
    struct inode *shm = look("/dev/shm", 0, NULL);
    ck_assert_ptr_nonnull(shm->mnt_root);
    ck_assert_ptr_ne(shm->sb, dev->sb);
    ck_assert_ptr_eq(look("/dev/shm/..", 0, NULL), dev);
    ck_assert_ptr_eq(look("/proc/self", LOOKUP_FOLLOW, NULL), look("/proc/42", 0, NULL));
    /* stable: the same inode each time, numbered by pid and entry */
    struct inode *st = look("/proc/self/stat", 0, NULL);
    ck_assert_ptr_eq(st, look("/proc/42/stat", 0, NULL));
    ck_assert_uint_eq(st->ino >> 20, PID);
    char cwd[256];
    ck_assert_int_eq(sys_chdir(U("/proc/self/fd")), 0);
    ck_assert_int_gt(sys_getcwd(U(cwd), sizeof(cwd)), 0);
    ck_assert_str_eq(cwd, "/proc/42/fd");
    ck_assert_int_eq(sys_chdir(U("/dev/shm")), 0);
    ck_assert_int_gt(sys_getcwd(U(cwd), sizeof(cwd)), 0);
    ck_assert_str_eq(cwd, "/dev/shm");
}
END_TEST

/* ---- listings ---- */

START_TEST(test_getdents_proc)
{
    static char all[4096], one[4096];
    int n = list("/proc", all, sizeof(all), sizeof(((char[4096]){0})));
    ck_assert_int_eq(list("/proc", one, sizeof(one), 32), n); /* one per call */
    ck_assert_str_eq(one, all);
    ck_assert_ptr_nonnull(strstr(all, "/./../"));
    ck_assert_ptr_nonnull(strstr(all, "/self/"));
    ck_assert_ptr_nonnull(strstr(all, "/42/"));
    ck_assert_ptr_nonnull(strstr(all, "/meminfo/"));
    list("/proc/self", all, sizeof(all), 4096);
    ck_assert_ptr_nonnull(strstr(all, "/stat/"));
    ck_assert_ptr_nonnull(strstr(all, "/fd/"));
    list("/proc/sys/kernel", all, sizeof(all), 4096);
    ck_assert_str_eq(all, "/./../hostname/osrelease/ostype/pid_max/");
    long fd = sys_openat(AT_FDCWD, U("/proc"), O_RDONLY, 0);
    char buf[64];
    ck_assert_int_eq(sys_getdents64((int)fd, U(buf), 10), -EINVAL);
    ck_assert_int_eq(sys_getdents64((int)fd, uaddr(16), 64), -EFAULT);
}
END_TEST

START_TEST(test_fd_dir_and_links)
{
    static char all[4096];
    char buf[256];
    mkfile("/tmp/f");
    long a = sys_openat(AT_FDCWD, U("/tmp/f"), O_RDWR, 0); /* fd 0 */
    ck_assert_int_eq(a, 0);
    ck_assert_int_eq(sys_dup2(0, 7), 7);
    list("/proc/self/fd", all, sizeof(all), 32);
    ck_assert_str_eq(all, "/./../0/1/7/"); /* 1: the listing's own */
    ck_assert_int_eq(rdlink("/proc/self/fd/7", buf, sizeof(buf)), 6);
    ck_assert_str_eq(buf, "/tmp/f");
    ck_assert_int_eq(rdlink("/proc/self/fd/7", buf, 3), 3); /* truncated, as Linux */
    ck_assert_int_eq(sys_rename(U("/tmp/f"), U("/tmp/g")), 0);
    ck_assert_int_eq(rdlink("/proc/self/fd/0", buf, sizeof(buf)), 6);
    ck_assert_str_eq(buf, "/tmp/g"); /* follows renames */
    /* reopening a regular file: the same inode, its own offset */
    ck_assert_int_eq(sys_write(0, U("hello"), 5), 5);
    long b = sys_openat(AT_FDCWD, U("/dev/fd/0"), O_RDONLY, 0);
    ck_assert_int_ge(b, 0);
    ck_assert_ptr_ne(fd_get((int)b), fd_get(0));
    ck_assert_ptr_eq(fd_get((int)b)->inode, fd_get(0)->inode);
    ck_assert_int_eq(sys_read((int)b, U(buf), sizeof(buf)), 5);
    /* fdinfo */
    ck_assert_int_gt(slurp("/proc/self/fdinfo/0"), 0);
    ck_assert_ptr_nonnull(strstr(text, "pos:\t5\n"));
    ck_assert_int_eq(look_err("/proc/self/fd/5000"), -ENOENT);
    ck_assert_int_eq(look_err("/proc/self/fd/3"), -ENOENT);
    ck_assert_int_eq(look_err("/proc/self/fd/-1"), -ENOENT);
    ck_assert_int_eq(look_err("/proc/self/fd/00"), -ENOENT);
    /* an unlinked file's link still reaches it */
    ck_assert_int_eq(sys_unlink(U("/tmp/g")), 0);
    ck_assert_ptr_eq(look("/proc/self/fd/0", LOOKUP_FOLLOW, NULL), fd_get(0)->inode);
}
END_TEST

START_TEST(test_readlink_self_exe_cwd)
{
    char buf[256];
    ck_assert_int_eq(rdlink("/proc/self", buf, sizeof(buf)), 2);
    ck_assert_str_eq(buf, "42");
    ck_assert_int_eq(rdlink("/proc/self/cwd", buf, sizeof(buf)), 1);
    ck_assert_str_eq(buf, "/");
    ck_assert_int_eq(sys_mkdir(U("/tmp/d"), 0755), 0);
    ck_assert_int_eq(sys_chdir(U("/tmp/d")), 0);
    ck_assert_int_eq(rdlink("/proc/42/cwd", buf, sizeof(buf)), 6);
    ck_assert_str_eq(buf, "/tmp/d");
    ck_assert_ptr_eq(look("/proc/self/cwd", LOOKUP_FOLLOW, NULL), abi_proc->cwd);
    ck_assert_int_eq(rdlink("/proc/self/exe", buf, sizeof(buf)), -ENOENT); /* none yet */
    mkfile("/tmp/d/prog");
    abi_proc->exe = look("/tmp/d/prog", 0, NULL);
    ck_assert_int_eq(rdlink("/proc/self/exe", buf, sizeof(buf)), 11);
    ck_assert_str_eq(buf, "/tmp/d/prog");
    ck_assert_int_eq(rdlink("/proc/self/root", buf, sizeof(buf)), 1);
    ck_assert_int_eq(rdlink("/proc/mounts", buf, sizeof(buf)), 11);
    ck_assert_str_eq(buf, "self/mounts");
    ck_assert_int_eq(rdlink("/proc/self/stat", buf, sizeof(buf)), -EINVAL);
    ck_assert_int_eq(sys_readlink(U("/proc/self"), uaddr(16), 10), -EFAULT);
    abi_proc->exe = NULL;
}
END_TEST

/* ---- formats ---- */

START_TEST(test_stat_status_statm)
{
    ck_assert_int_eq(vma_insert(abi_proc->mm, 0x400000, 0x402000, CORE_PROT_READ | CORE_PROT_EXEC, 0), 0);
    ck_assert_int_eq(vma_insert(abi_proc->mm, 0x600000, 0x601000, CORE_PROT_READ | CORE_PROT_WRITE,
                                VMA_BRK), 0);
    ck_assert_int_gt(slurp("/proc/self/stat"), 0);
    ck_assert_str_eq(strstr(text, "42 (unit test) R 0 42 42 0 -1 ") ? "ok" : text, "ok");
    /* 52 fields: the comm (with its space) counts as one */
    const char *after = strrchr(text, ')') + 1;
    int fields = 2;
    for (const char *c = after; *c; c++)
        fields += *c == ' ';
    ck_assert_int_eq(fields, 52);
    ck_assert_int_eq(text[strlen(text) - 1], '\n');
    unsigned long long vsize = 0;
    const char *f = after;
    for (int i = 3; i < 23; i++) /* to field 23, vsize */
        f = strchr(f + 1, ' ');
    vsize = strtoull(f + 1, NULL, 10);
    ck_assert_uint_eq(vsize, 0x3000);
    ck_assert_int_gt(slurp("/proc/self/status"), 0);
    ck_assert_ptr_nonnull(strstr(text, "Name:\tunit test\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nPid:\t42\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nPPid:\t0\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nVmSize:\t      12 kB\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nState:\tR (running)\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nSigBlk:\t0000000000000000\n"));
    ck_assert_int_gt(slurp("/proc/self/statm"), 0);
    ck_assert_str_eq(text, "3 0 0 2 0 1 0\n");
    ck_assert_int_gt(slurp("/proc/self/maps"), 0);
    ck_assert_str_eq(text, "00400000-00402000 r-xp 00000000 00:00 0 \n"
                           "00600000-00601000 rw-p 00000000 00:00 0"
                           "                                  [heap]\n");
    ck_assert_int_eq(slurp("/proc/self/comm"), 10);
    ck_assert_str_eq(text, "unit test\n");
}
END_TEST

START_TEST(test_cmdline_environ)
{
    struct mm *mm = abi_proc->mm;
    uint64_t va = 0x7000000;
    ck_assert_int_eq(vma_insert(mm, va, va + 2 * CORE_PAGE_SIZE, CORE_PROT_READ | CORE_PROT_WRITE, 0), 0);
    char *pg = core_page_alloc(), *pg2 = core_page_alloc();
    ck_assert_int_eq(mm_map_page(mm, va, pg, CORE_PROT_READ | CORE_PROT_WRITE), 0);
    ck_assert_int_eq(mm_map_page(mm, va + CORE_PAGE_SIZE, pg2, CORE_PROT_READ), 0);
    /* the arguments straddle the page boundary */
    uint64_t start = va + CORE_PAGE_SIZE - 3;
    memcpy(pg + CORE_PAGE_SIZE - 3, "ab", 3);
    memcpy(pg2, "cd\0X=1\0", 7);
    mm->arg_start = start;
    mm->arg_end = mm->env_start = start + 6;
    mm->env_end = start + 10;
    ck_assert_int_eq(slurp("/proc/self/cmdline"), 6);
    ck_assert_int_eq(memcmp(text, "ab\0cd\0", 6), 0);
    ck_assert_int_eq(slurp("/proc/self/environ"), 4);
    ck_assert_int_eq(memcmp(text, "X=1\0", 4), 0);
    mm->arg_end = va + 3 * CORE_PAGE_SIZE; /* past what is mapped: stops there */
    ck_assert_int_eq(slurp("/proc/self/cmdline"), CORE_PAGE_SIZE + 3);
}
END_TEST

START_TEST(test_system_files)
{
    ck_assert_int_gt(slurp("/proc/meminfo"), 0);
    ck_assert_int_eq(strncmp(text, "MemTotal:       ", 16), 0);
    ck_assert_ptr_nonnull(strstr(text, "\nSwapTotal:             0 kB\n"));
    ck_assert_int_gt(slurp("/proc/uptime"), 0);
    ck_assert_ptr_nonnull(strchr(text, '.'));
    ck_assert_int_gt(slurp("/proc/loadavg"), 0);
    ck_assert_str_eq(text, "0.00 0.00 0.00 1/1 42\n");
    ck_assert_int_gt(slurp("/proc/stat"), 0);
    ck_assert_int_eq(strncmp(text, "cpu  ", 5), 0);
    ck_assert_ptr_nonnull(strstr(text, "\nbtime "));
    ck_assert_int_gt(slurp("/proc/cpuinfo"), 0);
    ck_assert_int_eq(strncmp(text, "processor\t: 0\nvendor_id\t: ", 26), 0);
    ck_assert_ptr_nonnull(strstr(text, "\nflags\t\t: fpu"));
    ck_assert_int_gt(slurp("/proc/filesystems"), 0);
    ck_assert_ptr_nonnull(strstr(text, "nodev\tproc\n"));
    ck_assert_int_gt(slurp("/proc/sys/kernel/ostype"), 0);
    ck_assert_str_eq(text, "Linux\n");
    ck_assert_int_gt(slurp("/proc/mounts"), 0);
    ck_assert_str_eq(text, "rootfs / rootfs rw 0 0\n"
                           "tmpfs /dev/shm tmpfs rw,nosuid,nodev,relatime,mode=1777 0 0\n"
                           "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
    /* a read at offset 0 makes a new snapshot; later reads continue it */
    long fd = sys_openat(AT_FDCWD, U("/proc/version"), O_RDONLY, 0);
    char a[8], b[64];
    ck_assert_int_eq(sys_read((int)fd, U(a), 5), 5);
    ck_assert_int_eq(sys_pread64((int)fd, U(b), sizeof(b), 0), 50);
    ck_assert_int_eq(memcmp(a, "Linux", 5), 0);
    ck_assert_int_eq(sys_read((int)fd, U(b), sizeof(b)), 45);
    ck_assert_int_eq(sys_read((int)fd, U(b), sizeof(b)), 0); /* at EOF */
    ck_assert_int_eq(sys_lseek((int)fd, 0, SEEK_SET), 0);
    ck_assert_int_eq(sys_read((int)fd, uaddr(16), sizeof(b)), -EFAULT);
    ck_assert_int_eq(sys_write((int)fd, U(a), 1), -EBADF);
}
END_TEST

/* ---- hostile names and namespace changes ---- */

START_TEST(test_hostile)
{
    char name[400];
    ck_assert_int_eq(look_err("/proc/99999"), -ENOENT);
    ck_assert_int_eq(look_err("/proc/99999999999"), -ENOENT);
    ck_assert_int_eq(look_err("/proc/042"), -ENOENT);
    ck_assert_int_eq(look_err("/proc/0"), -ENOENT);
    ck_assert_int_eq(look_err("/proc/42x"), -ENOENT);
    ck_assert_int_eq(look_err("/proc/self/stat/"), -ENOTDIR);
    ck_assert_int_eq(look_err("/proc/self/nosuch"), -ENOENT);
    memset(name, 'a', sizeof(name));
    memcpy(name, "/proc/", 6);
    name[6 + 256] = 0;
    ck_assert_int_eq(look_err(name), -ENAMETOOLONG);
    name[6 + 255] = 0;
    ck_assert_int_eq(look_err(name), -ENOENT);
    ck_assert_int_eq(sys_mkdir(U("/proc/x"), 0755), -ENOENT);
    ck_assert_int_eq(sys_mkdir(U("/proc/self"), 0755), -EEXIST);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("/proc/x"), O_CREAT | O_WRONLY, 0644), -ENOENT);
    ck_assert_int_eq(sys_symlink(U("t"), U("/proc/self/x")), -ENOENT);
    ck_assert_int_eq(sys_unlink(U("/proc/meminfo")), -EPERM);
    ck_assert_int_eq(sys_rmdir(U("/proc/sys")), -EPERM);
    ck_assert_int_eq(sys_rmdir(U("/proc")), -EBUSY);
    ck_assert_int_eq(sys_rmdir(U("/dev/shm")), -EBUSY);
    mkfile("/tmp/f");
    ck_assert_int_eq(sys_rename(U("/tmp/f"), U("/proc/f")), -EXDEV);
    ck_assert_int_eq(sys_rename(U("/tmp/f"), U("/dev/shm/f")), -EXDEV);
    ck_assert_int_eq(sys_link(U("/tmp/f"), U("/dev/shm/f")), -EXDEV);
    ck_assert_int_eq(sys_rename(U("/proc/meminfo"), U("/proc/m")), -ENOENT);
    ck_assert_int_eq(sys_rename(U("/dev/shm"), U("/tmp/shm")), -EBUSY);
    /* a node is made once, then found again */
    ck_assert_int_eq(look_err("/proc/self/status"), 0);
    long live = shim_heap_live();
    for (int i = 0; i < 50; i++)
        ck_assert_int_eq(look_err("/proc/self/status"), 0);
    ck_assert_int_eq(shim_heap_live(), live);
}
END_TEST

/* ---- /dev ---- */

START_TEST(test_dev_files)
{
    char buf[32];
    long fd = sys_openat(AT_FDCWD, U("/dev/full"), O_RDWR, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(sys_write((int)fd, U("x"), 1), -ENOSPC);
    memset(buf, 7, sizeof(buf));
    ck_assert_int_eq(sys_read((int)fd, U(buf), sizeof(buf)), sizeof(buf));
    ck_assert_int_eq(buf[0] | buf[31], 0);
    long r = sys_openat(AT_FDCWD, U("/dev/urandom"), O_RDONLY, 0);
    memset(buf, 0, sizeof(buf));
    ck_assert_int_eq(sys_read((int)r, U(buf), sizeof(buf)), sizeof(buf));
    int nonzero = 0;
    for (size_t i = 0; i < sizeof(buf); i++)
        nonzero += buf[i] != 0;
    ck_assert_int_gt(nonzero, 0);
    ck_assert_int_eq(sys_read((int)r, uaddr(16), 8), -EFAULT);
    /* the console behind /dev/stderr is fd 2's file itself */
    for (int i = 0; i < 3; i++)
        (void)sys_close(i);
    ck_assert_int_eq(console_open_stdio(), 0);
    shim_console_reset();
    long e = sys_openat(AT_FDCWD, U("/dev/stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    ck_assert_int_ge(e, 0);
    ck_assert_ptr_eq(fd_get((int)e), fd_get(2));
    ck_assert_int_eq(sys_write((int)e, U("err"), 3), 3);
    ck_assert_str_eq(shim_console_out(2), "err");
    char link[64];
    ck_assert_int_eq(rdlink("/proc/self/fd/1", link, sizeof(link)), 12);
    ck_assert_str_eq(link, "/dev/console");
    struct stat st;
    ck_assert_int_eq(sys_stat(U("/dev/console"), U(&st)), 0);
    ck_assert_uint_eq(st.st_ino, fd_get(1)->inode->ino);
}
END_TEST

/* ---- mount and umount ---- */

START_TEST(test_mount_umount)
{
    ck_assert_int_eq(sys_mkdir(U("/mnt"), 0755), 0);
    ck_assert_int_eq(sys_mount(U("none"), U("/mnt"), U("ext4"), 0, uaddr(0)), -ENODEV);
    ck_assert_int_eq(sys_mount(U("none"), U("/nosuch"), U("tmpfs"), 0, uaddr(0)), -ENOENT);
    mkfile("/tmp/f");
    ck_assert_int_eq(sys_mount(U("none"), U("/tmp/f"), U("tmpfs"), 0, uaddr(0)), -ENOTDIR);
    ck_assert_int_eq(sys_mount(U("none"), uaddr(16), U("tmpfs"), 0, uaddr(0)), -EFAULT);
    ck_assert_int_eq(sys_mount(U("none"), U("/mnt"), uaddr(16), 0, uaddr(0)), -EFAULT);
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0), -EINVAL); /* not a mount point */
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0x100), -EINVAL);
    ck_assert_int_eq(sys_umount2(U("/"), 0), -EINVAL);
    ck_assert_int_gt(slurp("/proc/self/mounts"), 0); /* its nodes are made */
    long live = shim_heap_live(), pages = shim_pages_live();
    ck_assert_int_eq(sys_mount(U("t1"), U("/mnt"), U("tmpfs"), MS_NOSUID, U("size=1m,mode=700")), 0);
    ck_assert_uint_eq(look("/mnt", 0, NULL)->mode, S_IFDIR | 0700);
    ck_assert_int_eq(sys_mkdir(U("/mnt/a"), 0755), 0);
    long fd = sys_openat(AT_FDCWD, U("/mnt/a/file"), O_CREAT | O_RDWR, 0644);
    ck_assert_int_eq(sys_write((int)fd, U("data"), 4), 4);
    ck_assert_int_gt(slurp("/proc/self/mounts"), 0);
    ck_assert_ptr_nonnull(strstr(text, "\nt1 /mnt tmpfs rw,nosuid,relatime,mode=700 0 0\n"));
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0), -EBUSY); /* open file */
    ck_assert_int_eq(sys_close((int)fd), 0);
    ck_assert_int_eq(sys_chdir(U("/mnt/a")), 0);
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0), -EBUSY); /* cwd */
    ck_assert_int_eq(sys_chdir(U("/")), 0);
    /* stacked: the second covers the first, umount takes the top */
    ck_assert_int_eq(sys_mount(U("t2"), U("/mnt"), U("tmpfs"), MS_RDONLY, uaddr(0)), 0);
    ck_assert_int_eq(look_err("/mnt/a"), -ENOENT);
    ck_assert_int_eq(sys_mkdir(U("/mnt/b"), 0755), -EROFS);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("/mnt/c"), O_CREAT | O_WRONLY, 0644), -EROFS);
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0), 0);
    ck_assert_int_eq(look_err("/mnt/a/file"), 0);
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0), 0);
    ck_assert_int_eq(look_err("/mnt/a"), -ENOENT);
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0), -EINVAL);
    ck_assert_int_eq(shim_heap_live(), live);
    ck_assert_int_eq(shim_pages_live(), pages);
    /* a second proc: busy while a file of it is open */
    ck_assert_int_eq(sys_mount(U("proc"), U("/mnt"), U("proc"), 0, uaddr(0)), 0);
    fd = sys_openat(AT_FDCWD, U("/mnt/self/status"), O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0), -EBUSY);
    ck_assert_int_eq(sys_close((int)fd), 0);
    ck_assert_int_eq(sys_umount2(U("/mnt"), 0), 0);
    ck_assert_int_eq(shim_heap_live(), live);
}
END_TEST

static Suite *procfs_suite(void)
{
    Suite *s = suite_create("abi_procfs");
    TCase *tc = tcase_create("procfs");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_lookup_through_mounts);
    tcase_add_test(tc, test_getdents_proc);
    tcase_add_test(tc, test_fd_dir_and_links);
    tcase_add_test(tc, test_readlink_self_exe_cwd);
    tcase_add_test(tc, test_stat_status_statm);
    tcase_add_test(tc, test_cmdline_environ);
    tcase_add_test(tc, test_system_files);
    tcase_add_test(tc, test_hostile);
    tcase_add_test(tc, test_dev_files);
    tcase_add_test(tc, test_mount_umount);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(procfs_suite());
}
