/* procfs: /proc, generated from the process table on each read.
 *
 * Entries are described by static tables (struct pentry, procfs_int.h):
 * /proc's own files, and for each process /proc/PID with its files, fd/
 * and fdinfo/. An inode is made the first time a path reaches an entry
 * and kept in a cache keyed by (instance, entry, pid, process start
 * time, fd), so its number is stable (pid, entry id and fd make it) and
 * the path walk can run on borrowed pointers as it does for tmpfs. Each
 * node holds a reference on its parent directory, so ".." stays valid.
 * Nodes of processes that are gone are freed when nothing holds them,
 * at the next lookup in /proc (the walk never holds one then).
 *
 * A file's text is made by its show function into a buffer kept in the
 * open file from a read at offset 0 on, so a reader that takes it in
 * small pieces sees one consistent snapshot, as with Linux's seq_file.
 * Links under /proc/PID (exe, cwd, root, fd/N) are "magic": following
 * one jumps to the inode (and for fd/N, the open file) without a path.
 */
#include "procfs_int.h"

#include <core/time.h>
#include <linux/magic.h>

#define SBUF_MAX (1u << 20) /* one generated file at most */

static struct pnode *cache;
extern const struct inode_ops procfs_iops;
static const struct file_ops procfs_file_ops;
static const struct pentry root_entry = {
    .name = "", .mode = S_IFDIR | 0555, .id = 1,
    .children = procfs_root_entries, .dyn = PDYN_PIDS, .dyn_child = &procfs_pid_dir_entry,
};

/* ---- text buffers ---- */

void sbuf_put(struct sbuf *s, const char *str, size_t len)
{
    if (s->oom)
        return;
    if (s->len + len + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->len + len + 1)
            cap *= 2;
        char *nb = cap <= SBUF_MAX ? core_realloc(s->buf, cap) : NULL;
        if (!nb) {
            s->oom = true;
            return;
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, str, len);
    s->len += len;
    s->buf[s->len] = 0;
}

void sbuf_printf(struct sbuf *s, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(line)) {
        sbuf_put(s, line, (size_t)n);
        return;
    }
    char *big = core_malloc((size_t)n + 1);
    if (!big) {
        s->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sbuf_put(s, big, (size_t)n);
    core_free(big);
}

/* ---- the node cache ---- */

struct process *pnode_proc(const struct pnode *n)
{
    struct process *p = proc_find(n->pid);
    return p && p->start_ns == n->start_ns ? p : NULL;
}

static uint64_t pnode_ino(const struct pentry *e, int pid, int fd)
{
    return (uint64_t)pid << 20 | (uint64_t)e->id << 13 | (uint64_t)(fd + 1);
}

static struct inode *pnode_make(struct inode *root, struct inode *parent,
                                const struct pentry *e, struct process *p, int fd)
{
    struct pnode *n = core_zalloc(sizeof(*n));
    struct inode *ino = n ? inode_new(e->mode) : NULL;
    if (!ino) {
        core_free(n);
        return NULL;
    }
    n->inode = ino;
    n->root = root;
    n->ent = e;
    n->pid = p ? p->pid : 0;
    n->start_ns = p ? p->start_ns : 0;
    n->fd = fd;
    if (fd >= 0)
        snprintf(n->name, sizeof(n->name), "%d", fd);
    else if (e == &procfs_pid_dir_entry)
        snprintf(n->name, sizeof(n->name), "%d", n->pid);
    else
        strlcpy(n->name, e->name, sizeof(n->name));
    ino->ino = pnode_ino(e, n->pid, fd);
    ino->iops = &procfs_iops;
    ino->priv = n;
    ino->sb = root ? root->sb : NULL;
    super_get(ino->sb);
    ino->uid = p ? p->euid : 0;
    ino->gid = p ? p->egid : 0;
    if (S_ISREG(e->mode))
        ino->fops = &procfs_file_ops;
    if (S_ISDIR(e->mode)) {
        ino->dir.parent = parent ? parent : ino;
        ino->dir.next_cookie = 2;
    }
    n->parent = parent;
    if (parent)
        inode_get(parent);
    n->next = cache;
    cache = n;
    return ino;
}

