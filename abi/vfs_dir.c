/* Directory listing for every filesystem, and names for inodes and files.
 *
 * getdents64 is one loop here: "." and ".." at positions 0 and 1, then the
 * filesystem's iterate op from position 2 on, which calls dir_emit for
 * each entry until the buffer is full. Each record carries the position
 * of the entry after it, so a listing resumes where it stopped.
 *
 * Files keep no path: readlink of /proc/PID/fd/N finds one when asked, by
 * searching the tree of tmpfs directories (crossing mounts) for a dentry
 * that names the inode. That costs a walk of the tree, for a rare call,
 * and follows renames as Linux does.
 */
#include "abi_int.h"

#define GETDENTS_MAX 65536

/* One linux_dirent64 record: d_ino, d_off, d_reclen, d_type, name. */
bool dir_emit(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino,
              uint32_t mode, uint64_t next_pos)
{
    size_t reclen = CORE_ALIGN_UP(19 + len + 1, 8);
    if (reclen > ctx->cap - ctx->used) {
        ctx->full = true;
        return false;
    }
    char *buf = ctx->buf + ctx->used;
    uint16_t rl = (uint16_t)reclen;
    uint8_t t = (uint8_t)((mode >> 12) & 15); /* DT_* is S_IFMT >> 12 */
    memset(buf, 0, reclen);
    memcpy(buf, &ino, 8);
    memcpy(buf + 8, &next_pos, 8);
    memcpy(buf + 16, &rl, 2);
    memcpy(buf + 18, &t, 1);
    memcpy(buf + 19, name, len);
    ctx->used += reclen;
    ctx->pos = next_pos;
    return true;
}

static void dir_fill(struct inode *dir, struct dir_ctx *ctx)
{
    if (ctx->pos == 0 && !dir_emit(ctx, ".", 1, dir->ino, S_IFDIR, 1))
        return;
    if (ctx->pos == 1) {
        struct inode *up = mount_point_of(dir);
        up = up->dir.parent ? mount_cross(up->dir.parent) : dir;
        if (!dir_emit(ctx, "..", 2, up->ino, S_IFDIR, 2))
            return;
    }
    if (dir->iops && dir->iops->iterate)
        dir->iops->iterate(dir, ctx);
    else if (!dir->iops)
        tmpfs_iterate(dir, ctx);
}

long vfs_getdents(struct file *f, uaddr_t u_buf, size_t len)
{
    if (!core_user_range_ok(u_buf, len))
        return -EFAULT;
    if (f->inode->nlink == 0) /* removed */
        return 0;
    struct dir_ctx ctx = {.file = f, .pos = f->pos};
    ctx.cap = len < GETDENTS_MAX ? len : GETDENTS_MAX;
    ctx.buf = core_malloc(ctx.cap ? ctx.cap : 1);
    if (!ctx.buf)
        return -ENOMEM;
    dir_fill(f->inode, &ctx);
    long ret = ctx.used ? (long)ctx.used : ctx.full ? -EINVAL : 0;
    if (ctx.used && core_copy_to_user(u_buf, ctx.buf, ctx.used))
        ret = -EFAULT;
    else
        f->pos = ctx.pos;
    core_free(ctx.buf);
    return ret;
}

#define LIST_BUF 8192

/* Hand each linux_dirent64 record of buf[0, used) to fn: false to stop. */
static bool list_records(const char *buf, size_t used,
                         bool (*fn)(void *, const char *, size_t, uint32_t), void *ctx)
{
    for (size_t at = 0; at + 19 < used;) {
        uint16_t reclen;
        memcpy(&reclen, buf + at + 16, 2);
        const char *name = buf + at + 19;
        size_t len = strnlen(name, reclen - 19);
        if (!fn(ctx, name, len, (uint32_t)(uint8_t)buf[at + 18] << 12))
            return false;
        at += reclen;
    }
    return true;
}

