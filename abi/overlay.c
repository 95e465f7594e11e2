/* overlay: a writable, guest-private view of a directory that is never
 * written (a read-only virtio-fs share, or any directory).
 *
 * `mount -t overlay none DIR -o lowerdir=LOWER` (or overlay_mount() at
 * boot) puts over DIR a tree that starts as LOWER and takes every change
 * in memory: nothing is sent to LOWER's filesystem, and the changes go
 * with the VM. Unlike Linux's overlayfs there is no upperdir: the upper
 * layer is always this in-memory tree (upperdir= and workdir= are
 * refused rather than ignored).
 *
 * The mechanism is a tmpfs whose directories fill themselves from below.
 * An overlay directory keeps its names in dir.head as tmpfs does
 * (keeps_names), so every namespace call works on it unchanged; a name
 * it does not have yet is looked up in its lower directory and, if
 * there, "materialized": an inode of the overlay is made for it and
 * linked in. A lower directory becomes an overlay directory over it; a
 * lower regular file an overlay file that reads the lower's pages until
 * its first write (copy-up, of the whole file, into tmpfs pages of the
 * same inode, which then is a plain tmpfs file); a symlink or device is
 * copied at once. Attributes are copied when materialized and then the
 * overlay's own (chmod needs no copy-up). Directories made in the
 * overlay are plain tmpfs: opaque, with nothing below.
 *
 * Removing a name from an overlay directory leaves a whiteout (a name
 * the lower layer must no longer show), kept in the directory's private
 * list, never on disk. Listing or an emptiness check (rmdir, rename
 * over a directory) first materializes every lower name not whited out,
 * so the tmpfs list is the merged directory. A renamed directory takes
 * its lower directory along (Linux's redirect_dir), so no EXDEV.
 *
 * Costs: one lower lookup per name touched, and per entry on a first
 * listing; a whiteout per distinct name removed (never freed before the
 * unmount). Lower files that change after being materialized are not
 * seen again: the overlay is a snapshot as far as it has looked.
 */
#include "abi_int.h"

#include <linux/magic.h>

struct whiteout {
    struct whiteout *next;
    size_t len;
    char name[];
};

/* An overlay inode's private part: what it lies over. */
struct ovl_node {
    struct inode *lower; /* referenced */
    struct whiteout *whiteouts; /* directories */
    bool filled;                /* directories: every lower name is in the list */
};

static const struct inode_ops ovl_dir_iops, ovl_reg_iops;
static const struct file_ops ovl_reg_ops;

static struct ovl_node *node_of(const struct inode *ino)
{
    return ino->priv;
}

/* ---- whiteouts ---- */

static bool whiteout_find(const struct ovl_node *on, const char *name, size_t len)
{
    for (const struct whiteout *w = on->whiteouts; w; w = w->next)
        if (w->len == len && !memcmp(w->name, name, len))
            return true;
    return false;
}

static void ovl_name_removed(struct inode *dir, const char *name, size_t len)
{
    struct ovl_node *on = node_of(dir);
    if (!on->lower || whiteout_find(on, name, len))
        return;
    struct whiteout *w = core_malloc(sizeof(*w) + len);
    if (!w) {
        /* Without memory for the whiteout the lower name would come back:
         * stop asking the lower directory at all rather than show it. */
        on->filled = true;
        return;
    }
    w->len = len;
    memcpy(w->name, name, len);
    w->next = on->whiteouts;
    on->whiteouts = w;
}

/* ---- materializing lower entries ---- */

/* The child of a lower directory, borrowed, or NULL. */
static struct inode *lower_child(struct inode *dir, const char *name, size_t len)
{
    if (!S_ISDIR(dir->mode))
        return NULL;
    if (!dir->iops)
        return tmpfs_dir_lookup(dir, name, len);
    return dir->iops->lookup ? dir->iops->lookup(dir, name, len) : NULL;
}

