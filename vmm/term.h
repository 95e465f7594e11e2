/* mica VMM: the host terminal of `mica run -t`: checked, put in raw mode
 * for the session, and restored on every way out. */
#ifndef MICA_VMM_TERM_H
#define MICA_VMM_TERM_H

#include <termios.h>

#include "error.h"

/* -t needs a terminal on fd: 0, or an error (status 125) that says what fd
 * is instead and what to do. */
int term_check(int fd, struct mica_error *err);

/* The settings mica runs the terminal with: cfmakeraw(), so no echo, no
 * line editing, no signal characters, no input or output translation
 * (the guest's line discipline does all of that, ONLCR included). */
void term_make_raw(struct termios *t);

/* Save fd's settings and switch it to raw mode. From here until
 * term_restore() the saved settings come back however mica ends: a normal
 * return, exit() (atexit), or a crash signal (SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGABRT). One terminal at a time. */
int term_raw_enter(int fd, struct mica_error *err);

/* Put the saved settings back, once; later calls do nothing. Safe in a
 * signal handler. */
void term_restore(void);

/* The fd whose settings are held, or -1. */
int term_raw_fd(void);

/* fd's window size: 0, or a negative errno (also when the terminal does
 * not know its size: rows or cols 0). */
int term_winsize(int fd, unsigned *rows, unsigned *cols);

#endif
