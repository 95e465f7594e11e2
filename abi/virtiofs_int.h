/* Private to the virtio-fs client (virtiofs.c, virtiofs_io.c). */
#ifndef VIRTIOFS_INT_H
#define VIRTIOFS_INT_H

#include "abi_int.h"

#include <core/sched.h>
#include <linux/fuse.h>

#define VFS_TAG_MAX 36         /* struct virtio_fs_config's tag */
#define VFS_BUFS 4             /* request buffers per mount */
#define VFS_READ_MAX (128u << 10)
#define VFS_BUF_SIZE (VFS_READ_MAX + CORE_PAGE_SIZE)
#define VFS_HASH 256

struct virtq;
struct virtio_dev;
struct core_dma;

/* An open file or directory: the server's handle. */
struct vfs_open {
    uint64_t fh;
    uint32_t open_flags; /* FOPEN_* */
};

/* One mount of one device. */
struct vfs_session {
    struct virtio_dev *dev;
    struct virtq *hiprio, *req;
    unsigned dev_index;
    char tag[VFS_TAG_MAX + 1];
    struct super *sb;
    struct inode *root;
    struct vnode *hash[VFS_HASH];
    uint64_t unique;
    uint32_t read_max; /* bytes per READ */
    uint32_t write_max; /* bytes per WRITE */
    bool gone;          /* unmounting: evicted inodes need no FORGET */
    unsigned inflight; /* requests sleeping on the device */
    struct core_dma *bufs[VFS_BUFS];
    bool buf_busy[VFS_BUFS];
    struct core_waitq buf_wq;
};

/* A cached name in a directory, valid until `expires`. */
struct vdentry {
    struct vdentry *next;
    struct vnode *node;
    uint64_t expires_ns;
    size_t len;
    char name[];
};

/* The filesystem's part of an inode: what the server calls it, how many
 * lookups it counted for it, and the cached data pages. */
struct vnode {
    struct vnode *hash_next;
    struct vfs_session *fs;
    struct inode *inode;
    uint64_t nodeid, generation, nlookup;
    uint64_t attr_expires_ns;
    struct vdentry *dentries; /* directories: cached names */
    uint32_t dcount;          /* cached names (anywhere) that lead here */
    void **pages;             /* regular files: page cache, NULL = absent */
    size_t npages;            /* capacity of pages[] */
    size_t cached;            /* pages present */
    struct vnode *lru_prev, *lru_next; /* vnodes with cached pages */
    struct vfs_open *kopen; /* the kernel's own handle (exec, mmap), or NULL */
};

/* One piece of a request's arguments: kernel bytes, or user bytes
 * (WRITE's data) copied straight into the request buffer. */
struct vfs_arg {
    const void *p;
    uaddr_t u;
    size_t len;
    bool user;
};

/* A request's reply, in the session's DMA buffer until vfs_done. */
struct vfs_reply {
    int buf;
    const void *data;
    size_t len;
};

/* virtiofs.c */
static inline struct vnode *vnode_of(const struct inode *ino)
{
    return ino->priv;
}
/* Send opcode for nodeid with up to two argument pieces and wait; the
 * reply holds at most reply_max bytes. 0 (reply set: vfs_done it) or
 * -errno (nothing to release). */
int vfs_call(struct vfs_session *fs, uint32_t opcode, uint64_t nodeid, const void *a1,
             size_t l1, const void *a2, size_t l2, size_t reply_max,
             struct vfs_reply *r) __must_check;
int vfs_callv(struct vfs_session *fs, uint32_t opcode, uint64_t nodeid,
              const struct vfs_arg *args, int nargs, size_t reply_max,
              struct vfs_reply *r) __must_check;
void vfs_done(struct vfs_session *fs, struct vfs_reply *r);
/* The inode for a LOOKUP-like answer (counted as a lookup), made if new;
 * NULL if the server's answer cannot be believed or memory ran out. */
struct inode *vnode_get(struct vfs_session *fs, struct inode *parent,
                        const struct fuse_entry_out *e);
/* Forget the cached name in dir (it changed on the server). */
void dentry_drop(struct vnode *dir, const char *name, size_t len);
void vnode_attr_set(struct vnode *vn, const struct fuse_attr *a, uint64_t valid_s,
                    uint32_t valid_ns);
int vnode_getattr(struct inode *ino) __must_check;

/* virtiofs_write.c: the changing operations of rw mounts. */
extern const struct inode_ops virtiofs_iops;
ssize_t virtiofs_write(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos);
int virtiofs_fsync(struct file *f, bool datasync) __must_check;
int virtiofs_fallocate(struct file *f, int mode, uint64_t off, uint64_t len) __must_check;
int virtiofs_mknod(struct inode *dir, const char *name, size_t len, uint32_t mode,
                   uint32_t flags, const char *target, struct inode **out,
                   void **opened) __must_check;
int virtiofs_link(struct inode *ino, struct inode *dir, const char *name,
                  size_t len) __must_check;
int virtiofs_remove(struct inode *dir, const char *name, size_t len,
                    struct inode *child, bool isdir) __must_check;
int virtiofs_rename(struct inode *odir, const char *oname, size_t olen,
                    struct inode *ndir, const char *nname, size_t nlen,
                    unsigned flags) __must_check;
int virtiofs_setattr(struct inode *ino, const struct vfs_setattr *a) __must_check;

/* virtiofs_io.c */
extern const struct file_ops virtiofs_reg_ops, virtiofs_dir_ops;
void vnode_pages_drop(struct vnode *vn);
void virtiofs_iterate(struct inode *dir, struct dir_ctx *ctx);
int virtiofs_data_page(struct inode *ino, uint64_t idx, void **pg) __must_check;
int virtiofs_open_check(struct inode *ino) __must_check;
/* Release the kernel's handle on a file, if it has one (before DESTROY). */
void vnode_kernel_release(struct vnode *vn);

#endif
