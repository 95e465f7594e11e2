/* mica devices: a virtio-fs (FUSE) server for one host directory.
 *
 * vfsd_handle() takes one request, already copied out of guest memory,
 * checks its lengths against the opcode's argument struct, and answers
 * from the node table (virtiofs_node.c). A request that no correct FUSE
 * client sends (a short header or argument, an unknown node ID or file
 * handle, a forget of more than was looked up) is a protocol violation:
 * -EPROTO with a message, and the transport stops the VM. Anything a
 * correct client may meet (a missing file, a write on a read-only
 * share) is an ordinary error reply. The requests that change the tree
 * are in virtiofs_write.c. Until INIT, and after DESTROY,
 * only INIT is answered.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fuse.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "virtiofs_int.h"

#define VFSD_TIMEOUT_S 1 /* entry and attribute validity for the guest */
#define VFSD_DIRBUF (32u << 10)
/* the argument sizes of the oldest clients (flags2, lock_owner came later) */
#define VFSD_INIT_IN_MIN (offsetof(struct fuse_init_in, flags) + 4)
#define VFSD_READ_IN_MIN offsetof(struct fuse_read_in, lock_owner)


int vfsd_violation(struct vfsd_req *r, const char *what)
{
    r->violation = 1;
    return mica_error_set(r->err, EPROTO, "virtio-fs: %s (opcode %u, node "
                          "%" PRIu64 ")", what, r->ih.opcode, r->ih.nodeid);
}

void vfsd_attr(struct fuse_attr *a, const struct stat *st)
{
    memset(a, 0, sizeof(*a));
    a->ino = st->st_ino;
    a->size = (uint64_t)st->st_size;
    a->blocks = (uint64_t)st->st_blocks;
    a->atime = (uint64_t)st->st_atim.tv_sec;
    a->mtime = (uint64_t)st->st_mtim.tv_sec;
    a->ctime = (uint64_t)st->st_ctim.tv_sec;
    a->atimensec = (uint32_t)st->st_atim.tv_nsec;
    a->mtimensec = (uint32_t)st->st_mtim.tv_nsec;
    a->ctimensec = (uint32_t)st->st_ctim.tv_nsec;
    a->mode = st->st_mode;
    a->nlink = (uint32_t)st->st_nlink;
    a->uid = st->st_uid;
    a->gid = st->st_gid;
    a->rdev = (uint32_t)st->st_rdev;
    a->blksize = (uint32_t)st->st_blksize;
}

int vfsd_reply(struct vfsd_req *r, const void *data, size_t len)
{
    if (len > r->out_cap)
        return -ERANGE;
    memcpy(r->out, data, len);
    r->out_len = len;
    return 0;
}

/* The node the header names; NULL (a violation is recorded) if none. */
struct vfsd_node *vfsd_req_node(struct vfsd *s, struct vfsd_req *r)
{
    struct vfsd_node *n = vfsd_node_get(s, r->ih.nodeid);

    if (n == NULL)
        vfsd_violation(r, "unknown node ID");
    return n;
}

struct vfsd_file *vfsd_req_file(struct vfsd *s, struct vfsd_req *r,
                                       uint64_t fh)
{
    if (fh == 0 || fh > VFSD_FILES_MAX || s->files[fh - 1].fd < 0) {
        vfsd_violation(r, "unknown file handle");
        return NULL;
    }
    return &s->files[fh - 1];
}

static int vfsd_init(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_init_in in;
    struct fuse_init_out o = { .major = FUSE_KERNEL_VERSION };

    memcpy(&in, r->arg, VFSD_INIT_IN_MIN);
    if (in.major != FUSE_KERNEL_VERSION)
        return vfsd_reply(r, &o, FUSE_COMPAT_INIT_OUT_SIZE) ? -EPROTO : 0;
    if (s->initialized)
        vfsd_nodes_reset(s); /* INIT without DESTROY: a new mount */
    o.minor = in.minor < FUSE_KERNEL_MINOR_VERSION ? in.minor
                                                   : FUSE_KERNEL_MINOR_VERSION;
    o.max_readahead = in.max_readahead < VFSD_MAX_READ ? in.max_readahead
                                                       : VFSD_MAX_READ;
    o.flags = in.flags & (FUSE_ASYNC_READ | FUSE_MAX_PAGES | FUSE_BIG_WRITES);
    o.max_background = 16;
    o.congestion_threshold = 12;
    o.max_write = VFSD_MAX_WRITE;
    o.time_gran = 1;
    o.max_pages = VFSD_MAX_READ / 4096;
    s->initialized = 1;
    return vfsd_reply(r, &o, o.minor < 23 ? FUSE_COMPAT_22_INIT_OUT_SIZE
                                          : sizeof(o));
}

