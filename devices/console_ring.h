/* mica devices: the console rings of include/mica/console.h, host side. */
#ifndef MICA_DEVICES_CONSOLE_RING_H
#define MICA_DEVICES_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>

#include "mica/console.h"

/* Host view of the rings in guest memory. The host keeps its own copy of
 * the indices it owns (out.cons, in.prod): the guest can scribble on the
 * shared copies, but never make the host read or write out of bounds. */
struct console_ring {
    struct mica_console_rings *shared;
    uint32_t out_cons; /* bytes of the out ring consumed by the host */
    uint32_t in_prod;  /* bytes of the in ring produced by the host */
};

/* Sink for drained bytes: returns 0 or a negative errno to stop. */
typedef int (*console_ring_sink)(void *opaque, const uint8_t *buf, size_t len);

void console_ring_init(struct console_ring *cr,
                       struct mica_console_rings *shared);

/* Pass every byte the guest has published in the out ring to sink, then
 * release the space. -EPROTO if the guest's index is impossible (more than
 * a ring's worth ahead of us); the sink's error otherwise. */
int console_ring_drain(struct console_ring *cr, console_ring_sink sink,
                       void *opaque);

/* Append len bytes to the in ring and publish them. -EPROTO if the guest's
 * consumer index is impossible, -ENOSPC if the ring has no room. */
int console_ring_push(struct console_ring *cr, const void *buf, size_t len);

#endif
