/* mica VMM: parse the options of `mica run` (getopt_long, stop at PROGRAM).
 *
 * Options end at the first non-option word, so the program's own options
 * (`mica run sh -c 'echo hi'`) pass through untouched.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "options.h"

const char options_run_usage[] =
    "Usage: mica run [OPTIONS] PROGRAM [ARG...]\n"
    "Run a static Linux x86-64 PROGRAM in a fresh microVM.\n"
    "\n"
    "  -i, --interactive      keep stdin attached (always the case; accepted\n"
    "                         for familiarity, as in 'docker run -it')\n"
    "  -t, --tty              give the program a terminal: mica's stdin must\n"
    "                         be one; it is in raw mode while the VM runs\n"
    "  -e, --env NAME=VALUE   set an environment variable in the guest\n"
    "  -e, --env NAME         copy NAME from mica's environment (if set)\n"
    "  -V, --volume HOST[:GUEST][:ro|:rw]\n"
    "                         share host directory HOST at GUEST (default:\n"
    "                         the same path); :ro (default): the guest may\n"
    "                         write, but its changes vanish with the VM; :rw:\n"
    "                         changes are written to HOST (qemu engine;\n"
    "                         repeatable, at most 6)\n"
    "  -w, --workdir DIR      the program's working directory in the guest\n"
    "                         (absolute; made if missing; default: the\n"
    "                         current directory with the host root, else /)\n"
    "      --host-root        the guest sees the host's /usr, /etc, /bin,\n"
    "                         /sbin, /lib, /lib64 (world-readable files only)\n"
    "                         and the current directory, read-only with a\n"
    "                         private overlay (default with the qemu engine)\n"
    "      --no-host-root     only the program (default with the kvm engine)\n"
    "      --root DIR         DIR is the guest's root, read-only with a\n"
    "                         private overlay; PROGRAM is found in it (qemu\n"
    "                         engine; instead of the host root)\n"
    "      --memory SIZE      guest memory, K/M/G suffix (default 256M,\n"
    "                         16M..64G)\n"
    "      --cpus N           number of vCPUs, 1..64 (default 1; more than\n"
    "                         one needs the QEMU engine for now)\n"
    "      --kernel FILE      boot FILE instead of the built-in kernel\n"
    "      --engine ENGINE    auto, kvm or qemu (default auto)\n"
    "      --platform P       auto, pvm or ring0 (kvm engine only)\n"
    "      --qemu PATH        QEMU binary for the qemu engine\n"
    "      --timeout SECONDS  stop the VM after SECONDS (fractions and an\n"
    "                         s/m/h/d suffix allowed) and exit 124\n"
    "      --seccomp=off      run mica without its seccomp sandbox (for\n"
    "                         debugging only; default on)\n"
    "  -v, --verbose          show the guest kernel's log\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: the program's; 128+N if killed by signal N; 124 if\n"
    "--timeout ran out; 125 if mica failed or the guest kernel panicked;\n"
    "126 if PROGRAM cannot run in mica; 127 if it is not found. See mica(1); MICA_QEMU names the QEMU binary.\n";

enum { OPT_MEMORY = 256, OPT_KERNEL, OPT_ENGINE, OPT_PLATFORM, OPT_CPUS,
       OPT_QEMU, OPT_HOST_ROOT, OPT_NO_HOST_ROOT, OPT_ROOT, OPT_TIMEOUT,
       OPT_SECCOMP };

#define VOLUME_MSG "--volume %s: "

static const struct option run_longopts[] = {
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"kernel", required_argument, NULL, OPT_KERNEL},
    {"env", required_argument, NULL, 'e'},
    {"verbose", no_argument, NULL, 'v'},
    {"tty", no_argument, NULL, 't'},
    {"interactive", no_argument, NULL, 'i'},
    {"engine", required_argument, NULL, OPT_ENGINE},
    {"platform", required_argument, NULL, OPT_PLATFORM},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"qemu", required_argument, NULL, OPT_QEMU},
    {"volume", required_argument, NULL, 'V'},
    {"workdir", required_argument, NULL, 'w'},
    {"host-root", no_argument, NULL, OPT_HOST_ROOT},
    {"no-host-root", no_argument, NULL, OPT_NO_HOST_ROOT},
    {"root", required_argument, NULL, OPT_ROOT},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"seccomp", required_argument, NULL, OPT_SECCOMP},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static uint64_t size_suffix_shift(const char *end)
{
    if (end[0] == '\0')
        return 0;
    if (end[1] != '\0')
        return 64;
    switch (end[0]) {
    case 'k': case 'K': return 10;
    case 'm': case 'M': return 20;
    case 'g': case 'G': return 30;
    default: return 64;
    }
}

int options_size_parse(const char *s, uint64_t *out)
{
    unsigned long long v;
    uint64_t shift;
    char *end;

    if (s[0] < '0' || s[0] > '9')
        return -EINVAL;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0)
        return -ERANGE;
    shift = size_suffix_shift(end);
    if (shift == 64)
        return -EINVAL;
    if (shift && v > (UINT64_MAX >> shift))
        return -ERANGE;
    *out = (uint64_t)v << shift;
    return 0;
}

static int options_memory_set(struct mica_options *opts, const char *arg,
                              struct mica_error *err)
{
    uint64_t size;

    if (options_size_parse(arg, &size) < 0)
        return mica_error_set(err, EINVAL,
                              "--memory %s: expected a size such as 256M or 1G",
                              arg);
    if (size < MICA_MEM_MIN || size > MICA_MEM_MAX)
        return mica_error_set(err, EINVAL,
                              "--memory %s: must be between 16M and 64G", arg);
    if (size & ((1u << 20) - 1))
        return mica_error_set(err, EINVAL,
                              "--memory %s: must be a multiple of 1M", arg);
    opts->mem_size = size;
    return 0;
}

static void options_env_drop(struct mica_options *opts, const char *name,
                             size_t len)
{
    size_t i, j = 0;

    for (i = 0; i < opts->nr_env; i++) {
        if (strncmp(opts->env[i], name, len) == 0 && opts->env[i][len] == '=')
            free(opts->env[i]);
        else
            opts->env[j++] = opts->env[i];
    }
    opts->nr_env = j;
}

static int options_env_add(struct mica_options *opts, const char *arg,
                           struct mica_error *err)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const char *host;
    char **grown, *entry;

    if (len == 0 || memchr(arg, ' ', len) != NULL)
        return mica_error_set(err, EINVAL,
                              "-e %s: expected NAME=VALUE or NAME", arg);
    if (eq == NULL) {
        host = getenv(arg);
        if (host == NULL)
            return 0; /* NAME unset on the host: not set in the guest */
        if (asprintf(&entry, "%s=%s", arg, host) < 0)
            return mica_error_set(err, ENOMEM, "out of memory");
    } else if ((entry = strdup(arg)) == NULL) {
        return mica_error_set(err, ENOMEM, "out of memory");
    }
    options_env_drop(opts, arg, len); /* a later -e NAME wins */
    grown = realloc(opts->env, (opts->nr_env + 1) * sizeof(*grown));
    if (grown == NULL) {
        free(entry);
        return mica_error_set(err, ENOMEM, "out of memory");
    }
    opts->env = grown;
    opts->env[opts->nr_env++] = entry;
    return 0;
}

