/* tmpfs: directories as name lists, regular files as sparse page arrays.
 *
 * File data sits in 4 KiB pages from core_page_alloc, reached through a
 * two-level table: ino->reg.pages[] holds leaves, each a page of 512 page
 * pointers. A NULL leaf or page is a hole and reads as zeros, so a sparse
 * file costs what was written. Files stop at TMPFS_MAX_SIZE (EFBIG).
 *
 * A directory keeps its entries in creation order, each with a cookie
 * that only grows; getdents64 resumes at the first cookie >= the file
 * position, so removing entries while listing skips nothing that stays.
 */
#include "abi_int.h"

#include <linux/magic.h>

#define LEAF_N (CORE_PAGE_SIZE / sizeof(void *))
#define TMPFS_MAX_SIZE (1ull << 40)

/* ---- directories ---- */

struct inode *tmpfs_dir_lookup(struct inode *dir, const char *name, size_t len)
{
    for (struct dentry *d = dir->dir.head; d; d = d->next)
        if (strlen(d->name) == len && memcmp(d->name, name, len) == 0)
            return d->inode;
    return NULL;
}

int tmpfs_dir_link(struct inode *dir, const char *name, size_t len,
                   struct inode *child)
{
    struct dentry *d = core_malloc(sizeof(*d) + len + 1);
    if (!d)
        return -ENOSPC;
    memcpy(d->name, name, len);
    d->name[len] = 0;
    d->inode = child;
    d->next = NULL;
    d->cookie = dir->dir.next_cookie++;
    if (dir->dir.tail)
        dir->dir.tail->next = d;
    else
        dir->dir.head = d;
    dir->dir.tail = d;
    dir->dir.nentries++;
    if (!child->sb) { /* a new inode joins its first directory's fs */
        child->sb = dir->sb;
        super_get(child->sb);
    }
    if (S_ISDIR(child->mode)) {
        dir->nlink++;
        child->dir.parent = dir;
    }
    inode_touch(dir, true, true);
    return 0;
}

void tmpfs_dir_unlink(struct inode *dir, const char *name, size_t len)
{
    struct dentry *prev = NULL;
    for (struct dentry *d = dir->dir.head; d; prev = d, d = d->next) {
        if (strlen(d->name) != len || memcmp(d->name, name, len) != 0)
            continue;
        if (prev)
            prev->next = d->next;
        else
            dir->dir.head = d->next;
        if (dir->dir.tail == d)
            dir->dir.tail = prev;
        dir->dir.nentries--;
        if (S_ISDIR(d->inode->mode))
            dir->nlink--;
        core_free(d);
        inode_touch(dir, true, true);
        return;
    }
}

/* Entries from ctx->pos on, in cookie order. */
void tmpfs_iterate(struct inode *dir, struct dir_ctx *ctx)
{
    for (struct dentry *d = dir->dir.head; d; d = d->next) {
        if (d->cookie < ctx->pos)
            continue;
        uint64_t next = d->next ? d->next->cookie : dir->dir.next_cookie;
        if (!dir_emit(ctx, d->name, strlen(d->name), d->inode->ino, d->inode->mode, next))
            return;
    }
    if (dir->dir.next_cookie > ctx->pos)
        ctx->pos = dir->dir.next_cookie;
}

/* ---- instances ---- */

struct inode *tmpfs_new_root(const char *type, uint32_t mode)
{
    struct super *sb = super_new(type, TMPFS_MAGIC);
    struct inode *root = sb ? inode_new(S_IFDIR | (mode & 07777)) : NULL;
    if (!root) {
        core_free(sb);
        return NULL;
    }
    root->dir.parent = root;
    root->sb = sb;
    super_get(sb);
    root->refs = 1; /* the mount holds it */
    return root;
}

/* The entry after child's in dir, for walking back up a tree. */
static struct dentry *entry_after(struct inode *dir, struct inode *child)
{
    for (struct dentry *e = dir->dir.head; e; e = e->next)
        if (e->inode == child)
            return e->next;
    return NULL;
}

/* Depth first without recursion (trees can be deep): down through
 * directories, back up by parent pointers. */
bool tmpfs_tree_busy(struct inode *root)
{
    struct inode *cur = root;
    struct dentry *d = root->dir.head;
    for (;;) {
        if (!d) {
            if (cur == root)
                return false;
            d = entry_after(cur->dir.parent, cur);
            cur = cur->dir.parent;
            continue;
        }
        struct inode *c = d->inode;
        if (c->refs || c->covered)
            return true;
        if (inode_is_tmpfs_dir(c) && c->dir.head) {
            cur = c;
            d = c->dir.head;
        } else {
            d = d->next;
        }
    }
}

