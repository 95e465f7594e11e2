/* virtio-fs files: open and release, reads through a page cache, and
 * directory listings.
 *
 * Page cache: each regular file's vnode keeps the pages read so far,
 * filled by READs of up to read_max bytes (128 KiB) from the first
 * missing page, so a sequential reader pays one round trip per 32 pages.
 * All virtio-fs pages together stay under a budget (1/8 of RAM, at most
 * 64 MiB): past it, the least recently read file loses all its pages.
 * Pages are dropped when an open does not get FOPEN_KEEP_CACHE, or when
 * new attributes show another size or mtime (the file changed on the
 * host). An open with FOPEN_DIRECT_IO reads around the cache.
 *
 * Directories are listed with READDIR (not READDIRPLUS, which would make
 * every entry count a lookup): the getdents position is the server's
 * offset plus 2, as 0 and 1 are the VFS's "." and "..".
 */
#include "virtiofs_int.h"

#define CACHE_MAX_PAGES (64u << 20) / CORE_PAGE_SIZE
#define READDIR_BYTES 8192
#define READDIR_MAX_BATCHES 1024

static size_t cache_pages, cache_limit;
static struct vnode *lru_head, *lru_tail; /* head: most recently read */

/* ---- the page cache ---- */

static void lru_unlink(struct vnode *vn)
{
    if (vn->lru_prev)
        vn->lru_prev->lru_next = vn->lru_next;
    else if (lru_head == vn)
        lru_head = vn->lru_next;
    if (vn->lru_next)
        vn->lru_next->lru_prev = vn->lru_prev;
    else if (lru_tail == vn)
        lru_tail = vn->lru_prev;
    vn->lru_prev = vn->lru_next = NULL;
}

static void lru_touch(struct vnode *vn)
{
    lru_unlink(vn);
    vn->lru_next = lru_head;
    if (lru_head)
        lru_head->lru_prev = vn;
    lru_head = vn;
    if (!lru_tail)
        lru_tail = vn;
}

void vnode_pages_drop(struct vnode *vn)
{
    for (size_t i = 0; i < vn->npages && vn->cached; i++)
        if (vn->pages[i]) {
            core_page_free(vn->pages[i]);
            vn->pages[i] = NULL;
            vn->cached--;
            cache_pages--;
        }
    lru_unlink(vn);
}

/* Make room for n more pages: other files' first, oldest first. */
static void cache_shrink(struct vnode *vn, size_t n)
{
    if (!cache_limit) {
        cache_limit = core_mem_total_bytes() / 8 / CORE_PAGE_SIZE;
        if (cache_limit > CACHE_MAX_PAGES)
            cache_limit = CACHE_MAX_PAGES;
        if (cache_limit < 64)
            cache_limit = 64;
    }
    while (cache_pages + n > cache_limit && lru_tail) {
        struct vnode *victim = lru_tail != vn ? lru_tail : lru_tail->lru_prev;
        if (!victim)
            victim = vn;
        vnode_pages_drop(victim);
        if (victim == vn)
            break;
    }
}

static int pages_grow(struct vnode *vn, size_t want)
{
    if (want <= vn->npages)
        return 0;
    size_t cap = vn->npages ? vn->npages : 32;
    while (cap < want)
        cap *= 2;
    void **p = core_realloc(vn->pages, cap * sizeof(*p));
    if (!p)
        return -ENOMEM;
    memset(p + vn->npages, 0, (cap - vn->npages) * sizeof(*p));
    vn->pages = p;
    vn->npages = cap;
    return 0;
}

/* Put the reply's bytes into the pages from idx on that are missing. */
static int pages_install(struct vnode *vn, size_t idx, const uint8_t *data, size_t len)
{
    size_t n = CORE_ALIGN_UP(len, CORE_PAGE_SIZE) / CORE_PAGE_SIZE;
    int err = pages_grow(vn, idx + n);
    if (err)
        return err;
    cache_shrink(vn, n);
    for (size_t k = 0; k < n; k++) {
        if (vn->pages[idx + k])
            continue; /* another reader was first */
        void *pg = core_page_alloc();
        if (!pg)
            return -ENOMEM;
        size_t part = len - k * CORE_PAGE_SIZE;
        memcpy(pg, data + k * CORE_PAGE_SIZE, part < CORE_PAGE_SIZE ? part : CORE_PAGE_SIZE);
        vn->pages[idx + k] = pg;
        vn->cached++;
        cache_pages++;
    }
    lru_touch(vn);
    return 0;
}

/* READ size bytes at off into r. */
static int read_call(struct vnode *vn, const struct vfs_open *o, uint64_t off, size_t size,
                     struct vfs_reply *r)
{
    struct fuse_read_in in = {.fh = o->fh, .offset = off, .size = (uint32_t)size};
    return vfs_call(vn->fs, FUSE_READ, vn->nodeid, &in, sizeof(in), NULL, 0, size, r);
}

/* Page idx of the file, read in (with the pages after it) if missing.
 * NULL with *err 0: past the end of the file as the server sees it. */
