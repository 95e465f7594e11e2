/* mica VMM: least privilege: no capabilities and no_new_privs before the
 * guest runs.
 *
 * mica started as root would otherwise keep root's full capability set
 * while it parses guest data, and hand it on to QEMU through exec. The
 * order matters: the bounding set and securebits can only be changed
 * while CAP_SETPCAP is still effective, so capset, which takes it away,
 * comes last. mica keeps uid 0 (changing uid would need a user to change
 * to, and files mica already opened stay open either way); without
 * capabilities and with SECBIT_NOROOT, uid 0 is an ordinary user that
 * owns root's files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privs.h"

static int privs_capget(struct __user_cap_data_struct data[2])
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };

    return (int)syscall(SYS_capget, &hdr, data);
}

static int privs_capset_none(void)
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];

    memset(data, 0, sizeof(data));
    return (int)syscall(SYS_capset, &hdr, data);
}

/* With CAP_SETPCAP: empty the bounding set, lock root out of exec's
 * capability rules. Caps beyond what this kernel knows end the loop. */
static int privs_drop_bounding(struct mica_error *err)
{
    unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
                         SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
                         SECBIT_KEEP_CAPS_LOCKED |
                         SECBIT_NO_CAP_AMBIENT_RAISE |
                         SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
    unsigned long cap;

    for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            return mica_error_sys(err, errno, "cannot drop capability %lu "
                                  "from the bounding set", cap);
    if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
        return mica_error_sys(err, errno, "cannot set securebits");
    return 0;
}

int privs_drop(struct mica_error *err)
{
    struct __user_cap_data_struct data[2];
    int rc;

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return mica_error_sys(err, errno, "cannot set no_new_privs");
    if (privs_capget(data) < 0)
        return mica_error_sys(err, errno, "capget");
    if (data[0].effective & (1u << CAP_SETPCAP)) {
        rc = privs_drop_bounding(err);
        if (rc < 0)
            return rc;
    }
    /* EINVAL: a kernel without ambient capabilities has none to clear */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
        errno != EINVAL)
        return mica_error_sys(err, errno, "cannot clear ambient capabilities");
    if (privs_capset_none() < 0)
        return mica_error_sys(err, errno, "cannot drop capabilities");
    return 0;
}
