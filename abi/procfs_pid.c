/* /proc/PID: a process's files (stat, status, maps ...) and links.
 *
 * Formats follow Linux's field for field, since ps, top and pidof parse
 * them: stat's 52 space-separated fields, status's "Name:\tvalue" lines,
 * maps' fixed columns. Values mica does not track (page faults, context
 * switches, capabilities) are given as an idle Linux process shows them.
 * cmdline and environ are read from the process's own memory, between
 * the bounds stack_build recorded, as Linux does.
 */
#include "procfs_int.h"

#include <core/sched.h>
#include <core/time.h>

#define USER_HZ 100
#define SIG_IGN_HANDLER 1

uint64_t procfs_ticks(uint64_t ns)
{
    return ns / (1000000000ull / USER_HZ);
}

void procfs_task_times(struct process *p, uint64_t *user_ns, uint64_t *sys_ns)
{
    *user_ns = p->utime_ns;
    *sys_ns = p->stime_ns;
    if (p->state != PROC_ZOMBIE && p->threads)
        proc_times(p, user_ns, sys_ns);
}

/* ---- memory figures from the VMA list ---- */

struct vmstat {
    uint64_t size, rss, data, stack, text, code_start, code_end;
};

static void count_page(uaddr_t va, void *page, unsigned prot, void *ctx)
{
    (*(uint64_t *)ctx)++;
}

static void vm_stats(struct mm *mm, struct vmstat *v)
{
    memset(v, 0, sizeof(*v));
    for (struct vma *a = mm ? mm->vmas : NULL; a; a = a->next) {
        uint64_t len = a->end - a->start;
        v->size += len;
        core_as_for_each(mm->as, uaddr(a->start), uaddr(a->end), count_page, &v->rss);
        if (a->flags & VMA_STACK)
            v->stack += len;
        else if ((a->prot & CORE_PROT_EXEC) && !(a->prot & CORE_PROT_WRITE)) {
            v->text += len;
            if (!v->code_start)
                v->code_start = a->start;
            v->code_end = a->end;
        } else if ((a->prot & CORE_PROT_WRITE) && !(a->flags & VMA_SHARED))
            v->data += len;
    }
}

static char state_char(const struct process *p)
{
    if (p->state == PROC_ZOMBIE)
        return 'Z';
    if (p->state == PROC_STOPPED)
        return 'T';
    return p->threads ? core_task_state(p->threads->task) : 'R';
}

static const char *state_name(const struct process *p)
{
    switch (state_char(p)) {
    case 'Z': return "Z (zombie)";
    case 'T': return "T (stopped)";
    case 'S': return "S (sleeping)";
    case 'D': return "D (disk sleep)";
    default: return "R (running)";
    }
}

/* Signals whose action is to ignore (ign) or a handler (caught). */
static void sig_sets(const struct process *p, uint64_t *ign, uint64_t *caught)
{
    *ign = *caught = 0;
    for (int i = 0; i < ABI_NSIG; i++) {
        uint64_t h = p->sigactions[i].handler;
        if (h == SIG_IGN_HANDLER)
            *ign |= 1ull << i;
        else if (h > SIG_IGN_HANDLER)
            *caught |= 1ull << i;
    }
}

static int ppid_of(const struct process *p)
{
    return p->parent ? p->parent->pid : 0;
}

/* ---- files ---- */

int procfs_show_pid_stat(struct process *p, struct sbuf *s)
{
    struct vmstat v;
    struct mm *mm = p->mm;
    uint64_t ut, st, ign, caught;
    vm_stats(mm, &v);
    procfs_task_times(p, &ut, &st);
    sig_sets(p, &ign, &caught);
    typedef unsigned long long ull;
    sbuf_printf(s, "%d (%s) %c %d %d %d 0 -1 4194304 0 0 0 0 ", p->pid, p->comm,
                state_char(p), ppid_of(p), p->pgid, p->sid);
    const struct thread *t = proc_main_thread(p);
    sbuf_printf(s, "%llu %llu %llu %llu 20 0 %u 0 %llu %llu %llu %llu ",
                (ull)procfs_ticks(ut), (ull)procfs_ticks(st), (ull)procfs_ticks(p->cutime_ns),
                (ull)procfs_ticks(p->cstime_ns), p->nthreads ? p->nthreads : 1,
                (ull)procfs_ticks(p->start_ns), (ull)v.size,
                (ull)v.rss, (ull)p->rlim[RLIMIT_RSS].rlim_cur);
    sbuf_printf(s, "%llu %llu %llu 0 0 %llu %llu %llu %llu 0 0 0 17 0 0 0 0 0 0 ",
                (ull)v.code_start, (ull)v.code_end, (ull)(mm ? mm->arg_start : 0),
                (ull)(p->pending | (t ? t->pending : 0)), (ull)(t ? t->sigmask : 0), (ull)ign,
                (ull)caught);
    sbuf_printf(s, "0 0 %llu %llu %llu %llu %llu %d\n", (ull)(mm ? mm->brk_start : 0),
                (ull)(mm ? mm->arg_start : 0), (ull)(mm ? mm->arg_end : 0),
                (ull)(mm ? mm->env_start : 0), (ull)(mm ? mm->env_end : 0),
                p->state == PROC_ZOMBIE ? p->exit_status : 0);
    return 0;
}

