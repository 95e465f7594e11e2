/* virtio-fs changes: write, create, mkdir, mknod, symlink, link, unlink,
 * rmdir, rename, setattr and fsync, for shares mounted read-write.
 *
 * Everything is write-through: each call is one request (WRITE in pieces
 * of the server's max_write) and returns once the server has answered,
 * so the host file is what the program wrote when write() returns. The
 * page cache stays coherent by dropping a file's cached pages when it is
 * written or its size changes, and attributes the server changed (sizes,
 * times, link counts of the file and its directories) are asked for
 * again on the next stat. Names: a changed name's cached entry is
 * forgotten; new names are looked up on first use.
 *
 * The VFS checked the names and the mount first; the server checks the
 * rest (it may refuse anything: a read-only share answers EROFS).
 */
#include "virtiofs_int.h"

#include <linux/fs.h>

static void attr_stale(struct inode *ino)
{
    if (ino)
        vnode_of(ino)->attr_expires_ns = 0;
}

/* The inode for an entry_out in r (counted), referenced. */
static int entry_inode(struct vfs_session *fs, struct inode *dir, const struct vfs_reply *r,
                       uint32_t mode, struct inode **out)
{
    struct fuse_entry_out e;
    if (r->len < sizeof(e))
        return -EIO;
    memcpy(&e, r->data, sizeof(e));
    if (e.nodeid == 0 || (e.attr.mode & S_IFMT) != (mode & S_IFMT))
        return -EIO;
    struct inode *ino = vnode_get(fs, S_ISDIR(mode) ? dir : NULL, &e);
    if (!ino)
        return -ENOMEM;
    inode_get(ino);
    *out = ino;
    return 0;
}

/* CREATE: a new regular file, opened; its open state for the file. */
static int create_call(struct inode *dir, const char *name, size_t len, uint32_t mode,
                       uint32_t flags, struct inode **out, void **opened)
{
    struct vnode *dvn = vnode_of(dir);
    struct vfs_open *o = core_zalloc(sizeof(*o));
    if (!o)
        return -ENOMEM;
    struct fuse_create_in in = {
        .flags = flags & (O_ACCMODE | O_APPEND | O_EXCL | O_NONBLOCK),
        .mode = mode,
    };
    char nul = 0;
    struct vfs_arg args[3] = {{.p = &in, .len = sizeof(in)}, {.p = name, .len = len},
                              {.p = &nul, .len = 1}};
    struct vfs_reply r;
    size_t want = sizeof(struct fuse_entry_out) + sizeof(struct fuse_open_out);
    int err = vfs_callv(dvn->fs, FUSE_CREATE, dvn->nodeid, args, 3, want, &r);
    if (err) {
        core_free(o);
        return err;
    }
    struct fuse_open_out oo;
    err = r.len < want ? -EIO : entry_inode(dvn->fs, dir, &r, S_IFREG, out);
    if (!err) {
        memcpy(&oo, (const uint8_t *)r.data + sizeof(struct fuse_entry_out), sizeof(oo));
        o->fh = oo.fh;
        o->open_flags = oo.open_flags;
        vnode_pages_drop(vnode_of(*out)); /* nothing of an older file */
    }
    vfs_done(dvn->fs, &r);
    if (err) {
        core_free(o);
        return err;
    }
    *opened = o;
    return 0;
}

int virtiofs_mknod(struct inode *dir, const char *name, size_t len, uint32_t mode,
                   uint32_t flags, const char *target, struct inode **out, void **opened)
{
    struct vnode *dvn = vnode_of(dir);
    struct vfs_session *fs = dvn->fs;
    union {
        struct fuse_mkdir_in d;
        struct fuse_mknod_in n;
    } in;
    char nul = 0;
    struct vfs_arg args[4] = {{.p = &in}, {.p = name, .len = len}, {.p = &nul, .len = 1}};
    int nargs = 3;
    uint32_t op;
    memset(&in, 0, sizeof(in));
    if (S_ISREG(mode) && opened) {
        int err = create_call(dir, name, len, mode, flags, out, opened);
        attr_stale(dir);
        dentry_drop(dvn, name, len);
        return err;
    }
    if (S_ISDIR(mode)) {
        op = FUSE_MKDIR;
        in.d.mode = mode;
        args[0].len = sizeof(in.d);
    } else if (S_ISLNK(mode)) { /* name, then the link's text */
        op = FUSE_SYMLINK;
        args[0] = (struct vfs_arg){.p = name, .len = len};
        args[1] = (struct vfs_arg){.p = &nul, .len = 1};
        args[2] = (struct vfs_arg){.p = target, .len = strlen(target) + 1};
    } else if (S_ISREG(mode) || S_ISFIFO(mode)) {
        op = FUSE_MKNOD;
        in.n.mode = mode;
        args[0].len = sizeof(in.n);
    } else {
        return -EPERM; /* no device nodes on a host share */
    }
    struct vfs_reply r;
    int err = vfs_callv(fs, op, dvn->nodeid, args, nargs, sizeof(struct fuse_entry_out), &r);
    if (err)
        return err;
    err = entry_inode(fs, dir, &r, mode, out);
    vfs_done(fs, &r);
    attr_stale(dir);
    dentry_drop(dvn, name, len);
    return err;
}

