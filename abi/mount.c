/* Mounts: the mount table, mount(2) and umount2(2).
 *
 * A mount puts the root of another filesystem over a directory: the
 * covered directory points at its mount (inode->covered) and the mounted
 * root back at it (inode->mnt_root), so a path walk crosses in both
 * directions without searching the table. Mounting on a mount's root
 * stacks: the walk follows `covered` until it reaches an uncovered root.
 * The table itself, in mount order, is what /proc/mounts lists.
 *
 * Filesystems: "tmpfs" (a new, empty instance per mount), "proc",
 * "virtiofs" (the source is the device's tag) and
 * "overlay" (-o lowerdir=DIR: a writable in-memory view of DIR that
 * never writes to it; overlay.c).
 * The root filesystem ("rootfs") is mounted at boot and cannot be
 * unmounted. Mount flags are kept and shown; MS_RDONLY is enforced by
 * the namespace and open calls through mount_readonly.
 */
#include "abi_int.h"
#include "sys.h"

#include <linux/mount.h>

/* umount2 flags: not in the UAPI headers (Linux's include/linux/fs.h). */
#define MNT_FORCE 0x1
#define MNT_DETACH 0x2
#define MNT_EXPIRE 0x4
#define UMOUNT_NOFOLLOW 0x8
#define MS_KNOWN (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | \
                  MS_REMOUNT | MS_MANDLOCK | MS_DIRSYNC | MS_NOATIME |            \
                  MS_NODIRATIME | MS_SILENT | MS_RELATIME | MS_STRICTATIME |      \
                  MS_LAZYTIME | MS_NOSYMFOLLOW | MS_BIND | MS_MOVE | MS_REC |    \
                  MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE)
#define MS_KEEP (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | \
                 MS_DIRSYNC | MS_NOATIME | MS_NODIRATIME | MS_STRICTATIME |     \
                 MS_NOSYMFOLLOW)

static struct mount *mounts, *mounts_tail;

struct inode *mount_cross(struct inode *dir)
{
    while (dir->covered)
        dir = dir->covered->root;
    return dir;
}

struct inode *mount_point_of(struct inode *root)
{
    while (root->mnt_root)
        root = root->mnt_root->point;
    return root;
}

struct mount *mount_of_root(struct inode *root)
{
    return root->mnt_root;
}

/* The mount that holds ino: its filesystem's root's mount. */
static struct mount *mount_holding(const struct inode *ino)
{
    for (struct mount *m = mounts; m; m = m->next)
        if (m->root->sb == ino->sb)
            return m;
    return NULL;
}

bool mount_readonly(const struct inode *ino)
{
    struct mount *m = ino->sb ? mount_holding(ino) : NULL;
    return m && (m->flags & MS_RDONLY);
}

static void mount_link(struct mount *m)
{
    m->next = NULL;
    if (mounts_tail)
        mounts_tail->next = m;
    else
        mounts = m;
    mounts_tail = m;
}

static void mount_unlink(struct mount *m)
{
    struct mount *prev = NULL;
    for (struct mount *c = mounts; c; prev = c, c = c->next) {
        if (c != m)
            continue;
        if (prev)
            prev->next = c->next;
        else
            mounts = c->next;
        if (mounts_tail == c)
            mounts_tail = prev;
        return;
    }
}

/* A tmpfs "mode=" option (octal), or the default. */
static uint32_t opt_mode(const char *data, uint32_t dflt)
{
    const char *o = data ? data : "";
    while (*o) {
        if (strncmp(o, "mode=", 5) == 0) {
            char *end;
            unsigned long m = strtoul(o + 5, &end, 8);
            return (end != o + 5 && (*end == 0 || *end == ',')) ? (uint32_t)(m & 07777) : dflt;
        }
        const char *c = strchr(o, ',');
        o = c ? c + 1 : o + strlen(o);
    }
    return dflt;
}

/* The one lower directory of an overlay's options (Linux's syntax):
 * "lowerdir=PATH", referenced in *lower. There is no upper directory:
 * changes stay in memory, so upperdir= and workdir= are refused, as are
 * several lower layers and options this overlay does not know. */
