/* Console: framed records to the host (include/mica/console.h).
 *
 * Two transports carry the same byte stream: the COM1 UART (QEMU) and the
 * shared rings with a doorbell (mica's VMM). A record is written whole, so
 * stdout, stderr and log records never interleave inside a record. */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/console.h>
#include <core/dev.h>
#include <core/panic.h>
#include <core/time.h>
#include <lib/string.h>
#include <mica/console.h>
#include <mica/cmdline.h>

static struct mica_console_rings *rings;
static bool uart_doorbell; /* QEMU engine: doorbells are COM1 bytes */
static bool verbose;

/* Asynchronous input (core_console_request): at most one STDIN_REQ is
 * outstanding; answers are picked up by console_poll_input() from the
 * timer interrupt and the idle loop. */
static bool req_outstanding, input_eof;
static core_console_input_fn input_fn;
static core_console_winsize_fn winsize_fn;
static uint8_t urec[MICA_CON_HDR_SIZE + MICA_CON_MAX_PAYLOAD]; /* UART-only */
static size_t urec_have;

void console_init(void)
{
    if (boot_info.console == MICA_CONSOLE_UART)
        return;
    uint64_t end = boot_info.console_gpa + sizeof(*rings);
    if (boot_info.console_gpa & 4095 || end > frames_ram_end())
        core_panic("console rings at %#lx are not in RAM", boot_info.console_gpa);
    rings = phys_to_virt(boot_info.console_gpa);
    uart_doorbell = boot_info.console == MICA_CONSOLE_RING_UART;
}

static void doorbell(uint8_t which)
{
    if (uart_doorbell)
        uart_putc(which);
    else
        outb(which == MICA_DOORBELL_KICK ? MICA_PORT_CONSOLE_KICK : MICA_PORT_CONSOLE_PULL,
             0);
}

/* Wait for the host to move the other index. A full out-ring rings again
 * about every millisecond in case the host missed it; a stdin pull is
 * answered exactly once, so it rings once. */
static void wait_host(volatile uint32_t *idx, uint32_t old, uint8_t which)
{
    uint64_t next = core_time_monotonic_ns() + 1000000;
    doorbell(which);
    while (__atomic_load_n(idx, __ATOMIC_ACQUIRE) == old) {
        cpu_relax();
        if (which == MICA_DOORBELL_KICK && core_time_monotonic_ns() > next) {
            doorbell(which);
            next += 1000000;
        }
    }
}

static void ring_put(const uint8_t *p, size_t n)
{
    struct mica_ring *r = &rings->out;
    while (n) {
        uint32_t prod = r->prod;
        uint32_t space = MICA_RING_SIZE - (prod - __atomic_load_n(&r->cons, __ATOMIC_ACQUIRE));
        if (space == 0) { /* full: wake the host and wait for it to drain */
            wait_host(&r->cons, r->cons, MICA_DOORBELL_KICK);
            continue;
        }
        size_t chunk = n < space ? n : space;
        size_t at = prod & (MICA_RING_SIZE - 1), first = MICA_RING_SIZE - at;
        if (first > chunk)
            first = chunk;
        memcpy((uint8_t *)r->data + at, p, first); /* up to the wrap, */
        memcpy((uint8_t *)r->data, p + first, chunk - first); /* then from 0 */
        __atomic_store_n(&r->prod, prod + (uint32_t)chunk, __ATOMIC_RELEASE);
        p += chunk;
        n -= chunk;
    }
}

