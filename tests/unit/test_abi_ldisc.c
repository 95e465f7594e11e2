/* Unit tests for the terminal line discipline (abi/ldisc*.c) on the host.
 * The expected echo and read bytes are what a Linux 6.x pty gave for the
 * same input (openpty, bytes written to the master, echo read back from
 * it): canonical editing and its echo, VEOF, ISIG, raw mode and
 * VMIN/VTIME, input and output mapping, a full buffer, the ioctls, and
 * hostile ioctl numbers. */
#include <check.h>
#include "check_run.h"
#include <signal.h>
#include <string.h>
#include <linux/tty.h>

#include <core/errno.h>
#include "ldisc.h"

static struct ldisc L;
static uint8_t ebuf[16384];
static struct ldisc_out E;
static unsigned sigs;

static void setup(void)
{
    ldisc_init(&L);
    E = (struct ldisc_out){ebuf, 0, sizeof(ebuf), 0};
    sigs = 0;
}

static void feed(const void *s, size_t n)
{
    ck_assert_uint_eq(ldisc_receive(&L, s, n, &E, &sigs), n);
}
#define IN(s) feed(s, sizeof(s) - 1)

static void echo_is(const char *s, size_t n)
{
    ck_assert_uint_eq(E.len, n);
    ck_assert_mem_eq(E.buf, s, n);
    E.len = 0;
}
#define ECHO_IS(s) echo_is(s, sizeof(s) - 1)

static void read_is(size_t want, const char *s, ssize_t n)
{
    uint8_t buf[8192];
    ssize_t r = ldisc_read(&L, buf, want, LDISC_READ_WAIT);
    ck_assert_int_eq(r, n);
    if (n > 0)
        ck_assert_mem_eq(buf, s, (size_t)n);
}
#define READ_IS(s) read_is(8192, s, sizeof(s) - 1)
#define READ_AGAIN() read_is(8192, NULL, -EAGAIN)

static long ioc(unsigned cmd, void *arg)
{
    return ldisc_ioctl(&L, cmd, arg, &sigs);
}

static void set_lflag(tcflag_t on, tcflag_t off)
{
    struct termios t;
    ck_assert_int_eq(ioc(TCGETS, &t), 0);
    t.c_lflag = (t.c_lflag | on) & ~off;
    ck_assert_int_eq(ioc(TCSETS, &t), 0);
}

static void set_iflag(tcflag_t on, tcflag_t off)
{
    struct termios t;
    ck_assert_int_eq(ioc(TCGETS, &t), 0);
    t.c_iflag = (t.c_iflag | on) & ~off;
    ck_assert_int_eq(ioc(TCSETS, &t), 0);
}

static void set_oflag(tcflag_t on, tcflag_t off)
{
    struct termios t;
    ck_assert_int_eq(ioc(TCGETS, &t), 0);
    t.c_oflag = (t.c_oflag | on) & ~off;
    ck_assert_int_eq(ioc(TCSETS, &t), 0);
}

/* glibc's cfmakeraw, then VMIN and VTIME. */
static void make_raw(int vmin, int vtime)
{
    struct termios t;
    ck_assert_int_eq(ioc(TCGETS, &t), 0);
    t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag &= ~OPOST;
    t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag = (t.c_cflag & ~(CSIZE | PARENB)) | CS8;
    t.c_cc[VMIN] = vmin;
    t.c_cc[VTIME] = vtime;
    ck_assert_int_eq(ioc(TCSETS, &t), 0);
}

static size_t write_out(const char *s, uint8_t *out, size_t outsz)
{
    size_t used;
    size_t n = ldisc_write(&L, (const uint8_t *)s, strlen(s), out, outsz, &used);
    ck_assert_uint_eq(used, strlen(s));
    return n;
}

/* ---- state ---- */

