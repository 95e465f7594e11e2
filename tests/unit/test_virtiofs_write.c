/* Unit tests for devices/virtiofs_write.c: the requests that change a
 * share. A read-only share refuses each with EROFS; a writable one does
 * what the host does, but never outside the share: names with '/', "."
 * and "..", overlong names, unknown node IDs and handles, and symlinks
 * (made by the host or by the guest) pointing out of it. Next to the
 * share sits a canary directory whose state must not change. */
#define _GNU_SOURCE
#include <check.h>
#include "check_run.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtiofs_int.h"

#include "vfsd_req.h"

static char base[64], outside[96], canary[128];
static struct stat canary_st, outside_st;

static void make_share(unsigned flags)
{
    char p[256];

    strcpy(base, "/tmp/vfsdw-test.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(base));
    snprintf(dir, sizeof(dir), "%s/share", base);
    snprintf(outside, sizeof(outside), "%s/outside", base);
    snprintf(canary, sizeof(canary), "%s/canary", outside);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    ck_assert_int_eq(mkdir(outside, 0755), 0);
    snprintf(p, sizeof(p), "%s/d", dir);
    ck_assert_int_eq(mkdir(p, 0755), 0);
    mk("f", "data\n", 0644);
    mk("../outside/canary", "canary\n", 0644);
    snprintf(p, sizeof(p), "%s/out", dir);
    ck_assert_int_eq(symlink("../outside", p), 0);
    snprintf(p, sizeof(p), "%s/outf", dir);
    ck_assert_int_eq(symlink(canary, p), 0);
    ck_assert_int_eq(stat(canary, &canary_st), 0);
    ck_assert_int_eq(stat(outside, &outside_st), 0);
    mica_error_init(&e);
    ck_assert_msg(vfsd_new(&srv, dir, flags, &e) == 0, "%s", e.msg);
    do_init();
}

static void setup_rw(void)
{
    make_share(VFSD_WRITABLE);
}

static void setup_ro(void)
{
    make_share(0);
}

/* The canary directory and file are exactly as they were. */
static void teardown(void)
{
    struct stat st, dst;
    char cmd[128];

    vfsd_free(srv);
    ck_assert_int_eq(stat(canary, &st), 0);
    ck_assert_int_eq(stat(outside, &dst), 0);
    ck_assert_int_eq(st.st_size, canary_st.st_size);
    ck_assert_int_eq(st.st_mode, canary_st.st_mode);
    ck_assert_int_eq(st.st_nlink, 1);
    ck_assert_int_eq(st.st_ctim.tv_nsec, canary_st.st_ctim.tv_nsec);
    ck_assert_int_eq(st.st_mtim.tv_nsec, canary_st.st_mtim.tv_nsec);
    ck_assert_int_eq(dst.st_mtim.tv_nsec, outside_st.st_mtim.tv_nsec);
    ck_assert_int_eq(dst.st_nlink, outside_st.st_nlink);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
    ck_assert_int_eq(system(cmd), 0);
}

/* An op whose arguments are a struct then a NUL-terminated name. */
static int32_t named(uint32_t op, uint64_t node, const void *in, size_t len,
                     const char *name)
{
    ssize_t n = req2(op, node, in, len, name, strlen(name) + 1);

    return n < 0 ? (int32_t)n : rerr();
}

static int32_t do_mkdir(uint64_t node, const char *name)
{
    struct fuse_mkdir_in in = { .mode = 0755 };

    return named(FUSE_MKDIR, node, &in, sizeof(in), name);
}

/* SYMLINK name -> target */
static int32_t do_symlink(uint64_t node, const char *name, const char *target)
{
    char buf[512];
    size_t a = strlen(name) + 1, b = strlen(target) + 1;

    memcpy(buf, name, a);
    memcpy(buf + a, target, b);
    ssize_t n = req(FUSE_SYMLINK, node, buf, a + b);
    return n < 0 ? (int32_t)n : rerr();
}

static int32_t do_rename(uint64_t from, const char *a, uint64_t to, const char *b,
                         uint32_t flags)
{
    struct fuse_rename2_in in = { .newdir = to, .flags = flags };
    char buf[600];
    size_t la = strlen(a) + 1, lb = strlen(b) + 1;

    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    ssize_t n = req2(FUSE_RENAME2, from, &in, sizeof(in), buf, la + lb);
    return n < 0 ? (int32_t)n : rerr();
}

/* CREATE name: the handle (and *node), or -errno. */
static int64_t do_create(uint64_t parent, const char *name, uint32_t flags,
                         uint32_t mode, uint64_t *node)
{
    struct fuse_create_in in = { .flags = flags, .mode = S_IFREG | mode };
    struct fuse_entry_out eo;
    struct fuse_open_out oo;
    int32_t rc = named(FUSE_CREATE, parent, &in, sizeof(in), name);

    if (rc)
        return rc;
    memcpy(&eo, reply + sizeof(struct fuse_out_header), sizeof(eo));
    memcpy(&oo, reply + sizeof(struct fuse_out_header) + sizeof(eo), sizeof(oo));
    if (node)
        *node = eo.nodeid;
    return (int64_t)oo.fh;
}

static int32_t do_write(uint64_t node, uint64_t fh, uint64_t off, const char *text)
{
    struct fuse_write_in in = { .fh = fh, .offset = off, .size = (uint32_t)strlen(text) };
    ssize_t n = req2(FUSE_WRITE, node, &in, sizeof(in), text, strlen(text));

    return n < 0 ? (int32_t)n : rerr();
}

static int32_t do_setattr(uint64_t node, struct fuse_setattr_in *in)
{
    ssize_t n = req(FUSE_SETATTR, node, in, sizeof(*in));

    return n < 0 ? (int32_t)n : rerr();
}

static int64_t do_open(uint64_t node, uint32_t flags)
{
    struct fuse_open_in in = { .flags = flags };
    struct fuse_open_out oo;

    req(FUSE_OPEN, node, &in, sizeof(in));
    if (rerr())
        return rerr();
    memcpy(&oo, reply + sizeof(struct fuse_out_header), sizeof(oo));
    return (int64_t)oo.fh;
}

static void host_text(const char *rel, char *buf, size_t size)
{
    char p[256];
    FILE *f;
    size_t n;

    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    n = fread(buf, 1, size - 1, f);
    buf[n] = 0;
    fclose(f);
}

static int host_exists(const char *rel)
{
    char p[256];
    struct stat st;

    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    return lstat(p, &st) == 0;
}

START_TEST(readonly_refuses_all)
{
    struct fuse_mknod_in mi = { .mode = S_IFREG | 0644 };
    struct fuse_link_in li = { .oldnodeid = 0 };
    struct fuse_setattr_in sa = { .valid = FATTR_MODE, .mode = 0777 };
    struct fuse_fallocate_in fa = { .length = 4096 };
    int64_t f = lookup(1, "f"), fh;
    char text[32];

    ck_assert_int_eq(do_mkdir(1, "x"), -EROFS);
    ck_assert_int_eq(do_create(1, "x", O_WRONLY, 0644, NULL), -EROFS);
    ck_assert_int_eq(named(FUSE_MKNOD, 1, &mi, sizeof(mi), "x"), -EROFS);
    ck_assert_int_eq(do_symlink(1, "x", "/etc"), -EROFS);
    li.oldnodeid = (uint64_t)f;
    ck_assert_int_eq(named(FUSE_LINK, 1, &li, sizeof(li), "x"), -EROFS);
    ck_assert_int_eq(named(FUSE_UNLINK, 1, NULL, 0, "f"), -EROFS);
    ck_assert_int_eq(named(FUSE_RMDIR, 1, NULL, 0, "d"), -EROFS);
    ck_assert_int_eq(do_rename(1, "f", 1, "g", 0), -EROFS);
    ck_assert_int_eq(do_setattr((uint64_t)f, &sa), -EROFS);
    sa.valid = FATTR_SIZE;
    ck_assert_int_eq(do_setattr((uint64_t)f, &sa), -EROFS);
    ck_assert_int_eq(do_open((uint64_t)f, O_WRONLY), -EROFS);
    ck_assert_int_eq(do_open((uint64_t)f, O_RDONLY | O_TRUNC), -EROFS);
    fh = do_open((uint64_t)f, O_RDONLY);
    ck_assert_int_gt(fh, 0);
    ck_assert_int_eq(do_write((uint64_t)f, (uint64_t)fh, 0, "XX"), -EROFS);
    fa.fh = (uint64_t)fh;
    req(FUSE_FALLOCATE, (uint64_t)f, &fa, sizeof(fa));
    ck_assert_int_eq(rerr(), -EROFS);
    ck_assert(!host_exists("x") && !host_exists("g") && host_exists("d"));
    host_text("f", text, sizeof(text));
    ck_assert_str_eq(text, "data\n");
}
END_TEST

START_TEST(names_stay_one_component)
{
    char longname[300];

    memset(longname, 'x', sizeof(longname));
    longname[256] = 0;
    ck_assert_int_eq(do_mkdir(1, "a/b"), -EINVAL);
    ck_assert_int_eq(do_mkdir(1, "../outside/x"), -EINVAL);
    ck_assert_int_eq(do_mkdir(1, "/tmp/x"), -EINVAL);
    ck_assert_int_eq(do_mkdir(1, ".."), -EEXIST);
    ck_assert_int_eq(do_mkdir(1, "."), -EEXIST);
    ck_assert_int_eq(do_mkdir(1, ""), -EINVAL);
    ck_assert_int_eq(do_mkdir(1, longname), -ENAMETOOLONG);
    ck_assert_int_eq(do_create(1, "../outside/canary", O_WRONLY | O_TRUNC, 0644, NULL),
                     -EINVAL);
    ck_assert_int_eq(do_create(1, "..", O_WRONLY, 0644, NULL), -EISDIR);
    ck_assert_int_eq(do_symlink(1, "out/x", "y"), -EINVAL);
    ck_assert_int_eq(named(FUSE_UNLINK, 1, NULL, 0, "../outside/canary"), -EINVAL);
    ck_assert_int_eq(named(FUSE_UNLINK, 1, NULL, 0, ".."), -EISDIR);
    ck_assert_int_eq(named(FUSE_RMDIR, 1, NULL, 0, "."), -EINVAL);
    ck_assert_int_eq(named(FUSE_RMDIR, 1, NULL, 0, ".."), -ENOTEMPTY);
    ck_assert_int_eq(named(FUSE_RMDIR, 1, NULL, 0, "../outside"), -EINVAL);
    ck_assert_int_eq(do_rename(1, "f", 1, "../outside/f", 0), -EINVAL);
    ck_assert_int_eq(do_rename(1, "../outside/canary", 1, "c", 0), -EINVAL);
    ck_assert_int_eq(do_rename(1, "..", 1, "c", 0), -EBUSY);
    ck_assert_int_eq(do_rename(1, "f", 1, "g", RENAME_WHITEOUT), -EINVAL);
    ck_assert_int_eq(do_rename(1, "f", 1, "g", RENAME_EXCHANGE | RENAME_NOREPLACE), -EINVAL);
    ck_assert(!host_exists("a") && !host_exists("c") && !host_exists("g"));
}
END_TEST

START_TEST(bad_ids_and_lengths)
{
    struct fuse_link_in li = { .oldnodeid = 777777 };
    struct fuse_mkdir_in mi = { .mode = 0755 };
    struct fuse_write_in wi = { .fh = 0, .size = 4 };
    struct fuse_setattr_in sa = { .valid = FATTR_SIZE | FATTR_FH, .fh = 999 };
    int64_t f = lookup(1, "f"), fh;

    ck_assert_int_eq(do_mkdir(999999, "x"), -EPROTO);
    ck_assert_int_eq(do_mkdir(0, "x"), -EPROTO);
    ck_assert_int_eq(do_mkdir((uint64_t)f, "x"), -ENOTDIR);
    ck_assert_int_eq(named(FUSE_LINK, 1, &li, sizeof(li), "x"), -EPROTO);
    ck_assert_int_eq(do_rename(1, "f", 888888, "g", 0), -EPROTO);
    ck_assert_int_eq(do_rename(123456, "f", 1, "g", 0), -EPROTO);
    ck_assert_int_eq(req(FUSE_MKDIR, 1, &mi, sizeof(mi)), -EPROTO); /* no name */
    ck_assert_int_eq(req2(FUSE_MKDIR, 1, &mi, sizeof(mi), "abc", 3), -EPROTO); /* no NUL */
    ck_assert_int_eq(req(FUSE_MKDIR, 1, "x", 2), -EPROTO);         /* shorter than mkdir_in */
    ck_assert_int_eq(req(FUSE_SYMLINK, 1, "x\0y", 3), -EPROTO);   /* target without NUL */
    ck_assert_int_eq(req(FUSE_UNLINK, 1, "xyz", 3), -EPROTO);
    ck_assert_int_eq(req2(FUSE_WRITE, (uint64_t)f, &wi, sizeof(wi), "abcd", 4), -EPROTO);
    fh = do_open((uint64_t)f, O_RDWR);
    ck_assert_int_gt(fh, 0);
    wi.fh = (uint64_t)fh;
    wi.size = 1000; /* more than it carries */
    ck_assert_int_eq(req2(FUSE_WRITE, (uint64_t)f, &wi, sizeof(wi), "abcd", 4), -EPROTO);
    ck_assert_int_eq(do_setattr((uint64_t)f, &sa), -EPROTO);
    sa.fh = (uint64_t)fh;
    ck_assert_int_eq(do_setattr(1, &sa), -EISDIR);
    ck_assert(!host_exists("x") && !host_exists("g"));
}
END_TEST

/* Host symlinks pointing out, and ones the guest makes, are only text. */
START_TEST(symlinks_never_followed)
{
    struct fuse_setattr_in sa = { .valid = FATTR_SIZE };
    struct fuse_link_in li;
    struct fuse_mknod_in mi = { .mode = S_IFCHR | 0600, .rdev = 0x0103 };
    int64_t out = lookup(1, "out"), outf = lookup(1, "outf"), evil;
    char text[256];
    struct stat st;

    ck_assert_int_gt(out, 1);
    ck_assert_int_eq(do_mkdir((uint64_t)out, "x"), -ENOTDIR);
    ck_assert_int_eq(do_create((uint64_t)out, "x", O_WRONLY, 0644, NULL), -ENOTDIR);
    ck_assert_int_lt(do_create(1, "outf", O_WRONLY | O_TRUNC, 0644, NULL), 0);
    ck_assert_int_lt(do_create(1, "out", O_WRONLY, 0644, NULL), 0);
    ck_assert_int_eq(do_mkdir(1, "out"), -EEXIST);
    ck_assert_int_eq(do_setattr((uint64_t)outf, &sa), -EINVAL);
    sa.valid = FATTR_MODE;
    sa.mode = 0777;
    ck_assert_int_eq(do_setattr((uint64_t)outf, &sa), -EOPNOTSUPP);
    sa.valid = FATTR_MTIME;
    sa.mtime = 1;
    ck_assert_int_eq(do_setattr((uint64_t)outf, &sa), 0); /* the link's own time */
    ck_assert_int_eq(do_open((uint64_t)outf, O_WRONLY), -EACCES);
    li.oldnodeid = (uint64_t)outf;
    ck_assert_int_eq(named(FUSE_LINK, 1, &li, sizeof(li), "outf2"), 0);
    ck_assert_int_eq(do_rename(1, "outf2", (uint64_t)lookup(1, "d"), "moved", 0), 0);
    ck_assert_int_eq(named(FUSE_UNLINK, 1, NULL, 0, "outf"), 0);
    ck_assert_int_eq(named(FUSE_MKNOD, 1, &mi, sizeof(mi), "dev"), -EPERM);
    /* a link the guest makes to outside, then used as a directory */
    ck_assert_int_eq(do_symlink(1, "evil", outside), 0);
    evil = lookup(1, "evil");
    ck_assert_int_gt(evil, 1);
    ck_assert_int_eq(do_mkdir((uint64_t)evil, "x"), -ENOTDIR);
    ck_assert_int_eq(do_symlink((uint64_t)evil, "x", "y"), -ENOTDIR);
    ck_assert_int_lt(do_create(1, "evil", O_WRONLY | O_TRUNC, 0644, NULL), 0);
    ck_assert_int_eq(do_rename(1, "evil", 1, "evil2", 0), 0);
    ck_assert_int_eq(named(FUSE_UNLINK, 1, NULL, 0, "out"), 0);
    snprintf(text, sizeof(text), "%s/d/moved", dir);
    ck_assert_int_eq(lstat(text, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
}
END_TEST

START_TEST(changes_reach_the_host)
{
    struct fuse_setattr_in sa = { .valid = FATTR_SIZE | FATTR_FH, .size = 2 };
    struct fuse_fallocate_in fa = { .length = 8192 };
    struct fuse_fsync_in fs = { 0 };
    struct fuse_mknod_in mi = { .mode = S_IFIFO | 0600 };
    struct fuse_link_in li;
    uint64_t n, d;
    int64_t fh;
    char text[64], p[256];
    struct stat st;

    fh = do_create(1, "n", O_RDWR | O_EXCL, 0640, &n);
    ck_assert_int_gt(fh, 0);
    ck_assert_int_eq(do_create(1, "n", O_RDWR | O_EXCL, 0640, NULL), -EEXIST);
    ck_assert_int_eq(do_write(n, (uint64_t)fh, 0, "hello world"), 0);
    host_text("n", text, sizeof(text));
    ck_assert_str_eq(text, "hello world");
    sa.fh = (uint64_t)fh;
    ck_assert_int_eq(do_setattr(n, &sa), 0);
    host_text("n", text, sizeof(text));
    ck_assert_str_eq(text, "he");
    sa = (struct fuse_setattr_in){ .valid = FATTR_MODE | FATTR_MTIME, .mode = 0600,
                                   .mtime = 1000000000, .mtimensec = 7 };
    ck_assert_int_eq(do_setattr(n, &sa), 0);
    snprintf(p, sizeof(p), "%s/n", dir);
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert_int_eq(st.st_mtim.tv_sec, 1000000000);
    sa = (struct fuse_setattr_in){ .valid = FATTR_UID, .uid = st.st_uid + 1 };
    ck_assert_int_eq(do_setattr(n, &sa), -EPERM);
    sa.uid = st.st_uid;
    ck_assert_int_eq(do_setattr(n, &sa), 0);
    fs.fh = (uint64_t)fh;
    req(FUSE_FSYNC, n, &fs, sizeof(fs));
    ck_assert_int_eq(rerr(), 0);
    fa.fh = (uint64_t)fh;
    req(FUSE_FALLOCATE, n, &fa, sizeof(fa));
    ck_assert_int_eq(rerr(), 0);
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(st.st_size, 8192);
    fa.mode = FALLOC_FL_COLLAPSE_RANGE;
    req(FUSE_FALLOCATE, n, &fa, sizeof(fa));
    ck_assert_int_eq(rerr(), -EOPNOTSUPP);
    ck_assert_int_eq(do_mkdir(1, "dd"), 0);
    d = (uint64_t)lookup(1, "dd");
    ck_assert_int_eq(do_rename(1, "n", 1, "f", RENAME_NOREPLACE), -EEXIST);
    ck_assert_int_eq(do_rename(1, "n", d, "m", 0), 0);
    /* the node, renamed, still opens: through its own fd */
    fh = do_open(n, O_RDONLY);
    ck_assert_int_gt(fh, 0);
    li.oldnodeid = n;
    ck_assert_int_eq(named(FUSE_LINK, 1, &li, sizeof(li), "l2"), 0);
    ck_assert_int_eq(stat(p, &st), -1); /* n is gone from the root */
    snprintf(p, sizeof(p), "%s/l2", dir);
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(st.st_nlink, 2);
    ck_assert_int_eq(named(FUSE_RMDIR, 1, NULL, 0, "dd"), -ENOTEMPTY);
    ck_assert_int_eq(do_rename(1, "l2", 1, "f", RENAME_EXCHANGE), 0);
    host_text("l2", text, sizeof(text));
    ck_assert_str_eq(text, "data\n");
    ck_assert_int_eq(named(FUSE_MKNOD, 1, &mi, sizeof(mi), "fifo"), 0);
    ck_assert_int_eq(do_open((uint64_t)lookup(1, "fifo"), O_RDONLY), -EACCES);
    ck_assert_int_eq(named(FUSE_UNLINK, 1, NULL, 0, "fifo"), 0);
    ck_assert_int_eq(named(FUSE_UNLINK, d, NULL, 0, "m"), 0);
    ck_assert_int_eq(named(FUSE_RMDIR, 1, NULL, 0, "dd"), 0);
    ck_assert(!host_exists("dd") && !host_exists("fifo"));
}
END_TEST

/* Random requests, shaped enough to get past the length checks now and
 * then: whatever they do stays in the share (teardown checks the canary)
 * and nothing crashes. */
START_TEST(random_requests)
{
    static const uint32_t ops[] = {
        FUSE_LOOKUP, FUSE_CREATE, FUSE_MKNOD, FUSE_MKDIR, FUSE_SYMLINK, FUSE_LINK,
        FUSE_UNLINK, FUSE_RMDIR, FUSE_RENAME, FUSE_RENAME2, FUSE_WRITE, FUSE_SETATTR,
        FUSE_FSYNC, FUSE_FALLOCATE, FUSE_OPEN, FUSE_RELEASE, FUSE_FORGET, FUSE_READ,
    };
    static const char alphabet[] = "ab./\0";
    uint8_t arg[512];
    unsigned seed = 12345;
    int i;

    for (i = 0; i < 20000; i++) {
        uint32_t op = ops[rand_r(&seed) % (sizeof(ops) / sizeof(ops[0]))];
        uint64_t node = (uint64_t)(rand_r(&seed) % 12);
        size_t len = (size_t)(rand_r(&seed) % 160), k;

        for (k = 0; k < len; k++)
            arg[k] = k < 64 && rand_r(&seed) % 2 ? (uint8_t)(rand_r(&seed) % 16)
                                                 : (uint8_t)alphabet[rand_r(&seed) % 6];
        if (op == FUSE_SETATTR && len >= sizeof(struct fuse_setattr_in))
            ((struct fuse_setattr_in *)arg)->valid &= ~(uint32_t)(FATTR_UID | FATTR_GID);
        (void)req(op, node, arg, len);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("virtiofs_write");
    TCase *ro = tcase_create("readonly");
    TCase *rw = tcase_create("writable");

    tcase_add_checked_fixture(ro, setup_ro, teardown);
    tcase_add_test(ro, readonly_refuses_all);
    suite_add_tcase(s, ro);
    tcase_add_checked_fixture(rw, setup_rw, teardown);
    tcase_add_test(rw, names_stay_one_component);
    tcase_add_test(rw, bad_ids_and_lengths);
    tcase_add_test(rw, symlinks_never_followed);
    tcase_add_test(rw, changes_reach_the_host);
    tcase_add_test(rw, random_requests);
    suite_add_tcase(s, rw);
    return s;
}

int main(void)
{
    return check_run(suite());
}
