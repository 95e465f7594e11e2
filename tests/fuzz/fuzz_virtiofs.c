/* libFuzzer target: the virtio-fs server (devices/virtiofs_srv.c,
 * virtiofs_node.c, virtiofs_write.c), serving a scratch tree this
 * harness makes.
 *
 * The tree, under one mkdtemp directory: share/ (what the server
 * serves: files, a subdirectory, symlinks pointing out of it, relative
 * and absolute, a FIFO, a file only the owner may read) and canary/
 * beside it, holding a file whose text must never come back. Each input
 * is a run of requests (see next_request) to a fresh server, read-only
 * or writable as its first byte says; after each reply the harness
 * checks that no reply carries the canary's text or names an inode
 * outside share/ (read-only: only share/'s own inodes), that the reply's
 * length fits; after each input, that canary/ and the top directory are
 * unchanged (and share/ too when read-only) and no descriptor leaked.
 * A writable input's changes to share/ are undone before the next one;
 * RLIMIT_FSIZE bounds what it can write.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/fuse.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtiofs.h"

#define CANARY "mica-fuzz-canary-7f3a9c"
#define SNAP_MAX 64

struct snap {
    char path[256];
    ino_t ino;
    off_t size;
    mode_t mode;
    struct timespec mtime;
};

static char top[64], share[96];
static struct snap snaps[SNAP_MAX];
static unsigned nsnaps;
static uint8_t reply[VFSD_MAX_READ + 8192];

static void die(const char *what)
{
    fprintf(stderr, "fuzz_virtiofs: %s\n", what);
    abort();
}

static void put(const char *rel, const char *text, mode_t mode)
{
    char p[256];
    int fd;

    snprintf(p, sizeof(p), "%s/%s", top, rel);
    fd = open(p, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        die(p);
    close(fd);
}

static void mk(const char *rel, int kind, const char *target)
{
    char p[256];
    int rc;

    snprintf(p, sizeof(p), "%s/%s", top, rel);
    rc = kind == 'd' ? mkdir(p, 0755)
       : kind == 'l' ? symlink(target, p)
                     : mkfifo(p, 0644);
    if (rc < 0)
        die(p);
}

/* Record every entry under top (two levels are enough for this tree). */
static void walk(const char *rel, struct snap *out, unsigned *n)
{
    char p[256], sub[256];
    struct stat st;
    struct dirent *d;
    DIR *dir;

    snprintf(p, sizeof(p), "%s/%s", top, rel);
    if (lstat(p, &st) < 0 || *n >= SNAP_MAX)
        die("walk");
    out[*n] = (struct snap){ .ino = st.st_ino, .size = st.st_size,
                             .mode = st.st_mode, .mtime = st.st_mtim };
    snprintf(out[*n].path, sizeof(out[*n].path), "%s", rel);
    (*n)++;
    if (!S_ISDIR(st.st_mode) || (dir = opendir(p)) == NULL)
        return;
    while ((d = readdir(dir)) != NULL)
        if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
            snprintf(sub, sizeof(sub), "%s/%s", rel, d->d_name);
            walk(sub, out, n);
        }
    closedir(dir);
}

static int in_share(const char *path)
{
    return strncmp(path, "./share", 7) == 0;
}

/* May a reply name inode ino? Read-only: only share/'s own entries
 * (share itself included). Writable: anything but the entries outside
 * share/ (new files get new inodes). */
static int ino_ok(uint64_t ino, int writable)
{
    unsigned i;

    for (i = 0; i < nsnaps; i++)
        if (snaps[i].ino == ino)
            return in_share(snaps[i].path);
    return writable;
}

static void make_share(void);
static void remove_top(void);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");

    (void)argc;
    (void)argv;
    snprintf(top, sizeof(top), "%s/mica-fuzz-XXXXXX", tmp ? tmp : "/tmp");
    if (mkdtemp(top) == NULL)
        die("mkdtemp");
    snprintf(share, sizeof(share), "%s/share", top);
    mk("share", 'd', NULL);
    mk("canary", 'd', NULL);
    put("canary/secret", CANARY "\n", 0644);
    make_share();
    walk(".", snaps, &nsnaps);
    setrlimit(RLIMIT_FSIZE, &(struct rlimit){ 64u << 20, 64u << 20 });
    atexit(remove_top);
    return 0;
}

