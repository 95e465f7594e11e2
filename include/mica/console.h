/* mica console protocol: framed records between guest kernel and host.
 *
 * One ordered byte stream in each direction carries records:
 *
 *     u8 type | u8 flags (0) | u16 length (little endian) | length bytes
 *
 * Guest -> host: program stdout and stderr (one stream, so their order is
 * kept), kernel log text, the final exit status, stdin requests.
 * Host -> guest: stdin data and stdin end-of-file, only ever in answer to
 * a stdin request, so mica never reads more of its stdin than the guest
 * program asked for; and, with `mica run -t` only, terminal window sizes,
 * unsolicited (see MICA_CON_WINSIZE).
 *
 * Transports: under QEMU the stream runs over the COM1 UART (QEMU's
 * chardev is connected to pipes owned by mica); under mica's own VMM it
 * runs over two shared-memory rings (struct mica_console_rings) with a
 * doorbell port. The framing is the same, so one host-side demuxer serves
 * both engines.
 */
#ifndef MICA_CONSOLE_H
#define MICA_CONSOLE_H

#include <stdint.h>

#define MICA_CON_HDR_SIZE 4u
#define MICA_CON_MAX_PAYLOAD 4096u

enum mica_con_type {
    /* guest -> host */
    MICA_CON_STDOUT = 1,
    MICA_CON_STDERR = 2,
    MICA_CON_LOG = 3,       /* kernel log text (shown with -v) */
    MICA_CON_EXIT = 4,      /* payload: int32 status for mica to exit with */
    MICA_CON_STDIN_REQ = 5, /* payload: uint32 max bytes wanted */
    MICA_CON_PANIC = 6,     /* kernel panic text (always shown) */
    MICA_CON_UNIMPL = 7,    /* payload: syscall name (shown with -v) */
    /* host -> guest */
    MICA_CON_STDIN = 16,     /* stdin bytes (length may be 0 only with EOF) */
    MICA_CON_STDIN_EOF = 17, /* no payload */
    MICA_CON_WINSIZE = 18,   /* payload: u16 rows, u16 cols (LE); see below */
};

/* MICA_CON_WINSIZE: the host terminal's new window size. Sent only when the
 * command line has mica.tty (`mica run -t`), whenever mica gets SIGWINCH;
 * the size at boot is mica.winsize= instead. It is not an answer to
 * anything: it may arrive at any time, before or after any STDIN or
 * STDIN_EOF record (never inside one: records are pushed whole), including
 * while a STDIN_REQ is pending, so a guest reading its in-ring must take
 * it wherever it comes. Both numbers are >= 1. The guest updates its
 * terminal's winsize and sends SIGWINCH to its foreground process group,
 * as Linux does on TIOCSWINSZ. */
#define MICA_CON_WINSIZE_LEN 4u

/* Exit statuses the guest reports, as mica exits with them. */
#define MICA_EXIT_PANIC 125

/* Shared rings for MICA_CONSOLE_RING(_UART), at boot_info.console_gpa.
 * Indices are free-running uint32 byte counters; a ring's data area is
 * MICA_RING_SIZE bytes (a power of two). The producer writes data, then
 * publishes with a release store of its index; the consumer reads with an
 * acquire load. out: guest produces, host consumes. in: the reverse. */
#define MICA_RING_SIZE 0x10000u

struct mica_ring {
    volatile uint32_t prod; /* bytes ever produced */
    uint32_t pad0[15];      /* own cache line */
    volatile uint32_t cons; /* bytes ever consumed */
    uint32_t pad1[15];
    uint8_t data[MICA_RING_SIZE];
};

struct mica_console_rings {
    struct mica_ring out; /* guest -> host */
    struct mica_ring in;  /* host -> guest */
};

/* MICA_CONSOLE_RING_UART (the QEMU engine, whose guest RAM mica maps
 * too): the doorbells are single bytes written to COM1. */
#define MICA_DOORBELL_KICK 'K' /* the out-ring has new records */
#define MICA_DOORBELL_PULL 'P' /* answer my STDIN_REQ into the in-ring */

/* Waiting for stdin. A guest may wait synchronously: STDIN_REQ, then the
 * PULL doorbell (port MICA_PORT_CONSOLE_PULL, or 'P'), and the host answers
 * before it lets the guest go on (under KVM the vCPU stays in the VMM until
 * stdin is readable). Or asynchronously: STDIN_REQ, then the ordinary KICK
 * doorbell, and the guest goes on running; both engines answer into the
 * in-ring as soon as mica's stdin is readable, and the guest polls its
 * in-ring (on its timer ticks, say). Only one request is outstanding: a
 * new STDIN_REQ replaces an unanswered one. */

#endif
