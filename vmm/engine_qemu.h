/* mica VMM: the QEMU engine's private state (engine_qemu*.c, qemu_*.c). */
#ifndef MICA_VMM_ENGINE_QEMU_H
#define MICA_VMM_ENGINE_QEMU_H

#include <sys/types.h>

#include "conmux.h"
#include "engine.h"
#include "qemu_ring.h"
#include "vhost_user.h"
#include "virtiofs.h"

#define QEMU_ERR_KEEP 4096
#define QEMU_CMDLINE_MAX (32u * 4096u) /* Linux MAX_ARG_STRLEN */

/* One vhost-user virtio-fs device. Slot 0: the MICA_TEST_VIRTIOFS=DIR:TAG
 * hook, virtiofsd serving DIR (qemu_virtiofs.c) or with
 * MICA_TEST_VIRTIOFS_SERVER=mica, mica's own server (qemu_vfsd.c). Slots
 * 1..: the run's shares (vm_config), always mica's server. */
#define QEMU_VFS_MAX (1 + MICA_SHARES_MAX)
struct qemu_virtiofs {
    int active;
    unsigned idx;         /* slot: names the socket and the chardev */
    pid_t pid;
    struct vfsd *srv;     /* mica's server, or NULL for virtiofsd */
    int writable;         /* srv writes through (VFSD_WRITABLE) */
    int listen_fd;        /* until QEMU connects */
    int vu_up;            /* vu serves the connection */
    struct vhost_user vu;
    int failed;           /* the guest or QEMU broke the protocol */
    struct mica_error err;
    char *dir, *tag;
    char sock_name[64];   /* abstract socket, without the leading NUL */
    char chardev[128];    /* -chardev and -device arguments for QEMU */
    char device[128];
};

struct qemu_vm {
    const struct vm_config *cfg;
    int kernel_fd, initrd_fd;       /* memfds handed to QEMU */
    int in_pipe[2];                 /* mica -> QEMU stdin (guest COM1 RX) */
    int out_pipe[2];                /* QEMU stdout (guest COM1 TX) -> mica */
    int err_pipe[2];                /* QEMU stderr -> mica */
    pid_t pid;
    int go_fd, exec_fd;             /* the child waits for go, then execs */
    int wstatus;
    int signo;                      /* forwarded signal that ended the run */
    int timed_out;                  /* --timeout ended the run */
    struct conmux cm;
    struct qemu_ring ring;          /* console rings in shared guest RAM */
    char *cmdline;                  /* the VM's, plus mica.ring= */
    char *errbuf;                   /* tail of QEMU's stderr */
    size_t errlen;
    struct qemu_virtiofs vfs[QEMU_VFS_MAX];
};

/* Fork the child that will be QEMU; it waits for qemu_spawn_go, which
 * lets it exec and reports an exec failure. */
int qemu_spawn(struct qemu_vm *q, struct mica_error *err);
int qemu_spawn_go(struct qemu_vm *q, struct mica_error *err);
int qemu_loop(struct qemu_vm *q, struct mica_error *err);
int qemu_virtiofs_start(struct qemu_virtiofs *v, int verbose,
                        struct mica_error *err);
/* Serve host directory dir as device tag with mica's server in slot idx. */
int qemu_virtiofs_share(struct qemu_virtiofs *v, unsigned idx,
                        const char *dir, const char *tag, unsigned flags,
                        struct mica_error *err);
void qemu_virtiofs_stop(struct qemu_virtiofs *v);
/* mica's server in the event loop: QEMU_VFSD_POLLFDS entries. */
#define QEMU_VFSD_POLLFDS (1 + VHOST_USER_POLLFDS)
void qemu_vfsd_pollfds(const struct qemu_virtiofs *v, struct pollfd *p);
/* 0 to go on; -1 when the VM must stop (v->failed, v->err say why). */
int qemu_vfsd_events(struct qemu_virtiofs *v, const struct pollfd *p);
void qemu_errbuf_add(struct qemu_vm *q, const char *buf, size_t len);

#endif
