/* Terminal line discipline: output processing (OPOST) and echo.
 *
 * Program output and echo go through the same per-byte step, which keeps
 * the output column that tab expansion and erasing depend on. Echo of a
 * control character as "^X" and the backspaces that erase a tab are
 * written as they are and move the column themselves, as on Linux.
 */
#include "ldisc_int.h"

#include <lib/string.h>

/* One byte of output into dst[0..room): bytes produced (0 when ONOCR
 * drops it), or -1 when its expansion does not fit. */
static int ldisc_post(struct ldisc *l, uint8_t c, uint8_t *dst, size_t room)
{
    if (c == '\n') {
        if (LDISC_O(l, ONLRET))
            l->column = 0;
        if (LDISC_O(l, ONLCR)) {
            if (room < 2)
                return -1;
            l->canon_column = l->column = 0;
            memcpy(dst, "\r\n", 2);
            return 2;
        }
        l->canon_column = l->column;
    } else if (c == '\r') {
        if (LDISC_O(l, ONOCR) && l->column == 0)
            return 0;
        if (LDISC_O(l, OCRNL)) {
            c = '\n';
            if (LDISC_O(l, ONLRET))
                l->canon_column = l->column = 0;
        } else {
            l->canon_column = l->column = 0;
        }
    } else if (c == '\t') {
        unsigned spaces = 8 - (l->column & 7);
        if ((l->t.c_oflag & TABDLY) == XTABS) {
            if (room < spaces)
                return -1;
            l->column += spaces;
            memset(dst, ' ', spaces);
            return (int)spaces;
        }
        l->column += spaces;
    } else if (c == '\b') {
        if (l->column > 0)
            l->column--;
    } else if (!ldisc_iscntrl(c)) {
        if (LDISC_O(l, OLCUC) && ldisc_islower(c))
            c -= 'a' - 'A';
        if (!ldisc_is_cont(l, c))
            l->column++;
    }
    if (room < 1)
        return -1;
    dst[0] = c;
    return 1;
}

size_t ldisc_write(struct ldisc *l, const uint8_t *in, size_t n, uint8_t *out,
                   size_t outsz, size_t *consumed)
{
    if (!LDISC_O(l, OPOST)) {
        size_t k = n < outsz ? n : outsz;
        memcpy(out, in, k);
        *consumed = k;
        return k;
    }
    size_t i, done = 0;
    for (i = 0; i < n; i++) {
        int r = ldisc_post(l, in[i], out + done, outsz - done);
        if (r < 0)
            break;
        done += (size_t)r;
    }
    *consumed = i;
    return done;
}

static void ldisc_echo_bytes(struct ldisc_out *o, const uint8_t *s, size_t n)
{
    if (!o || !o->buf)
        return;
    if (o->cap - o->len < n) {
        o->lost += n;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void ldisc_echo_raw(struct ldisc_out *o, uint8_t c)
{
    ldisc_echo_bytes(o, &c, 1);
}

/* Echo c through output processing (Linux's echo_char_raw). */
void ldisc_echo_post(struct ldisc *l, struct ldisc_out *o, uint8_t c)
{
    uint8_t tmp[8]; /* the longest expansion: a tab as spaces */
    if (!LDISC_O(l, OPOST)) {
        ldisc_echo_raw(o, c);
        return;
    }
    int r = ldisc_post(l, c, tmp, sizeof(tmp));
    if (r > 0)
        ldisc_echo_bytes(o, tmp, (size_t)r);
}

/* Echo c as typed: a control character other than tab as ^X (ECHOCTL). */
void ldisc_echo_char(struct ldisc *l, struct ldisc_out *o, uint8_t c)
{
    if (LDISC_L(l, ECHOCTL) && ldisc_iscntrl(c) && c != '\t') {
        uint8_t pair[2] = {'^', c ^ 0x40};
        ldisc_echo_bytes(o, pair, 2);
        l->column += 2;
        return;
    }
    ldisc_echo_post(l, o, c);
}
