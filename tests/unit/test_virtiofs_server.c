/* Unit tests for devices/virtiofs*.c and devices/virtq_host.c: path
 * resolution beneath the share, FUSE requests from a hostile guest, and
 * descriptor chains and guest addresses that point anywhere. */
#define _GNU_SOURCE
#include <check.h>
#include "check_run.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <linux/virtio_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtiofs_int.h"
#include "virtq_host.h"

#include "vfsd_req.h"

static void setup(void)
{
    char p[256];

    strcpy(dir, "/tmp/vfsd-test.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(p, sizeof(p), "%s/sub", dir);
    mkdir(p, 0755);
    mk("hello", "hello\n", 0644);
    mk("secret", "secret\n", 0600);
    mk("sub/f", "in sub\n", 0644);
    snprintf(p, sizeof(p), "%s/esc", dir);
    ck_assert_int_eq(symlink("/etc/passwd", p), 0);
    snprintf(p, sizeof(p), "%s/sub/up", dir);
    ck_assert_int_eq(symlink("../..", p), 0);
    mica_error_init(&e);
    ck_assert_msg(vfsd_new(&srv, dir, 0, &e) == 0, "%s", e.msg);
}

static void teardown(void)
{
    char cmd[128];

    vfsd_free(srv);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(name_check)
{
    char longname[300];

    ck_assert_int_eq(vfsd_name_check("a", 1), 0);
    ck_assert_int_eq(vfsd_name_check("", 0), -EINVAL);
    ck_assert_int_eq(vfsd_name_check("a/b", 3), -EINVAL);
    ck_assert_int_eq(vfsd_name_check("/", 1), -EINVAL);
    ck_assert_int_eq(vfsd_name_check("a\0b", 3), -EINVAL);
    ck_assert_int_eq(vfsd_name_check(".", 1), -EINVAL);
    ck_assert_int_eq(vfsd_name_check("..", 2), -EINVAL);
    ck_assert_int_eq(vfsd_name_check("...", 3), 0);
    memset(longname, 'x', sizeof(longname));
    ck_assert_int_eq(vfsd_name_check(longname, 255), 0);
    ck_assert_int_eq(vfsd_name_check(longname, 256), -ENAMETOOLONG);
}
END_TEST

START_TEST(open_beneath_never_leaves)
{
    int root = open(dir, O_PATH | O_DIRECTORY), fd;
    struct stat st;

    ck_assert_int_ge(root, 0);
    ck_assert_int_eq(vfsd_open_beneath(root, "..", O_PATH), -EINVAL);
    ck_assert_int_eq(vfsd_open_beneath(root, "sub/f", O_PATH), -EINVAL);
    ck_assert_int_eq(vfsd_open_beneath(root, "/etc/passwd", O_RDONLY), -EINVAL);
    /* a symlink is opened as itself with O_PATH, never followed */
    fd = vfsd_open_beneath(root, "esc", O_PATH);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW), 0);
    ck_assert(S_ISLNK(st.st_mode));
    close(fd);
    ck_assert_int_lt(vfsd_open_beneath(root, "esc", O_RDONLY), 0);
    close(root);
}
END_TEST

START_TEST(lookup_dots_stay_inside)
{
    int64_t sub, up;

    do_init();
    ck_assert_int_eq(lookup(1, ".."), 1); /* the root is its own parent */
    ck_assert_int_eq(lookup(1, "."), 1);
    sub = lookup(1, "sub");
    ck_assert_int_gt(sub, 1);
    ck_assert_int_eq(lookup(sub, ".."), 1);
    ck_assert_int_eq(lookup(1, "sub/f"), -EINVAL);
    ck_assert_int_eq(lookup(1, "nope"), -ENOENT);
    up = lookup(sub, "up"); /* "../.." : a node that is the symlink */
    ck_assert_int_gt(up, 1);
    ck_assert_int_eq(lookup(up, "hello"), -ENOTDIR);
    ck_assert_int_eq(lookup(1, "hello"), lookup(1, "hello")); /* one node per inode */
}
END_TEST

