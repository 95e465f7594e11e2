/* mica VMM: `mica run`: program, initramfs, command line, engine, VM. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "initramfs.h"
#include "run.h"
#include "term.h"

/* Room the kernel needs besides the initramfs (image, heap, page tables). */
#define RUN_MEM_RESERVE (12ull << 20)

static int run_build_cmdline(struct run *r, struct mica_error *err)
{
    struct cmdline_spec spec;
    int rc;

    memset(&spec, 0, sizeof(spec));
    rc = cmdline_spec_host(&spec, err);
    if (rc < 0)
        return rc;
    spec.path = r->prog.path;
    spec.argc = r->opts->prog_argc;
    spec.argv = r->opts->prog_argv;
    spec.user_env = r->opts->env;
    spec.nr_user_env = r->opts->nr_env;
    spec.verbose = r->opts->verbose;
    spec.shares = r->root.shares;
    spec.nr_shares = r->root.nr_shares;
    spec.cwd = r->opts->workdir ? r->opts->workdir : r->root.cwd;
    spec.tty = r->opts->tty;
    spec.cpus = r->opts->cpus;
    if (spec.tty && term_winsize(0, &spec.rows, &spec.cols) < 0)
        spec.rows = spec.cols = 0; /* size unknown: the guest picks one */
    return cmdline_build(&spec, &r->cmdline, err);
}

static int run_check_fit(struct run *r, struct mica_error *err)
{
    uint64_t need = r->initrd.len + r->kernel.size + RUN_MEM_RESERVE;

    /* The initramfs sits in the top half of RAM (the QEMU engine keeps its
     * console rings at the middle). */
    if (need <= r->opts->mem_size &&
        r->initrd.len + (1u << 20) <= r->opts->mem_size / 2)
        return 0;
    return mica_error_set(err, ENOMEM, "%s (%zu KiB) does not fit in %llu MiB "
                          "of guest memory; give a larger --memory",
                          r->prog.path, r->initrd.len >> 10,
                          (unsigned long long)(r->opts->mem_size >> 20));
}

/* Shares (--volume, --host-root, --root) and more than one vCPU tie the run to
 * the QEMU engine. */
static int run_needs_qemu(const struct mica_options *opts)
{
    return opts->nr_shares > 0 || opts->host_root == 1 || opts->root || opts->cpus > 1;
}

static const char *run_qemu_reason(const struct mica_options *opts)
{
    return opts->root ? "--root" : opts->nr_shares ? "--volume"
           : opts->host_root == 1 ? "--host-root" : "--cpus";
}

/* The engine run_choose_engine will pick, without its errors: the host
 * root is on by default with the QEMU engine only. */
static int run_host_root_on(const struct mica_options *opts)
{
    struct mica_error why;

    if (opts->root)
        return 0; /* the root is DIR */
    if (opts->host_root >= 0)
        return opts->host_root;
    if (opts->engine != MICA_ENGINE_AUTO)
        return opts->engine == MICA_ENGINE_QEMU;
    mica_error_init(&why);
    return opts->platform == MICA_PLATFORM_CHOICE_AUTO &&
           (opts->nr_shares > 0 || engine_kvm_probe(&why) < 0);
}

/* --engine auto: KVM when /dev/kvm works, else QEMU with a notice. */
static int run_choose_engine(struct run *r, struct mica_error *err)
{
    struct mica_error why;

    mica_error_init(&why);
    r->notice[0] = '\0';
    if (r->opts->engine == MICA_ENGINE_QEMU) {
        r->engine = MICA_ENGINE_QEMU;
        return 0;
    }
    if (run_needs_qemu(r->opts) &&
        (r->opts->engine == MICA_ENGINE_KVM ||
         r->opts->platform != MICA_PLATFORM_CHOICE_AUTO))
        return mica_error_set(err, ENOTSUP, "%s needs the qemu engine for "
                              "now; use --engine qemu", run_qemu_reason(r->opts));
    if (!run_needs_qemu(r->opts) && engine_kvm_probe(&why) == 0) {
        r->engine = MICA_ENGINE_KVM;
        return 0;
    }
    if (r->opts->engine == MICA_ENGINE_KVM)
        return mica_error_set(err, why.err, "--engine kvm: /dev/kvm not "
                              "available (%.900s); use --engine qemu, or load "
                              "kvm and check the permissions of /dev/kvm",
                              why.msg);
    if (r->opts->platform != MICA_PLATFORM_CHOICE_AUTO)
        return mica_error_set(err, why.err, "--platform needs the kvm engine, "
                              "but /dev/kvm is not available (%.900s); drop "
                              "--platform to use the QEMU engine", why.msg);
    r->engine = MICA_ENGINE_QEMU;
    if (run_needs_qemu(r->opts)) {
        snprintf(r->notice, sizeof(r->notice), "%s", r->opts->cpus > 1 &&
                 !r->opts->nr_shares ? "more than one vCPU needs the QEMU engine for "
                 "now; using it (slow)" : "host shares need the QEMU engine for now; "
                 "using it (slow)");
        return 0;
    }
    snprintf(r->notice, sizeof(r->notice), "/dev/kvm not available (%s); "
             "using the QEMU engine (slow)", why.msg);
    return 0;
}

