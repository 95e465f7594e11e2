/* mica VMM: start qemu-system-x86_64 for the QEMU engine.
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
    char mem[32], kernel[32], initrd[32], ram[96];
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
        "-M", "microvm,x-option-roms=off,rtc=on,acpi=off,memory-backend=ram", "-accel", "tcg",
        "-cpu", "max", "-smp", "1", "-nodefaults", "-no-user-config", "-no-reboot",
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

int qemu_spawn(struct qemu_vm *q, struct mica_error *err)
{
    struct qemu_argv a;
    pid_t parent = getpid();
    int ep[2], e;

    qemu_args_build(&a, q);
    if (pipe2(ep, O_CLOEXEC) < 0)
        return mica_error_sys(err, errno, "pipe");
    q->pid = fork();
    if (q->pid < 0) {
        e = errno;
        close(ep[0]);
        close(ep[1]);
        return mica_error_sys(err, e, "fork");
    }
    if (q->pid == 0) {
        close(ep[0]);
        qemu_child_setup(q, parent);
        execvp(a.argv[0], a.argv);
        e = errno;
        if (write(ep[1], &e, sizeof(e)) < 0)
            _exit(127);
        _exit(127);
    }
    close(ep[1]);
    close(q->in_pipe[0]);
    close(q->out_pipe[1]);
    close(q->err_pipe[1]);
    q->in_pipe[0] = q->out_pipe[1] = q->err_pipe[1] = -1;
    return qemu_exec_result(q, ep[0], err);
}
