/* mica VMM: the guest kernel command line: program, argv, environment,
 * clock and seed, as words of include/mica/cmdline.h.
 *
 * The environment is clean: a fixed PATH, HOME=/root, the host's TERM, then
 * the user's -e entries; an -e entry replaces a default of the same name in
 * place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cmdline.h"
#include "mica/boot.h"
#include "mica/cmdline.h"

#define CMDLINE_DEFAULT_PATH \
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define CMDLINE_DEFAULT_HOME "HOME=/root"

struct strbuf {
    char *s;
    size_t len, cap;
    int oom;
};

static void sb_reserve(struct strbuf *sb, size_t more)
{
    size_t cap = sb->cap ? sb->cap : 1024;
    char *grown;

    if (sb->oom)
        return;
    while (cap < sb->len + more + 1)
        cap *= 2;
    if (cap == sb->cap)
        return;
    grown = realloc(sb->s, cap);
    if (grown == NULL) {
        sb->oom = 1;
        return;
    }
    sb->s = grown;
    sb->cap = cap;
}

static void sb_word(struct strbuf *sb, const char *key, const char *val)
{
    size_t klen = strlen(key), vlen = val ? cmdline_encode(NULL, val) : 0;

    sb_reserve(sb, klen + vlen + 1);
    if (sb->oom)
        return;
    if (sb->len)
        sb->s[sb->len++] = ' ';
    memcpy(sb->s + sb->len, key, klen);
    sb->len += klen;
    if (val)
        sb->len += cmdline_encode(sb->s + sb->len, val);
    sb->s[sb->len] = '\0';
}

static int cmdline_plain(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           (ch >= '0' && ch <= '9') || (ch && strchr("._/=:,+-", ch));
}

size_t cmdline_encode(char *dst, const char *src)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p;
    size_t n = 0;

    for (p = (const unsigned char *)src; *p; p++) {
        if (cmdline_plain(*p)) {
            if (dst)
                dst[n] = (char)*p;
            n++;
            continue;
        }
        if (dst) {
            dst[n] = '%';
            dst[n + 1] = hex[*p >> 4];
            dst[n + 2] = hex[*p & 15];
        }
        n += 3;
    }
    return n;
}

static int env_same_name(const char *a, const char *b)
{
    size_t la = strcspn(a, "="), lb = strcspn(b, "=");

    return la == lb && memcmp(a, b, la) == 0;
}

/* Is default entry d overridden by a user entry? */
static const char *env_override(const struct cmdline_spec *spec, const char *d)
{
    size_t i;

    for (i = 0; i < spec->nr_user_env; i++)
        if (env_same_name(spec->user_env[i], d))
            return spec->user_env[i];
    return NULL;
}

static int env_is_default(const char *e, const char *const *defs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (env_same_name(e, defs[i]))
            return 1;
    return 0;
}

static void cmdline_add_env(struct strbuf *sb, const struct cmdline_spec *spec)
{
    const char *defs[3] = { CMDLINE_DEFAULT_PATH, CMDLINE_DEFAULT_HOME, NULL };
    char *term = NULL;
    const char *o;
    size_t i, n = 2;

    if (spec->term && asprintf(&term, "TERM=%s", spec->term) >= 0)
        defs[n++] = term;
    for (i = 0; i < n; i++) {
        o = env_override(spec, defs[i]);
        sb_word(sb, MICA_CMDLINE_ENV, o ? o : defs[i]);
    }
    for (i = 0; i < spec->nr_user_env; i++)
        if (!env_is_default(spec->user_env[i], defs, n))
            sb_word(sb, MICA_CMDLINE_ENV, spec->user_env[i]);
    free(term);
}

static void cmdline_add_clock_seed(struct strbuf *sb,
                                   const struct cmdline_spec *spec)
{
    char num[32], seed[2 * CMDLINE_SEED_BYTES + 1];
    size_t i;

    snprintf(num, sizeof(num), "%llu", (unsigned long long)spec->time_ns);
    sb_word(sb, MICA_CMDLINE_TIME, num);
    for (i = 0; i < CMDLINE_SEED_BYTES; i++)
        snprintf(seed + 2 * i, 3, "%02x", spec->seed[i]);
    sb_word(sb, MICA_CMDLINE_SEED, seed);
}

