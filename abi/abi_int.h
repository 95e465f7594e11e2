/* Private declarations shared by the Linux ABI services (abi/ only).
 *
 * Everything a process owns hangs off struct process (proc.h) so fork
 * can copy or share it piece by piece: the fd table, the cwd, the memory
 * map, signal state, limits and credentials. `abi_proc` is the current
 * process.
 */
#ifndef ABI_INT_H
#define ABI_INT_H

#include <core/types.h>
#include <core/errno.h>
#include <core/as.h>
#include <core/mem.h>
#include <core/uaccess.h>
#include <core/task.h>
#include <core/panic.h>
#include <core/console.h>
#include <lib/string.h>
#include <linux/fcntl.h>
#include <linux/stat.h>
#include <linux/limits.h>
#include <linux/resource.h>

#define ABI_PATH_MAX PATH_MAX /* 4096, including the NUL */
#define ABI_NAME_MAX NAME_MAX /* 255 */
#define ABI_NR_OPEN 1024       /* RLIMIT_NOFILE soft, by default */
#define ABI_NR_OPEN_HARD 4096  /* RLIMIT_NOFILE hard, and the fd table size */
#define ABI_SYMLOOP_MAX 40
#define ABI_NSIG 64

/* ---- inodes (vfs_inode.c, tmpfs.c) ---- */

struct inode;
struct file;
struct mount;
struct statfs;
struct sbuf;
struct iovec;
struct core_waitq;
/* What a file's poll op hands its wait queues to: poll/select's table
 * adds a task waiter per queue (poll.c), epoll's a callback waiter
 * (epoll.c). Each kind embeds one and supplies `queue`. */
struct poll_table {
    void (*queue)(struct poll_table *pt, struct core_waitq *q);
};
/* poll.c: a poll op calls this for each queue woken when its readiness
 * may change (pt NULL: nothing). */
void poll_wait(struct poll_table *pt, struct core_waitq *q);
/* Wake q saying which events may have appeared (POLLIN after a write...):
 * epoll items interested in none of them stay asleep, as Linux's wake-up
 * keys do. core_wake_all is the same with no key (anything may have). */
void poll_wake(struct core_waitq *q, unsigned key);
/* The key of the wake-up being delivered (0: none), for callbacks. */
unsigned poll_wake_key(void);
/* pipe.c: a new pipe's read and write ends (flags: O_NONBLOCK, O_DIRECT);
 * F_GETPIPE_SZ/F_SETPIPE_SZ on a file (-EBADF if not a pipe). */
int pipe_new(uint32_t flags, struct file **rd, struct file **wr) __must_check;
long pipe_fcntl(struct file *f, int cmd, unsigned arg);

/* How a kind of file reads, writes, seeks and lists. NULL = not supported. */
struct file_ops {
    ssize_t (*read)(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos);
    ssize_t (*write)(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos);
    long (*getdents)(struct file *f, uaddr_t u_buf, size_t len);
    long (*ioctl)(struct file *f, unsigned cmd, uint64_t arg);
    /* Ready events (POLLIN...) now; with pt, also poll_wait() on each
     * queue that is woken when they may change. */
    unsigned (*poll)(struct file *f, struct poll_table *pt);
    /* A new open file of this kind (not O_PATH), before it gets an fd:
     * 0 or -errno (then release is called, with what open set up). */
    int (*open)(struct file *f) __must_check;
    /* The last reference to an open file is gone (pipes count ends). */
    void (*release)(struct file *f);
    /* readv/writev as one operation (a socket's datagram is the whole
     * vector), given the checked iovec array; NULL: one read or write
     * per element. */
    ssize_t (*rw_vec)(struct file *f, bool write, const struct iovec *iov, int cnt);
    /* fsync/fdatasync: push what the file's filesystem holds (NULL:
     * nothing to push). 0 or -errno. */
    int (*fsync)(struct file *f, bool datasync) __must_check;
    /* fallocate for files whose data tmpfs does not keep (NULL: ENODEV). */
    int (*fallocate)(struct file *f, int mode, uint64_t off, uint64_t len) __must_check;
    bool seekable;
    /* An anonymous-inode kind (anon_file_new): its "[eventfd]" name;
     * lseek on one succeeds and changes nothing, as Linux's noop_llseek. */
    const char *anon_name;
    /* Lines of its own for /proc/PID/fdinfo/N (struct sbuf: procfs.c). */
    void (*fdinfo)(struct file *f, struct sbuf *s);
};

