/* virtio-fs: a FUSE client over a virtio-fs device.
 *
 * `mount -t virtiofs TAG DIR` finds the virtio-fs device whose
 * configuration carries TAG, sets up its high-priority and first request
 * queue, and sends FUSE_INIT. Each request is one chain of two buffers
 * in one of a few per-mount DMA buffers: the in-header and arguments,
 * then room for the out-header and the reply. Replies are host input:
 * length, unique and error are checked before anything is believed.
 *
 * Inodes: one per server node ID, kept in a hash for the life of the
 * mount, with the number of lookups the server counted, given back with
 * FORGET at unmount; only an inode whose last name the guest removed (rw
 * mounts) goes earlier, with its own FORGET and every cached name that
 * led to it. A lookup holds the directory it was given while it sleeps,
 * as the walk only borrows it. Numbers (st_ino) are the server's
 * attr.ino. Names are cached per directory and attributes per inode for
 * as long as the server's entry and attribute timeouts say. File data
 * goes through a bounded page cache (virtiofs_io.c); on a mount without
 * MS_RDONLY, changes go to the server (virtiofs_write.c).
 */
#include "virtiofs_int.h"

#include <core/time.h>
#include <core/dev.h>
#include <drivers/virtio.h>
#include <linux/magic.h>
#include <linux/virtio_fs.h>
#include <linux/virtio_ids.h>
#include <asm/statfs.h>

#define REQ_QUEUE_SIZE 64
#define HIPRIO_QUEUE_SIZE 16
#define FORGET_BATCH 64

static uint32_t claimed; /* device indices in use by a mount */

/* ---- requests ---- */

static int buf_take(struct vfs_session *fs)
{
    for (;;) {
        for (int i = 0; i < VFS_BUFS; i++)
            if (!fs->buf_busy[i]) {
                fs->buf_busy[i] = true;
                return i;
            }
        core_wait(&fs->buf_wq, 0, false);
    }
}

static void buf_give(struct vfs_session *fs, int i)
{
    fs->buf_busy[i] = false;
    core_wake_all(&fs->buf_wq);
}

void vfs_done(struct vfs_session *fs, struct vfs_reply *r)
{
    if (r->buf >= 0)
        buf_give(fs, r->buf);
    r->buf = -1;
}

/* Build the in-header and argument pieces at the start of buffer b:
 * its length, or -EFAULT when a user piece cannot be read. */
static long req_build(struct vfs_session *fs, int b, uint32_t opcode, uint64_t nodeid,
                      const struct vfs_arg *args, int nargs)
{
    uint8_t *p = core_dma_ptr(fs->bufs[b]);
    size_t at = sizeof(struct fuse_in_header);
    for (int i = 0; i < nargs; i++) {
        if (args[i].user && core_copy_from_user(p + at, args[i].u, args[i].len))
            return -EFAULT;
        if (!args[i].user && args[i].len)
            memcpy(p + at, args[i].p, args[i].len);
        at += args[i].len;
    }
    struct fuse_in_header h = {
        .len = (uint32_t)at,
        .opcode = opcode,
        .unique = ++fs->unique,
        .nodeid = nodeid,
        .uid = abi_proc ? abi_proc->fsuid : 0,
        .gid = abi_proc ? abi_proc->fsgid : 0,
        .pid = abi_proc ? (uint32_t)abi_proc->pid : 0,
    };
    memcpy(p, &h, sizeof(h));
    return (long)h.len;
}

/* Check the out-header the device wrote (n bytes): the payload length. */
static long reply_check(const struct fuse_out_header *oh, long n, uint64_t unique,
                        size_t reply_max)
{
    if (n < (long)sizeof(*oh) || oh->len < sizeof(*oh) || oh->len > (uint64_t)n ||
        oh->unique != unique)
        return -EIO;
    if (oh->error)
        return oh->error < 0 && oh->error >= -4095 ? oh->error : -EIO;
    if (oh->len - sizeof(*oh) > reply_max)
        return -EIO;
    return (long)(oh->len - sizeof(*oh));
}