/* Unlink the first entry of dir, as unlink or rmdir would. */
static void drop_first(struct inode *dir)
{
    struct dentry *d = dir->dir.head;
    struct inode *c = d->inode;
    char name[ABI_NAME_MAX + 1];
    strlcpy(name, d->name, sizeof(name));
    tmpfs_dir_unlink(dir, name, strlen(name));
    if (S_ISDIR(c->mode)) { /* as rmdir: ".." keeps working while held */
        c->nlink = 0;
        inode_get(dir);
        c->dir.parent_held = true;
    } else {
        c->nlink--;
    }
    inode_drop_link(c);
}

void tmpfs_tree_free(struct inode *root)
{
    struct inode *cur = root;
    for (;;) {
        struct dentry *d = cur->dir.head;
        if (!d) {
            if (cur == root)
                return;
            cur = cur->dir.parent; /* cur is now its first empty entry */
            continue;
        }
        if (inode_is_tmpfs_dir(d->inode) && d->inode->dir.head && !d->inode->covered)
            cur = d->inode;
        else
            drop_first(cur);
    }
}

/* ---- regular file data ---- */

static void **page_slot(struct inode *ino, uint64_t idx, bool create)
{
    uint64_t leaf = idx / LEAF_N;
    if (leaf >= ino->reg.npages) {
        if (!create)
            return NULL;
        size_t want = leaf + 1 > ino->reg.npages * 2 ? leaf + 1 : ino->reg.npages * 2;
        void **top = core_realloc(ino->reg.pages, want * sizeof(void *));
        if (!top)
            return NULL;
        memset(top + ino->reg.npages, 0, (want - ino->reg.npages) * sizeof(void *));
        ino->reg.pages = top;
        ino->reg.npages = want;
    }
    void **lp = ino->reg.pages[leaf];
    if (!lp) {
        if (!create)
            return NULL;
        lp = core_page_alloc();
        if (!lp)
            return NULL;
        ino->reg.pages[leaf] = lp;
    }
    return &lp[idx % LEAF_N];
}

static void *page_get(struct inode *ino, uint64_t idx, bool create)
{
    void **slot = page_slot(ino, idx, create);
    if (!slot)
        return NULL;
    if (!*slot && create)
        *slot = core_page_alloc();
    return *slot;
}

void *tmpfs_page(struct inode *ino, uint64_t idx, bool create)
{
    if (idx >= TMPFS_MAX_SIZE / CORE_PAGE_SIZE)
        return NULL;
    return page_get(ino, idx, create);
}

ssize_t tmpfs_read_kernel(struct inode *ino, uint64_t off, void *buf, size_t len)
{
    if (off >= ino->size)
        return 0;
    if (len > ino->size - off)
        len = ino->size - off;
    char *dst = buf;
    for (size_t done = 0; done < len;) {
        uint64_t o = off + done;
        size_t in = o % CORE_PAGE_SIZE, n = CORE_PAGE_SIZE - in;
        if (n > len - done)
            n = len - done;
        char *pg = page_get(ino, o / CORE_PAGE_SIZE, false);
        if (pg)
            memcpy(dst + done, pg + in, n);
        else
            memset(dst + done, 0, n);
        done += n;
    }
    return (ssize_t)len;
}

/* Copy [u_src, +n) to dst up to the first byte that cannot be read and
 * return how many bytes that is. core_copy_from_user only says whether the
 * whole range copied, so on a fault the readable prefix is found by halving
 * (a prefix copies iff all its bytes can be read); each probe copies only
 * what lies past the part already known good. */
static size_t copy_prefix(char *dst, uaddr_t u_src, size_t n)
{
    if (!core_copy_from_user(dst, u_src, n))
        return n;
    size_t good = 0, bad = n; /* [0, good) copied; [0, bad) faults */
    while (bad - good > 1) {
        size_t mid = good + (bad - good) / 2;
        if (!core_copy_from_user(dst + good, uaddr_add(u_src, good), mid - good))
            good = mid;
        else
            bad = mid;
    }
    return good;
}

/* Copy between the file and user or kernel memory; one of u/k is used.
 * A fault part-way through counts what was copied before it, as Linux
 * does: the write returns that count and the size covers it; -EFAULT
 * only when nothing could be copied. */
