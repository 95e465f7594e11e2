/* Terminal line discipline: the ioctls that are pure terminal state.
 *
 * termios, termios2, winsize, queue sizes, flushes and N_TTY. Arguments
 * are kernel buffers; ldisc_ioctl_arg tells the caller how to fill them.
 * Process-group ioctls (TIOCSPGRP TIOCGPGRP TIOCSCTTY TIOCNOTTY TIOCGSID)
 * and all others answer LDISC_IOCTL_PASS. c_cflag is kept as set (a pty
 * would force CS8 CREAD; a console does not). Speeds follow CBAUD and
 * CIBAUD, or c_ospeed/c_ispeed with BOTHER, as Linux computes them.
 */
#include "ldisc_int.h"

#include <core/errno.h>
#include <lib/string.h>
#include <asm/ioctls.h>
#include <asm/signal.h>
#include <linux/tty.h>

static const struct {
    unsigned cmd;
    uint8_t in, out;
    bool value, setter;
} ldisc_ioctls[] = {
    {TCGETS, 0, sizeof(struct termios), false, false},
    {TCSETS, sizeof(struct termios), 0, false, true},
    {TCSETSW, sizeof(struct termios), 0, false, true},
    {TCSETSF, sizeof(struct termios), 0, false, true},
    {TCGETS2, 0, sizeof(struct termios2), false, false},
    {TCSETS2, sizeof(struct termios2), 0, false, true},
    {TCSETSW2, sizeof(struct termios2), 0, false, true},
    {TCSETSF2, sizeof(struct termios2), 0, false, true},
    {TIOCGWINSZ, 0, sizeof(struct winsize), false, false},
    {TIOCSWINSZ, sizeof(struct winsize), 0, false, false},
    {FIONREAD, 0, sizeof(int), false, false},
    {TIOCOUTQ, 0, sizeof(int), false, false},
    {TCFLSH, 0, 0, true, true},
    {TCXONC, 0, 0, true, true},
    {TCSBRK, 0, 0, true, true},
    {TCSBRKP, 0, 0, true, true},
    {TIOCSBRK, 0, 0, false, true},
    {TIOCCBRK, 0, 0, false, true},
    {TIOCGETD, 0, sizeof(int), false, false},
    {TIOCSETD, sizeof(int), 0, false, false},
};

long ldisc_ioctl_arg(unsigned cmd, struct ldisc_ioctl_arg *a)
{
    for (size_t i = 0; i < CORE_ARRAY_SIZE(ldisc_ioctls); i++) {
        if (ldisc_ioctls[i].cmd != cmd)
            continue;
        a->in = ldisc_ioctls[i].in;
        a->out = ldisc_ioctls[i].out;
        a->value = ldisc_ioctls[i].value;
        a->setter = ldisc_ioctls[i].setter;
        return 0;
    }
    return LDISC_IOCTL_PASS;
}

/* Speed of a CBAUD code (also CIBAUD >> IBSHIFT), not BOTHER. */
static uint32_t ldisc_baud(tcflag_t code)
{
    static const uint32_t rates[] = {
        0,       50,      75,      110,     134,     150,     200,     300,
        600,     1200,    1800,    2400,    4800,    9600,    19200,   38400,
        57600,   115200,  230400,  460800,  500000,  576000,  921600,  1000000,
        1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
    };
    if (code & CBAUDEX)
        code = (code & ~CBAUDEX) + 15;
    return code < CORE_ARRAY_SIZE(rates) ? rates[code] : 0;
}

static void ldisc_speeds(struct termios2 *t)
{
    tcflag_t out = t->c_cflag & CBAUD, in = (t->c_cflag & CIBAUD) >> IBSHIFT;
    if (out != BOTHER)
        t->c_ospeed = ldisc_baud(out);
    if (in == B0)
        t->c_ispeed = t->c_ospeed;
    else if (in != BOTHER)
        t->c_ispeed = ldisc_baud(in);
}

static void ldisc_set_termios(struct ldisc *l, const struct termios2 *nt)
{
    bool was_canon = LDISC_L(l, ICANON);
    l->t = *nt;
    ldisc_speeds(&l->t);
    if (was_canon == LDISC_L(l, ICANON))
        return;
    /* Line ends mean nothing raw; raw input becomes one line. */
    memset(l->eol, 0, sizeof(l->eol));
    l->line_start = l->canon = l->tail;
    l->lnext = false;
    if (LDISC_L(l, ICANON) && ldisc_count(l)) {
        ldisc_mark_eol(l, l->head - 1, true);
        l->canon = l->head;
    }
}

