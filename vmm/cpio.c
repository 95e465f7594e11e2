/* mica VMM: write a cpio "newc" archive into a growing memory buffer.
 *
 * Each entry is a 110-byte ASCII header (magic 070701 and thirteen 8-digit
 * hex fields), the NUL-terminated name padded so the data starts on a
 * 4-byte boundary, then the data padded to 4 bytes. The archive ends with
 * an entry named TRAILER!!!. Names are stored without a leading '/'.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpio.h"

#define CPIO_ALIGN(x) (((x) + 3u) & ~(size_t)3u)

void cpio_init(struct cpio *c)
{
    c->buf = NULL;
    c->len = 0;
    c->cap = 0;
    c->next_ino = 1;
}

static int cpio_reserve(struct cpio *c, size_t more)
{
    size_t cap = c->cap ? c->cap : 4096;
    uint8_t *grown;

    if (more > SIZE_MAX / 2 - c->len)
        return -ENOMEM;
    while (cap < c->len + more)
        cap *= 2;
    if (cap == c->cap)
        return 0;
    grown = realloc(c->buf, cap);
    if (grown == NULL)
        return -ENOMEM;
    c->buf = grown;
    c->cap = cap;
    return 0;
}

static void cpio_put_header(struct cpio *c, const struct cpio_entry *e,
                            size_t namesize, uint32_t ino)
{
    uint32_t nlink = S_ISDIR(e->mode) ? 2 : 1;
    char hdr[CPIO_NEWC_HDR_SIZE + 1];

    snprintf(hdr, sizeof(hdr),
             "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             CPIO_NEWC_MAGIC, ino, e->mode, e->uid, e->gid, nlink, e->mtime,
             e->size, 0u, 0u, 0u, 0u, (uint32_t)namesize, 0u);
    memcpy(c->buf + c->len, hdr, CPIO_NEWC_HDR_SIZE);
    c->len += CPIO_NEWC_HDR_SIZE;
}

int cpio_add(struct cpio *c, const struct cpio_entry *e)
{
    const char *name = e->name;
    size_t namesize, total, pad;
    int rc;

    while (*name == '/')
        name++;
    if (*name == '\0')
        name = ".";
    namesize = strlen(name) + 1;
    if (namesize > PATH_MAX)
        return -ENAMETOOLONG;
    total = CPIO_ALIGN(CPIO_NEWC_HDR_SIZE + namesize) + CPIO_ALIGN(e->size);
    rc = cpio_reserve(c, total);
    if (rc < 0)
        return rc;
    cpio_put_header(c, e, namesize, c->next_ino++);
    pad = CPIO_ALIGN(CPIO_NEWC_HDR_SIZE + namesize) - CPIO_NEWC_HDR_SIZE;
    memset(c->buf + c->len, 0, pad);
    memcpy(c->buf + c->len, name, namesize);
    c->len += pad;
    if (e->size)
        memcpy(c->buf + c->len, e->data, e->size);
    memset(c->buf + c->len + e->size, 0, CPIO_ALIGN(e->size) - e->size);
    c->len += CPIO_ALIGN(e->size);
    return 0;
}

int cpio_finish(struct cpio *c)
{
    struct cpio_entry trailer = { .name = CPIO_TRAILER, .mode = 0 };
    size_t namesize = sizeof(CPIO_TRAILER);
    size_t total = CPIO_ALIGN(CPIO_NEWC_HDR_SIZE + namesize);
    int rc = cpio_reserve(c, total);

    if (rc < 0)
        return rc;
    cpio_put_header(c, &trailer, namesize, 0);
    memset(c->buf + c->len, 0, total - CPIO_NEWC_HDR_SIZE);
    memcpy(c->buf + c->len, CPIO_TRAILER, namesize);
    c->len += total - CPIO_NEWC_HDR_SIZE;
    return 0;
}

void cpio_release(struct cpio *c)
{
    free(c->buf);
    cpio_init(c);
}
