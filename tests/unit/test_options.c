/* Unit tests for vmm/options.c: `mica run` option parsing. */
#define _GNU_SOURCE
#include <check.h>
#include "check_run.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "hostroot.h"
#include "options.h"

static int parse(struct mica_options *o, struct mica_error *e, char **argv)
{
    int argc = 0;

    while (argv[argc])
        argc++;
    mica_error_init(e);
    return options_parse(o, argc, argv, e);
}

/* A fresh directory with a symlink to it: --volume resolves HOST. */
static char vol_dir[64], vol_link[80];

static void vol_setup(void)
{
    strcpy(vol_dir, "/tmp/mica-opt-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(vol_dir));
    snprintf(vol_link, sizeof(vol_link), "%s/../%s.l", vol_dir,
             strrchr(vol_dir, '/') + 1);
    ck_assert_int_eq(symlink(vol_dir, vol_link), 0);
}

static void vol_teardown(void)
{
    unlink(vol_link);
    rmdir(vol_dir);
}

START_TEST(test_volume_forms)
{
    char a1[128], a2[128], a3[128], a4[128];
    char *argv[] = { "run", "-V", a1, "--volume", a2, "-V", a3,
                     "-V", a4, "p", NULL };
    struct mica_options o;
    struct mica_error e;

    vol_setup();
    snprintf(a1, sizeof(a1), "%s", vol_link);
    snprintf(a2, sizeof(a2), "%s:/data", vol_dir);
    snprintf(a3, sizeof(a3), "%s:/ro:ro", vol_link);
    snprintf(a4, sizeof(a4), "%s:/x/y:rw", vol_dir);
    ck_assert_int_eq(parse(&o, &e, argv), 0);
    ck_assert_uint_eq(o.nr_shares, 4);
    ck_assert_str_eq(o.shares[0].host, vol_dir);
    ck_assert_str_eq(o.shares[0].guest, vol_dir);
    ck_assert_str_eq(o.shares[1].guest, "/data");
    ck_assert_str_eq(o.shares[2].host, vol_dir);
    ck_assert_str_eq(o.shares[2].guest, "/ro");
    ck_assert_str_eq(o.shares[3].guest, "/x/y");
    ck_assert_int_eq(o.shares[2].rw, 0);
    ck_assert_int_eq(o.shares[3].rw, 1);
    ck_assert_str_eq(o.prog_argv[0], "p");
    options_free(&o);
    vol_teardown();
}
END_TEST

static void volume_fails(const char *arg, const char *msg_part, int errnum)
{
    char *argv[] = { "run", "-V", (char *)arg, "p", NULL };
    struct mica_options o;
    struct mica_error e;

    ck_assert_int_lt(parse(&o, &e, argv), 0);
    ck_assert_int_eq(e.err, errnum);
    ck_assert_msg(strstr(e.msg, msg_part) != NULL, "%s: %s", arg, e.msg);
    ck_assert_ptr_null(strchr(e.msg, '\n'));
}

START_TEST(test_volume_errors)
{
    char a[128];

    vol_setup();
    snprintf(a, sizeof(a), "%s:rel", vol_dir);
    volume_fails(a, "must be absolute", EINVAL);
    snprintf(a, sizeof(a), "%s:/", vol_dir);
    volume_fails(a, "must be absolute", EINVAL);
    snprintf(a, sizeof(a), "%s:/a/../b", vol_dir);
    volume_fails(a, "must be absolute", EINVAL);
    snprintf(a, sizeof(a), "%s:/a//b", vol_dir);
    volume_fails(a, "must be absolute", EINVAL);
    volume_fails("/nonexistent-mica-dir:/d", "No such file", ENOENT);
    volume_fails("/etc/os-release:/d", "not a directory", ENOTDIR);
    volume_fails(":/d", "expected HOST", EINVAL);
    volume_fails("/", "must be absolute", EINVAL);
    vol_teardown();
}
END_TEST

START_TEST(test_root)
{
    struct mica_options o;
    struct mica_error e;
    char *ok[] = {"run", "--root", "/tmp/../tmp", "sh", NULL};
    char *missing[] = {"run", "--root", "/nonexistent-mica-root", "sh", NULL};
    char *file[] = {"run", "--root", "/etc/os-release", "sh", NULL};
    char *both[] = {"run", "--root", "/tmp", "--host-root", "sh", NULL};

    ck_assert_int_eq(parse(&o, &e, ok), 0);
    ck_assert_str_eq(o.root, "/tmp");
    options_free(&o);
    ck_assert_ptr_null(o.root);
    ck_assert_int_lt(parse(&o, &e, missing), 0);
    ck_assert_int_eq(e.err, ENOENT);
    ck_assert_ptr_nonnull(strstr(e.msg, "--root /nonexistent-mica-root"));
    ck_assert_int_lt(parse(&o, &e, file), 0);
    ck_assert_int_eq(e.err, ENOTDIR);
    ck_assert_ptr_nonnull(strstr(e.msg, "not a directory"));
    ck_assert_int_lt(parse(&o, &e, both), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "exclude each other"));
}
END_TEST