static void ldisc_termios_in(const struct ldisc *l, const struct termios *k,
                             struct termios2 *nt)
{
    *nt = l->t; /* speeds stay unless CBAUD says otherwise */
    nt->c_iflag = k->c_iflag;
    nt->c_oflag = k->c_oflag;
    nt->c_cflag = k->c_cflag;
    nt->c_lflag = k->c_lflag;
    nt->c_line = k->c_line;
    memcpy(nt->c_cc, k->c_cc, sizeof(nt->c_cc));
}

static void ldisc_termios_out(const struct ldisc *l, struct termios *k)
{
    memset(k, 0, sizeof(*k));
    k->c_iflag = l->t.c_iflag;
    k->c_oflag = l->t.c_oflag;
    k->c_cflag = l->t.c_cflag;
    k->c_lflag = l->t.c_lflag;
    k->c_line = l->t.c_line;
    memcpy(k->c_cc, l->t.c_cc, sizeof(k->c_cc));
}

static long ldisc_ioctl_termios(struct ldisc *l, unsigned cmd, void *karg)
{
    struct termios2 nt;
    if (cmd == TCGETS) {
        ldisc_termios_out(l, karg);
        return 0;
    }
    if (cmd == TCGETS2) {
        memcpy(karg, &l->t, sizeof(l->t));
        return 0;
    }
    if (cmd == TCSETS || cmd == TCSETSW || cmd == TCSETSF)
        ldisc_termios_in(l, karg, &nt);
    else
        memcpy(&nt, karg, sizeof(nt));
    if (cmd == TCSETSF || cmd == TCSETSF2)
        ldisc_flush_input(l);
    ldisc_set_termios(l, &nt); /* W: nothing queued to wait for */
    return 0;
}

static long ldisc_ioctl_value(struct ldisc *l, unsigned cmd, int v)
{
    switch (cmd) {
    case TCFLSH:
        if (v != TCIFLUSH && v != TCOFLUSH && v != TCIOFLUSH)
            return -EINVAL;
        if (v != TCOFLUSH)
            ldisc_flush_input(l);
        return 0;
    case TCXONC: /* accepted; flow control is not done */
        return v >= TCOOFF && v <= TCION ? 0 : -EINVAL;
    default: /* TCSBRK TCSBRKP: nothing queued, no line to break */
        return 0;
    }
}

static long ldisc_ioctl_winsize(struct ldisc *l, unsigned cmd, void *karg, unsigned *sigs)
{
    if (cmd == TIOCGWINSZ) {
        memcpy(karg, &l->ws, sizeof(l->ws));
        return 0;
    }
    if (memcmp(karg, &l->ws, sizeof(l->ws)) != 0) {
        memcpy(&l->ws, karg, sizeof(l->ws));
        *sigs |= LDISC_SIGBIT(SIGWINCH);
    }
    return 0;
}

long ldisc_ioctl(struct ldisc *l, unsigned cmd, void *karg, unsigned *sigs)
{
    struct ldisc_ioctl_arg a;
    if (ldisc_ioctl_arg(cmd, &a) != 0)
        return LDISC_IOCTL_PASS;
    switch (cmd) {
    case TCGETS:
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCGETS2:
    case TCSETS2:
    case TCSETSW2:
    case TCSETSF2:
        return ldisc_ioctl_termios(l, cmd, karg);
    case TIOCGWINSZ:
    case TIOCSWINSZ:
        return ldisc_ioctl_winsize(l, cmd, karg, sigs);
    case FIONREAD:
        *(int *)karg = (int)ldisc_inq(l);
        return 0;
    case TIOCOUTQ: /* output is never queued here */
    case TIOCGETD: /* N_TTY */
        *(int *)karg = cmd == TIOCGETD ? N_TTY : 0;
        return 0;
    case TIOCSETD:
        return *(int *)karg == N_TTY ? 0 : -EINVAL;
    case TIOCSBRK:
    case TIOCCBRK:
        return 0;
    default: /* TCFLSH TCXONC TCSBRK TCSBRKP */
        return ldisc_ioctl_value(l, cmd, *(int *)karg);
    }
}
