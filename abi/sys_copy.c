/* In-kernel copies between files: sendfile, copy_file_range; fallocate.
 *
 * Data moves through a kernel bounce buffer. The source of sendfile must
 * be a file with data (tmpfs, virtio-fs, overlay); of copy_file_range a
 * tmpfs file; the destination a tmpfs file, the console or a null device —
 * the kinds that can take kernel memory. Anything else is EINVAL, which
 * callers (cat, cp) treat as "fall back to read and write".
 */
#include "abi_int.h"
#include "sys.h"

#include <linux/falloc.h>

#define COPY_CHUNK 65536
#define COPY_MAX 0x7ffff000ul

static ssize_t sink_write(struct file *out, const void *buf, size_t n)
{
    if (out->ops == &console_ops) {
        core_console_write(out->stream ? out->stream : CORE_STDOUT, buf, n);
        return (ssize_t)n;
    }
    if (out->ops == &null_ops) /* /dev/full (1:7) is full */
        return out->inode->rdev_major == 1 && out->inode->rdev_minor == 7 ? -ENOSPC : (ssize_t)n;
    ssize_t w = tmpfs_write_kernel(out->inode, out->pos, buf, n);
    if (w > 0)
        out->pos += (uint64_t)w;
    return w;
}

static long copy_loop(struct file *in, uint64_t *in_pos, struct file *out, size_t count)
{
    char *buf = core_malloc(COPY_CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    long err = 0;
    count = count < COPY_MAX ? count : COPY_MAX;
    while (done < count) {
        size_t n = count - done < COPY_CHUNK ? count - done : COPY_CHUNK;
        ssize_t r = vfs_read_kernel(in->inode, *in_pos, buf, n);
        if (r <= 0) { /* the end, or a read error (EIO...), never taken for the end */
            err = r;
            break;
        }
        ssize_t w = sink_write(out, buf, (size_t)r);
        if (w < 0) {
            err = w;
            break;
        }
        *in_pos += (uint64_t)w;
        done += (size_t)w;
        if (w < r)
            break;
    }
    core_free(buf);
    return done ? (long)done : err;
}

static long copy_files(int in_fd, int out_fd, struct file **in, struct file **out)
{
    *in = fd_get(in_fd);
    *out = fd_get(out_fd);
    if (!*in || !*out || !FILE_READABLE(*in) || !FILE_WRITABLE(*out) ||
        ((*in)->flags & O_PATH) || ((*out)->flags & O_PATH))
        return -EBADF;
    if (!inode_has_data((*in)->inode))
        return -EINVAL;
    bool sink_ok = (*out)->ops == &console_ops || (*out)->ops == &null_ops ||
                   inode_is_tmpfs_reg((*out)->inode);
    return sink_ok ? 0 : -EINVAL;
}

long sys_sendfile(int out_fd, int in_fd, uaddr_t u_off, size_t count)
{
    struct file *in, *out;
    int64_t off;
    long ret = copy_files(in_fd, out_fd, &in, &out);
    if (ret)
        return ret;
    if (!u_off.addr)
        return out->flags & O_APPEND ? -EINVAL : copy_loop(in, &in->pos, out, count);
    if (core_copy_from_user(&off, u_off, sizeof(off)))
        return -EFAULT;
    if (off < 0)
        return -EINVAL;
    if (out->flags & O_APPEND) /* Linux never appends through sendfile */
        return -EINVAL;
    uint64_t pos = (uint64_t)off;
    ret = copy_loop(in, &pos, out, count);
    off = (int64_t)pos;
    if (ret >= 0 && core_copy_to_user(u_off, &off, sizeof(off)))
        return -EFAULT;
    return ret;
}

/* Linux's order of checks: descriptors, offsets copied in, the kinds of
 * file (EISDIR, then EINVAL), the modes (EBADF: O_APPEND is one), a range
 * that wraps (EOVERFLOW: a negative offset usually does), then a negative
 * offset (EINVAL). */
static long cfr_check(struct file *in, int64_t ipos, struct file *out, int64_t opos,
                      size_t len)
{
    if (S_ISDIR(in->inode->mode) || S_ISDIR(out->inode->mode))
        return -EISDIR;
    if (!inode_is_tmpfs_reg(in->inode) || !inode_is_tmpfs_reg(out->inode))
        return -EINVAL;
    if (!FILE_READABLE(in) || !FILE_WRITABLE(out) || (out->flags & O_APPEND))
        return -EBADF;
    if ((uint64_t)ipos + len < (uint64_t)ipos || (uint64_t)opos + len < (uint64_t)opos)
        return -EOVERFLOW;
    return ipos < 0 || opos < 0 ? -EINVAL : 0;
}

long sys_copy_file_range(int in_fd, uaddr_t u_in_off, int out_fd, uaddr_t u_out_off,
                         size_t len, unsigned flags)
{
    if (flags)
        return -EINVAL;
    struct file *in = fd_get(in_fd), *out = fd_get(out_fd);
    if (!in || !out || (in->flags & O_PATH) || (out->flags & O_PATH))
        return -EBADF;
    int64_t ioff = (int64_t)in->pos, ooff = (int64_t)out->pos;
    if ((u_in_off.addr && core_copy_from_user(&ioff, u_in_off, 8)) ||
        (u_out_off.addr && core_copy_from_user(&ooff, u_out_off, 8)))
        return -EFAULT;
    long ret = cfr_check(in, ioff, out, ooff, len);
    if (ret)
        return ret;
    uint64_t ipos = (uint64_t)ioff, saved = out->pos;
    out->pos = (uint64_t)ooff;
    if (in->inode == out->inode && ipos < out->pos + len && out->pos < ipos + len) {
        out->pos = saved;
        return -EINVAL; /* overlapping ranges of one file */
    }
    ret = copy_loop(in, &ipos, out, len);
    if (u_out_off.addr) {
        ooff = (int64_t)out->pos;
        out->pos = saved;
        if (ret >= 0 && core_copy_to_user(u_out_off, &ooff, 8))
            return -EFAULT;
    }
    if (u_in_off.addr) {
        ioff = (int64_t)ipos;
        if (ret >= 0 && core_copy_to_user(u_in_off, &ioff, 8))
            return -EFAULT;
    } else {
        in->pos = ipos;
    }
    return ret;
}

long sys_fallocate(int fd, int mode, int64_t off, int64_t len)
{
    struct file *f = fd_get(fd);
    if (!f || (f->flags & O_PATH) || !FILE_WRITABLE(f))
        return -EBADF;
    if (off < 0 || len <= 0)
        return -EINVAL;
    if (S_ISDIR(f->inode->mode))
        return -EISDIR;
    if (f->ops->fallocate)
        return off > INT64_MAX - len ? -EFBIG
                                     : f->ops->fallocate(f, mode, (uint64_t)off, (uint64_t)len);
    if (!inode_is_tmpfs_reg(f->inode))
        return -ENODEV;
    if (mode & ~FALLOC_FL_KEEP_SIZE)
        return -EOPNOTSUPP;
    if (off > INT64_MAX - len)
        return -EFBIG;
    uint64_t end = (uint64_t)(off + len);
    if ((mode & FALLOC_FL_KEEP_SIZE) || end <= f->inode->size)
        return 0; /* pages come on write; nothing to reserve */
    return tmpfs_truncate(f->inode, end);
}
