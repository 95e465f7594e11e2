/* Processes and threads: the process table, the family tree, and signal
 * state.
 *
 * A struct process is a thread group: PID, family, memory, files, cwd,
 * credentials, limits, signal actions and the process-wide pending set.
 * Each of its threads (struct thread) owns one core task and what Linux
 * keeps per thread: the TID, the blocked mask, thread-directed pending
 * signals (tkill, faults), the alternate stack, and the clear-child-TID
 * and robust-futex addresses. The first thread's TID is the PID. PIDs
 * and TIDs come from one number space, handed out in increasing order and
 * reused after wrapping. The program mica runs is PID 1; orphans are
 * re-parented to it; when PID 1 exits the VM ends with its status. A
 * process whose last thread exits stays a zombie (state, status, times)
 * until its parent reaps it with wait4/waitid, or at once when the parent
 * ignores SIGCHLD.
 *
 * Signals: `pending` (process-wide) and each thread's `pending` hold
 * standard and real-time signals with each one's info; further instances
 * of a pending real-time signal wait in the process's `rt_queue`, in
 * order; a thread's `sigmask` blocks them for that thread. A process-wide
 * signal goes to a thread that does not block it. Delivery happens on the
 * way back to user mode (signal.c). Syscalls that sleep return
 * -ERESTARTSYS and friends when a signal interrupts them; delivery turns
 * those into EINTR or a restart, as SA_RESTART says.
 *
 * Group exit (exit_group, a fatal signal, exec from a thread): the
 * process is marked `exiting`, every other thread is interrupted and ends
 * on its way back to user mode; the last thread out makes the zombie.
 */
#ifndef ABI_PROC_H
#define ABI_PROC_H

#include <core/types.h>
#include <core/sched.h>
#include <linux/resource.h>

#define ABI_PID_MAX 32768

/* Kernel-internal restart codes (never reach user space). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

struct sigaction_user { /* the rt_sigaction layout on x86-64 */
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

/* What a queued signal carries to a SA_SIGINFO handler. */
struct sig_info {
    int signo, code, errno_;
    int pid;          /* sender, or the child for SIGCHLD */
    uint32_t uid;
    int status;       /* SIGCHLD: exit code or signal */
    uint64_t addr;    /* SIGSEGV/SIGBUS: fault address */
    uint64_t utime, stime;
    uint64_t value;   /* sigqueue's si_value */
};

/* A real-time signal queued behind the pending one of its number. */
struct sig_queued {
    struct sig_queued *next;
    struct sig_info info;
};

enum proc_state {
    PROC_RUNNING,  /* runnable or sleeping */
    PROC_STOPPED,  /* SIGSTOP/SIGTSTP... until SIGCONT */
    PROC_ZOMBIE,   /* exited, not yet reaped */
};

struct thread {
    int tid;
    struct process *proc;
    struct core_task *task;
    struct thread *next;      /* the process's other threads */
    uint64_t sigmask;
    uint64_t pending;         /* thread-directed: tkill, faults */
    struct sig_info siginfo[ABI_NSIG];
    uint64_t saved_sigmask;   /* rt_sigsuspend/ppoll restore it after delivery */
    bool restore_sigmask;
    uint64_t altstack_sp, altstack_size;
    int altstack_flags;
    int trap_nr;              /* the last user exception: vector and error */
    uint64_t trap_err;        /* code, for sigcontext trapno/err as Linux */
    uint64_t sigwait_set;     /* rt_sigtimedwait: these wake it even blocked */
    uint64_t clear_child_tid, set_child_tid, robust_list;
};

struct process {
    int pid, pgid, sid;
    enum proc_state state;
    struct process *parent;
    struct process *children; /* newest first, through sibling */
    struct process *sibling;
    struct process *next_all; /* every process, for /proc and kill(-1) */
    struct thread *threads;   /* NULL once a zombie; the leader first */
    unsigned nthreads;
    bool exiting;             /* exit_group or a fatal signal: all threads end */
    int group_exit_status;    /* the wait status they end with */
    struct thread *exec_thread; /* exec in progress: every other thread ends */
    struct core_waitq thread_exit_wait; /* exec waits here for the others */
    uint64_t dead_utime_ns, dead_stime_ns; /* threads already gone */
    struct core_waitq child_wait; /* woken when a child changes state */
    int exit_status;          /* wait status (WIFEXITED... encoding) */
    bool wait_reported;       /* a stop/continue already reported to wait */
    struct vfork_wait *vfork_wait_rec; /* the vfork parent sleeps on it */
    int exit_signal;          /* sent to the parent at exit (SIGCHLD) */
    bool continued;           /* continued since the parent last waited */
    struct core_waitq stop_wait; /* a stopped process sleeps here */
    uint64_t start_ns;        /* monotonic time of fork */
    uint64_t cutime_ns, cstime_ns; /* reaped children's times */
    uint64_t utime_ns, stime_ns;   /* final times, once a zombie */

