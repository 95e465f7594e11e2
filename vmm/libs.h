/* mica VMM: the files a dynamically linked program needs from the host:
 * its interpreter and its DT_NEEDED closure, with the symlinks on the way. */
#ifndef MICA_VMM_LIBS_H
#define MICA_VMM_LIBS_H

#include <stddef.h>

#include "error.h"

/* One path to copy into the guest: a symlink (target set) or a regular
 * file (target NULL). Every parent of path is a real directory on the
 * host, so the guest gets the host's layout by making them directories. */
struct libs_entry {
    char *path;
    char *target;
};

struct libs {
    const char *root;     /* host directory standing for "/" ("" = /) */
    struct libs_entry *v; /* symlinks before what they lead to */
    size_t n, cap;
    char **names;         /* DT_NEEDED names already resolved */
    size_t nnames;
};

void libs_init(struct libs *l, const char *root);
/* Add the interpreter of the ELF program open on fd (at guest path
 * prog_path) and every library it needs, found as ld.so finds them:
 * DT_RPATH (when there is no DT_RUNPATH), DT_RUNPATH, then the standard
 * directories; $ORIGIN is expanded. LD_LIBRARY_PATH and /etc/ld.so.cache
 * are not consulted. A static program adds nothing. A missing interpreter
 * or library fails with status 127 (as ld.so's "cannot open shared object
 * file" does), a malformed ELF file with 126. */
int libs_resolve(struct libs *l, const char *prog_path, int fd,
                 struct mica_error *err);
void libs_release(struct libs *l);

#endif
