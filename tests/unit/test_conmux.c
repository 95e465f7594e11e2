/* Unit tests for vmm/conmux.c and devices/console_ring.c: records in any
 * pieces, and hostile guests. */
#define _GNU_SOURCE
#include <check.h>
#include "check_run.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conmux.h"
#include "console_ring.h"

struct fixture {
    struct conmux cm;
    int out[2], err[2], in[2];
    uint8_t sent[8192];
    size_t sent_len;
    int send_rc; /* what fake_send fails with, or 0 */
};

static int fake_send(void *opaque, const void *rec, size_t len)
{
    struct fixture *f = opaque;

    if (f->send_rc)
        return f->send_rc;

    ck_assert_uint_le(f->sent_len + len, sizeof(f->sent));
    memcpy(f->sent + f->sent_len, rec, len);
    f->sent_len += len;
    return 0;
}

static void fx_init(struct fixture *f, int verbose)
{
    memset(f, 0, sizeof(*f));
    ck_assert_int_eq(pipe2(f->out, O_NONBLOCK), 0);
    ck_assert_int_eq(pipe2(f->err, O_NONBLOCK), 0);
    ck_assert_int_eq(pipe(f->in), 0);
    conmux_init(&f->cm, verbose, fake_send, f);
    f->cm.out_fd = f->out[1];
    f->cm.err_fd = f->err[1];
    f->cm.in_fd = f->in[0];
}

static size_t drain(int fd, char *buf, size_t cap)
{
    ssize_t n = read(fd, buf, cap - 1);

    n = n < 0 ? 0 : n;
    buf[n] = '\0';
    return (size_t)n;
}

static size_t rec(uint8_t *buf, unsigned type, const void *data, unsigned len)
{
    buf[0] = (uint8_t)type;
    buf[1] = 0;
    buf[2] = (uint8_t)(len & 0xff);
    buf[3] = (uint8_t)(len >> 8);
    memcpy(buf + 4, data, len);
    return 4 + len;
}

START_TEST(test_stdout_stderr_exit)
{
    struct fixture f;
    uint8_t buf[256];
    char got[256];
    int32_t st = 42;
    size_t n = 0;

    fx_init(&f, 0);
    n += rec(buf + n, MICA_CON_STDOUT, "hello ", 6);
    n += rec(buf + n, MICA_CON_STDERR, "oops\n", 5);
    n += rec(buf + n, MICA_CON_STDOUT, "world\n", 6);
    n += rec(buf + n, MICA_CON_LOG, "log line\n", 9); /* hidden: not verbose */
    n += rec(buf + n, MICA_CON_UNIMPL, "rseq", 4);
    n += rec(buf + n, MICA_CON_EXIT, &st, 4);
    ck_assert_int_eq(conmux_status(&f.cm), -1);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, n), 0);
    drain(f.out[0], got, sizeof(got));
    ck_assert_str_eq(got, "hello world\n");
    drain(f.err[0], got, sizeof(got));
    ck_assert_str_eq(got, "oops\n");
    ck_assert_int_eq(conmux_status(&f.cm), 42);
}
END_TEST

START_TEST(test_split_every_byte)
{
    struct fixture f;
    uint8_t buf[64];
    char got[64];
    size_t i, n;

    fx_init(&f, 1);
    n = rec(buf, MICA_CON_STDOUT, "abc", 3);
    n += rec(buf + n, MICA_CON_STDOUT, "", 0);
    n += rec(buf + n, MICA_CON_LOG, "L\n", 2);
    n += rec(buf + n, MICA_CON_UNIMPL, "bad\x1b[2Jname", 11);
    for (i = 0; i < n; i++)
        ck_assert_int_eq(conmux_feed(&f.cm, buf + i, 1), 0);
    drain(f.out[0], got, sizeof(got));
    ck_assert_str_eq(got, "abc");
    drain(f.err[0], got, sizeof(got));
    ck_assert_str_eq(got, "L\nmica: unimplemented syscall bad?[2Jname\n");
    ck_assert_uint_eq(f.cm.nr_records, 4);
}
END_TEST

