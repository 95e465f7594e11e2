/* The console as a file: stdin from the host, stdout and stderr to it.
 *
 * Two personalities, fixed at boot by `mica run -t`:
 *
 *   plain (default): a pipe-like character device. It cannot seek
 *   (ESPIPE), the terminal ioctls answer ENOTTY (libc then buffers fully
 *   and shells do no job control), and input is asked of the host only
 *   when a reader wants it, so mica reads no more of its stdin than the
 *   guest consumes.
 *
 *   terminal: the console is the controlling terminal of session 1, with
 *   a line discipline (ldisc.c): echo, editing, ^C ^Z ^\ as signals to
 *   the foreground process group, termios and window size. Input is
 *   always asked for, so a ^C arrives while nobody reads. A read from a
 *   background process group gets SIGTTIN (or EIO when that is ignored
 *   or blocked), as on Linux.
 *
 * Input arrives from the core's input handler, outside any syscall; a
 * reader sleeps on in_wait and the handler wakes it. Writes go to the
 * stream recorded in the open file (fd 1 and fd 2 are separate opens),
 * so dup2(2, 1) sends output where Linux would.
 */
#include "abi_int.h"
#include "ldisc.h"

#include <core/console.h>
#include <core/sched.h>
#include <core/time.h>
#include <asm/ioctls.h>
#include <asm/poll.h>
#include <linux/signal.h>

#define CONSOLE_CHUNK 4096
#define PLAIN_BUF 4096

static struct inode *console;
static struct {
    bool tty;
    struct core_waitq in_wait;
    bool eof;
    /* plain */
    uint8_t buf[PLAIN_BUF];
    size_t head, len;
    /* terminal */
    struct ldisc ld;
    uint8_t pend[CONSOLE_CHUNK]; /* input the ldisc had no room for yet */
    size_t pend_len;
    int fg_pgrp, sid;
} con;

static void deliver_sigs(unsigned sigs)
{
    for (int sig = 1; sigs && sig <= 32; sig++)
        if (sigs & LDISC_SIGBIT(sig)) {
            sigs &= ~LDISC_SIGBIT(sig);
            if (con.fg_pgrp > 0)
                (void)signal_send_pgrp(con.fg_pgrp, sig);
        }
}

/* Offer pending input to the ldisc; echo goes straight to the host. */
static void tty_feed(void)
{
    uint8_t echo[CONSOLE_CHUNK];
    while (con.pend_len) {
        struct ldisc_out out = {.buf = echo, .cap = sizeof(echo)};
        unsigned sigs = 0;
        size_t took = ldisc_receive(&con.ld, con.pend, con.pend_len, &out, &sigs);
        if (out.len)
            core_console_write(CORE_STDOUT, echo, out.len);
        deliver_sigs(sigs);
        if (!took)
            break;
        memmove(con.pend, con.pend + took, con.pend_len - took);
        con.pend_len -= took;
    }
}

static void ask_host(void)
{
    size_t room = con.tty ? sizeof(con.pend) - con.pend_len : PLAIN_BUF - con.len;
    if (room && !con.eof)
        core_console_request(room);
}

static void console_input(const void *data, size_t n, bool eof)
{
    const uint8_t *p = data;
    if (con.tty) {
        size_t take = n < sizeof(con.pend) - con.pend_len ? n : sizeof(con.pend) - con.pend_len;
        memcpy(con.pend + con.pend_len, p, take);
        con.pend_len += take;
        tty_feed();
    } else {
        for (size_t i = 0; i < n && con.len < PLAIN_BUF; i++)
            con.buf[(con.head + con.len++) % PLAIN_BUF] = p[i];
    }
    if (eof)
        con.eof = true;
    core_wake_all(&con.in_wait);
    if (con.tty)
        ask_host(); /* keep listening for ^C */
}

static void console_winsize(unsigned rows, unsigned cols)
{
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    unsigned sigs = 0;
    if (con.tty && ldisc_ioctl(&con.ld, TIOCSWINSZ, &ws, &sigs) == 0)
        deliver_sigs(sigs);
}

struct inode *console_inode(void)
{
    if (!console) {
        console = inode_new(S_IFCHR | 0620);
        if (!console)
            return NULL;
        console->rdev_major = 5; /* like /dev/console */
        console->rdev_minor = 1;
        console->fops = &console_ops;
        console->refs = 1; /* never freed */
        console->nlink = 0;
    }
    return console;
}

/* ---- reading ---- */

