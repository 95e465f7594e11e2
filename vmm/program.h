/* mica VMM: find the program to run, as execvp(3) would, and check it. */
#ifndef MICA_VMM_PROGRAM_H
#define MICA_VMM_PROGRAM_H

#include "elfinfo.h"
#include "error.h"

struct program {
    char *path; /* absolute, normalised: the same path inside the guest */
    int fd;     /* open read-only on the checked file */
    struct elfinfo elf;
};

/* Resolve NAME (with '/' relative to the cwd, else along $PATH), open it and
 * check it is a runnable static x86-64 ELF. Errors carry status 127 (not
 * found) or 126 (not executable). */
int program_resolve(struct program *prog, const char *name,
                    struct mica_error *err);
/* The same inside ROOT (mica run --root): a name without '/' along the
 * guest's usual bin directories, a path as a path from ROOT's top, every
 * symlink resolved within ROOT (openat2 RESOLVE_IN_ROOT). prog->path is
 * the path in the guest. */
int program_resolve_in(struct program *prog, const char *root,
                       const char *name, struct mica_error *err);
void program_release(struct program *prog);

/* Make PATH absolute against the cwd and normalise "." ".." and "//".
 * Returns a malloc'ed string or NULL on ENOMEM/getcwd failure. */
char *program_path_absolute(const char *path);

#endif
