/* mica VMM: the QEMU engine's console rings (MICA_CONSOLE_RING_UART).
 *
 * Guest RAM is a memfd that both QEMU (memory-backend-file, share=on) and
 * mica map, so the guest's console rings are the same shared-memory rings
 * as under the KVM engine (devices/console_ring.c), and COM1 carries only
 * one-byte doorbells: 'K' (records are waiting in the out-ring) and 'P'
 * (answer my stdin request into the in-ring). A kernel that panics before
 * its rings are up still writes framed records on COM1; the tokenizer
 * passes those through to the demuxer whole. This keeps QEMU's per-byte
 * UART cost off program output, and exercises the very ring code the KVM
 * engine uses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "qemu_ring.h"

#define RING_ALIGN (2ull << 20)

int qemu_ring_create(struct qemu_ring *qr, uint64_t mem_size, struct mica_error *err)
{
    memset(qr, 0, sizeof(*qr));
    qr->memfd = memfd_create("mica-guest-ram", MFD_CLOEXEC);
    if (qr->memfd < 0)
        return mica_error_sys(err, errno, "memfd_create (guest RAM)");
    if (ftruncate(qr->memfd, (off_t)mem_size) < 0)
        return mica_error_sys(err, errno, "cannot size guest RAM to %llu MiB",
                              (unsigned long long)(mem_size >> 20));
    /* the middle of RAM: clear of the kernel (1 MiB up) and the initramfs
     * (QEMU loads it at the top) */
    qr->ring_gpa = (mem_size / 2) & ~(RING_ALIGN - 1);
    qr->map_len = sizeof(struct mica_console_rings);
    qr->map = mmap(NULL, qr->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, qr->memfd,
                   (off_t)qr->ring_gpa);
    if (qr->map == MAP_FAILED) {
        qr->map = NULL;
        return mica_error_sys(err, errno, "cannot map the console rings");
    }
    console_ring_init(&qr->cr, qr->map);
    return 0;
}

void qemu_ring_destroy(struct qemu_ring *qr)
{
    if (qr->map)
        munmap(qr->map, qr->map_len);
    if (qr->memfd >= 0)
        close(qr->memfd);
    qr->map = NULL;
    qr->memfd = -1;
}

static int ring_sink(void *opaque, const uint8_t *buf, size_t len)
{
    return conmux_feed(opaque, buf, len);
}

int qemu_ring_drain(struct qemu_ring *qr, struct conmux *cm)
{
    int rc = console_ring_drain(&qr->cr, ring_sink, cm);
    if (rc == -EPROTO && !cm->failed) {
        cm->failed = 1;
        mica_error_set(&cm->err, EPROTO, "guest console ring indices are corrupt");
    }
    return rc;
}

/* conmux send hook: stdin records go into the in-ring. */
int qemu_ring_send(void *opaque, const void *rec, size_t len)
{
    struct qemu_ring *qr = opaque;
    int rc = console_ring_push(&qr->cr, rec, len);
    /* Wake the guest: a byte on COM1 RX raises its UART interrupt (it
     * drains and ignores the byte). A full pipe means a byte is already
     * waiting there, which wakes it just as well. */
    if (rc >= 0 && qr->rx_doorbell >= 0) {
        ssize_t n = write(qr->rx_doorbell, "I", 1);
        (void)n;
    }
    return rc;
}

/* Split the COM1 stream into doorbells and whole framed records. */
int qemu_ring_uart_feed(struct qemu_ring *qr, struct conmux *cm, const uint8_t *buf,
                        size_t len)
{
    int rc = 0;

    while (len > 0 && rc >= 0) {
        if (qr->rec_left > 0) { /* inside a framed record */
            size_t n = len < qr->rec_left ? len : qr->rec_left;
            rc = conmux_feed(cm, buf, n);
            qr->rec_left -= (uint32_t)n;
            buf += n;
            len -= n;
            continue;
        }
        if (qr->hdr_len == 0 && (*buf == MICA_DOORBELL_KICK || *buf == MICA_DOORBELL_PULL)) {
            rc = qemu_ring_drain(qr, cm);
            if (rc >= 0 && *buf == MICA_DOORBELL_PULL)
                qr->pull_pending = 1;
            buf++;
            len--;
            continue;
        }
        qr->hdr[qr->hdr_len++] = *buf++;
        len--;
        if (qr->hdr_len == MICA_CON_HDR_SIZE) {
            rc = conmux_feed(cm, qr->hdr, MICA_CON_HDR_SIZE);
            qr->rec_left = qr->hdr[2] | ((uint32_t)qr->hdr[3] << 8);
            qr->hdr_len = 0;
        }
    }
    return rc;
}