static ssize_t reg_write(struct inode *ino, uint64_t off, const void *kbuf,
                         uaddr_t u_buf, size_t len)
{
    if (off >= TMPFS_MAX_SIZE)
        return len ? -EFBIG : 0;
    if (len > TMPFS_MAX_SIZE - off)
        len = TMPFS_MAX_SIZE - off;
    size_t done = 0;
    ssize_t err = 0;
    while (done < len) {
        uint64_t o = off + done;
        size_t in = o % CORE_PAGE_SIZE, n = CORE_PAGE_SIZE - in;
        if (n > len - done)
            n = len - done;
        char *pg = page_get(ino, o / CORE_PAGE_SIZE, true);
        if (!pg) {
            err = -ENOSPC;
            break;
        }
        size_t got = n;
        if (kbuf)
            memcpy(pg + in, (const char *)kbuf + done, n);
        else
            got = copy_prefix(pg + in, uaddr_add(u_buf, done), n);
        done += got;
        if (got < n) {
            /* bytes past the end of file stay zero, so a later ftruncate
             * or write past them cannot show what a failed copy left */
            uint64_t end = off + done > ino->size ? off + done : ino->size;
            uint64_t pg_end = o - in + CORE_PAGE_SIZE;
            if (end < pg_end)
                memset(pg + end % CORE_PAGE_SIZE, 0, pg_end - end);
            err = -EFAULT;
            break;
        }
    }
    if (done && off + done > ino->size)
        ino->size = off + done;
    if (done)
        inode_touch(ino, true, true);
    return done ? (ssize_t)done : err;
}

ssize_t tmpfs_write_kernel(struct inode *ino, uint64_t off, const void *buf,
                           size_t len)
{
    return reg_write(ino, off, buf, uaddr(0), len);
}

int tmpfs_truncate(struct inode *ino, uint64_t size)
{
    if (size > TMPFS_MAX_SIZE)
        return -EFBIG;
    if (size < ino->size) {
        uint64_t first = CORE_ALIGN_UP(size, CORE_PAGE_SIZE) / CORE_PAGE_SIZE;
        uint64_t last = CORE_ALIGN_UP(ino->size, CORE_PAGE_SIZE) / CORE_PAGE_SIZE;
        for (uint64_t i = first; i < last; i++) {
            void **slot = page_slot(ino, i, false);
            if (slot && *slot) {
                core_page_free(*slot);
                *slot = NULL;
            }
        }
        char *pg = size % CORE_PAGE_SIZE ? page_get(ino, size / CORE_PAGE_SIZE, false) : NULL;
        if (pg) /* later growth must read zeros past the new end */
            memset(pg + size % CORE_PAGE_SIZE, 0, CORE_PAGE_SIZE - size % CORE_PAGE_SIZE);
    }
    ino->size = size;
    inode_touch(ino, true, true);
    return 0;
}

void tmpfs_free_data(struct inode *ino)
{
    for (size_t l = 0; l < ino->reg.npages; l++) {
        void **lp = ino->reg.pages[l];
        if (!lp)
            continue;
        for (size_t i = 0; i < LEAF_N; i++)
            if (lp[i])
                core_page_free(lp[i]);
        core_page_free(lp);
    }
    core_free(ino->reg.pages);
    ino->reg.pages = NULL;
    ino->reg.npages = 0;
    ino->size = 0;
}

static ssize_t reg_read_user(struct file *f, uaddr_t u_buf, size_t len,
                             uint64_t *pos)
{
    struct inode *ino = f->inode;
    if (*pos >= ino->size)
        return 0;
    if (len > ino->size - *pos)
        len = ino->size - *pos;
    size_t done = 0;
    while (done < len) {
        uint64_t o = *pos + done;
        size_t in = o % CORE_PAGE_SIZE, n = CORE_PAGE_SIZE - in;
        if (n > len - done)
            n = len - done;
        char *pg = page_get(ino, o / CORE_PAGE_SIZE, false);
        int err = pg ? core_copy_to_user(uaddr_add(u_buf, done), pg + in, n)
                     : core_clear_user(uaddr_add(u_buf, done), n);
        if (err)
            break;
        done += n;
    }
    if (done == 0 && len)
        return -EFAULT;
    *pos += done;
    return (ssize_t)done;
}

static ssize_t reg_write_user(struct file *f, uaddr_t u_buf, size_t len,
                              uint64_t *pos)
{
    if (f->flags & O_APPEND)
        *pos = f->inode->size;
    ssize_t n = reg_write(f->inode, *pos, NULL, u_buf, len);
    if (n > 0)
        *pos += (uint64_t)n;
    return n;
}

const struct file_ops tmpfs_reg_ops = {
    .read = reg_read_user,
    .write = reg_write_user,
    .seekable = true,
};

/* No poll op for either, as Linux's: poll() sees them always ready, and
 * epoll refuses them (EPERM). */
const struct file_ops tmpfs_dir_ops = {
    .getdents = vfs_getdents,
    .seekable = true,
};
