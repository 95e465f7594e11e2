/* mica VMM: demultiplex the guest's console records.
 *
 * Records are "u8 type, u8 flags, u16 length (LE), payload". Bytes are
 * collected in cm->rec until a whole record is there; its header is checked
 * as soon as it is complete, so a bad type or an oversized length stops the
 * VM before any payload is buffered. A protocol error is reported once and
 * is final: the VM is stopped by the engine with status 125.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "conmux.h"

#define CONMUX_STDIN_CHUNK 4096u

void conmux_init(struct conmux *cm, int verbose, conmux_send_fn send,
                 void *opaque)
{
    memset(cm, 0, sizeof(*cm));
    cm->out_fd = 1;
    cm->err_fd = 2;
    cm->in_fd = 0;
    cm->verbose = verbose;
    cm->send = send;
    cm->send_opaque = opaque;
    mica_error_init(&cm->err);
}

int conmux_write_full(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };
    ssize_t n;

    while (len > 0) {
        n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            poll(&pfd, 1, -1); /* a non-blocking stdout: wait, then retry */
            continue;
        }
        if (n < 0)
            return -errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int conmux_fault(struct conmux *cm, const char *what, unsigned type,
                        unsigned len)
{
    if (!cm->failed)
        mica_error_set(&cm->err, EPROTO,
                       "guest broke the console protocol: %s (record type %u, "
                       "length %u, after %llu good records)",
                       what, type, len, (unsigned long long)cm->nr_records);
    cm->failed = 1;
    return -EPROTO;
}

/* mica's own stdout failed (disk full, ...): stop rather than lose output. */
static int conmux_host_fail(struct conmux *cm, int rc)
{
    mica_error_set(&cm->err, -rc, "cannot write the program's output: %s",
                   strerror(-rc));
    cm->failed = 1;
    cm->host_failed = 1;
    return rc;
}

static int conmux_out(struct conmux *cm, const uint8_t *p, size_t len)
{
    int rc;

    if (cm->stdout_broken)
        return 0;
    rc = conmux_write_full(cm->out_fd, p, len);
    if (rc == -EPIPE) {
        cm->stdout_broken = 1; /* the reader went away: drop the rest */
        return 0;
    }
    return rc < 0 ? conmux_host_fail(cm, rc) : 0;
}

/* stderr is best effort: there is nowhere left to report its failure. */
static int conmux_err(struct conmux *cm, const uint8_t *p, size_t len)
{
    conmux_write_full(cm->err_fd, p, len);
    return 0;
}

/* Text that mica shows as it is (the kernel's log and panic, mica's own
 * notes). A raw terminal does not turn "\n" into "\r\n": do it here. */
static int conmux_host_text(struct conmux *cm, const uint8_t *p, size_t len)
{
    const uint8_t *nl;

    if (!cm->host_crlf)
        return conmux_err(cm, p, len);
    while (len > 0 && (nl = memchr(p, '\n', len)) != NULL) {
        conmux_write_full(cm->err_fd, p, (size_t)(nl - p));
        conmux_write_full(cm->err_fd, "\r\n", 2);
        len -= (size_t)(nl - p) + 1;
        p = nl + 1;
    }
    return conmux_err(cm, p, len);
}