static struct ovl_node *node_new(struct inode *ino, struct inode *lower,
                                 const struct inode_ops *iops)
{
    struct ovl_node *on = core_zalloc(sizeof(*on));
    if (!on)
        return NULL;
    on->lower = lower;
    inode_get(lower);
    ino->priv = on;
    ino->iops = iops;
    return on;
}

/* A new overlay inode standing for lower inode lc (not linked yet). */
static struct inode *inode_over(struct inode *lc)
{
    struct inode *ino = inode_new(lc->mode & (S_IFMT | 07777));
    if (!ino)
        return NULL;
    ino->uid = lc->uid;
    ino->gid = lc->gid;
    ino->atime_ns = lc->atime_ns;
    ino->mtime_ns = lc->mtime_ns;
    ino->ctime_ns = lc->ctime_ns;
    ino->rdev_major = lc->rdev_major;
    ino->rdev_minor = lc->rdev_minor;
    bool ok = true;
    if (S_ISDIR(lc->mode)) {
        ok = node_new(ino, lc, &ovl_dir_iops) != NULL;
    } else if (S_ISREG(lc->mode)) {
        ok = inode_has_data(lc) && node_new(ino, lc, &ovl_reg_iops) != NULL;
        ino->fops = &ovl_reg_ops;
        ino->size = lc->size;
    } else if (S_ISLNK(lc->mode)) {
        char *buf = core_malloc(ABI_PATH_MAX);
        long n = buf ? vfs_readlink(lc, buf, ABI_PATH_MAX - 1) : -ENOMEM;
        ok = n > 0;
        if (ok) {
            buf[n] = 0;
            ino->lnk.target = buf;
            ino->size = (uint64_t)n;
            buf = NULL;
        }
        core_free(buf);
    } else if (S_ISCHR(lc->mode)) {
        ino->fops = devfs_fops(lc->rdev_major, lc->rdev_minor);
    }
    if (!ok) {
        ino->nlink = 0;
        inode_drop_link(ino);
        return NULL;
    }
    return ino;
}

/* Link a new inode for lower child lc into dir as name; dir's times stay
 * (materializing is not a change). */
static struct inode *materialize(struct inode *dir, const char *name, size_t len,
                                 struct inode *lc)
{
    struct inode *ino = inode_over(lc);
    if (!ino)
        return NULL;
    uint64_t m = dir->mtime_ns, c = dir->ctime_ns;
    if (tmpfs_dir_link(dir, name, len, ino)) {
        ino->nlink = 0;
        inode_drop_link(ino);
        return NULL;
    }
    dir->mtime_ns = m;
    dir->ctime_ns = c;
    return ino;
}

static struct inode *ovl_lookup(struct inode *dir, const char *name, size_t len)
{
    struct inode *hit = tmpfs_dir_lookup(dir, name, len);
    struct ovl_node *on = node_of(dir);
    if (hit || !on->lower || on->filled || whiteout_find(on, name, len))
        return hit;
    inode_get(dir); /* the lower lookup may sleep */
    struct inode *lc = lower_child(on->lower, name, len);
    /* meanwhile another task may have made, removed or filled the name */
    hit = tmpfs_dir_lookup(dir, name, len);
    if (!hit && lc && dir->nlink && !on->filled && !whiteout_find(on, name, len))
        hit = materialize(dir, name, len, lc);
    inode_put(dir);
    return hit;
}

/* ---- merged listings ---- */

struct name_list {
    struct whiteout *head; /* reused as a plain list of names */
    bool oom;
};

static bool name_ok(const char *name, size_t len)
{
    if (len == 0 || len > ABI_NAME_MAX || memchr(name, '/', len) || memchr(name, 0, len))
        return false;
    return !(len == 1 && name[0] == '.') && !(len == 2 && name[0] == '.' && name[1] == '.');
}

