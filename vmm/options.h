/* mica VMM: the options of `mica run`. */
#ifndef MICA_VMM_OPTIONS_H
#define MICA_VMM_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define MICA_MEM_DEFAULT (256ull << 20)
#define MICA_MEM_MIN (16ull << 20)
#define MICA_MEM_MAX (64ull << 30)

enum mica_engine_kind { MICA_ENGINE_AUTO, MICA_ENGINE_KVM, MICA_ENGINE_QEMU };
enum mica_platform_choice {
    MICA_PLATFORM_CHOICE_AUTO,
    MICA_PLATFORM_CHOICE_PVM,
    MICA_PLATFORM_CHOICE_RING0,
};

/* A host directory shared with the guest (--volume, --root): read-only,
 * seen through a private overlay so the guest's writes vanish with the
 * VM; or, with :rw, mounted read-write and written through to the host. */
#define MICA_SHARES_MAX 6 /* virtio-mmio slots (8), two kept for later */
struct mica_share {
    char *host;  /* realpath of the host directory, owned */
    char *guest; /* absolute guest path, owned */
    int filter;  /* only what every host user may read (world_readable) */
    int rw;      /* writes go through to the host (no overlay) */
};

struct mica_options {
    uint64_t mem_size;       /* bytes, a multiple of 1 MiB */
    const char *kernel_path; /* NULL: the built-in kernel */
    const char *qemu_path;
    char **env;              /* "NAME=VALUE" from -e, in order, owned */
    size_t nr_env;
    int verbose;
    int help;
    int tty;                 /* -t: the guest gets a terminal (stdin's) */
    int interactive;         /* -i: accepted; stdin is always attached */
    unsigned cpus;
    enum mica_engine_kind engine;
    enum mica_platform_choice platform;
    struct mica_share shares[MICA_SHARES_MAX]; /* --volume, in order */
    size_t nr_shares;
    const char *workdir;     /* -w: the guest's working directory, or NULL */
    int host_root;           /* -1: with the QEMU engine, 0: off, 1: on */
    char *root;              /* --root: realpath of the guest's root, owned */
    uint64_t timeout_ms;     /* --timeout: end the VM after this, 0: never */
    int seccomp_off;         /* --seccomp=off: mica runs unconfined */
    int prog_argc;           /* PROGRAM and its arguments */
    char **prog_argv;
};

/* Parse `run` options: argv[0] is "run"; parsing stops at PROGRAM.
 * On success prog_argv points into argv. Failures have status 125. */
int options_parse(struct mica_options *opts, int argc, char **argv,
                  struct mica_error *err);
void options_free(struct mica_options *opts);

/* One --volume HOST[:GUEST][:ro|:rw] argument, added to opts->shares. */
int options_volume_add(struct mica_options *opts, const char *arg,
                       struct mica_error *err);

/* "256M", "1G", "65536K", "16777216": bytes; 0 on success. */
int options_size_parse(const char *s, uint64_t *out);

/* --timeout: "2", "0.5", "1.5m" (s, m, h, d as timeout(1)) into
 * milliseconds, rounded up; 0 means no timeout. 0 on success. */
int options_timeout_parse(const char *s, uint64_t *ms);

/* The help text of `mica run`. */
extern const char options_run_usage[];

#endif
