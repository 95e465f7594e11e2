/* mica VMM: the `mica run` command, in two steps so main() can print the
 * engine notice in between. */
#ifndef MICA_VMM_RUN_H
#define MICA_VMM_RUN_H

#include <signal.h>

#include "cpio.h"
#include "engine.h"
#include "hostroot.h"
#include "kernel_image.h"
#include "options.h"
#include "program.h"

struct run {
    const struct mica_options *opts;
    struct program prog;
    struct cpio initrd;
    struct kernel_image kernel;
    char *cmdline;
    struct hostroot root;         /* the shares served, links, cwd */
    enum mica_engine_kind engine; /* KVM or QEMU once chosen */
    char notice[MICA_ERROR_MSG_MAX + 128];             /* for main to print, or "" */
    int sigfd;
    sigset_t old_mask;
    int timed_out;                /* --timeout ended the run (status 124) */
};

/* Find and check the program, build the initramfs and the command line,
 * load the kernel image and choose the engine. */
int run_prepare(struct run *r, const struct mica_options *opts,
                struct mica_error *err);
/* Run the VM; *status is what mica exits with. */
int run_execute(struct run *r, int *status, struct mica_error *err);
void run_release(struct run *r);

#endif