int vfs_callv(struct vfs_session *fs, uint32_t opcode, uint64_t nodeid,
              const struct vfs_arg *args, int nargs, size_t reply_max, struct vfs_reply *r)
{
    size_t out_len = sizeof(struct fuse_in_header);
    for (int i = 0; i < nargs; i++)
        out_len += args[i].len;
    size_t in_off = CORE_ALIGN_UP(out_len, 64);
    r->buf = -1;
    if (out_len > VFS_BUF_SIZE ||
        in_off + sizeof(struct fuse_out_header) + reply_max > VFS_BUF_SIZE)
        return -EINVAL;
    int b = buf_take(fs);
    long built = req_build(fs, b, opcode, nodeid, args, nargs);
    if (built < 0) {
        buf_give(fs, b);
        return (int)built;
    }
    uint64_t unique = fs->unique;
    struct virtq_buf bufs[2] = {
        {fs->bufs[b], 0, out_len},
        {fs->bufs[b], in_off, sizeof(struct fuse_out_header) + reply_max},
    };
    fs->inflight++;
    long n = virtq_call(fs->req, bufs, 2, 1);
    fs->inflight--;
    const uint8_t *in = (const uint8_t *)core_dma_ptr(fs->bufs[b]) + in_off;
    if (n >= 0)
        n = reply_check((const struct fuse_out_header *)in, n, unique, reply_max);
    if (n < 0) {
        buf_give(fs, b);
        return (int)n;
    }
    r->buf = b;
    r->data = in + sizeof(struct fuse_out_header);
    r->len = (size_t)n;
    return 0;
}

int vfs_call(struct vfs_session *fs, uint32_t opcode, uint64_t nodeid, const void *a1,
             size_t l1, const void *a2, size_t l2, size_t reply_max, struct vfs_reply *r)
{
    struct vfs_arg args[2] = {{.p = a1, .len = l1}, {.p = a2, .len = l2}};
    return vfs_callv(fs, opcode, nodeid, args, 2, reply_max, r);
}

/* FORGET in batches, on the high-priority queue (no reply). */
static void forget_all(struct vfs_session *fs)
{
    struct fuse_forget_one one[FORGET_BATCH];
    unsigned n = 0;
    for (unsigned h = 0; h <= VFS_HASH; h++) {
        struct vnode *vn = h < VFS_HASH ? fs->hash[h] : NULL;
        for (; vn; vn = vn->hash_next)
            if (vn->nlookup && vn->nodeid != FUSE_ROOT_ID)
                one[n++] = (struct fuse_forget_one){vn->nodeid, vn->nlookup};
        if (n && (n + 8 > FORGET_BATCH || h == VFS_HASH)) {
            struct fuse_batch_forget_in in = {.count = n};
            struct vfs_arg args[2] = {{.p = &in, .len = sizeof(in)},
                                      {.p = one, .len = n * sizeof(one[0])}};
            int b = buf_take(fs);
            size_t len = (size_t)req_build(fs, b, FUSE_BATCH_FORGET, 0, args, 2);
            struct virtq_buf buf = {fs->bufs[b], 0, len};
            fs->inflight++;
            if (virtq_call(fs->hiprio, &buf, 1, 1) < 0)
                h = VFS_HASH; /* the device is gone: nothing to tell */
            fs->inflight--;
            buf_give(fs, b);
            n = 0;
        }
    }
}

/* ---- nodes ---- */

static uint64_t ts_ns(uint64_t s, uint32_t ns)
{
    return s * 1000000000ull + ns;
}

static uint64_t expiry(uint64_t s, uint32_t ns)
{
    if (s > 1000000) /* "forever" */
        return UINT64_MAX;
    return core_time_monotonic_ns() + ts_ns(s, ns);
}