START_TEST(test_workdir)
{
    struct mica_options o;
    struct mica_error e;
    char *ok[] = {"run", "-w", "/srv/app", "/bin/true", NULL};
    char *lng[] = {"run", "--workdir=/x", "/bin/true", NULL};
    char *rel[] = {"run", "-w", "srv", "/bin/true", NULL};
    char *dots[] = {"run", "-w", "/a/./b", "/bin/true", NULL};
    char *up[] = {"run", "-w", "/a/..", "/bin/true", NULL};
    char *none[] = {"run", "-w", NULL};
    char *after[] = {"run", "/bin/true", "-w", "/x", NULL};

    ck_assert_int_eq(parse(&o, &e, ok), 0);
    ck_assert_str_eq(o.workdir, "/srv/app");
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, lng), 0);
    ck_assert_str_eq(o.workdir, "/x");
    options_free(&o);
    ck_assert_int_lt(parse(&o, &e, rel), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "must be an absolute path"));
    options_free(&o);
    ck_assert_int_lt(parse(&o, &e, dots), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "no '.' or '..' parts"));
    options_free(&o);
    ck_assert_int_lt(parse(&o, &e, up), 0);
    options_free(&o);
    ck_assert_int_lt(parse(&o, &e, none), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "needs a value"));
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, after), 0); /* -w after PROGRAM is the program's */
    ck_assert_ptr_null(o.workdir);
    ck_assert_int_eq(o.prog_argc, 3);
    options_free(&o);
}
END_TEST

START_TEST(test_volume_limits)
{
    char a[MICA_SHARES_MAX + 2][96];
    char *argv[2 * (MICA_SHARES_MAX + 2) + 3];
    struct mica_options o;
    struct mica_error e;
    int i, n = 0;

    vol_setup();
    argv[n++] = "run";
    for (i = 0; i < MICA_SHARES_MAX + 1; i++) {
        snprintf(a[i], sizeof(a[i]), "%s:/s%d", vol_dir, i);
        argv[n++] = "-V";
        argv[n++] = a[i];
    }
    argv[n++] = "p";
    argv[n] = NULL;
    ck_assert_int_lt(parse(&o, &e, argv), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "too many shares"));
    snprintf(a[0], sizeof(a[0]), "%s:/same", vol_dir);
    snprintf(a[1], sizeof(a[1]), "%s:/same", vol_dir);
    argv[5] = "p";
    argv[6] = NULL;
    ck_assert_int_lt(parse(&o, &e, argv), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "already shared"));
    vol_teardown();
}
END_TEST

START_TEST(test_host_root_options)
{
    char *none[] = { "run", "p", NULL };
    char *on[] = { "run", "--no-host-root", "--host-root", "p", NULL };
    char *off[] = { "run", "--host-root", "--no-host-root", "p", NULL };
    struct mica_options o;
    struct mica_error e;

    ck_assert_int_eq(parse(&o, &e, none), 0);
    ck_assert_int_eq(o.host_root, -1); /* decided with the engine */
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, on), 0);
    ck_assert_int_eq(o.host_root, 1); /* the last one wins */
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, off), 0);
    ck_assert_int_eq(o.host_root, 0);
    options_free(&o);
}
END_TEST

/* The shares of a run: the host root's first, then --volume; the working
 * directory's share is the first to go when they do not all fit. */
