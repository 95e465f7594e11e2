/* mica VMM: the seccomp sandbox mica puts itself in.
 *
 * Once QEMU is started, mica's work is a poll loop over fds it already
 * holds: the guest's console bytes are parsed here, so a bug in that
 * parsing is the way a hostile guest would try to take over mica. The
 * filter allows only the system calls that loop needs; the default action
 * is EPERM rather than a kill, so a libc path we did not foresee becomes a
 * reported error instead of a crash. No open, no exec, no sockets; with
 * mica's own virtio-fs server, read-only opens and what the server needs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>

#include "sandbox.h"

static const int sandbox_qemu_loop_calls[] = {
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(poll),
    SCMP_SYS(ppoll), SCMP_SYS(close), SCMP_SYS(wait4), SCMP_SYS(kill),
    SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall), SCMP_SYS(brk),
    SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
    SCMP_SYS(futex), SCMP_SYS(clock_gettime), SCMP_SYS(getpid),
    SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek),
};

/* mica's virtio-fs server (devices/virtiofs*.c, vhost_user.c). */
static const int sandbox_vfs_server_calls[] = {
    SCMP_SYS(accept4), SCMP_SYS(recvmsg), SCMP_SYS(openat2),
    SCMP_SYS(readlinkat), SCMP_SYS(getdents64), SCMP_SYS(pread64),
    SCMP_SYS(fstatfs), SCMP_SYS(statx),
};

/* What a writable share's server does to the tree, through its fds
 * (virtiofs_write.c); openat2 already covers its creating opens. */
static const int sandbox_vfs_writer_calls[] = {
    SCMP_SYS(pwrite64), SCMP_SYS(mkdirat), SCMP_SYS(mknodat),
    SCMP_SYS(symlinkat), SCMP_SYS(linkat), SCMP_SYS(unlinkat),
    SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(chmod),
    SCMP_SYS(truncate), SCMP_SYS(ftruncate), SCMP_SYS(utimensat),
    SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(fallocate),
    SCMP_SYS(umask),
};

/* Allow each call of a list, whatever its arguments. */
static int sandbox_allow_all(scmp_filter_ctx ctx, const int *calls, size_t n)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < n; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0);
    return rc;
}

#define SANDBOX_ALLOW_ALL(ctx, calls) \
    sandbox_allow_all(ctx, calls, sizeof(calls) / sizeof(calls[0]))

/* openat for reading only: no create, truncate or write access. */
static int sandbox_allow_vfs_server(scmp_filter_ctx ctx)
{
    int rc = SANDBOX_ALLOW_ALL(ctx, sandbox_vfs_server_calls);

    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                              SCMP_A2(SCMP_CMP_MASKED_EQ,
                                      O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND,
                                      0)); /* O_TMPFILE needs write access */
    return rc;
}

/* -t: the terminal ioctls of term.c, on the terminal only. */
static const unsigned long sandbox_tty_ioctls[] = {
    TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ,
};

static int sandbox_allow_tty(scmp_filter_ctx ctx, int tty_fd)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < sizeof(sandbox_tty_ioctls) /
                                   sizeof(sandbox_tty_ioctls[0]); i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 2,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu,
                                      (scmp_datum_t)tty_fd),
                              SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
                                      (scmp_datum_t)sandbox_tty_ioctls[i]));
    return rc;
}

int sandbox_enter_qemu_loop(int tty_fd, int vfs_server, struct mica_error *err)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    int rc;

    if (ctx == NULL)
        return mica_error_set(err, ENOMEM, "seccomp_init failed");
    rc = SANDBOX_ALLOW_ALL(ctx, sandbox_qemu_loop_calls);
    if (rc == 0 && tty_fd >= 0)
        rc = sandbox_allow_tty(ctx, tty_fd);
    if (rc == 0 && vfs_server)
        rc = sandbox_allow_vfs_server(ctx);
    if (rc == 0 && (vfs_server & 2))
        rc = SANDBOX_ALLOW_ALL(ctx, sandbox_vfs_writer_calls);
    if (rc == 0)
        rc = seccomp_load(ctx); /* sets no_new_privs itself */
    seccomp_release(ctx);
    if (rc < 0)
        return mica_error_sys(err, -rc, "cannot enter the seccomp sandbox");
    return 0;
}
