/* Inode attribute syscalls: stat in its forms, statx, access, chmod,
 * chown, utimensat, statfs.
 *
 * Everything runs as root, so access() only refuses X_OK on a file with
 * no execute bit at all, as Linux does for root.
 */
#include "abi_int.h"
#include "sys.h"

#include <asm/stat.h>
#include <asm/statfs.h>
#include <linux/magic.h>
#include <linux/time_types.h>
#include <core/time.h>

#define TMPFS_DEV 0x16 /* a stable made-up device number */
#define BOGO_DIRENT 20
/* Not in the UAPI headers: the utimensat special nanosecond values. */
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

static uint64_t enc_dev(uint32_t major, uint32_t minor)
{
    return (minor & 0xff) | (major << 8) | ((uint64_t)(minor & ~0xffu) << 12);
}

/* Size and link count as stat shows them (a filesystem may present
 * other values than its bookkeeping: inode_ops.stat_view). */
static void stat_sizes(const struct inode *i, uint64_t *size, uint32_t *nlink)
{
    *size = inode_is_tmpfs_dir(i) ? (i->dir.nentries + 2ull) * BOGO_DIRENT : i->size;
    *nlink = i->nlink;
    if (i->iops && i->iops->stat_view)
        i->iops->stat_view(i, size, nlink);
}


/* The device number of the filesystem ino is on (0:dev). */
static uint32_t ino_dev(const struct inode *i)
{
    return S_ISCHR(i->mode) ? 5 : i->sb ? i->sb->dev : TMPFS_DEV;
}

static uint64_t ino_blocks(const struct inode *i)
{
    return S_ISREG(i->mode) ? CORE_ALIGN_UP(i->size, CORE_PAGE_SIZE) / 512 : 0;
}

/* Inode times are ns since the epoch as an int64_t (kept in a uint64_t):
 * before 1970 is negative. Split with the remainder in [0, 1e9). */
static int64_t ns_sec(uint64_t ns)
{
    int64_t s = (int64_t)ns;
    return s / 1000000000 - (s % 1000000000 < 0);
}

static uint32_t ns_nsec(uint64_t ns)
{
    int64_t r = (int64_t)ns % 1000000000;
    return (uint32_t)(r < 0 ? r + 1000000000 : r);
}

/* Filesystems that keep attributes elsewhere bring them up to date. */
static int refresh(struct inode *i)
{
    return i->iops && i->iops->getattr ? i->iops->getattr(i) : 0;
}

static void fill_stat(const struct inode *i, struct stat *st)
{
    uint64_t size;
    uint32_t nlink;
    stat_sizes(i, &size, &nlink);
    memset(st, 0, sizeof(*st));
    st->st_dev = ino_dev(i);
    st->st_ino = i->ino;
    st->st_nlink = nlink;
    st->st_mode = i->mode;
    st->st_uid = i->uid;
    st->st_gid = i->gid;
    st->st_rdev = enc_dev(i->rdev_major, i->rdev_minor);
    st->st_size = (long)size;
    st->st_blksize = CORE_PAGE_SIZE;
    st->st_blocks = (long)ino_blocks(i);
    st->st_atime = ns_sec(i->atime_ns);
    st->st_atime_nsec = ns_nsec(i->atime_ns);
    st->st_mtime = ns_sec(i->mtime_ns);
    st->st_mtime_nsec = ns_nsec(i->mtime_ns);
    st->st_ctime = ns_sec(i->ctime_ns);
    st->st_ctime_nsec = ns_nsec(i->ctime_ns);
}

/* Resolve dirfd + path as the *at calls do, with AT_EMPTY_PATH. */
static long at_lookup(int dirfd, uaddr_t u_path, int flags, bool follow,
                      struct lookup *lk)
{
    char *path;
    memset(lk, 0, sizeof(*lk));
    long ret = path_from_user(u_path, &path);
    if (ret < 0)
        return ret;
    if (ret == 0 && (flags & AT_EMPTY_PATH)) {
        struct file *f = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);
        struct inode *i = dirfd == AT_FDCWD ? abi_proc->cwd : f ? f->inode : NULL;
        ret = i ? 0 : -EBADF;
        if (i) {
            inode_get(i);
            lk->inode = i;
        }
    } else {
        ret = vfs_lookup_at(dirfd, path, follow ? LOOKUP_FOLLOW : 0, lk);
    }
    core_free(path);
    return ret;
}