void vnode_attr_set(struct vnode *vn, const struct fuse_attr *a, uint64_t valid_s,
                    uint32_t valid_ns)
{
    struct inode *ino = vn->inode;
    uint64_t mtime = ts_ns(a->mtime, a->mtimensec);
    if (S_ISREG(ino->mode) && (ino->size != a->size || ino->mtime_ns != mtime))
        vnode_pages_drop(vn); /* changed on the host */
    ino->mode = (ino->mode & S_IFMT) | (a->mode & 07777);
    ino->ino = a->ino;
    ino->size = a->size;
    ino->uid = a->uid;
    ino->gid = a->gid;
    ino->nlink = a->nlink ? a->nlink : 1; /* kept while cached */
    ino->atime_ns = ts_ns(a->atime, a->atimensec);
    ino->mtime_ns = mtime;
    ino->ctime_ns = ts_ns(a->ctime, a->ctimensec);
    ino->rdev_major = (a->rdev >> 8) & 0xfff;
    ino->rdev_minor = (a->rdev & 0xff) | ((a->rdev >> 12) & 0xfff00);
    vn->attr_expires_ns = expiry(valid_s, valid_ns);
}

static struct vnode *vnode_find(struct vfs_session *fs, uint64_t nodeid)
{
    for (struct vnode *vn = fs->hash[nodeid % VFS_HASH]; vn; vn = vn->hash_next)
        if (vn->nodeid == nodeid)
            return vn;
    return NULL;
}

static bool mode_ok(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR: case S_IFBLK:
    case S_IFIFO: case S_IFSOCK:
        return true;
    default:
        return false;
    }
}

/* The inode for a LOOKUP's answer (counted), made if new. */
struct inode *vnode_get(struct vfs_session *fs, struct inode *parent,
                               const struct fuse_entry_out *e)
{
    struct vnode *vn = vnode_find(fs, e->nodeid);
    if (vn && (vn->inode->mode & S_IFMT) == (e->attr.mode & S_IFMT)) {
        vn->nlookup++;
        vnode_attr_set(vn, &e->attr, e->attr_valid, e->attr_valid_nsec);
        return vn->inode;
    }
    if (vn || !mode_ok(e->attr.mode))
        return NULL; /* a node ID that changed type: refuse it */
    vn = core_zalloc(sizeof(*vn));
    struct inode *ino = vn ? inode_new(e->attr.mode & (S_IFMT | 07777)) : NULL;
    if (!ino) {
        core_free(vn);
        return NULL;
    }
    vn->fs = fs;
    vn->inode = ino;
    vn->nodeid = e->nodeid;
    vn->generation = e->generation;
    vn->nlookup = 1;
    ino->priv = vn;
    ino->iops = &virtiofs_iops;
    ino->sb = fs->sb;
    super_get(fs->sb);
    if (S_ISREG(ino->mode))
        ino->fops = &virtiofs_reg_ops;
    else if (S_ISDIR(ino->mode)) {
        ino->fops = &virtiofs_dir_ops;
        ino->dir.parent = parent ? parent : ino;
    } else
        ino->fops = &null_ops;
    vnode_attr_set(vn, &e->attr, e->attr_valid, e->attr_valid_nsec);
    vn->hash_next = fs->hash[e->nodeid % VFS_HASH];
    fs->hash[e->nodeid % VFS_HASH] = vn;
    return ino;
}

static void session_free(struct vfs_session *fs);

/* Take the cached name *pp out of dir's list and free it. */
static void dentry_unlink(struct vnode *dir, struct vdentry **pp)
{
    struct vdentry *d = *pp;
    *pp = d->next;
    if (!dir->fs->gone) /* at unmount the node may be freed already */
        d->node->dcount--;
    core_free(d);
}

static void dentries_free(struct vnode *vn)
{
    while (vn->dentries)
        dentry_unlink(vn, &vn->dentries);
}

/* vn is being freed while mounted: no cached name may lead to it (the
 * host may have removed a name behind the guest's back, so the link
 * count the guest kept can reach 0 with another name still cached). */
