/* Unix socket names: the filesystem and abstract namespaces.
 *
 * A path name is an S_IFSOCK inode made in a directory, as mknod would;
 * the bound socket keeps a reference to it, and connect finds the socket
 * by walking the path to the inode and then the list of bound sockets.
 * unlink removes the name but not the binding; closing the socket leaves
 * the name (connect is then refused) until it is unlinked. Abstract names
 * (sun_path[0] == 0) are bytes of the given length in the same list,
 * gone with their socket. Autobind picks "\0" and five hex digits.
 */
#include "socket_int.h"

static struct usock *bound;

static int name_open(struct file *f)
{
    return -ENXIO; /* a socket's name cannot be opened */
}

static const struct file_ops name_ops = {.open = name_open};

static bool addr_abstract(const struct usock_addr *a)
{
    return a->len > sizeof(a->sa.sun_family) && a->sa.sun_path[0] == 0;
}

int usock_addr_from_user(uaddr_t u_addr, int len, struct usock_addr *a)
{
    if (len < (int)sizeof(a->sa.sun_family) || len > (int)sizeof(a->sa))
        return -EINVAL;
    memset(a, 0, sizeof(*a));
    if (core_copy_from_user(&a->sa, u_addr, (size_t)len))
        return -EFAULT;
    if (a->sa.sun_family != AF_UNIX)
        return -EINVAL;
    a->len = (uint32_t)len;
    if (len > (int)sizeof(a->sa.sun_family) && a->sa.sun_path[0]) {
        /* a path: up to its NUL, which the stored length counts */
        size_t n = 0, max = (size_t)len - sizeof(a->sa.sun_family);
        while (n < max && a->sa.sun_path[n])
            n++;
        if (n == sizeof(a->sa.sun_path))
            n--; /* Linux drops the last byte of a full, unterminated path */
        a->sa.sun_path[n] = 0;
        a->len = (uint32_t)(sizeof(a->sa.sun_family) + n + 1);
    }
    return 0;
}

/* Abstract names are kept apart by socket type, as Linux hashes them. */
static struct usock *find_abstract(const struct usock_addr *a, int type)
{
    for (struct usock *s = bound; s; s = s->next_bound)
        if (s->type == type && s->addr->len == a->len && addr_abstract(s->addr) &&
            !memcmp(&s->addr->sa, &a->sa, a->len))
            return s;
    return NULL;
}

static int bind_path(struct usock *s, const struct usock_addr *a)
{
    struct lookup lk = {0};
    int err = vfs_lookup_at(AT_FDCWD, a->sa.sun_path, LOOKUP_PARENT, &lk);
    if (err)
        return err;
    if (lk.inode || lk.last_len == 0) {
        err = -EADDRINUSE;
        goto out;
    }
    if (mount_readonly(lk.parent)) {
        err = -EROFS;
        goto out;
    }
    if (lk.parent->nlink == 0 || !inode_is_tmpfs_dir(lk.parent)) {
        err = -ENOENT;
        goto out;
    }
    struct inode *ino = inode_new(S_IFSOCK | (0777 & ~abi_proc->umask));
    err = -ENOMEM;
    if (!ino)
        goto out;
    ino->fops = &name_ops;
    err = tmpfs_dir_link(lk.parent, lk.last, lk.last_len, ino);
    if (err) {
        ino->nlink = 0;
        inode_drop_link(ino);
        goto out;
    }
    inode_get(ino);
    s->name_ino = ino;
out:
    lookup_release(&lk);
    return err;
}

/* Does a path name exist? Linux makes the node before it looks at
 * whether the socket is bound already, so EADDRINUSE comes first. */
static bool path_taken(const struct usock_addr *a)
{
    struct lookup lk = {0};
    if (vfs_lookup_at(AT_FDCWD, a->sa.sun_path, LOOKUP_PARENT, &lk))
        return false;
    bool taken = lk.inode != NULL;
    lookup_release(&lk);
    return taken;
}