/* The inode of entry e (of process p, fd) under parent, made if new. */
static struct inode *pnode_get(struct inode *parent, const struct pentry *e,
                               struct process *p, int fd)
{
    struct pnode *pn = parent->priv;
    int pid = p ? p->pid : 0;
    uint64_t start = p ? p->start_ns : 0;
    for (struct pnode *n = cache; n; n = n->next)
        if (n->root == pn->root && n->ent == e && n->pid == pid && n->start_ns == start &&
            n->fd == fd)
            return n->inode;
    return pnode_make(pn->root, parent, e, p, fd);
}

static void procfs_evict(struct inode *ino)
{
    struct pnode *n = ino->priv, **pp = &cache;
    while (*pp && *pp != n)
        pp = &(*pp)->next;
    if (*pp)
        *pp = n->next;
    inode_put(n->parent);
    core_free(n);
}

/* Free unused nodes under root: those of gone processes, or (all) every
 * one. Newest first, so children go before the parents they hold. */
static void prune(struct inode *root, bool all)
{
    for (struct pnode *n = cache, *next; n; n = next) {
        next = n->next;
        struct inode *ino = n->inode;
        if (n->root != root || ino == root || ino->refs)
            continue;
        if (!all && (!n->pid || pnode_proc(n)))
            continue;
        /* freeing puts the parent, which may free nothing but changes
         * what can go: start again from the top */
        ino->nlink = 0;
        inode_drop_link(ino);
        next = cache;
    }
}

/* ---- directories ---- */

#define DYN_BASE 256 /* getdents positions of dynamic entries: DYN_BASE + key */

static struct pnode *node_of(struct inode *ino)
{
    return ino->priv;
}

/* The process a node is for (NULL: global), or -ESRCH when it is gone. */
static int node_proc(const struct pnode *n, struct process **p)
{
    *p = n->pid ? pnode_proc(n) : NULL;
    return n->pid && !*p ? -ESRCH : 0;
}

/* A decimal without sign or leading zeros, as Linux names pids and fds. */
static int name_num(const char *name, size_t len)
{
    if (len == 0 || len > 9 || (len > 1 && name[0] == '0'))
        return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        v = v * 10 + (name[i] - '0');
    }
    return v;
}

static struct file *proc_fd(struct process *p, int fd)
{
    if (!p || !p->fds || fd < 0 || fd >= ABI_NR_OPEN_HARD)
        return NULL;
    return p->fds->files[fd];
}

static struct inode *procfs_lookup(struct inode *dir, const char *name, size_t len)
{
    struct pnode *n = node_of(dir);
    struct process *p;
    if (dir == n->root)
        prune(n->root, false);
    if (node_proc(n, &p))
        return NULL;
    for (const struct pentry *e = n->ent->children; e && e->name; e++)
        if (strlen(e->name) == len && memcmp(e->name, name, len) == 0)
            return pnode_get(dir, e, p, -1);
    int k = name_num(name, len);
    if (k < 0)
        return NULL;
    if (n->ent->dyn == PDYN_PIDS) {
        /* /proc/TID of a thread is there too, though not listed */
        struct process *c = proc_find(k);
        struct thread *t = c ? NULL : thread_find(k);
        c = t ? t->proc : c;
        return c ? pnode_get(dir, n->ent->dyn_child, c, -1) : NULL;
    }
    if (n->ent->dyn == PDYN_TIDS) {
        struct thread *t = thread_find(k);
        return t && t->proc == p ? pnode_get(dir, n->ent->dyn_child, p, k) : NULL;
    }
    if (n->ent->dyn == PDYN_FDS && proc_fd(p, k))
        return pnode_get(dir, n->ent->dyn_child, p, k);
    return NULL;
}

/* The smallest pid or fd >= from in the directory's dynamic part, or -1. */
static int dyn_next(const struct pnode *n, struct process *p, uint64_t from)
{
    int best = -1;
    if (n->ent->dyn == PDYN_PIDS) {
        for (struct process *c = proc_first(); c; c = proc_next(c))
            if ((uint64_t)c->pid >= from && (best < 0 || c->pid < best))
                best = c->pid;
    } else if (n->ent->dyn == PDYN_FDS) {
        for (uint64_t fd = from; fd < ABI_NR_OPEN_HARD; fd++)
            if (proc_fd(p, (int)fd))
                return (int)fd;
    } else if (n->ent->dyn == PDYN_TIDS && p) {
        for (struct thread *t = p->threads; t; t = t->next)
            if ((uint64_t)t->tid >= from && (best < 0 || t->tid < best))
                best = t->tid;
    }
    return best;
}

