/* mica devices: the virtio-fs requests that change the shared tree.
 *
 * On a share made without VFSD_WRITABLE every one of them is EROFS here,
 * whatever the guest believes about its mount. On a writable share each
 * acts through a held O_PATH fd, never a path string built from guest
 * names: a new name is one checked component (no '/', not "." or "..",
 * at most 255 bytes) given to an *at() call on the parent directory's
 * fd; those calls never follow a final symlink (mkdirat, mknodat,
 * symlinkat, unlinkat, renameat2, linkat without AT_SYMLINK_FOLLOW), and
 * files are created with openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
 * and O_NOFOLLOW. What acts on a node itself (chmod, truncate, times,
 * the source of a link) goes through the node's own fd: AT_EMPTY_PATH
 * where the kernel allows it, else "/proc/self/fd/N", which reaches that
 * inode and nothing else (a symlink's own times: its name beneath its
 * parent, checked to still be that link). So a symlink the guest made,
 * pointing anywhere, is only ever text to the server.
 *
 * New files get exactly the mode the guest asked for: mica's own umask
 * is set aside around each creation. Ownership stays mica's user: a
 * SETATTR that changes uid or gid is EPERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtiofs_int.h"

#define VFSD_TIMEOUT_S 1

/* The NUL-terminated string at *at in the arguments; *at moves past it.
 * NULL (a violation) when it runs off the request. */
static const char *vfsd_arg_str(struct vfsd_req *r, size_t *at)
{
    const char *p = (const char *)r->arg + *at;
    size_t left = r->arg_len - *at, len;

    if (*at > r->arg_len || (len = strnlen(p, left)) == left) {
        vfsd_violation(r, "name without a NUL");
        return NULL;
    }
    *at += len + 1;
    return p;
}

/* A name to make or remove: 0, the name check's error, or dot_err for
 * "." and ".." (what Linux answers there for this call). */
static int vfsd_new_name(const char *name, int dot_err)
{
    int rc = vfsd_name_check(name, strlen(name));

    if (rc == -EINVAL && (strcmp(name, ".") == 0 || strcmp(name, "..") == 0))
        return dot_err;
    return rc;
}

/* The directory node the header names: NULL with *rc set. */
static struct vfsd_node *vfsd_dir(struct vfsd *s, struct vfsd_req *r,
                                  uint64_t id, int *rc)
{
    struct vfsd_node *n = vfsd_node_get(s, id);

    *rc = 0;
    if (n == NULL) {
        *rc = vfsd_violation(r, "unknown node ID");
        return NULL;
    }
    if (!S_ISDIR(n->mode)) {
        *rc = -ENOTDIR;
        return NULL;
    }
    if (!(s->flags & VFSD_WRITABLE)) {
        *rc = -EROFS;
        return NULL;
    }
    return n;
}

/* An entry_out for parent/name (looked up: the guest counts it). */
static int vfsd_entry(struct vfsd *s, struct vfsd_req *r, uint32_t parent,
                      const char *name, struct fuse_entry_out *e)
{
    struct stat st;
    int id;

    memset(e, 0, sizeof(*e));
    if (r->out_cap < sizeof(*e))
        return -ERANGE;
    id = vfsd_node_lookup(s, parent, name, &st);
    if (id < 0)
        return id;
    e->nodeid = (uint64_t)id;
    e->entry_valid = e->attr_valid = VFSD_TIMEOUT_S;
    vfsd_attr(&e->attr, &st);
    return 0;
}

static int vfsd_entry_reply(struct vfsd *s, struct vfsd_req *r,
                            uint32_t parent, const char *name)
{
    struct fuse_entry_out e;
    int rc = vfsd_entry(s, r, parent, name, &e);

    return rc < 0 ? rc : vfsd_reply(r, &e, sizeof(e));
}

