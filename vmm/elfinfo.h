/* mica VMM: is a file a runnable x86-64 Linux ELF executable? */
#ifndef MICA_VMM_ELFINFO_H
#define MICA_VMM_ELFINFO_H

#include <stdint.h>

#include "error.h"

struct elfinfo {
    uint64_t entry;
    int is_pie; /* ET_DYN */
    int has_interp; /* PT_INTERP: dynamically linked */
};

/* Inspect the open file fd (named path in messages). On failure the
 * error has status 126 and a one-line reason ("PATH: truncated ELF file"). */
int elfinfo_check_fd(int fd, const char *path, struct elfinfo *info,
                     struct mica_error *err);

#endif
