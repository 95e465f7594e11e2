/* Boot-time mounts of host shares: the mica.mount= words.
 *
 * Each word's value (decoded) is "TAG,MODE,PATH" (include/mica/cmdline.h).
 * Before the program runs, directory PATH is made in the root with its
 * parents (mkdir -p: only where names can be made, i.e. in tmpfs or an
 * overlay of an earlier share), the virtio-fs device TAG is mounted there
 * read-only and, for MODE "ro", a private overlay is stacked on top of it
 * (overlay_mount over the virtio-fs root), so the program may change what
 * it sees while the host's files are never written. MODE "rw" mounts the
 * share read-write and alone: changes go to the host (the server allows
 * them only for shares made writable). A share at "/" (mica run --root)
 * covers the boot root; /dev, /proc and /tmp are mounted again on it. /proc/mounts shows
 * both layers, as Linux would for the same two mount(2) calls.
 */
#include "abi_int.h"

#include <linux/mount.h>
#include <mica/cmdline.h>

/* Make directory path (absolute) unless a directory is already there. */
static int boot_mkdir_one(const char *path)
{
    struct lookup lk;
    int err = vfs_lookup_in(vfs_root, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &lk);
    if (err != -ENOENT) {
        if (!err)
            lookup_release(&lk);
        return err;
    }
    err = vfs_lookup_in(vfs_root, path, LOOKUP_PARENT, &lk);
    if (err)
        return err;
    if (lk.inode || lk.last_len == 0)
        err = -EEXIST; /* e.g. a dangling symlink */
    else if (!inode_is_tmpfs_dir(lk.parent) || mount_readonly(lk.parent))
        err = -EROFS;
    if (!err) {
        struct inode *d = inode_new(S_IFDIR | 0755);
        err = d ? tmpfs_dir_link(lk.parent, lk.last, lk.last_len, d) : -ENOMEM;
        if (err && d) {
            d->nlink = 0;
            inode_drop_link(d);
        }
    }
    lookup_release(&lk);
    return err;
}

/* mkdir -p path: each prefix ending before a '/', then path itself. */
int boot_mkdir_p(const char *path)
{
    size_t len = strlen(path);
    char *buf = core_malloc(len + 1);
    int err = buf ? 0 : -ENOMEM;
    for (size_t i = 1; !err && i <= len; i++) {
        if (i < len && path[i] != '/')
            continue;
        memcpy(buf, path, i);
        buf[i] = 0;
        err = boot_mkdir_one(buf);
    }
    core_free(buf);
    return err;
}

/* Mount virtio-fs tag on the directory at path. */
static int boot_mount_virtiofs(const char *tag, const char *path, bool rw)
{
    struct lookup lk;
    int err = vfs_lookup_in(vfs_root, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &lk);
    if (err)
        return err;
    err = vfs_mount(lk.inode, tag, "virtiofs", rw ? 0 : MS_RDONLY, NULL);
    lookup_release(&lk);
    return err;
}

/* The overlay goes on the virtio-fs root just mounted at path. */
static int boot_mount_overlay(const char *path)
{
    struct lookup lk;
    int err = vfs_lookup_in(vfs_root, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &lk);
    if (err)
        return err;
    err = overlay_mount(lk.inode, path);
    lookup_release(&lk);
    return err;
}

/* Mount a new filesystem of type on the directory at path (made if
 * missing); its root in *root if asked for. */
static int boot_mount_new(const char *path, const char *type, unsigned long flags,
                          const char *data, struct inode **root)
{
    struct lookup lk;
    int err = boot_mkdir_p(path);
    if (!err)
        err = vfs_lookup_in(vfs_root, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &lk);
    if (err)
        return err;
    err = vfs_mount(lk.inode, type, type, flags, data);
    if (!err && root)
        *root = mount_cross(lk.inode);
    lookup_release(&lk);
    return err;
}

/* A share mounted on "/" (mica run --root) hides the boot root's /dev,
 * /proc and /tmp: they are made again on top of it, in its overlay, as a
 * container runtime does. */
static int boot_root_extras(void)
{
    struct inode *dev = NULL;
    int err = boot_mount_new("/dev", "tmpfs", MS_NOSUID, "mode=755", &dev);
    if (!err)
        err = devfs_populate(dev);
    if (!err)
        err = boot_mount_new("/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", NULL);
    if (!err)
        err = boot_mount_new("/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, NULL);
    if (!err)
        err = boot_mount_new("/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", NULL);
    return err;
}

int boot_mount(const char *spec, const char **what)
{
    const char *c1 = strchr(spec, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    char tag[40];
    *what = "malformed mount";
    if (!c2 || c1 == spec || (size_t)(c1 - spec) >= sizeof(tag) || c2[1] != '/')
        return -EINVAL;
    size_t mlen = (size_t)(c2 - c1 - 1);
    bool rw = mlen == strlen(MICA_CMDLINE_MOUNT_RW) &&
              !memcmp(c1 + 1, MICA_CMDLINE_MOUNT_RW, mlen);
    if (!rw && (mlen != strlen(MICA_CMDLINE_MOUNT_RO) ||
                memcmp(c1 + 1, MICA_CMDLINE_MOUNT_RO, mlen) != 0))
        return -EINVAL;
    memcpy(tag, spec, (size_t)(c1 - spec));
    tag[c1 - spec] = 0;
    const char *path = c2 + 1;
    *what = "cannot make the mount point";
    int err = boot_mkdir_p(path);
    if (!err) {
        *what = "cannot mount the host share";
        err = boot_mount_virtiofs(tag, path, rw);
    }
    if (!err && !rw) {
        *what = "cannot mount an overlay on the host share";
        err = boot_mount_overlay(path);
    }
    if (!err && !strcmp(path, "/")) {
        *what = "cannot make /dev, /proc and /tmp on the new root";
        err = boot_root_extras();
    }
    return err;
}