static int options_engine_set(struct mica_options *opts, const char *arg,
                              struct mica_error *err)
{
    if (strcmp(arg, "auto") == 0)
        opts->engine = MICA_ENGINE_AUTO;
    else if (strcmp(arg, "kvm") == 0)
        opts->engine = MICA_ENGINE_KVM;
    else if (strcmp(arg, "qemu") == 0)
        opts->engine = MICA_ENGINE_QEMU;
    else
        return mica_error_set(err, EINVAL,
                              "--engine %s: expected auto, kvm or qemu", arg);
    return 0;
}

static int options_platform_set(struct mica_options *opts, const char *arg,
                                struct mica_error *err)
{
    if (strcmp(arg, "auto") == 0)
        opts->platform = MICA_PLATFORM_CHOICE_AUTO;
    else if (strcmp(arg, "pvm") == 0)
        opts->platform = MICA_PLATFORM_CHOICE_PVM;
    else if (strcmp(arg, "ring0") == 0)
        opts->platform = MICA_PLATFORM_CHOICE_RING0;
    else
        return mica_error_set(err, EINVAL,
                              "--platform %s: expected auto, pvm or ring0",
                              arg);
    return 0;
}

static int options_cpus_set(struct mica_options *opts, const char *arg,
                            struct mica_error *err)
{
    char *end;
    unsigned long n;