static void stream_put(const void *buf, size_t n)
{
    const uint8_t *p = buf;
    if (rings) {
        ring_put(p, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        uart_putc(p[i]);
}

static void stream_kick(void)
{
    if (rings)
        doorbell(MICA_DOORBELL_KICK);
}

static void record_put(uint8_t type, const void *payload, size_t len)
{
    const uint8_t *p = payload;
    do {
        size_t n = len < MICA_CON_MAX_PAYLOAD ? len : MICA_CON_MAX_PAYLOAD;
        uint8_t hdr[MICA_CON_HDR_SIZE] = {type, 0, (uint8_t)n, (uint8_t)(n >> 8)};
        stream_put(hdr, sizeof(hdr));
        stream_put(p, n);
        p += n;
        len -= n;
    } while (len);
}

size_t core_console_write(int stream, const void *buf, size_t len)
{
    if (len == 0)
        return 0;
    record_put(stream == CORE_STDERR ? MICA_CON_STDERR : MICA_CON_STDOUT, buf, len);
    stream_kick();
    return len;
}

void core_console_flush(void)
{
    stream_kick();
}

void core_console_set_input_handler(core_console_input_fn fn)
{
    input_fn = fn;
}

void core_console_set_winsize_handler(core_console_winsize_fn fn)
{
    winsize_fn = fn;
}

void core_console_request(size_t want)
{
    if (req_outstanding || input_eof || want == 0)
        return;
    uint32_t w = want > MICA_CON_MAX_PAYLOAD ? MICA_CON_MAX_PAYLOAD : (uint32_t)want;
    req_outstanding = true;
    record_put(MICA_CON_STDIN_REQ, &w, sizeof(w));
    stream_kick();
}

/* Under mica's QEMU engine the host follows each answer with a byte on
 * COM1 RX (qemu_ring.c): its interrupt tells us the ring has input, and
 * no polling is needed. Without it (no IOAPIC, other hosts) the timer
 * and idle loop poll while an answer is owed. */
static bool rx_irq;

static void uart_rx_irq(void *arg)
{
    uint8_t c;
    while (uart_poll(&c)) /* the doorbell bytes carry nothing */
        ;
    console_poll_input();
}

void console_irq_init(void)
{
    if (!uart_doorbell || core_irq_register(MICA_COM1_IRQ, uart_rx_irq, NULL))
        return;
    uart_enable_rx_irq();
    rx_irq = true;
}

bool console_input_needs_poll(void)
{
    return req_outstanding && !rx_irq;
}

static void input_record(const uint8_t *hdr, const uint8_t *payload)
{
    size_t n = hdr[2] | ((size_t)hdr[3] << 8);
    switch (hdr[0]) {
    case MICA_CON_STDIN:
    case MICA_CON_STDIN_EOF:
        req_outstanding = false;
        if (hdr[0] == MICA_CON_STDIN_EOF || n == 0)
            input_eof = true;
        if (input_fn)
            input_fn(payload, n, input_eof);
        return;
    case MICA_CON_WINSIZE:
        if (n == MICA_CON_WINSIZE_LEN && winsize_fn)
            winsize_fn(payload[0] | payload[1] << 8, payload[2] | payload[3] << 8);
        return;
    default:
        core_panic("console: bad record from host (type %u, length %zu)", hdr[0], n);
    }
}

/* Whole records only: the host publishes each record at once. */
static void poll_ring(void)
{
    struct mica_ring *r = &rings->in;
    static uint8_t payload[MICA_CON_MAX_PAYLOAD];
    for (;;) {
        uint32_t avail = __atomic_load_n(&r->prod, __ATOMIC_ACQUIRE) - r->cons;
        if (avail < MICA_CON_HDR_SIZE)
            return;
        uint8_t hdr[MICA_CON_HDR_SIZE];
        for (unsigned i = 0; i < MICA_CON_HDR_SIZE; i++)
            hdr[i] = r->data[(r->cons + i) & (MICA_RING_SIZE - 1)];
        size_t n = hdr[2] | ((size_t)hdr[3] << 8);
        if (n > MICA_CON_MAX_PAYLOAD)
            core_panic("console: host record of %zu bytes", n);
        if (avail < MICA_CON_HDR_SIZE + n)
            return;
        for (size_t i = 0; i < n; i++)
            payload[i] = r->data[(r->cons + MICA_CON_HDR_SIZE + i) & (MICA_RING_SIZE - 1)];
        __atomic_store_n(&r->cons, r->cons + MICA_CON_HDR_SIZE + (uint32_t)n,
                         __ATOMIC_RELEASE);
        input_record(hdr, payload);
    }
}

static void poll_uart(void)
{
    while (uart_poll(&urec[urec_have])) {
        urec_have++;
        if (urec_have < MICA_CON_HDR_SIZE)
            continue;
        size_t n = urec[2] | ((size_t)urec[3] << 8);
        if (n > MICA_CON_MAX_PAYLOAD)
            core_panic("console: host record of %zu bytes", n);
        if (urec_have == MICA_CON_HDR_SIZE + n) {
            urec_have = 0;
            input_record(urec, urec + MICA_CON_HDR_SIZE);
        }
    }
}

void console_poll_input(void)
{
    if (rings)
        poll_ring();
    else
        poll_uart();
}

static bool is_tty;
static unsigned tty_rows, tty_cols;

void console_configure(const char *cmdline)
{
    verbose = cmdline_find(cmdline, "mica.verbose") != NULL;
    is_tty = cmdline_find(cmdline, MICA_CMDLINE_TTY) != NULL;
    const char *ws = cmdline_find(cmdline, MICA_CMDLINE_WINSIZE);
    if (ws) {
        char *end;
        unsigned long r = strtoul(ws, &end, 10);
        if (*end == 'x') {
            unsigned long c = strtoul(end + 1, NULL, 10);
            if (r && c && r < 65536 && c < 65536)
                tty_rows = (unsigned)r, tty_cols = (unsigned)c;
        }
    }
}

bool core_console_is_tty(unsigned *rows, unsigned *cols)
{
    *rows = tty_rows;
    *cols = tty_cols;
    return is_tty;
}

bool core_verbose(void)
{
    return verbose;
}

void core_log(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    if (!verbose)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    record_put(MICA_CON_LOG, buf, (size_t)n);
    stream_kick();
}

void core_report_unimplemented(const char *name)
{
    if (!verbose)
        return;
    record_put(MICA_CON_UNIMPL, name, strlen(name));
    stream_kick();
}

void console_panic_write(const char *s, size_t len)
{
    record_put(MICA_CON_PANIC, s, len);
    stream_kick();
}

void console_exit_record(int status)
{
    int32_t s = status;
    record_put(MICA_CON_EXIT, &s, sizeof(s));
    stream_kick();
}