int vfs_dir_list(struct inode *dir,
                 bool (*fn)(void *ctx, const char *name, size_t len, uint32_t type),
                 void *ctx)
{
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    struct file *f = file_new(dir, O_RDONLY | O_DIRECTORY);
    char *buf = core_malloc(LIST_BUF);
    int err = f && buf ? 0 : -ENOMEM;
    if (!err && f->ops && f->ops->open)
        err = f->ops->open(f);
    struct dir_ctx c = {.file = f, .pos = 2, .buf = buf, .cap = LIST_BUF};
    while (!err) {
        uint64_t before = c.pos;
        c.used = 0;
        c.full = false;
        if (dir->iops && dir->iops->iterate)
            dir->iops->iterate(dir, &c);
        else if (!dir->iops)
            tmpfs_iterate(dir, &c);
        if (!c.used || !list_records(buf, c.used, fn, ctx) || c.pos == before || !c.full)
            break; /* the end, fn stopped, or no step forward */
    }
    core_free(buf);
    file_put(f);
    return err;
}

/* ---- names ---- */

/* dir/name into buf at the end of a path of `dlen` bytes (NUL included). */
static long path_join(char *buf, size_t size, long dlen, const char *name)
{
    size_t n = strlen(name), at = (size_t)dlen - 1; /* over the NUL */
    if (at == 1)
        at = 0; /* the root: "/" + name */
    if (at + 1 + n + 1 > size)
        return -ENAMETOOLONG;
    buf[at] = '/';
    memcpy(buf + at + 1, name, n + 1);
    return (long)(at + 1 + n + 1);
}

/* Depth first over tmpfs directories from root for a dentry naming ino;
 * the directory that holds it into *dir and its name into *name. */
static bool find_entry(struct inode *root, struct inode *ino, struct inode **dir,
                       const char **name)
{
    struct inode *cur = root;
    struct dentry *d = root->dir.head;
    for (;;) {
        if (!d) {
            if (cur == root)
                return false;
            struct inode *up = cur->mnt_root ? cur->mnt_root->point : cur;
            struct inode *parent = up->dir.parent;
            d = NULL;
            for (struct dentry *e = parent->dir.head; e; e = e->next)
                if (e->inode == up) {
                    d = e->next;
                    break;
                }
            cur = parent;
            continue;
        }
        if (d->inode == ino) {
            *dir = cur;
            *name = d->name;
            return true;
        }
        struct inode *c = S_ISDIR(d->inode->mode) ? mount_cross(d->inode) : NULL;
        if (c && inode_is_tmpfs_dir(c) && c->dir.head) {
            cur = c;
            d = c->dir.head;
        } else {
            d = d->next;
        }
    }
}

long vfs_inode_path(struct inode *ino, char *buf, size_t size)
{
    if (S_ISDIR(ino->mode))
        return vfs_dir_path(ino, buf, size);
    struct inode *dir;
    const char *name;
    if (ino->nlink == 0 || !find_entry(mount_cross(vfs_root), ino, &dir, &name))
        return -ENOENT;
    long n = vfs_dir_path(dir, buf, size);
    return n < 0 ? n : path_join(buf, size, n, name);
}

long file_path(struct file *f, char *buf, size_t size)
{
    struct inode *ino = f->inode;
    int n;
    if (f->ops && f->ops->anon_name)
        n = snprintf(buf, size, "anon_inode:%s", f->ops->anon_name);
    else if (S_ISFIFO(ino->mode))
        n = snprintf(buf, size, "pipe:[%llu]", (unsigned long long)ino->ino);
    else if (S_ISSOCK(ino->mode))
        n = snprintf(buf, size, "socket:[%llu]", (unsigned long long)ino->ino);
    else if (ino == console_inode())
        n = snprintf(buf, size, "/dev/console");
    else if (ino->nlink == 0 && !S_ISDIR(ino->mode))
        n = snprintf(buf, size, "/ (deleted)"); /* the name is gone with it */
    else
        return vfs_inode_path(ino, buf, size);
    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : n + 1;
}