static void procfs_iterate(struct inode *dir, struct dir_ctx *ctx)
{
    struct pnode *n = node_of(dir);
    struct process *p;
    if (node_proc(n, &p))
        return;
    const struct pentry *ch = n->ent->children;
    uint64_t nch = 0;
    while (ch && ch[nch].name)
        nch++;
    for (uint64_t i = ctx->pos - 2; ctx->pos < DYN_BASE && i < nch; i++) {
        const struct pentry *e = &ch[i];
        if (!dir_emit(ctx, e->name, strlen(e->name), pnode_ino(e, n->pid, -1), e->mode,
                      i + 3))
            return;
    }
    if (ctx->pos < DYN_BASE)
        ctx->pos = DYN_BASE;
    const struct pentry *dc = n->ent->dyn_child;
    for (int k; dc && (k = dyn_next(n, p, ctx->pos - DYN_BASE)) >= 0;) {
        char name[16];
        int len = snprintf(name, sizeof(name), "%d", k);
        int pid = n->ent->dyn == PDYN_PIDS ? k : n->pid;
        int fd = n->ent->dyn == PDYN_PIDS ? -1 : k;
        if (!dir_emit(ctx, name, (size_t)len, pnode_ino(dc, pid, fd), dc->mode,
                      DYN_BASE + (uint64_t)k + 1))
            return;
    }
}

/* ---- links ---- */

static int procfs_get_link(struct inode *ln, struct link_target *t)
{
    struct pnode *n = node_of(ln);
    struct process *p;
    int err = node_proc(n, &p);
    return err ? -ENOENT : n->ent->link(p, n, t);
}

static long procfs_readlink(struct inode *ln, char *buf, size_t size)
{
    struct pnode *n = node_of(ln);
    struct process *p;
    int err = node_proc(n, &p);
    return err ? -ENOENT : n->ent->text(p, n, buf, size);
}

static const char *procfs_name(struct inode *ino)
{
    return node_of(ino)->name;
}

const struct inode_ops procfs_iops = {
    .lookup = procfs_lookup,
    .iterate = procfs_iterate,
    .get_link = procfs_get_link,
    .readlink = procfs_readlink,
    .name = procfs_name,
    .evict = procfs_evict,
};

/* ---- files ---- */

static void sbuf_free(struct sbuf *s)
{
    if (s)
        core_free(s->buf);
    core_free(s);
}

/* A fresh snapshot of the file's text into f->priv. */
static int pfile_fill(struct file *f)
{
    struct pnode *n = node_of(f->inode);
    struct process *p;
    int err = node_proc(n, &p);
    if (err)
        return err;
    struct sbuf *s = core_zalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    err = n->ent->show(p, n, s);
    if (!err && s->oom)
        err = -ENOMEM;
    if (err) {
        sbuf_free(s);
        return err;
    }
    sbuf_free(f->priv);
    f->priv = s;
    return 0;
}

static ssize_t pfile_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    if (*pos == 0 || !f->priv) {
        int err = pfile_fill(f);
        if (err)
            return err;
    }
    struct sbuf *s = f->priv;
    if (*pos >= s->len)
        return 0;
    size_t n = s->len - *pos < len ? s->len - *pos : len;
    if (core_copy_to_user(u_buf, s->buf + *pos, n))
        return -EFAULT;
    *pos += n;
    return (ssize_t)n;
}

static void pfile_release(struct file *f)
{
    sbuf_free(f->priv);
    f->priv = NULL;
}

static const struct file_ops procfs_file_ops = {
    .read = pfile_read,
    .release = pfile_release,
    .seekable = true,
};

/* ---- instances ---- */

struct inode *procfs_new_root(void)
{
    struct super *sb = super_new("proc", PROC_SUPER_MAGIC);
    struct inode *root = sb ? pnode_make(NULL, NULL, &root_entry, NULL, -1) : NULL;
    if (!root) {
        core_free(sb);
        return NULL;
    }
    node_of(root)->root = root;
    root->sb = sb;
    super_get(sb);
    root->refs = 1; /* the mount's */
    return root;
}

bool procfs_busy(struct inode *root)
{
    prune(root, true);
    return root->refs > 1;
}
