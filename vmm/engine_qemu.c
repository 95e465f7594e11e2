/* mica VMM: run the VM under qemu-system-x86_64 (TCG, microvm, PVH boot).
 *
 * The kernel, the initramfs and guest RAM go to QEMU as memfds
 * (/dev/fd/N), so no temporary file is ever written. Guest RAM is shared
 * with mica, which reads the console records from rings in it
 * (qemu_ring.c); QEMU's stdin and stdout are pipes to mica connected to
 * COM1, which carries the doorbells. QEMU's stderr is kept and shown only
 * when something went wrong (or with -v). The guest ends the VM by writing
 * the isa-debug-exit port after its EXIT record. Each host share is a
 * virtio-fs device served by mica itself (qemu_vfsd.c); the
 * MICA_TEST_VIRTIOFS hook adds one served by virtiofsd (qemu_virtiofs.c)
 * or by mica.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmdline.h"
#include "engine.h"
#include "engine_qemu.h"
#include "privs.h"
#include "sandbox.h"

static int qemu_memfd(const char *name, const void *data, size_t len,
                      struct mica_error *err)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    int rc;

    if (fd < 0)
        return mica_error_sys(err, errno, "memfd_create");
    rc = conmux_write_full(fd, data, len);
    if (rc < 0) {
        close(fd);
        return mica_error_sys(err, -rc, "cannot fill the %s memfd", name);
    }
    return fd;
}

static void qemu_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void qemu_vm_release(struct qemu_vm *q)
{
    int i;

    for (i = 0; i < QEMU_VFS_MAX; i++)
        qemu_virtiofs_stop(&q->vfs[i]); /* after QEMU: it is its client */
    qemu_close(&q->kernel_fd);
    qemu_close(&q->initrd_fd);
    qemu_close(&q->go_fd);
    qemu_close(&q->exec_fd);
    qemu_ring_destroy(&q->ring);
    free(q->cmdline);
    for (i = 0; i < 2; i++) {
        qemu_close(&q->in_pipe[i]);
        qemu_close(&q->out_pipe[i]);
        qemu_close(&q->err_pipe[i]);
    }
    free(q->errbuf);
}

/* The test hook in slot 0, the run's shares after it. */
static int qemu_vm_shares(struct qemu_vm *q, struct mica_error *err)
{
    const struct vm_config *cfg = q->cfg;
    char tag[CMDLINE_TAG_MAX];
    size_t i;
    int rc = qemu_virtiofs_start(&q->vfs[0], cfg->opts->verbose, err);

    for (i = 0; rc == 0 && i < cfg->nr_shares; i++) {
        cmdline_share_tag(tag, i);
        rc = qemu_virtiofs_share(&q->vfs[1 + i], (unsigned)(1 + i),
                                 cfg->shares[i].host, tag,
                                 (cfg->shares[i].filter ?
                                  VFSD_FILTER_WORLD_READABLE : 0) |
                                 (cfg->shares[i].rw ? VFSD_WRITABLE : 0), err);
    }
    return rc;
}

static int qemu_vm_prepare(struct qemu_vm *q, const struct vm_config *cfg,
                           struct mica_error *err)
{
    int i;

    if (cfg->nr_shares > MICA_SHARES_MAX)
        return mica_error_set(err, E2BIG, "too many shares");
    memset(q, 0, sizeof(*q));
    q->kernel_fd = q->initrd_fd = q->go_fd = q->exec_fd = -1;
    q->in_pipe[0] = q->in_pipe[1] = q->out_pipe[0] = q->out_pipe[1] = -1;
    q->err_pipe[0] = q->err_pipe[1] = -1;
    q->pid = -1;
    q->ring.memfd = -1;
    q->ring.rx_doorbell = -1;
    for (i = 0; i < QEMU_VFS_MAX; i++) {
        q->vfs[i].pid = -1;
        q->vfs[i].listen_fd = -1;
    }
    q->cfg = cfg;
    if (qemu_ring_create(&q->ring, cfg->opts->mem_size, err) < 0)
        return -1;
    if (asprintf(&q->cmdline, "%s mica.ring=%llx", cfg->cmdline,
                 (unsigned long long)q->ring.ring_gpa) < 0) {
        q->cmdline = NULL;
        return mica_error_set(err, ENOMEM, "out of memory");
    }
    q->kernel_fd = qemu_memfd("mica-kernel", cfg->kernel, cfg->kernel_size, err);
    if (q->kernel_fd < 0)
        return q->kernel_fd;
    q->initrd_fd = qemu_memfd("mica-initrd", cfg->initrd, cfg->initrd_size, err);
    if (q->initrd_fd < 0)
        return q->initrd_fd;
    if (pipe2(q->in_pipe, O_CLOEXEC) < 0 || pipe2(q->out_pipe, O_CLOEXEC) < 0 ||
        pipe2(q->err_pipe, O_CLOEXEC) < 0)
        return mica_error_sys(err, errno, "pipe");
    if (fcntl(q->in_pipe[1], F_SETFL, O_NONBLOCK) < 0)
        return mica_error_sys(err, errno, "fcntl");
    q->ring.rx_doorbell = q->in_pipe[1];
    return qemu_vm_shares(q, err);
}

