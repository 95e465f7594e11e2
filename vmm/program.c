/* mica VMM: resolve PROGRAM like execvp(3) and check it can run in mica.
 *
 * A name with a '/' is taken as a path (relative to the cwd); otherwise
 * each $PATH entry is tried in order and the first executable regular file
 * wins, as the shell does. The file is kept open so the checked file is the
 * one copied into the guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "program.h"

#define PROGRAM_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* Append component [s, s+len) to the normalised path in out (length *olen). */
static void path_push(char *out, size_t *olen, const char *s, size_t len)
{
    if (len == 0 || (len == 1 && s[0] == '.'))
        return;
    if (len == 2 && s[0] == '.' && s[1] == '.') {
        while (*olen > 0 && out[*olen - 1] != '/')
            (*olen)--;
        if (*olen > 0)
            (*olen)--; /* drop the slash, never above the root */
        return;
    }
    out[(*olen)++] = '/';
    memcpy(out + *olen, s, len);
    *olen += len;
}

static char *path_normalise(const char *abs)
{
    size_t olen = 0, n = strlen(abs);
    char *out = malloc(n + 2);
    const char *p = abs, *slash;

    if (out == NULL)
        return NULL;
    while (*p) {
        while (*p == '/')
            p++;
        slash = strchrnul(p, '/');
        path_push(out, &olen, p, (size_t)(slash - p));
        p = slash;
    }
    if (olen == 0)
        out[olen++] = '/';
    out[olen] = '\0';
    return out;
}

char *program_path_absolute(const char *path)
{
    char *cwd, *joined, *norm;

    if (path[0] == '/')
        return path_normalise(path);
    cwd = getcwd(NULL, 0);
    if (cwd == NULL)
        return NULL;
    if (asprintf(&joined, "%s/%s", cwd, path) < 0)
        joined = NULL;
    free(cwd);
    if (joined == NULL)
        return NULL;
    norm = path_normalise(joined);
    free(joined);
    return norm;
}

static int program_not_found(const char *name, struct mica_error *err)
{
    mica_error_set(err, ENOENT, "%s: No such file or directory", name);
    return mica_error_status(err, MICA_STATUS_NOTFOUND);
}

static int program_noexec(const char *path, int errnum, const char *reason,
                          struct mica_error *err)
{
    mica_error_set(err, errnum, "%s: %s", path, reason);
    return mica_error_status(err, MICA_STATUS_NOEXEC);
}

static int candidate_executable(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           access(path, X_OK) == 0;
}

/* Walk $PATH; *out is the first executable hit, or the first existing
 * non-executable candidate (so the caller reports 126, as shells do). */
static int program_search(const char *name, char **out, struct mica_error *err)
{
    const char *env = getenv("PATH"), *p, *colon;
    char *cand, *fallback = NULL;

    for (p = env ? env : PROGRAM_DEFAULT_PATH;; p = colon + 1) {
        colon = strchrnul(p, ':');
        if (asprintf(&cand, "%.*s%s%s", (int)(colon - p), p,
                     colon == p ? "" : "/", name) < 0)
            return mica_error_set(err, ENOMEM, "out of memory");
        if (candidate_executable(cand)) {
            free(fallback);
            *out = cand;
            return 0;
        }
        if (fallback == NULL && access(cand, F_OK) == 0)
            fallback = cand;
        else
            free(cand);
        if (*colon == '\0')
            break;
    }
    if (fallback == NULL)
        return program_not_found(name, err);
    *out = fallback;
    return 0;
}

static int program_open(struct program *prog, const char *name,
                        struct mica_error *err)
{
    struct stat st;

    if (stat(prog->path, &st) < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return program_not_found(name, err);
        return program_noexec(prog->path, errno, strerror(errno), err);
    }
    if (S_ISDIR(st.st_mode))
        return program_noexec(prog->path, EISDIR, "Is a directory", err);
    if (!S_ISREG(st.st_mode))
        return program_noexec(prog->path, EACCES, "not a regular file", err);
    if ((st.st_mode & 0111) == 0 || access(prog->path, X_OK) < 0)
        return program_noexec(prog->path, EACCES, "Permission denied", err);
    prog->fd = open(prog->path, O_RDONLY | O_CLOEXEC);
    if (prog->fd < 0)
        return program_noexec(prog->path, errno, strerror(errno), err);
    return 0;
}

