/* Unit tests for abi/vfs_path.c, vfs_inode.c and the namespace syscalls of
 * abi/sys_dir.c, on the host: path walks ("." and "..", repeated and
 * trailing slashes, symlinks in the middle and at the end), ELOOP after 40
 * links, ENAMETOOLONG for long names and paths, bad user pointers, dirfd
 * rules, getcwd, and the errno of each mkdir/rmdir/unlink/rename/link/
 * symlink/readlink corner, as Linux gives them. User pointers are host
 * pointers (tests/unit/core_shim.c). */
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

#define U(p) uaddr((uint64_t)(uintptr_t)(p))

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
}

/* The inode at path (0 = no flags), or NULL; *err gets the errno. */
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

static int look_err(const char *path, unsigned flags)
{
    int err;
    look(path, flags, &err);
    return err;
}

static void mkfile(const char *path, const char *data)
{
    long fd = sys_openat(AT_FDCWD, U(path), O_CREAT | O_WRONLY | O_EXCL, 0644);
    ck_assert_int_ge(fd, 0);
    if (data)
        ck_assert_int_eq(sys_write((int)fd, U(data), strlen(data)), (long)strlen(data));
    ck_assert_int_eq(sys_close((int)fd), 0);
}

/* ---- walks ---- */

START_TEST(test_walk_dots_and_slashes)
{
    ck_assert_int_eq(sys_mkdir(U("a"), 0755), 0);
    ck_assert_int_eq(sys_mkdir(U("a/b"), 0755), 0);
    struct inode *a = look("a", 0, NULL), *b = look("a/b", 0, NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_eq(look("/a/./b/", 0, NULL), b);
    ck_assert_ptr_eq(look("a//b///", 0, NULL), b);
    ck_assert_ptr_eq(look("a/b/..", 0, NULL), a);
    ck_assert_ptr_eq(look("a/b/../../a/b", 0, NULL), b);
    ck_assert_ptr_eq(look("/..", 0, NULL), vfs_root); /* the root's ".." is itself */
    ck_assert_ptr_eq(look("../../..", 0, NULL), vfs_root);
    ck_assert_ptr_eq(look("///", 0, NULL), vfs_root);
    ck_assert_ptr_eq(look(".", 0, NULL), vfs_root);
    ck_assert_int_eq(look_err("", 0), -ENOENT);
    ck_assert_int_eq(look_err("a/missing", 0), -ENOENT);
    ck_assert_int_eq(look_err("a/missing/b", 0), -ENOENT);
    ck_assert_int_eq(look_err("a/missing/..", 0), -ENOENT);
    /* a walk takes no references it does not hand back */
    ck_assert_uint_eq(b->refs, 0);
    ck_assert_uint_eq(a->refs, 0);
}
END_TEST

START_TEST(test_walk_through_files)
{
    mkfile("f", "x");
    ck_assert_ptr_nonnull(look("f", 0, NULL));
    ck_assert_int_eq(look_err("f/", 0), -ENOTDIR);
    ck_assert_int_eq(look_err("f/.", 0), -ENOTDIR);
    ck_assert_int_eq(look_err("f/x", 0), -ENOTDIR);
    ck_assert_int_eq(look_err("f/..", 0), -ENOTDIR);
    ck_assert_int_eq(look_err("f", LOOKUP_DIRECTORY), -ENOTDIR);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("f/"), O_RDONLY, 0), -ENOTDIR);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("new/"), O_CREAT | O_WRONLY, 0644), -EISDIR);
    ck_assert_int_eq(look_err("new", 0), -ENOENT);
}
END_TEST

START_TEST(test_parent_lookup)
{
    ck_assert_int_eq(sys_mkdir(U("d"), 0755), 0);
    struct lookup lk;
    ck_assert_int_eq(vfs_lookup_at(AT_FDCWD, "d/name/", LOOKUP_PARENT, &lk), 0);
    ck_assert_ptr_eq(lk.parent, look("d", 0, NULL));
    ck_assert_ptr_null(lk.inode);
    ck_assert_str_eq(lk.last, "name");
    ck_assert_uint_eq(lk.last_len, 4);
    ck_assert(lk.trailing_slash);
    lookup_release(&lk);
    ck_assert_int_eq(vfs_lookup_at(AT_FDCWD, "/", LOOKUP_PARENT, &lk), 0);
    ck_assert_uint_eq(lk.last_len, 0);
    ck_assert_ptr_eq(lk.inode, vfs_root);
    lookup_release(&lk);
    ck_assert_int_eq(vfs_lookup_at(AT_FDCWD, "d/..", LOOKUP_PARENT, &lk), 0);
    ck_assert_str_eq(lk.last, "..");
    ck_assert_ptr_eq(lk.inode, vfs_root);
    lookup_release(&lk);
    ck_assert_uint_eq(vfs_root->refs, 2); /* the mount and the cwd */
}
END_TEST

