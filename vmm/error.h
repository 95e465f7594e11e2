/* mica VMM error record: errno plus a message that gains context as it rises.
 *
 * Fallible VMM functions return 0 (or a count) on success and a negative
 * errno on failure, after filling a struct mica_error. Callers that pass the
 * failure up may prefix context with mica_error_wrap(). Only main() prints
 * the final message and exits with err->status.
 */
#ifndef MICA_VMM_ERROR_H
#define MICA_VMM_ERROR_H

#define MICA_ERROR_MSG_MAX 1024

/* Exit statuses, as shells report them. */
#define MICA_STATUS_ERROR 125      /* mica's own error, or a guest panic */
#define MICA_STATUS_NOEXEC 126     /* program found but not executable */
#define MICA_STATUS_NOTFOUND 127   /* program not found */

struct mica_error {
    int err;    /* positive errno */
    int status; /* exit status main() should use */
    char msg[MICA_ERROR_MSG_MAX];
};

void mica_error_init(struct mica_error *e);

/* Record a failure; returns -errnum (or -EIO if errnum is 0). */
int mica_error_set(struct mica_error *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same, with strerror(errnum) appended after ": ". */
int mica_error_sys(struct mica_error *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix "CONTEXT: " to the recorded message; returns -e->err. */
int mica_error_wrap(struct mica_error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Set the exit status the failure should produce; returns -e->err. */
int mica_error_status(struct mica_error *e, int status);

#endif
