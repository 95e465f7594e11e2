/* Write the seed corpora of the fuzz targets: mkseeds DIR makes
 * DIR/virtq, DIR/virtiofs, DIR/vhost_user and DIR/console, each holding a
 * few well-formed inputs in that target's own input format (see the
 * comments of fuzz_*.c), so each fuzzer starts from real requests and
 * rings instead of from nothing.
 */
#include <linux/fuse.h>
#include <linux/virtio_ring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct buf {
    uint8_t b[1 << 16];
    size_t n;
};

static void add(struct buf *b, const void *p, size_t len)
{
    if (b->n + len > sizeof(b->b))
        abort();
    memcpy(b->b + b->n, p, len);
    b->n += len;
}

static void addn(struct buf *b, uint64_t v, unsigned bytes)
{
    add(b, &v, bytes); /* little endian */
}

static void save(const char *dir, const char *sub, const char *name,
                 const struct buf *b)
{
    char p[512];
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s", dir, sub);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, name);
    f = fopen(p, "wb");
    if (f == NULL || fwrite(b->b, 1, b->n, f) != b->n || fclose(f) != 0) {
        perror(p);
        exit(1);
    }
}

/* A queue of 8 at guest 0x1000 (desc), +0x80 (avail), +0x100 (used);
 * a two-buffer chain at head 0 and avail.idx 1; written at base. */
static void rings(uint8_t *ram, uint64_t gpa)
{
    struct vring_desc d[2] = {
        { gpa + 0x400, 64, VRING_DESC_F_NEXT, 1 },
        { gpa + 0x800, 128, VRING_DESC_F_WRITE, 0 },
    };
    uint16_t avail[3] = { 0, 1, 0 }; /* flags, idx, ring[0] */

    memcpy(ram, d, sizeof(d));
    memcpy(ram + 0x80, avail, sizeof(avail));
}

static void seeds_virtq(const char *dir)
{
    static struct buf b;
    static uint8_t ram[0x4000];

    b.n = 0;
    addn(&b, 3, 2); /* 1 << 3 = 8 descriptors */
    addn(&b, 0x1000, 8);
    addn(&b, 0x1080, 8);
    addn(&b, 0x1100, 8);
    addn(&b, 0, 2);
    addn(&b, 0, 2);
    memset(ram, 0, sizeof(ram));
    rings(ram, 0x1000);
    addn(&b, 0x1000, 8); /* region 0 */
    addn(&b, 0, 1);
    add(&b, ram, sizeof(ram));
    memset(ram, 0, sizeof(ram));
    addn(&b, 0x100000, 8); /* region 1 */
    addn(&b, 0, 1);
    add(&b, ram, sizeof(ram));
    addn(&b, 128, 8);
    addn(&b, 22, 8);
    addn(&b, 70, 8);
    addn(&b, 0x80, 1); /* pop */
    addn(&b, 0x02 | (2 << 1), 1); /* guest: avail.idx = 2 (3 bytes) */
    addn(&b, 0x82, 2);
    addn(&b, 0x000002, 3);
    addn(&b, 0x81, 1);
    save(dir, "virtq", "chain", &b);
}

static void vu_msg(struct buf *b, unsigned ctl, uint32_t req, const void *p,
                   uint32_t size)
{
    addn(b, ctl, 1);
    addn(b, 12 + size, 2);
    addn(b, req, 4);
    addn(b, 1, 4); /* version 1 */
    addn(b, size, 4);
    add(b, p, size);
}

struct vu_mem { uint32_t n, pad; uint64_t gpa, size, uva, off; };
struct vu_state { uint32_t index, num; };
struct vu_addr { uint32_t index, flags; uint64_t desc, used, avail, log; };

/* One region (a memfd), ring 0 of 8 at addr, kicked. */
static void vu_ring_up(struct buf *b, const struct vu_mem *mem,
                       const struct vu_state *st, const struct vu_addr *addr)
{
    uint64_t zero = 0;

    vu_msg(b, 0x15, 5, mem, sizeof(*mem)); /* SET_MEM_TABLE, 1 memfd */
    vu_msg(b, 0, 8, st, sizeof(*st));      /* SET_VRING_NUM */
    vu_msg(b, 0, 9, addr, sizeof(*addr));  /* SET_VRING_ADDR */
    vu_msg(b, 1, 12, &zero, 8);            /* SET_VRING_KICK */
}