static void cmdline_add_tty(struct strbuf *sb, const struct cmdline_spec *spec)
{
    char size[32];

    if (!spec->tty)
        return;
    sb_word(sb, MICA_CMDLINE_TTY, NULL);
    if (spec->rows == 0 || spec->cols == 0)
        return;
    snprintf(size, sizeof(size), "%ux%u", spec->rows, spec->cols);
    sb_word(sb, MICA_CMDLINE_WINSIZE, size);
}

void cmdline_share_tag(char tag[CMDLINE_TAG_MAX], size_t i)
{
    snprintf(tag, CMDLINE_TAG_MAX, "mica%zu", i);
}

static void cmdline_add_mounts(struct strbuf *sb, const struct cmdline_spec *spec)
{
    char tag[CMDLINE_TAG_MAX], *val;
    size_t i;

    for (i = 0; i < spec->nr_shares; i++) {
        cmdline_share_tag(tag, i);
        if (asprintf(&val, "%s,%s,%s", tag, spec->shares[i].rw ?
                     MICA_CMDLINE_MOUNT_RW : MICA_CMDLINE_MOUNT_RO,
                     spec->shares[i].guest) < 0) {
            sb->oom = 1;
            return;
        }
        sb_word(sb, MICA_CMDLINE_MOUNT, val);
        free(val);
    }
}

int cmdline_build(const struct cmdline_spec *spec, char **out,
                  struct mica_error *err)
{
    struct strbuf sb = { NULL, 0, 0, 0 };
    int i;

    sb_word(&sb, MICA_CMDLINE_PATH, spec->path);
    for (i = 0; i < spec->argc; i++)
        sb_word(&sb, MICA_CMDLINE_ARG, spec->argv[i]);
    cmdline_add_env(&sb, spec);
    if (spec->verbose)
        sb_word(&sb, MICA_CMDLINE_VERBOSE, NULL);
    if (spec->cpus > 1) {
        char n[16];
        snprintf(n, sizeof(n), "%u", spec->cpus);
        sb_word(&sb, MICA_CMDLINE_CPUS, n);
    }
    cmdline_add_clock_seed(&sb, spec);
    cmdline_add_mounts(&sb, spec);
    sb_word(&sb, MICA_CMDLINE_CWD, spec->cwd ? spec->cwd : "/");
    cmdline_add_tty(&sb, spec);
    if (spec->panic_test)
        sb_word(&sb, MICA_CMDLINE_PANIC_TEST, NULL);
    if (spec->fault_test)
        sb_word(&sb, MICA_CMDLINE_FAULT_TEST, spec->fault_test);
    if (sb.oom) {
        free(sb.s);
        return mica_error_set(err, ENOMEM, "out of memory");
    }
    if (sb.len >= MICA_CMDLINE_MAX) {
        free(sb.s);
        return mica_error_set(err, E2BIG, "arguments and environment are too "
                              "long (%zu bytes encoded, at most %u)", sb.len,
                              MICA_CMDLINE_MAX - 1);
    }
    *out = sb.s;
    return 0;
}

int cmdline_spec_host(struct cmdline_spec *spec, struct mica_error *err)
{
    const char *panic = getenv("MICA_TEST_PANIC");
    struct timespec ts;
    size_t got = 0;
    ssize_t n;

    clock_gettime(CLOCK_REALTIME, &ts);
    spec->time_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    while (got < sizeof(spec->seed)) {
        n = getrandom(spec->seed + got, sizeof(spec->seed) - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return mica_error_sys(err, errno, "getrandom");
        got += (size_t)n;
    }
    spec->term = getenv("TERM");
    spec->panic_test = panic != NULL && strcmp(panic, "1") == 0;
    spec->fault_test = getenv("MICA_TEST_FAULT");
    return 0;
}