START_TEST(test_host_root_build)
{
    char a[MICA_SHARES_MAX][96], *argv[2 * MICA_SHARES_MAX + 3];
    struct mica_options o;
    struct mica_error e;
    struct hostroot h;
    size_t i, base;
    int n = 0;

    vol_setup();
    ck_assert_int_eq(chdir(vol_dir), 0);
    argv[n++] = "run";
    argv[n++] = "p";
    argv[n] = NULL;
    ck_assert_int_eq(parse(&o, &e, argv), 0);
    ck_assert_int_eq(hostroot_build(&h, &o, 0, &e), 0);
    ck_assert_uint_eq(h.nr_shares, 0);
    ck_assert_ptr_null(h.cwd);
    hostroot_release(&h);
    ck_assert_int_eq(hostroot_build(&h, &o, 1, &e), 0);
    ck_assert_str_eq(h.shares[0].guest, "/usr");
    ck_assert(h.shares[0].filter);
    ck_assert_str_eq(h.shares[1].guest, "/etc");
    ck_assert(h.shares[1].filter);
    base = h.nr_shares - 1; /* the root's without the cwd's */
    ck_assert_str_eq(h.cwd, vol_dir);
    ck_assert_str_eq(h.shares[base].guest, vol_dir);
    ck_assert(!h.shares[base].filter);
    ck_assert_uint_le(base + h.nr_links, 6); /* usr etc bin sbin lib lib64 */
    ck_assert_str_eq(h.notice, "");
    hostroot_release(&h);
    options_free(&o);
    /* --volume up to the limit: the cwd's share goes, then an error */
    n = 1;
    for (i = 0; i + base < MICA_SHARES_MAX; i++) {
        snprintf(a[i], sizeof(a[i]), "%s:/s%zu", vol_dir, i);
        argv[n++] = "-V";
        argv[n++] = a[i];
    }
    argv[n++] = "p";
    argv[n] = NULL;
    ck_assert_int_eq(parse(&o, &e, argv), 0);
    ck_assert_int_eq(hostroot_build(&h, &o, 1, &e), 0);
    ck_assert_uint_eq(h.nr_shares, MICA_SHARES_MAX);
    ck_assert_ptr_null(h.cwd);
    ck_assert_ptr_nonnull(strstr(h.notice, "too many shares"));
    if (base < MICA_SHARES_MAX) /* after the root's */
        ck_assert_str_eq(h.shares[base].guest, "/s0");
    hostroot_release(&h);
    options_free(&o);
    if (base > 0) {
        snprintf(a[i], sizeof(a[i]), "%s:/s%zu", vol_dir, i);
        argv[n - 1] = "-V";
        argv[n++] = a[i];
        argv[n++] = "p";
        argv[n] = NULL;
        ck_assert_int_eq(parse(&o, &e, argv), 0);
        ck_assert_int_lt(hostroot_build(&h, &o, 1, &e), 0);
        ck_assert_ptr_nonnull(strstr(e.msg, "--no-host-root"));
        hostroot_release(&h);
        options_free(&o);
    }
    ck_assert_int_eq(chdir("/"), 0);
    vol_teardown();
}
END_TEST

START_TEST(test_defaults)
{
    char *argv[] = { "run", "prog", NULL };
    struct mica_options o;
    struct mica_error e;

    ck_assert_int_eq(parse(&o, &e, argv), 0);
    ck_assert_uint_eq(o.mem_size, 256ull << 20);
    ck_assert_int_eq(o.engine, MICA_ENGINE_AUTO);
    ck_assert_int_eq(o.platform, MICA_PLATFORM_CHOICE_AUTO);
    ck_assert_ptr_null(o.kernel_path);
    ck_assert_int_eq(o.prog_argc, 1);
    ck_assert_str_eq(o.prog_argv[0], "prog");
    options_free(&o);
}
END_TEST

START_TEST(test_stops_at_program)
{
    char *argv[] = { "run", "-v", "sh", "-c", "echo hi", "--memory", "x", NULL };
    struct mica_options o;
    struct mica_error e;

    ck_assert_int_eq(parse(&o, &e, argv), 0);
    ck_assert_int_eq(o.verbose, 1);
    ck_assert_int_eq(o.prog_argc, 5);
    ck_assert_str_eq(o.prog_argv[1], "-c");
    ck_assert_str_eq(o.prog_argv[3], "--memory");
    ck_assert_uint_eq(o.mem_size, 256ull << 20);
    options_free(&o);
}
END_TEST