static bool collect(void *ctx, const char *name, size_t len, uint32_t type)
{
    struct name_list *l = ctx;
    if (!name_ok(name, len)) /* a hostile or broken lower: skip it */
        return true;
    struct whiteout *n = core_malloc(sizeof(*n) + len);
    if (!n) {
        l->oom = true;
        return false;
    }
    n->len = len;
    memcpy(n->name, name, len);
    n->next = l->head;
    l->head = n;
    return true;
}

/* Materialize every lower name not whited out: then dir's own list is
 * the merged directory. */
static int ovl_fill_names(struct inode *dir)
{
    struct ovl_node *on = node_of(dir);
    if (!on->lower || on->filled)
        return 0;
    struct name_list l = {0};
    inode_get(dir);
    int err = vfs_dir_list(on->lower, collect, &l);
    if (!err && l.oom)
        err = -ENOMEM;
    bool missing = false;
    for (struct whiteout *n = l.head, *next; n; n = next) {
        next = n->next;
        if (!err && !ovl_lookup(dir, n->name, n->len) && !whiteout_find(on, n->name, n->len))
            missing = true; /* gone from below meanwhile, or no memory */
        core_free(n);
    }
    if (!err && missing)
        err = -ENOMEM;
    if (!err)
        on->filled = true;
    inode_put(dir);
    return err;
}

static void ovl_iterate(struct inode *dir, struct dir_ctx *ctx)
{
    if (ovl_fill_names(dir))
        return; /* an empty listing rather than a partial one */
    tmpfs_iterate(dir, ctx);
}

/* ---- files: reads from below until the first write ---- */

static int ovl_data_page(struct inode *ino, uint64_t idx, void **pg)
{
    struct inode *lower = node_of(ino)->lower;
    *pg = NULL;
    if (idx >= CORE_ALIGN_UP(ino->size, CORE_PAGE_SIZE) / CORE_PAGE_SIZE)
        return 0; /* truncated in the overlay */
    if (!lower->iops) {
        *pg = tmpfs_page(lower, idx, false);
        return 0;
    }
    return lower->iops->data_page(lower, idx, pg);
}

int overlay_copy_up(struct inode *ino)
{
    if (ino->iops != &ovl_reg_iops)
        return 0;
    struct inode *lower = node_of(ino)->lower;
    /* Copy into a scratch inode (reads may sleep, and another task may
     * copy up the same file meanwhile), then move its pages over. */
    struct inode *tmp = inode_new(S_IFREG);
    if (!tmp)
        return -ENOMEM;
    inode_get(ino);
    uint64_t size = ino->size, pages = CORE_ALIGN_UP(size, CORE_PAGE_SIZE) / CORE_PAGE_SIZE;
    int err = 0;
    for (uint64_t i = 0; i < pages && !err; i++) {
        void *src, *dst;
        err = vfs_file_page(lower, i, false, &src);
        if (err || !src)
            continue; /* a hole, or the end of a shorter lower file */
        dst = tmpfs_page(tmp, i, true);
        if (dst) {
            size_t n = size - i * CORE_PAGE_SIZE < CORE_PAGE_SIZE
                           ? (size_t)(size - i * CORE_PAGE_SIZE) : CORE_PAGE_SIZE;
            memcpy(dst, src, n); /* past the end stays zero */
        }
        core_page_free(src);
        err = dst ? 0 : -ENOSPC;
    }
    if (!err && ino->iops == &ovl_reg_iops) {
        struct ovl_node *on = node_of(ino);
        ino->reg = tmp->reg; /* the pages change hands */
        tmp->reg.pages = NULL;
        tmp->reg.npages = 0;
        ino->iops = NULL;
        ino->fops = &tmpfs_reg_ops;
        ino->priv = NULL;
        inode_put(on->lower);
        core_free(on);
    }
    tmp->nlink = 0;
    inode_drop_link(tmp);
    inode_put(ino);
    return err;
}

