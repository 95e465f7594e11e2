/* The console: program stdio and the kernel log, to the host.
 *
 * Whatever transport the platform has (UART framing under QEMU, shared
 * rings under mica's VMM), services see ordered record writes. */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <core/types.h>

#define CORE_STDOUT 1
#define CORE_STDERR 2

/* Write program output; returns len (the console never loses bytes). */
size_t core_console_write(int stream, const void *buf, size_t len);

/* Console input is asynchronous.
 * core_console_request(want) asks the host for up to `want` more bytes of
 * stdin; it does nothing while a request is outstanding or after end of
 * input. What arrives is handed to the input handler, from the timer
 * interrupt or the idle loop (like timers: it may wake tasks, not sleep),
 * with eof true once at the end. In terminal mode (mica run -t) the window
 * size arrives the same way, at boot and whenever it changes. */
typedef void (*core_console_input_fn)(const void *buf, size_t len, bool eof);
typedef void (*core_console_winsize_fn)(unsigned rows, unsigned cols);
void core_console_set_input_handler(core_console_input_fn fn);
void core_console_set_winsize_handler(core_console_winsize_fn fn);
void core_console_request(size_t want);
/* mica run -t: the console is a terminal (the service runs a line
 * discipline); rows and cols: the size mica found (0 when unknown). */
bool core_console_is_tty(unsigned *rows, unsigned *cols);

/* Push buffered console output to the host now. */
void core_console_flush(void);

/* Kernel log line (shown by `mica run -v`); cheap no-op when not verbose. */
void core_log(const char *fmt, ...) __printf(1, 2);

/* Tell the host, when verbose, that a syscall is not implemented. */
void core_report_unimplemented(const char *name);

bool core_verbose(void);

#endif