static bool sig_ignored_or_blocked(int sig)
{
    return abi_proc->sigactions[sig - 1].handler == (uint64_t)(uintptr_t)SIG_IGN ||
           (abi_thread->sigmask & (1ull << (sig - 1)));
}

/* Job control: is the caller allowed to read (or, for setters, to
 * change) the terminal? 0, -EIO, or -ERESTARTSYS after sending sig. */
static long tty_check_fg(int sig)
{
    if (!con.tty || abi_proc->sid != con.sid || abi_proc->pgid == con.fg_pgrp)
        return 0;
    if (sig_ignored_or_blocked(sig))
        return sig == SIGTTIN ? -EIO : 0;
    if (signal_pgrp_orphaned(abi_proc->pgid)) /* the stop would be discarded */
        return -EIO;
    (void)signal_send_pgrp(abi_proc->pgid, sig);
    return -ERESTARTSYS;
}

static ssize_t plain_take(uint8_t *dst, size_t n)
{
    size_t k = 0;
    while (k < n && con.len) {
        dst[k++] = con.buf[con.head];
        con.head = (con.head + 1) % PLAIN_BUF;
        con.len--;
    }
    return (ssize_t)k;
}

/* Bytes now, 0 at end of input, or -EAGAIN. */
static ssize_t read_now(uint8_t *dst, size_t n, bool nonblock, bool expired)
{
    if (con.tty) {
        enum ldisc_read_mode m = expired ? LDISC_READ_EXPIRED
                               : nonblock ? LDISC_READ_NONBLOCK : LDISC_READ_WAIT;
        ssize_t r = ldisc_read(&con.ld, dst, n, m);
        if (r >= 0)
            tty_feed(); /* room again for what waited */
        if (r == -EAGAIN && con.eof)
            return 0;
        return r;
    }
    if (con.len)
        return plain_take(dst, n);
    return con.eof ? 0 : -EAGAIN;
}

static ssize_t console_read(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    if (len == 0)
        return 0;
    long err = tty_check_fg(SIGTTIN);
    if (err)
        return err;
    uint8_t *buf = core_malloc(CONSOLE_CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t want = len < CONSOLE_CHUNK ? len : CONSOLE_CHUNK;
    bool nonblock = f->flags & O_NONBLOCK, expired = false;
    uint64_t deadline = 0;
    ssize_t ret;
    for (;;) {
        ret = read_now(buf, want, nonblock, expired);
        if (ret != -EAGAIN || nonblock)
            break;
        ask_host();
        unsigned vtime = con.tty ? ldisc_vtime(&con.ld) : 0;
        if (vtime && !deadline)
            deadline = core_time_monotonic_ns() + vtime * 100000000ull;
        int r = core_wait(&con.in_wait, deadline, true);
        if (r == -ETIMEDOUT)
            expired = true;
        else if (r == -EINTR && signal_pending()) {
            ret = -ERESTARTSYS;
            break;
        }
    }
    if (ret > 0 && core_copy_to_user(u_buf, buf, (size_t)ret))
        ret = -EFAULT; /* the bytes are lost, as on a pipe read that faults */
    core_free(buf);
    return ret;
}

/* ---- writing ---- */

static ssize_t console_write(struct file *f, uaddr_t u_buf, size_t len, uint64_t *pos)
{
    uint8_t *buf = core_malloc(2 * CONSOLE_CHUNK);
    if (!buf)
        return -ENOMEM;
    uint8_t *out = buf + CONSOLE_CHUNK;
    int stream = f->stream ? f->stream : CORE_STDOUT;
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < CONSOLE_CHUNK / 2 ? len - done : CONSOLE_CHUNK / 2;
        if (core_copy_from_user(buf, uaddr_add(u_buf, done), n))
            break;
        if (con.tty) { /* output processing (ONLCR ...) may double the bytes */
            size_t off = 0;
            while (off < n) {
                size_t used = 0;
                size_t m = ldisc_write(&con.ld, buf + off, n - off, out, CONSOLE_CHUNK, &used);
                core_console_write(stream, out, m);
                off += used;
            }
        } else {
            core_console_write(stream, buf, n);
        }
        done += n;
    }
    core_free(buf);
    if (done == 0 && len)
        return -EFAULT;
    return (ssize_t)done;
}

/* ---- control ---- */

