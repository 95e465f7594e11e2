/* The terminal line discipline (Linux's n_tty) as a pure data structure.
 *
 * No blocking, no scheduler, no signals: input bytes go in through
 * ldisc_receive, program output through ldisc_write, and what the caller
 * must do about them comes back as echo bytes to send to the terminal
 * and as signal bits (LDISC_SIGBIT) to deliver to the foreground process
 * group. All buffers here are kernel memory; user copies are the caller's.
 */
#ifndef ABI_LDISC_H
#define ABI_LDISC_H

#include <core/types.h>
#include <asm/termbits.h>
#include <asm/termios.h> /* struct winsize */

#define LDISC_BUF_SIZE 4096 /* input ring, as Linux's N_TTY_BUF_SIZE */

/* Bit for signal `sig` in the *sigs masks below. */
#define LDISC_SIGBIT(sig) (1u << ((sig)-1))

/* ldisc_ioctl: not a line-discipline ioctl (process groups, TIOCSTI,
 * anything unknown). Outside the errno range, so it is never mistaken
 * for an answer: the caller handles the command or returns -ENOTTY. */
#define LDISC_IOCTL_PASS (-4096L)

/* Largest argument any ldisc ioctl copies in or out. */
#define LDISC_IOCTL_ARG_MAX sizeof(struct termios2)

/* Echo bytes that fit in cap - len before an input byte is taken. With
 * less room, ldisc_receive stops (unless len is 0) so the caller can send
 * the echo and call again. Only erase-word, kill and reprint can echo
 * more than this for one byte; what does not fit is counted in lost. */
#define LDISC_ECHO_ROOM 16

struct ldisc_out {
    uint8_t *buf; /* NULL: echo is discarded */
    size_t len, cap;
    size_t lost; /* echo bytes dropped for lack of room */
};

struct ldisc {
    struct termios2 t; /* kernel layout, with c_ispeed and c_ospeed */
    struct winsize ws;
    uint8_t buf[LDISC_BUF_SIZE];       /* input ring */
    uint64_t eol[LDISC_BUF_SIZE / 64]; /* line-end marks, parallel to buf */
    size_t head, tail;                 /* free-running: head - tail bytes queued */
    size_t canon;                      /* end of the last complete line (ICANON) */
    size_t line_start;                 /* start of the line being read (EOF rule) */
    unsigned column;                   /* output column, for tabs and erase */
    unsigned canon_column;             /* column where the input line's echo began */
    bool lnext;                        /* the next input byte is literal (VLNEXT) */
};

/* A fresh terminal, as Linux sets up a pty: 38400 baud, cs8 cread,
 * icrnl ixon, opost onlcr, isig icanon echo echoe echok echoctl echoke
 * iexten, Linux's default control characters, a 0x0 window. */
void ldisc_init(struct ldisc *l);

/* Take up to n input bytes; returns how many were taken. It stops early
 * when the input buffer is full (the caller keeps the rest and offers it
 * again after a read) or when echo has less than LDISC_ECHO_ROOM bytes
 * left. Echo is appended to *echo; signals are ORed into *sigs. A signal
 * that flushes (no NOFLSH) also drops the unsent echo (echo->len = 0). */
size_t ldisc_receive(struct ldisc *l, const uint8_t *in, size_t n, struct ldisc_out *echo,
                     unsigned *sigs);

/* How a read proceeds; see ldisc_read. */
enum ldisc_read_mode {
    LDISC_READ_WAIT,     /* a blocking read */
    LDISC_READ_NONBLOCK, /* O_NONBLOCK */
    LDISC_READ_EXPIRED,  /* the caller's VTIME timer fired */
};

/* Read up to n bytes into dst. -EAGAIN means a blocking read would wait
 * (LDISC_READ_WAIT) or that there is nothing to read (NONBLOCK).
 *
 * ICANON: at most one line, with its '\n', VEOL or VEOL2; a line ended by
 * VEOF comes without it, and VEOF on an empty line returns 0 (end of
 * file). Mode does not matter.
 *
 * Otherwise VMIN and VTIME, split between here and the caller:
 *  - WAIT returns once min(VMIN, n) bytes are queued, or at once when
 *    VMIN and VTIME are 0 (0 when empty); otherwise -EAGAIN.
 *  - The caller, on -EAGAIN, sleeps until input arrives, a signal, or
 *    ldisc_vtime() deciseconds pass (0: no timer). It restarts the timer
 *    after every ldisc_receive that took bytes (VTIME between bytes) and,
 *    when the timer fires, calls again with EXPIRED.
 *  - EXPIRED returns what is queued, up to n, and 0 when nothing is.
 *  - NONBLOCK returns what is queued, up to n; when nothing is, 0 if VMIN
 *    and VTIME are 0, else -EAGAIN. */
ssize_t ldisc_read(struct ldisc *l, uint8_t *dst, size_t n,
                   enum ldisc_read_mode mode) __must_check;

/* Deciseconds the caller waits before LDISC_READ_EXPIRED; 0 = no timer
 * (canonical, VTIME 0, or VMIN > 0 with nothing queued yet). */
unsigned ldisc_vtime(const struct ldisc *l);

/* POLLIN as Linux reports it: a complete line (ICANON); else VMIN bytes
 * when VTIME is 0 and VMIN > 0, otherwise 1 byte. With VMIN and VTIME 0
 * and nothing queued a read returns 0 at once, yet poll says no (as on
 * Linux). */
bool ldisc_readable(const struct ldisc *l);

/* FIONREAD: bytes in complete lines (ICANON, VEOF marks not counted),
 * else all queued bytes. */
size_t ldisc_inq(const struct ldisc *l);

/* Output processing (OPOST ONLCR OCRNL ONOCR ONLRET OLCUC XTABS) from
 * in[0..n) into out[0..outsz); returns bytes produced, *consumed = input
 * bytes used. A byte whose expansion does not fit is left for next time. */
size_t ldisc_write(struct ldisc *l, const uint8_t *in, size_t n, uint8_t *out,
                   size_t outsz, size_t *consumed);

/* How the caller moves an ioctl's argument. */
struct ldisc_ioctl_arg {
    uint32_t in;  /* bytes to copy from user to karg before the call */
    uint32_t out; /* bytes to copy from karg to user after success */
    bool value;   /* arg is an int value, not a pointer: pass &(int)arg */
    bool setter;  /* changes state: background process group check first */
};

/* Describe cmd; 0, or LDISC_IOCTL_PASS when it is not the ldisc's. */
long ldisc_ioctl_arg(unsigned cmd, struct ldisc_ioctl_arg *a) __must_check;

/* Run cmd on kernel buffer karg (LDISC_IOCTL_ARG_MAX bytes suffice).
 * Returns >= 0, a negative errno, or LDISC_IOCTL_PASS. SIGWINCH is ORed
 * into *sigs when TIOCSWINSZ changes the size. */
long ldisc_ioctl(struct ldisc *l, unsigned cmd, void *karg, unsigned *sigs) __must_check;

#endif