START_TEST(test_defaults)
{
    struct termios t;
    struct termios2 t2;
    ck_assert_int_eq(ioc(TCGETS, &t), 0);
    ck_assert_uint_eq(t.c_iflag, 02400); /* host: a fresh pty */
    ck_assert_uint_eq(t.c_oflag, 05);
    ck_assert_uint_eq(t.c_cflag, 0277);
    ck_assert_uint_eq(t.c_lflag, 0105073);
    static const cc_t cc[NCCS] = {3,  28, 127, 21, 4,  0,  1, 0, 17, 19,
                                  26, 0,  18,  15, 23, 22, 0, 0, 0};
    ck_assert_mem_eq(t.c_cc, cc, NCCS);
    ck_assert_int_eq(ioc(TCGETS2, &t2), 0);
    ck_assert_uint_eq(t2.c_ispeed, 38400);
    ck_assert_uint_eq(t2.c_ospeed, 38400);
    struct winsize ws = {1, 1, 1, 1};
    ck_assert_int_eq(ioc(TIOCGWINSZ, &ws), 0);
    ck_assert_uint_eq(ws.ws_row + ws.ws_col + ws.ws_xpixel + ws.ws_ypixel, 0);
}
END_TEST

/* ---- canonical editing ---- */

START_TEST(test_canon_line)
{
    int n = -1;
    IN("hello");
    ECHO_IS("hello");
    ck_assert(!ldisc_readable(&L));
    READ_AGAIN();
    ck_assert_int_eq(ioc(FIONREAD, &n), 0);
    ck_assert_int_eq(n, 0);
    IN("\nl2\n");
    ECHO_IS("\r\nl2\r\n");
    ck_assert(ldisc_readable(&L));
    ck_assert_int_eq(ioc(FIONREAD, &n), 0);
    ck_assert_int_eq(n, 9);
    read_is(3, "hel", 3); /* the rest of the line comes next */
    READ_IS("lo\n");
    READ_IS("l2\n");
    READ_AGAIN();
    ck_assert_uint_eq(sigs, 0);
}
END_TEST

START_TEST(test_erase)
{
    IN("\x7f"); /* nothing to erase: no echo */
    ECHO_IS("");
    IN("abc\x7f\x7f"
       "d\n");
    ECHO_IS("abc\b \b\b \bd\r\n");
    READ_IS("ad\n");
    IN("ab\x01\x7f\x1b\n"); /* ^A erased as two columns */
    ECHO_IS("ab^A\b \b\b \b^[\r\n");
    READ_IS("ab\x1b\n");
    set_lflag(0, ECHOE);
    IN("ab\x7f\n");
    ECHO_IS("ab^?\r\n");
    READ_IS("a\n");
}
END_TEST

START_TEST(test_werase)
{
    IN("foo bar  \x17");
    ECHO_IS("foo bar  \b \b\b \b\b \b\b \b\b \b");
    IN("\n");
    READ_IS("foo \n");
    E.len = 0;
    IN("foo-bar_x\x17");
    ECHO_IS("foo-bar_x\b \b\b \b\b \b\b \b\b \b");
    IN("\x17");
    ECHO_IS("\b \b\b \b\b \b\b \b");
    IN("\x17\n");
    READ_IS("\n");
    set_lflag(0, ECHOE); /* VWERASE still echoes "\b \b" */
    IN("ab\x17");
    ECHO_IS("\r\nab\b \b\b \b");
}
END_TEST

START_TEST(test_kill)
{
    IN("hello\x15");
    ECHO_IS("hello\b \b\b \b\b \b\b \b\b \b");
    IN("\x15"); /* empty line: nothing */
    ECHO_IS("");
    set_lflag(0, ECHOKE);
    IN("ab\x15"
       "c\n");
    ECHO_IS("ab^U\r\nc\r\n");
    READ_IS("c\n");
    set_lflag(0, ECHOK);
    IN("ab\x15");
    ECHO_IS("ab^U");
}
END_TEST

START_TEST(test_erase_tab)
{
    uint8_t out[16];
    ck_assert_uint_eq(write_out("$ ", out, sizeof(out)), 2); /* a prompt */
    IN("a\t\x7f\x7f");
    ECHO_IS("a\t\b\b\b\b\b\b \b");
    IN("\x01\t\x7f");
    ECHO_IS("^A\t\b\b\b\b");
    IN("\x15");
    ECHO_IS("\b \b\b \b");
    IN("abcdefghij\tx\t\x7f\x7f\x7f");
    ECHO_IS("abcdefghij\tx\t\b\b\b\b\b\b\b\b \b\b\b\b\b");
}
END_TEST