int virtiofs_link(struct inode *ino, struct inode *dir, const char *name, size_t len)
{
    struct vnode *dvn = vnode_of(dir);
    struct fuse_link_in in = {.oldnodeid = vnode_of(ino)->nodeid};
    char nul = 0;
    struct vfs_arg args[3] = {{.p = &in, .len = sizeof(in)}, {.p = name, .len = len},
                              {.p = &nul, .len = 1}};
    struct vfs_reply r;
    int err = vfs_callv(dvn->fs, FUSE_LINK, dvn->nodeid, args, 3,
                        sizeof(struct fuse_entry_out), &r);
    if (err)
        return err;
    struct inode *same;
    err = entry_inode(dvn->fs, dir, &r, ino->mode, &same);
    vfs_done(dvn->fs, &r);
    if (!err) {
        if (same != ino)
            err = -EIO; /* the server linked something else */
        inode_put(same);
    }
    attr_stale(dir);
    attr_stale(ino);
    return err;
}

int virtiofs_remove(struct inode *dir, const char *name, size_t len, struct inode *child,
                    bool isdir)
{
    struct vnode *dvn = vnode_of(dir);
    char nul = 0;
    struct vfs_arg args[2] = {{.p = name, .len = len}, {.p = &nul, .len = 1}};
    struct vfs_reply r;
    int err = vfs_callv(dvn->fs, isdir ? FUSE_RMDIR : FUSE_UNLINK, dvn->nodeid, args, 2,
                        0, &r);
    if (err)
        return err;
    vfs_done(dvn->fs, &r);
    dentry_drop(dvn, name, len);
    attr_stale(dir);
    attr_stale(child);
    return 0;
}

int virtiofs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
                    const char *nname, size_t nlen, unsigned flags)
{
    struct vnode *ovn = vnode_of(odir), *nvn = vnode_of(ndir);
    struct fuse_rename2_in in = {.newdir = nvn->nodeid, .flags = flags};
    char nul = 0;
    struct vfs_arg args[5] = {{.p = &in, .len = flags ? sizeof(in) : sizeof(struct fuse_rename_in)},
                              {.p = oname, .len = olen}, {.p = &nul, .len = 1},
                              {.p = nname, .len = nlen}, {.p = &nul, .len = 1}};
    struct vfs_reply r;
    int err = vfs_callv(ovn->fs, flags ? FUSE_RENAME2 : FUSE_RENAME, ovn->nodeid, args, 5,
                        0, &r);
    if (err)
        return err == -ENOSYS && flags ? -EINVAL : err;
    vfs_done(ovn->fs, &r);
    dentry_drop(ovn, oname, olen);
    dentry_drop(nvn, nname, nlen);
    attr_stale(odir);
    attr_stale(ndir);
    return 0;
}

static void ns_split(int64_t ns, uint64_t *s, uint32_t *n)
{
    int64_t sec = ns / 1000000000, rem = ns % 1000000000;
    if (rem < 0) {
        rem += 1000000000;
        sec--;
    }
    *s = (uint64_t)sec;
    *n = (uint32_t)rem;
}