/* ---- symlinks ---- */

START_TEST(test_symlinks)
{
    ck_assert_int_eq(sys_mkdir(U("d"), 0755), 0);
    ck_assert_int_eq(sys_mkdir(U("d/e"), 0755), 0);
    mkfile("d/e/f", "data");
    struct inode *f = look("d/e/f", 0, NULL), *e = look("d/e", 0, NULL);
    ck_assert_int_eq(sys_symlink(U("e/f"), U("d/rel")), 0);   /* from d */
    ck_assert_int_eq(sys_symlink(U("/d/e"), U("abs")), 0);
    ck_assert_int_eq(sys_symlink(U("nowhere"), U("dangling")), 0);
    ck_assert_int_eq(sys_symlink(U("d/rel"), U("two")), 0);   /* a link to a link */

    struct inode *rel = look("d/rel", 0, NULL);
    ck_assert_ptr_nonnull(rel);
    ck_assert(S_ISLNK(rel->mode));
    ck_assert_uint_eq(rel->size, 3);
    ck_assert_ptr_eq(look("d/rel", LOOKUP_FOLLOW, NULL), f);
    ck_assert_ptr_eq(look("two", LOOKUP_FOLLOW, NULL), f);
    ck_assert_ptr_eq(look("abs/f", 0, NULL), f);       /* in the middle: always */
    ck_assert_ptr_eq(look("abs/", 0, NULL), e);        /* trailing slash follows */
    ck_assert_ptr_eq(look("abs/..", 0, NULL), look("d", 0, NULL));
    ck_assert(S_ISLNK(look("abs", 0, NULL)->mode));
    ck_assert_ptr_eq(look("abs", LOOKUP_FOLLOW, NULL), e);
    ck_assert_int_eq(look_err("dangling", LOOKUP_FOLLOW), -ENOENT);
    ck_assert_ptr_nonnull(look("dangling", 0, NULL));
    ck_assert_int_eq(look_err("d/rel/", 0), -ENOTDIR);  /* to a file, with a slash */
    ck_assert_int_eq(look_err("d/rel/x", 0), -ENOTDIR);

    /* O_CREAT through a dangling symlink creates its target */
    long fd = sys_openat(AT_FDCWD, U("dangling"), O_CREAT | O_WRONLY, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(sys_close((int)fd), 0);
    ck_assert_ptr_nonnull(look("nowhere", 0, NULL));
    /* but not with O_EXCL, and O_NOFOLLOW refuses the link */
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("two"), O_CREAT | O_EXCL | O_WRONLY, 0600), -EEXIST);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("two"), O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    fd = sys_openat(AT_FDCWD, U("two"), O_PATH | O_NOFOLLOW, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_ptr_eq(fd_get((int)fd)->inode, look("two", 0, NULL));
}
END_TEST

START_TEST(test_eloop)
{
    ck_assert_int_eq(sys_symlink(U("self"), U("self")), 0);
    ck_assert_int_eq(look_err("self", LOOKUP_FOLLOW), -ELOOP);
    ck_assert_int_eq(look_err("self/x", 0), -ELOOP);
    ck_assert_int_eq(look_err("self/", 0), -ELOOP);
    ck_assert_ptr_nonnull(look("self", 0, NULL));
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("self"), O_RDONLY, 0), -ELOOP);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("self"), O_CREAT | O_WRONLY, 0644), -ELOOP);
    ck_assert_int_eq(sys_symlink(U("pong"), U("ping")), 0);
    ck_assert_int_eq(sys_symlink(U("ping"), U("pong")), 0);
    ck_assert_int_eq(look_err("ping", LOOKUP_FOLLOW), -ELOOP);
    ck_assert_int_eq(sys_chdir(U("pong")), -ELOOP);

    /* a chain l0 -> l1 -> ... -> l40 -> dir: 40 links resolve, 41 do not */
    ck_assert_int_eq(sys_mkdir(U("end"), 0755), 0);
    char name[16], target[16];
    for (int i = 40; i >= 0; i--) {
        snprintf(name, sizeof(name), "l%d", i);
        if (i == 40)
            snprintf(target, sizeof(target), "end");
        else
            snprintf(target, sizeof(target), "l%d", i + 1);
        ck_assert_int_eq(sys_symlink(U(target), U(name)), 0);
    }
    ck_assert_ptr_eq(look("l1", LOOKUP_FOLLOW, NULL), look("end", 0, NULL));
    ck_assert_ptr_eq(look("l1/", 0, NULL), look("end", 0, NULL));
    ck_assert_int_eq(look_err("l0", LOOKUP_FOLLOW), -ELOOP);
    ck_assert_int_eq(look_err("l0/", 0), -ELOOP);
    /* the count is per lookup, not per link: l31 (10 links), back (1) and
     * l12 (29) make 40; starting at l30 makes 41 */
    ck_assert_int_eq(sys_symlink(U("/l12/"), U("end/back")), 0);
    ck_assert_ptr_eq(look("l31/back", LOOKUP_FOLLOW, NULL), look("end", 0, NULL));
    ck_assert_int_eq(look_err("l30/back", LOOKUP_FOLLOW), -ELOOP);
}
END_TEST