/* An attribute change for inode_ops setattr: what `valid` names. */
#define VFS_SET_MODE 1u
#define VFS_SET_UID 2u
#define VFS_SET_GID 4u
#define VFS_SET_SIZE 8u
#define VFS_SET_ATIME 16u      /* to atime_ns */
#define VFS_SET_MTIME 32u      /* to mtime_ns */
#define VFS_SET_ATIME_NOW 64u
#define VFS_SET_MTIME_NOW 128u
struct vfs_setattr {
    unsigned valid;
    uint32_t mode, uid, gid;
    uint64_t size;
    int64_t atime_ns, mtime_ns;
    struct file *file; /* the open file it came through (ftruncate), or NULL */
};

/* A filesystem instance: what stat and statfs tell about it. */
struct super {
    const char *type;  /* "tmpfs", "proc": as in /proc/filesystems */
    uint32_t dev;      /* st_dev (major 0, this minor) */
    uint64_t magic;    /* statfs f_type */
    uint32_t refs;     /* inodes and mounts that point here */
    void *priv;        /* the filesystem's own state */
};

/* Where a symlink leads: a path to walk from the link's directory, or,
 * for /proc's "magic" links, straight to an inode (and the open file
 * behind /proc/PID/fd/N). Pointers are borrowed for the walk; buf, if
 * set, is the caller's to core_free. */
struct link_target {
    const char *path;
    struct inode *inode;
    struct file *file;
    char *buf;
};

/* One getdents pass: the filesystem calls dir_emit for each entry from
 * ctx->pos (>= 2; 0 and 1 are "." and "..") until it returns false. */
struct dir_ctx {
    struct file *file; /* the open directory being listed */
    uint64_t pos;
    char *buf;
    size_t cap, used;
    bool full;
};
bool dir_emit(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino,
              uint32_t mode, uint64_t next_pos);

/* What a kind of inode does in the namespace. NULL = the tmpfs way
 * (lookup, iterate) or not possible. */
