/* mica VMM: give up privileges mica does not need to run a VM. */
#ifndef MICA_VMM_PRIVS_H
#define MICA_VMM_PRIVS_H

#include "error.h"

/* Set no_new_privs, and drop every capability: effective, permitted,
 * inheritable, ambient and (if mica may) the bounding set, with
 * securebits locked so that root regains nothing through exec. Neither
 * engine needs a capability once its files are open: /dev/kvm is an fd,
 * QEMU is started without any. A no-op for an ordinary user but for
 * no_new_privs. */
int privs_drop(struct mica_error *err);

#endif
