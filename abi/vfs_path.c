/* Path lookup: from the root, the cwd or a directory fd, to an inode.
 *
 * The walk runs on borrowed inode pointers (one thread, nothing is freed
 * while it runs) and takes references only for what it hands back.
 * A symlink met in the middle of a path, or at its end when following,
 * restarts a nested walk on its target from the directory that holds it;
 * the count of symlinks followed is shared, and the 41st gives ELOOP.
 * A trailing slash makes the last component a directory (following a
 * final symlink). LOOKUP_PARENT stops before the last component and gives
 * back its name; a path without one ("/", "a/..") gives an empty name
 * and the directory itself in lk->inode.
 *
 * Directories are asked for a child through their inode_ops (tmpfs when
 * none); a directory with a mount on it is left for the mount's root,
 * and ".." at a mount's root goes to the parent of the covered
 * directory. A /proc magic link (fd/N, exe, cwd) jumps to its inode, and
 * for fd/N the open file comes back in lk->file, so open can reach it.
 */
#include "abi_int.h"

long path_from_user(uaddr_t u_path, char **out)
{
    char *buf = core_malloc(ABI_PATH_MAX);
    if (!buf)
        return -ENOMEM;
    long n = core_strncpy_from_user(buf, u_path, ABI_PATH_MAX);
    if (n < 0) {
        core_free(buf);
        return n;
    }
    *out = buf;
    return n;
}

/* One walk, nested walks for symlinks included. */
struct walk {
    int links;          /* symlinks followed so far */
    struct file *file;  /* the last step went through /proc/PID/fd/N */
};

static int walk(struct walk *w, struct inode *start, const char *path,
                unsigned flags, struct lookup *lk, struct inode **out);

int vfs_get_link(struct inode *ln, struct link_target *t)
{
    memset(t, 0, sizeof(*t));
    if (ln->iops && ln->iops->get_link)
        return ln->iops->get_link(ln, t);
    t->path = ln->lnk.target;
    return 0;
}

long vfs_readlink(struct inode *ln, char *buf, size_t size)
{
    if (ln->iops && ln->iops->readlink)
        return ln->iops->readlink(ln, buf, size);
    size_t n = strlen(ln->lnk.target);
    n = n < size ? n : size;
    memcpy(buf, ln->lnk.target, n);
    return (long)n;
}

/* Follow the symlink `ln` found in directory `dir`. */
static int follow(struct walk *w, struct inode *dir, struct inode *ln,
                  struct inode **out)
{
    struct link_target t;
    if (++w->links > ABI_SYMLOOP_MAX)
        return -ELOOP;
    int err = vfs_get_link(ln, &t);
    if (err)
        return err;
    if (t.inode) { /* a /proc magic link: no path to walk */
        *out = t.inode;
        w->file = t.file;
    } else {
        err = walk(w, dir, t.path, LOOKUP_FOLLOW, NULL, out);
    }
    core_free(t.buf);
    return err;
}

/* The child `name` of directory cur, mounts crossed either way. */
static int step(struct inode *cur, const char *name, size_t len,
                struct inode **next)
{
    if (len == 1 && name[0] == '.') {
        *next = cur;
        return 0;
    }
    if (len == 2 && name[0] == '.' && name[1] == '.') {
        if (cur == mount_cross(vfs_root)) {
            *next = cur; /* ".." of "/" is "/" */
            return 0;
        }
        struct inode *up = mount_point_of(cur)->dir.parent;
        if (!up)
            return -ENOENT;
        *next = mount_cross(up);
        return 0;
    }
    if (cur->iops && !cur->iops->lookup)
        return -ENOENT;
    *next = cur->iops ? cur->iops->lookup(cur, name, len)
                      : tmpfs_dir_lookup(cur, name, len);
    if (!*next)
        return -ENOENT;
    if (S_ISDIR((*next)->mode))
        *next = mount_cross(*next);
    return 0;
}