START_TEST(test_oversized)
{
    struct fixture f;
    uint8_t hdr[4] = { MICA_CON_STDOUT, 0, 0x01, 0x10 }; /* 4097 bytes */

    fx_init(&f, 0);
    ck_assert_int_eq(conmux_feed(&f.cm, hdr, 4), -EPROTO);
    ck_assert(f.cm.failed);
    ck_assert_ptr_nonnull(strstr(f.cm.err.msg, "longer than the maximum"));
    ck_assert_int_eq(conmux_status(&f.cm), 125);
    /* and it stays stopped */
    ck_assert_int_eq(conmux_feed(&f.cm, "x", 1), -EPROTO);
}
END_TEST

START_TEST(test_max_payload_ok)
{
    struct fixture f;
    static uint8_t buf[4 + MICA_CON_MAX_PAYLOAD];
    static uint8_t payload[MICA_CON_MAX_PAYLOAD];
    char got[MICA_CON_MAX_PAYLOAD + 1];

    fx_init(&f, 0);
    memset(payload, 'z', sizeof(payload));
    rec(buf, MICA_CON_STDOUT, payload, MICA_CON_MAX_PAYLOAD);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, 100), 0);
    ck_assert_int_eq(conmux_feed(&f.cm, buf + 100, sizeof(buf) - 100), 0);
    ck_assert_uint_eq(drain(f.out[0], got, sizeof(got)), MICA_CON_MAX_PAYLOAD);
}
END_TEST

START_TEST(test_unknown_types)
{
    static const unsigned bad[] = { 0, 8, 16, 17, 18, 255 };
    struct fixture f;
    uint8_t buf[8];
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fx_init(&f, 0);
        rec(buf, bad[i], "x", 1);
        ck_assert_int_eq(conmux_feed(&f.cm, buf, 5), -EPROTO);
        ck_assert_ptr_nonnull(strstr(f.cm.err.msg, "unknown record type"));
    }
}
END_TEST

START_TEST(test_bad_exit_and_stdin_req)
{
    struct fixture f;
    uint8_t buf[16];
    int32_t neg = -1, zero = 0;

    fx_init(&f, 0);
    rec(buf, MICA_CON_EXIT, "abc", 3);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, 7), -EPROTO);
    fx_init(&f, 0);
    rec(buf, MICA_CON_EXIT, &neg, 4);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, 8), -EPROTO);
    fx_init(&f, 0);
    rec(buf, MICA_CON_STDIN_REQ, &zero, 4);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, 8), -EPROTO);
    fx_init(&f, 0);
    rec(buf, MICA_CON_STDIN_REQ, "abcdef", 6);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, 10), -EPROTO);
}
END_TEST

START_TEST(test_panic)
{
    struct fixture f;
    uint8_t buf[64];
    char got[64];
    int32_t st = 0;
    size_t n;

    fx_init(&f, 0);
    n = rec(buf, MICA_CON_PANIC, "panic: x\n", 9);
    n += rec(buf + n, MICA_CON_EXIT, &st, 4);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, n), 0);
    drain(f.err[0], got, sizeof(got));
    ck_assert_str_eq(got, "panic: x\n");
    ck_assert_int_eq(conmux_status(&f.cm), 125);
}
END_TEST

