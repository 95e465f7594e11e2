/* mica VMM error record: errno, exit status and a wrapped message. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

void mica_error_init(struct mica_error *e)
{
    e->err = 0;
    e->status = MICA_STATUS_ERROR;
    e->msg[0] = '\0';
}

static int error_vset(struct mica_error *e, int errnum, const char *fmt,
                      va_list ap)
{
    e->err = errnum > 0 ? errnum : EIO;
    e->status = MICA_STATUS_ERROR;
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    return -e->err;
}

int mica_error_set(struct mica_error *e, int errnum, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = error_vset(e, errnum, fmt, ap);
    va_end(ap);
    return rc;
}

int mica_error_sys(struct mica_error *e, int errnum, const char *fmt, ...)
{
    va_list ap;
    size_t len;
    int rc;

    va_start(ap, fmt);
    rc = error_vset(e, errnum, fmt, ap);
    va_end(ap);
    len = strlen(e->msg);
    snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", strerror(e->err));
    return rc;
}

int mica_error_wrap(struct mica_error *e, const char *fmt, ...)
{
    char ctx[MICA_ERROR_MSG_MAX];
    size_t clen, olen, room = sizeof(e->msg) - 1;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ctx, sizeof(ctx), fmt, ap);
    va_end(ap);
    clen = strlen(ctx);
    if (clen > room - 2)
        clen = room - 2;
    olen = strlen(e->msg);
    if (olen > room - clen - 2)
        olen = room - clen - 2; /* keep the context, cut the tail */
    memmove(e->msg + clen + 2, e->msg, olen);
    memcpy(e->msg, ctx, clen);
    memcpy(e->msg + clen, ": ", 2);
    e->msg[clen + 2 + olen] = '\0';
    if (e->err == 0)
        e->err = EIO;
    return -e->err;
}

int mica_error_status(struct mica_error *e, int status)
{
    e->status = status;
    return -(e->err ? e->err : EIO);
}