static int show_stat(struct process *p, const struct pnode *n, struct sbuf *s)
{
    return procfs_show_pid_stat(p, s);
}

static int fd_count(const struct process *p)
{
    int n = 0;
    for (int fd = 0; p->fds && fd < ABI_NR_OPEN_HARD; fd++)
        n += p->fds->files[fd] != NULL;
    return n;
}

static int show_status(struct process *p, const struct pnode *n, struct sbuf *s)
{
    struct vmstat v;
    uint64_t ign, caught;
    typedef unsigned long long ull;
    vm_stats(p->mm, &v);
    sig_sets(p, &ign, &caught);
    int fdsize = fd_count(p) > 64 ? ABI_NR_OPEN : 64;
    sbuf_printf(s, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
                   "PPid:\t%d\nTracerPid:\t0\n", p->comm, p->umask, state_name(p), p->pid,
                p->pid, ppid_of(p));
    sbuf_printf(s, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t\n",
                p->ruid, p->euid, p->suid, p->fsuid, p->rgid, p->egid, p->sgid, p->fsgid,
                fdsize);
    sbuf_printf(s, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", p->pid, p->pid,
                p->pgid, p->sid);
    if (p->mm) {
        ull kb = v.size / 1024, rss = v.rss * (CORE_PAGE_SIZE / 1024);
        sbuf_printf(s, "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmLck:\t%8d kB\nVmPin:\t%8d kB\n"
                       "VmHWM:\t%8llu kB\nVmRSS:\t%8llu kB\n", kb, kb, 0, 0, rss, rss);
        sbuf_printf(s, "RssAnon:\t%8llu kB\nRssFile:\t%8d kB\nRssShmem:\t%8d kB\n", rss, 0, 0);
        sbuf_printf(s, "VmData:\t%8llu kB\nVmStk:\t%8llu kB\nVmExe:\t%8llu kB\nVmLib:\t%8d kB\n"
                       "VmPTE:\t%8d kB\nVmSwap:\t%8d kB\n", (ull)v.data / 1024,
                    (ull)v.stack / 1024, (ull)v.text / 1024, 0, 0, 0);
    }
    const struct thread *t = proc_main_thread(p);
    sbuf_printf(s, "Threads:\t%u\nSigQ:\t0/%llu\n", p->nthreads ? p->nthreads : 1,
                (ull)p->rlim[RLIMIT_SIGPENDING].rlim_cur);
    sbuf_printf(s, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\n"
                   "SigCgt:\t%016llx\n", (ull)(t ? t->pending : 0), (ull)p->pending,
                (ull)(t ? t->sigmask : 0), (ull)ign, (ull)caught);
    sbuf_printf(s, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\nCapBnd:\t%016llx\n"
                   "CapAmb:\t%016llx\nNoNewPrivs:\t0\nSeccomp:\t0\n", 0ull, 0x1ffffffffffull,
                0x1ffffffffffull, 0x1ffffffffffull, 0ull);
    unsigned ncpu = core_cpu_count();
    sbuf_printf(s, "Cpus_allowed:\t%llx\nCpus_allowed_list:\t0", (ncpu >= 64 ? ~0ull
                                                                  : (1ull << ncpu) - 1));
    if (ncpu > 1)
        sbuf_printf(s, "-%u", ncpu - 1);
    sbuf_printf(s, "\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
    return 0;
}

static int show_statm(struct process *p, const struct pnode *n, struct sbuf *s)
{
    struct vmstat v;
    vm_stats(p->mm, &v);
    sbuf_printf(s, "%llu %llu 0 %llu 0 %llu 0\n", (unsigned long long)(v.size / CORE_PAGE_SIZE),
                (unsigned long long)v.rss, (unsigned long long)(v.text / CORE_PAGE_SIZE),
                (unsigned long long)((v.data + v.stack) / CORE_PAGE_SIZE));
    return 0;
}

/* Bytes [start, end) of the process's memory; stops at a page that is
 * not there (Linux's cmdline would fault-in; ours are always mapped). */
static void show_mem(struct process *p, uint64_t start, uint64_t end, struct sbuf *s)
{
    for (uint64_t va = start; p->mm && va < end && !s->oom;) {
        uint64_t pva = CORE_ALIGN_DOWN(va, CORE_PAGE_SIZE);
        size_t in = va - pva, n = CORE_PAGE_SIZE - in;
        n = n < end - va ? n : end - va;
        unsigned prot;
        const char *pg = core_as_lookup(p->mm->as, uaddr(pva), &prot);
        if (!pg || !prot)
            return;
        sbuf_put(s, pg + in, n);
        va += n;
    }
}

static int show_cmdline(struct process *p, const struct pnode *n, struct sbuf *s)
{
    if (p->mm)
        show_mem(p, p->mm->arg_start, p->mm->arg_end, s);
    return 0;
}

static int show_environ(struct process *p, const struct pnode *n, struct sbuf *s)
{
    if (p->mm)
        show_mem(p, p->mm->env_start, p->mm->env_end, s);
    return 0;
}

static int show_comm(struct process *p, const struct pnode *n, struct sbuf *s)
{
    sbuf_printf(s, "%s\n", p->comm);
    return 0;
}

/* One line per VMA, as Linux prints them: a file mapping shows its
 * offset, device, inode number and path (found by search; a file with no
 * name left gets " (deleted)" as on Linux, without the path). */
static int show_maps(struct process *p, const struct pnode *n, struct sbuf *s)
{
    char *path = core_malloc(ABI_PATH_MAX);
    if (!path)
        return -ENOMEM;
    for (struct vma *a = p->mm ? p->mm->vmas : NULL; a; a = a->next) {
        const char *name = (a->flags & VMA_BRK) ? "[heap]" : (a->flags & VMA_STACK) ? "[stack]" : "";
        struct inode *f = a->file;
        if (f)
            name = vfs_inode_path(f, path, ABI_PATH_MAX) >= 0 ? path : "(deleted)";
        size_t before = s->len;
        sbuf_printf(s, "%08llx-%08llx %c%c%c%c %08llx 00:%02x %llu ", (unsigned long long)a->start,
                    (unsigned long long)a->end, a->prot & CORE_PROT_READ ? 'r' : '-',
                    a->prot & CORE_PROT_WRITE ? 'w' : '-', a->prot & CORE_PROT_EXEC ? 'x' : '-',
                    a->flags & VMA_SHARED ? 's' : 'p', (unsigned long long)(f ? a->off : 0),
                    f && f->sb ? f->sb->dev : 0, (unsigned long long)(f ? f->ino : 0));
        if (*name) { /* the name starts at column 73, as Linux pads it */
            for (size_t col = s->len - before; col < 73; col++)
                sbuf_put(s, " ", 1);
            sbuf_put(s, name, strlen(name));
        }
        sbuf_put(s, "\n", 1);
    }
    core_free(path);
    return 0;
}

static int show_mounts(struct process *p, const struct pnode *n, struct sbuf *s)
{
    mount_show(s);
    return 0;
}

static int show_fdinfo(struct process *p, const struct pnode *n, struct sbuf *s)
{
    struct file *f = p->fds && n->fd < ABI_NR_OPEN_HARD ? p->fds->files[n->fd] : NULL;
    if (!f)
        return -ENOENT;
    bool cloexec = (p->fds->cloexec[n->fd / 64] >> (n->fd % 64)) & 1;
    sbuf_printf(s, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t0\nino:\t%llu\n",
                (unsigned long long)f->pos, f->flags | (cloexec ? O_CLOEXEC : 0),
                (unsigned long long)f->inode->ino);
    if (f->ops && f->ops->fdinfo)
        f->ops->fdinfo(f, s);
    return 0;
}

/* ---- links ---- */

static long text_copy(const char *str, char *buf, size_t size)
{
    size_t n = strlen(str);
    n = n < size ? n : size;
    memcpy(buf, str, n);
    return (long)n;
}

/* A path from a name function (length with the NUL) as readlink text. */
static long text_path(long n, char *tmp, char *buf, size_t size)
{
    if (n < 0)
        return n;
    return text_copy(tmp, buf, size);
}

static struct inode *exe_of(struct process *p)
{
    return p->exe;
}

static int link_exe(struct process *p, const struct pnode *n, struct link_target *t)
{
    t->inode = exe_of(p);
    return t->inode ? 0 : -ENOENT;
}

static long path_text(struct inode *ino, bool dir, char *buf, size_t size)
{
    char *tmp = core_malloc(ABI_PATH_MAX);
    if (!tmp)
        return -ENOMEM;
    long n = dir ? vfs_dir_path(ino, tmp, ABI_PATH_MAX) : vfs_inode_path(ino, tmp, ABI_PATH_MAX);
    n = text_path(n, tmp, buf, size);
    core_free(tmp);
    return n;
}

static long text_exe(struct process *p, const struct pnode *n, char *buf, size_t size)
{
    struct inode *exe = exe_of(p);
    return exe ? path_text(exe, false, buf, size) : -ENOENT;
}

static int link_cwd(struct process *p, const struct pnode *n, struct link_target *t)
{
    t->inode = p->cwd;
    return t->inode ? 0 : -ENOENT;
}

static long text_cwd(struct process *p, const struct pnode *n, char *buf, size_t size)
{
    return p->cwd ? path_text(p->cwd, true, buf, size) : -ENOENT;
}

static int link_root(struct process *p, const struct pnode *n, struct link_target *t)
{
    t->inode = mount_cross(vfs_root);
    return 0;
}

static long text_root(struct process *p, const struct pnode *n, char *buf, size_t size)
{
    return text_copy("/", buf, size);
}

static int link_fd(struct process *p, const struct pnode *n, struct link_target *t)
{
    struct file *f = p->fds && n->fd < ABI_NR_OPEN_HARD ? p->fds->files[n->fd] : NULL;
    if (!f)
        return -ENOENT;
    t->inode = f->inode;
    t->file = f;
    return 0;
}

static long text_fd(struct process *p, const struct pnode *n, char *buf, size_t size)
{
    struct file *f = p->fds && n->fd < ABI_NR_OPEN_HARD ? p->fds->files[n->fd] : NULL;
    if (!f)
        return -ENOENT;
    char *tmp = core_malloc(ABI_PATH_MAX);
    if (!tmp)
        return -ENOMEM;
    long r = text_path(file_path(f, tmp, ABI_PATH_MAX), tmp, buf, size);
    core_free(tmp);
    return r;
}

/* ---- the tables ---- */

const struct pentry procfs_fd_entry = {
    .name = "", .mode = S_IFLNK | 0700, .id = 5, .link = link_fd, .text = text_fd,
};

const struct pentry procfs_fdinfo_entry = {
    .name = "", .mode = S_IFREG | 0444, .id = 6, .show = show_fdinfo,
};

#define PFILE(n, m, i, fn) {.name = n, .mode = S_IFREG | (m), .id = i, .show = fn}
#define PLINK(n, i, l, t) {.name = n, .mode = S_IFLNK | 0777, .id = i, .link = l, .text = t}

/* What /proc/PID and /proc/PID/task/TID hold (a thread's view is its
 * process's for now). */
#define PID_ENTRIES \
    {.name = "fd", .mode = S_IFDIR | 0500, .id = 3, .dyn = PDYN_FDS, \
     .dyn_child = &procfs_fd_entry}, \
    {.name = "fdinfo", .mode = S_IFDIR | 0500, .id = 4, .dyn = PDYN_FDS, \
     .dyn_child = &procfs_fdinfo_entry}, \
    PFILE("environ", 0400, 11, show_environ), \
    PLINK("cwd", 16, link_cwd, text_cwd), \
    PLINK("root", 17, link_root, text_root), \
    PLINK("exe", 15, link_exe, text_exe), \
    PFILE("mounts", 0444, 14, show_mounts), \
    PFILE("maps", 0444, 13, show_maps), \
    PFILE("stat", 0444, 7, show_stat), \
    PFILE("statm", 0444, 9, show_statm), \
    PFILE("status", 0444, 8, show_status), \
    PFILE("cmdline", 0444, 10, show_cmdline), \
    PFILE("comm", 0644, 12, show_comm)

static const struct pentry procfs_tid_entries[] = {
    PID_ENTRIES,
    {0},
};

static const struct pentry procfs_tid_dir_entry = {
    .name = "", .mode = S_IFDIR | 0555, .id = 19, .children = procfs_tid_entries,
};

const struct pentry procfs_pid_entries[] = {
    PID_ENTRIES,
    {.name = "task", .mode = S_IFDIR | 0555, .id = 18, .dyn = PDYN_TIDS,
     .dyn_child = &procfs_tid_dir_entry},
    {0},
};

const struct pentry procfs_pid_dir_entry = {
    .name = "", .mode = S_IFDIR | 0555, .id = 2, .children = procfs_pid_entries,
};
