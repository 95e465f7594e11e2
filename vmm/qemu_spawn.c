/* mica VMM: start qemu-system-x86_64 for the QEMU engine.
 *
 * In two steps: qemu_spawn forks a child that waits on a pipe, so mica
 * can put itself in its seccomp sandbox before any guest code runs, then
 * qemu_spawn_go lets the child exec QEMU.
 *
 * Only the three memfds and the three stdio pipes reach QEMU: every other fd
 * is marked close-on-exec in the child. The child dies with mica
 * (PR_SET_PDEATHSIG). An exec failure is sent back as an errno over a
 * close-on-exec pipe, so mica can say what is wrong with --qemu.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine_qemu.h"

#define QEMU_MAX_ARGS 96

struct qemu_argv {
    char *argv[QEMU_MAX_ARGS];
    int argc;
    char mem[32], kernel[32], initrd[32], ram[96], smp[16];
};

static void qemu_arg(struct qemu_argv *a, const char *s)
{
    if (a->argc < QEMU_MAX_ARGS - 1)
        a->argv[a->argc++] = (char *)s;
    a->argv[a->argc] = NULL;
}

static void qemu_args_build(struct qemu_argv *a, const struct qemu_vm *q)
{
    static const char *const fixed[] = {
        "-M", "microvm,x-option-roms=off,rtc=on,acpi=off,memory-backend=ram",
        "-cpu", "max", "-nodefaults", "-no-user-config", "-no-reboot",
        "-display", "none", "-monitor", "none",
        "-chardev", "stdio,id=con0,signal=off", "-serial", "chardev:con0",
        "-device", "isa-debug-exit,iobase=0x501,iosize=2",
        /* virtio-mmio version 2 (virtio 1.x): the guest drives no other */
        "-global", "virtio-mmio.force-legacy=false",
        /* QEMU confines itself with seccomp: it runs untrusted guests */
        "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
                    "resourcecontrol=deny",
    };
    size_t i;

    a->argc = 0;
    snprintf(a->mem, sizeof(a->mem), "%lluM",
             (unsigned long long)(q->cfg->opts->mem_size >> 20));
    snprintf(a->kernel, sizeof(a->kernel), "/dev/fd/%d", q->kernel_fd);
    snprintf(a->initrd, sizeof(a->initrd), "/dev/fd/%d", q->initrd_fd);
    /* guest RAM is mica's memfd, shared: the console rings live in it */
    snprintf(a->ram, sizeof(a->ram),
             "memory-backend-file,id=ram,mem-path=/dev/fd/%d,size=%lluM,share=on",
             q->ring.memfd, (unsigned long long)(q->cfg->opts->mem_size >> 20));
    qemu_arg(a, q->cfg->opts->qemu_path);
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        qemu_arg(a, fixed[i]);
    qemu_arg(a, "-m");
    qemu_arg(a, a->mem);
    snprintf(a->smp, sizeof(a->smp), "%u", q->cfg->opts->cpus ? q->cfg->opts->cpus : 1);
    qemu_arg(a, "-smp");
    qemu_arg(a, a->smp);
    /* a host thread per vCPU: without it TCG runs them in turns, and a
     * CPU spinning for the kernel lock burns the holder's turn */
    qemu_arg(a, "-accel");
    qemu_arg(a, q->cfg->opts->cpus > 1 ? "tcg,thread=multi" : "tcg");
    qemu_arg(a, "-object");
    qemu_arg(a, a->ram);
    qemu_arg(a, "-kernel");
    qemu_arg(a, a->kernel);
    qemu_arg(a, "-initrd");
    qemu_arg(a, a->initrd);
    for (i = 0; i < QEMU_VFS_MAX; i++) {
        if (!q->vfs[i].active)
            continue;
        qemu_arg(a, "-chardev");
        qemu_arg(a, q->vfs[i].chardev);
        qemu_arg(a, "-device");
        qemu_arg(a, q->vfs[i].device);
    }
    qemu_arg(a, "-append");
    qemu_arg(a, q->cmdline);
}