START_TEST(readlink_returns_text)
{
    int64_t n;
    ssize_t len;

    do_init();
    n = lookup(1, "esc");
    ck_assert_int_gt(n, 1);
    len = req(FUSE_READLINK, (uint64_t)n, NULL, 0);
    ck_assert_int_eq(rerr(), 0);
    ck_assert_int_eq(len - (ssize_t)sizeof(struct fuse_out_header), 11);
    ck_assert(memcmp(reply + sizeof(struct fuse_out_header), "/etc/passwd", 11) == 0);
    /* OPEN on the symlink never opens what it points to */
    {
        struct fuse_open_in in = { .flags = O_RDONLY };
        req(FUSE_OPEN, (uint64_t)n, &in, sizeof(in));
        ck_assert_int_eq(rerr(), -EACCES);
    }
}
END_TEST

START_TEST(open_read_release)
{
    struct fuse_open_in oi = { .flags = O_RDONLY };
    struct fuse_open_out oo;
    struct fuse_read_in ri = { .size = 100 };
    struct fuse_release_in rl = { 0 };
    int64_t n;
    ssize_t len;

    do_init();
    n = lookup(1, "hello");
    req(FUSE_OPEN, (uint64_t)n, &oi, sizeof(oi));
    ck_assert_int_eq(rerr(), 0);
    memcpy(&oo, reply + sizeof(struct fuse_out_header), sizeof(oo));
    ri.fh = oo.fh;
    len = req(FUSE_READ, (uint64_t)n, &ri, sizeof(ri));
    ck_assert_int_eq(len, (ssize_t)sizeof(struct fuse_out_header) + 6);
    ri.size = VFSD_MAX_READ + 1; /* too big: an error, not a clamp */
    req(FUSE_READ, (uint64_t)n, &ri, sizeof(ri));
    ck_assert_int_eq(rerr(), -EINVAL);
    oi.flags = O_RDWR;
    req(FUSE_OPEN, (uint64_t)n, &oi, sizeof(oi));
    ck_assert_int_eq(rerr(), -EROFS);
    req(FUSE_MKDIR, 1, "x", 2);
    ck_assert_int_eq(rerr(), -EROFS);
    req(FUSE_GETXATTR, 1, "x", 2);
    ck_assert_int_eq(rerr(), -ENOSYS);
    rl.fh = oo.fh;
    req(FUSE_RELEASE, (uint64_t)n, &rl, sizeof(rl));
    ck_assert_int_eq(rerr(), 0);
    /* the handle is gone: using it again is a violation */
    ck_assert_int_eq(req(FUSE_RELEASE, (uint64_t)n, &rl, sizeof(rl)), -EPROTO);
    ri.size = 10;
    ck_assert_int_eq(req(FUSE_READ, (uint64_t)n, &ri, sizeof(ri)), -EPROTO);
}
END_TEST

START_TEST(filter_hides)
{
    struct fuse_open_in oi = { .flags = O_RDONLY };
    struct fuse_open_out oo;
    struct fuse_read_in ri = { .size = 4096 };
    ssize_t len;
    int found_secret = 0, found_hello = 0;
    size_t at;

    vfsd_free(srv);
    ck_assert_msg(vfsd_new(&srv, dir, VFSD_FILTER_WORLD_READABLE, &e) == 0, "%s", e.msg);
    do_init();
    ck_assert_int_eq(lookup(1, "secret"), -ENOENT);
    ck_assert_int_gt(lookup(1, "hello"), 1);
    req(FUSE_OPENDIR, 1, &oi, sizeof(oi));
    ck_assert_int_eq(rerr(), 0);
    memcpy(&oo, reply + sizeof(struct fuse_out_header), sizeof(oo));
    ri.fh = oo.fh;
    len = req(FUSE_READDIR, 1, &ri, sizeof(ri));
    ck_assert_int_eq(rerr(), 0);
    for (at = sizeof(struct fuse_out_header); at < (size_t)len;) {
        struct fuse_dirent d;

        memcpy(&d, reply + at, sizeof(d));
        found_secret |= d.namelen == 6 && !memcmp(reply + at + FUSE_NAME_OFFSET, "secret", 6);
        found_hello |= d.namelen == 5 && !memcmp(reply + at + FUSE_NAME_OFFSET, "hello", 5);
        at += FUSE_DIRENT_SIZE(&d);
    }
    ck_assert(found_hello);
    ck_assert(!found_secret);
}
END_TEST