int vfsd_create(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_create_in in;
    struct {
        struct fuse_entry_out e;
        struct fuse_open_out o;
    } out;
    size_t at = sizeof(in);
    const char *name;
    struct stat st;
    int rc, slot, fd, flags;
    mode_t old;

    memcpy(&in, r->arg, sizeof(in));
    name = vfsd_arg_str(r, &at);
    if (name == NULL || vfsd_dir(s, r, r->ih.nodeid, &rc) == NULL)
        return name ? rc : -EPROTO;
    if ((rc = vfsd_new_name(name, -EISDIR)) < 0)
        return rc;
    if ((in.mode & S_IFMT) && !S_ISREG(in.mode))
        return -EINVAL;
    if ((in.flags & O_ACCMODE) == O_ACCMODE || r->out_cap < sizeof(out))
        return -EINVAL;
    if ((slot = vfsd_file_slot(s)) < 0)
        return slot;
    flags = (int)(in.flags & (O_ACCMODE | O_APPEND | O_TRUNC | O_EXCL)) |
            O_CREAT | O_NONBLOCK | O_NOCTTY;
    old = umask(0);
    fd = vfsd_open_beneath_mode(s->nodes[r->ih.nodeid].fd, name, flags,
                                in.mode & ~in.umask & 07777);
    umask(old);
    if (fd < 0)
        return fd;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -EACCES; /* never a host FIFO or device */
    }
    rc = vfsd_entry(s, r, (uint32_t)r->ih.nodeid, name, &out.e);
    if (rc == 0 && (out.e.attr.ino != st.st_ino))
        rc = -ESTALE; /* replaced between the two opens */
    if (rc < 0) {
        if (rc == -ESTALE)
            vfsd_node_forget(s, out.e.nodeid, 1);
        close(fd);
        return rc;
    }
    s->files[slot] = (struct vfsd_file){ .fd = fd, .node = (uint32_t)out.e.nodeid };
    memset(&out.o, 0, sizeof(out.o));
    out.o.fh = (uint64_t)slot + 1;
    return vfsd_reply(r, &out, sizeof(out));
}

/* MKNOD and MKDIR: name (after in_len bytes of arguments) made with mode,
 * a directory, a regular file or a FIFO; never a device or socket. */
static int vfsd_make(struct vfsd *s, struct vfsd_req *r, size_t in_len, mode_t mode)
{
    size_t at = in_len;
    const char *name = vfsd_arg_str(r, &at);
    mode_t old;
    int rc, dirfd;

    if (name == NULL || vfsd_dir(s, r, r->ih.nodeid, &rc) == NULL)
        return name ? rc : -EPROTO;
    if ((rc = vfsd_new_name(name, -EEXIST)) < 0)
        return rc;
    if (!S_ISDIR(mode) && !S_ISREG(mode) && !S_ISFIFO(mode))
        return -EPERM; /* no devices or sockets on the host */
    dirfd = s->nodes[r->ih.nodeid].fd;
    old = umask(0);
    rc = S_ISDIR(mode) ? mkdirat(dirfd, name, mode & 07777) : mknodat(dirfd, name, mode, 0);
    umask(old);
    if (rc < 0)
        return -errno;
    return vfsd_entry_reply(s, r, (uint32_t)r->ih.nodeid, name);
}

int vfsd_mknod(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_mknod_in in;

    memcpy(&in, r->arg, sizeof(in));
    return vfsd_make(s, r, sizeof(in), (in.mode & S_IFMT) | (in.mode & ~in.umask & 07777));
}

int vfsd_mkdir(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_mkdir_in in;

    memcpy(&in, r->arg, sizeof(in));
    return vfsd_make(s, r, sizeof(in), S_IFDIR | (in.mode & ~in.umask & 07777));
}

/* Arguments: the new name, then the link's text (only ever text here). */
int vfsd_symlink(struct vfsd *s, struct vfsd_req *r)
{
    size_t at = 0;
    const char *name = vfsd_arg_str(r, &at), *target;
    int rc;

    target = name ? vfsd_arg_str(r, &at) : NULL;
    if (target == NULL || vfsd_dir(s, r, r->ih.nodeid, &rc) == NULL)
        return target ? rc : -EPROTO;
    if ((rc = vfsd_new_name(name, -EEXIST)) < 0)
        return rc;
    if (target[0] == '\0')
        return -ENOENT;
    if (strlen(target) >= 4096)
        return -ENAMETOOLONG;
    if (symlinkat(target, s->nodes[r->ih.nodeid].fd, name) < 0)
        return -errno;
    return vfsd_entry_reply(s, r, (uint32_t)r->ih.nodeid, name);
}

int vfsd_link(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_link_in in;
    struct vfsd_node *old;
    size_t at = sizeof(in);
    const char *name;
    char path[40];
    int rc, dirfd;

    memcpy(&in, r->arg, sizeof(in));
    name = vfsd_arg_str(r, &at);
    if (name == NULL || vfsd_dir(s, r, r->ih.nodeid, &rc) == NULL)
        return name ? rc : -EPROTO;
    if ((old = vfsd_node_get(s, in.oldnodeid)) == NULL)
        return vfsd_violation(r, "LINK of an unknown node ID");
    if ((rc = vfsd_new_name(name, -EEXIST)) < 0)
        return rc;
    if (S_ISDIR(old->mode))
        return -EPERM;
    dirfd = s->nodes[r->ih.nodeid].fd;
    /* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the magic link does not */
    if (linkat(old->fd, "", dirfd, name, AT_EMPTY_PATH) < 0) {
        if (errno != ENOENT && errno != EPERM)
            return -errno;
        vfsd_fd_path(path, sizeof(path), old->fd);
        if (linkat(AT_FDCWD, path, dirfd, name, AT_SYMLINK_FOLLOW) < 0)
            return -errno;
    }
    return vfsd_entry_reply(s, r, (uint32_t)r->ih.nodeid, name);
}