START_TEST(test_memory_sizes)
{
    char *ok[] = { "run", "--memory", "1G", "p", NULL };
    char *mb[] = { "run", "--memory=16M", "p", NULL };
    char *small[] = { "run", "--memory", "8M", "p", NULL };
    char *big[] = { "run", "--memory", "65G", "p", NULL };
    char *bad[] = { "run", "--memory", "12Q", "p", NULL };
    char *odd[] = { "run", "--memory", "17000K", "p", NULL };
    struct mica_options o;
    struct mica_error e;

    ck_assert_int_eq(parse(&o, &e, ok), 0);
    ck_assert_uint_eq(o.mem_size, 1ull << 30);
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, mb), 0);
    ck_assert_uint_eq(o.mem_size, 16ull << 20);
    options_free(&o);
    ck_assert_int_lt(parse(&o, &e, small), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "between 16M and 64G"));
    ck_assert_int_lt(parse(&o, &e, big), 0);
    ck_assert_int_lt(parse(&o, &e, bad), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "--memory 12Q"));
    ck_assert_int_lt(parse(&o, &e, odd), 0);
    ck_assert_int_eq(e.status, 125);
}
END_TEST

START_TEST(test_size_parse)
{
    uint64_t v;

    ck_assert_int_eq(options_size_parse("4096", &v), 0);
    ck_assert_uint_eq(v, 4096);
    ck_assert_int_eq(options_size_parse("2k", &v), 0);
    ck_assert_uint_eq(v, 2048);
    ck_assert_int_lt(options_size_parse("", &v), 0);
    ck_assert_int_lt(options_size_parse("-1G", &v), 0);
    ck_assert_int_lt(options_size_parse("1GB", &v), 0);
    ck_assert_int_lt(options_size_parse("99999999999999999999", &v), 0);
    ck_assert_int_lt(options_size_parse("99999999999999G", &v), 0);
}
END_TEST

START_TEST(test_env)
{
    char *argv[] = { "run", "-e", "A=1", "--env", "B=2", "-e", "A=3",
                     "-e", "MICA_TEST_SET", "-e", "MICA_TEST_UNSET", "p", NULL };
    struct mica_options o;
    struct mica_error e;

    setenv("MICA_TEST_SET", "host value", 1);
    unsetenv("MICA_TEST_UNSET");
    ck_assert_int_eq(parse(&o, &e, argv), 0);
    ck_assert_uint_eq(o.nr_env, 3);
    ck_assert_str_eq(o.env[0], "B=2");
    ck_assert_str_eq(o.env[1], "A=3");
    ck_assert_str_eq(o.env[2], "MICA_TEST_SET=host value");
    options_free(&o);
}
END_TEST

START_TEST(test_env_bad)
{
    char *argv[] = { "run", "-e", "=x", "p", NULL };
    struct mica_options o;
    struct mica_error e;

    ck_assert_int_lt(parse(&o, &e, argv), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "NAME=VALUE"));
}
END_TEST

START_TEST(test_engine_platform_cpus)
{
    char *ok[] = { "run", "--engine", "kvm", "--platform", "ring0",
                   "--cpus", "1", "--kernel", "k.elf", "--qemu", "/q", "p", NULL };
    char *badeng[] = { "run", "--engine", "xen", "p", NULL };
    char *cpus[] = { "run", "--cpus", "2", "p", NULL };
    char *cpus0[] = { "run", "--cpus", "0", "p", NULL };
    char *cpus65[] = { "run", "--cpus", "65", "p", NULL };
    char *cpusx[] = { "run", "--cpus", "2x", "p", NULL };
    char *cpusneg[] = { "run", "--cpus", "-1", "p", NULL };
    char *mix[] = { "run", "--engine", "qemu", "--platform", "pvm", "p", NULL };
    struct mica_options o;
    struct mica_error e;

    ck_assert_int_eq(parse(&o, &e, ok), 0);
    ck_assert_int_eq(o.engine, MICA_ENGINE_KVM);
    ck_assert_int_eq(o.platform, MICA_PLATFORM_CHOICE_RING0);
    ck_assert_str_eq(o.kernel_path, "k.elf");
    ck_assert_str_eq(o.qemu_path, "/q");
    options_free(&o);
    ck_assert_int_lt(parse(&o, &e, badeng), 0);
    ck_assert_int_eq(parse(&o, &e, cpus), 0);
    ck_assert_uint_eq(o.cpus, 2);
    options_free(&o);
    ck_assert_int_lt(parse(&o, &e, cpus0), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "from 1 to 64"));
    ck_assert_int_lt(parse(&o, &e, cpus65), 0);
    ck_assert_int_lt(parse(&o, &e, cpusx), 0);
    ck_assert_int_lt(parse(&o, &e, cpusneg), 0);
    ck_assert_int_lt(parse(&o, &e, mix), 0);
}
END_TEST