    errno = 0;
    n = strtoul(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || *end || errno || n < 1 || n > 64)
        return mica_error_set(err, EINVAL,
                              "--cpus %s: expected a number of vCPUs from 1 to 64",
                              arg);
    opts->cpus = (unsigned)n;
    return 0;
}

/* A guest path: absolute, no empty, "." or ".." component, not "/". */
static int volume_guest_ok(const char *g)
{
    const char *p = g;

    if (g[0] != '/' || g[1] == '\0')
        return 0;
    while (*p == '/') {
        size_t n = strcspn(p + 1, "/");

        if (n == 0 || (n == 1 && p[1] == '.') ||
            (n == 2 && p[1] == '.' && p[2] == '.'))
            return 0;
        p += 1 + n;
    }
    return 1;
}

/* Split "HOST[:GUEST][:ro|:rw]" in place; *rw is set for ":rw". */
static void volume_split(char *s, char **guest, int *rw)
{
    char *last = strrchr(s, ':');

    *rw = 0;
    *guest = NULL;
    if (last && (strcmp(last, ":ro") == 0 || strcmp(last, ":rw") == 0)) {
        *rw = last[2] == 'w';
        *last = '\0';
    }
    last = strchr(s, ':');
    if (last) {
        *last = '\0';
        *guest = last + 1;
    }
}

static int volume_check(const struct mica_options *opts, const char *arg,
                        const char *host, const char *guest, int rw,
                        struct mica_error *err)
{
    size_t i;

    (void)rw;
    if (host[0] == '\0')
        return mica_error_set(err, EINVAL, VOLUME_MSG "expected "
                              "HOST[:GUEST][:ro|:rw]", arg);
    if (guest && !volume_guest_ok(guest))
        return mica_error_set(err, EINVAL, VOLUME_MSG "the guest path must "
                              "be absolute, not /, without . or .. parts",
                              arg);
    if (opts->nr_shares == MICA_SHARES_MAX)
        return mica_error_set(err, E2BIG, VOLUME_MSG "too many shares (at "
                              "most %d)", arg, MICA_SHARES_MAX);
    for (i = 0; guest && i < opts->nr_shares; i++)
        if (strcmp(opts->shares[i].guest, guest) == 0)
            return mica_error_set(err, EEXIST, VOLUME_MSG "%s is already "
                                  "shared", arg, guest);
    return 0;
}

int options_volume_add(struct mica_options *opts, const char *arg,
                       struct mica_error *err)
{
    char *s = strdup(arg), *guest, *real = NULL;
    struct stat st;
    int rw, rc;

