/* mica VMM: build the guest's initramfs (cpio newc) for one program. */
#ifndef MICA_VMM_INITRAMFS_H
#define MICA_VMM_INITRAMFS_H

#include "cpio.h"
#include "error.h"
#include "hostroot.h"
#include "libs.h"
#include "program.h"

/* Build a finished archive holding /tmp, /dev, /proc, /root, every parent
 * directory of prog->path, the program itself at prog->path, and the
 * symlinks and files of libs (NULL: none) with their parents. */
int initramfs_build(struct cpio *c, const struct program *prog,
                    const struct libs *libs, struct mica_error *err);
/* The same with, when root is not NULL, the host root's /home, /run and
 * /var directories and its links (hostroot.h); prog NULL leaves the
 * program out (the guest finds it in a share). */
int initramfs_build_root(struct cpio *c, const struct program *prog,
                         const struct libs *libs, const struct hostroot *root,
                         struct mica_error *err);

#endif