START_TEST(test_utf8_erase)
{
    set_iflag(IUTF8, 0);
    IN("a\xc3\xa9\x7f\n");
    ECHO_IS("a\xc3\xa9\b \b\r\n");
    READ_IS("a\n");
}
END_TEST

START_TEST(test_lnext_reprint)
{
    IN("x\x16\x03y\n");
    ECHO_IS("x^\b^Cy\r\n");
    READ_IS("x\x03y\n");
    ck_assert_uint_eq(sigs, 0);
    IN("a\x16\x7f\x7f\n"); /* a literal ^? erases as two columns */
    ECHO_IS("a^\b^?\b \b\b \b\r\n");
    READ_IS("a\n");
    IN("xy\x12");
    ECHO_IS("xy^R\r\nxy");
    IN("\n");
    READ_IS("xy\n");
}
END_TEST

START_TEST(test_eof)
{
    int n = -1;
    IN("ab\x04");
    ECHO_IS("ab"); /* ^D is not echoed */
    READ_IS("ab");
    IN("\x04");
    READ_IS(""); /* end of file */
    READ_AGAIN();
    IN("ab\x04\x04");
    ck_assert_int_eq(ioc(FIONREAD, &n), 0);
    ck_assert_int_eq(n, 2);
    READ_IS("ab");
    READ_IS("");
    READ_AGAIN();
}
END_TEST

START_TEST(test_eof_partial_read)
{
    IN("ab\x04");
    read_is(2, "ab", 2);
    READ_AGAIN(); /* the ^D ended a line already read: not EOF */
    IN("abc\x04");
    read_is(2, "ab", 2);
    READ_IS("c");
    READ_AGAIN();
    IN("ab\x04"
       "cd\n");
    read_is(2, "ab", 2);
    READ_IS("cd\n");
}
END_TEST

START_TEST(test_eol_nul)
{
    struct termios t;
    IN("a\0b\n"); /* VEOL is 0: disabled, NUL is data */
    ECHO_IS("a^@b\r\n");
    read_is(16, "a\0b\n", 4);
    ck_assert_int_eq(ioc(TCGETS, &t), 0);
    t.c_cc[VEOL] = '!';
    t.c_cc[VEOL2] = '@';
    ck_assert_int_eq(ioc(TCSETS, &t), 0);
    IN("a!b@c\n");
    ECHO_IS("a!b@c\r\n");
    READ_IS("a!");
    READ_IS("b@");
    READ_IS("c\n");
}
END_TEST

/* ---- signals ---- */

START_TEST(test_isig)
{
    IN("ab\x03");
    ck_assert_uint_eq(sigs, LDISC_SIGBIT(SIGINT));
    ECHO_IS("^C"); /* "ab" was not sent yet: flushed with the input */
    READ_AGAIN();
    IN("c\n");
    E.len = 0;
    READ_IS("c\n");
    sigs = 0;
    IN("\x1c\x1a");
    ck_assert_uint_eq(sigs, LDISC_SIGBIT(SIGQUIT) | LDISC_SIGBIT(SIGTSTP));
    ECHO_IS("^Z"); /* the flush for ^Z dropped the unsent "^\\" */
    IN("\x12");    /* reprint after the flush: an empty line */
    ECHO_IS("^R\r\n");
}
END_TEST

START_TEST(test_isig_noflsh_off)
{
    set_lflag(NOFLSH, 0);
    IN("ab\x03"
       "c\n");
    ECHO_IS("ab^Cc\r\n");
    READ_IS("abc\n");
    sigs = 0;
    set_lflag(0, ISIG);
    IN("\x03\n");
    ck_assert_uint_eq(sigs, 0);
    READ_IS("\x03\n");
    set_lflag(ISIG, ECHOE | ECHOCTL | NOFLSH);
    IN("ab\x7f\x03\n");
    ECHO_IS("\x03\r\n");
}
END_TEST

START_TEST(test_ixon)
{
    IN("a\x13\x11"
       "b\n"); /* taken out of the input, not echoed */
    ECHO_IS("ab\r\n");
    READ_IS("ab\n");
}
END_TEST

/* ---- raw mode, VMIN and VTIME ---- */

