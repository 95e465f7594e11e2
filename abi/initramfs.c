/* Unpack the cpio (newc) initramfs into the tmpfs root.
 *
 * Each entry is a 110-byte ASCII header ("070701" and thirteen 8-digit
 * hex fields), the NUL-terminated name, padding to 4 bytes, the data,
 * padding to 4 again; "TRAILER!!!" ends the archive. The image comes from
 * the host, so every field is checked against the bytes that remain
 * before it is used. Missing parent directories are created; a name with
 * a ".." component is refused. Hard links in the archive (entries that
 * share an inode number) are unpacked as separate copies.
 */
#include "abi_int.h"

#define CPIO_HDR 110
#define F_MODE 1
#define F_UID 2
#define F_GID 3
#define F_MTIME 5
#define F_FILESIZE 6
#define F_RDEVMAJOR 9
#define F_RDEVMINOR 10
#define F_NAMESIZE 11

static int hex8(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d > 15)
            return -EINVAL;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/* Walk to the directory holding the last component of name. */
static int parent_dir(char *name, struct inode **dir, const char **last)
{
    struct inode *cur = vfs_root;
    char *p = name;
    for (;;) {
        while (*p == '/')
            p++;
        char *q = p;
        while (*q && *q != '/')
            q++;
        size_t len = (size_t)(q - p);
        char *r = q;
        while (*r == '/')
            r++;
        if (len > ABI_NAME_MAX || (len == 2 && p[0] == '.' && p[1] == '.'))
            return -EINVAL;
        if (*r == 0) {
            *q = 0;
            *dir = cur;
            *last = p;
            return 0;
        }
        if (!(len == 1 && p[0] == '.')) {
            struct inode *next = tmpfs_dir_lookup(cur, p, len);
            if (!next) {
                next = inode_new(S_IFDIR | 0755);
                if (!next)
                    return -ENOMEM;
                int err = tmpfs_dir_link(cur, p, len, next);
                if (err)
                    return err;
            }
            if (!S_ISDIR(next->mode))
                return -ENOTDIR;
            cur = next;
        }
        p = r;
    }
}

static int make_entry(struct inode *dir, const char *name, uint32_t mode,
                      const char *data, uint32_t size, struct inode **out)
{
    size_t len = strlen(name);
    struct inode *old = tmpfs_dir_lookup(dir, name, len);
    if (old && S_ISDIR(old->mode) && S_ISDIR(mode)) {
        old->mode = mode;
        *out = old;
        return 0;
    }
    if (old) { /* a later entry replaces an earlier one */
        if (S_ISDIR(old->mode) && old->dir.nentries)
            return -EEXIST;
        tmpfs_dir_unlink(dir, name, len);
        old->nlink = 0;
        inode_drop_link(old);
    }
    struct inode *ino = inode_new(mode);
    if (!ino)
        return -ENOMEM;
    int err = 0;
    if (S_ISREG(mode) && size)
        err = tmpfs_write_kernel(ino, 0, data, size) == (ssize_t)size ? 0 : -ENOSPC;
    if (!err && S_ISLNK(mode)) {
        ino->lnk.target = core_malloc(size + 1);
        err = ino->lnk.target ? 0 : -ENOMEM;
        if (!err) {
            memcpy(ino->lnk.target, data, size);
            ino->lnk.target[size] = 0;
            ino->size = strlen(ino->lnk.target);
        }
    }
    if (!err)
        err = tmpfs_dir_link(dir, name, len, ino);
    if (err) {
        ino->nlink = 0;
        inode_drop_link(ino);
        return err;
    }
    *out = ino;
    return 0;
}

static int unpack_one(char *name, const uint32_t *f, const char *data)
{
    uint32_t mode = f[F_MODE];
    uint32_t type = mode & S_IFMT;
    struct inode *dir, *ino;
    const char *last;
    if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK && type != S_IFCHR) {
        core_log("initramfs: %s: file type %#o skipped\n", name, type);
        return 0;
    }
    int err = parent_dir(name, &dir, &last);
    if (err)
        return err;
    if (*last == 0 || strcmp(last, ".") == 0) { /* the root itself */
        if (type == S_IFDIR)
            dir->mode = mode;
        return 0;
    }
    err = make_entry(dir, last, mode, data, f[F_FILESIZE], &ino);
    if (err)
        return err;
    if (type == S_IFCHR) {
        ino->rdev_major = f[F_RDEVMAJOR];
        ino->rdev_minor = f[F_RDEVMINOR];
        if (ino->rdev_major == 5 && ino->rdev_minor <= 1)
            ino->fops = &console_ops; /* /dev/console, /dev/tty */
    }
    ino->uid = f[F_UID];
    ino->gid = f[F_GID];
    ino->mtime_ns = ino->ctime_ns = (uint64_t)f[F_MTIME] * 1000000000ull;
    return 0;
}

int initramfs_unpack(const void *image, size_t size)
{
    const char *base = image;
    size_t off = 0;
    uint32_t f[13];
    while (size - off >= CPIO_HDR) {
        const char *h = base + off;
        if (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0)
            return -EINVAL;
        for (int i = 0; i < 13; i++)
            if (hex8(h + 6 + 8 * i, &f[i]))
                return -EINVAL;
        uint32_t nsz = f[F_NAMESIZE], fsz = f[F_FILESIZE];
        if (nsz == 0 || nsz > ABI_PATH_MAX || nsz > size - off - CPIO_HDR)
            return -EINVAL;
        if (h[CPIO_HDR + nsz - 1] != 0)
            return -EINVAL;
        size_t data_off = CORE_ALIGN_UP(off + CPIO_HDR + nsz, 4);
        if (data_off > size || fsz > size - data_off)
            return -EINVAL;
        if (strcmp(h + CPIO_HDR, "TRAILER!!!") == 0)
            return 0;
        char *name = core_malloc(nsz);
        if (!name)
            return -ENOMEM;
        memcpy(name, h + CPIO_HDR, nsz);
        int err = unpack_one(name, f, base + data_off);
        if (err)
            core_log("initramfs: %s: error %d\n", name, err);
        core_free(name);
        if (err == -ENOMEM || err == -ENOSPC)
            return err;
        off = CORE_ALIGN_UP(data_off + fsz, 4);
        if (off >= size)
            break;
    }
    return 0; /* no trailer: take what was there */
}
