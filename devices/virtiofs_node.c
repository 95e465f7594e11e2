/* mica devices: the virtio-fs server's node table and path safety.
 *
 * No guest request ever names a host path. The guest names a node ID and,
 * for LOOKUP, one component; the server holds an O_PATH fd per node and
 * opens the component beneath its parent's fd, one level at a time, never
 * following a symlink (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
 * where openat2 is missing, openat with O_NOFOLLOW on a name that was
 * checked to be a single component). "." and ".." never reach the host:
 * they are answered from the table, and the root is its own parent, so
 * no walk leaves the shared directory. Symlinks become nodes whose
 * target text READLINK returns for the guest to resolve in its own
 * namespace. Node IDs are table indices; the same host inode (dev, ino)
 * keeps one node ID, as FUSE expects.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "virtiofs_int.h"

int vfsd_name_check(const char *name, size_t len)
{
    if (len == 0 || memchr(name, '/', len) || memchr(name, '\0', len))
        return -EINVAL;
    if (len > VFSD_NAME_MAX)
        return -ENAMETOOLONG;
    if ((len == 1 && name[0] == '.') ||
        (len == 2 && name[0] == '.' && name[1] == '.'))
        return -EINVAL; /* the table answers these, never the host */
    return 0;
}

static int vfsd_have_openat2 = 1;

int vfsd_open_beneath(int dirfd, const char *name, int flags)
{
    return vfsd_open_beneath_mode(dirfd, name, flags, 0);
}

int vfsd_open_beneath_mode(int dirfd, const char *name, int flags, mode_t mode)
{
    struct open_how how = {
        .flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
        .mode = (flags & O_CREAT) ? mode : 0,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                   RESOLVE_NO_MAGICLINKS,
    };
    int fd, rc = vfsd_name_check(name, strlen(name));

    if (rc < 0)
        return rc;
    if (vfsd_have_openat2) {
        fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
        if (fd >= 0)
            return fd;
        if (errno != ENOSYS)
            return -errno;
        vfsd_have_openat2 = 0;
    }
    fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
    return fd < 0 ? -errno : fd;
}

int vfsd_hidden(const struct vfsd *s, const struct stat *st)
{
    if (!(s->flags & VFSD_FILTER_WORLD_READABLE) || S_ISLNK(st->st_mode))
        return 0;
    if (S_ISDIR(st->st_mode))
        return (st->st_mode & (S_IROTH | S_IXOTH)) != (S_IROTH | S_IXOTH);
    return !(st->st_mode & S_IROTH);
}

static uint32_t vfsd_hash_of(dev_t dev, ino_t ino)
{
    uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dev;

    return (uint32_t)(h >> 40) % VFSD_HASH;
}

struct vfsd_node *vfsd_node_get(struct vfsd *s, uint64_t id)
{
    if (id == 0 || id >= s->nnodes || s->nodes[id].fd < 0)
        return NULL;
    return &s->nodes[id];
}

static uint32_t vfsd_node_find(struct vfsd *s, dev_t dev, ino_t ino)
{
    uint32_t id = s->hash[vfsd_hash_of(dev, ino)];

    while (id && !(s->nodes[id].dev == dev && s->nodes[id].ino == ino))
        id = s->nodes[id].hnext;
    return id;
}

/* A free node ID, growing the table; 0 when full. */
static uint32_t vfsd_node_alloc(struct vfsd *s)
{
    uint32_t id, n;
    struct vfsd_node *grown;

    for (id = s->free_hint; id < s->nnodes; id++)
        if (s->nodes[id].fd < 0)
            return s->free_hint = id;
    if (s->nnodes >= VFSD_NODES_MAX)
        return 0;
    n = s->nnodes ? s->nnodes * 2 : 64;
    grown = realloc(s->nodes, n * sizeof(*grown));
    if (grown == NULL)
        return 0;
    for (id = s->nnodes; id < n; id++)
        grown[id] = (struct vfsd_node){ .fd = -1 };
    s->nodes = grown;
    id = s->nnodes > 2 ? s->nnodes : 2; /* 1 is the root's */
    s->nnodes = n;
    return s->free_hint = id;
}