struct inode_ops {
    /* The child called name, borrowed (valid while the walk runs), or NULL. */
    struct inode *(*lookup)(struct inode *dir, const char *name, size_t len);
    void (*iterate)(struct inode *dir, struct dir_ctx *ctx);
    /* Symlinks: where to go (0 or -errno) and what readlink shows
     * (length written to buf, at most size; or -errno). */
    int (*get_link)(struct inode *ln, struct link_target *t) __must_check;
    long (*readlink)(struct inode *ln, char *buf, size_t size);
    /* The inode's name in its parent (synthetic directories have no
     * dentries), for getcwd and /proc/PID/cwd. */
    const char *(*name)(struct inode *ino);
    /* The inode is being freed: release the filesystem's part. */
    void (*evict)(struct inode *ino);
    /* Bring the attributes up to date before stat shows them (may sleep;
     * the caller holds a reference). 0 or -errno. */
    int (*getattr)(struct inode *ino) __must_check;
    /* What stat shows for size and link count when it is not the inode's
     * own bookkeeping (overlay directories fill in names as they are read,
     * which must not look like the directory changing). */
    void (*stat_view)(const struct inode *ino, uint64_t *size, uint32_t *nlink);
    /* statfs of the filesystem ino is on: fill what it knows. */
    int (*statfs)(struct inode *ino, struct statfs *sf) __must_check;
    /* Regular files whose data tmpfs does not keep: page idx of the data
     * in *pg, borrowed (core_page_get it before anything can sleep), or
     * NULL past the end of the file. May sleep. 0 or -errno. */
    int (*data_page)(struct inode *ino, uint64_t idx, void **pg) __must_check;
    /* Files read through data_page: may the kernel read ino for someone
     * who opens it read-only? 0 or -errno (virtio-fs: the server's answer
     * to OPEN), so an overlay can refuse the open instead of failing
     * the reads. */
    int (*open_check)(struct inode *ino) __must_check;
    /* Directories: a name is gone from dir's entries (unlink, rmdir,
     * rename away), so what lies below it must stay hidden. */
    void (*name_removed)(struct inode *dir, const char *name, size_t len);
    /* Directories: make every entry present in dir's list (before an
     * emptiness check). 0 or -errno. */
    int (*fill_names)(struct inode *dir) __must_check;
    /* Directories that keep their names in dir.head as tmpfs does, so
     * names can be made and removed in them (overlay directories). */
    bool keeps_names;
    /* Filesystems whose server keeps the names (virtio-fs shares mounted
     * rw). The caller has checked the names, the mount and the types as
     * Linux does first; the server answers the rest (ENOTEMPTY...).
     * mknod: name in dir as a regular file (*opened: the open state for
     * the file being opened, flags its open flags), a directory, a FIFO,
     * or a symlink to target; the new inode, referenced, in *out. */
    int (*mknod)(struct inode *dir, const char *name, size_t len, uint32_t mode,
                 uint32_t flags, const char *target, struct inode **out,
                 void **opened) __must_check;
    int (*link)(struct inode *ino, struct inode *dir, const char *name,
                size_t len) __must_check;
    int (*remove)(struct inode *dir, const char *name, size_t len,
                  struct inode *child, bool isdir) __must_check;
    int (*rename)(struct inode *odir, const char *oname, size_t olen,
                  struct inode *ndir, const char *nname, size_t nlen,
                  unsigned flags) __must_check;
    /* chmod, truncate, utimensat on such a filesystem's inodes. */
    int (*setattr)(struct inode *ino, const struct vfs_setattr *a) __must_check;
};

/* Change ino's attributes through its filesystem: -ENOSYS when it has
 * no setattr op (tmpfs, whose callers change the inode themselves). */
int vfs_setattr(struct inode *ino, const struct vfs_setattr *a) __must_check;

struct dentry {
    struct dentry *next;
    struct inode *inode;
    uint64_t cookie; /* getdents position: increasing within a directory */
    char name[];
};

struct inode {
    uint32_t mode; /* S_IF* | permissions */
    uint32_t uid, gid;
    uint32_t nlink;
    uint32_t refs; /* open files, cwd, exec in progress */
    uint64_t ino;
    uint64_t size;
    uint64_t atime_ns, mtime_ns, ctime_ns, btime_ns;
    uint32_t rdev_major, rdev_minor;
    const struct file_ops *fops;
    const struct inode_ops *iops; /* NULL: tmpfs */
    struct super *sb;             /* NULL until linked: then its dir's */
    struct mount *covered;        /* a mount sits on this directory */
    struct mount *mnt_root;       /* this is the root of that mount */
    void *priv;                   /* the filesystem's own per-inode state */
    union {
        struct { /* S_IFDIR */
            struct dentry *head, *tail;
            struct inode *parent; /* ".." (itself for the root) */
            uint64_t next_cookie;
            uint32_t nentries;
            bool parent_held; /* removed: holds a reference on parent */
        } dir;
        struct { /* S_IFREG: sparse array of pages, NULL = hole */
            void **pages;
            size_t npages; /* capacity of pages[] */
        } reg;
        struct { /* S_IFLNK */
            char *target;
        } lnk;
    };
};

