/* Terminal line discipline: input bytes, line editing, echo and ISIG.
 *
 * A byte is "special" when the termios in force gives it a meaning
 * (Linux's char_map): only those go through ldisc_special; everything
 * else is queued and echoed as it is. NUL is never special, so c_cc
 * entries of 0 are disabled. Erasing echoes "\b \b" per column; a tab
 * goes back to where it started, counted from the previous tab or from
 * canon_column, the column the line's echo began at (after a prompt).
 */
#include "ldisc_int.h"

#include <asm/signal.h>

enum ldisc_kill { LDISC_ERASE, LDISC_WERASE, LDISC_KILL };

static void ldisc_put(struct ldisc *l, uint8_t c)
{
    ldisc_mark_eol(l, l->head, false);
    l->buf[LDISC_MASK(l->head)] = c;
    l->head++;
}

/* Queue c (0 for VEOF) as the end of a line. */
static void ldisc_put_eol(struct ldisc *l, uint8_t c)
{
    ldisc_put(l, c);
    ldisc_mark_eol(l, l->head - 1, true);
    l->canon = l->head;
}

/* Echo c as the user typed it; the first byte of a line sets where the
 * line's echo begins. */
static void ldisc_echo_typed(struct ldisc *l, struct ldisc_out *o, uint8_t c)
{
    if (l->canon == l->head)
        l->canon_column = l->column;
    ldisc_echo_char(l, o, c);
}

static void ldisc_echo_str(struct ldisc *l, struct ldisc_out *o, const char *s)
{
    while (*s)
        ldisc_echo_post(l, o, (uint8_t)*s++);
}

static void ldisc_plain(struct ldisc *l, uint8_t c, struct ldisc_out *o)
{
    if (LDISC_L(l, ECHO))
        ldisc_echo_typed(l, o, c);
    ldisc_put(l, c);
}

/* Back over a tab: the columns since the previous tab (or the line's
 * start, offset by canon_column) say where the tab began. */
static void ldisc_erase_tab(struct ldisc *l, struct ldisc_out *o)
{
    unsigned cols = 0;
    bool after_tab = false;
    for (size_t i = l->head; i != l->canon;) {
        uint8_t b = ldisc_at(l, --i);
        if (b == '\t') {
            after_tab = true;
            break;
        }
        if (ldisc_iscntrl(b))
            cols += LDISC_L(l, ECHOCTL) ? 2 : 0;
        else if (!ldisc_is_cont(l, b))
            cols++;
    }
    if (!after_tab)
        cols += l->canon_column;
    unsigned bs = 8 - (cols & 7);
    if (bs > l->column)
        bs = l->column;
    l->column -= bs;
    while (bs--)
        ldisc_echo_raw(o, '\b');
}

static void ldisc_erase_echo(struct ldisc *l, enum ldisc_kill kind, uint8_t b,
                             struct ldisc_out *o)
{
    if (kind == LDISC_ERASE && !LDISC_L(l, ECHOE))
        ldisc_echo_char(l, o, l->t.c_cc[VERASE]);
    else if (b == '\t')
        ldisc_erase_tab(l, o);
    else if (!ldisc_iscntrl(b))
        ldisc_echo_str(l, o, "\b \b");
    else if (LDISC_L(l, ECHOCTL))
        ldisc_echo_str(l, o, "\b \b\b \b"); /* it showed as ^X */
}

/* VKILL without the full ECHOK ECHOE ECHOKE set: drop the line at once.
 * Returns false when the line is to be erased byte by byte instead. */
static bool ldisc_kill_fast(struct ldisc *l, uint8_t c, struct ldisc_out *o)
{
    if (LDISC_L(l, ECHO) && LDISC_L(l, ECHOK) && LDISC_L(l, ECHOKE) && LDISC_L(l, ECHOE))
        return false;
    l->head = l->canon;
    if (LDISC_L(l, ECHO)) {
        ldisc_echo_char(l, o, c);
        if (LDISC_L(l, ECHOK))
            ldisc_echo_post(l, o, '\n');
    }
    return true;
}

/* VERASE one character, VWERASE one word (trailing non-word bytes, then
 * word bytes), VKILL the line; never past the last complete line. */
static void ldisc_erase(struct ldisc *l, uint8_t c, struct ldisc_out *o)
{
    const cc_t *cc = l->t.c_cc;
    enum ldisc_kill kind = c == cc[VERASE]    ? LDISC_ERASE
                           : c == cc[VWERASE] ? LDISC_WERASE
                                              : LDISC_KILL;
    if (l->head == l->canon)
        return;
    if (kind == LDISC_KILL && ldisc_kill_fast(l, c, o))
        return;
    unsigned seen_word = 0;
    while (l->head != l->canon) {
        size_t h = l->head;
        uint8_t b;
        do /* a whole UTF-8 character, or nothing */
            b = ldisc_at(l, --h);
        while (ldisc_is_cont(l, b) && h != l->canon);
        if (ldisc_is_cont(l, b))
            break;
        if (kind == LDISC_WERASE && ldisc_isword(b))
            seen_word++;
        else if (kind == LDISC_WERASE && seen_word)
            break;
        l->head = h;
        if (LDISC_L(l, ECHO))
            ldisc_erase_echo(l, kind, b, o);
        if (kind == LDISC_ERASE)
            break;
    }
}

static void ldisc_reprint(struct ldisc *l, uint8_t c, struct ldisc_out *o)
{
    ldisc_echo_char(l, o, c);
    ldisc_echo_post(l, o, '\n');
    for (size_t i = l->canon; i != l->head; i++)
        ldisc_echo_char(l, o, ldisc_at(l, i));
}

