/* mica VMM: an in-memory cpio (newc) archive writer. */
#ifndef MICA_VMM_CPIO_H
#define MICA_VMM_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_NEWC_MAGIC "070701"
#define CPIO_NEWC_HDR_SIZE 110u
#define CPIO_TRAILER "TRAILER!!!"

struct cpio {
    uint8_t *buf;
    size_t len, cap;
    uint32_t next_ino;
};

struct cpio_entry {
    const char *name; /* a leading '/' is dropped, as gen_init_cpio does */
    uint32_t mode;    /* file type and permission bits */
    uint32_t uid, gid;
    uint32_t mtime;
    const void *data; /* regular files only */
    uint32_t size;
};

void cpio_init(struct cpio *c);
/* Append one entry; -ENOMEM or -ENAMETOOLONG on failure. */
int cpio_add(struct cpio *c, const struct cpio_entry *e);
/* Append the TRAILER!!! entry: the archive is then complete. */
int cpio_finish(struct cpio *c);
void cpio_release(struct cpio *c);

#endif