struct inode *inode_new(uint32_t mode) __must_check;
void inode_get(struct inode *ino);
void inode_put(struct inode *ino);
void inode_touch(struct inode *ino, bool m, bool c);
void inode_drop_link(struct inode *ino);
static inline bool inode_is_dir(const struct inode *i) { return S_ISDIR(i->mode); }
static inline bool inode_is_reg(const struct inode *i) { return S_ISREG(i->mode); }
static inline bool inode_is_lnk(const struct inode *i) { return S_ISLNK(i->mode); }
/* dir's names are kept by its filesystem's server (the mknod op). */
static inline bool inode_fs_names(const struct inode *dir)
{
    return S_ISDIR(dir->mode) && dir->iops && dir->iops->mknod;
}
/* A regular file whose data tmpfs keeps (not a generated /proc file). */
static inline bool inode_is_tmpfs_reg(const struct inode *i)
{
    return S_ISREG(i->mode) && !i->iops;
}
/* A directory whose entries tmpfs keeps (so names can be made in it). */
static inline bool inode_is_tmpfs_dir(const struct inode *i)
{
    return S_ISDIR(i->mode) && (!i->iops || i->iops->keeps_names);
}
/* A regular file whose bytes the kernel can read (tmpfs's, or a
 * filesystem's data_page): what exec, mmap and copies read through. */
static inline bool inode_has_data(const struct inode *i)
{
    return S_ISREG(i->mode) && (!i->iops || i->iops->data_page);
}
void super_get(struct super *sb);
void super_put(struct super *sb);
struct super *super_new(const char *type, uint64_t magic) __must_check;

/* tmpfs: directories and regular-file data. */
struct inode *tmpfs_dir_lookup(struct inode *dir, const char *name, size_t len);
int tmpfs_dir_link(struct inode *dir, const char *name, size_t len,
                   struct inode *child) __must_check;
void tmpfs_dir_unlink(struct inode *dir, const char *name, size_t len);
void tmpfs_iterate(struct inode *dir, struct dir_ctx *ctx);
ssize_t tmpfs_read_kernel(struct inode *ino, uint64_t off, void *buf, size_t len);
ssize_t tmpfs_write_kernel(struct inode *ino, uint64_t off, const void *buf,
                           size_t len) __must_check;
int tmpfs_truncate(struct inode *ino, uint64_t size) __must_check;
/* The data page idx of a tmpfs file (allocated if create), or NULL: a
 * hole, or no memory. File mappings map it (core_page_get first). */
void *tmpfs_page(struct inode *ino, uint64_t idx, bool create);
void tmpfs_free_data(struct inode *ino);
/* Free what tmpfs keeps for an inode (data, link target, entries). */
void tmpfs_evict(struct inode *ino);
/* A new tmpfs: its root directory (one reference: the mount's). */
struct inode *tmpfs_new_root(const char *type, uint32_t mode) __must_check;
/* Some inode below root (root itself aside) is in use. */
bool tmpfs_tree_busy(struct inode *root);
/* Drop every name below root, freeing what nothing else holds. */
void tmpfs_tree_free(struct inode *root);
extern const struct file_ops tmpfs_reg_ops, tmpfs_dir_ops, null_ops;
extern struct inode *vfs_root;
int vfs_init(void) __must_check;
int vfs_init_late(void) __must_check;

/* Directory listing for every filesystem (vfs_dir.c): ".", "..", then
 * dir->iops->iterate (tmpfs_iterate when NULL). A file_ops getdents. */
long vfs_getdents(struct file *f, uaddr_t u_buf, size_t len);
/* Every entry of directory dir but "." and "..", through an open file
 * of its own: fn(ctx, name, len, mode's type bits) until it returns
 * false. 0 or -errno. May sleep. */
int vfs_dir_list(struct inode *dir,
                 bool (*fn)(void *ctx, const char *name, size_t len, uint32_t type),
                 void *ctx) __must_check;

/* File data for the kernel (vfs_data.c), whatever keeps it: tmpfs, or
 * the inode's data_page op. Bytes at off (short at the end of the file),
 * or -errno. May sleep. */
ssize_t vfs_read_kernel(struct inode *ino, uint64_t off, void *buf, size_t len);
/* Page idx of ino's data with a reference the caller owns (core_page_free
 * it), in *pg: NULL for a hole or past the end (create: tmpfs makes it).
 * 0 or -errno. May sleep. */
