/* mica VMM: the QEMU engine's event loop.
 *
 * poll() over QEMU's stdout (COM1: doorbells for the console rings), QEMU's stderr,
 * the signalfd, and mica's stdin while a stdin request is pending. The
 * request is answered whenever stdin becomes readable, whether the guest
 * rang 'P' and waits or rang 'K' and went on running (console.h). The run
 * ends when QEMU closes its stdout (it exited), on a forwarded signal, or
 * when the guest breaks the console protocol or mica's virtio-fs server's,
 * or when --timeout runs out (QEMU is killed and reaped). SIGWINCH (-t
 * only) sends the new window size and goes on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine_qemu.h"

#define QEMU_EXIT_GRACE_MS 5000 /* after the EXIT record, QEMU must go */

enum { PFD_OUT, PFD_ERR, PFD_SIG, PFD_IN, PFD_VFS,
       PFD_COUNT = PFD_VFS + QEMU_VFS_MAX * QEMU_VFSD_POLLFDS };

static void qemu_stop(struct qemu_vm *q)
{
    if (q->pid <= 0)
        return;
    kill(q->pid, SIGKILL);
    while (waitpid(q->pid, &q->wstatus, 0) < 0 && errno == EINTR)
        ;
    q->pid = -1;
}

/* Read one chunk from fd; returns bytes, 0 on EOF, -EAGAIN to retry. */
static ssize_t qemu_read(int fd, char *buf, size_t len)
{
    ssize_t n = read(fd, buf, len);

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return -EAGAIN;
    return n < 0 ? 0 : n;
}

static void qemu_drain_err(struct qemu_vm *q)
{
    char buf[4096];
    ssize_t n;

    if (q->err_pipe[0] < 0)
        return;
    while ((n = qemu_read(q->err_pipe[0], buf, sizeof(buf))) > 0)
        qemu_errbuf_add(q, buf, (size_t)n);
    close(q->err_pipe[0]);
    q->err_pipe[0] = -1;
}

static void qemu_pollfds(struct qemu_vm *q, struct pollfd *p)
{
    int i;

    p[PFD_OUT] = (struct pollfd){ .fd = q->out_pipe[0], .events = POLLIN };
    p[PFD_ERR] = (struct pollfd){ .fd = q->err_pipe[0], .events = POLLIN };
    p[PFD_SIG] = (struct pollfd){ .fd = q->cfg->sigfd, .events = POLLIN };
    p[PFD_IN] = (struct pollfd){ .fd = conmux_stdin_pending(&q->cm) ? 0 : -1,
                                 .events = POLLIN };
    for (i = 0; i < QEMU_VFS_MAX; i++)
        qemu_vfsd_pollfds(&q->vfs[i], p + PFD_VFS + i * QEMU_VFSD_POLLFDS);
}

/* One round of events: 1 to go on, 0 when the run is over. */
static int qemu_events(struct qemu_vm *q, struct pollfd *p, int *eof)
{
    char buf[65536];
    ssize_t n;
    int i;

    if (p[PFD_SIG].revents & POLLIN) {
        int sig = engine_signal_read(q->cfg->sigfd);

        if (sig == SIGWINCH && engine_winsize_send(&q->cm) < 0)
            return 0;
        if (sig && sig != SIGWINCH) {
            q->signo = sig;
            return 0;
        }
    }
    for (i = 0; i < QEMU_VFS_MAX; i++)
        if (qemu_vfsd_events(&q->vfs[i], p + PFD_VFS + i * QEMU_VFSD_POLLFDS) < 0)
            return 0;
    if (p[PFD_ERR].revents) {
        n = qemu_read(q->err_pipe[0], buf, sizeof(buf));
        if (n > 0)
            qemu_errbuf_add(q, buf, (size_t)n);
        else if (n == 0) {
            close(q->err_pipe[0]);
            q->err_pipe[0] = -1;
        }
    }
    if (p[PFD_OUT].revents) {
        n = qemu_read(q->out_pipe[0], buf, sizeof(buf));
        if (n == 0)
            *eof = 1;
        if (n > 0 &&
            qemu_ring_uart_feed(&q->ring, &q->cm, (uint8_t *)buf, (size_t)n) < 0 &&
            q->cm.failed)
            return 0;
    }
    if (p[PFD_IN].revents && conmux_stdin_answer(&q->cm) == -EPROTO)
        return 0;
    return !*eof;
}

int qemu_loop(struct qemu_vm *q, struct mica_error *err)
{
    struct pollfd p[PFD_COUNT];
    int eof = 0, n;

    conmux_init(&q->cm, q->cfg->opts->verbose, qemu_ring_send, &q->ring);
    engine_conmux_setup(&q->cm, q->cfg);
    for (;;) {
        qemu_pollfds(q, p);
        n = poll(p, PFD_COUNT, engine_poll_ms(q->cfg, q->cm.exited ?
                                              QEMU_EXIT_GRACE_MS : -1));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return mica_error_sys(err, errno, "poll");
        if (n == 0 && !q->cm.exited && !engine_deadline_passed(q->cfg))
            continue; /* woke early: the clock is coarser than poll's */
        if (n == 0 && !q->cm.exited)
            q->timed_out = 1; /* --timeout: QEMU is killed below */
        if (n == 0 || !qemu_events(q, p, &eof))
            break;
    }
    if (eof && !q->signo)
        q->signo = engine_signal_read_stop(q->cfg->sigfd); /* raced the end */
    if (!q->cm.failed)
        qemu_ring_drain(&q->ring, &q->cm); /* records after the last doorbell */
    if (eof) {
        qemu_drain_err(q);
        while (waitpid(q->pid, &q->wstatus, 0) < 0 && errno == EINTR)
            ;
        q->pid = -1;
    } else {
        qemu_stop(q);
        qemu_drain_err(q);
    }
    return 0;
}