START_TEST(hostile_requests)
{
    struct fuse_forget_in fi = { .nlookup = 2 };
    struct {
        struct fuse_batch_forget_in b;
        struct fuse_forget_one one;
    } bf = { { .count = 1000 }, { 0 } };
    uint8_t small[8] = { 0 };
    struct fuse_in_header h = { .len = 4000, .opcode = FUSE_GETATTR };
    int64_t n;

    mica_error_init(&e);
    ck_assert_int_eq(vfsd_handle(srv, small, sizeof(small), reply, sizeof(reply), &e), -EPROTO);
    ck_assert_int_eq(vfsd_handle(srv, &h, sizeof(h), reply, sizeof(reply), &e), -EPROTO);
    /* before INIT: EIO */
    req(FUSE_GETATTR, 1, NULL, 0);
    ck_assert_int_eq(rerr(), -EIO);
    do_init();
    ck_assert_int_eq(req(FUSE_GETATTR, 999999, NULL, 0), -EPROTO);
    ck_assert_int_eq(req(FUSE_GETATTR, 0, NULL, 0), -EPROTO);
    ck_assert_int_eq(req(FUSE_LOOKUP, 1, "abc", 3), -EPROTO); /* no NUL */
    ck_assert_int_eq(req(FUSE_READ, 1, small, sizeof(small)), -EPROTO); /* short */
    n = lookup(1, "hello");
    ck_assert_int_eq(req(FUSE_FORGET, (uint64_t)n, &fi, sizeof(fi)), -EPROTO); /* 2 > 1 */
    fi.nlookup = 1;
    ck_assert_int_eq(req(FUSE_FORGET, (uint64_t)n, &fi, sizeof(fi)), 0);
    ck_assert_int_eq(req(FUSE_FORGET, (uint64_t)n, &fi, sizeof(fi)), -EPROTO); /* double */
    ck_assert_int_eq(req(FUSE_BATCH_FORGET, 0, &bf, sizeof(bf)), -EPROTO);
    /* no room for the reply */
    mica_error_init(&e);
    h = (struct fuse_in_header){ .len = sizeof(h), .opcode = FUSE_GETATTR, .nodeid = 1 };
    ck_assert_int_eq(vfsd_handle(srv, &h, sizeof(h), reply, 4, &e), -EPROTO);
}
END_TEST

START_TEST(forget_frees_and_reuses)
{
    struct fuse_forget_in fi = { .nlookup = 1 };
    int64_t sub, f;

    do_init();
    sub = lookup(1, "sub");
    f = lookup(sub, "f");
    ck_assert_int_eq(req(FUSE_FORGET, (uint64_t)sub, &fi, sizeof(fi)), 0);
    /* the child still names sub as parent: sub stays */
    ck_assert_int_eq(lookup(sub, ".."), 1);
    ck_assert_int_eq(req(FUSE_FORGET, (uint64_t)f, &fi, sizeof(fi)), 0);
    ck_assert_int_eq(req(FUSE_GETATTR, (uint64_t)f, NULL, 0), -EPROTO);
    ck_assert_int_eq(req(FUSE_DESTROY, 0, NULL, 0), (ssize_t)sizeof(struct fuse_out_header));
    ck_assert_int_eq(req(FUSE_GETATTR, (uint64_t)sub, NULL, 0), (ssize_t)sizeof(struct fuse_out_header));
    ck_assert_int_eq(rerr(), -EIO); /* after DESTROY, until INIT */
}
END_TEST

/* ---- virtqueues and guest addresses ---- */

#define RAM_SIZE (1u << 20)
#define RAM_GPA 0x100000ull
static uint8_t *ram;
static struct gmem mem;
static struct virtq_host vq;
static struct virtq_chain chain;

static void vq_setup(void)
{
    ram = calloc(1, RAM_SIZE);
    mem = (struct gmem){ .n = 1 };
    mem.r[0] = (struct gmem_region){ RAM_GPA, RAM_SIZE, 0x7f0000000000ull, ram };
    vq = (struct virtq_host){ .num = 8, .desc = RAM_GPA, .avail = RAM_GPA + 0x1000,
                              .used = RAM_GPA + 0x2000 };
    mica_error_init(&e);
}