int vfs_file_page(struct inode *ino, uint64_t idx, bool create, void **pg) __must_check;
/* The same data copied to user memory at *pos, for a file_ops read. */
ssize_t vfs_read_user(struct inode *ino, uaddr_t u_buf, size_t len, uint64_t *pos);
/* Bring ino's attributes up to date (the getattr op, if any). */
int vfs_getattr(struct inode *ino) __must_check;

/* /dev (devfs.c): character devices by number, and the boot-time nodes. */
const struct file_ops *devfs_fops(uint32_t major, uint32_t minor);
int devfs_populate(struct inode *dev) __must_check;

/* ---- mounts (mount.c) ---- */

struct mount {
    struct mount *next;
    struct inode *point;  /* the covered directory (referenced) */
    struct inode *root;   /* the mounted filesystem's root (referenced) */
    char source[64];
    unsigned long flags;  /* MS_RDONLY, MS_NOSUID ... */
};

/* What a walk that reaches dir sees: the root of the topmost mount on
 * it, or dir. */
struct inode *mount_cross(struct inode *dir);
/* The directory a mount root covers (for ".." at a mount root), or the
 * inode itself when it is no mount's root. */
struct inode *mount_point_of(struct inode *root);
/* Mount a filesystem of `type` on directory `point`. */
int vfs_mount(struct inode *point, const char *source, const char *type,
              unsigned long flags, const char *data) __must_check;
/* Mount the filesystem whose root is `root` (taking its one reference,
 * dropped on failure) on directory `point`. */
int vfs_mount_root(struct inode *point, struct inode *root, const char *source,
                   unsigned long flags) __must_check;
/* The mount whose root is `root`, or NULL. */
struct mount *mount_of_root(struct inode *root);
/* ino's filesystem is mounted read-only (MS_RDONLY): changes are EROFS. */
bool mount_readonly(const struct inode *ino);
/* The text of /proc/mounts and /proc/filesystems. */
struct sbuf;
void mount_show(struct sbuf *s);
void mount_show_filesystems(struct sbuf *s);

/* A growing text buffer for generated files (procfs.c). */
struct sbuf {
    char *buf;
    size_t len, cap;
    bool oom;
};
void sbuf_printf(struct sbuf *s, const char *fmt, ...) __printf(2, 3);
void sbuf_put(struct sbuf *s, const char *str, size_t len);

/* ---- procfs (procfs.c, procfs_pid.c, procfs_sys.c) ---- */

/* A new proc instance's root (one reference: the mount's). */
struct inode *procfs_new_root(void) __must_check;
/* The proc instance's inodes are referenced (umount would be EBUSY). */
bool procfs_busy(struct inode *root);
/* A name for what f is (readlink of /proc/PID/fd/N): the inode's path,
 * found by search, or "pipe:[ino]", "socket:[ino]", "/dev/console".
 * Length written, NUL included, or -errno. */
long file_path(struct file *f, char *buf, size_t size);
/* The absolute path of any inode, found by searching the namespace
 * (directories by their parents). -ENOENT when it has no name. */
long vfs_inode_path(struct inode *ino, char *buf, size_t size);

/* ---- virtio-fs (virtiofs.c) ---- */

/* A new virtio-fs mount of the device tagged `tag`: its root (one
 * reference: the mount's), or NULL and *err. */
struct inode *virtiofs_new_root(const char *tag, int *err) __must_check;
/* Some inode of the mount is in use, or a request is in flight. */
bool virtiofs_busy(struct inode *root);
/* The mount is gone: forget every inode but the root (its last put
 * ends the session). */
void virtiofs_unmount(struct inode *root);

/* ---- overlay (overlay.c) ---- */

/* A new overlay instance over directory lower (any filesystem; never
 * written): its root (one reference: the mount's), a directory whose
 * changes stay in memory. NULL and *err. */