START_TEST(test_stdin_answer)
{
    struct fixture f;
    uint8_t buf[16];
    uint32_t want = 3;

    fx_init(&f, 0);
    rec(buf, MICA_CON_STDIN_REQ, &want, 4);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, 8), 0);
    ck_assert(conmux_stdin_pending(&f.cm));
    ck_assert_int_eq(write(f.in[1], "hello", 5), 5);
    ck_assert_int_eq(conmux_stdin_answer(&f.cm), 0);
    ck_assert(!conmux_stdin_pending(&f.cm));
    ck_assert_uint_eq(f.sent_len, 7);
    ck_assert_int_eq(f.sent[0], MICA_CON_STDIN);
    ck_assert_int_eq(f.sent[2], 3);
    ck_assert_int_eq(memcmp(f.sent + 4, "hel", 3), 0);
    /* end of file */
    close(f.in[1]);
    want = 100000; /* more than one record: capped */
    rec(buf, MICA_CON_STDIN_REQ, &want, 4);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, 8), 0);
    ck_assert_int_eq(conmux_stdin_answer(&f.cm), 0);
    ck_assert_int_eq(conmux_stdin_answer(&f.cm), 0);
    ck_assert_uint_eq(f.sent_len, 7 + 6);
    ck_assert_int_eq(f.sent[7], MICA_CON_STDIN);
    ck_assert_int_eq(f.sent[11], 'l');
    want = 1;
    rec(buf, MICA_CON_STDIN_REQ, &want, 4);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, 8), 0);
    ck_assert_int_eq(conmux_stdin_answer(&f.cm), 0);
    ck_assert_int_eq(f.sent[13], MICA_CON_STDIN_EOF);
    ck_assert_int_eq(f.sent[15], 0);
}
END_TEST

START_TEST(test_stdin_answer_never_blocks)
{
    struct fixture f;
    uint8_t buf[16];
    uint32_t want = 8;

    fx_init(&f, 0); /* f.in is a blocking pipe, empty */
    rec(buf, MICA_CON_STDIN_REQ, &want, 4);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, 8), 0);
    ck_assert_int_eq(conmux_stdin_answer(&f.cm), -EAGAIN);
    ck_assert(conmux_stdin_pending(&f.cm));
    ck_assert_uint_eq(f.sent_len, 0);
    ck_assert_int_eq(write(f.in[1], "x", 1), 1);
    ck_assert_int_eq(conmux_stdin_answer(&f.cm), 0);
    ck_assert(!conmux_stdin_pending(&f.cm));
    ck_assert_uint_eq(f.sent_len, 5);
    /* no request pending: readable stdin is left alone */
    ck_assert_int_eq(write(f.in[1], "y", 1), 1);
    ck_assert_int_eq(conmux_stdin_answer(&f.cm), 0);
    ck_assert_uint_eq(f.sent_len, 5);
}
END_TEST

START_TEST(test_winsize_record)
{
    static const uint8_t want[] = { MICA_CON_WINSIZE, 0, 4, 0, 24, 0, 80, 0,
                                    MICA_CON_WINSIZE, 0, 4, 0, 0x2c, 0x01,
                                    0xff, 0xff };
    struct fixture f;

    fx_init(&f, 0);
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 24, 80), 0);
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 300, 65535), 0);
    ck_assert_uint_eq(f.sent_len, sizeof(want));
    ck_assert_int_eq(memcmp(f.sent, want, sizeof(want)), 0);
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 0, 80), -EINVAL);
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 24, 0), -EINVAL);
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 65536, 80), -EINVAL);
    ck_assert_uint_eq(f.sent_len, sizeof(want));
    /* a full in-ring drops the size: not the guest's fault */
    f.send_rc = -ENOSPC;
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 24, 80), 0);
    ck_assert(!f.cm.failed);
    /* a broken in-ring is */
    f.send_rc = -EPROTO;
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 24, 80), -EPROTO);
    ck_assert(f.cm.failed);
    ck_assert_ptr_nonnull(strstr(f.cm.err.msg, "in-ring"));
    ck_assert_int_eq(conmux_status(&f.cm), 125);
}
END_TEST

/* Sizes may come between stdin answers, whole, and the ring keeps order. */
static struct mica_console_rings wrings;

static int ring_send(void *opaque, const void *rec, size_t len)
{
    return console_ring_push(opaque, rec, len);
}

