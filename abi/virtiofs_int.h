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
    void **pages;             /* regular files: page cache, NULL = absent */
    size_t npages;            /* capacity of pages[] */
    size_t cached;            /* pages present */
    struct vnode *lru_prev, *lru_next; /* vnodes with cached pages */
    struct vfs_open *kopen; /* the kernel's own handle (exec, mmap), or NULL */
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
void vfs_done(struct vfs_session *fs, struct vfs_reply *r);
void vnode_attr_set(struct vnode *vn, const struct fuse_attr *a, uint64_t valid_s,
                    uint32_t valid_ns);
int vnode_getattr(struct inode *ino) __must_check;

/* virtiofs_io.c */
extern const struct file_ops virtiofs_reg_ops, virtiofs_dir_ops;
void vnode_pages_drop(struct vnode *vn);
void virtiofs_iterate(struct inode *dir, struct dir_ctx *ctx);
int virtiofs_data_page(struct inode *ino, uint64_t idx, void **pg) __must_check;
/* Release the kernel's handle on a file, if it has one (before DESTROY). */
void vnode_kernel_release(struct vnode *vn);

#endif