struct inode *overlay_new_root(struct inode *lower, int *err) __must_check;
/* Mount an overlay of lower_root on the directory at absolute path
 * target, for boot code: 0 or -errno. */
int overlay_mount(struct inode *lower_root, const char *target) __must_check;
/* Whether root is an overlay root (mount.c: umount and /proc/mounts). */
bool overlay_is_root(const struct inode *root);
/* Copy a lower-backed overlay file's data into memory before a write
 * (no-op for anything else). 0 or -errno. */
int overlay_copy_up(struct inode *ino) __must_check;

/* ---- boot mounts (boot_mounts.c) ---- */

/* Carry out one decoded mica.mount= value "TAG,MODE,PATH": 0, or -errno
 * and in *what the step that failed. */
int boot_mount(const char *spec, const char **what) __must_check;
/* mkdir -p of an absolute path (the working directory of mica run -w). */
int boot_mkdir_p(const char *path) __must_check;

/* ---- path lookup (vfs_path.c) ---- */

#define LOOKUP_FOLLOW 1u  /* follow a final symlink */
#define LOOKUP_PARENT 2u  /* stop at the parent; give back the last name */
#define LOOKUP_DIRECTORY 4u

struct lookup {
    struct inode *parent; /* referenced when LOOKUP_PARENT */
    struct inode *inode;  /* referenced, or NULL (final missing, PARENT) */
    struct file *file;    /* referenced: reached through /proc/PID/fd/N */
    char last[ABI_NAME_MAX + 1];
    size_t last_len;
    bool trailing_slash;
    void *opened; /* open O_CREAT: the new file's open state (mknod op) */
};

/* Resolve `path` relative to dirfd (AT_FDCWD or an fd); fills *lk. */
int vfs_lookup_at(int dirfd, const char *path, unsigned flags,
                  struct lookup *lk) __must_check;
/* The same, starting from directory `start` for a relative path. */
int vfs_lookup_in(struct inode *start, const char *path, unsigned flags,
                  struct lookup *lk) __must_check;
void lookup_release(struct lookup *lk);
/* Copy a user path into a kernel buffer of ABI_PATH_MAX bytes (core_malloc). */
long path_from_user(uaddr_t u_path, char **out) __must_check;
/* Absolute path of a directory inode into buf; length or -ERANGE/-ENOENT. */
long vfs_dir_path(struct inode *dir, char *buf, size_t size);
/* Where symlink ln leads (see struct link_target); t->buf to core_free. */
int vfs_get_link(struct inode *ln, struct link_target *t) __must_check;
/* The text of symlink ln into buf (not NUL-terminated): its length. */
long vfs_readlink(struct inode *ln, char *buf, size_t size);

/* ---- open files and the fd table (fd.c) ---- */

struct file {
    uint32_t refs;
    uint32_t flags; /* O_ACCMODE | O_APPEND | O_NONBLOCK ... */
    uint64_t pos;
    struct inode *inode;
    const struct file_ops *ops;
    int stream; /* console: CORE_STDOUT or CORE_STDERR for writes */
    void *priv; /* the file kind's own state (a pipe end's pipe) */
    struct epitem *epitems; /* epoll items watching this file (epoll.c) */
};

#define FILE_READABLE(f) (((f)->flags & O_ACCMODE) != O_WRONLY)
#define FILE_WRITABLE(f) (((f)->flags & O_ACCMODE) != O_RDONLY)

struct fd_table {
    uint32_t refs; /* processes sharing it (CLONE_FILES) */
    struct file *files[ABI_NR_OPEN_HARD];
    uint64_t cloexec[ABI_NR_OPEN_HARD / 64];
};

struct fd_table *fd_table_new(void) __must_check;
/* A copy for fork: every open file gets one more reference. */
struct fd_table *fd_table_copy(const struct fd_table *t) __must_check;
void fd_table_put(struct fd_table *t);