static int vfsd_remove(struct vfsd *s, struct vfsd_req *r, int flags)
{
    size_t at = 0;
    const char *name = vfsd_arg_str(r, &at);
    int rc;

    if (name == NULL || vfsd_dir(s, r, r->ih.nodeid, &rc) == NULL)
        return name ? rc : -EPROTO;
    if (strcmp(name, ".") == 0)
        return flags ? -EINVAL : -EISDIR;
    if ((rc = vfsd_new_name(name, flags ? -ENOTEMPTY : -EISDIR)) < 0)
        return rc;
    return unlinkat(s->nodes[r->ih.nodeid].fd, name, flags) < 0 ? -errno : 0;
}

int vfsd_unlink(struct vfsd *s, struct vfsd_req *r)
{
    return vfsd_remove(s, r, 0);
}

int vfsd_rmdir(struct vfsd *s, struct vfsd_req *r)
{
    return vfsd_remove(s, r, AT_REMOVEDIR);
}

static int vfsd_rename_common(struct vfsd *s, struct vfsd_req *r,
                              uint64_t newdir, uint32_t flags, size_t at)
{
    const char *oldname = vfsd_arg_str(r, &at), *newname;
    int rc;

    newname = oldname ? vfsd_arg_str(r, &at) : NULL;
    if (newname == NULL)
        return -EPROTO;
    if (vfsd_dir(s, r, r->ih.nodeid, &rc) == NULL ||
        vfsd_dir(s, r, newdir, &rc) == NULL)
        return rc;
    if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
        flags == (RENAME_NOREPLACE | RENAME_EXCHANGE))
        return -EINVAL;
    if ((rc = vfsd_new_name(oldname, -EBUSY)) < 0 ||
        (rc = vfsd_new_name(newname, -EBUSY)) < 0)
        return rc;
    if (renameat2(s->nodes[r->ih.nodeid].fd, oldname, s->nodes[newdir].fd,
                  newname, flags) < 0)
        return -errno;
    vfsd_node_moved(s, (uint32_t)newdir, newname);
    if (flags & RENAME_EXCHANGE)
        vfsd_node_moved(s, (uint32_t)r->ih.nodeid, oldname);
    return 0;
}

int vfsd_rename(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_rename_in in;

    memcpy(&in, r->arg, sizeof(in));
    return vfsd_rename_common(s, r, in.newdir, 0, sizeof(in));
}

int vfsd_rename2(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_rename2_in in;

    memcpy(&in, r->arg, sizeof(in));
    return vfsd_rename_common(s, r, in.newdir, in.flags, sizeof(in));
}

int vfsd_write(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_write_in in;
    struct fuse_write_out o = { 0 };
    struct vfsd_file *f;
    ssize_t n;

    memcpy(&in, r->arg, sizeof(in));
    f = vfsd_req_file(s, r, in.fh);
    if (f == NULL)
        return -EPROTO;
    if (in.size > r->arg_len - sizeof(in))
        return vfsd_violation(r, "WRITE of more bytes than it carries");
    if (!(s->flags & VFSD_WRITABLE))
        return -EROFS;
    if (f->is_dir)
        return -EISDIR;
    if (in.offset > INT64_MAX)
        return -EINVAL;
    n = pwrite(f->fd, r->arg + sizeof(in), in.size, (off_t)in.offset);
    if (n < 0)
        return -errno;
    o.size = (uint32_t)n;
    return vfsd_reply(r, &o, sizeof(o));
}

