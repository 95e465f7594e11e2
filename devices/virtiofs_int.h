/* mica devices: the virtio-fs server's private parts (virtiofs_*.c). */
#ifndef MICA_DEVICES_VIRTIOFS_INT_H
#define MICA_DEVICES_VIRTIOFS_INT_H

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

/* Path safety (virtiofs_node.c). */
int vfsd_name_check(const char *name, size_t len)
    __attribute__((warn_unused_result));
int vfsd_open_beneath(int dirfd, const char *name, int flags)
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
int vfsd_node_open(struct vfsd *s, uint32_t id, int dir)
    __attribute__((warn_unused_result));

#endif