static void vfsd_hash_remove(struct vfsd *s, uint32_t id)
{
    uint32_t *link = &s->hash[vfsd_hash_of(s->nodes[id].dev, s->nodes[id].ino)];

    while (*link && *link != id)
        link = &s->nodes[*link].hnext;
    if (*link)
        *link = s->nodes[id].hnext;
}

/* Free id and, in turn, parents nothing else holds. */
void vfsd_node_release(struct vfsd *s, uint32_t id)
{
    while (id > 1 && s->nodes[id].nlookup == 0 && s->nodes[id].children == 0) {
        struct vfsd_node *n = &s->nodes[id];
        uint32_t parent = n->parent;

        vfsd_hash_remove(s, id);
        close(n->fd);
        free(n->name);
        *n = (struct vfsd_node){ .fd = -1 };
        if (id < s->free_hint)
            s->free_hint = id;
        s->nodes[parent].children--;
        id = parent;
    }
}

int vfsd_node_lookup(struct vfsd *s, uint32_t parent, const char *name,
                     struct stat *st)
{
    struct vfsd_node *p = vfsd_node_get(s, parent);
    uint32_t id;
    char *copy;
    int fd;

    if (p == NULL || !S_ISDIR(p->mode))
        return -ENOTDIR;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        id = name[1] ? p->parent : parent;
    else {
        fd = vfsd_open_beneath(p->fd, name, O_PATH);
        if (fd < 0)
            return fd;
        if (fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ||
            vfsd_hidden(s, st)) {
            close(fd);
            return -ENOENT;
        }
        id = vfsd_node_find(s, st->st_dev, st->st_ino);
        if (id) {
            close(fd);
        } else {
            copy = strdup(name);
            id = copy ? vfsd_node_alloc(s) : 0;
            if (id == 0) {
                free(copy);
                close(fd);
                return -ENOMEM;
            }
            s->nodes[id] = (struct vfsd_node){
                .fd = fd, .parent = parent, .dev = st->st_dev,
                .ino = st->st_ino, .mode = st->st_mode, .name = copy,
                .hnext = s->hash[vfsd_hash_of(st->st_dev, st->st_ino)],
            };
            s->hash[vfsd_hash_of(st->st_dev, st->st_ino)] = id;
            s->nodes[parent].children++;
        }
    }
    if (fstatat(s->nodes[id].fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    s->nodes[id].nlookup++;
    return (int)id;
}

/* The guest gives back n lookups. -EPROTO for an unknown node or more
 * than it holds; the root is never freed (Linux forgets it at unmount). */
int vfsd_node_forget(struct vfsd *s, uint64_t id, uint64_t n)
{
    struct vfsd_node *node = vfsd_node_get(s, id);

    if (node == NULL)
        return -EPROTO;
    if (id == 1) {
        node->nlookup = n > node->nlookup ? 0 : node->nlookup - n;
        return 0;
    }
    if (n > node->nlookup)
        return -EPROTO;
    node->nlookup -= n;
    vfsd_node_release(s, (uint32_t)id);
    return 0;
}

void vfsd_fd_path(char *buf, size_t size, int fd)
{
    snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* Open the regular file behind node n again, through its own O_PATH fd
 * (the magic link reaches that inode and nothing else, wherever it has
 * been renamed to); beneath its parent by name where /proc is missing. */
static int vfsd_reopen(struct vfsd *s, struct vfsd_node *n, int flags)
{
    struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC) };
    char path[40];
    int fd;

    vfsd_fd_path(path, sizeof(path), n->fd);
    fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
    if (fd >= 0)
        return fd;
    if (errno != ENOENT && errno != ENOSYS)
        return -errno;
    return vfsd_open_beneath(s->nodes[n->parent].fd, n->name, flags);
}

/* A new fd for node id: the directory itself, or the regular file opened
 * again and checked to be the same inode. */
int vfsd_node_open(struct vfsd *s, uint32_t id, int dir, int flags)
{
    struct vfsd_node *n = vfsd_node_get(s, id);
    struct stat st;
    int fd;

    if (n == NULL)
        return -ESTALE;
    if (dir != !!S_ISDIR(n->mode))
        return dir ? -ENOTDIR : -EISDIR;
    if (dir)
        fd = openat(n->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    else if (!S_ISREG(n->mode))
        return -EACCES; /* never a device, FIFO or socket of the host */
    else
        fd = vfsd_reopen(s, n, (flags & (O_ACCMODE | O_APPEND | O_TRUNC)) |
                                   O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return dir ? -errno : fd;
    if (fstat(fd, &st) < 0 || st.st_dev != n->dev || st.st_ino != n->ino) {
        close(fd);
        return -ESTALE;
    }
    if (id != 1 && vfsd_hidden(s, &st)) { /* the root is shared as given */
        close(fd);
        return -EACCES;
    }
    return fd;
}

void vfsd_node_moved(struct vfsd *s, uint32_t parent, const char *name)
{
    struct stat st;
    uint32_t id, old;
    char *copy;

    if (fstatat(s->nodes[parent].fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return;
    id = vfsd_node_find(s, st.st_dev, st.st_ino);
    if (id <= 1 || (copy = strdup(name)) == NULL)
        return; /* unknown to the guest; or a stale name, only used without /proc */
    free(s->nodes[id].name);
    s->nodes[id].name = copy;
    old = s->nodes[id].parent;
    if (old == parent)
        return;
    s->nodes[id].parent = parent;
    s->nodes[parent].children++;
    s->nodes[old].children--;
    vfsd_node_release(s, old);
}

int vfsd_nodes_init(struct vfsd *s, const char *dir, struct mica_error *err)
{
    struct rlimit rl;
    struct stat st;
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        return mica_error_sys(err, errno, "cannot share %s", dir);
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return mica_error_sys(err, e, "cannot share %s", dir);
    }
    if (vfsd_node_alloc(s) != 2) { /* makes room for IDs 0 and 1 */
        close(fd);
        return mica_error_set(err, ENOMEM, "out of memory");
    }
    s->nodes[1] = (struct vfsd_node){ .fd = fd, .parent = 1, .nlookup = 1,
                                      .dev = st.st_dev, .ino = st.st_ino,
                                      .mode = st.st_mode };
    s->hash[vfsd_hash_of(st.st_dev, st.st_ino)] = 1;
    /* each node the guest holds is an fd: take what the hard limit allows */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    return 0;
}

/* Forget everything the guest held (DESTROY): all but the root. */
void vfsd_nodes_reset(struct vfsd *s)
{
    uint32_t id;

    for (id = 2; id < s->nnodes; id++)
        if (s->nodes[id].fd >= 0) {
            close(s->nodes[id].fd);
            free(s->nodes[id].name);
            s->nodes[id] = (struct vfsd_node){ .fd = -1 };
        }
    memset(s->hash, 0, sizeof(s->hash));
    if (s->nnodes > 1) {
        s->nodes[1].children = 0;
        s->nodes[1].nlookup = 1;
        s->nodes[1].hnext = 0;
        s->hash[vfsd_hash_of(s->nodes[1].dev, s->nodes[1].ino)] = 1;
    }
    s->free_hint = 2;
}

void vfsd_nodes_free(struct vfsd *s)
{
    vfsd_nodes_reset(s);
    if (s->nnodes > 1 && s->nodes[1].fd >= 0)
        close(s->nodes[1].fd);
    free(s->nodes);
    s->nodes = NULL;
    s->nnodes = 0;
}