static int vfsd_set_times(struct vfsd *s, struct vfsd_node *n,
                          const struct fuse_setattr_in *in)
{
    struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
    char path[40];
    struct stat st;

    if (in->valid & FATTR_ATIME)
        ts[0] = (struct timespec){ (time_t)in->atime, in->atimensec };
    if (in->valid & FATTR_MTIME)
        ts[1] = (struct timespec){ (time_t)in->mtime, in->mtimensec };
    if (in->valid & FATTR_ATIME_NOW)
        ts[0].tv_nsec = UTIME_NOW;
    if (in->valid & FATTR_MTIME_NOW)
        ts[1].tv_nsec = UTIME_NOW;
    if (((in->valid & FATTR_ATIME) && in->atimensec >= 1000000000u) ||
        ((in->valid & FATTR_MTIME) && in->mtimensec >= 1000000000u))
        return -EINVAL;
    if (!S_ISLNK(n->mode)) {
        vfsd_fd_path(path, sizeof(path), n->fd);
        return utimensat(AT_FDCWD, path, ts, 0) < 0 ? -errno : 0;
    }
    /* a link's own times: by name, if the name is still this link */
    if (n->name == NULL ||
        fstatat(s->nodes[n->parent].fd, n->name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        st.st_dev != n->dev || st.st_ino != n->ino)
        return -ESTALE;
    return utimensat(s->nodes[n->parent].fd, n->name, ts, AT_SYMLINK_NOFOLLOW) < 0
               ? -errno : 0;
}

static int vfsd_set_size(struct vfsd *s, struct vfsd_req *r, struct vfsd_node *n,
                         const struct fuse_setattr_in *in)
{
    struct vfsd_file *f = NULL;
    char path[40];

    if (S_ISDIR(n->mode))
        return -EISDIR;
    if (!S_ISREG(n->mode))
        return -EINVAL;
    if (in->size > INT64_MAX)
        return -EINVAL;
    if (in->valid & FATTR_FH) {
        f = vfsd_req_file(s, r, in->fh);
        if (f == NULL)
            return -EPROTO;
        if (f->node != r->ih.nodeid)
            return vfsd_violation(r, "SETATTR with another node's handle");
        return ftruncate(f->fd, (off_t)in->size) < 0 ? -errno : 0;
    }
    vfsd_fd_path(path, sizeof(path), n->fd);
    return truncate(path, (off_t)in->size) < 0 ? -errno : 0;
}

int vfsd_setattr(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_setattr_in in;
    struct fuse_attr_out o = { .attr_valid = VFSD_TIMEOUT_S };
    struct vfsd_node *n = vfsd_req_node(s, r);
    char path[40];
    struct stat st;
    int rc = 0;

    memcpy(&in, r->arg, sizeof(in));
    if (n == NULL)
        return -EPROTO;
    if (fstatat(n->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    if (in.valid & (FATTR_MODE | FATTR_UID | FATTR_GID | FATTR_SIZE | FATTR_ATIME |
                    FATTR_MTIME | FATTR_ATIME_NOW | FATTR_MTIME_NOW)) {
        if (!(s->flags & VFSD_WRITABLE))
            return -EROFS;
    }
    if (((in.valid & FATTR_UID) && in.uid != st.st_uid) ||
        ((in.valid & FATTR_GID) && in.gid != st.st_gid))
        return -EPERM; /* files stay owned by mica's user */
    if (in.valid & FATTR_MODE) {
        if (S_ISLNK(n->mode))
            return -EOPNOTSUPP;
        vfsd_fd_path(path, sizeof(path), n->fd);
        if (chmod(path, in.mode & 07777) < 0)
            return -errno;
    }
    if (in.valid & FATTR_SIZE)
        rc = vfsd_set_size(s, r, n, &in);
    if (rc == 0 && (in.valid & (FATTR_ATIME | FATTR_MTIME | FATTR_ATIME_NOW |
                                FATTR_MTIME_NOW)))
        rc = vfsd_set_times(s, n, &in);
    if (rc < 0)
        return rc;
    if (fstatat(n->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    vfsd_attr(&o.attr, &st);
    return vfsd_reply(r, &o, sizeof(o));
}

/* Nothing is buffered here, but the host's own caches are flushed as the
 * guest asked; harmless on a read-only share. */
int vfsd_fsync(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_fsync_in in;
    struct vfsd_file *f;

    memcpy(&in, r->arg, sizeof(in));
    f = vfsd_req_file(s, r, in.fh);
    if (f == NULL)
        return -EPROTO;
    if (!(s->flags & VFSD_WRITABLE))
        return 0;
    if ((in.fsync_flags & 1) ? fdatasync(f->fd) : fsync(f->fd))
        return -errno;
    return 0;
}

int vfsd_fallocate(struct vfsd *s, struct vfsd_req *r)
{
    struct fuse_fallocate_in in;
    struct vfsd_file *f;

    memcpy(&in, r->arg, sizeof(in));
    f = vfsd_req_file(s, r, in.fh);
    if (f == NULL)
        return -EPROTO;
    if (!(s->flags & VFSD_WRITABLE))
        return -EROFS;
    if (f->is_dir)
        return -EISDIR;
    if (in.mode & ~(uint32_t)(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
        return -EOPNOTSUPP;
    if (in.offset > INT64_MAX || in.length > INT64_MAX)
        return -EINVAL;
    if (fallocate(f->fd, (int)in.mode, (off_t)in.offset, (off_t)in.length) < 0)
        return -errno;
    return 0;
}