static void make_share(void)
{
    char abs[160];

    snprintf(abs, sizeof(abs), "%s/canary/secret", top);
    put("share/a.txt", "hello from the share\n", 0644);
    put("share/private", "owner only\n", 0600);
    mk("share/sub", 'd', NULL);
    put("share/sub/b.txt", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n", 0644);
    mk("share/sub/deeper", 'd', NULL);
    mk("share/out", 'l', "../canary/secret");
    mk("share/outdir", 'l', "../canary");
    mk("share/abs", 'l', abs);
    mk("share/sub/up", 'l', "../..");
    mk("share/fifo", 'p', NULL);
}

static int rm_one(const char *path, const struct stat *st, int type,
                  struct FTW *f)
{
    (void)st;
    (void)type;
    if (f->level > 0 && remove(path) < 0)
        die(path);
    return 0;
}

static int rm_all(const char *path, const struct stat *st, int type,
                  struct FTW *f)
{
    (void)st;
    (void)type;
    (void)f;
    remove(path);
    return 0;
}

static void remove_top(void)
{
    nftw(top, rm_all, 16, FTW_DEPTH | FTW_PHYS);
}

/* Undo a writable input: share/ as it was made, its snapshot anew. */
static void reset_share(void)
{
    chmod(share, 0755);
    if (nftw(share, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
        die("nftw");
    make_share();
    nsnaps = 0;
    walk(".", snaps, &nsnaps);
}

/* Everything under top as it was at the start? */
static void check_tree(int writable)
{
    struct snap now[SNAP_MAX];
    unsigned n = 0, i, j = 0;

    if (writable) { /* what is outside share/, in the same order */
        walk(".", now, &n);
        for (i = 0; i < nsnaps; i++) {
            if (in_share(snaps[i].path))
                continue;
            while (j < n && in_share(now[j].path))
                j++;
            if (j == n || strcmp(now[j].path, snaps[i].path) ||
                now[j].ino != snaps[i].ino || now[j].size != snaps[i].size ||
                now[j].mode != snaps[i].mode ||
                now[j].mtime.tv_nsec != snaps[i].mtime.tv_nsec)
                die("a writable share changed something outside it");
            j++;
        }
        return;
    }
    walk(".", now, &n);
    if (n != nsnaps)
        die("the tree changed: entries came or went");
    for (i = 0; i < n; i++)
        if (strcmp(now[i].path, snaps[i].path) || now[i].ino != snaps[i].ino ||
            now[i].size != snaps[i].size || now[i].mode != snaps[i].mode ||
            now[i].mtime.tv_sec != snaps[i].mtime.tv_sec ||
            now[i].mtime.tv_nsec != snaps[i].mtime.tv_nsec)
            die(now[i].path);
}

static void check_reply(const uint8_t *req, ssize_t len, size_t cap,
                        int writable)
{
    struct fuse_in_header ih;
    struct fuse_out_header oh;

    if (len == 0)
        return;
    if (len < (ssize_t)sizeof(oh) || (size_t)len > cap)
        die("reply length outside its buffer");
    memcpy(&ih, req, sizeof(ih));
    memcpy(&oh, reply, sizeof(oh));
    if (oh.len != (uint32_t)len || oh.unique != ih.unique || oh.error > 0 ||
        oh.error < -4095)
        die("reply header does not match");
    if (memmem(reply, (size_t)len, CANARY, strlen(CANARY)))
        die("the canary's text came back");
    if (oh.error == 0 &&
        (ih.opcode == FUSE_LOOKUP || ih.opcode == FUSE_CREATE ||
         ih.opcode == FUSE_MKDIR || ih.opcode == FUSE_MKNOD ||
         ih.opcode == FUSE_SYMLINK || ih.opcode == FUSE_LINK) &&
        len >= (ssize_t)(sizeof(oh) + sizeof(struct fuse_entry_out))) {
        struct fuse_entry_out e;

        memcpy(&e, reply + sizeof(oh), sizeof(e));
        if (!ino_ok(e.attr.ino, writable))
            die("a reply named an inode outside the share");
    }
    if (oh.error == 0 &&
        (ih.opcode == FUSE_GETATTR || ih.opcode == FUSE_SETATTR) &&
        len >= (ssize_t)(sizeof(oh) + sizeof(struct fuse_attr_out))) {
        struct fuse_attr_out a;

        memcpy(&a, reply + sizeof(oh), sizeof(a));
        if (!ino_ok(a.attr.ino, writable))
            die("GETATTR reached outside the share");
    }
}

/* Open descriptors: the same before and after an input, or one leaked.
 * (Counted, not compared by number: libFuzzer opens its own now and then.) */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    if (d == NULL)
        die("/proc/self/fd");
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static const uint32_t opcodes[] = {
    FUSE_INIT, FUSE_LOOKUP, FUSE_FORGET, FUSE_BATCH_FORGET, FUSE_GETATTR,
    FUSE_OPEN, FUSE_OPENDIR, FUSE_READ, FUSE_READDIR, FUSE_READLINK,
    FUSE_RELEASE, FUSE_RELEASEDIR, FUSE_FLUSH, FUSE_STATFS, FUSE_DESTROY,
    FUSE_SETATTR, FUSE_WRITE, FUSE_CREATE, FUSE_MKDIR, FUSE_UNLINK,
    FUSE_RENAME, FUSE_READDIRPLUS, 0, 9999, FUSE_SYMLINK, FUSE_MKNOD,
    FUSE_RMDIR, FUSE_RENAME2, FUSE_LINK, FUSE_FSYNC, FUSE_FALLOCATE,
};
static const size_t caps[] = { 0, 8, 16, 40, 100, 144, 4096, sizeof(reply) };

/* One request from the input: a 4-byte preamble (opcode choice, node ID,
 * argument length, reply size), then the argument bytes; the harness
 * writes a consistent header. Preamble byte 0 >= 0xf0 instead sends the
 * next bytes raw, header and all, lengths as they come. */
static int next_request(const uint8_t **p, size_t *n, uint8_t *req,
                        size_t *req_len, size_t *cap)
{
    struct fuse_in_header ih = { 0 };
    size_t len;

    if (*n < 4)
        return 0;
    *cap = caps[(*p)[3] % (sizeof(caps) / sizeof(caps[0]))];
    if ((*p)[0] >= 0xf0) {
        len = (*p)[1] | (size_t)((*p)[2] & 0x0f) << 8;
        *p += 4;
        *n -= 4;
        if (len > *n)
            len = *n;
        memcpy(req, *p, len);
        *req_len = len;
    } else {
        len = (*p)[2];
        ih.opcode = opcodes[(*p)[0] % (sizeof(opcodes) / sizeof(opcodes[0]))];
        ih.nodeid = (*p)[1] == 0xff ? UINT64_MAX - 1 : (*p)[1];
        ih.unique = 0x1000 + *n;
        *p += 4;
        *n -= 4;
        if (len > *n)
            len = *n;
        memcpy(req + sizeof(ih), *p, len);
        ih.len = (uint32_t)(sizeof(ih) + len);
        memcpy(req, &ih, sizeof(ih));
        *req_len = ih.len;
    }
    *p += len;
    *n -= len;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t req[4096 + 64];
    struct mica_error err;
    struct vfsd *s;
    size_t len, cap;
    ssize_t rc;
    unsigned flags = size && (data[0] & 1) ? VFSD_FILTER_WORLD_READABLE : 0;
    int writable = size && (data[0] & 2);

    int fds = count_fds();
    static int once;

    if (!once) { /* past RLIMIT_FSIZE: EFBIG, not a kill (after libFuzzer's
                  * own handlers are in) */
        signal(SIGXFSZ, SIG_IGN);
        once = 1;
    }

    if (writable)
        flags |= VFSD_WRITABLE;
    if (size)
        data++, size--;
    if (vfsd_new(&s, share, flags, &err) < 0)
        die(err.msg);
    while (next_request(&data, &size, req, &len, &cap)) {
        mica_error_init(&err);
        rc = vfsd_handle(s, req, len, reply, cap, &err);
        if (rc < 0)
            break; /* a protocol violation stops the VM */
        if (len >= sizeof(struct fuse_in_header))
            check_reply(req, rc, cap, writable);
    }
    vfsd_free(s);
    check_tree(writable);
    if (writable)
        reset_share();
    if (count_fds() != fds)
        die("a descriptor leaked");
    return 0;
}
