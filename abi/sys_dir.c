/* Namespace syscalls: mkdir, rmdir, unlink, rename, link, symlink,
 * readlink, getcwd, chdir.
 *
 * Each resolves the parent directory and the last name (LOOKUP_PARENT),
 * checks every rule, and only then edits the directories. A rename links
 * the new name first (the one step that can fail, for memory) and then
 * drops the replaced entry and the old name.
 */
#include "abi_int.h"
#include "sys.h"

#include <linux/fs.h>

static bool is_dot(const struct lookup *lk)
{
    return (lk->last_len == 1 && lk->last[0] == '.') ||
           (lk->last_len == 2 && lk->last[0] == '.' && lk->last[1] == '.');
}

/* Resolve a user path with LOOKUP_PARENT; frees the path copy. */
static long parent_lookup(int dirfd, uaddr_t u_path, struct lookup *lk)
{
    char *path;
    memset(lk, 0, sizeof(*lk));
    long ret = path_from_user(u_path, &path);
    if (ret < 0)
        return ret;
    ret = vfs_lookup_at(dirfd, path, LOOKUP_PARENT, lk);
    core_free(path);
    return ret;
}

/* Whether names can be added to or removed from dir: only tmpfs keeps
 * names (Linux's /proc refuses new ones with ENOENT, removal with EPERM),
 * and not on a read-only mount. */
static long dir_check(struct inode *dir, long synthetic)
{
    if (mount_readonly(dir)) /* first: a read-only virtio-fs is EROFS, as Linux */
        return -EROFS;
    return inode_is_tmpfs_dir(dir) || inode_fs_names(dir) ? 0 : synthetic;
}

/* Make lk's last name in a directory whose server keeps the names. */
static long fs_make(struct lookup *lk, uint32_t mode, const char *target)
{
    struct inode *ino;
    long err = lk->parent->nlink == 0 ? -ENOENT : dir_check(lk->parent, -ENOENT);
    if (!err)
        err = lk->parent->iops->mknod(lk->parent, lk->last, lk->last_len, mode, 0,
                                      target, &ino, NULL);
    if (!err)
        inode_put(ino);
    return err;
}

/* A name left dir: a layer below it must not show it again (overlay). */
static void name_removed(struct inode *dir, const char *name, size_t len)
{
    if (dir->iops && dir->iops->name_removed)
        dir->iops->name_removed(dir, name, len);
}

/* Before an emptiness check: every entry of dir in its list (overlay). */
static long dir_fill(struct inode *dir)
{
    return dir->iops && dir->iops->fill_names ? dir->iops->fill_names(dir) : 0;
}

static long make_node(struct lookup *lk, struct inode *ino)
{
    long err = lk->parent->nlink == 0 ? -ENOENT : dir_check(lk->parent, -ENOENT);
    if (err) {
        ino->nlink = 0;
        inode_drop_link(ino);
        return err;
    }
    err = tmpfs_dir_link(lk->parent, lk->last, lk->last_len, ino);
    if (err) {
        ino->nlink = 0;
        inode_drop_link(ino);
    }
    return err;
}

long sys_mkdirat(int dirfd, uaddr_t u_path, uint32_t mode)
{
    struct lookup lk;
    long ret = parent_lookup(dirfd, u_path, &lk);
    if (ret)
        goto out;
    if (lk.inode || lk.last_len == 0 || is_dot(&lk)) {
        ret = -EEXIST;
        goto out;
    }
    if (inode_fs_names(lk.parent)) {
        ret = fs_make(&lk, S_IFDIR | (mode & 07777 & ~abi_proc->umask), NULL);
        goto out;
    }
    struct inode *d = inode_new(S_IFDIR | (mode & 07777 & ~abi_proc->umask));
    ret = d ? make_node(&lk, d) : -ENOMEM;
out:
    lookup_release(&lk);
    return ret;
}

long sys_mkdir(uaddr_t u_path, uint32_t mode)
{
    return sys_mkdirat(AT_FDCWD, u_path, mode);
}

/* unlink or rmdir where the server keeps the names: it checks emptiness. */
static long fs_remove(struct lookup *lk, bool dir)
{
    struct inode *c = lk->inode;
    long err = lk->parent->iops->remove(lk->parent, lk->last, lk->last_len, c, dir);
    if (err)
        return err;
    c->nlink = dir || c->nlink == 0 ? 0 : c->nlink - 1;
    return 0; /* lookup_release drops the last reference */
}