struct file *file_new(struct inode *ino, uint32_t flags) __must_check;
void file_get(struct file *f);
void file_put(struct file *f);
struct file *fd_get(int fd); /* borrowed reference, or NULL */
int fd_install(struct file *f, int minfd, bool cloexec) __must_check;
int fd_install_at(struct file *f, int fd, bool cloexec) __must_check;
int fd_close(int fd) __must_check;
int fd_install_pair(struct file *a, struct file *b, bool cloexec, uaddr_t u_fds) __must_check;
bool fd_cloexec(int fd);
void fd_set_cloexec(int fd, bool on);
void fd_close_on_exec(void);

/* A file of an anonymous kind (eventfd, epoll...): one shared inode,
 * these ops and priv, flags as open's (anon.c). NULL: no memory. */
struct file *anon_file_new(const struct file_ops *ops, uint32_t flags,
                           void *priv) __must_check;
/* The same, read-write, installed at the lowest free fd (flags: O_NONBLOCK,
 * O_CLOEXEC): the fd or -errno. priv is the file's from then on: on any
 * failure ops->release frees it (with a stand-in file if none was made). */
int anon_fd_new(const struct file_ops *ops, void *priv, int flags) __must_check;
/* One wait of a blocking read or write on f for q: 0 when woken (look
 * again), -EAGAIN if f is O_NONBLOCK, -ERESTARTSYS for a signal. */
int anon_wait(struct file *f, struct core_waitq *q) __must_check;
/* The last reference to f is going: epoll forgets it (epoll.c). */
struct epitem;
void epoll_file_gone(struct file *f);
/* q is about to be freed: epoll items hooked on it let go (epoll.c). */
void epoll_waitq_gone(struct core_waitq *q);

/* The console as a character-device-like file kind (console_file.c). */
struct inode *console_inode(void);
extern const struct file_ops console_ops;
int console_open_stdio(void) __must_check;

/* ---- memory map (vma.c, mm.c) ---- */

#define VMA_GROWSDOWN 1u
#define VMA_STACK 2u
#define VMA_SHARED 4u
#define VMA_BRK 8u
#define VMA_NOWRITE 16u /* shared file mapping that may never be writable */

struct vma {
    struct vma *next;
    uint64_t start, end; /* page aligned, end exclusive */
    unsigned prot;       /* PROT_* (same bits as CORE_PROT_*) */
    unsigned flags;      /* VMA_* */
    struct inode *file;  /* a file mapping (referenced), or NULL */
    uint64_t off;        /* file offset of start */
};

struct mm {
    uint32_t refs;      /* processes using it (vfork's child borrows it) */
    struct core_as *as; /* the pages, PROT_NONE ones kept with prot 0 */
    struct vma *vmas; /* sorted by start, not overlapping */
    uint64_t brk_start, brk, brk_max;
    uint64_t stack_top;
    /* The argument and environment strings on the initial stack (set by
     * stack_build), for /proc/PID/cmdline and environ. */
    uint64_t arg_start, arg_end, env_start, env_end;
};

#define MM_STACK_TOP 0x00007ffffffde000ul
#define MM_STACK_SIZE (8ul << 20)
#define MM_STACK_GAP (128ul << 20) /* mmap stays this far below the stack */

struct mm *mm_new(void) __must_check;
void mm_destroy(struct mm *mm);
void mm_get(struct mm *mm);
void mm_put(struct mm *mm); /* destroys it with the last reference */
/* fork: a copy of the map; private pages become copy-on-write in both. */
struct mm *mm_fork(struct mm *mm) __must_check;
/* After pages of [start, end) were made writable: pages still shared
 * copy-on-write go back to read-only (private VMAs only). */
void mm_cow_protect(struct mm *mm, uint64_t start, uint64_t end);
struct vma *vma_find(struct mm *mm, uint64_t addr);
bool vma_range_free(struct mm *mm, uint64_t start, uint64_t end);
int vma_insert(struct mm *mm, uint64_t start, uint64_t end, unsigned prot,
               unsigned flags) __must_check;