static void *page_get(struct vnode *vn, const struct vfs_open *o, size_t idx, int *err)
{
    *err = 0;
    if (idx < vn->npages && vn->pages[idx]) {
        lru_touch(vn);
        return vn->pages[idx];
    }
    uint64_t off = (uint64_t)idx * CORE_PAGE_SIZE, size = vn->inode->size;
    size_t want = vn->fs->read_max;
    if (size > off && size - off < want)
        want = CORE_ALIGN_UP(size - off, CORE_PAGE_SIZE);
    struct vfs_reply r;
    *err = read_call(vn, o, off, want, &r);
    if (*err)
        return NULL;
    if (r.len)
        *err = pages_install(vn, idx, r.data, r.len);
    vfs_done(vn->fs, &r);
    if (*err || idx >= vn->npages)
        return NULL;
    return vn->pages[idx]; /* NULL if the reply was empty */
}

static ssize_t read_cached(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    struct vnode *vn = vnode_of(f->inode);
    size_t done = 0;
    int err = 0;
    while (done < len) {
        uint64_t at = *pos + done, size = f->inode->size;
        if (at >= size)
            break;
        void *pg = page_get(vn, f->priv, at / CORE_PAGE_SIZE, &err);
        if (!pg)
            break;
        size_t in = at % CORE_PAGE_SIZE, n = CORE_PAGE_SIZE - in;
        if (n > len - done)
            n = len - done;
        if (n > size - at)
            n = size - at;
        if (core_copy_to_user(uaddr(u_buf.addr + done), (uint8_t *)pg + in, n)) {
            err = -EFAULT;
            break;
        }
        done += n;
    }
    *pos += done;
    return done ? (ssize_t)done : err;
}

static ssize_t read_direct(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    struct vnode *vn = vnode_of(f->inode);
    size_t done = 0;
    int err = 0;
    while (done < len) {
        size_t want = len - done < vn->fs->read_max ? len - done : vn->fs->read_max;
        struct vfs_reply r;
        err = read_call(vn, f->priv, *pos + done, want, &r);
        if (err)
            break;
        size_t got = r.len;
        if (got && core_copy_to_user(uaddr(u_buf.addr + done), r.data, got))
            err = -EFAULT;
        vfs_done(vn->fs, &r);
        if (err || got == 0)
            break;
        done += got;
        if (got < want)
            break;
    }
    *pos += done;
    return done ? (ssize_t)done : err;
}

static ssize_t virtiofs_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    const struct vfs_open *o = f->priv;
    if (!o)
        return -EBADF;
    int err = vnode_getattr(f->inode); /* the size, if its time is up */
    if (err)
        return err;
    if (o->open_flags & FOPEN_DIRECT_IO)
        return read_direct(f, u_buf, len, pos);
    return read_cached(f, u_buf, len, pos);
}

/* ---- open and release ---- */

/* OPEN or OPENDIR nodeid with flags: the server's handle in *o. */
static int open_call(struct vnode *vn, uint32_t opcode, uint32_t flags, struct vfs_open *o)
{
    struct fuse_open_in in = {.flags = flags};
    struct vfs_reply r;
    int err = vfs_call(vn->fs, opcode, vn->nodeid, &in, sizeof(in), NULL, 0,
                       sizeof(struct fuse_open_out), &r);
    if (err)
        return err;
    struct fuse_open_out out;
    memset(&out, 0, sizeof(out));
    memcpy(&out, r.data, r.len < sizeof(out) ? r.len : sizeof(out));
    vfs_done(vn->fs, &r);
    o->fh = out.fh;
    o->open_flags = out.open_flags;
    if (opcode == FUSE_OPEN && !(o->open_flags & FOPEN_KEEP_CACHE)) {
        vnode_pages_drop(vn);
        vn->attr_expires_ns = 0; /* and ask for the size again */
    }
    return 0;
}

static int open_common(struct file *f, uint32_t opcode)
{
    struct vnode *vn = vnode_of(f->inode);
    struct vfs_open *o = core_zalloc(sizeof(*o));
    if (!o)
        return -ENOMEM;
    int err = open_call(vn, opcode,
                        f->flags & (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECTORY |
                                    O_NOFOLLOW), o);
    if (err) {
        core_free(o);
        return err;
    }
    f->priv = o;
    return 0;
}

static int virtiofs_open(struct file *f)
{
    return open_common(f, FUSE_OPEN);
}

static int virtiofs_opendir(struct file *f)
{
    return open_common(f, FUSE_OPENDIR);
}

static void release_call(struct vnode *vn, uint32_t opcode, const struct vfs_open *o,
                         uint32_t flags)
{
    struct fuse_release_in in = {.fh = o->fh, .flags = flags};
    struct vfs_reply r;
    if (!vfs_call(vn->fs, opcode, vn->nodeid, &in, sizeof(in), NULL, 0, 0, &r))
        vfs_done(vn->fs, &r);
}

