/* mica VMM: console rings in guest RAM shared with QEMU (qemu_ring.c). */
#ifndef MICA_VMM_QEMU_RING_H
#define MICA_VMM_QEMU_RING_H

#include <stdint.h>

#include "conmux.h"
#include "console_ring.h"
#include "error.h"

struct qemu_ring {
    int memfd;         /* guest RAM, shared with QEMU */
    uint64_t ring_gpa; /* where the rings live (mica.ring=) */
    void *map;         /* mica's mapping of the rings only */
    size_t map_len;
    struct console_ring cr;
    /* COM1 tokenizer state */
    uint8_t hdr[MICA_CON_HDR_SIZE];
    unsigned hdr_len;
    uint32_t rec_left;
    int pull_pending; /* the guest waits for a stdin answer */
    int rx_doorbell;  /* COM1 RX (QEMU's stdin): one byte after each answer
                         raises the guest's UART interrupt; -1: none */
};

int qemu_ring_create(struct qemu_ring *qr, uint64_t mem_size, struct mica_error *err);
void qemu_ring_destroy(struct qemu_ring *qr);
/* Feed COM1 bytes: doorbells drain the out-ring into cm; framed records
 * (an early panic) go to cm whole. Negative errno when cm fails. */
int qemu_ring_uart_feed(struct qemu_ring *qr, struct conmux *cm, const uint8_t *buf,
                        size_t len);
int qemu_ring_drain(struct qemu_ring *qr, struct conmux *cm);
/* conmux send hook: push a host->guest record into the in-ring. */
int qemu_ring_send(void *opaque, const void *rec, size_t len);

#endif