/* In the child: wire stdio, expose only the memfds, reset signals. */
static void qemu_child_setup(const struct qemu_vm *q, pid_t parent)
{
    sigset_t none;
    int sig;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(125);
    setpgid(0, 0); /* terminal signals reach mica only; mica forwards them */
    if (dup2(q->in_pipe[0], 0) < 0 || dup2(q->out_pipe[1], 1) < 0 ||
        dup2(q->err_pipe[1], 2) < 0)
        _exit(125);
    syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC);
    fcntl(q->kernel_fd, F_SETFD, 0);
    fcntl(q->initrd_fd, F_SETFD, 0);
    fcntl(q->ring.memfd, F_SETFD, 0);
    for (sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL); /* SIGPIPE was ignored in mica */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static int qemu_exec_result(struct qemu_vm *q, int errfd,
                            struct mica_error *err)
{
    int child_errno = 0;
    ssize_t n;

    do
        n = read(errfd, &child_errno, sizeof(child_errno));
    while (n < 0 && errno == EINTR);
    close(errfd);
    if (n <= 0)
        return 0; /* exec succeeded: the pipe closed */
    waitpid(q->pid, NULL, 0);
    q->pid = -1;
    return mica_error_sys(err, child_errno,
                          "cannot run %s (install qemu-system-x86 or name "
                          "the binary with --qemu PATH)",
                          q->cfg->opts->qemu_path);
}

/* In the child: wait for mica's word, then become QEMU. */
static void qemu_child_exec(struct qemu_argv *a, int go_fd, int err_fd)
{
    char go = 0;
    ssize_t n;
    int e;

    do
        n = read(go_fd, &go, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1 || go != 'g')
        _exit(125); /* mica gave up before the guest was to start */
    execvp(a->argv[0], a->argv);
    e = errno;
    if (write(err_fd, &e, sizeof(e)) < 0)
        _exit(127);
    _exit(127);
}

int qemu_spawn(struct qemu_vm *q, struct mica_error *err)
{
    struct qemu_argv a;
    pid_t parent = getpid();
    int ep[2], gp[2], e;

    qemu_args_build(&a, q);
    if (pipe2(ep, O_CLOEXEC) < 0)
        return mica_error_sys(err, errno, "pipe");
    if (pipe2(gp, O_CLOEXEC) < 0) {
        e = errno;
        close(ep[0]);
        close(ep[1]);
        return mica_error_sys(err, e, "pipe");
    }
    q->pid = fork();
    if (q->pid < 0) {
        e = errno;
        close(ep[0]);
        close(ep[1]);
        close(gp[0]);
        close(gp[1]);
        return mica_error_sys(err, e, "fork");
    }
    if (q->pid == 0) {
        close(ep[0]);
        close(gp[1]);
        qemu_child_setup(q, parent);
        qemu_child_exec(&a, gp[0], ep[1]);
    }
    close(ep[1]);
    close(gp[0]);
    close(q->in_pipe[0]);
    close(q->out_pipe[1]);
    close(q->err_pipe[1]);
    q->in_pipe[0] = q->out_pipe[1] = q->err_pipe[1] = -1;
    q->exec_fd = ep[0];
    q->go_fd = gp[1];
    return 0;
}

int qemu_spawn_go(struct qemu_vm *q, struct mica_error *err)
{
    ssize_t n;
    int fd = q->exec_fd;

    do
        n = write(q->go_fd, "g", 1);
    while (n < 0 && errno == EINTR);
    close(q->go_fd);
    q->go_fd = -1;
    q->exec_fd = -1;
    if (n != 1) {
        close(fd);
        return mica_error_sys(err, errno, "cannot start QEMU");
    }
    return qemu_exec_result(q, fd, err);
}
