/* Helpers for the virtio-fs server's unit tests (test_virtiofs_*.c): a
 * temporary share in `dir`, the server `srv`, and requests sent to it. */
#ifndef MICA_TESTS_VFSD_REQ_H
#define MICA_TESTS_VFSD_REQ_H

static char dir[64];
static struct vfsd *srv;
static struct mica_error e;
static uint8_t reply[VFSD_REPLY_MAX];

static void mk(const char *rel, const char *text, mode_t mode)
{
    char p[256];
    int fd;

    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    fchmod(fd, mode);
    close(fd);
}

/* Send one request made of two pieces; vfsd_handle's result, reply in
 * `reply`. */
static ssize_t req2(uint32_t op, uint64_t node, const void *a1, size_t l1,
                    const void *a2, size_t l2)
{
    static uint8_t buf[VFSD_MAX_REQUEST];
    struct fuse_in_header h = { .len = (uint32_t)(sizeof(h) + l1 + l2),
                                .opcode = op, .unique = 7, .nodeid = node };

    ck_assert_uint_le(sizeof(h) + l1 + l2, sizeof(buf));
    memcpy(buf, &h, sizeof(h));
    if (l1)
        memcpy(buf + sizeof(h), a1, l1);
    if (l2)
        memcpy(buf + sizeof(h) + l1, a2, l2);
    mica_error_init(&e);
    return vfsd_handle(srv, buf, sizeof(h) + l1 + l2, reply, sizeof(reply), &e);
}

/* Send one request; returns vfsd_handle's result, reply in `reply`. */
static ssize_t req(uint32_t op, uint64_t node, const void *arg, size_t len)
{
    return req2(op, node, arg, len, NULL, 0);
}

static int32_t rerr(void)
{
    return ((struct fuse_out_header *)reply)->error;
}

static void do_init(void)
{
    struct fuse_init_in in = { .major = 7, .minor = 31,
                               .max_readahead = 1u << 30,
                               .flags = FUSE_MAX_PAGES };
    struct fuse_init_out o;

    ck_assert_int_gt(req(FUSE_INIT, 0, &in, sizeof(in)), 0);
    ck_assert_int_eq(rerr(), 0);
    memcpy(&o, reply + sizeof(struct fuse_out_header), sizeof(o));
    ck_assert_uint_eq(o.major, 7);
    ck_assert_uint_le(o.max_readahead, VFSD_MAX_READ);
    ck_assert_uint_eq(o.max_pages * 4096u, VFSD_MAX_READ);
}

/* LOOKUP name under node; the node ID or -errno. */
static int64_t lookup(uint64_t node, const char *name)
{
    struct fuse_entry_out eo;

    ck_assert_int_gt(req(FUSE_LOOKUP, node, name, strlen(name) + 1), 0);
    if (rerr())
        return rerr();
    memcpy(&eo, reply + sizeof(struct fuse_out_header), sizeof(eo));
    return (int64_t)eo.nodeid;
}

#endif