static long remove_entry(struct lookup *lk, bool dir)
{
    struct inode *c = lk->inode;
    if (dir) {
        /* the name first, as Linux: "." is EINVAL and ".." ENOTEMPTY
         * even where they name the root; only "/" itself is EBUSY */
        if (lk->last_len == 1 && lk->last[0] == '.')
            return -EINVAL;
        if (is_dot(lk))
            return -ENOTEMPTY;
        if (lk->last_len == 0 || c == vfs_root || (c && c->mnt_root))
            return -EBUSY;
        if (!c)
            return -ENOENT;
        if (!S_ISDIR(c->mode))
            return -ENOTDIR;
        if (c->covered)
            return -EBUSY;
        if (mount_readonly(lk->parent))
            return -EROFS;
        if (inode_fs_names(lk->parent))
            return fs_remove(lk, true);
        if (!inode_is_tmpfs_dir(c))
            return -EPERM;
        long err = dir_fill(c);
        if (err)
            return err;
        if (c->dir.nentries)
            return -ENOTEMPTY;
    } else {
        if (lk->last_len == 0 || is_dot(lk))
            return -EISDIR;
        if (!c)
            return -ENOENT;
        if (S_ISDIR(c->mode))
            return -EISDIR;
        if (lk->trailing_slash)
            return -ENOTDIR;
        if (inode_fs_names(lk->parent) && !mount_readonly(lk->parent))
            return fs_remove(lk, false);
    }
    long err = dir_check(lk->parent, -EPERM);
    if (err)
        return err;
    tmpfs_dir_unlink(lk->parent, lk->last, lk->last_len);
    name_removed(lk->parent, lk->last, lk->last_len);
    c->nlink = dir ? 0 : c->nlink - 1;
    if (dir) { /* ".." of a removed cwd still works, as on Linux */
        inode_get(lk->parent);
        c->dir.parent_held = true;
    }
    inode_touch(c, false, true);
    return 0; /* lookup_release drops the last reference */
}

long sys_unlinkat(int dirfd, uaddr_t u_path, int flags)
{
    struct lookup lk;
    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    long ret = parent_lookup(dirfd, u_path, &lk);
    if (!ret)
        ret = remove_entry(&lk, flags & AT_REMOVEDIR);
    lookup_release(&lk);
    return ret;
}

long sys_unlink(uaddr_t u_path)
{
    return sys_unlinkat(AT_FDCWD, u_path, 0);
}

long sys_rmdir(uaddr_t u_path)
{
    return sys_unlinkat(AT_FDCWD, u_path, AT_REMOVEDIR);
}

static bool is_ancestor(struct inode *anc, struct inode *d)
{
    for (; d; d = d->dir.parent) {
        if (d == anc)
            return true;
        if (d == vfs_root || d->dir.parent == d) /* a filesystem's root */
            break;
    }
    return false;
}

/* Linux's checks, in its order; where the server keeps the names it
 * checks the types and emptiness itself. 1: the same file, nothing to do. */