static void dentries_forget_node(struct vfs_session *fs, struct vnode *vn)
{
    for (unsigned h = 0; h < VFS_HASH && vn->dcount; h++)
        for (struct vnode *dir = fs->hash[h]; dir; dir = dir->hash_next)
            for (struct vdentry **pp = &dir->dentries; *pp;) {
                if ((*pp)->node == vn)
                    dentry_unlink(dir, pp);
                else
                    pp = &(*pp)->next;
            }
}

/* Give back one node's lookups (an inode freed while mounted: a file
 * removed), so the server's table does not keep it. */
static void forget_one(struct vfs_session *fs, uint64_t nodeid, uint64_t nlookup)
{
    struct fuse_forget_in in = {.nlookup = nlookup};
    struct vfs_arg arg = {.p = &in, .len = sizeof(in)};
    int b = buf_take(fs);
    size_t len = (size_t)req_build(fs, b, FUSE_FORGET, nodeid, &arg, 1);
    struct virtq_buf buf = {fs->bufs[b], 0, len};
    fs->inflight++;
    if (virtq_call(fs->hiprio, &buf, 1, 1) < 0)
        fs->gone = true; /* the device is gone: nothing more to tell */
    fs->inflight--;
    buf_give(fs, b);
}

static void virtiofs_evict(struct inode *ino)
{
    struct vnode *vn = vnode_of(ino);
    if (!vn->fs->gone && ino != vn->fs->root && vn->nlookup && vn->fs->req) {
        vnode_kernel_release(vn);
        forget_one(vn->fs, vn->nodeid, vn->nlookup);
        vn->nlookup = 0;
    }
    struct vnode **pp = &vn->fs->hash[vn->nodeid % VFS_HASH];
    while (*pp && *pp != vn)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = vn->hash_next;
    if (!vn->fs->gone)
        dentries_forget_node(vn->fs, vn);
    vnode_pages_drop(vn);
    core_free(vn->pages);
    core_free(vn->kopen); /* released at unmount */
    dentries_free(vn);
    if (ino == vn->fs->root) /* the last of the mount */
        session_free(vn->fs);
    core_free(vn);
}

/* ---- inode operations ---- */

void dentry_drop(struct vnode *dir, const char *name, size_t len)
{
    for (struct vdentry **pp = &dir->dentries, *d; (d = *pp);) {
        if (d->len == len && !memcmp(d->name, name, len))
            dentry_unlink(dir, pp);
        else
            pp = &d->next;
    }
}

static struct vnode *dentry_find(struct vnode *dir, const char *name, size_t len)
{
    uint64_t now = core_time_monotonic_ns();
    for (struct vdentry **pp = &dir->dentries, *d; (d = *pp);) {
        if (d->expires_ns <= now) { /* stale: drop it */
            dentry_unlink(dir, pp);
            continue;
        }
        if (d->len == len && !memcmp(d->name, name, len))
            return d->node;
        pp = &d->next;
    }
    return NULL;
}

static void dentry_add(struct vnode *dir, struct vnode *child, const char *name, size_t len,
                       uint64_t expires_ns)
{
    struct vdentry *d = core_malloc(sizeof(*d) + len);
    if (!d)
        return; /* only a cache */
    d->node = child;
    child->dcount++;
    d->expires_ns = expires_ns;
    d->len = len;
    memcpy(d->name, name, len);
    d->next = dir->dentries;
    dir->dentries = d;
}

static struct inode *virtiofs_lookup(struct inode *dir, const char *name, size_t len)
{
    struct vnode *dvn = vnode_of(dir), *hit = dentry_find(dvn, name, len);
    struct vfs_session *fs = dvn->fs;
    struct vfs_reply r;
    char nul = 0;
    if (hit)
        return hit->inode;
    /* the walk borrows dir: while the request sleeps, another task may
     * remove it (rw mounts), so hold it until its answer is filed */
    inode_get(dir);
    struct inode *ino = NULL;
    if (vfs_call(fs, FUSE_LOOKUP, dvn->nodeid, name, len, &nul, 1,
                 sizeof(struct fuse_entry_out), &r))
        goto out;
    struct fuse_entry_out e;
    memset(&e, 0, sizeof(e));
    memcpy(&e, r.data, r.len < sizeof(e) ? r.len : sizeof(e));
    vfs_done(fs, &r);
    if (e.nodeid == 0) /* a negative entry */
        goto out;
    ino = vnode_get(fs, dir, &e);
    if (ino && len < ABI_NAME_MAX)
        dentry_add(dvn, vnode_of(ino), name, len, expiry(e.entry_valid, e.entry_valid_nsec));
out:
    inode_put(dir);
    return ino;
}