/* ---- long names, long paths, bad pointers ---- */

START_TEST(test_name_too_long)
{
    char name[300];
    memset(name, 'x', sizeof(name));
    name[255] = 0;
    ck_assert_int_eq(sys_mkdir(U(name), 0755), 0); /* NAME_MAX is fine */
    ck_assert_ptr_nonnull(look(name, 0, NULL));
    name[255] = 'x';
    name[256] = 0;
    ck_assert_int_eq(sys_mkdir(U(name), 0755), -ENAMETOOLONG);
    ck_assert_int_eq(look_err(name, 0), -ENAMETOOLONG);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U(name), O_CREAT | O_WRONLY, 0644), -ENAMETOOLONG);
    ck_assert_int_eq(sys_symlink(U("t"), U(name)), -ENAMETOOLONG);
    /* in the middle too */
    char mid[300];
    snprintf(mid, sizeof(mid), "%s/f", name);
    ck_assert_int_eq(look_err(mid, 0), -ENAMETOOLONG);
    ck_assert_uint_eq(vfs_root->dir.nentries, 4); /* tmp, dev, proc, the 255 one */
}
END_TEST

START_TEST(test_path_too_long)
{
    /* "./././...": PATH_MAX - 1 bytes resolve, PATH_MAX bytes do not */
    char *p = malloc(ABI_PATH_MAX + 8);
    for (int i = 0; i < ABI_PATH_MAX + 8; i += 2) {
        p[i] = '.';
        p[i + 1] = '/';
    }
    p[ABI_PATH_MAX - 1] = 0;
    long fd = sys_openat(AT_FDCWD, U(p), O_RDONLY | O_DIRECTORY, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_ptr_eq(fd_get((int)fd)->inode, vfs_root);
    p[ABI_PATH_MAX - 1] = '.';
    p[ABI_PATH_MAX] = 0;
    ck_assert_int_eq(sys_openat(AT_FDCWD, U(p), O_RDONLY, 0), -ENAMETOOLONG);
    ck_assert_int_eq(sys_mkdir(U(p), 0755), -ENAMETOOLONG);
    ck_assert_int_eq(sys_chdir(U(p)), -ENAMETOOLONG);
    ck_assert_int_eq(sys_symlink(U(p), U("l")), -ENAMETOOLONG);
    free(p);
}
END_TEST

START_TEST(test_bad_user_pointers)
{
    char buf[64];
    ck_assert_int_eq(sys_openat(AT_FDCWD, uaddr(0), O_RDONLY, 0), -EFAULT);
    ck_assert_int_eq(sys_openat(AT_FDCWD, uaddr(0x1000), O_RDONLY, 0), -EFAULT);
    ck_assert_int_eq(sys_openat(AT_FDCWD, uaddr(~0ul), O_RDONLY, 0), -EFAULT);
    ck_assert_int_eq(sys_openat(AT_FDCWD, uaddr(0xffff800000000000ul), O_RDONLY, 0), -EFAULT);
    ck_assert_int_eq(sys_mkdir(uaddr(8), 0755), -EFAULT);
    ck_assert_int_eq(sys_rename(uaddr(8), U("x")), -EFAULT);
    ck_assert_int_eq(sys_symlink(U("t"), uaddr(8)), -EFAULT);
    ck_assert_int_eq(sys_symlink(uaddr(8), U("l")), -EFAULT);
    ck_assert_int_eq(sys_readlink(uaddr(8), U(buf), sizeof(buf)), -EFAULT);
    /* a path whose NUL lies past the end of readable memory */
    char *p = malloc(32);
    memcpy(p, "tmp/abcdefgh", 12);
    shim_bad_range(p + 12, 20);
    ck_assert_int_eq(sys_mkdir(U(p), 0755), -EFAULT);
    p[11] = 0;
    ck_assert_int_eq(sys_mkdir(U(p), 0755), 0); /* ends before the bad bytes */
    shim_bad_clear();
    ck_assert_ptr_nonnull(look("tmp/abcdefg", 0, NULL));
    ck_assert_uint_eq(look("tmp", 0, NULL)->dir.nentries, 1);
    free(p);
}
END_TEST

START_TEST(test_dirfd)
{
    ck_assert_int_eq(sys_mkdir(U("d"), 0755), 0);
    mkfile("d/f", "x");
    long dfd = sys_openat(AT_FDCWD, U("d"), O_RDONLY | O_DIRECTORY, 0);
    ck_assert_int_ge(dfd, 0);
    long ffd = sys_openat(AT_FDCWD, U("d/f"), O_RDONLY, 0);
    ck_assert_int_ge(ffd, 0);
    long fd = sys_openat((int)dfd, U("f"), O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_ptr_eq(fd_get((int)fd)->inode, look("d/f", 0, NULL));
    ck_assert_int_eq(sys_openat((int)ffd, U("x"), O_RDONLY, 0), -ENOTDIR);
    ck_assert_int_eq(sys_openat(999, U("f"), O_RDONLY, 0), -EBADF);
    ck_assert_int_eq(sys_openat(-5, U("f"), O_RDONLY, 0), -EBADF);
    ck_assert_int_eq(sys_openat(100000, U("f"), O_RDONLY, 0), -EBADF);
    /* an absolute path ignores dirfd, even a bad one */
    fd = sys_openat(999, U("/d/f"), O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(sys_mkdirat((int)dfd, U("sub"), 0700), 0);
    ck_assert_ptr_nonnull(look("d/sub", 0, NULL));
    ck_assert_uint_eq(look("d/sub", 0, NULL)->mode, S_IFDIR | 0700);
    ck_assert_int_eq(sys_unlinkat((int)dfd, U("sub"), AT_REMOVEDIR), 0);
    ck_assert_int_eq(look_err("d/sub", 0), -ENOENT);
}
END_TEST

/* ---- getcwd and chdir ---- */

START_TEST(test_getcwd)
{
    char buf[64];
    ck_assert_int_eq(sys_getcwd(U(buf), sizeof(buf)), 2);
    ck_assert_str_eq(buf, "/");
    ck_assert_int_eq(sys_mkdir(U("a"), 0755), 0);
    ck_assert_int_eq(sys_mkdir(U("a/bc"), 0755), 0);
    ck_assert_int_eq(sys_chdir(U("a/bc")), 0);
    ck_assert_int_eq(sys_getcwd(U(buf), sizeof(buf)), 6);
    ck_assert_str_eq(buf, "/a/bc");
    ck_assert_int_eq(sys_getcwd(U(buf), 6), 6);
    ck_assert_int_eq(sys_getcwd(U(buf), 5), -ERANGE);
    ck_assert_int_eq(sys_getcwd(U(buf), 0), -ERANGE);
    ck_assert_int_eq(sys_getcwd(uaddr(16), 64), -EFAULT);
    ck_assert_int_eq(sys_getcwd(uaddr(~0ul - 2), 64), -EFAULT);
    /* relative lookups now start here */
    mkfile("here", NULL);
    ck_assert_ptr_nonnull(look("/a/bc/here", 0, NULL));
    ck_assert_int_eq(sys_chdir(U("here")), -ENOTDIR);
    ck_assert_int_eq(sys_chdir(U("nope")), -ENOENT);
    ck_assert_int_eq(sys_chdir(uaddr(1)), -EFAULT);
    /* a removed cwd: ENOENT, but ".." still leads out */
    ck_assert_int_eq(sys_unlink(U("here")), 0);
    ck_assert_int_eq(sys_rmdir(U("/a/bc")), 0);
    ck_assert_int_eq(sys_getcwd(U(buf), sizeof(buf)), -ENOENT);
    ck_assert_int_eq(sys_mkdir(U("x"), 0755), -ENOENT);
    ck_assert_int_eq(sys_openat(AT_FDCWD, U("y"), O_CREAT | O_WRONLY, 0644), -ENOENT);
    ck_assert_int_eq(sys_symlink(U("t"), U("z")), -ENOENT);
    ck_assert_int_eq(sys_chdir(U("..")), 0);
    ck_assert_int_eq(sys_getcwd(U(buf), sizeof(buf)), 3);
    ck_assert_str_eq(buf, "/a");
}
END_TEST

START_TEST(test_getcwd_deep)
{
    /* 20 levels of 250-byte names: 5020 bytes, longer than PATH_MAX */
    char name[251];
    memset(name, 'd', 250);
    name[250] = 0;
    for (int i = 0; i < 20; i++) {
        ck_assert_int_eq(sys_mkdir(U(name), 0755), 0);
        ck_assert_int_eq(sys_chdir(U(name)), 0);
    }
    char *buf = malloc(8192);
    ck_assert_int_eq(sys_getcwd(U(buf), 8192), -ENAMETOOLONG);
    free(buf);
}
END_TEST

/* ---- mkdir, rmdir, unlink ---- */

START_TEST(test_mkdir_rmdir_unlink)
{
    uint32_t root_links = vfs_root->nlink;
    ck_assert_int_eq(sys_mkdir(U("d"), 0777), 0);
    ck_assert_uint_eq(look("d", 0, NULL)->mode, S_IFDIR | 0755); /* umask 022 */
    ck_assert_uint_eq(vfs_root->nlink, root_links + 1);
    ck_assert_uint_eq(look("d", 0, NULL)->nlink, 2);
    ck_assert_int_eq(sys_mkdir(U("d"), 0755), -EEXIST);
    ck_assert_int_eq(sys_mkdir(U("d/"), 0755), -EEXIST);
    ck_assert_int_eq(sys_mkdir(U("."), 0755), -EEXIST);
    ck_assert_int_eq(sys_mkdir(U(".."), 0755), -EEXIST);
    ck_assert_int_eq(sys_mkdir(U("/"), 0755), -EEXIST);
    ck_assert_int_eq(sys_mkdir(U("e/"), 0755), 0); /* a trailing slash is fine */
    ck_assert_int_eq(sys_mkdir(U("no/such"), 0755), -ENOENT);
    mkfile("d/f", "x");
    ck_assert_int_eq(sys_mkdir(U("d/f/g"), 0755), -ENOTDIR);

    ck_assert_int_eq(sys_rmdir(U("d")), -ENOTEMPTY);
    ck_assert_int_eq(sys_rmdir(U("d/f")), -ENOTDIR);
    ck_assert_int_eq(sys_rmdir(U("d/.")), -EINVAL);
    ck_assert_int_eq(sys_mkdir(U("d/sub"), 0755), 0);
    ck_assert_int_eq(sys_rmdir(U("d/sub/..")), -ENOTEMPTY);
    ck_assert_int_eq(sys_rmdir(U("d/sub/.")), -EINVAL);
    ck_assert_int_eq(sys_rmdir(U("d/sub")), 0);
    /* "." and ".." that name the root: the name decides, as on Linux */
    ck_assert_int_eq(sys_rmdir(U("d/..")), -ENOTEMPTY);
    ck_assert_int_eq(sys_rmdir(U("..")), -ENOTEMPTY);
    ck_assert_int_eq(sys_rmdir(U("/..")), -ENOTEMPTY);
    ck_assert_int_eq(sys_rmdir(U(".")), -EINVAL);
    ck_assert_int_eq(sys_rmdir(U("/.")), -EINVAL);
    ck_assert_int_eq(sys_rmdir(U("d/../.")), -EINVAL);
    ck_assert_int_eq(sys_rmdir(U("/")), -EBUSY);
    ck_assert_int_eq(sys_rmdir(U("missing")), -ENOENT);
    ck_assert_int_eq(sys_unlink(U("d")), -EISDIR);
    ck_assert_int_eq(sys_unlink(U("d/f/")), -ENOTDIR);
    ck_assert_int_eq(sys_unlink(U("d/missing")), -ENOENT);
    ck_assert_int_eq(sys_unlink(U("d/missing/")), -ENOENT);
    ck_assert_int_eq(sys_unlinkat(AT_FDCWD, U("d/f"), 0x1), -EINVAL);
    ck_assert_int_eq(sys_unlink(U("d/f")), 0);
    ck_assert_int_eq(look_err("d/f", 0), -ENOENT);
    ck_assert_int_eq(sys_rmdir(U("d")), 0);
    ck_assert_int_eq(sys_rmdir(U("e/")), 0);
    ck_assert_uint_eq(vfs_root->nlink, root_links);
    ck_assert_int_eq(look_err("d", 0), -ENOENT);
}
END_TEST

START_TEST(test_unlink_open_file_lives)
{
    mkfile("f", "contents");
    long fd = sys_openat(AT_FDCWD, U("f"), O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    struct inode *ino = look("f", 0, NULL);
    long heap = shim_heap_live();
    ck_assert_int_eq(sys_unlink(U("f")), 0);
    ck_assert_uint_eq(ino->nlink, 0);
    char buf[16] = {0};
    ck_assert_int_eq(sys_read((int)fd, U(buf), sizeof(buf)), 8);
    ck_assert_str_eq(buf, "contents");
    ck_assert_int_eq(sys_close((int)fd), 0);
    /* the dentry, the inode, the file and its page table are gone */
    ck_assert_int_lt(shim_heap_live(), heap);
    ck_assert_int_eq(sys_close((int)fd), -EBADF);
}
END_TEST

/* ---- rename ---- */

START_TEST(test_rename)
{
    ck_assert_int_eq(sys_mkdir(U("a"), 0755), 0);
    ck_assert_int_eq(sys_mkdir(U("a/sub"), 0755), 0);
    ck_assert_int_eq(sys_mkdir(U("b"), 0755), 0);
    ck_assert_int_eq(sys_mkdir(U("full"), 0755), 0);
    mkfile("full/x", NULL);
    mkfile("f", "1");
    mkfile("g", "2");
    struct inode *f = look("f", 0, NULL), *a = look("a", 0, NULL), *b = look("b", 0, NULL);

    ck_assert_int_eq(sys_rename(U("f"), U("g")), 0); /* replaces */
    ck_assert_ptr_eq(look("g", 0, NULL), f);
    ck_assert_int_eq(look_err("f", 0), -ENOENT);
    ck_assert_int_eq(sys_rename(U("missing"), U("h")), -ENOENT);
    ck_assert_int_eq(sys_rename(U("a"), U("a/sub/in")), -EINVAL);
    ck_assert_int_eq(sys_rename(U("a"), U("a/sub")), -EINVAL); /* its own child */
    ck_assert_int_eq(sys_rename(U("a"), U("g")), -ENOTDIR);
    ck_assert_int_eq(sys_rename(U("g"), U("a")), -EISDIR);
    ck_assert_int_eq(sys_rename(U("a"), U("full")), -ENOTEMPTY);
    ck_assert_int_eq(sys_rename(U("g"), U("g/")), -ENOTDIR);
    ck_assert_int_eq(sys_rename(U("g/"), U("h")), -ENOTDIR);
    ck_assert_int_eq(sys_rename(U("."), U("h")), -EBUSY);
    ck_assert_int_eq(sys_rename(U("a"), U("..")), -EBUSY);
    ck_assert_int_eq(sys_rename(U("a"), U("/")), -EBUSY);
    ck_assert_int_eq(sys_renameat2(AT_FDCWD, U("g"), AT_FDCWD, U("b"), RENAME_NOREPLACE), -EEXIST);
    ck_assert_int_eq(sys_rename(U("g"), U("no/such")), -ENOENT);

    /* a directory moved between parents: link counts and ".." follow it */
    uint32_t root_links = vfs_root->nlink, b_links = b->nlink;
    ck_assert_int_eq(sys_rename(U("a"), U("b/a2/")), 0);
    ck_assert_ptr_eq(look("b/a2", 0, NULL), a);
    ck_assert_ptr_eq(look("b/a2/..", 0, NULL), b);
    ck_assert_ptr_eq(look("b/a2/sub/../..", 0, NULL), b);
    ck_assert_uint_eq(vfs_root->nlink, root_links - 1);
    ck_assert_uint_eq(b->nlink, b_links + 1);
    /* over an empty directory */
    ck_assert_int_eq(sys_mkdir(U("empty"), 0755), 0);
    ck_assert_int_eq(sys_rename(U("b/a2"), U("empty")), 0);
    ck_assert_ptr_eq(look("empty", 0, NULL), a);
    ck_assert_ptr_eq(look("empty/..", 0, NULL), vfs_root);
    ck_assert_uint_eq(b->nlink, b_links);
    ck_assert_uint_eq(vfs_root->nlink, root_links);

    /* two names of one file: nothing happens, both stay */
    ck_assert_int_eq(sys_link(U("g"), U("g2")), 0);
    ck_assert_int_eq(sys_rename(U("g"), U("g2")), 0);
    ck_assert_ptr_eq(look("g", 0, NULL), f);
    ck_assert_ptr_eq(look("g2", 0, NULL), f);
    ck_assert_uint_eq(f->nlink, 2);
}
END_TEST

/* ---- link, symlink, readlink ---- */

START_TEST(test_link_symlink_readlink)
{
    ck_assert_int_eq(sys_mkdir(U("d"), 0755), 0);
    mkfile("f", "x");
    struct inode *f = look("f", 0, NULL);
    ck_assert_int_eq(sys_link(U("f"), U("d/f2")), 0);
    ck_assert_uint_eq(f->nlink, 2);
    ck_assert_ptr_eq(look("d/f2", 0, NULL), f);
    ck_assert_int_eq(sys_link(U("d"), U("d2")), -EPERM);
    ck_assert_int_eq(sys_link(U("f"), U("d/f2")), -EEXIST);
    ck_assert_int_eq(sys_link(U("f"), U("d/.")), -EEXIST);
    ck_assert_int_eq(sys_link(U("missing"), U("m")), -ENOENT);
    ck_assert_int_eq(sys_linkat(AT_FDCWD, U("f"), AT_FDCWD, U("m"), 0x8000), -EINVAL);
    ck_assert_int_eq(sys_unlink(U("f")), 0);
    ck_assert_uint_eq(f->nlink, 1);

    ck_assert_int_eq(sys_symlink(U(""), U("empty")), -ENOENT);
    ck_assert_int_eq(sys_symlink(U("target/path"), U("l")), 0);
    ck_assert_int_eq(sys_symlink(U("x"), U("l")), -EEXIST);
    ck_assert_int_eq(sys_symlink(U("x"), U("d/f2")), -EEXIST);
    ck_assert_int_eq(sys_symlink(U("x"), U("/")), -EEXIST);
    char buf[32];
    memset(buf, '#', sizeof(buf));
    ck_assert_int_eq(sys_readlink(U("l"), U(buf), sizeof(buf)), 11);
    ck_assert_int_eq(memcmp(buf, "target/path#", 12), 0); /* no NUL added */
    ck_assert_int_eq(sys_readlink(U("l"), U(buf), 4), 4);
    ck_assert_int_eq(memcmp(buf, "targ", 4), 0);
    ck_assert_int_eq(sys_readlink(U("l"), U(buf), 0), -EINVAL);
    ck_assert_int_eq(sys_readlink(U("l"), U(buf), -1), -EINVAL);
    ck_assert_int_eq(sys_readlink(U("d/f2"), U(buf), sizeof(buf)), -EINVAL);
    ck_assert_int_eq(sys_readlink(U("d"), U(buf), sizeof(buf)), -EINVAL);
    ck_assert_int_eq(sys_readlink(U("nope"), U(buf), sizeof(buf)), -ENOENT);
    ck_assert_int_eq(sys_readlink(U("l"), uaddr(64), sizeof(buf)), -EFAULT);
    /* a link made through a link names the link, not its target */
    ck_assert_int_eq(sys_link(U("l"), U("l2")), 0);
    ck_assert(S_ISLNK(look("l2", 0, NULL)->mode));
    ck_assert_int_eq(sys_linkat(AT_FDCWD, U("l"), AT_FDCWD, U("l3"), AT_SYMLINK_FOLLOW), -ENOENT);
}
END_TEST

/* ---- getdents64 ---- */

static int count_dents(const char *buf, long n, const char *want)
{
    int found = 0, total = 0;
    for (long off = 0; off < n;) {
        uint16_t reclen;
        memcpy(&reclen, buf + off + 16, 2);
        ck_assert_uint_ge(reclen, 24);
        ck_assert_uint_eq(reclen % 8, 0);
        if (strcmp(buf + off + 19, want) == 0)
            found++;
        total++;
        off += reclen;
    }
    return found ? total : -total;
}

START_TEST(test_getdents)
{
    ck_assert_int_eq(sys_mkdir(U("d"), 0755), 0);
    mkfile("d/one", NULL);
    mkfile("d/two", NULL);
    long fd = sys_openat(AT_FDCWD, U("d"), O_RDONLY | O_DIRECTORY, 0);
    ck_assert_int_ge(fd, 0);
    char buf[512];
    ck_assert_int_eq(sys_getdents64((int)fd, U(buf), 10), -EINVAL); /* no room for one */
    ck_assert_int_eq(sys_getdents64((int)fd, uaddr(32), sizeof(buf)), -EFAULT);
    ck_assert_int_eq(sys_getdents64((int)fd, uaddr(~0ul - 100), sizeof(buf)), -EFAULT);
    long n = sys_getdents64((int)fd, U(buf), sizeof(buf));
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(count_dents(buf, n, "two"), 4); /* ".", "..", one, two */
    ck_assert_int_eq(sys_getdents64((int)fd, U(buf), sizeof(buf)), 0);
    long ffd = sys_openat(AT_FDCWD, U("d/one"), O_RDONLY, 0);
    ck_assert_int_eq(sys_getdents64((int)ffd, U(buf), sizeof(buf)), -ENOTDIR);
    ck_assert_int_eq(sys_getdents64(77, U(buf), sizeof(buf)), -EBADF);
}
END_TEST

/* One entry per call while entries on both sides of the position are
 * removed: every entry that stays is listed exactly once; rewinding
 * lists again. */
START_TEST(test_getdents_while_removing)
{
    enum { N = 40 };
    char name[16];
    int seen[N] = {0};
    bool removed[N] = {false};
    ck_assert_int_eq(sys_mkdir(U("d"), 0755), 0);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "d/%d", i);
        mkfile(name, NULL);
    }
    long fd = sys_openat(AT_FDCWD, U("d"), O_RDONLY | O_DIRECTORY, 0);
    char buf[32]; /* room for one short entry */
    int calls = 0, next_victim = N - 1, prev_victim = 0;
    for (;;) {
        long n = sys_getdents64((int)fd, U(buf), sizeof(buf));
        ck_assert_int_ge(n, 0);
        if (n == 0)
            break;
        ck_assert_int_le(++calls, N + 2);
        const char *nm = buf + 19;
        if (strcmp(nm, ".") && strcmp(nm, "..")) {
            int k = atoi(nm);
            ck_assert(!removed[k]);
            seen[k]++;
        }
        /* remove one not listed yet, and one already listed */
        if (calls % 3 == 0 && next_victim > N / 2) {
            snprintf(name, sizeof(name), "d/%d", next_victim);
            if (sys_unlink(U(name)) == 0)
                removed[next_victim] = true;
            next_victim--;
            snprintf(name, sizeof(name), "d/%d", prev_victim);
            if (seen[prev_victim] && sys_unlink(U(name)) == 0)
                removed[prev_victim] = true;
            prev_victim++;
        }
    }
    for (int i = 0; i < N; i++)
        if (!removed[i] || seen[i])
            ck_assert_msg(seen[i] == 1, "entry %d listed %d times", i, seen[i]);
    /* rewound, the survivors and "." and ".." again */
    ck_assert_int_eq(sys_lseek((int)fd, 0, SEEK_SET), 0);
    char big[4096];
    long n = sys_getdents64((int)fd, U(big), sizeof(big));
    int left = 0;
    for (int i = 0; i < N; i++)
        left += !removed[i];
    ck_assert_int_eq(count_dents(big, n, "."), left + 2);
}
END_TEST

/* ---- /dev from vfs_init_late ---- */

START_TEST(test_dev_nodes)
{
    struct inode *n = look("/dev/null", 0, NULL), *z = look("/dev/zero", 0, NULL);
    ck_assert_ptr_nonnull(n);
    ck_assert_ptr_nonnull(z);
    ck_assert(S_ISCHR(n->mode));
    ck_assert_uint_eq(n->rdev_major, 1);
    ck_assert_uint_eq(n->rdev_minor, 3);
    ck_assert_uint_eq(look("/tmp", 0, NULL)->mode, S_IFDIR | 01777);
    long fd = sys_openat(AT_FDCWD, U("/dev/zero"), O_RDWR, 0);
    ck_assert_int_ge(fd, 0);
    char buf[8];
    memset(buf, 7, sizeof(buf));
    ck_assert_int_eq(sys_read((int)fd, U(buf), sizeof(buf)), 8);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(buf[i], 0);
    ck_assert_int_eq(sys_write((int)fd, U(buf), sizeof(buf)), 8);
    ck_assert_int_eq(sys_read((int)fd, uaddr(4), 8), -EFAULT);
    long nfd = sys_openat(AT_FDCWD, U("/dev/null"), O_RDONLY, 0);
    ck_assert_int_eq(sys_read((int)nfd, U(buf), sizeof(buf)), 0);
    /* a second vfs_init_late changes nothing */
    uint32_t entries = look("/dev", 0, NULL)->dir.nentries;
    ck_assert_int_eq(vfs_init_late(), 0);
    ck_assert_uint_eq(look("/dev", 0, NULL)->dir.nentries, entries);
}
END_TEST

static Suite *vfs_suite(void)
{
    Suite *s = suite_create("abi_vfs");
    TCase *tc = tcase_create("walk");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_walk_dots_and_slashes);
    tcase_add_test(tc, test_walk_through_files);
    tcase_add_test(tc, test_parent_lookup);
    tcase_add_test(tc, test_symlinks);
    tcase_add_test(tc, test_eloop);
    tcase_add_test(tc, test_name_too_long);
    tcase_add_test(tc, test_path_too_long);
    tcase_add_test(tc, test_bad_user_pointers);
    tcase_add_test(tc, test_dirfd);
    suite_add_tcase(s, tc);
    tc = tcase_create("namespace");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_getcwd);
    tcase_add_test(tc, test_getcwd_deep);
    tcase_add_test(tc, test_mkdir_rmdir_unlink);
    tcase_add_test(tc, test_unlink_open_file_lives);
    tcase_add_test(tc, test_rename);
    tcase_add_test(tc, test_link_symlink_readlink);
    tcase_add_test(tc, test_getdents);
    tcase_add_test(tc, test_getdents_while_removing);
    tcase_add_test(tc, test_dev_nodes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(vfs_suite());
}
