/* mica VMM: mica confines itself (seccomp) before the guest runs. */
#ifndef MICA_VMM_SANDBOX_H
#define MICA_VMM_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* What the QEMU engine's loop holds. pids: the children mica may kill
 * (QEMU, virtiofsd). tty_fd >= 0 (-t): mica may also read and set that
 * terminal's settings (to restore them) and read its window size.
 * vfs_server: mica serves virtio-fs itself, so it may also accept the
 * front end's connection, take fds and memory from it, and read (never
 * write) the shared tree through the fds it holds; vfs_server & 2 (a
 * writable share): also change the tree through those fds. */
#define SANDBOX_PIDS_MAX 8
struct sandbox_qemu {
    pid_t pids[SANDBOX_PIDS_MAX];
    size_t nr_pids;
    int tty_fd;
    int vfs_server;
};

/* Install the seccomp filter for the QEMU engine's event loop (the only
 * thread): from then on mica can only move bytes between fds it already
 * has, wait for and kill its children, manage its own memory and exit.
 * Anything else stops mica with a message naming the call (status 125). */
int sandbox_enter_qemu_loop(const struct sandbox_qemu *s,
                            struct mica_error *err);

/* The KVM engine: each thread loads its own filter (sandbox_kvm.c). The
 * vCPU thread: KVM_RUN and the register reads of a crash report on
 * vcpu_fd, the console (stdin, stdout, stderr), its eventfds and kicks. */
int sandbox_enter_kvm_vcpu(int vcpu_fd, struct mica_error *err);
/* The device thread: poll and read/write the fds it holds, kick the vCPU
 * thread (tgkill SIGUSR1 within mica), the terminal's ioctls on tty_fd. */
int sandbox_enter_kvm_main(int tty_fd, struct mica_error *err);

#endif
