/* mica VMM: host side of the console protocol (include/mica/console.h).
 *
 * Transport-independent: an engine feeds the bytes the guest sent, in any
 * pieces; the demuxer writes program output to the host's fds, records the
 * exit status and answers stdin requests through the engine's send hook.
 */
#ifndef MICA_VMM_CONMUX_H
#define MICA_VMM_CONMUX_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "mica/console.h"

struct conmux;

/* Send one host->guest record (header included) through the transport:
 * 0 on success, negative errno on failure. */
typedef int (*conmux_send_fn)(void *opaque, const void *rec, size_t len);

struct conmux {
    /* configuration */
    int out_fd, err_fd, in_fd; /* 1, 2, 0 by default */
    int verbose;
    int host_crlf; /* mica's text (log, panic) goes to a raw terminal:
                    * write "\r\n" for "\n" */
    conmux_send_fn send;
    void *send_opaque;
    /* record reassembly */
    uint8_t rec[MICA_CON_HDR_SIZE + MICA_CON_MAX_PAYLOAD];
    size_t have;
    /* state */
    uint64_t nr_records;
    uint32_t stdin_wanted; /* bytes of the pending STDIN_REQ, 0: none */
    int stdout_broken;
    int exited, exit_status;
    int panicked;
    int failed;      /* the run must stop with status 125: see err */
    int host_failed; /* ... because mica could not write its stdout */
    struct mica_error err;
};

void conmux_init(struct conmux *cm, int verbose, conmux_send_fn send,
                 void *opaque);

/* Feed guest bytes. Returns 0, or -EPROTO once the guest broke the protocol
 * (cm->err says how; later calls keep failing). If mica cannot write the
 * program's output (other than EPIPE), failed and host_failed are set and
 * the write's negative errno is returned. */
int conmux_feed(struct conmux *cm, const void *buf, size_t len);

/* Is a stdin request waiting for an answer? */
static inline int conmux_stdin_pending(const struct conmux *cm)
{
    return cm->stdin_wanted != 0;
}

/* Answer the pending stdin request: if in_fd is readable now, one read(2)
 * of it (so this never blocks on a terminal or a pipe), then a STDIN or
 * STDIN_EOF record through send. -EAGAIN/-EINTR: nothing was read, try
 * again later. */
int conmux_stdin_answer(struct conmux *cm);

/* Send a MICA_CON_WINSIZE record (mica run -t). rows and cols must be
 * 1..65535 (-EINVAL otherwise). A full in-ring drops the record (0): the
 * next resize sends a newer size anyway. -EPROTO if the in-ring is
 * unusable (the guest broke it; cm->err says so). */
int conmux_send_winsize(struct conmux *cm, unsigned rows, unsigned cols);

/* The status mica should exit with: 125 after a panic or a protocol error,
 * the EXIT record's status, or -1 when the guest has not reported one. */
int conmux_status(const struct conmux *cm);

/* Write all of buf to fd, retrying on EINTR, partial writes and EAGAIN. */
int conmux_write_full(int fd, const void *buf, size_t len);

#endif