/* "mica: unimplemented syscall NAME", with NAME reduced to safe bytes. */
static int conmux_unimpl(struct conmux *cm, const uint8_t *p, size_t len)
{
    char line[128] = "mica: unimplemented syscall ";
    size_t n = strlen(line), i;

    if (!cm->verbose)
        return 0;
    for (i = 0; i < len && n < sizeof(line) - 2; i++)
        line[n++] = (p[i] >= 0x21 && p[i] < 0x7f) ? (char)p[i] : '?';
    line[n++] = '\n';
    return conmux_host_text(cm, (const uint8_t *)line, n);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int conmux_exit(struct conmux *cm, const uint8_t *p, size_t len)
{
    int32_t status;

    if (len != 4)
        return conmux_fault(cm, "EXIT payload is not 4 bytes", MICA_CON_EXIT,
                            (unsigned)len);
    status = (int32_t)le32(p);
    if (status < 0 || status > 255)
        return conmux_fault(cm, "exit status out of range 0..255",
                            MICA_CON_EXIT, (unsigned)len);
    cm->exited = 1;
    cm->exit_status = status;
    return 0;
}

static int conmux_stdin_req(struct conmux *cm, const uint8_t *p, size_t len)
{
    uint32_t want;

    if (len != 4)
        return conmux_fault(cm, "STDIN_REQ payload is not 4 bytes",
                            MICA_CON_STDIN_REQ, (unsigned)len);
    want = le32(p);
    if (want == 0)
        return conmux_fault(cm, "STDIN_REQ for 0 bytes", MICA_CON_STDIN_REQ,
                            (unsigned)len);
    cm->stdin_wanted = want; /* a repeated request replaces the first */
    return 0;
}

/* Act on one complete record. */
static int conmux_dispatch(struct conmux *cm, unsigned type,
                           const uint8_t *p, size_t len)
{
    switch (type) {
    case MICA_CON_STDOUT:
        return conmux_out(cm, p, len);
    case MICA_CON_STDERR:
        return conmux_err(cm, p, len);
    case MICA_CON_LOG:
        return cm->verbose ? conmux_host_text(cm, p, len) : 0;
    case MICA_CON_EXIT:
        return conmux_exit(cm, p, len);
    case MICA_CON_STDIN_REQ:
        return conmux_stdin_req(cm, p, len);
    case MICA_CON_PANIC:
        cm->panicked = 1;
        return conmux_host_text(cm, p, len);
    case MICA_CON_UNIMPL:
        return conmux_unimpl(cm, p, len);
    default:
        return conmux_fault(cm, "unknown record type", type, (unsigned)len);
    }
}

static int conmux_check_header(struct conmux *cm, unsigned type, unsigned len)
{
    if (type < MICA_CON_STDOUT || type > MICA_CON_UNIMPL)
        return conmux_fault(cm, "unknown record type", type, len);
    if (len > MICA_CON_MAX_PAYLOAD)
        return conmux_fault(cm, "record longer than the maximum payload",
                            type, len);
    return 0;
}

int conmux_feed(struct conmux *cm, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t need, take;
    unsigned type, rlen;
    int rc;

    if (cm->failed)
        return -EPROTO;
    while (len > 0) {
        need = MICA_CON_HDR_SIZE;
        if (cm->have >= MICA_CON_HDR_SIZE)
            need += (size_t)cm->rec[2] | (size_t)cm->rec[3] << 8;
        take = need - cm->have < len ? need - cm->have : len;
        memcpy(cm->rec + cm->have, p, take);
        cm->have += take;
        p += take;
        len -= take;
        if (cm->have < MICA_CON_HDR_SIZE)
            return 0;
        type = cm->rec[0];
        rlen = (unsigned)cm->rec[2] | (unsigned)cm->rec[3] << 8;
        if (cm->have == MICA_CON_HDR_SIZE &&
            (rc = conmux_check_header(cm, type, rlen)) < 0)
            return rc;
        if (cm->have < MICA_CON_HDR_SIZE + rlen)
            continue;
        cm->have = 0;
        rc = conmux_dispatch(cm, type, cm->rec + MICA_CON_HDR_SIZE, rlen);
        if (rc < 0)
            return rc;
        cm->nr_records++;
    }
    return 0;
}

int conmux_stdin_answer(struct conmux *cm)
{
    uint8_t rec[MICA_CON_HDR_SIZE + CONMUX_STDIN_CHUNK];
    size_t want = cm->stdin_wanted;
    ssize_t n;
    int rc;

    struct pollfd pfd = { .fd = cm->in_fd, .events = POLLIN };

    if (want == 0)
        return 0;
    if (want > CONMUX_STDIN_CHUNK)
        want = CONMUX_STDIN_CHUNK;
    /* Not readable (yet, or any more: another thread may have answered the
     * request that woke us): don't block, mica's stdin stays blocking. */
    n = poll(&pfd, 1, 0);
    if (n == 0 || (n < 0 && errno == EINTR))
        return n == 0 ? -EAGAIN : -EINTR;
    n = read(cm->in_fd, rec + MICA_CON_HDR_SIZE, want);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return -errno;
    if (n < 0)
        n = 0; /* an unreadable stdin reads as end of file */
    rec[0] = n > 0 ? MICA_CON_STDIN : MICA_CON_STDIN_EOF;
    rec[1] = 0;
    rec[2] = (uint8_t)(n & 0xff);
    rec[3] = (uint8_t)(n >> 8);
    cm->stdin_wanted = 0;
    rc = cm->send(cm->send_opaque, rec, MICA_CON_HDR_SIZE + (size_t)n);
    if (rc == -EPROTO || rc == -ENOSPC) /* the guest's in-ring is unusable */
        return conmux_fault(cm, rc == -ENOSPC ? "console in-ring full: the "
                            "guest does not consume its stdin"
                            : "console in-ring consumer index is out of range",
                            rec[0], (unsigned)n);
    return rc;
}

int conmux_send_winsize(struct conmux *cm, unsigned rows, unsigned cols)
{
    uint8_t rec[MICA_CON_HDR_SIZE + MICA_CON_WINSIZE_LEN] = {
        MICA_CON_WINSIZE, 0, MICA_CON_WINSIZE_LEN, 0,
        (uint8_t)rows, (uint8_t)(rows >> 8), (uint8_t)cols, (uint8_t)(cols >> 8),
    };
    int rc;

    if (rows == 0 || cols == 0 || rows > 0xffff || cols > 0xffff)
        return -EINVAL;
    if (cm->failed)
        return -EPROTO;
    rc = cm->send(cm->send_opaque, rec, sizeof(rec));
    if (rc == -ENOSPC)
        return 0; /* the guest is not reading now; a later size will do */
    if (rc == -EPROTO)
        return conmux_fault(cm, "console in-ring consumer index is out of "
                            "range", MICA_CON_WINSIZE, MICA_CON_WINSIZE_LEN);
    return rc;
}

int conmux_status(const struct conmux *cm)
{
    if (cm->failed || cm->panicked)
        return MICA_STATUS_ERROR;
    if (cm->exited)
        return cm->exit_status;
    return -1;
}