/* Is the program's file visible in the guest through a share at the same
 * path (it then stays out of the initramfs)? */
static int run_prog_shared(const struct run *r)
{
    char *real = realpath(r->prog.path, NULL);
    size_t i, n;
    int shared = 0;

    for (i = 0; real && i < r->root.nr_shares; i++) {
        n = strlen(r->root.shares[i].guest);
        if (strcmp(r->root.shares[i].host, r->root.shares[i].guest) == 0 &&
            strncmp(real, r->root.shares[i].guest, n) == 0 && real[n] == '/')
            shared = 1;
    }
    free(real);
    return shared;
}

/* Without the host root a dynamic program brings its interpreter and
 * libraries along; with it, they come from the host's /usr. */
static int run_build_initrd(struct run *r, struct mica_error *err)
{
    int on = run_host_root_on(r->opts);
    struct libs libs;
    int rc = hostroot_build(&r->root, r->opts, on, err);

    if (rc < 0)
        return rc;
    if (r->opts->root) /* the program is in the root share */
        return initramfs_build_root(&r->initrd, NULL, NULL, &r->root, err);
    if (on)
        return initramfs_build_root(&r->initrd, run_prog_shared(r) ? NULL :
                                    &r->prog, NULL, &r->root, err);
    libs_init(&libs, "");
    if (r->prog.elf.has_interp)
        rc = libs_resolve(&libs, r->prog.path, r->prog.fd, err);
    if (rc == 0)
        rc = initramfs_build(&r->initrd, &r->prog, &libs, err);
    libs_release(&libs);
    return rc;
}

int run_prepare(struct run *r, const struct mica_options *opts,
                struct mica_error *err)
{
    int rc;

    memset(r, 0, sizeof(*r));
    r->opts = opts;
    r->prog.fd = -1;
    r->sigfd = -1;
    cpio_init(&r->initrd);
    if (opts->tty && (rc = term_check(0, err)) < 0)
        return rc;
    rc = opts->root ? program_resolve_in(&r->prog, opts->root, opts->prog_argv[0], err)
                    : program_resolve(&r->prog, opts->prog_argv[0], err);
    if (rc == 0)
        rc = run_build_initrd(r, err);
    if (rc == 0)
        rc = run_build_cmdline(r, err);
    if (rc == 0)
        rc = kernel_image_open(&r->kernel, opts->kernel_path, err);
    if (rc == 0)
        rc = run_check_fit(r, err);
    if (rc == 0)
        rc = run_choose_engine(r, err);
    return rc;
}

int run_execute(struct run *r, int *status, struct mica_error *err)
{
    struct vm_config cfg = {
        .opts = r->opts,
        .kernel = r->kernel.data,
        .kernel_size = r->kernel.size,
        .initrd = r->initrd.buf,
        .initrd_size = r->initrd.len,
        .cmdline = r->cmdline,
        .shares = r->root.shares,
        .nr_shares = r->root.nr_shares,
        .timed_out = &r->timed_out,
    };
    int rc;

    /* as timeout(1), the time counts from here, boot included */
    if (r->opts->timeout_ms)
        cfg.deadline_ms = engine_now_ms() + (int64_t)r->opts->timeout_ms;

    r->sigfd = engine_signals_open(&r->old_mask, r->opts->tty, err);
    if (r->sigfd < 0)
        return r->sigfd;
    cfg.sigfd = r->sigfd;
    cfg.tty_fd = -1;
    if (r->opts->tty) {
        /* after the signalfd: SIGINT/SIGTERM/SIGHUP from now on end the
         * run through the engine's loop, and run_release restores */
        rc = term_raw_enter(0, err);
        if (rc < 0)
            return mica_error_wrap(err, "-t");
        cfg.tty_fd = 0;
        cfg.tty_crlf = isatty(2);
    }
    if (r->engine == MICA_ENGINE_KVM)
        rc = engine_kvm_run(&cfg, status, err);
    else
        rc = engine_qemu_run(&cfg, status, err);
    return rc;
}

void run_release(struct run *r)
{
    term_restore(); /* before main prints an error on that terminal */
    if (r->sigfd >= 0) {
        close(r->sigfd);
        sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
    }
    r->sigfd = -1;
    program_release(&r->prog);
    cpio_release(&r->initrd);
    kernel_image_release(&r->kernel);
    free(r->cmdline);
    r->cmdline = NULL;
    hostroot_release(&r->root);
}
