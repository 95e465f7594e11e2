/* vsnprintf for the guest kernel: %d %i %u %x %X %o %p %s %c %%, with the
 * flags '#', '0', '-', width, precision for strings, and the length
 * modifiers l, ll, z, h, hh. Returns the length the full output would
 * have had, as C does. */
#include <lib/string.h>
#include <stdint.h>
#include <stdbool.h>

struct out {
    char *buf;
    size_t size, n;
};

static void emit(struct out *o, char c)
{
    if (o->n + 1 < o->size)
        o->buf[o->n] = c;
    o->n++;
}

static void emit_num(struct out *o, uint64_t v, unsigned base, bool upper, bool neg,
                     const char *prefix, int width, bool zero, bool left)
{
    char tmp[24];
    int len = 0, plen = (int)strlen(prefix) + (neg ? 1 : 0);
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[len++] = digits[v % base];
        v /= base;
    } while (v);
    int pad = width - len - plen;
    if (!left && !zero)
        for (; pad > 0; pad--)
            emit(o, ' ');
    if (neg)
        emit(o, '-');
    for (const char *p = prefix; *p; p++)
        emit(o, *p);
    if (!left && zero)
        for (; pad > 0; pad--)
            emit(o, '0');
    while (len)
        emit(o, tmp[--len]);
    for (; left && pad > 0; pad--)
        emit(o, ' ');
}

static void emit_str(struct out *o, const char *s, int width, int prec, bool left)
{
    if (!s)
        s = "(null)";
    int len = (int)(prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s));
    for (int pad = width - len; !left && pad > 0; pad--)
        emit(o, ' ');
    for (int i = 0; i < len; i++)
        emit(o, s[i]);
    for (int pad = width - len; left && pad > 0; pad--)
        emit(o, ' ');
}

/* lng: 1 for l/ll/z, 0 for none, -1 for h, -2 for hh */
static uint64_t arg_unsigned(va_list *ap, int lng)
{
    if (lng >= 1)
        return va_arg(*ap, unsigned long);
    unsigned int v = va_arg(*ap, unsigned int);
    return lng == -1 ? (unsigned short)v : lng == -2 ? (unsigned char)v : v;
}

static int64_t arg_signed(va_list *ap, int lng)
{
    if (lng >= 1)
        return va_arg(*ap, long);
    int v = va_arg(*ap, int);
    return lng == -1 ? (short)v : lng == -2 ? (signed char)v : v;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap0)
{
    struct out o = {buf, size, 0};
    va_list ap;
    va_copy(ap, ap0);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&o, *fmt);
            continue;
        }
        bool alt = false, zero = false, left = false;
        int width = 0, prec = -1, lng = 0;
        for (;; fmt++) {
            if (fmt[1] == '#')
                alt = true;
            else if (fmt[1] == '0')
                zero = true;
            else if (fmt[1] == '-')
                left = true;
            else
                break;
        }
        while (fmt[1] >= '0' && fmt[1] <= '9')
            width = width * 10 + (*++fmt - '0');
        if (fmt[1] == '.') {
            fmt++;
            prec = 0;
            if (fmt[1] == '*') {
                prec = va_arg(ap, int);
                fmt++;
            }
            while (fmt[1] >= '0' && fmt[1] <= '9')
                prec = prec * 10 + (*++fmt - '0');
        }
        while (fmt[1] == 'l' || fmt[1] == 'z' || fmt[1] == 'h') {
            lng = fmt[1] != 'h' ? 1 : lng - 1;
            fmt++;
        }
        char c = *++fmt;
        if (c == 'd' || c == 'i') {
            int64_t v = arg_signed(&ap, lng);
            emit_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, false, v < 0, "",
                     width, zero, left);
        } else if (c == 'u') {
            emit_num(&o, arg_unsigned(&ap, lng), 10, false, false, "", width, zero, left);
        } else if (c == 'x' || c == 'X') {
            uint64_t v = arg_unsigned(&ap, lng);
            emit_num(&o, v, 16, c == 'X', false, alt && v ? "0x" : "", width, zero, left);
        } else if (c == 'o') {
            emit_num(&o, arg_unsigned(&ap, lng), 8, false, false, alt ? "0" : "", width,
                     zero, left);
        } else if (c == 'p') {
            emit_num(&o, (uint64_t)va_arg(ap, void *), 16, false, false, "0x", width,
                     zero, left);
        } else if (c == 's') {
            emit_str(&o, va_arg(ap, const char *), width, prec, left);
        } else if (c == 'c') {
            emit(&o, (char)va_arg(ap, int));
        } else if (c == '%') {
            emit(&o, '%');
        } else if (c == 0) {
            break;
        } else {
            emit(&o, '%');
            emit(&o, c);
        }
    }
    va_end(ap);
    if (size)
        buf[o.n < size ? o.n : size - 1] = 0;
    return (int)o.n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
