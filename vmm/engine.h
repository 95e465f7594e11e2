/* mica VMM: what an engine needs to run one VM, and the engines. */
#ifndef MICA_VMM_ENGINE_H
#define MICA_VMM_ENGINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "conmux.h"
#include "error.h"
#include "options.h"

struct vm_config {
    const struct mica_options *opts;
    const uint8_t *kernel; /* the guest kernel ELF image */
    size_t kernel_size;
    const uint8_t *initrd; /* cpio newc archive */
    size_t initrd_size;
    const char *cmdline;
    const struct mica_share *shares; /* served as tags mica0.. (QEMU only) */
    size_t nr_shares;
    int sigfd; /* signalfd for SIGINT/SIGTERM/SIGHUP, and SIGWINCH with
                * -t (blocked) */
    int tty_fd;      /* -t: the host terminal (in raw mode), else -1 */
    int tty_crlf;    /* -t and stderr is a terminal: mica's own text there
                      * needs "\r\n" */
    int64_t deadline_ms; /* --timeout: engine_now_ms() at which the VM
                          * ends with status 124, or 0 */
    int *timed_out;      /* set to 1 when the deadline ended the run */
};

/* MICA_STATUS_TIMEOUT, as timeout(1) */
#define MICA_STATUS_TIMEOUT 124

/* Each engine runs the VM to its end and sets *status to what mica exits
 * with (the program's status, 128+N for a forwarded signal N, 125 for a
 * guest panic or misbehaviour). A negative return is a mica failure. */
int engine_qemu_run(const struct vm_config *cfg, int *status,
                    struct mica_error *err);
int engine_kvm_run(const struct vm_config *cfg, int *status,
                   struct mica_error *err);

/* Can the KVM engine work here? 0, or an error whose message is the
 * reason ("/dev/kvm: No such file or directory"). */
int engine_kvm_probe(struct mica_error *err);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t engine_now_ms(void);

/* A poll timeout: wait_ms (-1: forever) cut down to what is left until
 * the --timeout deadline. */
int engine_poll_ms(const struct vm_config *cfg, int wait_ms);

/* Has the --timeout deadline passed? */
int engine_deadline_passed(const struct vm_config *cfg);

/* Block SIGINT/SIGTERM/SIGHUP (and SIGWINCH if winch) and return a
 * signalfd for them; *old gets the previous mask (a child restores it
 * before exec). */
int engine_signals_open(sigset_t *old, int winch, struct mica_error *err);

/* Read one pending signal from the signalfd: its number, or 0. */
int engine_signal_read(int sigfd);

/* Read the pending signals until one that ends the run (not SIGWINCH):
 * its number, or 0. For the end of a run, where a resize no longer
 * matters. */
int engine_signal_read_stop(int sigfd);

/* Set up an engine's demuxer for this run (-t: host text gets "\r\n"). */
void engine_conmux_setup(struct conmux *cm, const struct vm_config *cfg);

/* SIGWINCH: send the terminal's new size to the guest, with the caller's
 * console lock held. 0 (also when the size is unknown), or -EPROTO when
 * the guest broke its in-ring (cm->err says how). */
int engine_winsize_send(struct conmux *cm);

#endif