static void vq_teardown(void)
{
    free(ram);
}

static struct vring_desc *desc(unsigned i)
{
    return (struct vring_desc *)(ram + 16 * i);
}

static void avail_put(uint16_t head)
{
    struct vring_avail *a = (struct vring_avail *)(ram + 0x1000);

    a->ring[a->idx % 8] = head;
    a->idx++;
}

START_TEST(gmem_bounds)
{
    ck_assert_ptr_eq(gmem_ptr(&mem, RAM_GPA, RAM_SIZE), ram);
    ck_assert_ptr_null(gmem_ptr(&mem, RAM_GPA, RAM_SIZE + 1));
    ck_assert_ptr_null(gmem_ptr(&mem, RAM_GPA - 1, 2));
    ck_assert_ptr_null(gmem_ptr(&mem, RAM_GPA + RAM_SIZE - 4, 8)); /* start ok, end not */
    ck_assert_ptr_null(gmem_ptr(&mem, RAM_GPA + 16, UINT64_MAX)); /* overflow */
    ck_assert_ptr_null(gmem_ptr(&mem, UINT64_MAX, 2));
    ck_assert_ptr_nonnull(gmem_ptr(&mem, RAM_GPA + RAM_SIZE, 0));
}
END_TEST

START_TEST(chain_good)
{
    *desc(0) = (struct vring_desc){ RAM_GPA + 0x4000, 64, VRING_DESC_F_NEXT, 3 };
    *desc(3) = (struct vring_desc){ RAM_GPA + 0x5000, 4096, VRING_DESC_F_WRITE, 0 };
    avail_put(0);
    ck_assert_int_eq(virtq_host_pop(&vq, &mem, &chain, &e), 1);
    ck_assert_uint_eq(chain.nin, 1);
    ck_assert_uint_eq(chain.nout, 1);
    ck_assert_ptr_eq(chain.iov[1].base, ram + 0x5000);
    ck_assert_int_eq(virtq_host_pop(&vq, &mem, &chain, &e), 0);
    ck_assert_int_eq(virtq_host_push(&vq, &mem, 0, 17, &e), 0);
    ck_assert_uint_eq(((struct vring_used *)(ram + 0x2000))->idx, 1);
    ck_assert_uint_eq(((struct vring_used *)(ram + 0x2000))->ring[0].len, 17);
}
END_TEST

START_TEST(chain_loop)
{
    *desc(0) = (struct vring_desc){ RAM_GPA + 0x4000, 8, VRING_DESC_F_NEXT, 1 };
    *desc(1) = (struct vring_desc){ RAM_GPA + 0x4000, 8, VRING_DESC_F_NEXT, 0 };
    avail_put(0);
    ck_assert_int_eq(virtq_host_pop(&vq, &mem, &chain, &e), -EPROTO);
    ck_assert(strstr(e.msg, "loop") != NULL);
}
END_TEST

START_TEST(chain_outside_ram)
{
    *desc(0) = (struct vring_desc){ RAM_GPA + RAM_SIZE - 8, 16, 0, 0 };
    avail_put(0);
    ck_assert_int_eq(virtq_host_pop(&vq, &mem, &chain, &e), -EPROTO);
}
END_TEST

START_TEST(chain_bad_indices)
{
    struct vring_avail *a;

    avail_put(9); /* head past the queue */
    ck_assert_int_eq(virtq_host_pop(&vq, &mem, &chain, &e), -EPROTO);
    vq_teardown();
    vq_setup();
    *desc(0) = (struct vring_desc){ RAM_GPA + 0x4000, 8, VRING_DESC_F_NEXT, 200 };
    avail_put(0);
    ck_assert_int_eq(virtq_host_pop(&vq, &mem, &chain, &e), -EPROTO);
    vq_teardown();
    vq_setup();
    a = (struct vring_avail *)(ram + 0x1000);
    a->idx = 100; /* more than a queue ahead */
    ck_assert_int_eq(virtq_host_pop(&vq, &mem, &chain, &e), -EPROTO);
}
END_TEST