START_TEST(test_errors)
{
    char *unknown[] = { "run", "--frobnicate", "p", NULL };
    char *shortu[] = { "run", "-x", "p", NULL };
    char *noarg[] = { "run", "--memory", NULL };
    char *noprog[] = { "run", "-v", NULL };
    char *help[] = { "run", "--help", NULL };
    struct mica_options o;
    struct mica_error e;

    ck_assert_int_lt(parse(&o, &e, unknown), 0);
    ck_assert_str_eq(e.msg, "unknown option '--frobnicate'");
    ck_assert_int_lt(parse(&o, &e, shortu), 0);
    ck_assert_str_eq(e.msg, "unknown option '-x'");
    ck_assert_int_lt(parse(&o, &e, noarg), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "needs a value"));
    ck_assert_int_lt(parse(&o, &e, noprog), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "missing PROGRAM"));
    ck_assert_int_eq(parse(&o, &e, help), 0);
    ck_assert_int_eq(o.help, 1);
    options_free(&o);
}
END_TEST

START_TEST(test_tty_interactive)
{
    char *it[] = { "run", "-it", "sh", NULL };
    char *ti[] = { "run", "-t", "-i", "-v", "sh", NULL };
    char *longs[] = { "run", "--tty", "--interactive", "sh", NULL };
    char *ionly[] = { "run", "-i", "sh", NULL };
    char *after[] = { "run", "sh", "-t", "-i", NULL };
    char *none[] = { "run", "sh", NULL };
    struct mica_options o;
    struct mica_error e;

    ck_assert_int_eq(parse(&o, &e, it), 0);
    ck_assert(o.tty && o.interactive);
    ck_assert_str_eq(o.prog_argv[0], "sh");
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, ti), 0);
    ck_assert(o.tty && o.interactive && o.verbose);
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, longs), 0);
    ck_assert(o.tty && o.interactive);
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, ionly), 0);
    ck_assert(!o.tty && o.interactive);
    options_free(&o);
    /* after PROGRAM they are the program's */
    ck_assert_int_eq(parse(&o, &e, after), 0);
    ck_assert(!o.tty && !o.interactive);
    ck_assert_int_eq(o.prog_argc, 3);
    ck_assert_str_eq(o.prog_argv[1], "-t");
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, none), 0);
    ck_assert(!o.tty && !o.interactive);
    options_free(&o);
    ck_assert_ptr_nonnull(strstr(options_run_usage, "-t, --tty"));
    ck_assert_ptr_nonnull(strstr(options_run_usage, "-i, --interactive"));
}
END_TEST

START_TEST(test_qemu_env)
{
    char *argv[] = { "run", "p", NULL };
    struct mica_options o;
    struct mica_error e;

    setenv("MICA_QEMU", "/opt/qemu", 1);
    ck_assert_int_eq(parse(&o, &e, argv), 0);
    ck_assert_str_eq(o.qemu_path, "/opt/qemu");
    options_free(&o);
}
END_TEST

