/* mica VMM: build the guest's initramfs (cpio newc) for one program. */
#ifndef MICA_VMM_INITRAMFS_H
#define MICA_VMM_INITRAMFS_H

#include "cpio.h"
#include "error.h"
#include "program.h"

/* Build a finished archive holding /tmp, /dev, /proc, /root, every parent
 * directory of prog->path and the program itself at prog->path. */
int initramfs_build(struct cpio *c, const struct program *prog,
                    struct mica_error *err);

#endif