    struct fd_table *fds;
    struct inode *cwd;
    struct inode *exe;        /* the executable (for /proc/PID/exe) */
    struct mm *mm;
    uint32_t umask;
    uint32_t ruid, euid, suid, fsuid, rgid, egid, sgid, fsgid;
    struct rlimit64 rlim[RLIM_NLIMITS];
    char comm[16];

    /* signals */
    struct sigaction_user sigactions[ABI_NSIG];
    uint64_t pending;         /* bit (sig - 1) */
    struct sig_info siginfo[ABI_NSIG]; /* the info of each pending signal */
    struct sig_queued *rt_queue; /* more instances of pending RT signals */
    unsigned rt_queued;
    int stop_signal;          /* the signal that stopped it */
    struct core_timer itimer_real; /* alarm/ITIMER_REAL */
    uint64_t itimer_real_interval_ns;
    struct core_waitq signalfd_wait; /* woken by each signal sent to it */
};

extern struct process *abi_proc;  /* the current process */
extern struct thread *abi_thread; /* the current thread */

/* The process table (proc.c). */
struct process *proc_find(int pid);          /* live or zombie, or NULL */
struct process *proc_first(void);            /* iterate: every process */
static inline struct process *proc_next(struct process *p) { return p->next_all; }
struct process *proc_init_first(void) __must_check; /* PID 1 */
void proc_init_limits(struct process *p);

struct process *proc_alloc(void); /* zeroed, with a PID, on the list */
void proc_unlink(struct process *p);
unsigned proc_count(void);

/* Threads (proc.c): a zeroed thread with a TID of its own (tid_self: the
 * process's PID, for its first thread), linked into p. */
struct thread *thread_alloc(struct process *p, bool tid_self);
void thread_unlink(struct thread *t); /* off its process; frees its TID */
struct thread *thread_find(int tid);  /* a live thread, or NULL */
/* A live thread of p (the one to charge CPU times or show in /proc). */
static inline struct thread *proc_main_thread(const struct process *p)
{
    return p->threads;
}
/* Send every thread of p but the current one through the return-to-user
 * hook (a stop, a group exit, an exec). */
void proc_interrupt_others(struct process *p);
/* CPU times of p's live and dead threads. */
void proc_times(const struct process *p, uint64_t *user_ns, uint64_t *sys_ns);

/* Lifecycle (fork.c, exit.c). */
struct vfork_wait;
long proc_fork(unsigned long flags, uint64_t new_sp, uint64_t u_ptid, uint64_t u_ctid,
               uint64_t tls, struct core_uregs *regs);
void proc_vfork_release(struct process *p);
void proc_exec_done(struct process *p); /* exec succeeded */
__noreturn void proc_exit(int wait_status); /* the current process ends */
__noreturn void thread_exit(int wait_status); /* the current thread ends */
/* exec: end every other thread of the current process; 0, or -EINTR
 * when a group exit got there first. */
int proc_kill_other_threads(void);
void proc_reap(struct process *p);          /* free a zombie */

/* Futexes (futex.c): wake up to n waiters on the word at u; a dead
 * thread's robust futexes are released (owner died, a waiter woken). */
int futex_wake_addr(uaddr_t u, int n);
void futex_robust_exit(struct thread *t);

/* Signals (signal.c). */
void signals_reset_on_exec(struct process *p);
/* Post sig to p (info may be NULL: SI_USER from the current process).
 * -EAGAIN when a real-time signal cannot be queued (RLIMIT_SIGPENDING). */
int signal_send(struct process *p, int sig, const struct sig_info *info);
/* Post sig to one thread (tkill, tgkill, faults). */
int signal_send_thread(struct thread *t, int sig, const struct sig_info *info);
/* Signals pending for the current thread: its own and its process's. */
uint64_t signal_pending_set(void);
/* Take pending sig off the current thread (its own first, then the
 * process's), with its info; the next queued one, if any, becomes
 * pending. */
void signal_dequeue(int sig, struct sig_info *out);
/* Drop sig (0: every signal) from p's pending set and queue. */
void signal_flush(struct process *p, int sig);
/* The 128-byte siginfo_t user space sees. */
void signal_info_fill(uint8_t *out, const struct sig_info *si);
/* True if the group is orphaned: no member has a parent in another group
 * of the same session (job-control stops are then discarded). */
bool signal_pgrp_orphaned(int pgid);
/* To every process in group pgid; -ESRCH if none. */
int signal_send_pgrp(int pgid, int sig);
/* p is exiting: epoll items watching its signalfds let go (signalfd.c). */
void signalfd_proc_exit(struct process *p);
/* Send SIGSEGV/SIGBUS... for a fault to the current process. */
void signal_force(int sig, int code, uint64_t addr);
/* Deliver pending signals before returning to user (the core's hook). */
void signal_deliver(struct core_uregs *regs);
/* Something the current process waits for may be interrupted by a
 * signal: true when one is pending and unblocked. */
bool signal_pending(void);
/* The mask for the duration of sigsuspend/ppoll/pselect6 (sys_signal.c). */
long signal_mask_temporarily(uaddr_t u_mask, size_t sigsetsize) __must_check;

#endif