static int overlay_opts(const char *data, struct inode **lower)
{
    char *path = core_malloc(ABI_PATH_MAX);
    const char *o = data ? data : "";
    int err = path ? -EINVAL : -ENOMEM;
    bool have = false;
    while (path && *o) {
        const char *c = strchr(o, ',');
        size_t n = c ? (size_t)(c - o) : strlen(o);
        if (n > 9 && !strncmp(o, "lowerdir=", 9) && !have && n - 9 < ABI_PATH_MAX &&
            !memchr(o + 9, ':', n - 9)) {
            memcpy(path, o + 9, n - 9);
            path[n - 9] = 0;
            have = true;
        } else if (n) {
            have = false; /* unknown, repeated or unsupported: refuse */
            break;
        }
        o = c ? c + 1 : o + n;
    }
    if (have) {
        struct lookup lk;
        err = vfs_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &lk);
        if (!err) {
            *lower = lk.inode;
            inode_get(*lower);
            lookup_release(&lk);
        }
    }
    core_free(path);
    return err;
}

int vfs_mount(struct inode *point, const char *source, const char *type,
              unsigned long flags, const char *data)
{
    struct inode *root;
    if (!S_ISDIR(point->mode))
        return -ENOTDIR;
    if (strcmp(type, "tmpfs") == 0)
        root = tmpfs_new_root("tmpfs", opt_mode(data, 01777));
    else if (strcmp(type, "proc") == 0)
        root = procfs_new_root();
    else if (strcmp(type, "virtiofs") == 0) {
        int err;
        root = virtiofs_new_root(source, &err);
        if (!root)
            return err;
    } else if (strcmp(type, "overlay") == 0) {
        struct inode *lower = NULL;
        int err = overlay_opts(data, &lower);
        if (err)
            return err;
        root = overlay_new_root(lower, &err);
        inode_put(lower);
        if (!root)
            return err;
    } else
        return -ENODEV;
    if (!root)
        return -ENOMEM;
    return vfs_mount_root(point, root, source, flags);
}

int vfs_mount_root(struct inode *point, struct inode *root, const char *source,
                   unsigned long flags)
{
    struct mount *m = S_ISDIR(point->mode) ? core_zalloc(sizeof(*m)) : NULL;
    if (!m) {
        root->nlink = 0;
        inode_put(root);
        return S_ISDIR(point->mode) ? -ENOMEM : -ENOTDIR;
    }
    strlcpy(m->source, source && *source ? source : "none", sizeof(m->source));
    m->flags = flags & MS_KEEP;
    m->point = point;
    m->root = root; /* takes the root's one reference */
    inode_get(point);
    point->covered = m;
    root->mnt_root = m;
    mount_link(m);
    return 0;
}

/* Unmount m (the topmost on its point). */
static int vfs_umount(struct mount *m, bool detach)
{
    struct inode *root = m->root;
    if (root->covered)
        return -EBUSY;
    bool tmp = inode_is_tmpfs_dir(root);
    bool vfs = root->sb && !strcmp(root->sb->type, "virtiofs");
    /* the mount's own reference on root aside (proc first frees its
     * cached nodes, which hold references on their parents) */
    bool busy = tmp   ? root->refs > 1 || tmpfs_tree_busy(root)
                : vfs ? virtiofs_busy(root)
                      : procfs_busy(root);
    if (busy && (!detach || vfs)) /* virtio-fs inodes die with the session */
        return -EBUSY;
    mount_unlink(m);
    m->point->covered = NULL;
    root->mnt_root = NULL;
    inode_put(m->point);
    if (tmp)
        tmpfs_tree_free(root);
    else if (vfs)
        virtiofs_unmount(root);
    root->nlink = 0;
    inode_put(root);
    core_free(m);
    return 0;
}

/* ---- the syscalls ---- */

/* Copy in an optional user string of at most max bytes. */
static long str_in(uaddr_t u, size_t max, char **out)
{
    *out = NULL;
    if (!u.addr)
        return 0;
    char *b = core_malloc(max);
    if (!b)
        return -ENOMEM;
    long n = core_strncpy_from_user(b, u, max);
    if (n < 0 || (size_t)n >= max) {
        core_free(b);
        return n < 0 ? n : -ENAMETOOLONG;
    }
    *out = b;
    return 0;
}

