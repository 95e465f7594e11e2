/* libFuzzer target: the console rings (devices/console_ring.c), the
 * QEMU engine's COM1 tokenizer beside them (vmm/qemu_ring.c) and the
 * record demultiplexer behind both (vmm/conmux.c).
 *
 * The input plays the guest kernel: it sets the shared ring indices to
 * anything, writes bytes into the out ring, and lets the host drain it
 * into conmux_feed (records of any type and length), sends COM1 bytes
 * (doorbells and early framed records, mixed), answer stdin
 * requests into the in ring (from /dev/zero) and push window sizes.
 * Checked beyond "no crash": a drain never hands on more than a ring's
 * worth, a reported exit status is 0..255, and once the demuxer has
 * failed it stays failed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conmux.h"
#include "console_ring.h"
#include "qemu_ring.h"

struct harness {
    struct conmux cm;
    size_t drained;
};

static struct qemu_ring qr; /* qr.cr: the rings' host state */
static struct mica_console_rings *shared;
static int null_fd = -1, zero_fd = -1;

static int sink(void *opaque, const uint8_t *buf, size_t len)
{
    struct harness *h = opaque;

    h->drained += len;
    return conmux_feed(&h->cm, buf, len);
}

static uint32_t take32(const uint8_t **p, size_t *n)
{
    uint32_t v = 0;
    size_t k = *n < 4 ? *n : 4;

    memcpy(&v, *p, k);
    *p += k;
    *n -= k;
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct harness h;
    int was_failed;
    uint32_t v, len, off;
    unsigned steps;

    if (shared == NULL) {
        shared = calloc(1, sizeof(*shared));
        null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
        if (shared == NULL || null_fd < 0 || zero_fd < 0)
            abort();
    }
    memset(shared, 0, sizeof(*shared));
    shared->out.cons = take32(&data, &size);
    shared->out.prod = shared->out.cons;
    shared->in.prod = shared->in.cons = take32(&data, &size);
    memset(&qr, 0, sizeof(qr));
    qr.rx_doorbell = -1;
    console_ring_init(&qr.cr, shared);
    conmux_init(&h.cm, 1, qemu_ring_send, &qr);
    h.cm.out_fd = h.cm.err_fd = null_fd;
    h.cm.in_fd = zero_fd;
    h.cm.host_crlf = size && (data[0] & 1);
    for (steps = 0; steps < 256 && size; steps++) {
        uint8_t op = *data++;

        size--;
        was_failed = h.cm.failed;
        if (op >= 0xf8) { /* COM1 bytes: doorbells, or a framed record */
            len = size ? *data++ : 0;
            size -= size ? 1 : 0;
            len = len < size ? len : (uint32_t)size;
            qemu_ring_uart_feed(&qr, &h.cm, data, len);
            data += len;
            size -= len;
            continue;
        }
        switch (op % 6) {
        case 0: /* the guest writes a record's bytes and publishes them */
            len = op >> 3;
            len = len < size ? len : (uint32_t)size;
            off = shared->out.prod;
            for (v = 0; v < len; v++)
                shared->out.data[(off + v) & (MICA_RING_SIZE - 1)] = data[v];
            data += len;
            size -= len;
            shared->out.prod = off + len;
            break;
        case 1: /* the guest sets an index to anything */
            v = take32(&data, &size);
            *((op & 8) ? &shared->out.prod : &shared->in.cons) = v;
            break;
        case 2: /* the guest consumes its in ring */
            shared->in.cons = shared->in.prod;
            break;
        case 3:
            h.drained = 0;
            console_ring_drain(&qr.cr, sink, &h);
            if (h.drained > MICA_RING_SIZE)
                abort();
            break;
        case 4:
            conmux_stdin_answer(&h.cm);
            break;
        default:
            conmux_send_winsize(&h.cm, op, (unsigned)op << 4);
            break;
        }
        if (was_failed && !h.cm.failed)
            abort();
        if (h.cm.exited && (h.cm.exit_status < 0 || h.cm.exit_status > 255))
            abort();
    }
    return 0;
}