/* Keep the last QEMU_ERR_KEEP bytes of QEMU's stderr. */
void qemu_errbuf_add(struct qemu_vm *q, const char *buf, size_t len)
{
    char *grown;

    if (q->cfg->opts->verbose)
        conmux_write_full(2, buf, len);
    grown = realloc(q->errbuf, q->errlen + len + 1);
    if (grown == NULL)
        return;
    q->errbuf = grown;
    memcpy(q->errbuf + q->errlen, buf, len);
    q->errlen += len;
    if (q->errlen > QEMU_ERR_KEEP) {
        memmove(q->errbuf, q->errbuf + q->errlen - QEMU_ERR_KEEP, QEMU_ERR_KEEP);
        q->errlen = QEMU_ERR_KEEP;
    }
    q->errbuf[q->errlen] = '\0';
}

/* The last line of QEMU's stderr, for a one-line error ("" if none). */
static const char *qemu_err_tail(struct qemu_vm *q)
{
    char *end, *nl;

    if (q->errbuf == NULL || q->errlen == 0)
        return "";
    end = q->errbuf + q->errlen;
    while (end > q->errbuf && (end[-1] == '\n' || end[-1] == '\r'))
        *--end = '\0';
    nl = memrchr(q->errbuf, '\n', (size_t)(end - q->errbuf));
    return nl ? nl + 1 : q->errbuf;
}

static int qemu_result(struct qemu_vm *q, int *status, struct mica_error *err)
{
    const char *tail = qemu_err_tail(q);
    int st = conmux_status(&q->cm);
    char how[64];
    int i;

    for (i = 0; i < QEMU_VFS_MAX; i++)
        if (q->vfs[i].failed) {
            *err = q->vfs[i].err;
            return mica_error_status(err, MICA_STATUS_ERROR);
        }
    if (q->signo) {
        *status = 128 + q->signo;
        return 0;
    }
    if (q->timed_out) {
        *q->cfg->timed_out = 1;
        *status = MICA_STATUS_TIMEOUT;
        return 0;
    }
    if (q->cm.failed) {
        *err = q->cm.err;
        return mica_error_status(err, MICA_STATUS_ERROR);
    }
    if (st >= 0) {
        *status = st;
        return 0;
    }
    if (WIFSIGNALED(q->wstatus))
        snprintf(how, sizeof(how), "QEMU was killed by signal %d",
                 WTERMSIG(q->wstatus));
    else if (WEXITSTATUS(q->wstatus) == 0) /* -no-reboot: a reset ends QEMU */
        snprintf(how, sizeof(how), "the guest reset: a triple fault?");
    else
        snprintf(how, sizeof(how), "QEMU exited with status %d",
                 WEXITSTATUS(q->wstatus));
    return mica_error_set(err, EIO, "the guest stopped without reporting an "
                          "exit status (%s)%s%.600s", how, tail[0] ? ": " : "",
                          tail);
}

/* mica's filter, before QEMU runs any guest code. */
static int qemu_sandbox(const struct qemu_vm *q, struct mica_error *err)
{
    struct sandbox_qemu s = { .tty_fd = q->cfg->tty_fd };
    int i;

    s.pids[s.nr_pids++] = q->pid;
    for (i = 0; i < QEMU_VFS_MAX; i++) {
        if (q->vfs[i].srv != NULL) /* 1: serving, 2: writing too */
            s.vfs_server |= q->vfs[i].writable ? 3 : 1;
        if (q->vfs[i].pid > 0 && s.nr_pids < SANDBOX_PIDS_MAX)
            s.pids[s.nr_pids++] = q->vfs[i].pid;
    }
    return sandbox_enter_qemu_loop(&s, err);
}

int engine_qemu_run(const struct vm_config *cfg, int *status,
                    struct mica_error *err)
{
    size_t len = strlen(cfg->cmdline);
    struct qemu_vm q;
    int rc;

    if (len >= QEMU_CMDLINE_MAX) /* -append is one exec argument */
        return mica_error_set(err, E2BIG, "arguments and environment are too "
                              "long for the QEMU engine (%zu bytes encoded, "
                              "at most %u)", len, QEMU_CMDLINE_MAX - 1);
    rc = qemu_vm_prepare(&q, cfg, err);
    if (rc == 0) /* after virtiofsd (the test hook) started: it needs root */
        rc = privs_drop(err);
    if (rc == 0)
        rc = qemu_spawn(&q, err);
    if (rc == 0 && !cfg->opts->seccomp_off)
        rc = qemu_sandbox(&q, err);
    if (rc == 0)
        rc = qemu_spawn_go(&q, err);
    if (rc == 0)
        rc = qemu_loop(&q, err);
    if (rc == 0)
        rc = qemu_result(&q, status, err);
    if (q.pid > 0) {
        kill(q.pid, SIGKILL);
        waitpid(q.pid, NULL, 0);
    }
    qemu_vm_release(&q);
    if (rc < 0)
        return mica_error_wrap(err, "qemu engine");
    return 0;
}
