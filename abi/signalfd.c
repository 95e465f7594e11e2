/* signalfd and signalfd4: read pending signals as struct signalfd_siginfo.
 *
 * As on Linux, a signalfd is about the thread that uses it, not the one
 * that made it: a read dequeues the reader's pending signals of the mask
 * (its own, then its process's), and poll reports and waits on the
 * poller's. Sending a signal to a process or one of its threads wakes the
 * process's signalfd_wait queue (Linux's is in the shared sighand); epoll
 * items hooked there let go when the process exits (signalfd_proc_exit).
 *
 * The signal internals used here (pending set, dequeue, the queue) are
 * all in the "signal state" section below.
 */
#include "abi_int.h"
#include "sys.h"

#include <core/sched.h>
#include <asm/poll.h>
#include <asm/signal.h>
#include <linux/signalfd.h>

#define SIGBIT(s) (1ull << ((s)-1))
#define SFD_UNREADABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
/* Linux hands these out first, then the lowest number. */
#define SFD_SYNC                                                                         \
    (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) |               \
     SIGBIT(SIGFPE) | SIGBIT(SIGSYS))

struct signalfd {
    uint64_t mask;
};

/* ---- signal state: the current thread's and its process's ---- */

static uint64_t sfd_pending(uint64_t mask)
{
    return signal_pending_set() & mask;
}

static struct core_waitq *sfd_queue(void)
{
    return &abi_proc->signalfd_wait;
}

/* Take the next signal of mask off the current process: 0 if none. */
static int sfd_dequeue(uint64_t mask, struct sig_info *out)
{
    uint64_t set = sfd_pending(mask);
    if (!set)
        return 0;
    if (set & SFD_SYNC)
        set &= SFD_SYNC;
    int sig = __builtin_ctzll(set) + 1;
    signal_dequeue(sig, out);
    return sig;
}

void signalfd_proc_exit(struct process *p)
{
    epoll_waitq_gone(&p->signalfd_wait);
}

/* ---- the file ---- */

static void sfd_fill(struct signalfd_siginfo *ssi, const struct sig_info *si)
{
    memset(ssi, 0, sizeof(*ssi));
    ssi->ssi_signo = (uint32_t)si->signo;
    ssi->ssi_errno = si->errno_;
    ssi->ssi_code = si->code;
    bool fault = si->code > 0 && (SIGBIT(si->signo) & (SFD_SYNC & ~SIGBIT(SIGSYS)));
    if (fault) {
        ssi->ssi_addr = si->addr;
        return;
    }
    ssi->ssi_pid = (uint32_t)si->pid;
    ssi->ssi_uid = si->uid;
    if (si->signo == SIGCHLD && si->code > 0) {
        ssi->ssi_status = si->status;
        ssi->ssi_utime = si->utime;
        ssi->ssi_stime = si->stime;
    } else if (si->value) {
        ssi->ssi_int = (int32_t)si->value;
        ssi->ssi_ptr = si->value;
    }
}

static ssize_t sfd_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    struct signalfd *s = f->priv;
    size_t done = 0;
    if (len < sizeof(struct signalfd_siginfo))
        return -EINVAL;
    while (len - done >= sizeof(struct signalfd_siginfo)) {
        struct sig_info si;
        if (!sfd_dequeue(s->mask, &si)) {
            if (done)
                break;
            long err = anon_wait(f, sfd_queue());
            if (err)
                return err;
            continue;
        }
        struct signalfd_siginfo ssi;
        sfd_fill(&ssi, &si);
        if (core_copy_to_user(uaddr_add(u_buf, done), &ssi, sizeof(ssi)))
            return done ? (ssize_t)done : -EFAULT; /* that one is lost, as on Linux */
        done += sizeof(ssi);
    }
    return (ssize_t)done;
}

static unsigned sfd_poll(struct file *f, struct poll_table *pt)
{
    struct signalfd *s = f->priv;
    poll_wait(pt, sfd_queue());
    return sfd_pending(s->mask) ? POLLIN | POLLRDNORM : 0;
}

static void sfd_release(struct file *f)
{
    core_free(f->priv);
}

static void sfd_fdinfo(struct file *f, struct sbuf *s)
{
    sbuf_printf(s, "sigmask:\t%016llx\n",
                (unsigned long long)((struct signalfd *)f->priv)->mask);
}

static const struct file_ops signalfd_ops = {
    .read = sfd_read,
    .poll = sfd_poll,
    .release = sfd_release,
    .anon_name = "[signalfd]",
    .fdinfo = sfd_fdinfo,
};

long sys_signalfd4(int fd, uaddr_t u_mask, size_t size, int flags)
{
    uint64_t mask;
    if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
        return -EINVAL;
    if (size != sizeof(mask))
        return -EINVAL;
    if (core_copy_from_user(&mask, u_mask, sizeof(mask)))
        return -EFAULT;
    mask &= ~SFD_UNREADABLE;
    if (fd != -1) { /* a new mask for an existing signalfd */
        struct file *f = fd_get(fd);
        if (!f)
            return -EBADF;
        if (f->ops != &signalfd_ops)
            return -EINVAL;
        ((struct signalfd *)f->priv)->mask = mask;
        core_wake_all(sfd_queue());
        return fd;
    }
    struct signalfd *s = core_zalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->mask = mask;
    return anon_fd_new(&signalfd_ops, s, flags);
}

long sys_signalfd(int fd, uaddr_t u_mask, size_t size)
{
    return sys_signalfd4(fd, u_mask, size, 0);
}