static long tty_pgrp_ioctl(unsigned cmd, uint64_t arg)
{
    int v;
    switch (cmd) {
    case TIOCGPGRP:
        v = con.fg_pgrp;
        return core_copy_to_user(uaddr(arg), &v, sizeof(v)) ? -EFAULT : 0;
    case TIOCGSID:
        v = con.sid;
        return core_copy_to_user(uaddr(arg), &v, sizeof(v)) ? -EFAULT : 0;
    case TIOCSPGRP: {
        if (core_copy_from_user(&v, uaddr(arg), sizeof(v)))
            return -EFAULT;
        if (abi_proc->sid != con.sid)
            return -ENOTTY;
        long err = tty_check_fg(SIGTTOU);
        if (err)
            return err;
        if (v < 0)
            return -EINVAL;
        bool found = false;
        for (struct process *p = proc_first(); p; p = proc_next(p))
            if (p->pgid == v && p->sid == con.sid)
                found = true;
        if (!found)
            return -EPERM;
        con.fg_pgrp = v;
        return 0;
    }
    case TIOCSCTTY:
        if (abi_proc->pid != abi_proc->sid)
            return -EPERM;
        con.sid = abi_proc->sid;
        con.fg_pgrp = abi_proc->pgid;
        return 0;
    case TIOCNOTTY:
        return abi_proc->sid == con.sid ? 0 : -ENOTTY;
    default:
        return -ENOTTY;
    }
}

static long console_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
    if (!con.tty) {
        if (cmd == FIONREAD) {
            int n = (int)con.len;
            return core_copy_to_user(uaddr(arg), &n, sizeof(n)) ? -EFAULT : 0;
        }
        return -ENOTTY; /* TCGETS, TIOCGWINSZ ...: not a terminal */
    }
    struct ldisc_ioctl_arg a;
    if (ldisc_ioctl_arg(cmd, &a) == LDISC_IOCTL_PASS)
        return tty_pgrp_ioctl(cmd, arg);
    uint8_t karg[LDISC_IOCTL_ARG_MAX];
    int value = (int)arg;
    memset(karg, 0, sizeof(karg));
    if (a.setter) {
        long err = tty_check_fg(SIGTTOU);
        if (err)
            return err;
    }
    if (a.value)
        memcpy(karg, &value, sizeof(value));
    else if (a.in && core_copy_from_user(karg, uaddr(arg), a.in))
        return -EFAULT;
    unsigned sigs = 0;
    long ret = ldisc_ioctl(&con.ld, cmd, karg, &sigs);
    if (ret == LDISC_IOCTL_PASS)
        return -ENOTTY;
    if (ret == 0 && a.out && core_copy_to_user(uaddr(arg), karg, a.out))
        return -EFAULT;
    deliver_sigs(sigs);
    tty_feed();
    core_wake_all(&con.in_wait); /* a mode change can make input readable */
    return ret;
}

static unsigned console_poll(struct file *f, struct poll_table *pt)
{
    unsigned ev = POLLOUT | POLLWRNORM;
    if (FILE_READABLE(f)) {
        bool ready = con.eof || (con.tty ? ldisc_readable(&con.ld) : con.len > 0);
        if (ready)
            ev |= POLLIN | POLLRDNORM;
        else if (pt)
            ask_host();
        if (pt)
            poll_wait(pt, &con.in_wait);
    }
    return ev;
}

const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .ioctl = console_ioctl,
    .poll = console_poll,
    .seekable = false,
};

/* fds 0, 1, 2 of the first process; the terminal setup with -t. */
int console_open_stdio(void)
{
    struct inode *ino = console_inode();
    if (!ino)
        return -ENOMEM;
    unsigned rows, cols;
    con.tty = core_console_is_tty(&rows, &cols);
    core_console_set_input_handler(console_input);
    core_console_set_winsize_handler(console_winsize);
    if (con.tty) {
        ldisc_init(&con.ld);
        con.ld.ws.ws_row = (unsigned short)rows;
        con.ld.ws.ws_col = (unsigned short)cols;
        con.sid = con.fg_pgrp = abi_proc->sid;
        ask_host();
    }
    static const uint32_t modes[3] = {O_RDONLY, O_WRONLY, O_WRONLY};
    static const int streams[3] = {0, CORE_STDOUT, CORE_STDERR};
    for (int fd = 0; fd < 3; fd++) {
        struct file *f = file_new(ino, con.tty ? O_RDWR : modes[fd]);
        if (!f)
            return -ENOMEM;
        f->stream = streams[fd];
        int err = fd_install_at(f, fd, false);
        if (err < 0) {
            file_put(f);
            return err;
        }
    }
    return 0;
}