int vnode_getattr(struct inode *ino)
{
    struct vnode *vn = vnode_of(ino);
    if (core_time_monotonic_ns() < vn->attr_expires_ns)
        return 0;
    struct fuse_getattr_in in = {0};
    struct vfs_reply r;
    int err = vfs_call(vn->fs, FUSE_GETATTR, vn->nodeid, &in, sizeof(in), NULL, 0,
                       sizeof(struct fuse_attr_out), &r);
    if (err)
        return err;
    struct fuse_attr_out a;
    if (r.len < sizeof(a)) {
        vfs_done(vn->fs, &r);
        return -EIO;
    }
    memcpy(&a, r.data, sizeof(a));
    vfs_done(vn->fs, &r);
    if ((a.attr.mode & S_IFMT) != (ino->mode & S_IFMT))
        return -EIO; /* the server changed its mind about what this is */
    vnode_attr_set(vn, &a.attr, a.attr_valid, a.attr_valid_nsec);
    return 0;
}

/* The link's target into a new buffer (NUL-terminated): its length. */
static long link_read(struct inode *ln, char **out)
{
    struct vnode *vn = vnode_of(ln);
    struct vfs_reply r;
    inode_get(ln); /* borrowed by the walk: held while the request sleeps */
    long n = vfs_call(vn->fs, FUSE_READLINK, vn->nodeid, NULL, 0, NULL, 0,
                      ABI_PATH_MAX - 1, &r);
    char *buf = NULL;
    if (n == 0) {
        n = (long)r.len;
        buf = core_malloc(r.len + 1);
        if (buf) {
            memcpy(buf, r.data, r.len);
            buf[r.len] = 0;
        }
        vfs_done(vn->fs, &r);
        if (!buf)
            n = -ENOMEM;
        else if (n == 0 || memchr(buf, 0, (size_t)n))
            n = -EIO;
    }
    inode_put(ln);
    if (n < 0) {
        core_free(buf);
        return n;
    }
    *out = buf;
    return n;
}

static int virtiofs_get_link(struct inode *ln, struct link_target *t)
{
    long n = link_read(ln, &t->buf);
    if (n < 0)
        return (int)n;
    t->path = t->buf;
    return 0;
}

static long virtiofs_readlink(struct inode *ln, char *buf, size_t size)
{
    char *target;
    long n = link_read(ln, &target);
    if (n < 0)
        return n;
    if ((size_t)n > size)
        n = (long)size;
    memcpy(buf, target, (size_t)n);
    core_free(target);
    return n;
}

static int virtiofs_statfs(struct inode *ino, struct statfs *sf)
{
    struct vnode *vn = vnode_of(ino);
    struct vfs_reply r;
    int err = vfs_call(vn->fs, FUSE_STATFS, vn->nodeid, NULL, 0, NULL, 0,
                       sizeof(struct fuse_statfs_out), &r);
    if (err)
        return err;
    struct fuse_statfs_out o;
    memset(&o, 0, sizeof(o));
    memcpy(&o, r.data, r.len < sizeof(o) ? r.len : sizeof(o));
    vfs_done(vn->fs, &r);
    sf->f_type = FUSE_SUPER_MAGIC;
    sf->f_bsize = o.st.bsize;
    sf->f_frsize = o.st.frsize ? o.st.frsize : o.st.bsize;
    sf->f_blocks = o.st.blocks;
    sf->f_bfree = o.st.bfree;
    sf->f_bavail = o.st.bavail;
    sf->f_files = o.st.files;
    sf->f_ffree = o.st.ffree;
    sf->f_namelen = o.st.namelen;
    return 0;
}

