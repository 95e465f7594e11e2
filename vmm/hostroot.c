/* mica VMM: the default host root of `mica run` (QEMU engine).
 *
 * With the host root on, the guest's root is still the initramfs (tmpfs),
 * and these shares go on it, read-only under a private overlay:
 *
 *   /usr, /etc                 filtered: only what every host user may read
 *   /bin /sbin /lib /lib64     the host's symlinks (Debian: into usr/) as
 *                              symlinks in the initramfs; real directories
 *                              are shared, filtered
 *   the working directory      unfiltered, at its own path, and the guest
 *                              starts there (not for / or a directory
 *                              already inside a share)
 *
 * /tmp /root /home /run /var are plain directories of the tmpfs root.
 * The --volume shares come after these, so they may sit inside them; one
 * at the same guest path replaces the host root's. If everything does not
 * fit in MICA_SHARES_MAX, the working directory's share is dropped first
 * (with a notice, and the guest starts in /); if it still does not fit,
 * that is an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostroot.h"

static const char *const hostroot_top[] = {"/bin", "/sbin", "/lib", "/lib64"};

/* path is dir or inside it. */
static int path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int hostroot_guest_taken(const struct mica_options *opts,
                                const char *guest)
{
    size_t i;

    for (i = 0; i < opts->nr_shares; i++)
        if (strcmp(opts->shares[i].guest, guest) == 0)
            return 1;
    return 0;
}

static int hostroot_add(struct hostroot *h, const char *host,
                        const char *guest, int filter, int rw)
{
    struct mica_share *sh = &h->shares[h->nr_shares];

    if (h->nr_shares == MICA_SHARES_MAX)
        return -E2BIG;
    sh->host = strdup(host);
    sh->guest = strdup(guest);
    sh->filter = filter;
    sh->rw = rw;
    h->nr_shares++;
    return sh->host && sh->guest ? 0 : -ENOMEM;
}

/* One of /bin /sbin /lib /lib64: a link, a filtered share, or nothing. */
static int hostroot_top_dir(struct hostroot *h, const char *path,
                            size_t *nr_root)
{
    char target[PATH_MAX];
    struct stat st;
    ssize_t n;

    if (lstat(path, &st) < 0)
        return 0;
    if (S_ISDIR(st.st_mode)) {
        (*nr_root)++;
        return hostroot_add(h, path, path, 1, 0);
    }
    if (!S_ISLNK(st.st_mode))
        return 0;
    n = readlink(path, target, sizeof(target) - 1);
    if (n <= 0)
        return 0;
    target[n] = '\0';
    h->links[h->nr_links].path = strdup(path);
    h->links[h->nr_links].target = strdup(target);
    h->nr_links++;
    return h->links[h->nr_links - 1].path &&
           h->links[h->nr_links - 1].target ? 0 : -ENOMEM;
}

/* The host root's shares and links; *want_cwd is set when the working
 * directory needs a share of its own. */
static int hostroot_root(struct hostroot *h, const struct mica_options *opts,
                         int *want_cwd)
{
    size_t i, nr_root = 0;
    int rc = 0;
    char *cwd = getcwd(NULL, 0);
    char *real = cwd ? realpath(cwd, NULL) : NULL;

    free(cwd);
    if (!hostroot_guest_taken(opts, "/usr"))
        rc = hostroot_add(h, "/usr", "/usr", 1, 0);
    if (rc == 0 && !hostroot_guest_taken(opts, "/etc"))
        rc = hostroot_add(h, "/etc", "/etc", 1, 0);
    for (i = 0; rc == 0 && i < 4; i++)
        if (!hostroot_guest_taken(opts, hostroot_top[i]))
            rc = hostroot_top_dir(h, hostroot_top[i], &nr_root);
    *want_cwd = 0;
    if (rc == 0 && real && strcmp(real, "/") != 0) {
        h->cwd = real;
        real = NULL;
        *want_cwd = !hostroot_guest_taken(opts, h->cwd);
        for (i = 0; i < h->nr_shares; i++)
            if (path_under(h->cwd, h->shares[i].guest))
                *want_cwd = 0;
    }
    free(real);
    return rc;
}

int hostroot_build(struct hostroot *h, const struct mica_options *opts,
                   int on, struct mica_error *err)
{
    int rc = 0, want_cwd = 0;
    size_t i;

    memset(h, 0, sizeof(*h));
    if (opts->root) /* --root: DIR at "/", first, under everything else */
        rc = hostroot_add(h, opts->root, "/", 0, 0);
    else if (on)
        rc = hostroot_root(h, opts, &want_cwd);
    if (rc == 0 && want_cwd &&
        h->nr_shares + opts->nr_shares + 1 > MICA_SHARES_MAX) {
        snprintf(h->notice, sizeof(h->notice), "too many shares to share "
                 "the current directory too; the guest starts in /");
        free(h->cwd);
        h->cwd = NULL;
        want_cwd = 0;
    }
    if (rc == 0 && want_cwd)
        rc = hostroot_add(h, h->cwd, h->cwd, 0, 0);
    if (rc == 0 && h->nr_shares + opts->nr_shares > MICA_SHARES_MAX)
        return mica_error_set(err, E2BIG, "the host root and --volume need "
                              "%zu shares, more than %d; use --no-host-root "
                              "or fewer --volume", h->nr_shares +
                              opts->nr_shares, MICA_SHARES_MAX);
    for (i = 0; rc == 0 && i < opts->nr_shares; i++)
        rc = hostroot_add(h, opts->shares[i].host, opts->shares[i].guest,
                          opts->shares[i].filter, opts->shares[i].rw);
    if (rc < 0)
        return mica_error_set(err, -rc, "host root: out of memory");
    return 0;
}

void hostroot_release(struct hostroot *h)
{
    size_t i;

    for (i = 0; i < h->nr_shares; i++) {
        free(h->shares[i].host);
        free(h->shares[i].guest);
    }
    for (i = 0; i < h->nr_links; i++) {
        free(h->links[i].path);
        free(h->links[i].target);
    }
    free(h->cwd);
    memset(h, 0, sizeof(*h));
}