START_TEST(test_timeout_parse)
{
    uint64_t ms;

    ck_assert_int_eq(options_timeout_parse("2", &ms), 0);
    ck_assert_uint_eq(ms, 2000);
    ck_assert_int_eq(options_timeout_parse("0.5", &ms), 0);
    ck_assert_uint_eq(ms, 500);
    ck_assert_int_eq(options_timeout_parse(".25s", &ms), 0);
    ck_assert_uint_eq(ms, 250);
    ck_assert_int_eq(options_timeout_parse("1.5m", &ms), 0);
    ck_assert_uint_eq(ms, 90000);
    ck_assert_int_eq(options_timeout_parse("2h", &ms), 0);
    ck_assert_uint_eq(ms, 7200000);
    ck_assert_int_eq(options_timeout_parse("1d", &ms), 0);
    ck_assert_uint_eq(ms, 86400000);
    ck_assert_int_eq(options_timeout_parse("0.0001", &ms), 0);
    ck_assert_uint_eq(ms, 1); /* rounded up: still a timeout */
    ck_assert_int_eq(options_timeout_parse("0", &ms), 0);
    ck_assert_uint_eq(ms, 0); /* as timeout(1): no timeout */
    ck_assert_int_lt(options_timeout_parse("", &ms), 0);
    ck_assert_int_lt(options_timeout_parse("-1", &ms), 0);
    ck_assert_int_lt(options_timeout_parse(" 1", &ms), 0);
    ck_assert_int_lt(options_timeout_parse("inf", &ms), 0);
    ck_assert_int_lt(options_timeout_parse("nan", &ms), 0);
    ck_assert_int_lt(options_timeout_parse("2x", &ms), 0);
    ck_assert_int_lt(options_timeout_parse("2ss", &ms), 0);
    ck_assert_int_lt(options_timeout_parse("0x10", &ms), 0);
    ck_assert_int_lt(options_timeout_parse("1e3", &ms), 0);
    ck_assert_int_lt(options_timeout_parse("1.2.3", &ms), 0);
    ck_assert_int_lt(options_timeout_parse(".", &ms), 0);
    ck_assert_int_eq(options_timeout_parse("5000000000", &ms), -ERANGE);
    ck_assert_int_eq(options_timeout_parse("4294967295", &ms), 0);
    ck_assert_uint_eq(ms, 4294967295000ull);
}
END_TEST

START_TEST(test_timeout_seccomp_options)
{
    char *argv[] = { "run", "--timeout", "1.5", "--seccomp=off", "p", NULL };
    char *on[] = { "run", "--seccomp", "off", "--seccomp=on", "p", NULL };
    char *bad[] = { "run", "--timeout", "soon", "p", NULL };
    char *neg[] = { "run", "--timeout=-3", "p", NULL };
    char *sbad[] = { "run", "--seccomp=maybe", "p", NULL };
    char *snone[] = { "run", "--seccomp", NULL };
    char *def[] = { "run", "p", NULL };
    struct mica_options o;
    struct mica_error e;

    ck_assert_int_eq(parse(&o, &e, def), 0);
    ck_assert_uint_eq(o.timeout_ms, 0);
    ck_assert_int_eq(o.seccomp_off, 0);
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, argv), 0);
    ck_assert_uint_eq(o.timeout_ms, 1500);
    ck_assert_int_eq(o.seccomp_off, 1);
    ck_assert_str_eq(o.prog_argv[0], "p");
    options_free(&o);
    ck_assert_int_eq(parse(&o, &e, on), 0);
    ck_assert_int_eq(o.seccomp_off, 0); /* the last one wins */
    options_free(&o);
    ck_assert_int_lt(parse(&o, &e, bad), 0);
    ck_assert_str_eq(e.msg, "--timeout soon: expected seconds such as 2, "
                     "0.5 or 1.5m (s, m, h, d)");
    ck_assert_int_eq(e.status, 125);
    ck_assert_int_lt(parse(&o, &e, neg), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "--timeout -3"));
    ck_assert_int_lt(parse(&o, &e, sbad), 0);
    ck_assert_str_eq(e.msg, "--seccomp maybe: expected on or off");
    ck_assert_int_lt(parse(&o, &e, snone), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "needs a value"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_stops_at_program);
    tcase_add_test(tc, test_memory_sizes);
    tcase_add_test(tc, test_size_parse);
    tcase_add_test(tc, test_env);
    tcase_add_test(tc, test_env_bad);
    tcase_add_test(tc, test_engine_platform_cpus);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_qemu_env);
    tcase_add_test(tc, test_tty_interactive);
    tcase_add_test(tc, test_volume_forms);
    tcase_add_test(tc, test_volume_errors);
    tcase_add_test(tc, test_workdir);
    tcase_add_test(tc, test_root);
    tcase_add_test(tc, test_volume_limits);
    tcase_add_test(tc, test_host_root_options);
    tcase_add_test(tc, test_host_root_build);
    tcase_add_test(tc, test_timeout_parse);
    tcase_add_test(tc, test_timeout_seccomp_options);
    suite_add_tcase(s, tc);
    return check_run(s);
}