const struct inode_ops virtiofs_iops = {
    .lookup = virtiofs_lookup,
    .iterate = virtiofs_iterate,
    .get_link = virtiofs_get_link,
    .readlink = virtiofs_readlink,
    .evict = virtiofs_evict,
    .getattr = vnode_getattr,
    .statfs = virtiofs_statfs,
    .data_page = virtiofs_data_page,
    .open_check = virtiofs_open_check,
    .mknod = virtiofs_mknod,
    .link = virtiofs_link,
    .remove = virtiofs_remove,
    .rename = virtiofs_rename,
    .setattr = virtiofs_setattr,
};

/* ---- mounting ---- */

static bool tag_matches(struct virtio_dev *dev, const char *tag)
{
    char t[VFS_TAG_MAX + 1];
    for (size_t i = 0; i < VFS_TAG_MAX; i++)
        t[i] = (char)virtio_config_read8(dev, i);
    t[VFS_TAG_MAX] = 0;
    return !strcmp(t, tag);
}

/* The unclaimed virtio-fs device with this tag, negotiated. */
static struct virtio_dev *device_find(const char *tag, unsigned *index)
{
    for (unsigned i = 0; i < core_dev_count() && i < 32; i++) {
        if ((claimed & (1u << i)) || virtio_device_id(i) != VIRTIO_ID_FS)
            continue;
        uint64_t features;
        int err;
        struct virtio_dev *dev = virtio_open(i, 0, 0, &features, &err);
        if (!dev)
            continue;
        if (tag_matches(dev, tag)) {
            *index = i;
            return dev;
        }
        virtio_close(dev);
    }
    return NULL;
}

static int session_init(struct vfs_session *fs)
{
    struct fuse_init_in in = {
        .major = FUSE_KERNEL_VERSION,
        .minor = FUSE_KERNEL_MINOR_VERSION,
        .max_readahead = VFS_READ_MAX,
        .flags = FUSE_MAX_PAGES,
    };
    struct vfs_reply r;
    int err = vfs_call(fs, FUSE_INIT, 0, &in, sizeof(in), NULL, 0,
                       sizeof(struct fuse_init_out), &r);
    if (err)
        return err;
    struct fuse_init_out o;
    memset(&o, 0, sizeof(o));
    memcpy(&o, r.data, r.len < sizeof(o) ? r.len : sizeof(o));
    vfs_done(fs, &r);
    if (o.major != FUSE_KERNEL_VERSION || o.minor < 27)
        return -EPROTO;
    fs->read_max = VFS_READ_MAX;
    if ((o.flags & FUSE_MAX_PAGES) && o.max_pages &&
        o.max_pages * CORE_PAGE_SIZE < fs->read_max)
        fs->read_max = o.max_pages * CORE_PAGE_SIZE;
    fs->write_max = o.max_write < VFS_READ_MAX ? o.max_write : VFS_READ_MAX;
    if (fs->write_max < CORE_PAGE_SIZE)
        fs->write_max = CORE_PAGE_SIZE; /* the protocol's minimum */
    return 0;
}

static int session_root(struct vfs_session *fs)
{
    struct fuse_getattr_in in = {0};
    struct vfs_reply r;
    int err = vfs_call(fs, FUSE_GETATTR, FUSE_ROOT_ID, &in, sizeof(in), NULL, 0,
                       sizeof(struct fuse_attr_out), &r);
    if (err)
        return err;
    struct fuse_attr_out a;
    bool ok = r.len >= sizeof(a);
    if (ok)
        memcpy(&a, r.data, sizeof(a));
    vfs_done(fs, &r);
    if (!ok || !S_ISDIR(a.attr.mode))
        return -EIO;
    struct fuse_entry_out e = {.nodeid = FUSE_ROOT_ID, .attr = a.attr,
                               .attr_valid = a.attr_valid,
                               .attr_valid_nsec = a.attr_valid_nsec};
    fs->root = vnode_get(fs, NULL, &e);
    if (!fs->root)
        return -ENOMEM;
    vnode_of(fs->root)->nlookup = 0; /* the root is never looked up */
    inode_get(fs->root);             /* the mount's reference */
    return 0;
}