START_TEST(test_winsize_in_ring)
{
    static uint8_t fill[MICA_RING_SIZE - 4];
    struct console_ring cr;
    struct fixture f;
    uint8_t buf[16];
    uint32_t want = 2;

    memset(&wrings, 0, sizeof(wrings));
    console_ring_init(&cr, &wrings);
    fx_init(&f, 0);
    f.cm.send = ring_send;
    f.cm.send_opaque = &cr;
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 10, 20), 0);
    rec(buf, MICA_CON_STDIN_REQ, &want, 4);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, 8), 0);
    ck_assert_int_eq(write(f.in[1], "ab", 2), 2);
    ck_assert_int_eq(conmux_stdin_answer(&f.cm), 0);
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 11, 21), 0);
    ck_assert_uint_eq(wrings.in.prod, 8 + 6 + 8);
    ck_assert_int_eq(wrings.in.data[0], MICA_CON_WINSIZE);
    ck_assert_int_eq(wrings.in.data[8], MICA_CON_STDIN);
    ck_assert_int_eq(wrings.in.data[12], 'a');
    ck_assert_int_eq(wrings.in.data[14], MICA_CON_WINSIZE);
    ck_assert_int_eq(wrings.in.data[18], 11);
    /* the guest stops reading; the ring fills; sizes are dropped whole */
    wrings.in.cons = wrings.in.prod;
    ck_assert_int_eq(console_ring_push(&cr, fill, sizeof(fill)), 0);
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 12, 22), 0);
    ck_assert_uint_eq(wrings.in.prod, 22 + sizeof(fill));
    ck_assert(!f.cm.failed);
    /* a lying consumer index stops the VM */
    wrings.in.cons = wrings.in.prod + 1;
    ck_assert_int_eq(conmux_send_winsize(&f.cm, 12, 22), -EPROTO);
    ck_assert(f.cm.failed);
}
END_TEST

START_TEST(test_host_crlf)
{
    struct fixture f;
    uint8_t buf[128];
    char got[128];
    size_t n;

    fx_init(&f, 1);
    f.cm.host_crlf = 1; /* -t: stderr is a raw terminal */
    n = rec(buf, MICA_CON_LOG, "a\nb\n", 4);
    n += rec(buf + n, MICA_CON_STDERR, "prog\n", 5); /* the guest's job */
    n += rec(buf + n, MICA_CON_UNIMPL, "rseq", 4);
    n += rec(buf + n, MICA_CON_PANIC, "\npanic\nc", 8);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, n), 0);
    drain(f.err[0], got, sizeof(got));
    ck_assert_str_eq(got, "a\r\nb\r\nprog\nmica: unimplemented syscall "
                     "rseq\r\n\r\npanic\r\nc");
}
END_TEST

START_TEST(test_stdout_epipe)
{
    struct fixture f;
    uint8_t buf[16];
    int32_t st = 3;
    size_t n;

    fx_init(&f, 0);
    signal(SIGPIPE, SIG_IGN);
    close(f.out[0]);
    n = rec(buf, MICA_CON_STDOUT, "x", 1);
    n += rec(buf + n, MICA_CON_EXIT, &st, 4);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, n), 0);
    ck_assert(f.cm.stdout_broken);
    ck_assert_int_eq(conmux_status(&f.cm), 3);
}
END_TEST

START_TEST(test_stdout_full)
{
    struct fixture f;
    uint8_t buf[16];
    size_t n;

    fx_init(&f, 0);
    f.cm.out_fd = open("/dev/full", O_WRONLY);
    ck_assert_int_ge(f.cm.out_fd, 0);
    n = rec(buf, MICA_CON_STDOUT, "x", 1);
    ck_assert_int_eq(conmux_feed(&f.cm, buf, n), -ENOSPC);
    ck_assert(f.cm.failed && f.cm.host_failed);
    ck_assert_ptr_nonnull(strstr(f.cm.err.msg, "cannot write the program's output"));
    ck_assert_int_eq(conmux_status(&f.cm), 125);
}
END_TEST

/* console_ring: the host side never trusts the guest's indices. */
static struct mica_console_rings rings;
static char ring_out[1 << 17];
static size_t ring_out_len;

static int ring_sink(void *opaque, const uint8_t *buf, size_t len)
{
    (void)opaque;
    memcpy(ring_out + ring_out_len, buf, len);
    ring_out_len += len;
    return 0;
}