    if (s == NULL)
        return mica_error_set(err, ENOMEM, "out of memory");
    volume_split(s, &guest, &rw);
    rc = volume_check(opts, arg, s, guest, rw, err);
    if (rc == 0 && (real = realpath(s, NULL)) == NULL)
        rc = mica_error_sys(err, errno, VOLUME_MSG "%s", arg, s);
    if (rc == 0 && (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)))
        rc = mica_error_set(err, ENOTDIR, VOLUME_MSG "%s is not a directory",
                            arg, s);
    if (rc == 0 && guest == NULL)
        rc = volume_check(opts, arg, s, real, 0, err); /* "/" itself */
    if (rc == 0) {
        struct mica_share *sh = &opts->shares[opts->nr_shares];

        sh->guest = strdup(guest ? guest : real);
        if (sh->guest == NULL) {
            rc = mica_error_set(err, ENOMEM, "out of memory");
        } else {
            sh->host = real;
            sh->rw = rw;
            real = NULL;
            opts->nr_shares++;
        }
    }
    free(real);
    free(s);
    return rc;
}

/* -w DIR: absolute, no "." or ".." parts (the guest makes it). */
static int options_workdir_set(struct mica_options *opts, const char *arg,
                               struct mica_error *err)
{
    if (arg[0] != '/')
        return mica_error_set(err, EINVAL, "--workdir %s: must be an absolute path", arg);
    for (const char *p = arg; *p;) {
        while (*p == '/')
            p++;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return mica_error_set(err, EINVAL, "--workdir %s: no '.' or '..' parts", arg);
        p += n;
    }
    if (strlen(arg) >= 4096)
        return mica_error_set(err, ENAMETOOLONG, "--workdir: the path is too long");
    opts->workdir = arg;
    return 0;
}

/* --root DIR: an existing directory, kept as its realpath. */
static int options_root_set(struct mica_options *opts, const char *arg,
                            struct mica_error *err)
{
    struct stat st;
    char *real = realpath(arg, NULL);

    if (real == NULL)
        return mica_error_sys(err, errno, "--root %s", arg);
    if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
        free(real);
        return mica_error_set(err, ENOTDIR, "--root %s: not a directory", arg);
    }
    free(opts->root);
    opts->root = real;
    return 0;
}

#define TIMEOUT_MAX_S 4294967295.0 /* about 136 years: bounds the ms count */

int options_timeout_parse(const char *s, uint64_t *ms)
{
    double v, unit = 1;
    char *end;

    size_t digits = strspn(s, "0123456789.");
    const char *dot = memchr(s, '.', digits);

    /* plain decimals only: no sign, blanks, exponent, hex, inf or nan */
    if (digits == 0 || (dot && memchr(dot + 1, '.', digits - (size_t)(dot + 1 - s))) ||
        (digits == 1 && dot))
        return -EINVAL;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end != s + digits)
        return -ERANGE;
    if (*end != '\0') {
        if (end[1] != '\0')
            return -EINVAL;
        switch (*end) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return -EINVAL;
        }
    }
    v *= unit;
    if (!(v >= 0) || v > TIMEOUT_MAX_S)
        return -ERANGE;
    *ms = (uint64_t)(v * 1000);
    if ((double)*ms < v * 1000)
        (*ms)++; /* 0.0001 s is 1 ms, not no timeout */
    return 0;
}

static int options_timeout_set(struct mica_options *opts, const char *arg,
                               struct mica_error *err)
{
    int rc = options_timeout_parse(arg, &opts->timeout_ms);

    if (rc == -ERANGE)
        return mica_error_set(err, ERANGE, "--timeout %s: at most %.0f "
                              "seconds", arg, TIMEOUT_MAX_S);
    if (rc < 0)
        return mica_error_set(err, EINVAL, "--timeout %s: expected seconds "
                              "such as 2, 0.5 or 1.5m (s, m, h, d)", arg);
    return 0;
}

static int options_seccomp_set(struct mica_options *opts, const char *arg,
                               struct mica_error *err)
{
    if (strcmp(arg, "on") == 0)
        opts->seccomp_off = 0;
    else if (strcmp(arg, "off") == 0)
        opts->seccomp_off = 1;
    else
        return mica_error_set(err, EINVAL, "--seccomp %s: expected on or off",
                              arg);
    return 0;
}

