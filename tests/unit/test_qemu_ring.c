/* Unit tests for vmm/qemu_ring.c: the QEMU engine's COM1 tokenizer and its
 * shared console rings, fed by a hostile guest. */
#define _GNU_SOURCE
#include <check.h>
#include "check_run.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu_ring.h"

static struct qemu_ring qr;
static struct conmux cm;
static int out[2];

static int no_send(void *opaque, const void *rec, size_t len)
{
    (void)opaque;
    (void)rec;
    (void)len;
    return 0;
}

static void setup(void)
{
    struct mica_error e;

    mica_error_init(&e);
    ck_assert_msg(qemu_ring_create(&qr, 16ull << 20, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(pipe2(out, O_NONBLOCK), 0);
    conmux_init(&cm, 0, no_send, NULL);
    cm.out_fd = out[1];
    cm.err_fd = out[1];
}

static void teardown(void)
{
    qemu_ring_destroy(&qr);
    close(out[0]);
    close(out[1]);
}

static void guest_put(const void *data, size_t len)
{
    struct mica_ring *r = &((struct mica_console_rings *)qr.map)->out;
    const uint8_t *p = data;
    size_t i;

    for (i = 0; i < len; i++)
        r->data[(r->prod + i) & (MICA_RING_SIZE - 1)] = p[i];
    r->prod += (uint32_t)len;
}

static const char *got(void)
{
    static char buf[256];
    ssize_t n = read(out[0], buf, sizeof(buf) - 1);

    buf[n < 0 ? 0 : n] = '\0';
    return buf;
}

START_TEST(test_ring_gpa)
{
    ck_assert_uint_eq(qr.ring_gpa % (2u << 20), 0);
    ck_assert_uint_ge(qr.ring_gpa, 2u << 20);
    ck_assert_uint_le(qr.ring_gpa + sizeof(struct mica_console_rings), 16u << 20);
}
END_TEST

START_TEST(test_kick_drains)
{
    static const uint8_t rec[] = { MICA_CON_STDOUT, 0, 3, 0, 'a', 'b', 'c' };
    uint8_t kick = MICA_DOORBELL_KICK;

    guest_put(rec, 5); /* half a record, then the rest */
    ck_assert_int_eq(qemu_ring_uart_feed(&qr, &cm, &kick, 1), 0);
    guest_put(rec + 5, 2);
    ck_assert_int_eq(qemu_ring_uart_feed(&qr, &cm, &kick, 1), 0);
    ck_assert_str_eq(got(), "abc");
}
END_TEST

START_TEST(test_framed_on_uart)
{
    static const uint8_t stream[] = {
        MICA_CON_PANIC, 0, 5, 0, 'p', 'K', 'P', '!', '\n', /* K, P inside */
        MICA_DOORBELL_KICK,
        MICA_CON_STDERR, 0, 1, 0, 'x',
    };
    size_t i;

    for (i = 0; i < sizeof(stream); i++) /* one byte at a time */
        ck_assert_int_eq(qemu_ring_uart_feed(&qr, &cm, stream + i, 1), 0);
    ck_assert_str_eq(got(), "pKP!\nx");
    ck_assert(cm.panicked);
}
END_TEST

START_TEST(test_hostile_uart)
{
    static const uint8_t bad_type[] = { 0x99, 0, 1, 0, 'x' };

    ck_assert_int_eq(qemu_ring_uart_feed(&qr, &cm, bad_type, sizeof(bad_type)),
                     -EPROTO);
    ck_assert(cm.failed);
}
END_TEST

START_TEST(test_hostile_uart_length)
{
    static const uint8_t too_long[] = { MICA_CON_STDOUT, 0, 0xff, 0xff };

    ck_assert_int_eq(qemu_ring_uart_feed(&qr, &cm, too_long, sizeof(too_long)),
                     -EPROTO);
    ck_assert_ptr_nonnull(strstr(cm.err.msg, "longer than the maximum"));
}
END_TEST

START_TEST(test_hostile_ring)
{
    struct mica_ring *r = &((struct mica_console_rings *)qr.map)->out;
    uint8_t kick = MICA_DOORBELL_KICK;

    r->prod = 0x80000000u; /* far ahead of what the host consumed */
    ck_assert_int_eq(qemu_ring_uart_feed(&qr, &cm, &kick, 1), -EPROTO);
    ck_assert(cm.failed);
}
END_TEST

START_TEST(test_stdin_into_ring)
{
    struct mica_console_rings *rings = qr.map;
    static const uint8_t rec[] = { MICA_CON_STDIN_EOF, 0, 0, 0 };

    ck_assert_int_eq(qemu_ring_send(&qr, rec, sizeof(rec)), 0);
    ck_assert_uint_eq(rings->in.prod, 4);
    ck_assert_int_eq(rings->in.data[0], MICA_CON_STDIN_EOF);
    rings->in.cons = 100; /* a lie */
    ck_assert_int_eq(qemu_ring_send(&qr, rec, sizeof(rec)), -EPROTO);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qemu_ring");
    TCase *tc = tcase_create("uart");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ring_gpa);
    tcase_add_test(tc, test_kick_drains);
    tcase_add_test(tc, test_framed_on_uart);
    tcase_add_test(tc, test_hostile_uart);
    tcase_add_test(tc, test_hostile_uart_length);
    tcase_add_test(tc, test_hostile_ring);
    tcase_add_test(tc, test_stdin_into_ring);
    suite_add_tcase(s, tc);
    return check_run(s);
}