static void release_common(struct file *f, uint32_t opcode)
{
    struct vfs_open *o = f->priv;
    if (!o)
        return; /* open failed, or O_PATH */
    release_call(vnode_of(f->inode), opcode, o, f->flags & O_ACCMODE);
    core_free(o);
    f->priv = NULL;
}

/* ---- the kernel's reads: exec and file mappings ---- */

/* exec, mappings and overlay copy-up read a file with no open file of
 * their own (a mapping outlives its descriptor): they share one
 * read-only handle per file, opened on first use and released when the
 * mount goes. */
static int kernel_open(struct vnode *vn)
{
    if (vn->kopen)
        return 0;
    struct vfs_open *o = core_zalloc(sizeof(*o));
    if (!o)
        return -ENOMEM;
    int err = open_call(vn, FUSE_OPEN, O_RDONLY, o);
    if (err || vn->kopen) { /* failed, or another task was first */
        if (!err)
            release_call(vn, FUSE_RELEASE, o, O_RDONLY);
        core_free(o);
        return err;
    }
    vn->kopen = o;
    return 0;
}

int virtiofs_open_check(struct inode *ino)
{
    return kernel_open(vnode_of(ino));
}

void vnode_kernel_release(struct vnode *vn)
{
    if (!vn->kopen)
        return;
    release_call(vn, FUSE_RELEASE, vn->kopen, O_RDONLY);
    core_free(vn->kopen);
    vn->kopen = NULL;
}

int virtiofs_data_page(struct inode *ino, uint64_t idx, void **pg)
{
    struct vnode *vn = vnode_of(ino);
    *pg = NULL;
    if (idx >= CORE_ALIGN_UP(ino->size, CORE_PAGE_SIZE) / CORE_PAGE_SIZE)
        return 0; /* past the end: no request */
    int err = kernel_open(vn);
    if (err)
        return err;
    *pg = page_get(vn, vn->kopen, (size_t)idx, &err);
    return err;
}

static void virtiofs_release(struct file *f)
{
    release_common(f, FUSE_RELEASE);
}

static void virtiofs_releasedir(struct file *f)
{
    release_common(f, FUSE_RELEASEDIR);
}

/* ---- listing ---- */

/* Emit the entries of one READDIR reply; false when the caller's
 * buffer is full or the reply is malformed. */
static bool emit_batch(struct dir_ctx *ctx, const uint8_t *p, size_t len, bool *progress)
{
    size_t at = 0;
    while (at + FUSE_NAME_OFFSET <= len) {
        struct fuse_dirent d;
        memcpy(&d, p + at, sizeof(d));
        size_t rec = FUSE_DIRENT_SIZE(&d);
        if (d.namelen == 0 || d.namelen > ABI_NAME_MAX || rec > len - at ||
            d.off + 2 == ctx->pos)
            return false; /* malformed, or no step forward: stop */
        const char *name = (const char *)p + at + FUSE_NAME_OFFSET;
        bool dot = (d.namelen == 1 && name[0] == '.') ||
                   (d.namelen == 2 && name[0] == '.' && name[1] == '.');
        if (dot)
            ctx->pos = d.off + 2;
        else if (!dir_emit(ctx, name, d.namelen, d.ino, (d.type & 15) << 12, d.off + 2))
            return false;
        *progress = true;
        at += rec;
    }
    return true;
}

void virtiofs_iterate(struct inode *dir, struct dir_ctx *ctx)
{
    struct vnode *vn = vnode_of(dir);
    const struct vfs_open *o = ctx->file ? ctx->file->priv : NULL;
    if (!o)
        return;
    /* offsets need not grow (ext4 hashes): bound the batches instead */
    for (int batches = 0; batches < READDIR_MAX_BATCHES; batches++) {
        struct fuse_read_in in = {.fh = o->fh, .offset = ctx->pos - 2,
                                  .size = READDIR_BYTES};
        struct vfs_reply r;
        if (vfs_call(vn->fs, FUSE_READDIR, vn->nodeid, &in, sizeof(in), NULL, 0,
                     READDIR_BYTES, &r))
            return;
        bool progress = false;
        bool more = r.len && emit_batch(ctx, r.data, r.len, &progress);
        vfs_done(vn->fs, &r);
        if (!more || !progress)
            return;
    }
}

static long virtiofs_getdents(struct file *f, uaddr_t u_buf, size_t len)
{
    return vfs_getdents(f, u_buf, len);
}

const struct file_ops virtiofs_reg_ops = {
    .read = virtiofs_read,
    .write = virtiofs_write,
    .fsync = virtiofs_fsync,
    .fallocate = virtiofs_fallocate,
    .open = virtiofs_open,
    .release = virtiofs_release,
    .seekable = true,
};

const struct file_ops virtiofs_dir_ops = {
    .getdents = virtiofs_getdents,
    .open = virtiofs_opendir,
    .release = virtiofs_releasedir,
    .fsync = virtiofs_fsync,
    .seekable = true,
};