/* The same for a mapping of file (may be NULL) from offset off. */
int vma_insert_file(struct mm *mm, uint64_t start, uint64_t end, unsigned prot,
                    unsigned flags, struct inode *file, uint64_t off) __must_check;
/* Free a VMA node and its file reference. */
void vma_free(struct vma *v);
/* Remove [start,end) from the VMA list (splitting), unmapping pages. */
int vma_remove(struct mm *mm, uint64_t start, uint64_t end) __must_check;
int vma_protect(struct mm *mm, uint64_t start, uint64_t end,
                unsigned prot) __must_check;
uint64_t vma_find_gap(struct mm *mm, uint64_t len, uint64_t below);
int mm_populate(struct mm *mm, uint64_t start, uint64_t end) __must_check;
int mm_fault(uaddr_t addr, unsigned err, bool user);
extern bool mm_oom_kill;
/* Set when a user fault hit a file mapping past the end of its file: the
 * trap handler then sends SIGBUS (BUS_ADRERR), not SIGSEGV. */
extern bool mm_fault_sigbus;
/* Unmap and free every page in [start, end) (cost: the pages mapped). */
void mm_unmap_pages(struct mm *mm, uint64_t start, uint64_t end);
/* Map one page, freeing any it replaces; the caller keeps pg on error. */
int mm_map_page(struct mm *mm, uint64_t va, void *pg, unsigned prot) __must_check;
struct mm_page {
    uint64_t va;
    void *page;
    unsigned prot; /* 0: kept with no access */
};
/* The pages of [start, end) in address order, in a core_malloc'd list:
 * their count, or -ENOMEM. Nothing changes. */
long mm_pages_in(struct mm *mm, uint64_t start, uint64_t end,
                 struct mm_page **out) __must_check;

/* ---- exec (exec.c, elf.c, stack.c) ---- */

struct elf_image {
    uint64_t entry;       /* the program's (AT_ENTRY) */
    uint64_t start;       /* where it starts: the interpreter's entry, or entry */
    uint64_t interp_base; /* AT_BASE: where the interpreter is, or 0 */
    uint64_t load_addr;   /* the lowest address mapped */
    uint64_t phdr_addr;
    uint64_t phnum, phent;
    uint64_t bias;
    uint64_t brk_start;
    bool exec_stack;
};

/* Load an ELF program, and its interpreter if it names one, into mm;
 * *why is a short reason on failure. */
int elf_load(struct inode *ino, struct mm *mm, struct elf_image *img,
             const char **why) __must_check;

struct exec_strings {
    char *buf;     /* argv strings, then envp strings, each NUL-terminated */
    size_t len;
    size_t argc, envc;
};

int stack_build(struct mm *mm, const struct elf_image *img,
                const struct exec_strings *s, const char *execfn,
                uint64_t *rsp) __must_check;
/* "#!" scripts (script.c): 1 and the interpreter line, 0 if not a script. */
int script_parse(struct inode *ino, char *interp, size_t isz, char *arg,
                 size_t asz) __must_check;
int script_strings(const struct exec_strings *s, const char *interp, const char *arg,
                   const char *path, struct exec_strings *out) __must_check;
/* Replace the process image. On error the old image is intact. */
int exec_image(const char *path, const struct exec_strings *s,
               struct core_uregs *regs, const char **why) __must_check;

#include "proc.h"

/* ---- entry points ---- */

long syscall_dispatch(struct core_uregs *regs);
void trap_handler(int vector, uint64_t err, uint64_t addr,
                  struct core_uregs *regs);
int initramfs_unpack(const void *data, size_t size) __must_check;

static inline bool abi_time_ok(int64_t sec, int64_t nsec)
{
    return sec >= 0 && nsec >= 0 && nsec < 1000000000;
}
/* A user struct timespec as ns (saturating at UINT64_MAX): 0, -EFAULT,
 * or -EINVAL when it is negative or its nanoseconds are out of range
 * (sys_time.c). */
int abi_timespec_in(uaddr_t u_ts, uint64_t *ns) __must_check;

#endif
