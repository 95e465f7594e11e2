/* File data for the kernel, whatever filesystem keeps it.
 *
 * exec (the ELF loader, "#!" lines), file mappings and overlay copy-up
 * read a regular file's bytes without an open file of their own: tmpfs
 * keeps them in its page table; any other filesystem offers them a page
 * at a time through its data_page op (virtio-fs: its page cache). Pages
 * handed out are referenced before anything can sleep, so a page cache
 * that lets one go while the caller waits frees nothing in use.
 */
#include "abi_int.h"

int vfs_getattr(struct inode *ino)
{
    return ino->iops && ino->iops->getattr ? ino->iops->getattr(ino) : 0;
}

int vfs_setattr(struct inode *ino, const struct vfs_setattr *a)
{
    if (!ino->iops || !ino->iops->setattr)
        return -ENOSYS;
    if (mount_readonly(ino))
        return -EROFS;
    return ino->iops->setattr(ino, a);
}

int vfs_file_page(struct inode *ino, uint64_t idx, bool create, void **pg)
{
    *pg = NULL;
    if (!inode_has_data(ino))
        return -EINVAL;
    if (!ino->iops) {
        void *p = tmpfs_page(ino, idx, create);
        if (create && !p)
            return -ENOMEM;
        if (p)
            core_page_get(p);
        *pg = p;
        return 0;
    }
    int err = ino->iops->data_page(ino, idx, pg);
    if (!err && *pg)
        core_page_get(*pg);
    return err;
}

/* Copy [off, off+len) of ino out a page at a time through put(). */
static ssize_t data_copy(struct inode *ino, uint64_t off, size_t len,
                         int (*put)(void *ctx, size_t at, const void *src, size_t n),
                         void *ctx)
{
    size_t done = 0;
    int err = 0;
    while (done < len) {
        uint64_t at = off + done, size = ino->size;
        if (at >= size)
            break;
        size_t in = at % CORE_PAGE_SIZE, n = CORE_PAGE_SIZE - in;
        if (n > len - done)
            n = len - done;
        if (n > size - at)
            n = (size_t)(size - at);
        void *pg;
        err = vfs_file_page(ino, at / CORE_PAGE_SIZE, false, &pg);
        if (err)
            break;
        if (!pg && ino->iops)
            break; /* past the end as the filesystem sees it */
        static const char zeros[64];
        if (pg)
            err = put(ctx, done, (const char *)pg + in, n);
        else /* a tmpfs hole */
            for (size_t z = 0; z < n && !err; z += sizeof(zeros))
                err = put(ctx, done + z, zeros, n - z < sizeof(zeros) ? n - z : sizeof(zeros));
        if (pg)
            core_page_free(pg);
        if (err)
            break;
        done += n;
    }
    return done ? (ssize_t)done : err;
}

static int put_kernel(void *ctx, size_t at, const void *src, size_t n)
{
    memcpy((char *)ctx + at, src, n);
    return 0;
}

ssize_t vfs_read_kernel(struct inode *ino, uint64_t off, void *buf, size_t len)
{
    if (!inode_has_data(ino))
        return -EINVAL;
    if (!ino->iops)
        return tmpfs_read_kernel(ino, off, buf, len);
    return data_copy(ino, off, len, put_kernel, buf);
}

static int put_user(void *ctx, size_t at, const void *src, size_t n)
{
    return core_copy_to_user(uaddr_add(*(uaddr_t *)ctx, at), src, n) ? -EFAULT : 0;
}

ssize_t vfs_read_user(struct inode *ino, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    ssize_t n = data_copy(ino, *pos, len, put_user, &u_buf);
    if (n > 0)
        *pos += (uint64_t)n;
    return n;
}