START_TEST(test_raw)
{
    uint8_t buf[16];
    make_raw(1, 0);
    ck_assert(!ldisc_readable(&L));
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_WAIT), -EAGAIN);
    IN("\x03\r\x7f\n\x04\x15");
    ECHO_IS("");
    ck_assert_uint_eq(sigs, 0);
    ck_assert(ldisc_readable(&L));
    read_is(16, "\x03\r\x7f\n\x04\x15", 6);
    ck_assert_uint_eq(ldisc_vtime(&L), 0);
}
END_TEST

START_TEST(test_vmin_vtime)
{
    uint8_t buf[16];
    make_raw(3, 0);
    IN("ab");
    ck_assert(!ldisc_readable(&L)); /* host: poll waits for VMIN */
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_WAIT), -EAGAIN);
    read_is(2, "ab", 2); /* but a 2-byte read needs only 2 */
    IN("ab");
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_NONBLOCK), 2);
    make_raw(3, 5);
    ck_assert_uint_eq(ldisc_vtime(&L), 0); /* no byte yet: no timer */
    IN("a");
    ck_assert(ldisc_readable(&L)); /* host: poll says yes with VTIME */
    ck_assert_uint_eq(ldisc_vtime(&L), 5);
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_WAIT), -EAGAIN);
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_EXPIRED), 1);
}
END_TEST

START_TEST(test_vmin0)
{
    uint8_t buf[16];
    make_raw(0, 0);
    ck_assert(!ldisc_readable(&L)); /* host: poll says no ... */
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_WAIT), 0); /* read 0 */
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_NONBLOCK), 0);
    IN("x");
    ck_assert(ldisc_readable(&L));
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_WAIT), 1);
    make_raw(0, 5);
    ck_assert_uint_eq(ldisc_vtime(&L), 5);
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_WAIT), -EAGAIN);
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_NONBLOCK), -EAGAIN);
    ck_assert_int_eq(ldisc_read(&L, buf, 16, LDISC_READ_EXPIRED), 0);
}
END_TEST

START_TEST(test_raw_echo)
{
    set_lflag(0, ICANON);
    IN("a\x01\x7f\n\r");
    ECHO_IS("a^A^?^J\r\n"); /* a typed '\n' is not special raw */
    read_is(16, "a\x01\x7f\n\n", 5);
}
END_TEST

START_TEST(test_canon_switch)
{
    int n;
    IN("ab\x04"
       "cd");
    set_lflag(0, ICANON); /* the ^D mark becomes a NUL byte */
    ck_assert_int_eq(ioc(FIONREAD, &n), 0);
    ck_assert_int_eq(n, 5);
    read_is(16, "ab\0cd", 5);
    IN("xy");
    set_lflag(ICANON, 0); /* queued raw input becomes one line */
    ck_assert_int_eq(ioc(FIONREAD, &n), 0);
    ck_assert_int_eq(n, 2);
    READ_IS("xy");
    READ_AGAIN();
}
END_TEST

/* ---- input and output mapping ---- */

START_TEST(test_input_map)
{
    IN("a\rb\n");
    ECHO_IS("a\r\nb\r\n");
    READ_IS("a\n");
    READ_IS("b\n");
    set_iflag(0, ICRNL);
    IN("a\rb\n");
    ECHO_IS("a^Mb\r\n");
    READ_IS("a\rb\n");
    set_iflag(INLCR | IGNCR, 0);
    IN("a\rb\nc");
    ECHO_IS("ab^Mc");
    set_lflag(0, ICANON);
    read_is(16, "ab\rc", 4);
    set_iflag(ISTRIP | IUCLC, INLCR | IGNCR);
    IN("AbC\xc1");
    read_is(16, "abca", 4);
    set_iflag(0, ISTRIP); /* Latin-1 capitals too, not the sign 0xd7 */
    IN("\xc1\xd7\xde");
    read_is(16, "\xe1\xd7\xfe", 3);
}
END_TEST

START_TEST(test_echonl)
{
    set_lflag(ECHONL, ECHO);
    IN("ab\n");
    ECHO_IS("\r\n");
    READ_IS("ab\n");
}
END_TEST

