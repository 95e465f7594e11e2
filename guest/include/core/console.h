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

/* Block until stdin has data; returns bytes read (1..len) or 0 at EOF. */
size_t core_console_read(void *buf, size_t len);

/* Push buffered console output to the host now. */
void core_console_flush(void);

/* Kernel log line (shown by `mica run -v`); cheap no-op when not verbose. */
void core_log(const char *fmt, ...) __printf(1, 2);

/* Tell the host, when verbose, that a syscall is not implemented. */
void core_report_unimplemented(const char *name);

bool core_verbose(void);

#endif