long sys_newfstatat(int dirfd, uaddr_t u_path, uaddr_t u_st, int flags)
{
    struct lookup lk;
    struct stat st;
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    long ret = at_lookup(dirfd, u_path, flags, !(flags & AT_SYMLINK_NOFOLLOW), &lk);
    if (!ret)
        ret = refresh(lk.inode);
    if (!ret) {
        fill_stat(lk.inode, &st);
        ret = core_copy_to_user(u_st, &st, sizeof(st)) ? -EFAULT : 0;
    }
    lookup_release(&lk);
    return ret;
}

long sys_stat(uaddr_t u_path, uaddr_t u_st)
{
    return sys_newfstatat(AT_FDCWD, u_path, u_st, 0);
}

long sys_lstat(uaddr_t u_path, uaddr_t u_st)
{
    return sys_newfstatat(AT_FDCWD, u_path, u_st, AT_SYMLINK_NOFOLLOW);
}

long sys_fstat(int fd, uaddr_t u_st)
{
    struct file *f = fd_get(fd);
    struct stat st;
    if (!f)
        return -EBADF;
    long ret = refresh(f->inode);
    if (ret)
        return ret;
    fill_stat(f->inode, &st);
    return core_copy_to_user(u_st, &st, sizeof(st)) ? -EFAULT : 0;
}

static void ts_fill(struct statx_timestamp *t, uint64_t ns)
{
    t->tv_sec = ns_sec(ns);
    t->tv_nsec = ns_nsec(ns);
}

long sys_statx(int dirfd, uaddr_t u_path, int flags, unsigned mask, uaddr_t u_stx)
{
    struct lookup lk;
    struct statx sx;
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
                  AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED))
        return -EINVAL;
    long ret = at_lookup(dirfd, u_path, flags, !(flags & AT_SYMLINK_NOFOLLOW), &lk);
    if (!ret)
        ret = refresh(lk.inode);
    if (ret)
        goto out;
    const struct inode *i = lk.inode;
    uint64_t size;
    uint32_t nlink;
    stat_sizes(i, &size, &nlink);
    memset(&sx, 0, sizeof(sx));
    sx.stx_mask = STATX_BASIC_STATS | STATX_BTIME;
    sx.stx_blksize = CORE_PAGE_SIZE;
    sx.stx_nlink = nlink;
    sx.stx_uid = i->uid;
    sx.stx_gid = i->gid;
    sx.stx_mode = (uint16_t)i->mode;
    sx.stx_ino = i->ino;
    sx.stx_size = size;
    sx.stx_blocks = ino_blocks(i);
    ts_fill(&sx.stx_atime, i->atime_ns);
    ts_fill(&sx.stx_btime, i->btime_ns);
    ts_fill(&sx.stx_ctime, i->ctime_ns);
    ts_fill(&sx.stx_mtime, i->mtime_ns);
    sx.stx_rdev_major = i->rdev_major;
    sx.stx_rdev_minor = i->rdev_minor;
    sx.stx_dev_major = S_ISCHR(i->mode) ? 0 : 0;
    sx.stx_dev_minor = ino_dev(i);
    ret = core_copy_to_user(u_stx, &sx, sizeof(sx)) ? -EFAULT : 0;
out:
    lookup_release(&lk);
    return ret;
}

long sys_faccessat2(int dirfd, uaddr_t u_path, int mode, int flags)
{
    struct lookup lk;
    if (mode & ~7)
        return -EINVAL;
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    long ret = at_lookup(dirfd, u_path, flags, !(flags & AT_SYMLINK_NOFOLLOW), &lk);
    if (!ret && (mode & 1) && !S_ISDIR(lk.inode->mode) && !(lk.inode->mode & 0111))
        ret = -EACCES;
    lookup_release(&lk);
    return ret;
}

long sys_faccessat(int dirfd, uaddr_t u_path, int mode)
{
    return sys_faccessat2(dirfd, u_path, mode, 0);
}

long sys_access(uaddr_t u_path, int mode)
{
    return sys_faccessat2(AT_FDCWD, u_path, mode, 0);
}