static void seeds_vhost_user(const char *dir)
{
    static struct buf b;
    static uint8_t ram[0x100];
    const uint64_t uva = 0x7f0000000000ull;
    struct vu_mem mem = { 1, 0, 0x1000, 0x10000, uva, 0 };
    struct vu_state st = { 0, 8 };
    struct vu_addr addr = { 0, 0, uva, uva + 0x100, uva + 0x80, 0 };
    uint64_t zero = 0, feat = 1ull << 32;

    b.n = 0;
    vu_msg(&b, 0, 1, NULL, 0);                   /* GET_FEATURES */
    vu_msg(&b, 0, 3, NULL, 0);                   /* SET_OWNER */
    vu_msg(&b, 0, 2, &feat, 8);                  /* SET_FEATURES */
    vu_msg(&b, 0x15, 5, &mem, sizeof(mem));      /* SET_MEM_TABLE, 1 memfd */
    vu_msg(&b, 0, 8, &st, sizeof(st));           /* SET_VRING_NUM */
    vu_msg(&b, 0, 9, &addr, sizeof(addr));       /* SET_VRING_ADDR */
    vu_msg(&b, 1, 13, &zero, 8);                 /* SET_VRING_CALL */
    vu_msg(&b, 1, 12, &zero, 8);                 /* SET_VRING_KICK */
    rings(ram, 0x1000);
    addn(&b, 0xf0, 1); /* the guest writes its rings at RAM offset 0 */
    addn(&b, 2 + sizeof(ram), 2);
    addn(&b, 0, 2);
    add(&b, ram, sizeof(ram));
    vu_msg(&b, 0, 11, &st, sizeof(st));          /* GET_VRING_BASE */
    vu_msg(&b, 0, 4, NULL, 0);                   /* RESET_OWNER */
    save(dir, "vhost_user", "setup", &b);

    /* regressions: a region at an odd offset into its file made aligned
     * ring addresses misaligned host pointers (UB); a region larger than
     * its file mapped fine and SIGBUSed mica when the rings were used */
    mem.off = 0x81;
    mem.size = 0x8000;
    b.n = 0;
    vu_ring_up(&b, &mem, &st, &addr);
    save(dir, "vhost_user", "regress-odd-mmap-offset", &b);
    mem.off = 0;
    mem.size = 0x100000; /* the memfd has 0x10000 bytes */
    addr.desc = uva + 0x80000;
    addr.avail = uva + 0x80080;
    addr.used = uva + 0x80100;
    b.n = 0;
    vu_ring_up(&b, &mem, &st, &addr);
    save(dir, "vhost_user", "regress-region-past-file", &b);
}

/* virtiofs harness preamble: opcode index (in fuzz_virtiofs.c's table),
 * node ID, argument length, reply size index */
enum { I_INIT, I_LOOKUP, I_FORGET, I_BATCH_FORGET, I_GETATTR, I_OPEN,
       I_OPENDIR, I_READ, I_READDIR, I_READLINK, I_RELEASE, I_RELEASEDIR,
       I_FLUSH, I_STATFS, I_DESTROY, I_SETATTR, I_WRITE, I_CREATE, I_MKDIR,
       I_UNLINK, I_RENAME, I_READDIRPLUS, I_BAD0, I_BAD9999, I_SYMLINK,
       I_MKNOD, I_RMDIR, I_RENAME2, I_LINK, I_FSYNC, I_FALLOCATE };

static void fs_req(struct buf *b, unsigned op, unsigned node, const void *arg,
                   unsigned len)
{
    addn(b, op, 1);
    addn(b, node, 1);
    addn(b, len, 1);
    addn(b, 7, 1); /* the largest reply */
    add(b, arg, len);
}