static void guest_put(struct mica_ring *r, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        r->data[(r->prod + i) & (MICA_RING_SIZE - 1)] = (uint8_t)s[i];
    r->prod += (uint32_t)len;
}

START_TEST(test_ring_drain_wrap)
{
    struct console_ring cr;
    static char big[MICA_RING_SIZE];

    memset(&rings, 0, sizeof(rings));
    rings.out.prod = rings.out.cons = 0xfffffff0u; /* counters wrap */
    console_ring_init(&cr, &rings);
    memset(big, 'q', sizeof(big));
    guest_put(&rings.out, "hello", 5);
    ring_out_len = 0;
    ck_assert_int_eq(console_ring_drain(&cr, ring_sink, NULL), 0);
    ck_assert_uint_eq(ring_out_len, 5);
    ck_assert_int_eq(memcmp(ring_out, "hello", 5), 0);
    ck_assert_uint_eq(rings.out.cons, rings.out.prod);
    guest_put(&rings.out, big, sizeof(big)); /* exactly full */
    ring_out_len = 0;
    ck_assert_int_eq(console_ring_drain(&cr, ring_sink, NULL), 0);
    ck_assert_uint_eq(ring_out_len, sizeof(big));
}
END_TEST

START_TEST(test_ring_hostile)
{
    struct console_ring cr;

    memset(&rings, 0, sizeof(rings));
    console_ring_init(&cr, &rings);
    rings.out.prod = MICA_RING_SIZE + 1; /* more than a ring ahead */
    ck_assert_int_eq(console_ring_drain(&cr, ring_sink, NULL), -EPROTO);
    rings.out.prod = 0xffffffffu; /* "behind" us */
    ck_assert_int_eq(console_ring_drain(&cr, ring_sink, NULL), -EPROTO);
    rings.out.prod = 0;
    rings.out.cons = 12345; /* the guest scribbles on our index: ignored */
    ring_out_len = 0;
    ck_assert_int_eq(console_ring_drain(&cr, ring_sink, NULL), 0);
    ck_assert_uint_eq(ring_out_len, 0);
    /* in-ring: lying consumer index, and a full ring */
    rings.in.cons = 77;
    ck_assert_int_eq(console_ring_push(&cr, "ab", 2), -EPROTO);
    rings.in.cons = 0;
    ck_assert_int_eq(console_ring_push(&cr, "ab", 2), 0);
    ck_assert_uint_eq(rings.in.prod, 2);
    ck_assert_int_eq(console_ring_push(&cr, ring_out, MICA_RING_SIZE - 1), -ENOSPC);
    ck_assert_int_eq(console_ring_push(&cr, ring_out, MICA_RING_SIZE - 2), 0);
    rings.in.prod = 5; /* scribbled: the host keeps its own copy */
    rings.in.cons = MICA_RING_SIZE;
    ck_assert_int_eq(console_ring_push(&cr, "cd", 2), 0);
    ck_assert_uint_eq(rings.in.prod, MICA_RING_SIZE + 2);
    ck_assert_int_eq(rings.in.data[0], 'c');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conmux");
    TCase *tc = tcase_create("records");
    TCase *tr = tcase_create("rings");

    tcase_add_test(tc, test_stdout_stderr_exit);
    tcase_add_test(tc, test_split_every_byte);
    tcase_add_test(tc, test_oversized);
    tcase_add_test(tc, test_max_payload_ok);
    tcase_add_test(tc, test_unknown_types);
    tcase_add_test(tc, test_bad_exit_and_stdin_req);
    tcase_add_test(tc, test_panic);
    tcase_add_test(tc, test_stdin_answer);
    tcase_add_test(tc, test_stdin_answer_never_blocks);
    tcase_add_test(tc, test_winsize_record);
    tcase_add_test(tc, test_winsize_in_ring);
    tcase_add_test(tc, test_host_crlf);
    tcase_add_test(tc, test_stdout_epipe);
    tcase_add_test(tc, test_stdout_full);
    tcase_add_test(tr, test_ring_drain_wrap);
    tcase_add_test(tr, test_ring_hostile);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, tr);
    return check_run(s);
}