static int walk(struct walk *w, struct inode *start, const char *path,
                unsigned flags, struct lookup *lk, struct inode **out)
{
    struct inode *cur = path[0] == '/' ? mount_cross(vfs_root) : start;
    const char *p = path;
    if (*p == 0)
        return -ENOENT;
    for (;;) {
        while (*p == '/')
            p++;
        if (*p == 0) { /* "/" or a path that ends in slashes */
            if (lk) {
                lk->last_len = 0;
                lk->last[0] = 0;
                lk->trailing_slash = true;
            }
            *out = cur;
            return 0;
        }
        const char *q = p;
        while (*q && *q != '/')
            q++;
        size_t len = (size_t)(q - p);
        if (len > ABI_NAME_MAX)
            return -ENAMETOOLONG;
        const char *r = q;
        while (*r == '/')
            r++;
        bool last = *r == 0, trailing = *q == '/';
        if (!S_ISDIR(cur->mode))
            return -ENOTDIR;
        if (last && lk) { /* LOOKUP_PARENT */
            memcpy(lk->last, p, len);
            lk->last[len] = 0;
            lk->last_len = len;
            lk->trailing_slash = trailing;
            *out = cur;
            return 0;
        }
        struct inode *next;
        w->file = NULL;
        int err = step(cur, p, len, &next);
        if (err)
            return err;
        if (S_ISLNK(next->mode) && (!last || trailing || (flags & LOOKUP_FOLLOW))) {
            err = follow(w, cur, next, &next);
            if (err)
                return err;
        }
        if ((!last || trailing || (flags & LOOKUP_DIRECTORY)) && !S_ISDIR(next->mode))
            return -ENOTDIR;
        cur = next;
        p = q;
        if (last) {
            *out = cur;
            return 0;
        }
    }
}

static int lookup_start(int dirfd, const char *path, struct inode **start)
{
    if (path[0] == '/' || dirfd == AT_FDCWD) {
        *start = abi_proc->cwd;
        return 0;
    }
    struct file *f = fd_get(dirfd);
    if (!f)
        return -EBADF;
    if (!S_ISDIR(f->inode->mode))
        return -ENOTDIR;
    *start = f->inode;
    return 0;
}

int vfs_lookup_in(struct inode *start, const char *path, unsigned flags,
                  struct lookup *lk)
{
    struct inode *res;
    struct walk w = {0};
    memset(lk, 0, sizeof(*lk));
    if (path[0] == 0)
        return -ENOENT;
    if (!(flags & LOOKUP_PARENT)) {
        int err = walk(&w, start, path, flags, NULL, &res);
        if (err)
            return err;
        lk->inode = res;
        inode_get(res);
        if (w.file) {
            lk->file = w.file;
            file_get(w.file);
        }
        return 0;
    }
    int err = walk(&w, start, path, flags, lk, &res);
    if (err)
        return err;
    lk->parent = res;
    inode_get(res);
    struct inode *child = NULL;
    if (lk->last_len == 0)
        child = res;
    else if (step(res, lk->last, lk->last_len, &child))
        child = NULL;
    if (child)
        inode_get(child);
    lk->inode = child;
    return 0;
}

int vfs_lookup_at(int dirfd, const char *path, unsigned flags,
                  struct lookup *lk)
{
    struct inode *start;
    memset(lk, 0, sizeof(*lk));
    if (path[0] == 0)
        return -ENOENT;
    int err = lookup_start(dirfd, path, &start);
    if (err)
        return err;
    return vfs_lookup_in(start, path, flags, lk);
}

void lookup_release(struct lookup *lk)
{
    inode_put(lk->inode);
    inode_put(lk->parent);
    file_put(lk->file);
    lk->inode = lk->parent = NULL;
    lk->file = NULL;
}

static const char *name_in(struct inode *parent, struct inode *child)
{
    if (child->iops && child->iops->name)
        return child->iops->name(child);
    if (!child->nlink || !inode_is_tmpfs_dir(parent))
        return NULL;
    for (struct dentry *d = parent->dir.head; d; d = d->next)
        if (d->inode == child)
            return d->name;
    return NULL;
}

long vfs_dir_path(struct inode *dir, char *buf, size_t size)
{
    char *tmp = core_malloc(ABI_PATH_MAX);
    if (!tmp)
        return -ENOMEM;
    size_t pos = ABI_PATH_MAX - 1;
    long ret;
    tmp[pos] = 0;
    struct inode *top = mount_cross(vfs_root);
    for (struct inode *d = dir; d != top && d != vfs_root;) {
        d = mount_point_of(d);
        if (d == vfs_root)
            break;
        struct inode *up = d->dir.parent;
        const char *name = up ? name_in(up, d) : NULL;
        if (!name) {
            ret = -ENOENT;
            goto out;
        }
        size_t n = strlen(name);
        if (n + 1 > pos) {
            ret = -ENAMETOOLONG;
            goto out;
        }
        pos -= n;
        memcpy(tmp + pos, name, n);
        tmp[--pos] = '/';
        d = up;
    }
    if (pos == ABI_PATH_MAX - 1)
        tmp[--pos] = '/';
    ret = (long)(ABI_PATH_MAX - pos); /* with the NUL */
    if ((size_t)ret > size) {
        ret = -ERANGE;
        goto out;
    }
    memcpy(buf, tmp + pos, (size_t)ret);
out:
    core_free(tmp);
    return ret;
}