START_TEST(chain_order_and_indirect)
{
    *desc(0) = (struct vring_desc){ RAM_GPA + 0x4000, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1 };
    *desc(1) = (struct vring_desc){ RAM_GPA + 0x5000, 8, 0, 0 };
    avail_put(0);
    ck_assert_int_eq(virtq_host_pop(&vq, &mem, &chain, &e), -EPROTO);
    vq_teardown();
    vq_setup();
    *desc(0) = (struct vring_desc){ RAM_GPA + 0x4000, 16, VRING_DESC_F_INDIRECT, 0 };
    avail_put(0);
    ck_assert_int_eq(virtq_host_pop(&vq, &mem, &chain, &e), -EPROTO);
}
END_TEST

START_TEST(queue_checks)
{
    uint64_t gpa;

    vq.num = 6;
    ck_assert_int_eq(virtq_host_check(&vq, &mem, &e), -EPROTO);
    vq.num = 8;
    vq.desc = RAM_GPA + 8; /* misaligned */
    ck_assert_int_eq(virtq_host_check(&vq, &mem, &e), -EPROTO);
    vq.desc = RAM_GPA + RAM_SIZE - 64; /* 8 descriptors need 128 bytes */
    ck_assert_int_eq(virtq_host_check(&vq, &mem, &e), -EPROTO);
    ck_assert_int_eq(gmem_uva_to_gpa(&mem, 0x7f0000000010ull, 16, &gpa), 0);
    ck_assert_uint_eq(gpa, RAM_GPA + 16);
    ck_assert_int_eq(gmem_uva_to_gpa(&mem, 0x7f0000000000ull + RAM_SIZE, 1, &gpa), -EFAULT);
}
END_TEST

START_TEST(serve_chain_overlap)
{
    /* request and reply buffers overlap: the request is copied first */
    struct fuse_in_header h = { .len = sizeof(h) + sizeof(struct fuse_init_in),
                                .opcode = FUSE_INIT, .unique = 3 };
    struct fuse_init_in in = { .major = 7, .minor = 31 };
    uint32_t written;

    memcpy(ram + 0x4000, &h, sizeof(h));
    memcpy(ram + 0x4000 + sizeof(h), &in, sizeof(in));
    *desc(0) = (struct vring_desc){ RAM_GPA + 0x4000, h.len, VRING_DESC_F_NEXT, 1 };
    *desc(1) = (struct vring_desc){ RAM_GPA + 0x4000, 256, VRING_DESC_F_WRITE, 0 };
    avail_put(0);
    ck_assert_int_eq(virtq_host_pop(&vq, &mem, &chain, &e), 1);
    ck_assert_int_eq(vfsd_serve_chain(srv, &chain, &written, &e), 0);
    ck_assert_uint_eq(((struct fuse_out_header *)(ram + 0x4000))->unique, 3);
    ck_assert_uint_eq(((struct fuse_out_header *)(ram + 0x4000))->error, 0);
    ck_assert_uint_gt(written, sizeof(struct fuse_out_header));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("virtiofs_server");
    TCase *t = tcase_create("fuse");
    TCase *q = tcase_create("virtq");

    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, name_check);
    tcase_add_test(t, open_beneath_never_leaves);
    tcase_add_test(t, lookup_dots_stay_inside);
    tcase_add_test(t, readlink_returns_text);
    tcase_add_test(t, open_read_release);
    tcase_add_test(t, filter_hides);
    tcase_add_test(t, hostile_requests);
    tcase_add_test(t, forget_frees_and_reuses);
    suite_add_tcase(s, t);
    tcase_add_checked_fixture(q, setup, teardown);
    tcase_add_checked_fixture(q, vq_setup, vq_teardown);
    tcase_add_test(q, gmem_bounds);
    tcase_add_test(q, chain_good);
    tcase_add_test(q, chain_loop);
    tcase_add_test(q, chain_outside_ram);
    tcase_add_test(q, chain_bad_indices);
    tcase_add_test(q, chain_order_and_indirect);
    tcase_add_test(q, queue_checks);
    tcase_add_test(q, serve_chain_overlap);
    suite_add_tcase(s, q);
    return s;
}

int main(void)
{
    return check_run(suite());
}