/* Open files of an overlay file keep these ops after a copy-up, so they
 * follow the inode to tmpfs's data. */
static ssize_t ovl_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    if (f->inode->iops == &ovl_reg_iops)
        return vfs_read_user(f->inode, u_buf, len, pos);
    return tmpfs_reg_ops.read(f, u_buf, len, pos);
}

static ssize_t ovl_write(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    int err = overlay_copy_up(f->inode);
    return err ? err : tmpfs_reg_ops.write(f, u_buf, len, pos);
}

/* Reading opens nothing here (reads go to the lower file through the
 * kernel's handle), but the lower filesystem may refuse (a host file the
 * server may not read): say so at open, as Linux's overlayfs does. */
static int ovl_open(struct file *f)
{
    if (FILE_WRITABLE(f))
        return overlay_copy_up(f->inode);
    struct ovl_node *on = node_of(f->inode);
    struct inode *lower = f->inode->iops == &ovl_reg_iops && on ? on->lower : NULL;
    if (lower && lower->iops && lower->iops->open_check && !(f->flags & O_PATH))
        return lower->iops->open_check(lower);
    return 0;
}

static void ovl_evict(struct inode *ino)
{
    struct ovl_node *on = node_of(ino);
    if (on) {
        for (struct whiteout *w = on->whiteouts, *n; w; w = n) {
            n = w->next;
            core_free(w);
        }
        inode_put(on->lower);
        core_free(on);
        ino->priv = NULL;
    }
    tmpfs_evict(ino); /* entries, or pages of a truncated file */
}

/* A directory with a lower one shows the lower's size, and a link count
 * of 1 as Linux's overlayfs does for merged directories: its own count
 * grows as names are filled in, which tar would take for the directory
 * changing, and 1 tells find not to count on it. */
static void ovl_dir_stat_view(const struct inode *ino, uint64_t *size, uint32_t *nlink)
{
    const struct ovl_node *on = node_of(ino);
    if (!on || !on->lower || ino->nlink == 0)
        return;
    *size = on->lower->size;
    *nlink = 1;
}

static const struct inode_ops ovl_dir_iops = {
    .stat_view = ovl_dir_stat_view,
    .lookup = ovl_lookup,
    .iterate = ovl_iterate,
    .evict = ovl_evict,
    .name_removed = ovl_name_removed,
    .fill_names = ovl_fill_names,
    .keeps_names = true,
};

static const struct inode_ops ovl_reg_iops = {
    .evict = ovl_evict,
    .data_page = ovl_data_page,
};

static const struct file_ops ovl_reg_ops = {
    .read = ovl_read,
    .write = ovl_write,
    .open = ovl_open,
    .seekable = true,
};

/* ---- instances ---- */

struct inode *overlay_new_root(struct inode *lower, int *err)
{
    *err = -ENOTDIR;
    if (!S_ISDIR(lower->mode))
        return NULL;
    *err = -ENOMEM;
    struct inode *root = tmpfs_new_root("overlay", lower->mode & 07777);
    if (!root)
        return NULL;
    root->sb->magic = OVERLAYFS_SUPER_MAGIC;
    root->uid = lower->uid;
    root->gid = lower->gid;
    root->mtime_ns = lower->mtime_ns;
    if (!node_new(root, lower, &ovl_dir_iops)) {
        root->nlink = 0;
        inode_put(root);
        return NULL;
    }
    *err = 0;
    return root;
}

bool overlay_is_root(const struct inode *root)
{
    return root->iops == &ovl_dir_iops && root->mnt_root;
}

int overlay_mount(struct inode *lower_root, const char *target)
{
    struct lookup lk;
    int err = vfs_lookup_in(vfs_root, target, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &lk);
    if (err)
        return err;
    struct inode *root = overlay_new_root(lower_root, &err);
    if (root)
        err = vfs_mount_root(lk.inode, root, "overlay", 0);
    lookup_release(&lk);
    return err;
}