static int vfsd_lookup(struct vfsd *s, struct vfsd_req *r)
{
    const char *name = (const char *)r->arg;
    size_t len = strnlen(name, r->arg_len);
    struct fuse_entry_out e = { .entry_valid = VFSD_TIMEOUT_S,
                                .attr_valid = VFSD_TIMEOUT_S };
    struct stat st;
    int rc, id;

    if (vfsd_req_node(s, r) == NULL)
        return -EPROTO;
    if (len == r->arg_len)
        return vfsd_violation(r, "LOOKUP name without a NUL");
    rc = vfsd_name_check(name, len);
    if (rc < 0 && rc != -EINVAL)
        return rc;
    if (rc == -EINVAL && strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
        return rc;
    if (r->out_cap < sizeof(e))
        return -ERANGE;
    id = vfsd_node_lookup(s, (uint32_t)r->ih.nodeid, name, &st);
    if (id < 0)
        return id;
    e.nodeid = (uint64_t)id;
    vfsd_attr(&e.attr, &st);
    return vfsd_reply(r, &e, sizeof(e));
}

static int vfsd_forget(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_forget_in in;

    memcpy(&in, r->arg, sizeof(in));
    r->noreply = 1;
    if (vfsd_node_forget(s, r->ih.nodeid, in.nlookup) < 0)
        return vfsd_violation(r, "FORGET of a node not looked up that often");
    return 0;
}

static int vfsd_batch_forget(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_batch_forget_in in;
    struct fuse_forget_one one;
    uint32_t i;

    memcpy(&in, r->arg, sizeof(in));
    r->noreply = 1;
    if (in.count > (r->arg_len - sizeof(in)) / sizeof(one))
        return vfsd_violation(r, "BATCH_FORGET count past the request");
    for (i = 0; i < in.count; i++) {
        memcpy(&one, r->arg + sizeof(in) + i * sizeof(one), sizeof(one));
        if (vfsd_node_forget(s, one.nodeid, one.nlookup) < 0)
            return vfsd_violation(r, "BATCH_FORGET of a node not looked up "
                                  "that often");
    }
    return 0;
}

static int vfsd_getattr(struct vfsd *s, struct vfsd_req *r)
{
    struct vfsd_node *n = vfsd_req_node(s, r);
    struct fuse_attr_out o = { .attr_valid = VFSD_TIMEOUT_S };
    struct stat st;

    if (n == NULL)
        return -EPROTO;
    if (fstatat(n->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    vfsd_attr(&o.attr, &st);
    return vfsd_reply(r, &o, sizeof(o));
}

static int vfsd_open_common(struct vfsd *s, struct vfsd_req *r, int dir)
{
    struct fuse_open_in in;
    struct fuse_open_out o = { 0 };
    unsigned i;
    int fd, rc;

    memcpy(&in, r->arg, sizeof(in));
    if (vfsd_req_node(s, r) == NULL)
        return -EPROTO;
    if (((in.flags & O_ACCMODE) != O_RDONLY || (in.flags & O_TRUNC)) &&
        !(s->flags & VFSD_WRITABLE))
        return -EROFS;
    if ((in.flags & O_ACCMODE) == O_ACCMODE || (in.flags & O_CREAT))
        return -EINVAL; /* CREATE makes files, never OPEN */
    if (r->out_cap < sizeof(o))
        return -ERANGE;
    rc = vfsd_file_slot(s);
    if (rc < 0)
        return rc;
    i = (unsigned)rc;
    fd = vfsd_node_open(s, (uint32_t)r->ih.nodeid, dir, dir ? O_RDONLY : (int)in.flags);
    if (fd < 0)
        return fd;
    s->files[i] = (struct vfsd_file){ .fd = fd, .node = (uint32_t)r->ih.nodeid,
                                      .is_dir = dir };
    o.fh = i + 1;
    return vfsd_reply(r, &o, sizeof(o));
}

int vfsd_file_slot(struct vfsd *s)
{
    unsigned i;

    for (i = 0; i < VFSD_FILES_MAX && s->files[i].fd >= 0; i++)
        ;
    return i == VFSD_FILES_MAX ? -ENFILE : (int)i;
}

static int vfsd_open(struct vfsd *s, struct vfsd_req *r)
{
    return vfsd_open_common(s, r, 0);
}

static int vfsd_opendir(struct vfsd *s, struct vfsd_req *r)
{
    return vfsd_open_common(s, r, 1);
}

static int vfsd_read(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_read_in in;
    struct vfsd_file *f;
    ssize_t n;

    memcpy(&in, r->arg, VFSD_READ_IN_MIN);
    f = vfsd_req_file(s, r, in.fh);
    if (f == NULL)
        return -EPROTO;
    if (f->is_dir)
        return -EISDIR;
    if (in.size > VFSD_MAX_READ || in.size > r->out_cap || in.offset > INT64_MAX)
        return -EINVAL;
    n = pread(f->fd, r->out, in.size, (off_t)in.offset);
    if (n < 0)
        return -errno;
    r->out_len = (size_t)n;
    return 0;
}

/* Append one entry if it fits; 0 if it does not. */
static int vfsd_dirent_put(struct vfsd_req *r, size_t cap,
                           const struct dirent64 *d)
{
    size_t namelen = strlen(d->d_name);
    struct fuse_dirent fd = { .ino = d->d_ino, .off = (uint64_t)d->d_off,
                              .namelen = (uint32_t)namelen, .type = d->d_type };
    size_t rec = FUSE_DIRENT_SIZE(&fd);

    if (rec > cap - r->out_len)
        return 0;
    memset(r->out + r->out_len, 0, rec);
    memcpy(r->out + r->out_len, &fd, FUSE_NAME_OFFSET);
    memcpy(r->out + r->out_len + FUSE_NAME_OFFSET, d->d_name, namelen);
    r->out_len += rec;
    return 1;
}

static int vfsd_dirent_visible(struct vfsd *s, int dirfd, const char *name)
{
    struct stat st;

    if (!(s->flags & VFSD_FILTER_WORLD_READABLE) || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0)
        return 1;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    return !vfsd_hidden(s, &st);
}

static int vfsd_readdir(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_read_in in;
    struct vfsd_file *f;
    size_t cap, at;
    long n;

    memcpy(&in, r->arg, VFSD_READ_IN_MIN);
    f = vfsd_req_file(s, r, in.fh);
    if (f == NULL)
        return -EPROTO;
    if (!f->is_dir)
        return -ENOTDIR;
    if (in.size > VFSD_MAX_READ || in.offset > INT64_MAX)
        return -EINVAL;
    cap = in.size < r->out_cap ? in.size : r->out_cap;
    if (lseek(f->fd, (off_t)in.offset, SEEK_SET) < 0)
        return -errno;
    r->out_len = 0;
    for (;;) { /* until something is sent, the end, or a full reply */
        n = syscall(SYS_getdents64, f->fd, s->dirbuf, VFSD_DIRBUF);
        if (n < 0)
            return r->out_len ? 0 : -errno;
        if (n == 0)
            return 0;
        for (at = 0; at < (size_t)n;) {
            const struct dirent64 *d = (const void *)(s->dirbuf + at);

            at += d->d_reclen;
            if (!vfsd_dirent_visible(s, f->fd, d->d_name))
                continue;
            if (!vfsd_dirent_put(r, cap, d))
                return 0;
        }
        if (r->out_len)
            return 0;
    }
}

static int vfsd_readlink(struct vfsd *s, struct vfsd_req *r)
{
    struct vfsd_node *n = vfsd_req_node(s, r);
    ssize_t len;

    if (n == NULL)
        return -EPROTO;
    if (!S_ISLNK(n->mode))
        return -EINVAL;
    len = readlinkat(n->fd, "", (char *)r->out, r->out_cap);
    if (len < 0)
        return -errno;
    if ((size_t)len == r->out_cap)
        return -ENAMETOOLONG;
    r->out_len = (size_t)len;
    return 0;
}

static int vfsd_release(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_release_in in;
    struct vfsd_file *f;

    memcpy(&in, r->arg, sizeof(in.fh));
    f = vfsd_req_file(s, r, in.fh);
    if (f == NULL)
        return -EPROTO;
    if (f->is_dir != (r->ih.opcode == FUSE_RELEASEDIR))
        return vfsd_violation(r, "RELEASE of the other kind of handle");
    close(f->fd);
    f->fd = -1;
    return 0;
}

static int vfsd_flush(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_flush_in in;

    memcpy(&in, r->arg, sizeof(in.fh));
    return vfsd_req_file(s, r, in.fh) ? 0 : -EPROTO;
}

static int vfsd_statfs(struct vfsd *s, struct vfsd_req *r)
{
    struct vfsd_node *n = vfsd_node_get(s, r->ih.nodeid ? r->ih.nodeid : 1);
    struct fuse_statfs_out o;
    struct statfs sf;

    if (n == NULL)
        return vfsd_violation(r, "unknown node ID");
    if (fstatfs(n->fd, &sf) < 0)
        return -errno;
    memset(&o, 0, sizeof(o));
    o.st.blocks = sf.f_blocks;
    o.st.bfree = sf.f_bfree;
    o.st.bavail = sf.f_bavail;
    o.st.files = sf.f_files;
    o.st.ffree = sf.f_ffree;
    o.st.bsize = (uint32_t)sf.f_bsize;
    o.st.namelen = (uint32_t)sf.f_namelen;
    o.st.frsize = (uint32_t)sf.f_frsize;
    return vfsd_reply(r, &o, sizeof(o));
}

static void vfsd_files_close(struct vfsd *s)
{
    unsigned i;

    for (i = 0; i < VFSD_FILES_MAX; i++)
        if (s->files[i].fd >= 0) {
            close(s->files[i].fd);
            s->files[i].fd = -1;
        }
}

static int vfsd_destroy(struct vfsd *s, struct vfsd_req *r)
{
    (void)r;
    vfsd_files_close(s);
    vfsd_nodes_reset(s);
    s->initialized = 0;
    return 0;
}

int vfsd_erofs(struct vfsd *s, struct vfsd_req *r)
{
    (void)r;
    return s->flags & VFSD_WRITABLE ? -EOPNOTSUPP : -EROFS;
}

struct vfsd_op {
    int (*fn)(struct vfsd *s, struct vfsd_req *r);
    size_t min_arg;
};

static const struct vfsd_op vfsd_ops[] = {
    [FUSE_INIT] = { vfsd_init, VFSD_INIT_IN_MIN },
    [FUSE_LOOKUP] = { vfsd_lookup, 1 },
    [FUSE_FORGET] = { vfsd_forget, sizeof(struct fuse_forget_in) },
    [FUSE_BATCH_FORGET] = { vfsd_batch_forget,
                            sizeof(struct fuse_batch_forget_in) },
    [FUSE_GETATTR] = { vfsd_getattr, 0 },
    [FUSE_OPEN] = { vfsd_open, sizeof(struct fuse_open_in) },
    [FUSE_OPENDIR] = { vfsd_opendir, sizeof(struct fuse_open_in) },
    [FUSE_READ] = { vfsd_read, VFSD_READ_IN_MIN },
    [FUSE_READDIR] = { vfsd_readdir, VFSD_READ_IN_MIN },
    [FUSE_READLINK] = { vfsd_readlink, 0 },
    [FUSE_RELEASE] = { vfsd_release, sizeof(uint64_t) },
    [FUSE_RELEASEDIR] = { vfsd_release, sizeof(uint64_t) },
    [FUSE_FLUSH] = { vfsd_flush, sizeof(uint64_t) },
    [FUSE_STATFS] = { vfsd_statfs, 0 },
    [FUSE_DESTROY] = { vfsd_destroy, 0 },
    [FUSE_SETATTR] = { vfsd_setattr, sizeof(struct fuse_setattr_in) },
    [FUSE_SYMLINK] = { vfsd_symlink, 0 },
    [FUSE_MKNOD] = { vfsd_mknod, sizeof(struct fuse_mknod_in) },
    [FUSE_MKDIR] = { vfsd_mkdir, sizeof(struct fuse_mkdir_in) },
    [FUSE_UNLINK] = { vfsd_unlink, 0 },
    [FUSE_RMDIR] = { vfsd_rmdir, 0 },
    [FUSE_RENAME] = { vfsd_rename, sizeof(struct fuse_rename_in) },
    [FUSE_RENAME2] = { vfsd_rename2, sizeof(struct fuse_rename2_in) },
    [FUSE_LINK] = { vfsd_link, sizeof(struct fuse_link_in) },
    [FUSE_WRITE] = { vfsd_write, sizeof(struct fuse_write_in) },
    [FUSE_CREATE] = { vfsd_create, sizeof(struct fuse_create_in) },
    [FUSE_FSYNC] = { vfsd_fsync, sizeof(struct fuse_fsync_in) },
    [FUSE_FSYNCDIR] = { vfsd_fsync, sizeof(struct fuse_fsync_in) },
    [FUSE_FALLOCATE] = { vfsd_fallocate, sizeof(struct fuse_fallocate_in) },
    [FUSE_SETXATTR] = { vfsd_erofs, 0 },
    [FUSE_REMOVEXATTR] = { vfsd_erofs, 0 },
    [FUSE_COPY_FILE_RANGE] = { vfsd_erofs, 0 },
};

/* Run the request's handler: 0 or a negative errno for the reply. */
static int vfsd_dispatch(struct vfsd *s, struct vfsd_req *r)
{
    uint32_t op = r->ih.opcode;
    const struct vfsd_op *o = op < sizeof(vfsd_ops) / sizeof(vfsd_ops[0]) &&
                              vfsd_ops[op].fn ? &vfsd_ops[op] : NULL;

    if (o == NULL)
        return -ENOSYS;
    if (r->arg_len < o->min_arg)
        return vfsd_violation(r, "request shorter than its arguments");
    if (!s->initialized && op != FUSE_INIT)
        return -EIO;
    return o->fn(s, r);
}

ssize_t vfsd_handle(struct vfsd *s, const void *req, size_t req_len,
                    void *reply, size_t reply_cap, struct mica_error *err)
{
    struct vfsd_req r = { .err = err };
    struct fuse_out_header oh;
    int rc;

    if (req_len < sizeof(r.ih))
        return mica_error_set(err, EPROTO, "virtio-fs: request of %zu bytes, "
                              "shorter than its header", req_len);
    memcpy(&r.ih, req, sizeof(r.ih));
    if (r.ih.len < sizeof(r.ih) || r.ih.len > req_len)
        return vfsd_violation(&r, "header length outside the request");
    if (reply_cap < sizeof(oh) && r.ih.opcode != FUSE_FORGET &&
        r.ih.opcode != FUSE_BATCH_FORGET)
        return vfsd_violation(&r, "no room for a reply");
    r.arg = (const uint8_t *)req + sizeof(r.ih);
    r.arg_len = r.ih.len - sizeof(r.ih);
    r.out = (uint8_t *)reply + sizeof(oh);
    r.out_cap = reply_cap > sizeof(oh) ? reply_cap - sizeof(oh) : 0;
    /* FORGETs never get a reply, not even an error (before INIT): their
     * reply_cap may be 0 */
    r.noreply = r.ih.opcode == FUSE_FORGET || r.ih.opcode == FUSE_BATCH_FORGET;
    rc = vfsd_dispatch(s, &r);
    if (r.violation)
        return -EPROTO;
    if (r.noreply)
        return 0;
    if (rc < 0)
        r.out_len = 0;
    oh = (struct fuse_out_header){ .len = (uint32_t)(sizeof(oh) + r.out_len),
                                   .error = rc, .unique = r.ih.unique };
    memcpy(reply, &oh, sizeof(oh));
    return (ssize_t)oh.len;
}

int vfsd_new(struct vfsd **out, const char *dir, unsigned flags,
             struct mica_error *err)
{
    struct vfsd *s = calloc(1, sizeof(*s));
    unsigned i;

    *out = NULL;
    if (s == NULL || (s->dirbuf = malloc(VFSD_DIRBUF)) == NULL ||
        (s->reqbuf = malloc(VFSD_MAX_REQUEST)) == NULL ||
        (s->replybuf = malloc(VFSD_REPLY_MAX)) == NULL) {
        if (s) {
            free(s->dirbuf);
            free(s->reqbuf);
        }
        free(s);
        return mica_error_set(err, ENOMEM, "out of memory");
    }
    s->flags = flags;
    for (i = 0; i < VFSD_FILES_MAX; i++)
        s->files[i].fd = -1;
    if (vfsd_nodes_init(s, dir, err) < 0) {
        vfsd_free(s);
        return -err->err;
    }
    *out = s;
    return 0;
}

void vfsd_free(struct vfsd *s)
{
    if (s == NULL)
        return;
    vfsd_files_close(s);
    vfsd_nodes_free(s);
    free(s->dirbuf);
    free(s->reqbuf);
    free(s->replybuf);
    free(s);
}

int vfsd_serve_chain(void *opaque, const struct virtq_chain *c,
                     uint32_t *written, struct mica_error *err)
{
    struct vfsd *s = opaque;
    size_t cap = c->out_bytes < VFSD_REPLY_MAX ? c->out_bytes : VFSD_REPLY_MAX;
    size_t n;
    ssize_t len;

    if (c->in_bytes > VFSD_MAX_REQUEST)
        return mica_error_set(err, EPROTO, "virtio-fs: a request of %" PRIu64
                              " bytes (at most %u)", c->in_bytes,
                              VFSD_MAX_REQUEST);
    n = virtq_chain_read(c, s->reqbuf, VFSD_MAX_REQUEST);
    len = vfsd_handle(s, s->reqbuf, n, s->replybuf, cap, err);
    if (len < 0)
        return (int)len;
    *written = (uint32_t)virtq_chain_write(c, s->replybuf, (size_t)len);
    return 0;
}
