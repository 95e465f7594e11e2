/* Unit tests for vmm/cmdline.c: encoding round trip, words, limits. */
#define _GNU_SOURCE
#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "mica/boot.h"
#include "mica/cmdline.h"

/* The decoder the guest would use: %XX -> byte. Returns length. */
static size_t decode(const char *src, size_t len, char *dst)
{
    size_t i, n = 0;
    unsigned v;

    for (i = 0; i < len; i++) {
        if (src[i] == '%') {
            ck_assert_uint_lt(i + 2, len + 1);
            ck_assert_int_eq(sscanf(src + i + 1, "%2X", &v), 1);
            dst[n++] = (char)v;
            i += 2;
        } else {
            dst[n++] = src[i];
        }
    }
    dst[n] = '\0';
    return n;
}

static void check_word_chars(const char *s)
{
    for (; *s; s++)
        ck_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789._/=:,+-% ", *s) != NULL);
}

START_TEST(test_encode_all_bytes)
{
    char src[256], enc[256 * 3 + 1], dec[257];
    size_t i, n;

    for (i = 1; i < 256; i++)
        src[i - 1] = (char)i;
    src[255] = '\0';
    n = cmdline_encode(NULL, src);
    ck_assert_uint_eq(n, cmdline_encode(enc, src));
    enc[n] = '\0';
    ck_assert_ptr_null(strchr(enc, ' '));
    check_word_chars(enc);
    ck_assert_uint_eq(decode(enc, n, dec), 255);
    ck_assert_int_eq(memcmp(dec, src, 255), 0);
}
END_TEST

START_TEST(test_encode_examples)
{
    char enc[64];

    enc[cmdline_encode(enc, "a b")] = '\0';
    ck_assert_str_eq(enc, "a%20b");
    enc[cmdline_encode(enc, "x=1,y:2+z-/._")] = '\0';
    ck_assert_str_eq(enc, "x=1,y:2+z-/._");
    enc[cmdline_encode(enc, "%\n\"'")] = '\0';
    ck_assert_str_eq(enc, "%25%0A%22%27");
    enc[cmdline_encode(enc, "\xc3\xa9")] = '\0';
    ck_assert_str_eq(enc, "%C3%A9");
}
END_TEST

static struct cmdline_spec spec_base(char **argv, int argc)
{
    struct cmdline_spec s;

    memset(&s, 0, sizeof(s));
    s.path = "/usr/bin/my prog";
    s.argc = argc;
    s.argv = argv;
    s.time_ns = 1234567890123ull;
    memset(s.seed, 0xab, sizeof(s.seed));
    return s;
}

/* Find the n-th word starting with key; return its decoded value. */
static int word_value(const char *line, const char *key, int n, char *out)
{
    const char *p = line, *end;
    size_t klen = strlen(key);

    while (*p) {
        end = strchrnul(p, ' ');
        if ((size_t)(end - p) >= klen && strncmp(p, key, klen) == 0 && n-- == 0) {
            decode(p + klen, (size_t)(end - p) - klen, out);
            return 1;
        }
        p = *end ? end + 1 : end;
    }
    return 0;
}

