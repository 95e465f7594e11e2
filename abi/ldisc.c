/* Terminal line discipline: state, the read side and the design note.
 *
 * One ring of LDISC_BUF_SIZE input bytes with a parallel bitmap of line
 * ends, three free-running indexes (tail <= canon <= head) and the output
 * column. ldisc_input.c fills the ring and edits the line being typed
 * (canon..head); reads take from tail; ldisc_output.c does OPOST for
 * program output and echo alike; ldisc_ioctl.c holds termios and winsize.
 *
 * It follows Linux's n_tty. A line ends with '\n', VEOL or VEOL2 (kept in
 * the data) or VEOF (kept as a marked 0 byte that a read drops). A VEOF
 * mark read as the first thing of a line is end of file; one that ends a
 * line already partly read is skipped, so "ab^D" read 2 bytes at a time
 * gives "ab" and then waits. The ring holds 4095 bytes; in canonical mode
 * with no complete line it takes one more and then keeps overwriting the
 * last byte, so a newline always gets in and an over-long line reads back
 * as its first 4095 bytes and the newline. MAX_CANON (255) is not
 * enforced, as on Linux.
 *
 * Not done: IXON ^S/^Q are taken out of the input but never stop output
 * (the caller has no output queue to stop); ECHOPRT, PARMRK, IXANY,
 * EXTPROC, VDISCARD, XCASE and line disciplines other than N_TTY.
 *
 * Checked against a Linux 6.x host pty (openpty, raw master writes):
 * default termios and c_cc, erase/werase/kill echo with and without
 * ECHOE ECHOK ECHOKE ECHOCTL, tab erase after a prompt, VLNEXT, VREPRINT,
 * VEOF (ends a line, empty line, partial reads), VEOL/VEOL2, NUL as data,
 * ISIG echo and flush (which also drops echo not yet sent: "^\\^Z" in
 * one write echoes "^Z"), NOFLSH, ECHONL, ICRNL INLCR IGNCR ISTRIP, IUCLC
 * on Latin-1 capitals, IUTF8 erase, VWERASE without ECHOE,
 * "^J" echo of a raw '\n' in non-canonical mode, the 4095/4096 overflow,
 * canonical<->raw switches with queued input, FIONREAD, poll with
 * VMIN/VTIME, OCRNL ONOCR OLCUC XTABS output, the speeds TCGETS2 reports,
 * TCFLSH TCXONC TIOCSETD errors. From Linux's source only: no SIGWINCH
 * when TIOCSWINSZ sets the same size.
 */
#include "ldisc_int.h"

#include <core/errno.h>
#include <lib/string.h>

void ldisc_init(struct ldisc *l)
{
    static const cc_t cc[NCCS] = {
        [VINTR] = 0x03,  [VQUIT] = 0x1c,    [VERASE] = 0x7f,   [VKILL] = 0x15,
        [VEOF] = 0x04,   [VMIN] = 1,        [VSTART] = 0x11,   [VSTOP] = 0x13,
        [VSUSP] = 0x1a,  [VREPRINT] = 0x12, [VDISCARD] = 0x0f, [VWERASE] = 0x17,
        [VLNEXT] = 0x16,
    };
    memset(l, 0, sizeof(*l));
    l->t.c_iflag = ICRNL | IXON;
    l->t.c_oflag = OPOST | ONLCR;
    l->t.c_cflag = B38400 | CS8 | CREAD;
    l->t.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    memcpy(l->t.c_cc, cc, sizeof(cc));
    l->t.c_ispeed = l->t.c_ospeed = 38400;
}

void ldisc_flush_input(struct ldisc *l)
{
    l->head = l->tail = l->canon = l->line_start = 0;
    memset(l->eol, 0, sizeof(l->eol));
    l->lnext = false;
}

/* The line end at tail has been read: past it, and a new line starts. */
static void ldisc_pass_eol(struct ldisc *l)
{
    ldisc_mark_eol(l, l->tail, false);
    l->tail++;
    l->line_start = l->tail;
}

static bool ldisc_at_eof_mark(const struct ldisc *l, size_t i)
{
    return ldisc_is_eol(l, i) && ldisc_at(l, i) == 0;
}

static ssize_t ldisc_read_canon(struct ldisc *l, uint8_t *dst, size_t n)
{
    while (l->tail != l->canon) {
        if (ldisc_at_eof_mark(l, l->tail)) {
            bool eof = l->tail == l->line_start;
            ldisc_pass_eol(l);
            if (eof)
                return 0;
            continue; /* it ended a line already partly read */
        }
        size_t k = 0;
        while (k < n) {
            bool end = ldisc_is_eol(l, l->tail);
            if (!end || ldisc_at(l, l->tail) != 0)
                dst[k++] = ldisc_at(l, l->tail);
            if (end) {
                ldisc_pass_eol(l);
                break;
            }
            l->tail++;
        }
        return (ssize_t)k;
    }
    return -EAGAIN;
}

static size_t ldisc_copy_out(struct ldisc *l, uint8_t *dst, size_t n)
{
    size_t k = ldisc_count(l) < n ? ldisc_count(l) : n;
    size_t first = LDISC_BUF_SIZE - LDISC_MASK(l->tail);
    if (first > k)
        first = k;
    memcpy(dst, l->buf + LDISC_MASK(l->tail), first);
    memcpy(dst + first, l->buf, k - first);
    l->tail += k;
    l->canon = l->line_start = l->tail;
    return k;
}

static ssize_t ldisc_read_raw(struct ldisc *l, uint8_t *dst, size_t n,
                              enum ldisc_read_mode mode)
{
    size_t vmin = l->t.c_cc[VMIN], vtime = l->t.c_cc[VTIME];
    if (ldisc_count(l) == 0)
        return mode == LDISC_READ_EXPIRED || (!vmin && !vtime) ? 0 : -EAGAIN;
    if (mode == LDISC_READ_WAIT && ldisc_count(l) < (vmin < n ? vmin : n))
        return -EAGAIN;
    return (ssize_t)ldisc_copy_out(l, dst, n);
}

ssize_t ldisc_read(struct ldisc *l, uint8_t *dst, size_t n, enum ldisc_read_mode mode)
{
    if (n == 0)
        return 0;
    if (LDISC_L(l, ICANON))
        return ldisc_read_canon(l, dst, n);
    return ldisc_read_raw(l, dst, n, mode);
}

unsigned ldisc_vtime(const struct ldisc *l)
{
    if (LDISC_L(l, ICANON) || (l->t.c_cc[VMIN] && ldisc_count(l) == 0))
        return 0;
    return l->t.c_cc[VTIME];
}

bool ldisc_readable(const struct ldisc *l)
{
    if (LDISC_L(l, ICANON))
        return l->canon != l->tail;
    size_t vmin = l->t.c_cc[VMIN];
    size_t want = !l->t.c_cc[VTIME] && vmin ? vmin : 1;
    return ldisc_count(l) >= want;
}

size_t ldisc_inq(const struct ldisc *l)
{
    if (!LDISC_L(l, ICANON))
        return ldisc_count(l);
    size_t n = l->canon - l->tail;
    for (size_t i = l->tail; i != l->canon; i++)
        if (ldisc_at_eof_mark(l, i))
            n--;
    return n;
}