static long rename_check(struct lookup *o, struct lookup *n, unsigned flags)
{
    if (o->last_len == 0 || is_dot(o) || n->last_len == 0 || is_dot(n))
        return -EBUSY;
    struct inode *src = o->inode, *dst = n->inode;
    if (!src)
        return -ENOENT;
    if (!S_ISDIR(src->mode) && (o->trailing_slash || n->trailing_slash))
        return -ENOTDIR;
    if (n->parent->nlink == 0 || ((flags & RENAME_EXCHANGE) && !dst))
        return -ENOENT;
    if (dst && (flags & RENAME_NOREPLACE))
        return -EEXIST;
    if (src->mnt_root || src->covered || (dst && (dst->mnt_root || dst->covered)))
        return -EBUSY;
    if (o->parent->sb != n->parent->sb)
        return -EXDEV;
    long err = dir_check(o->parent, -ENOENT);
    if (!err)
        err = dir_check(n->parent, -ENOENT);
    if (err)
        return err;
    if (src == dst)
        return 1; /* same file: nothing to do */
    if (S_ISDIR(src->mode) && is_ancestor(src, n->parent))
        return -EINVAL;
    if (dst && S_ISDIR(dst->mode) && (flags & RENAME_EXCHANGE) &&
        is_ancestor(dst, o->parent))
        return -EINVAL;
    if (inode_fs_names(o->parent))
        return 0;
    if (dst && S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
        return -ENOTDIR;
    if (dst && !S_ISDIR(src->mode) && S_ISDIR(dst->mode))
        return -EISDIR;
    if (dst && S_ISDIR(dst->mode) && (err = dir_fill(dst)))
        return err;
    if (dst && S_ISDIR(dst->mode) && (dst->dir.nentries || dst == vfs_root))
        return dst == vfs_root ? -EBUSY : -ENOTEMPTY;
    return 0;
}

/* rename where the server keeps the names, after rename_check. */
static long fs_rename(struct lookup *o, struct lookup *n, unsigned flags)
{
    struct inode *src = o->inode, *dst = n->inode;
    long err = o->parent->iops->rename(o->parent, o->last, o->last_len, n->parent,
                                       n->last, n->last_len, flags);
    if (err)
        return err;
    if (S_ISDIR(src->mode))
        src->dir.parent = n->parent;
    if (dst && (flags & RENAME_EXCHANGE)) {
        if (S_ISDIR(dst->mode))
            dst->dir.parent = o->parent;
    } else if (dst) {
        dst->nlink = S_ISDIR(dst->mode) || dst->nlink == 0 ? 0 : dst->nlink - 1;
    }
    return 0;
}

long sys_renameat2(int olddirfd, uaddr_t u_old, int newdirfd, uaddr_t u_new,
                   unsigned flags)
{
    struct lookup o, n;
    memset(&n, 0, sizeof(n));
    if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
        (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE))
        return -EINVAL; /* RENAME_WHITEOUT: not supported */
    long ret = parent_lookup(olddirfd, u_old, &o);
    if (!ret)
        ret = parent_lookup(newdirfd, u_new, &n);
    if (!ret && (flags & RENAME_EXCHANGE) && !inode_fs_names(o.parent))
        ret = -EINVAL; /* tmpfs: not yet */
    if (!ret)
        ret = rename_check(&o, &n, flags);
    if (!ret && inode_fs_names(o.parent))
        ret = fs_rename(&o, &n, flags);
    if (ret || inode_fs_names(o.parent))
        goto out;
    struct inode *src = o.inode, *dst = n.inode;
    ret = tmpfs_dir_link(n.parent, n.last, n.last_len, src);
    if (ret)
        goto out;
    if (dst) { /* the older entry of that name is the one replaced */
        tmpfs_dir_unlink(n.parent, n.last, n.last_len);
        dst->nlink = S_ISDIR(dst->mode) ? 0 : dst->nlink - 1;
        if (S_ISDIR(dst->mode)) { /* like rmdir: ".." keeps working */
            inode_get(n.parent);
            dst->dir.parent_held = true;
        }
        inode_touch(dst, false, true);
    }
    /* Linking a directory moved its parent pointer; unlink fixes counts. */
    struct inode *keep_parent = S_ISDIR(src->mode) ? src->dir.parent : NULL;
    tmpfs_dir_unlink(o.parent, o.last, o.last_len);
    name_removed(o.parent, o.last, o.last_len);
    if (keep_parent)
        src->dir.parent = keep_parent;
    inode_touch(src, false, true);
out:
    lookup_release(&o);
    lookup_release(&n);
    return ret > 0 ? 0 : ret;
}

long sys_renameat(int olddirfd, uaddr_t u_old, int newdirfd, uaddr_t u_new)
{
    return sys_renameat2(olddirfd, u_old, newdirfd, u_new, 0);
}

long sys_rename(uaddr_t u_old, uaddr_t u_new)
{
    return sys_renameat2(AT_FDCWD, u_old, AT_FDCWD, u_new, 0);
}

long sys_linkat(int olddirfd, uaddr_t u_old, int newdirfd, uaddr_t u_new,
                int flags)
{
    struct lookup o, n;
    char *path;
    memset(&n, 0, sizeof(n));
    memset(&o, 0, sizeof(o));
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    long ret = path_from_user(u_old, &path);
    if (ret < 0)
        return ret;
    ret = vfs_lookup_at(olddirfd, path, flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0, &o);
    core_free(path);
    if (!ret)
        ret = parent_lookup(newdirfd, u_new, &n);
    if (ret)
        goto out;
    if (S_ISDIR(o.inode->mode))
        ret = -EPERM;
    else if (n.inode || n.last_len == 0 || is_dot(&n))
        ret = -EEXIST;
    else if (n.parent->nlink == 0 || (o.inode->nlink == 0))
        ret = -ENOENT;
    else if (o.inode->sb != n.parent->sb)
        ret = -EXDEV;
    else if ((ret = dir_check(n.parent, -ENOENT)))
        ;
    else if (inode_fs_names(n.parent))
        ret = n.parent->iops->link(o.inode, n.parent, n.last, n.last_len);
    else
        ret = tmpfs_dir_link(n.parent, n.last, n.last_len, o.inode);
    if (!ret) {
        o.inode->nlink++;
        inode_touch(o.inode, false, true);
    }
out:
    lookup_release(&o);
    lookup_release(&n);
    return ret;
}