long sys_mount(uaddr_t u_source, uaddr_t u_target, uaddr_t u_type,
               unsigned long flags, uaddr_t u_data)
{
    char *source = NULL, *type = NULL, *data = NULL, *target = NULL;
    struct lookup lk = {0};
    long ret = str_in(u_source, 64, &source);
    if (!ret)
        ret = str_in(u_type, 64, &type);
    if (!ret)
        ret = str_in(u_data, CORE_PAGE_SIZE, &data);
    if (!ret)
        ret = path_from_user(u_target, &target) < 0 ? -EFAULT : 0;
    if (ret)
        goto out;
    ret = vfs_lookup_at(AT_FDCWD, target, LOOKUP_FOLLOW, &lk);
    if (ret)
        goto out;
    if (flags & MS_REMOUNT) { /* new flags for an existing mount */
        struct mount *m = mount_of_root(lk.inode);
        ret = m ? 0 : -EINVAL;
        if (m)
            m->flags = flags & MS_KEEP;
        goto out;
    }
    if (flags & (MS_BIND | MS_MOVE | MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE)) {
        /* propagation types are a no-op with one namespace */
        ret = (flags & (MS_BIND | MS_MOVE)) ? -EINVAL : 0;
        goto out;
    }
    if (!type) {
        ret = -EINVAL;
        goto out;
    }
    ret = vfs_mount(lk.inode, source, type, flags, data);
out:
    lookup_release(&lk);
    core_free(source);
    core_free(type);
    core_free(data);
    core_free(target);
    return ret;
}

long sys_umount2(uaddr_t u_target, int flags)
{
    char *target;
    struct lookup lk;
    if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
        return -EINVAL;
    long ret = path_from_user(u_target, &target);
    if (ret < 0)
        return ret;
    ret = vfs_lookup_at(AT_FDCWD, target, flags & UMOUNT_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &lk);
    core_free(target);
    if (ret)
        return ret;
    struct mount *m = mount_of_root(lk.inode);
    lookup_release(&lk); /* the walk's reference would look like a user */
    if (!m)
        return -EINVAL;
    if (flags & MNT_EXPIRE)
        return -EAGAIN; /* first call marks; nothing expires here */
    return vfs_umount(m, flags & MNT_DETACH);
}

/* ---- /proc/mounts, /proc/filesystems ---- */

static void show_opts(struct sbuf *s, const struct mount *m)
{
    static const struct {
        unsigned long flag;
        const char *name;
    } opt[] = {
        {MS_NOSUID, ",nosuid"}, {MS_NODEV, ",nodev"}, {MS_NOEXEC, ",noexec"},
        {MS_SYNCHRONOUS, ",sync"}, {MS_DIRSYNC, ",dirsync"}, {MS_NOATIME, ",noatime"},
        {MS_NODIRATIME, ",nodiratime"}, {MS_NOSYMFOLLOW, ",nosymfollow"},
    };
    sbuf_printf(s, "%s", m->flags & MS_RDONLY ? "ro" : "rw");
    for (size_t i = 0; i < CORE_ARRAY_SIZE(opt); i++)
        if (m->flags & opt[i].flag)
            sbuf_printf(s, "%s", opt[i].name);
    if (!(m->flags & (MS_NOATIME | MS_STRICTATIME)))
        sbuf_printf(s, ",relatime");
    if (inode_is_tmpfs_dir(m->root) && m->root != vfs_root && !overlay_is_root(m->root))
        sbuf_printf(s, ",mode=%o", m->root->mode & 07777);
}

/* Mount points are written with space, tab, newline and backslash as
 * octal escapes, as Linux does, so the fields stay split by spaces. */
static void show_path(struct sbuf *s, const char *p)
{
    for (; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\')
            sbuf_printf(s, "\\%03o", (unsigned char)*p);
        else
            sbuf_put(s, p, 1);
    }
}

void mount_show(struct sbuf *s)
{
    char *path = core_malloc(ABI_PATH_MAX);
    if (!path) {
        s->oom = true;
        return;
    }
    sbuf_printf(s, "rootfs / rootfs rw 0 0\n");
    for (struct mount *m = mounts; m; m = m->next) {
        if (vfs_dir_path(m->root, path, ABI_PATH_MAX) < 0)
            continue; /* under a directory that was removed */
        show_path(s, m->source);
        sbuf_put(s, " ", 1);
        show_path(s, path);
        sbuf_printf(s, " %s ", m->root->sb->type);
        show_opts(s, m);
        sbuf_printf(s, " 0 0\n");
    }
    core_free(path);
}

void mount_show_filesystems(struct sbuf *s)
{
    sbuf_printf(s, "nodev\trootfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tvirtiofs\n"
                   "nodev\toverlay\n");
}
