/* mica VMM: mica confines itself once the VM is running. */
#ifndef MICA_VMM_SANDBOX_H
#define MICA_VMM_SANDBOX_H

#include "error.h"

/* Install the seccomp filter for the QEMU engine's event loop: from then on
 * mica can only move bytes between fds it already has, wait for and kill
 * its QEMU child, manage its own memory and exit. Anything else fails with
 * EPERM. tty_fd >= 0 (-t): mica may also read and set that terminal's
 * settings (to restore them) and read its window size. vfs_server: mica
 * serves virtio-fs itself, so it may also accept the front end's
 * connection, take fds and memory from it, and read (never write) the
 * shared tree through the fds it holds; vfs_server & 2 (a writable
 * share): also change the tree through those fds. */
int sandbox_enter_qemu_loop(int tty_fd, int vfs_server, struct mica_error *err);

#endif