long sys_link(uaddr_t u_old, uaddr_t u_new)
{
    return sys_linkat(AT_FDCWD, u_old, AT_FDCWD, u_new, 0);
}

long sys_symlinkat(uaddr_t u_target, int newdirfd, uaddr_t u_path)
{
    struct lookup lk;
    char *target;
    memset(&lk, 0, sizeof(lk));
    long ret = path_from_user(u_target, &target);
    if (ret < 0)
        return ret;
    ret = ret == 0 ? -ENOENT : parent_lookup(newdirfd, u_path, &lk);
    if (ret)
        goto out;
    if (lk.inode || lk.last_len == 0 || is_dot(&lk)) {
        ret = -EEXIST;
        goto out;
    }
    if (inode_fs_names(lk.parent)) {
        ret = fs_make(&lk, S_IFLNK | 0777, target);
        goto out;
    }
    struct inode *ln = inode_new(S_IFLNK | 0777);
    if (!ln) {
        ret = -ENOMEM;
        goto out;
    }
    ln->lnk.target = target;
    ln->size = strlen(target);
    target = NULL;
    ret = make_node(&lk, ln);
out:
    core_free(target);
    lookup_release(&lk);
    return ret;
}

long sys_symlink(uaddr_t u_target, uaddr_t u_path)
{
    return sys_symlinkat(u_target, AT_FDCWD, u_path);
}

long sys_readlinkat(int dirfd, uaddr_t u_path, uaddr_t u_buf, int bufsiz)
{
    struct lookup lk;
    char *path;
    if (bufsiz <= 0)
        return -EINVAL;
    long ret = path_from_user(u_path, &path);
    if (ret < 0)
        return ret;
    ret = vfs_lookup_at(dirfd, path, 0, &lk);
    core_free(path);
    if (ret)
        return ret;
    size_t size = (size_t)bufsiz < ABI_PATH_MAX ? (size_t)bufsiz : ABI_PATH_MAX;
    char *buf = S_ISLNK(lk.inode->mode) ? core_malloc(size) : NULL;
    if (!S_ISLNK(lk.inode->mode))
        ret = -EINVAL;
    else if (!buf)
        ret = -ENOMEM;
    else
        ret = vfs_readlink(lk.inode, buf, size);
    if (ret > 0 && core_copy_to_user(u_buf, buf, (size_t)ret))
        ret = -EFAULT;
    core_free(buf);
    lookup_release(&lk);
    return ret;
}

long sys_readlink(uaddr_t u_path, uaddr_t u_buf, int bufsiz)
{
    return sys_readlinkat(AT_FDCWD, u_path, u_buf, bufsiz);
}

long sys_getcwd(uaddr_t u_buf, size_t size)
{
    char *buf = core_malloc(ABI_PATH_MAX);
    if (!buf)
        return -ENOMEM;
    long ret = vfs_dir_path(abi_proc->cwd, buf, size < ABI_PATH_MAX ? size : ABI_PATH_MAX);
    if (ret > 0 && core_copy_to_user(u_buf, buf, (size_t)ret))
        ret = -EFAULT;
    core_free(buf);
    return ret;
}

static long set_cwd(struct inode *d)
{
    if (!S_ISDIR(d->mode))
        return -ENOTDIR;
    inode_get(d);
    inode_put(abi_proc->cwd);
    abi_proc->cwd = d;
    return 0;
}

long sys_chdir(uaddr_t u_path)
{
    struct lookup lk;
    char *path;
    long ret = path_from_user(u_path, &path);
    if (ret < 0)
        return ret;
    ret = vfs_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &lk);
    core_free(path);
    if (ret)
        return ret;
    ret = set_cwd(lk.inode);
    lookup_release(&lk);
    return ret;
}

long sys_fchdir(int fd)
{
    struct file *f = fd_get(fd);
    return f ? set_cwd(f->inode) : -EBADF;
}

long sys_getdents64(int fd, uaddr_t u_dirp, unsigned count)
{
    struct file *f = fd_get(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    if (!S_ISDIR(f->inode->mode) || !f->ops->getdents)
        return -ENOTDIR;
    return f->ops->getdents(f, u_dirp, count);
}