int usock_bind_addr(struct usock *s, const struct usock_addr *a)
{
    if (!addr_abstract(a) && path_taken(a))
        return -EADDRINUSE;
    if (s->addr)
        return -EINVAL;
    struct usock_addr *copy = core_malloc(sizeof(*copy));
    if (!copy)
        return -ENOMEM;
    *copy = *a;
    int err = 0;
    if (addr_abstract(a))
        err = find_abstract(a, s->type) ? -EADDRINUSE : 0;
    else
        err = bind_path(s, a);
    if (err) {
        core_free(copy);
        return err;
    }
    s->addr = copy;
    s->next_bound = bound;
    bound = s;
    s->is_bound = true;
    return 0;
}

int usock_autobind(struct usock *s)
{
    static uint32_t next;
    if (s->addr)
        return 0;
    struct usock_addr a = {.len = sizeof(a.sa.sun_family) + 6};
    a.sa.sun_family = AF_UNIX;
    for (uint32_t tries = 0; tries <= 0xfffff; tries++) {
        uint32_t n = next++ & 0xfffff;
        static const char hex[] = "0123456789abcdef";
        for (int i = 0; i < 5; i++)
            a.sa.sun_path[1 + i] = hex[(n >> (16 - 4 * i)) & 0xf];
        if (!find_abstract(&a, s->type))
            return usock_bind_addr(s, &a);
    }
    return -ENOSPC;
}

void usock_unbind(struct usock *s)
{
    if (!s->is_bound)
        return;
    for (struct usock **pp = &bound; *pp; pp = &(*pp)->next_bound) {
        if (*pp == s) {
            *pp = s->next_bound;
            break;
        }
    }
    s->is_bound = false;
    if (s->name_ino) {
        inode_put(s->name_ino);
        s->name_ino = NULL;
    }
}

struct usock *usock_lookup(const struct usock_addr *a, int type, int *err)
{
    struct usock *found = NULL;
    if (a->len <= sizeof(a->sa.sun_family)) {
        *err = -EINVAL;
        return NULL;
    }
    if (addr_abstract(a)) {
        found = find_abstract(a, type);
    } else {
        struct lookup lk = {0};
        *err = vfs_lookup_at(AT_FDCWD, a->sa.sun_path, LOOKUP_FOLLOW, &lk);
        if (*err)
            return NULL;
        if (S_ISSOCK(lk.inode->mode))
            for (struct usock *s = bound; s && !found; s = s->next_bound)
                if (s->name_ino == lk.inode)
                    found = s;
        lookup_release(&lk);
        if (found && !found->dead && found->type != type) {
            *err = -EPROTOTYPE;
            return NULL;
        }
    }
    if (!found || found->dead) {
        *err = -ECONNREFUSED;
        return NULL;
    }
    usock_get(found);
    return found;
}

int usock_addr_to_user(const struct usock_addr *a, uaddr_t u_addr, uaddr_t u_len)
{
    struct usock_addr unnamed = {.len = sizeof(unnamed.sa.sun_family)};
    unnamed.sa.sun_family = AF_UNIX;
    if (!a)
        a = &unnamed;
    return usock_put_len(&a->sa, a->len, u_addr, u_len, true);
}

/* min(*u_len, size) bytes of val to u_val, and to *u_len the full size
 * (names) or what was copied (option values), as Linux does. */
int usock_put_len(const void *val, uint32_t size, uaddr_t u_val, uaddr_t u_len, bool full)
{
    int len;
    if (core_copy_from_user(&len, u_len, sizeof(len)))
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    if ((uint32_t)len > size)
        len = (int)size;
    if (len && core_copy_to_user(u_val, val, (size_t)len))
        return -EFAULT;
    if (!full)
        size = (uint32_t)len;
    return core_copy_to_user(u_len, &size, sizeof(size)) ? -EFAULT : 0;
}
