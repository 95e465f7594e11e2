/* Unit tests for guest/lib (the guest kernel's string and printf code),
 * compiled for the host with renamed symbols; the host C library is the
 * oracle. */
#include <check.h>
#include "check_run.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the guest's functions under guest_* names, beside the host's */
#include "guest_host.h"
#include <lib/string.h>
#include <lib/chacha20.h>
#include "guest_unhost.h"

#define CHECK_FMT(fmt, ...)                                                       \
    do {                                                                          \
        char want[256], got[256];                                                 \
        int wn = snprintf(want, sizeof(want), fmt, __VA_ARGS__);                  \
        int gn = guest_snprintf(got, sizeof(got), fmt, __VA_ARGS__);              \
        ck_assert_str_eq(got, want);                                              \
        ck_assert_int_eq(gn, wn);                                                 \
    } while (0)

START_TEST(test_printf_integers)
{
    CHECK_FMT("%d %d %d", 0, -1, INT_MAX);
    CHECK_FMT("%d", INT_MIN);
    CHECK_FMT("%ld %lu", LONG_MIN, ULONG_MAX);
    CHECK_FMT("%x %X %#x %#lx", 0xabcu, 0xabcu, 0x1fu, 0xdeadbeefcafeul);
    CHECK_FMT("%#x", 0u);
    CHECK_FMT("%o %#o", 8u, 8u);
    CHECK_FMT("[%5d] [%-5d] [%05d]", 42, 42, 42);
    CHECK_FMT("[%08lx]", 0x1234ul);
    CHECK_FMT("%zu %zd", (size_t)12345, (ssize_t)-7);
    CHECK_FMT("%hhu %hu", 300, 70000);
}
END_TEST

START_TEST(test_printf_strings)
{
    CHECK_FMT("%s|%10s|%-10s|", "abc", "right", "left");
    CHECK_FMT("%.2s|%c|%%", "abcdef", 'z');
    CHECK_FMT("%.*s", 3, "abcdef");
    CHECK_FMT("%p", (void *)0x1000);
}
END_TEST

START_TEST(test_printf_truncation)
{
    char buf[8];
    int n = guest_snprintf(buf, sizeof(buf), "%s", "0123456789");
    ck_assert_int_eq(n, 10);
    ck_assert_str_eq(buf, "0123456");
    n = guest_snprintf(buf, 1, "%d", 12345);
    ck_assert_int_eq(n, 5);
    ck_assert_str_eq(buf, "");
    n = guest_snprintf(NULL, 0, "%d", 12345);
    ck_assert_int_eq(n, 5);
}
END_TEST

START_TEST(test_strtoul)
{
    const char *inputs[] = {"0", "123", "0x1f", "0755", "99abc", "ffff", "", "18446744073709551615"};
    int bases[] = {10, 10, 0, 0, 10, 16, 10, 10};
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        char *e1, *e2;
        unsigned long w = strtoul(inputs[i], &e1, bases[i]);
        unsigned long g = guest_strtoul(inputs[i], &e2, bases[i]);
        ck_assert_uint_eq(g, w);
        ck_assert_ptr_eq(e2, e1);
    }
}
END_TEST

START_TEST(test_mem_and_str)
{
    char a[64], b[64];
    for (int i = 0; i < 64; i++)
        a[i] = (char)i;
    guest_memcpy(b, a, 64);
    ck_assert_int_eq(memcmp(a, b, 64), 0);
    guest_memmove(b + 1, b, 63); /* overlapping, forwards */
    ck_assert_int_eq(b[1], 0);
    ck_assert_int_eq(b[63], 62);
    guest_memmove(b, b + 1, 63); /* overlapping, backwards */
    ck_assert_int_eq(memcmp(a, b, 63), 0);
    guest_memset(b, 'x', 10);
    ck_assert_int_eq(b[9], 'x');
    ck_assert_int_eq(guest_strlen("hello"), 5);
    ck_assert_int_eq(guest_strnlen("hello", 3), 3);
    ck_assert_int_lt(guest_strcmp("abc", "abd"), 0);
    ck_assert_int_gt(guest_strcmp("b", "a"), 0);
    ck_assert_int_eq(guest_strncmp("abcx", "abcy", 3), 0);
    const char *path = "a/b/c";
    ck_assert_str_eq(guest_strrchr(path, '/'), "/c");
    ck_assert_str_eq(guest_strchr(path, '/'), "/b/c");
    ck_assert_ptr_null(guest_strchr(path, 'z'));
    char small[4];
    ck_assert_uint_eq(guest_strlcpy(small, "toolong", sizeof(small)), 7);
    ck_assert_str_eq(small, "too");
}
END_TEST

/* RFC 8439 section 2.3.2's block (checked with `openssl enc -chacha20`). */
START_TEST(test_chacha20_rfc8439)
{
    static const uint8_t want[64] = {
        0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3,
        0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22,
        0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa,
        0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1,
        0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e};
    uint32_t key[8], nonce[3] = {0x09000000, 0x4a000000, 0};
    uint8_t out[64];
    for (int i = 0; i < 8; i++) /* bytes 00 01 02 ... 1f, little-endian words */
        key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
                 (uint32_t)(4 * i + 2) << 16 | (uint32_t)(4 * i + 3) << 24;
    chacha20_block(key, 1, nonce, out);
    ck_assert_mem_eq(out, want, sizeof(want));
    chacha20_block(key, 2, nonce, out); /* the next counter gives another block */
    ck_assert_int_ne(memcmp(out, want, sizeof(want)), 0);
}
END_TEST

static Suite *guest_lib_suite(void)
{
    Suite *s = suite_create("guest_lib");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_printf_integers);
    tcase_add_test(tc, test_printf_strings);
    tcase_add_test(tc, test_printf_truncation);
    tcase_add_test(tc, test_strtoul);
    tcase_add_test(tc, test_mem_and_str);
    tcase_add_test(tc, test_chacha20_rfc8439);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(guest_lib_suite());
}