static void seeds_virtiofs(const char *dir)
{
    static struct buf b;
    struct fuse_init_in init = { .major = FUSE_KERNEL_VERSION, .minor = 31,
                                 .max_readahead = 1 << 17 };
    struct fuse_open_in open_in = { 0 };
    struct fuse_read_in rd = { .fh = 1, .size = 4096 };
    struct fuse_release_in rel = { .fh = 1 };
    struct fuse_forget_in fg = { .nlookup = 1 };
    struct { struct fuse_batch_forget_in in; struct fuse_forget_one one[2]; }
        bf = { { 2, 0 }, { { 2, 1 }, { 3, 1 } } };
    unsigned flags;

    for (flags = 0; flags < 2; flags++) {
        b.n = 0;
        addn(&b, flags, 1);
        fs_req(&b, I_INIT, 0, &init, sizeof(init));
        fs_req(&b, I_LOOKUP, 1, "sub", 4);          /* node 2 */
        fs_req(&b, I_LOOKUP, 2, "b.txt", 6);        /* node 3 */
        fs_req(&b, I_OPEN, 3, &open_in, sizeof(open_in));
        fs_req(&b, I_READ, 3, &rd, sizeof(rd));
        fs_req(&b, I_FLUSH, 3, &rel, 8);
        fs_req(&b, I_RELEASE, 3, &rel, sizeof(rel));
        fs_req(&b, I_OPENDIR, 1, &open_in, sizeof(open_in));
        fs_req(&b, I_READDIR, 1, &rd, sizeof(rd));
        fs_req(&b, I_RELEASEDIR, 1, &rel, sizeof(rel));
        fs_req(&b, I_LOOKUP, 1, "out", 4);          /* a symlink out */
        fs_req(&b, I_READLINK, 4, NULL, 0);
        fs_req(&b, I_GETATTR, 4, NULL, 0);
        fs_req(&b, I_LOOKUP, 2, "up", 3);
        fs_req(&b, I_LOOKUP, 2, "..", 3);
        fs_req(&b, I_LOOKUP, 1, "private", 8);
        fs_req(&b, I_LOOKUP, 1, "fifo", 5);
        fs_req(&b, I_STATFS, 1, NULL, 0);
        fs_req(&b, I_FORGET, 4, &fg, sizeof(fg));
        fs_req(&b, I_BATCH_FORGET, 0, &bf, sizeof(bf));
        fs_req(&b, I_DESTROY, 0, NULL, 0);
        save(dir, "virtiofs", flags ? "session-filtered" : "session", &b);
    }
    /* a writable share: create, write, rename, link, a symlink out */
    b.n = 0;
    addn(&b, 2, 1);
    fs_req(&b, I_INIT, 0, &init, sizeof(init));
    {
        struct { struct fuse_create_in in; char name[8]; } cr = {
            { .flags = 0102 /* O_RDWR | O_CREAT */, .mode = 0100644 },
            "new.txt" };
        struct { struct fuse_write_in in; char data[5]; } wr = {
            { .fh = 1, .size = 5 }, "hello" };
        struct { struct fuse_mkdir_in in; char name[2]; } md = {
            { .mode = 0755 }, "d" };
        struct { struct fuse_rename_in in; char names[14]; } rn = {
            { .newdir = 1 }, "new.txt\0moved" };
        struct { struct fuse_link_in in; char name[5]; } ln = {
            { .oldnodeid = 2 }, "hard" };
        struct fuse_setattr_in sa = { .valid = FATTR_SIZE, .size = 3 };
        struct fuse_fallocate_in fa = { .fh = 1, .length = 4096 };
        const char sym[] = "esc\0../canary/secret";

        fs_req(&b, I_CREATE, 1, &cr, sizeof(cr));     /* node 2, fh 1 */
        fs_req(&b, I_WRITE, 2, &wr, sizeof(wr));
        fs_req(&b, I_FALLOCATE, 2, &fa, sizeof(fa));
        fs_req(&b, I_SETATTR, 2, &sa, sizeof(sa));
        fs_req(&b, I_MKDIR, 1, &md, sizeof(md));
        fs_req(&b, I_SYMLINK, 1, sym, sizeof(sym));
        fs_req(&b, I_LOOKUP, 1, "esc", 4);
        fs_req(&b, I_RENAME, 1, &rn, sizeof(rn));
        fs_req(&b, I_LINK, 1, &ln, sizeof(ln));
        fs_req(&b, I_UNLINK, 1, "hard", 5);
        fs_req(&b, I_RMDIR, 1, "d", 2);
        fs_req(&b, I_RELEASE, 2, &rel, sizeof(rel));
    }
    save(dir, "virtiofs", "session-writable", &b);

    /* regression: a FORGET before INIT, with no room for a reply, got an
     * -EIO reply written past the reply buffer */
    b.n = 0;
    addn(&b, 0, 1);
    addn(&b, I_BATCH_FORGET, 1);
    addn(&b, 1, 1);
    addn(&b, sizeof(bf), 1);
    addn(&b, 0, 1); /* reply buffer of 0 bytes */
    add(&b, &bf, sizeof(bf));
    save(dir, "virtiofs", "regress-forget-before-init", &b);
}

static void seeds_console(const char *dir)
{
    static struct buf b;
    const uint8_t out[] = { 1, 0, 3, 0, 'h', 'i', '\n' };
    const uint8_t req[] = { 5, 0, 4, 0, 16, 0, 0, 0 };
    const uint8_t ex[] = { 4, 0, 4, 0, 3, 0, 0, 0 };

    b.n = 0;
    addn(&b, 0xfffffff0u, 4); /* out ring indices about to wrap */
    addn(&b, 0, 4);
    addn(&b, 60, 1); /* write 7 bytes */
    add(&b, out, sizeof(out));
    addn(&b, 66, 1); /* write 8 bytes */
    add(&b, req, sizeof(req));
    addn(&b, 3, 1); /* drain */
    addn(&b, 4, 1); /* answer the stdin request */
    addn(&b, 2, 1); /* the guest consumes it */
    addn(&b, 5, 1); /* a window size */
    addn(&b, 0xf8, 1); /* COM1: a doorbell, a framed record, a pull */
    addn(&b, 2 + sizeof(out), 1);
    addn(&b, 'K', 1);
    add(&b, out, sizeof(out));
    addn(&b, 'P', 1);
    addn(&b, 66, 1);
    add(&b, ex, sizeof(ex));
    addn(&b, 3, 1);
    save(dir, "console", "session", &b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkseeds DIR\n");
        return 2;
    }
    mkdir(argv[1], 0755);
    seeds_virtq(argv[1]);
    seeds_vhost_user(argv[1]);
    seeds_virtiofs(argv[1]);
    seeds_console(argv[1]);
    return 0;
}