static void options_defaults(struct mica_options *opts)
{
    const char *qemu = getenv("MICA_QEMU");

    memset(opts, 0, sizeof(*opts));
    opts->mem_size = MICA_MEM_DEFAULT;
    opts->cpus = 1;
    opts->host_root = -1;
    opts->qemu_path = qemu && qemu[0] ? qemu : MICA_QEMU_DEFAULT;
}

static int options_one(struct mica_options *opts, int c, const char *arg,
                       const char *word, struct mica_error *err)
{
    switch (c) {
    case 'e': return options_env_add(opts, arg, err);
    case 'v': opts->verbose = 1; return 0;
    case 't': opts->tty = 1; return 0;
    case 'i': opts->interactive = 1; return 0;
    case 'h': opts->help = 1; return 0;
    case 'V': return options_volume_add(opts, arg, err);
    case 'w': return options_workdir_set(opts, arg, err);
    case OPT_HOST_ROOT: opts->host_root = 1; return 0;
    case OPT_NO_HOST_ROOT: opts->host_root = 0; return 0;
    case OPT_ROOT: return options_root_set(opts, arg, err);
    case OPT_MEMORY: return options_memory_set(opts, arg, err);
    case OPT_KERNEL: opts->kernel_path = arg; return 0;
    case OPT_ENGINE: return options_engine_set(opts, arg, err);
    case OPT_PLATFORM: return options_platform_set(opts, arg, err);
    case OPT_CPUS: return options_cpus_set(opts, arg, err);
    case OPT_QEMU: opts->qemu_path = arg; return 0;
    case OPT_TIMEOUT: return options_timeout_set(opts, arg, err);
    case OPT_SECCOMP: return options_seccomp_set(opts, arg, err);
    case ':':
        return mica_error_set(err, EINVAL, "option '%s' needs a value", word);
    default:
        return mica_error_set(err, EINVAL, "unknown option '%s'", word);
    }
}

int options_parse(struct mica_options *opts, int argc, char **argv,
                  struct mica_error *err)
{
    int c, rc;

    options_defaults(opts);
    optind = 0; /* full re-initialisation of getopt (glibc) */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:e:vhtiV:w:", run_longopts, NULL)) != -1) {
        char word[8];
        const char *w = argv[optind - 1];

        if ((c == '?' || c == ':') && optopt > 0 && optopt < 256) {
            snprintf(word, sizeof(word), "-%c", optopt);
            w = word;
        }
        rc = options_one(opts, c, optarg, w, err);
        if (rc < 0) {
            options_free(opts);
            return rc;
        }
    }
    opts->prog_argc = argc - optind;
    opts->prog_argv = argv + optind;
    if (opts->prog_argc == 0 && !opts->help) {
        options_free(opts);
        return mica_error_set(err, EINVAL, "run: missing PROGRAM");
    }
    if (opts->root && opts->host_root == 1) {
        options_free(opts);
        return mica_error_set(err, EINVAL, "--root and --host-root exclude "
                              "each other: pick one root");
    }
    if (opts->platform != MICA_PLATFORM_CHOICE_AUTO &&
        opts->engine == MICA_ENGINE_QEMU) {
        options_free(opts);
        return mica_error_set(err, EINVAL,
                              "--platform applies to the kvm engine only");
    }
    return 0;
}

void options_free(struct mica_options *opts)
{
    size_t i;

    for (i = 0; i < opts->nr_env; i++)
        free(opts->env[i]);
    free(opts->env);
    opts->env = NULL;
    opts->nr_env = 0;
    for (i = 0; i < opts->nr_shares; i++) {
        free(opts->shares[i].host);
        free(opts->shares[i].guest);
    }
    opts->nr_shares = 0;
    free(opts->root);
    opts->root = NULL;
}