START_TEST(test_output)
{
    uint8_t out[64];
    size_t n = write_out("out\nx", out, sizeof(out));
    ck_assert_mem_eq(out, "out\r\nx", n);
    ck_assert_uint_eq(n, 6);
    set_oflag(OCRNL, 0);
    n = write_out("a\rb\n", out, sizeof(out));
    ck_assert_uint_eq(n, 5);
    ck_assert_mem_eq(out, "a\nb\r\n", 5);
    set_oflag(ONOCR, OCRNL | ONLCR);
    n = write_out("\ra\r\r", out, sizeof(out));
    ck_assert_uint_eq(n, 2);
    ck_assert_mem_eq(out, "a\r", 2);
    set_oflag(OLCUC | XTABS, 0);
    n = write_out("ab\tc", out, sizeof(out));
    ck_assert_uint_eq(n, 9);
    ck_assert_mem_eq(out, "AB      C", 9);
    set_oflag(0, OPOST);
    n = write_out("a\n\t", out, sizeof(out));
    ck_assert_uint_eq(n, 3);
    ck_assert_mem_eq(out, "a\n\t", 3);
}
END_TEST

START_TEST(test_output_short)
{
    uint8_t out[4];
    size_t used;
    /* "\r\n" does not fit after "ab": the '\n' waits */
    size_t n = ldisc_write(&L, (const uint8_t *)"ab\ncd", 5, out, 3, &used);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(used, 2);
    n = ldisc_write(&L, (const uint8_t *)"\ncd", 3, out, 0, &used);
    ck_assert_uint_eq(n + used, 0);
}
END_TEST

/* ---- a full buffer ---- */

START_TEST(test_full_canon)
{
    static uint8_t big[5000];
    int n;
    memset(big, 'x', sizeof(big));
    feed(big, sizeof(big)); /* all taken and echoed; the last overwritten */
    ck_assert_uint_eq(E.len, 5000);
    E.len = 0;
    ck_assert_int_eq(ioc(FIONREAD, &n), 0);
    ck_assert_int_eq(n, 0);
    IN("\n");
    ck_assert_int_eq(ioc(FIONREAD, &n), 0);
    ck_assert_int_eq(n, 4096);
    static char want[4096];
    memset(want, 'x', 4095);
    want[4095] = '\n';
    read_is(8192, want, 4096);
    memset(big, 'y', 4094);
    feed(big, 4094);
    IN("zw\n"); /* the 4096th byte is the one that gets replaced */
    memset(want, 'y', 4094);
    memcpy(want + 4094, "z\n", 2);
    read_is(8192, want, 4096);
}
END_TEST

START_TEST(test_full_line_waiting)
{
    static uint8_t big[4093];
    uint8_t buf[8];
    memset(big, 'x', sizeof(big));
    IN("a\n");
    feed(big, sizeof(big)); /* 4095 queued, a complete line among them */
    ck_assert_uint_eq(ldisc_receive(&L, (const uint8_t *)"yz", 2, &E, &sigs), 0);
    ck_assert_int_eq(ldisc_read(&L, buf, 8, LDISC_READ_WAIT), 2);
    ck_assert_uint_eq(ldisc_receive(&L, (const uint8_t *)"yz", 2, &E, &sigs), 2);
}
END_TEST

START_TEST(test_full_raw)
{
    static uint8_t big[5000];
    static uint8_t buf[8192];
    memset(big, 'q', sizeof(big));
    make_raw(1, 0);
    ck_assert_uint_eq(ldisc_receive(&L, big, sizeof(big), &E, &sigs), 4095);
    ck_assert_uint_eq(ldisc_receive(&L, big, 10, &E, &sigs), 0);
    ck_assert_int_eq(ldisc_read(&L, buf, 10, LDISC_READ_WAIT), 10);
    ck_assert_uint_eq(ldisc_receive(&L, big, 20, &E, &sigs), 10);
    ck_assert_int_eq(ldisc_read(&L, buf, sizeof(buf), LDISC_READ_WAIT), 4095);
}
END_TEST

START_TEST(test_echo_room)
{
    uint8_t small[20];
    E = (struct ldisc_out){small, 5, sizeof(small), 0};
    /* 15 bytes left, fewer than LDISC_ECHO_ROOM: send the echo first */
    ck_assert_uint_eq(ldisc_receive(&L, (const uint8_t *)"ab", 2, &E, &sigs), 0);
    E.len = 0;
    E.cap = 1; /* empty but tiny: goes on, and counts what is lost */
    ck_assert_uint_eq(ldisc_receive(&L, (const uint8_t *)"\x01", 1, &E, &sigs), 1);
    ck_assert_uint_eq(E.len, 0);
    ck_assert_uint_eq(E.lost, 2);
    E.buf = NULL; /* no echo wanted */
    IN("cd\n");
    READ_IS("\x01"
            "cd\n");
}
END_TEST

