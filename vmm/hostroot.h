/* mica VMM: the default host root of `mica run` (QEMU engine). */
#ifndef MICA_VMM_HOSTROOT_H
#define MICA_VMM_HOSTROOT_H

#include <stddef.h>

#include "error.h"
#include "options.h"

#define HOSTROOT_LINKS_MAX 4 /* /bin /sbin /lib /lib64 */

struct hostroot_link {
    char *path;   /* guest path, e.g. "/bin", owned */
    char *target; /* the host's link text, e.g. "usr/bin", owned */
};

/* The shares a run serves, in mount order: the host root's (when on)
 * first, then the --volume ones; the symlinks the initramfs gets; the
 * guest's working directory. All strings owned. */
struct hostroot {
    struct mica_share shares[MICA_SHARES_MAX];
    size_t nr_shares;
    struct hostroot_link links[HOSTROOT_LINKS_MAX];
    size_t nr_links;
    char *cwd;        /* the guest's working directory, NULL for "/" */
    char notice[256]; /* for main to print, or "" */
};

/* Fill h from opts->shares and, when on, the host root: /usr and /etc
 * filtered, /bin /sbin /lib /lib64 as links or filtered shares, the host's
 * working directory unfiltered at its own path. */
int hostroot_build(struct hostroot *h, const struct mica_options *opts,
                   int on, struct mica_error *err);
void hostroot_release(struct hostroot *h);

#endif