int program_resolve(struct program *prog, const char *name,
                    struct mica_error *err)
{
    char *found = NULL;
    int rc;

    prog->path = NULL;
    prog->fd = -1;
    if (name[0] == '\0')
        return program_not_found(name, err);
    if (strchr(name, '/') == NULL) {
        rc = program_search(name, &found, err);
        if (rc < 0)
            return rc;
    }
    prog->path = program_path_absolute(found ? found : name);
    free(found);
    if (prog->path == NULL)
        return mica_error_sys(err, errno ? errno : ENOMEM,
                              "%s: cannot make the path absolute", name);
    rc = program_open(prog, name, err);
    if (rc == 0)
        rc = elfinfo_check_fd(prog->fd, prog->path, &prog->elf, err);
    if (rc < 0)
        program_release(prog);
    return rc;
}

#define PROGRAM_ROOT_PATH "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"

/* path opened inside the root directory rootfd, as the guest would see it. */
static int program_open_in(int rootfd, const char *path)
{
    struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
                            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

    return fd < 0 ? -errno : fd;
}

/* The opened candidate's verdict: 0 runnable, else its status error. */
static int program_check_in(struct program *prog, const char *name,
                            struct mica_error *err)
{
    struct stat st;

    if (prog->fd == -ENOENT || prog->fd == -ENOTDIR || prog->fd == -ELOOP)
        return program_not_found(name, err);
    if (prog->fd < 0)
        return program_noexec(prog->path, -prog->fd, strerror(-prog->fd), err);
    if (fstat(prog->fd, &st) < 0)
        return program_noexec(prog->path, errno, strerror(errno), err);
    if (S_ISDIR(st.st_mode))
        return program_noexec(prog->path, EISDIR, "Is a directory", err);
    if (!S_ISREG(st.st_mode))
        return program_noexec(prog->path, EACCES, "not a regular file", err);
    if ((st.st_mode & 0111) == 0)
        return program_noexec(prog->path, EACCES, "Permission denied", err);
    return 0;
}

int program_resolve_in(struct program *prog, const char *root,
                       const char *name, struct mica_error *err)
{
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), rc = 0;
    const char *p, *colon;
    char *cand;

    prog->path = NULL;
    prog->fd = -1;
    if (rootfd < 0)
        return mica_error_sys(err, errno, "--root %s", root);
    if (name[0] == '\0')
        rc = program_not_found(name, err);
    for (p = PROGRAM_ROOT_PATH; rc == 0 && !strchr(name, '/') && !prog->path;
         p = colon + 1) {
        colon = strchrnul(p, ':');
        if (asprintf(&cand, "%.*s/%s", (int)(colon - p), p, name) < 0) {
            rc = mica_error_set(err, ENOMEM, "out of memory");
            break;
        }
        int fd = program_open_in(rootfd, cand);
        if (fd >= 0) {
            prog->path = cand;
            prog->fd = fd;
        } else {
            free(cand);
        }
        if (*colon == '\0')
            break;
    }
    if (rc == 0 && prog->path == NULL && !strchr(name, '/'))
        rc = program_not_found(name, err);
    if (rc == 0 && prog->path == NULL) { /* a path: from the root's top */
        if (asprintf(&cand, "/%s", name) < 0)
            cand = NULL;
        prog->path = cand ? path_normalise(cand) : NULL;
        free(cand);
        if (prog->path == NULL)
            rc = mica_error_set(err, ENOMEM, "out of memory");
        else
            prog->fd = program_open_in(rootfd, prog->path);
    }
    close(rootfd);
    if (rc == 0)
        rc = program_check_in(prog, name, err);
    if (rc == 0)
        rc = elfinfo_check_fd(prog->fd, prog->path, &prog->elf, err);
    if (rc < 0) {
        if (prog->fd < 0)
            prog->fd = -1;
        program_release(prog);
    }
    return rc;
}

void program_release(struct program *prog)
{
    if (prog->fd >= 0)
        close(prog->fd);
    prog->fd = -1;
    free(prog->path);
    prog->path = NULL;
}
