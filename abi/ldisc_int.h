/* Private to abi/ldisc*.c: the input ring, byte classes and echo. */
#ifndef ABI_LDISC_INT_H
#define ABI_LDISC_INT_H

#include "ldisc.h"

#define LDISC_MASK(i) ((i) & (LDISC_BUF_SIZE - 1))
#define LDISC_I(l, f) (((l)->t.c_iflag & (f)) != 0)
#define LDISC_O(l, f) (((l)->t.c_oflag & (f)) != 0)
#define LDISC_L(l, f) (((l)->t.c_lflag & (f)) != 0)

static inline size_t ldisc_count(const struct ldisc *l)
{
    return l->head - l->tail;
}

static inline uint8_t ldisc_at(const struct ldisc *l, size_t i)
{
    return l->buf[LDISC_MASK(i)];
}

static inline bool ldisc_is_eol(const struct ldisc *l, size_t i)
{
    return (l->eol[LDISC_MASK(i) / 64] >> (i % 64)) & 1;
}

static inline void ldisc_mark_eol(struct ldisc *l, size_t i, bool on)
{
    uint64_t bit = 1ull << (i % 64);
    if (on)
        l->eol[LDISC_MASK(i) / 64] |= bit;
    else
        l->eol[LDISC_MASK(i) / 64] &= ~bit;
}

/* Byte classes as Linux's own ctype has them: ASCII plus Latin-1
 * letters; 0x80-0x9f are not control characters. */
static inline bool ldisc_iscntrl(uint8_t c)
{
    return c < 0x20 || c == 0x7f;
}

static inline bool ldisc_isupper(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7);
}

static inline bool ldisc_islower(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 0xdf && c != 0xf7);
}

/* A byte of a word for VWERASE: alphanumeric or '_'. */
static inline bool ldisc_isword(uint8_t c)
{
    return ldisc_isupper(c) || ldisc_islower(c) || (c >= '0' && c <= '9') || c == '_';
}

/* A UTF-8 continuation byte, when IUTF8 says the input is UTF-8. */
static inline bool ldisc_is_cont(const struct ldisc *l, uint8_t c)
{
    return LDISC_I(l, IUTF8) && (c & 0xc0) == 0x80;
}

/* ldisc.c */
void ldisc_flush_input(struct ldisc *l);

/* ldisc_output.c: echo, through output processing like program output. */
void ldisc_echo_raw(struct ldisc_out *o, uint8_t c);
void ldisc_echo_post(struct ldisc *l, struct ldisc_out *o, uint8_t c);
void ldisc_echo_char(struct ldisc *l, struct ldisc_out *o, uint8_t c);

#endif
