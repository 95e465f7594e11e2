/* mica devices: the virtio-fs server's private parts (virtiofs_*.c). */
#ifndef MICA_DEVICES_VIRTIOFS_INT_H
#define MICA_DEVICES_VIRTIOFS_INT_H

#include <linux/fuse.h>
#include <stdint.h>
#include <sys/stat.h>

#include "virtiofs.h"

#define VFSD_NODES_MAX (1u << 20)
#define VFSD_FILES_MAX 4096u
#define VFSD_HASH 4096u
#define VFSD_NAME_MAX 255u
#define VFSD_REPLY_MAX (VFSD_MAX_READ + 4096u)

/* A host object the guest knows by node ID. fd is O_PATH, opened without
 * following symlinks, beneath its parent's fd. Regular files are opened
 * for reading again through parent + name, and must still be the same
 * inode. A node lives while the guest holds lookups on it or a child
 * names it as parent. Writable shares later add no new fields here: the
 * parent/name pair is what create, rename and unlink need. */
struct vfsd_node {
    int fd;            /* -1: free slot */
    uint64_t nlookup;  /* lookups the guest has not forgotten */
    uint32_t children; /* nodes naming this one as parent */
    uint32_t parent;   /* node ID; the root is its own parent */
    uint32_t hnext;    /* (dev, ino) hash chain, 0 ends it */
    dev_t dev;
    ino_t ino;
    mode_t mode;
    char *name;
};

struct vfsd_file {
    int fd; /* -1: free */
    uint32_t node;
    int is_dir;
};

struct vfsd {
    unsigned flags;
    int initialized;
    struct vfsd_node *nodes; /* index = node ID; 0 unused, 1 root */
    uint32_t nnodes, free_hint;
    uint32_t hash[VFSD_HASH];
    struct vfsd_file files[VFSD_FILES_MAX];
    uint8_t *dirbuf; /* getdents scratch */
    uint8_t *reqbuf, *replybuf; /* one request and its reply, copied */
};

/* One request being served (virtiofs_srv.c). */
struct vfsd_req {
    struct fuse_in_header ih;
    const uint8_t *arg;
    size_t arg_len;
    uint8_t *out; /* reply payload, after the out header */
    size_t out_cap, out_len;
    int noreply;
    int violation; /* the guest broke the protocol: stop the VM */
    struct mica_error *err;
};

/* Request helpers (virtiofs_srv.c). */
int vfsd_violation(struct vfsd_req *r, const char *what);
void vfsd_attr(struct fuse_attr *a, const struct stat *st);
int vfsd_reply(struct vfsd_req *r, const void *data, size_t len);
struct vfsd_node *vfsd_req_node(struct vfsd *s, struct vfsd_req *r);
struct vfsd_file *vfsd_req_file(struct vfsd *s, struct vfsd_req *r, uint64_t fh);
int vfsd_file_slot(struct vfsd *s); /* a free handle slot, or -ENFILE */

/* Path safety (virtiofs_node.c). */
int vfsd_name_check(const char *name, size_t len)
    __attribute__((warn_unused_result));
int vfsd_open_beneath(int dirfd, const char *name, int flags)
    __attribute__((warn_unused_result));
int vfsd_open_beneath_mode(int dirfd, const char *name, int flags, mode_t mode)
    __attribute__((warn_unused_result));
int vfsd_hidden(const struct vfsd *s, const struct stat *st);

/* The node table. */
int vfsd_nodes_init(struct vfsd *s, const char *dir, struct mica_error *err)
    __attribute__((warn_unused_result));
void vfsd_nodes_reset(struct vfsd *s);
void vfsd_nodes_free(struct vfsd *s);
struct vfsd_node *vfsd_node_get(struct vfsd *s, uint64_t id);
int vfsd_node_lookup(struct vfsd *s, uint32_t parent, const char *name,
                     struct stat *st) __attribute__((warn_unused_result));
int vfsd_node_forget(struct vfsd *s, uint64_t id, uint64_t n);
/* A new fd for node id: the directory itself (read-only), or the regular
 * file opened again with flags (O_ACCMODE, O_APPEND, O_TRUNC). */
int vfsd_node_open(struct vfsd *s, uint32_t id, int dir, int flags)
    __attribute__((warn_unused_result));
void vfsd_node_release(struct vfsd *s, uint32_t id);
/* A name moved (RENAME): the node of what is now parent/name, if the
 * table has it, is called that from now on. */
void vfsd_node_moved(struct vfsd *s, uint32_t parent, const char *name);
/* "/proc/self/fd/N" of a node's O_PATH fd: the very inode, no path walk. */
void vfsd_fd_path(char *buf, size_t size, int fd);

/* The changing requests (virtiofs_write.c): EROFS unless VFSD_WRITABLE. */
int vfsd_create(struct vfsd *s, struct vfsd_req *r);
int vfsd_mknod(struct vfsd *s, struct vfsd_req *r);
int vfsd_mkdir(struct vfsd *s, struct vfsd_req *r);
int vfsd_symlink(struct vfsd *s, struct vfsd_req *r);
int vfsd_link(struct vfsd *s, struct vfsd_req *r);
int vfsd_unlink(struct vfsd *s, struct vfsd_req *r);
int vfsd_rmdir(struct vfsd *s, struct vfsd_req *r);
int vfsd_rename(struct vfsd *s, struct vfsd_req *r);
int vfsd_rename2(struct vfsd *s, struct vfsd_req *r);
int vfsd_write(struct vfsd *s, struct vfsd_req *r);
int vfsd_setattr(struct vfsd *s, struct vfsd_req *r);
int vfsd_fsync(struct vfsd *s, struct vfsd_req *r);
int vfsd_fallocate(struct vfsd *s, struct vfsd_req *r);
int vfsd_erofs(struct vfsd *s, struct vfsd_req *r);

#endif