static long set_mode(struct inode *i, uint32_t mode)
{
    struct vfs_setattr a = {.valid = VFS_SET_MODE, .mode = mode & 07777};
    long err = vfs_setattr(i, &a);
    if (err != -ENOSYS)
        return err;
    i->mode = (i->mode & S_IFMT) | (mode & 07777);
    inode_touch(i, false, true);
    return 0;
}

long sys_fchmodat(int dirfd, uaddr_t u_path, uint32_t mode)
{
    struct lookup lk;
    long ret = at_lookup(dirfd, u_path, 0, true, &lk);
    if (!ret)
        ret = set_mode(lk.inode, mode);
    lookup_release(&lk);
    return ret;
}

long sys_chmod(uaddr_t u_path, uint32_t mode)
{
    return sys_fchmodat(AT_FDCWD, u_path, mode);
}

long sys_fchmod(int fd, uint32_t mode)
{
    struct file *f = fd_get(fd);
    return f && !(f->flags & O_PATH) ? set_mode(f->inode, mode) : -EBADF;
}

static long set_owner(struct inode *i, uint32_t uid, uint32_t gid)
{
    struct vfs_setattr a = {.uid = uid, .gid = gid};
    a.valid = (uid != (uint32_t)-1 ? VFS_SET_UID : 0) | (gid != (uint32_t)-1 ? VFS_SET_GID : 0);
    long err = a.valid ? vfs_setattr(i, &a) : -ENOSYS;
    if (err != -ENOSYS)
        return err;
    if (uid != (uint32_t)-1)
        i->uid = uid;
    if (gid != (uint32_t)-1)
        i->gid = gid;
    if (!S_ISDIR(i->mode))
        i->mode &= ~(uint32_t)S_ISUID; /* as Linux clears setuid on chown */
    inode_touch(i, false, true);
    return 0;
}

long sys_fchownat(int dirfd, uaddr_t u_path, uint32_t uid, uint32_t gid, int flags)
{
    struct lookup lk;
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    long ret = at_lookup(dirfd, u_path, flags, !(flags & AT_SYMLINK_NOFOLLOW), &lk);
    if (!ret)
        ret = set_owner(lk.inode, uid, gid);
    lookup_release(&lk);
    return ret;
}

long sys_chown(uaddr_t u_path, uint32_t uid, uint32_t gid)
{
    return sys_fchownat(AT_FDCWD, u_path, uid, gid, 0);
}