/* ---- ioctls ---- */

START_TEST(test_tcsetsf_flush)
{
    struct termios t;
    int n;
    IN("l1\nabc");
    ck_assert_int_eq(ioc(TCGETS, &t), 0);
    ck_assert_int_eq(ioc(TCSETSF, &t), 0);
    ck_assert_int_eq(ioc(FIONREAD, &n), 0);
    ck_assert_int_eq(n, 0);
    IN("\n");
    READ_IS("\n");
    IN("abc\n");
    n = TCIFLUSH;
    ck_assert_int_eq(ioc(TCFLSH, &n), 0);
    READ_AGAIN();
}
END_TEST

START_TEST(test_winsize)
{
    struct winsize ws = {24, 80, 0, 0}, got;
    ck_assert_int_eq(ioc(TIOCSWINSZ, &ws), 0);
    ck_assert_uint_eq(sigs, LDISC_SIGBIT(SIGWINCH));
    sigs = 0;
    ck_assert_int_eq(ioc(TIOCSWINSZ, &ws), 0); /* same size: no signal */
    ck_assert_uint_eq(sigs, 0);
    ck_assert_int_eq(ioc(TIOCGWINSZ, &got), 0);
    ck_assert_mem_eq(&got, &ws, sizeof(ws));
}
END_TEST

START_TEST(test_speeds)
{
    struct termios t;
    struct termios2 t2;
    ck_assert_int_eq(ioc(TCGETS, &t), 0);
    t.c_cflag = (t.c_cflag & ~(CBAUD | CIBAUD)) | B9600;
    ck_assert_int_eq(ioc(TCSETS, &t), 0);
    ck_assert_int_eq(ioc(TCGETS2, &t2), 0);
    ck_assert_uint_eq(t2.c_ospeed, 9600);
    ck_assert_uint_eq(t2.c_ispeed, 9600); /* CIBAUD 0: as output */
    t2.c_cflag = (t2.c_cflag & ~CBAUD) | BOTHER;
    t2.c_ospeed = 12345;
    ck_assert_int_eq(ioc(TCSETS2, &t2), 0);
    ck_assert_int_eq(ioc(TCGETS2, &t2), 0);
    ck_assert_uint_eq(t2.c_ospeed, 12345);
    ck_assert_uint_eq(t2.c_ispeed, 12345);
    t2.c_cflag = (t2.c_cflag & ~CBAUD) | B4000000;
    ck_assert_int_eq(ioc(TCSETSW2, &t2), 0);
    ck_assert_int_eq(ioc(TCGETS2, &t2), 0);
    ck_assert_uint_eq(t2.c_ospeed, 4000000);
}
END_TEST

START_TEST(test_ioctl_values)
{
    int v;
    v = 5;
    ck_assert_int_eq(ioc(TCFLSH, &v), -EINVAL); /* host */
    v = -1;
    ck_assert_int_eq(ioc(TCFLSH, &v), -EINVAL);
    v = TCIOFLUSH;
    ck_assert_int_eq(ioc(TCFLSH, &v), 0);
    v = 7;
    ck_assert_int_eq(ioc(TCXONC, &v), -EINVAL);
    v = TCOOFF;
    ck_assert_int_eq(ioc(TCXONC, &v), 0);
    v = 1;
    ck_assert_int_eq(ioc(TIOCSETD, &v), -EINVAL);
    v = -1;
    ck_assert_int_eq(ioc(TIOCSETD, &v), -EINVAL);
    v = N_TTY;
    ck_assert_int_eq(ioc(TIOCSETD, &v), 0);
    v = -1;
    ck_assert_int_eq(ioc(TIOCGETD, &v), 0);
    ck_assert_int_eq(v, N_TTY);
    ck_assert_int_eq(ioc(TIOCOUTQ, &v), 0);
    ck_assert_int_eq(v, 0);
    v = 1;
    ck_assert_int_eq(ioc(TCSBRK, &v), 0);
}
END_TEST