START_TEST(test_build_words)
{
    char *argv[] = { "prog", "-c", "echo 'hi there'\n", "" };
    char *env[] = { "FOO=bar baz", "HOME=/home/x" };
    struct cmdline_spec s = spec_base(argv, 4);
    struct mica_error e;
    char *line, v[512], seed[65];

    s.user_env = env;
    s.nr_user_env = 2;
    s.term = "xterm";
    s.verbose = 1;
    s.cpus = 4;
    mica_error_init(&e);
    ck_assert_int_eq(cmdline_build(&s, &line, &e), 0);
    check_word_chars(line);
    ck_assert(word_value(line, MICA_CMDLINE_PATH, 0, v));
    ck_assert_str_eq(v, "/usr/bin/my prog");
    ck_assert(word_value(line, MICA_CMDLINE_ARG, 0, v));
    ck_assert_str_eq(v, "prog");
    ck_assert(word_value(line, MICA_CMDLINE_ARG, 2, v));
    ck_assert_str_eq(v, "echo 'hi there'\n");
    ck_assert(word_value(line, MICA_CMDLINE_ARG, 3, v));
    ck_assert_str_eq(v, "");
    ck_assert(word_value(line, MICA_CMDLINE_ENV, 0, v));
    ck_assert_str_eq(v, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    ck_assert(word_value(line, MICA_CMDLINE_ENV, 1, v));
    ck_assert_str_eq(v, "HOME=/home/x"); /* overridden in place */
    ck_assert(word_value(line, MICA_CMDLINE_ENV, 2, v));
    ck_assert_str_eq(v, "TERM=xterm");
    ck_assert(word_value(line, MICA_CMDLINE_ENV, 3, v));
    ck_assert_str_eq(v, "FOO=bar baz");
    ck_assert(!word_value(line, MICA_CMDLINE_ENV, 4, v));
    ck_assert_ptr_nonnull(strstr(line, " mica.verbose"));
    ck_assert_ptr_nonnull(strstr(line, " mica.cpus=4 "));
    ck_assert_ptr_nonnull(strstr(line, " mica.time=1234567890123"));
    memset(seed, 'a', 64);
    for (int i = 0; i < 64; i += 2)
        seed[i + 1] = 'b';
    seed[64] = '\0';
    ck_assert(word_value(line, MICA_CMDLINE_SEED, 0, v));
    ck_assert_str_eq(v, seed);
    ck_assert(word_value(line, MICA_CMDLINE_CWD, 0, v));
    ck_assert_str_eq(v, "/");
    ck_assert_ptr_null(strstr(line, MICA_CMDLINE_PANIC_TEST));
    free(line);
}
END_TEST

START_TEST(test_mount_words)
{
    char *argv[] = { "p" };
    struct mica_share sh[2] = {
        { "/h/a", "/data", 0 },
        { "/h/b", "/odd dir,with comma/%x", 1, 1 },
    };
    struct cmdline_spec s = spec_base(argv, 1);
    struct mica_error e;
    char *line, v[512], tag[CMDLINE_TAG_MAX];

    ck_assert_int_eq(cmdline_build(&s, &line, &e), 0);
    ck_assert_ptr_null(strstr(line, MICA_CMDLINE_MOUNT));
    free(line);
    s.shares = sh;
    s.nr_shares = 2;
    ck_assert_int_eq(cmdline_build(&s, &line, &e), 0);
    check_word_chars(line);
    ck_assert(word_value(line, MICA_CMDLINE_MOUNT, 0, v));
    ck_assert_str_eq(v, "mica0,ro,/data");
    ck_assert(word_value(line, MICA_CMDLINE_MOUNT, 1, v));
    ck_assert_str_eq(v, "mica1,rw,/odd dir,with comma/%x");
    ck_assert(!word_value(line, MICA_CMDLINE_MOUNT, 2, v));
    ck_assert(word_value(line, MICA_CMDLINE_CWD, 0, v));
    ck_assert_str_eq(v, "/");
    free(line);
    s.cwd = "/home/u/a dir";
    ck_assert_int_eq(cmdline_build(&s, &line, &e), 0);
    ck_assert(word_value(line, MICA_CMDLINE_CWD, 0, v));
    ck_assert_str_eq(v, "/home/u/a dir");
    free(line);
    cmdline_share_tag(tag, 5);
    ck_assert_str_eq(tag, "mica5");
}
END_TEST

START_TEST(test_no_term_panic)
{
    char *argv[] = { "p" };
    struct cmdline_spec s = spec_base(argv, 1);
    struct mica_error e;
    char *line, v[512];

    s.panic_test = 1;
    ck_assert_int_eq(cmdline_build(&s, &line, &e), 0);
    ck_assert(!word_value(line, MICA_CMDLINE_ENV, 2, v));
    ck_assert_ptr_null(strstr(line, "mica.verbose"));
    ck_assert_ptr_null(strstr(line, "mica.cpus")); /* one CPU: no word */
    ck_assert_ptr_nonnull(strstr(line, " mica.panic_test"));
    free(line);
}
END_TEST

START_TEST(test_tty_words)
{
    char *argv[] = { "p" };
    struct cmdline_spec s = spec_base(argv, 1);
    struct mica_error e;
    char *line, v[512];

    mica_error_init(&e);
    /* no -t: neither word */
    s.rows = 24;
    s.cols = 80;
    ck_assert_int_eq(cmdline_build(&s, &line, &e), 0);
    ck_assert_ptr_null(strstr(line, "mica.tty"));
    ck_assert_ptr_null(strstr(line, "mica.winsize"));
    free(line);
    /* -t with a size */
    s.tty = 1;
    s.rows = 50;
    s.cols = 132;
    ck_assert_int_eq(cmdline_build(&s, &line, &e), 0);
    check_word_chars(line);
    ck_assert_ptr_nonnull(strstr(line, " " MICA_CMDLINE_TTY " "));
    ck_assert(word_value(line, MICA_CMDLINE_WINSIZE, 0, v));
    ck_assert_str_eq(v, "50x132");
    free(line);
    /* -t, size unknown: mica.tty alone */
    s.rows = 0;
    ck_assert_int_eq(cmdline_build(&s, &line, &e), 0);
    ck_assert_ptr_nonnull(strstr(line, " " MICA_CMDLINE_TTY));
    ck_assert_ptr_null(strstr(line, "mica.winsize"));
    free(line);
}
END_TEST

START_TEST(test_too_long)
{
    size_t n = MICA_CMDLINE_MAX / 3 + 10;
    char *big = malloc(n + 1), *argv[] = { "p", big }, *line = NULL;
    struct cmdline_spec s = spec_base(argv, 2);
    struct mica_error e;

    memset(big, ' ', n); /* each byte encodes to 3 */
    big[n] = '\0';
    mica_error_init(&e);
    ck_assert_int_lt(cmdline_build(&s, &line, &e), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "too long"));
    free(big);
}
END_TEST

START_TEST(test_host_spec)
{
    struct cmdline_spec s;
    struct mica_error e;
    static const uint8_t zero[CMDLINE_SEED_BYTES];

    memset(&s, 0, sizeof(s));
    setenv("MICA_TEST_PANIC", "1", 1);
    ck_assert_int_eq(cmdline_spec_host(&s, &e), 0);
    ck_assert_int_eq(s.panic_test, 1);
    ck_assert_uint_gt(s.time_ns, 1600000000ull * 1000000000ull);
    ck_assert(memcmp(s.seed, zero, sizeof(zero)) != 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cmdline");
    TCase *tc = tcase_create("encode");

    tcase_add_test(tc, test_encode_all_bytes);
    tcase_add_test(tc, test_encode_examples);
    tcase_add_test(tc, test_build_words);
    tcase_add_test(tc, test_no_term_panic);
    tcase_add_test(tc, test_too_long);
    tcase_add_test(tc, test_tty_words);
    tcase_add_test(tc, test_host_spec);
    tcase_add_test(tc, test_mount_words);
    suite_add_tcase(s, tc);
    return check_run(s);
}