static void session_free(struct vfs_session *fs)
{
    if (fs->dev) {
        virtio_close(fs->dev);
        claimed &= ~(1u << fs->dev_index);
    }
    for (int i = 0; i < VFS_BUFS; i++)
        core_dma_free(fs->bufs[i]);
    super_put(fs->sb);
    core_free(fs);
}

static int session_start(struct vfs_session *fs, const char *tag)
{
    int err;
    uint64_t features;
    strlcpy(fs->tag, tag, sizeof(fs->tag));
    fs->dev = device_find(tag, &fs->dev_index);
    if (!fs->dev)
        return -EINVAL; /* as Linux: "tag not found" */
    (void)features;
    claimed |= 1u << fs->dev_index;
    for (int i = 0; i < VFS_BUFS; i++)
        if (!(fs->bufs[i] = core_dma_alloc(VFS_BUF_SIZE)))
            return -ENOMEM;
    fs->hiprio = virtq_setup(fs->dev, 0, HIPRIO_QUEUE_SIZE, &err);
    if (fs->hiprio)
        fs->req = virtq_setup(fs->dev, 1, REQ_QUEUE_SIZE, &err);
    if (!fs->req)
        return err;
    err = virtio_ready(fs->dev);
    if (!err)
        err = session_init(fs);
    if (!err)
        err = session_root(fs);
    return err;
}

struct inode *virtiofs_new_root(const char *tag, int *err)
{
    struct vfs_session *fs = core_zalloc(sizeof(*fs));
    *err = -ENOMEM;
    if (!fs)
        return NULL;
    fs->sb = super_new("virtiofs", FUSE_SUPER_MAGIC);
    if (!fs->sb) {
        core_free(fs);
        return NULL;
    }
    super_get(fs->sb);
    *err = tag && strlen(tag) <= VFS_TAG_MAX ? session_start(fs, tag) : -EINVAL;
    if (*err) {
        if (fs->root) { /* freeing the root frees the session */
            fs->root->nlink = 0;
            inode_put(fs->root);
        } else {
            session_free(fs);
        }
        return NULL;
    }
    fs->sb->priv = fs;
    return fs->root;
}

bool virtiofs_busy(struct inode *root)
{
    struct vfs_session *fs = vnode_of(root)->fs;
    if (fs->inflight || root->refs > 1)
        return true;
    for (unsigned h = 0; h < VFS_HASH; h++)
        for (struct vnode *vn = fs->hash[h]; vn; vn = vn->hash_next)
            if (vn->inode != root && vn->inode->refs)
                return true;
    return false;
}

/* After the mount is gone: tell the server, free every inode but the
 * root. The caller then drops the root's last reference, which lets go
 * of the device and the session (virtiofs_evict). */
void virtiofs_unmount(struct inode *root)
{
    struct vfs_session *fs = vnode_of(root)->fs;
    struct vfs_reply r;
    fs->gone = true;
    for (unsigned h = 0; h < VFS_HASH; h++)
        for (struct vnode *vn = fs->hash[h]; vn; vn = vn->hash_next)
            vnode_kernel_release(vn);
    forget_all(fs);
    if (!vfs_call(fs, FUSE_DESTROY, 0, NULL, 0, NULL, 0, 0, &r))
        vfs_done(fs, &r);
    for (unsigned h = 0; h < VFS_HASH; h++)
        for (struct vnode *vn = fs->hash[h], *next; vn; vn = next) {
            next = vn->hash_next;
            if (vn->inode == root)
                continue;
            vn->inode->nlink = 0;
            inode_drop_link(vn->inode); /* unlinks itself from the hash */
        }
    dentries_free(vnode_of(root));
    fs->sb->priv = NULL;
}