START_TEST(test_ioctl_args)
{
    struct ldisc_ioctl_arg a;
    ck_assert_int_eq(ldisc_ioctl_arg(TCGETS, &a), 0);
    ck_assert(a.in == 0 && a.out == 36 && !a.value && !a.setter);
    ck_assert_int_eq(ldisc_ioctl_arg(TCSETSF, &a), 0);
    ck_assert(a.in == 36 && a.out == 0 && a.setter);
    ck_assert_int_eq(ldisc_ioctl_arg(TCSETS2, &a), 0);
    ck_assert(a.in == 44 && a.in <= LDISC_IOCTL_ARG_MAX);
    ck_assert_int_eq(ldisc_ioctl_arg(FIONREAD, &a), 0);
    ck_assert(a.in == 0 && a.out == sizeof(int));
    ck_assert_int_eq(ldisc_ioctl_arg(TCFLSH, &a), 0);
    ck_assert(a.value && a.setter && a.in == 0 && a.out == 0);
    ck_assert_int_eq(ldisc_ioctl_arg(TIOCSWINSZ, &a), 0);
    ck_assert(a.in == sizeof(struct winsize) && !a.setter);
}
END_TEST

START_TEST(test_ioctl_hostile)
{
    static const unsigned cmds[] = {
        TIOCSPGRP,
        TIOCGPGRP,
        TIOCSCTTY,
        TIOCNOTTY,
        TIOCGSID,
        TIOCSTI,
        0,
        0xffffffffu,
        TCGETS | 0x80000000u,
        TCGETS + 0x10000,
        0x5499,
        0x12345678,
        TCGETA,
        TCSETA,
    };
    uint8_t junk[LDISC_IOCTL_ARG_MAX];
    struct ldisc_ioctl_arg a;
    struct termios2 before, after;
    ck_assert_int_eq(ioc(TCGETS2, &before), 0);
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        memset(junk, 0xa5, sizeof(junk));
        ck_assert_int_eq(ldisc_ioctl_arg(cmds[i], &a), LDISC_IOCTL_PASS);
        ck_assert_int_eq(ioc(cmds[i], junk), LDISC_IOCTL_PASS);
    }
    ck_assert_int_eq(ioc(TCGETS2, &after), 0);
    ck_assert_mem_eq(&before, &after, sizeof(before));
    ck_assert_uint_eq(sigs, 0);
}
END_TEST

static Suite *ldisc_suite(void)
{
    Suite *s = suite_create("abi_ldisc");
    TCase *tc = tcase_create("ldisc");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_canon_line);
    tcase_add_test(tc, test_erase);
    tcase_add_test(tc, test_werase);
    tcase_add_test(tc, test_kill);
    tcase_add_test(tc, test_erase_tab);
    tcase_add_test(tc, test_utf8_erase);
    tcase_add_test(tc, test_lnext_reprint);
    tcase_add_test(tc, test_eof);
    tcase_add_test(tc, test_eof_partial_read);
    tcase_add_test(tc, test_eol_nul);
    tcase_add_test(tc, test_isig);
    tcase_add_test(tc, test_isig_noflsh_off);
    tcase_add_test(tc, test_ixon);
    tcase_add_test(tc, test_raw);
    tcase_add_test(tc, test_vmin_vtime);
    tcase_add_test(tc, test_vmin0);
    tcase_add_test(tc, test_raw_echo);
    tcase_add_test(tc, test_canon_switch);
    tcase_add_test(tc, test_input_map);
    tcase_add_test(tc, test_echonl);
    tcase_add_test(tc, test_output);
    tcase_add_test(tc, test_output_short);
    tcase_add_test(tc, test_full_canon);
    tcase_add_test(tc, test_full_line_waiting);
    tcase_add_test(tc, test_full_raw);
    tcase_add_test(tc, test_echo_room);
    tcase_add_test(tc, test_tcsetsf_flush);
    tcase_add_test(tc, test_winsize);
    tcase_add_test(tc, test_speeds);
    tcase_add_test(tc, test_ioctl_values);
    tcase_add_test(tc, test_ioctl_args);
    tcase_add_test(tc, test_ioctl_hostile);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(ldisc_suite());
}