/* The ICANON meanings of c; false when it has none. */
static bool ldisc_canon(struct ldisc *l, uint8_t c, struct ldisc_out *o)
{
    const cc_t *cc = l->t.c_cc;
    bool iexten = LDISC_L(l, IEXTEN), echo = LDISC_L(l, ECHO);
    if (c == cc[VERASE] || c == cc[VKILL] || (c == cc[VWERASE] && iexten)) {
        ldisc_erase(l, c, o);
    } else if (c == cc[VLNEXT] && iexten) {
        l->lnext = true;
        if (echo && LDISC_L(l, ECHOCTL))
            ldisc_echo_str(l, o, "^\b");
    } else if (c == cc[VREPRINT] && iexten && echo) {
        ldisc_reprint(l, c, o);
    } else if (c == '\n') {
        if (echo || LDISC_L(l, ECHONL))
            ldisc_echo_post(l, o, '\n');
        ldisc_put_eol(l, c);
    } else if (c == cc[VEOF]) {
        ldisc_put_eol(l, 0); /* not echoed */
    } else if (c == cc[VEOL] || (c == cc[VEOL2] && iexten)) {
        if (echo)
            ldisc_echo_typed(l, o, c);
        ldisc_put_eol(l, c);
    } else {
        return false;
    }
    return true;
}

/* VINTR VQUIT VSUSP: report, flush unless NOFLSH, echo. */
static bool ldisc_isig(struct ldisc *l, uint8_t c, struct ldisc_out *o, unsigned *sigs)
{
    const cc_t *cc = l->t.c_cc;
    int sig = c == cc[VINTR]   ? SIGINT
              : c == cc[VQUIT] ? SIGQUIT
              : c == cc[VSUSP] ? SIGTSTP
                               : 0;
    if (!sig || !LDISC_L(l, ISIG))
        return false;
    *sigs |= LDISC_SIGBIT(sig);
    if (!LDISC_L(l, NOFLSH)) {
        ldisc_flush_input(l);
        if (o)
            o->len = 0; /* output not yet sent goes too */
    }
    if (LDISC_L(l, ECHO))
        ldisc_echo_char(l, o, c);
    return true;
}

static void ldisc_special(struct ldisc *l, uint8_t c, struct ldisc_out *o, unsigned *sigs)
{
    const cc_t *cc = l->t.c_cc;
    if (LDISC_I(l, IXON) && (c == cc[VSTART] || c == cc[VSTOP]))
        return; /* flow control: taken, output never stops */
    if (ldisc_isig(l, c, o, sigs))
        return;
    if (c == '\r') {
        if (LDISC_I(l, IGNCR))
            return;
        if (LDISC_I(l, ICRNL))
            c = '\n';
    } else if (c == '\n' && LDISC_I(l, INLCR)) {
        c = '\r';
    }
    if (LDISC_L(l, ICANON) && ldisc_canon(l, c, o))
        return;
    if (c == '\n' && LDISC_L(l, ECHO)) {
        ldisc_echo_post(l, o, '\n');
        ldisc_put(l, c);
    } else {
        ldisc_plain(l, c, o);
    }
}

/* Whether the termios in force gives c a meaning (Linux's char_map). */
static bool ldisc_is_special(const struct ldisc *l, uint8_t c)
{
    const cc_t *cc = l->t.c_cc;
    if (c == 0)
        return false;
    if ((c == '\r' && (LDISC_I(l, IGNCR) || LDISC_I(l, ICRNL))) ||
        (c == '\n' && LDISC_I(l, INLCR)))
        return true;
    if (LDISC_L(l, ICANON)) {
        if (c == cc[VERASE] || c == cc[VKILL] || c == cc[VEOF] || c == '\n' ||
            c == cc[VEOL])
            return true;
        if (LDISC_L(l, IEXTEN) &&
            (c == cc[VWERASE] || c == cc[VLNEXT] || c == cc[VEOL2] ||
             (c == cc[VREPRINT] && LDISC_L(l, ECHO))))
            return true;
    }
    if (LDISC_I(l, IXON) && (c == cc[VSTART] || c == cc[VSTOP]))
        return true;
    return LDISC_L(l, ISIG) && (c == cc[VINTR] || c == cc[VQUIT] || c == cc[VSUSP]);
}

/* Room for one more byte? Canonical input with no complete line may
 * always go on, overwriting the last byte of a full ring. */
static bool ldisc_room(struct ldisc *l)
{
    size_t count = ldisc_count(l);
    if (count < LDISC_BUF_SIZE - 1)
        return true;
    if (!LDISC_L(l, ICANON) || l->canon != l->tail)
        return false;
    if (count == LDISC_BUF_SIZE)
        l->head--;
    return true;
}

static void ldisc_byte(struct ldisc *l, uint8_t c, struct ldisc_out *o, unsigned *sigs)
{
    if (LDISC_I(l, ISTRIP))
        c &= 0x7f;
    if (LDISC_I(l, IUCLC) && LDISC_L(l, IEXTEN) && ldisc_isupper(c))
        c += 'a' - 'A';
    if (l->lnext) {
        l->lnext = false;
        ldisc_plain(l, c, o);
    } else if (ldisc_is_special(l, c)) {
        ldisc_special(l, c, o, sigs);
    } else {
        ldisc_plain(l, c, o);
    }
}

size_t ldisc_receive(struct ldisc *l, const uint8_t *in, size_t n, struct ldisc_out *echo,
                     unsigned *sigs)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (echo && echo->buf && echo->len && echo->cap - echo->len < LDISC_ECHO_ROOM)
            break;
        if (!ldisc_room(l))
            break;
        ldisc_byte(l, in[i], echo, sigs);
    }
    return i;
}