long sys_lchown(uaddr_t u_path, uint32_t uid, uint32_t gid)
{
    return sys_fchownat(AT_FDCWD, u_path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
    struct file *f = fd_get(fd);
    return f && !(f->flags & O_PATH) ? set_owner(f->inode, uid, gid) : -EBADF;
}

static bool time_ok(const struct __kernel_timespec *t)
{
    return t->tv_nsec == UTIME_OMIT || t->tv_nsec == UTIME_NOW ||
           (t->tv_nsec >= 0 && t->tv_nsec < 1000000000);
}

/* The new value of one time. Any tv_sec is valid, before 1970 too; what
 * 64-bit nanoseconds cannot hold (before 1677, after 2262) is clamped to
 * the nearest end, as Linux clamps to a filesystem's range. */
static uint64_t time_new(const struct __kernel_timespec *t, uint64_t now, uint64_t old)
{
    if (t->tv_nsec == UTIME_OMIT)
        return old;
    if (t->tv_nsec == UTIME_NOW)
        return now;
    if (t->tv_sec > INT64_MAX / 1000000000 - 1)
        return (uint64_t)INT64_MAX;
    if (t->tv_sec < INT64_MIN / 1000000000 + 1)
        return (uint64_t)INT64_MIN;
    return (uint64_t)(t->tv_sec * 1000000000 + t->tv_nsec);
}

/* utimensat on a filesystem that keeps the times (virtio-fs). */
static long set_times_fs(struct inode *i, const struct __kernel_timespec *ts)
{
    struct vfs_setattr a = {0};
    for (int k = 0; k < 2; k++) {
        if (ts[k].tv_nsec == UTIME_OMIT)
            continue;
        a.valid |= ts[k].tv_nsec == UTIME_NOW ? (k ? VFS_SET_MTIME_NOW : VFS_SET_ATIME_NOW)
                                              : (k ? VFS_SET_MTIME : VFS_SET_ATIME);
        int64_t ns = (int64_t)time_new(&ts[k], 0, 0);
        if (k)
            a.mtime_ns = ns;
        else
            a.atime_ns = ns;
    }
    return vfs_setattr(i, &a);
}

/* Linux's order: the times are read first, and both UTIME_OMIT is done
 * before anything else is looked at. A NULL path with a real descriptor
 * is futimens (no flags allowed, no O_PATH); with AT_FDCWD it is a path
 * and faults. The nanoseconds are checked once the file is found. */
long sys_utimensat(int dirfd, uaddr_t u_path, uaddr_t u_times, int flags)
{
    struct __kernel_timespec ts[2];
    struct lookup lk;
    memset(&lk, 0, sizeof(lk));
    if (u_times.addr) {
        if (core_copy_from_user(ts, u_times, sizeof(ts)))
            return -EFAULT;
        if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
            return 0; /* nothing to do: not even ctime */
    } else {
        ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
    }
    long ret;
    if (!u_path.addr && dirfd != AT_FDCWD) { /* futimens */
        struct file *f = flags ? NULL : fd_get(dirfd);
        ret = flags ? -EINVAL : !f || (f->flags & O_PATH) ? -EBADF : 0;
        if (!ret) {
            lk.inode = f->inode;
            inode_get(f->inode);
        }
    } else if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
        ret = -EINVAL;
    } else if (!u_path.addr) {
        ret = -EFAULT;
    } else {
        ret = at_lookup(dirfd, u_path, flags, !(flags & AT_SYMLINK_NOFOLLOW), &lk);
    }
    if (!ret && !(time_ok(&ts[0]) && time_ok(&ts[1])))
        ret = -EINVAL;
    if (!ret && lk.inode->iops && lk.inode->iops->setattr) {
        ret = set_times_fs(lk.inode, ts);
    } else if (!ret) {
        uint64_t now = core_time_realtime_ns();
        lk.inode->atime_ns = time_new(&ts[0], now, lk.inode->atime_ns);
        lk.inode->mtime_ns = time_new(&ts[1], now, lk.inode->mtime_ns);
        lk.inode->ctime_ns = now;
    }
    lookup_release(&lk);
    return ret;
}

static long fill_statfs(struct inode *i, uaddr_t u_buf)
{
    struct statfs sf;
    memset(&sf, 0, sizeof(sf));
    if (i->iops && i->iops->statfs) {
        int err = i->iops->statfs(i, &sf);
        if (err)
            return err;
        return core_copy_to_user(u_buf, &sf, sizeof(sf)) ? -EFAULT : 0;
    }
    sf.f_type = i->sb ? (long)i->sb->magic : TMPFS_MAGIC;
    if (sf.f_type == PROC_SUPER_MAGIC) {
        sf.f_bsize = sf.f_frsize = CORE_PAGE_SIZE;
        sf.f_namelen = ABI_NAME_MAX;
        return core_copy_to_user(u_buf, &sf, sizeof(sf)) ? -EFAULT : 0;
    }
    sf.f_bsize = CORE_PAGE_SIZE;
    sf.f_frsize = CORE_PAGE_SIZE;
    sf.f_blocks = core_mem_total_bytes() / CORE_PAGE_SIZE;
    sf.f_bfree = sf.f_bavail = core_mem_free_bytes() / CORE_PAGE_SIZE;
    sf.f_files = sf.f_blocks / 2;
    sf.f_ffree = sf.f_files;
    sf.f_namelen = ABI_NAME_MAX;
    return core_copy_to_user(u_buf, &sf, sizeof(sf)) ? -EFAULT : 0;
}

long sys_statfs(uaddr_t u_path, uaddr_t u_buf)
{
    struct lookup lk;
    long ret = at_lookup(AT_FDCWD, u_path, 0, true, &lk);
    if (!ret)
        ret = fill_statfs(lk.inode, u_buf);
    lookup_release(&lk);
    return ret;
}

long sys_fstatfs(int fd, uaddr_t u_buf)
{
    struct file *f = fd_get(fd);
    return f ? fill_statfs(f->inode, u_buf) : -EBADF;
}
