/* mica VMM: building seccomp filters (sandbox.c, sandbox_kvm.c). */
#ifndef MICA_VMM_SANDBOX_INT_H
#define MICA_VMM_SANDBOX_INT_H

#include <seccomp.h>

#include "sandbox.h"

#define SANDBOX_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A filter whose default is the trap, with what every mica thread needs
 * and the n calls of the thread's own; installs the SIGSYS handler once. */
int sandbox_new(scmp_filter_ctx *out, const int *calls, size_t n,
                struct mica_error *err);
/* Rules; libseccomp's 0 or negative errno. */
int sandbox_allow(scmp_filter_ctx ctx, const int *calls, size_t n);
int sandbox_allow_ioctl(scmp_filter_ctx ctx, int fd, unsigned long cmd);
int sandbox_allow_kill(scmp_filter_ctx ctx, const pid_t *pids, size_t n);
int sandbox_allow_tty(scmp_filter_ctx ctx, int tty_fd);
/* Load ctx for the calling thread unless rc (from building it) is an
 * error; releases ctx. test_hook: then make a forbidden call. */
int sandbox_load(scmp_filter_ctx ctx, int rc, int test_hook,
                 struct mica_error *err);
/* MICA_TEST_SECCOMP_VIOLATE=1 is set. */
int sandbox_test_hook(void);

#endif
