/* mica VMM: build the guest kernel command line (include/mica/cmdline.h). */
#ifndef MICA_VMM_CMDLINE_H
#define MICA_VMM_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "options.h"

#define CMDLINE_SEED_BYTES 32

struct cmdline_spec {
    const char *path;        /* absolute program path in the guest */
    int argc;
    char *const *argv;       /* argv[0] as the user typed PROGRAM */
    char *const *user_env;   /* "NAME=VALUE" from -e, deduplicated */
    size_t nr_user_env;
    const char *term;        /* host $TERM or NULL */
    int verbose;
    unsigned cpus;           /* mica.cpus=, if more than 1 */
    int tty;                 /* -t: mica.tty */
    unsigned rows, cols;     /* with tty: mica.winsize=, if both are > 0 */
    const struct mica_share *shares; /* mica.mount=, tags mica0.. */
    size_t nr_shares;
    const char *cwd;         /* mica.cwd=, NULL for "/" */
    int panic_test;
    const char *fault_test; /* MICA_TEST_FAULT: core fault to provoke */
    uint64_t time_ns;
    uint8_t seed[CMDLINE_SEED_BYTES];
};

/* The virtio-fs tag of share i: "mica0", "mica1" ... */
#define CMDLINE_TAG_MAX 32
void cmdline_share_tag(char tag[CMDLINE_TAG_MAX], size_t i);

/* Fill time, seed, term and panic_test from the host. */
int cmdline_spec_host(struct cmdline_spec *spec, struct mica_error *err);

/* Percent-encode src into dst (may be NULL to count); returns the length. */
size_t cmdline_encode(char *dst, const char *src);

/* Build the command line into a malloc'ed NUL-terminated string; fails if it
 * would not fit in MICA_CMDLINE_MAX bytes. */
int cmdline_build(const struct cmdline_spec *spec, char **out,
                  struct mica_error *err);

#endif
