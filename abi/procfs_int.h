/* procfs internals: the entry tables and the node cache (procfs*.c). */
#ifndef ABI_PROCFS_INT_H
#define ABI_PROCFS_INT_H

#include "abi_int.h"

struct pnode;

/* One kind of /proc entry. Directories list `children` (ending with a
 * NULL name) and, with `dyn`, entries made from the process table or an
 * fd table. Files generate their text with `show` on each read from
 * offset 0; links say where they go with `link` and what they read as
 * with `text`. */
struct pentry {
    const char *name;
    uint32_t mode;
    unsigned id; /* unique below 128: part of the inode number */
    const struct pentry *children;
    int dyn; /* PDYN_*: also list processes or open fds ... */
    const struct pentry *dyn_child; /* ... as entries of this kind */
    int (*show)(struct process *p, const struct pnode *n, struct sbuf *s);
    int (*link)(struct process *p, const struct pnode *n, struct link_target *t);
    long (*text)(struct process *p, const struct pnode *n, char *buf, size_t size);
};

enum { PDYN_NONE, PDYN_PIDS, PDYN_FDS, PDYN_TIDS };

/* A live /proc inode: what it shows and for whom. */
struct pnode {
    struct pnode *next;         /* the cache, newest first */
    struct inode *inode;
    struct inode *root;         /* the proc instance */
    struct inode *parent;       /* referenced; NULL for the root */
    const struct pentry *ent;
    int pid;                    /* 0: not a process's entry */
    uint64_t start_ns;          /* with pid: which process (pids wrap) */
    int fd;                     /* fd/N and fdinfo/N, task/TID; else -1 */
    char name[16];
};

/* The process n belongs to, or NULL once it is gone. */
struct process *pnode_proc(const struct pnode *n);

extern const struct pentry procfs_pid_entries[];   /* /proc/PID */
extern const struct pentry procfs_root_entries[];  /* /proc */
extern const struct pentry procfs_fd_entry, procfs_fdinfo_entry;
extern const struct pentry procfs_pid_dir_entry;

/* Contents (procfs_pid.c, procfs_sys.c). */
int procfs_show_pid_stat(struct process *p, struct sbuf *s);
uint64_t procfs_ticks(uint64_t ns); /* ns to clock ticks (USER_HZ) */
void procfs_task_times(struct process *p, uint64_t *user_ns, uint64_t *sys_ns);

#endif