int virtiofs_setattr(struct inode *ino, const struct vfs_setattr *a)
{
    struct vnode *vn = vnode_of(ino);
    struct fuse_setattr_in in = {0};
    if (a->valid & VFS_SET_MODE) {
        in.valid |= FATTR_MODE;
        in.mode = a->mode & 07777;
    }
    if (a->valid & VFS_SET_UID) {
        in.valid |= FATTR_UID;
        in.uid = a->uid;
    }
    if (a->valid & VFS_SET_GID) {
        in.valid |= FATTR_GID;
        in.gid = a->gid;
    }
    if (a->valid & VFS_SET_SIZE) {
        in.valid |= FATTR_SIZE;
        in.size = a->size;
        const struct vfs_open *o = a->file ? a->file->priv : NULL;
        if (o && a->file->inode == ino) {
            in.valid |= FATTR_FH;
            in.fh = o->fh;
        }
    }
    if (a->valid & VFS_SET_ATIME) {
        in.valid |= FATTR_ATIME;
        ns_split(a->atime_ns, &in.atime, &in.atimensec);
    }
    if (a->valid & VFS_SET_MTIME) {
        in.valid |= FATTR_MTIME;
        ns_split(a->mtime_ns, &in.mtime, &in.mtimensec);
    }
    if (a->valid & VFS_SET_ATIME_NOW)
        in.valid |= FATTR_ATIME | FATTR_ATIME_NOW;
    if (a->valid & VFS_SET_MTIME_NOW)
        in.valid |= FATTR_MTIME | FATTR_MTIME_NOW;
    struct vfs_reply r;
    int err = vfs_call(vn->fs, FUSE_SETATTR, vn->nodeid, &in, sizeof(in), NULL, 0,
                       sizeof(struct fuse_attr_out), &r);
    if (err)
        return err;
    struct fuse_attr_out o;
    bool ok = r.len >= sizeof(o);
    if (ok)
        memcpy(&o, r.data, sizeof(o));
    vfs_done(vn->fs, &r);
    if (!ok || (o.attr.mode & S_IFMT) != (ino->mode & S_IFMT))
        return -EIO;
    if (a->valid & VFS_SET_SIZE)
        vnode_pages_drop(vn);
    vnode_attr_set(vn, &o.attr, o.attr_valid, o.attr_valid_nsec);
    return 0;
}

ssize_t virtiofs_write(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    const struct vfs_open *o = f->priv;
    struct vnode *vn = vnode_of(f->inode);
    if (!o)
        return -EBADF;
    if (f->flags & O_APPEND) { /* the end as the server sees it now */
        vn->attr_expires_ns = 0;
        int err = vnode_getattr(f->inode);
        if (err)
            return err;
        *pos = f->inode->size;
    }
    if (*pos > (uint64_t)INT64_MAX - len)
        return -EFBIG;
    size_t done = 0;
    int err = 0;
    while (done < len) {
        size_t chunk = len - done < vn->fs->write_max ? len - done : vn->fs->write_max;
        struct fuse_write_in in = {.fh = o->fh, .offset = *pos + done,
                                   .size = (uint32_t)chunk, .flags = f->flags};
        struct vfs_arg args[2] = {{.p = &in, .len = sizeof(in)},
                                  {.u = uaddr(u_buf.addr + done), .len = chunk, .user = true}};
        struct vfs_reply r;
        err = vfs_callv(vn->fs, FUSE_WRITE, vn->nodeid, args, 2,
                        sizeof(struct fuse_write_out), &r);
        if (err)
            break;
        struct fuse_write_out wo = {0};
        memcpy(&wo, r.data, r.len < sizeof(wo) ? r.len : sizeof(wo));
        vfs_done(vn->fs, &r);
        if (wo.size > chunk) {
            err = -EIO;
            break;
        }
        done += wo.size;
        if (wo.size < chunk)
            break;
    }
    if (done) {
        vnode_pages_drop(vn); /* coherent: the next read asks the server */
        if (*pos + done > f->inode->size)
            f->inode->size = *pos + done;
        vn->attr_expires_ns = 0;
        *pos += done;
    }
    return done ? (ssize_t)done : err;
}

int virtiofs_fallocate(struct file *f, int mode, uint64_t off, uint64_t len)
{
    const struct vfs_open *o = f->priv;
    struct vnode *vn = vnode_of(f->inode);
    if (!o)
        return -EBADF;
    struct fuse_fallocate_in in = {.fh = o->fh, .offset = off, .length = len,
                                   .mode = (uint32_t)mode};
    struct vfs_reply r;
    int err = vfs_call(vn->fs, FUSE_FALLOCATE, vn->nodeid, &in, sizeof(in), NULL, 0, 0, &r);
    if (err)
        return err == -ENOSYS ? -EOPNOTSUPP : err;
    vfs_done(vn->fs, &r);
    vnode_pages_drop(vn); /* a punched hole reads as zeros */
    vn->attr_expires_ns = 0;
    return vnode_getattr(f->inode); /* the size it may have grown to */
}

int virtiofs_fsync(struct file *f, bool datasync)
{
    const struct vfs_open *o = f->priv;
    struct vnode *vn = vnode_of(f->inode);
    if (!o)
        return -EBADF;
    struct fuse_fsync_in in = {.fh = o->fh, .fsync_flags = datasync ? 1 : 0};
    struct vfs_reply r;
    int err = vfs_call(vn->fs, S_ISDIR(f->inode->mode) ? FUSE_FSYNCDIR : FUSE_FSYNC,
                       vn->nodeid, &in, sizeof(in), NULL, 0, 0, &r);
    if (err == -ENOSYS)
        return 0; /* the server keeps nothing to push */
    if (!err)
        vfs_done(vn->fs, &r);
    return err;
}
