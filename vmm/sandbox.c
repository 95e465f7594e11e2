/* mica VMM: the seccomp sandbox mica puts itself in.
 *
 * Once the VM is set up, mica's work is a poll loop over fds it already
 * holds: the guest's console bytes and virtio requests are parsed here, so
 * a bug in that parsing is the way a hostile guest would try to take over
 * mica. Each thread loads an allowlist of the system calls its loop needs
 * (this file: the QEMU engine's loop; sandbox_kvm.c: the KVM engine's two
 * threads), before any guest code runs. No open (but the read-only ones of
 * mica's own virtio-fs server), no exec, no socket, no executable mapping.
 *
 * Anything else traps: SCMP_ACT_TRAP, not KILL_PROCESS, so that a handler
 * can name the call, restore the terminal and exit 125. The trapped call
 * never runs either way, and the handler cannot be swapped or dodged:
 * rt_sigaction is not allowed, and a blocked SIGSYS is forced to its
 * default action (a kill) by the kernel. The handler only writes and
 * exits, so it needs nothing the filters do not allow; the syscall names
 * are looked up before the filter goes on (libseccomp allocates them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox_int.h"
#include "term.h"

#define SANDBOX_NAMES_MAX 512 /* x86-64 syscall numbers are below this */

static char *sandbox_names[SANDBOX_NAMES_MAX];
static pthread_once_t sandbox_once = PTHREAD_ONCE_INIT;
static int sandbox_once_rc;

static size_t sandbox_append(char *buf, size_t at, size_t cap, const char *s)
{
    while (*s && at + 1 < cap)
        buf[at++] = *s++;
    buf[at] = '\0';
    return at;
}

static size_t sandbox_append_num(char *buf, size_t at, size_t cap, int v)
{
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    char digits[12];
    size_t n = 0;

    do
        digits[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0 && n < sizeof(digits));
    if (v < 0 && at + 1 < cap)
        buf[at++] = '-';
    while (n > 0 && at + 1 < cap)
        buf[at++] = digits[--n];
    buf[at] = '\0';
    return at;
}

/* SIGSYS from the filter: say which call, restore the terminal, exit 125.
 * Async-signal-safe: no stdio, no allocation. */
static void sandbox_sigsys(int sig, siginfo_t *si, void *uc)
{
    int nr = si->si_syscall;
    const char *name = nr >= 0 && nr < SANDBOX_NAMES_MAX && sandbox_names[nr]
                       ? sandbox_names[nr] : "?";
    char msg[256];
    size_t n;

    (void)sig;
    (void)uc;
    term_restore(); /* the message must not land on a raw terminal */
    n = sandbox_append(msg, 0, sizeof(msg), "mica: seccomp: mica made a "
                       "forbidden system call, ");
    n = sandbox_append(msg, n, sizeof(msg), name);
    n = sandbox_append(msg, n, sizeof(msg), " (");
    n = sandbox_append_num(msg, n, sizeof(msg), nr);
    n = sandbox_append(msg, n, sizeof(msg), "), and was stopped (a bug in "
                       "mica, or a guest attack; --seccomp=off runs without "
                       "the sandbox)\n");
    if (write(2, msg, n) < 0)
        _exit(MICA_STATUS_ERROR);
    _exit(MICA_STATUS_ERROR);
}

static void sandbox_prepare_once(void)
{
    struct sigaction sa;
    int nr;

    for (nr = 0; nr < SANDBOX_NAMES_MAX; nr++)
        sandbox_names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
                                                             nr);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = sandbox_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sandbox_once_rc = sigaction(SIGSYS, &sa, NULL) < 0 ? -errno : 0;
}

/* What every mica thread may do: exit, take signals, wait on futexes,
 * manage its memory (never executable), write its messages. */
static const int sandbox_base_calls[] = {
    SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
    SCMP_SYS(restart_syscall), SCMP_SYS(rt_sigprocmask), SCMP_SYS(futex),
    SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
    SCMP_SYS(clock_gettime), SCMP_SYS(getpid), SCMP_SYS(gettid),
    SCMP_SYS(write), SCMP_SYS(writev),
};

int sandbox_allow(scmp_filter_ctx ctx, const int *calls, size_t n)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < n; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0);
    return rc;
}

int sandbox_allow_ioctl(scmp_filter_ctx ctx, int fd, unsigned long cmd)
{
    /* both are 32-bit in the kernel: compare the low halves only */
    return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 2,
                            SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu,
                                    (scmp_datum_t)(unsigned)fd),
                            SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
                                    (scmp_datum_t)cmd));
}

/* kill(2) for these pids only (mica's children, and mica itself, which
 * re-raises a fatal signal after restoring the terminal). */
int sandbox_allow_kill(scmp_filter_ctx ctx, const pid_t *pids, size_t n)
{
    size_t i;
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));

    for (i = 0; rc == 0 && i < n; i++)
        if (pids[i] > 0)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
                                  SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)pids[i]));
    return rc;
}

/* -t: the terminal ioctls of term.c, on the terminal only. */
static const unsigned long sandbox_tty_ioctls[] = {
    TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ,
};

int sandbox_allow_tty(scmp_filter_ctx ctx, int tty_fd)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && tty_fd >= 0 && i < SANDBOX_LEN(sandbox_tty_ioctls);
         i++)
        rc = sandbox_allow_ioctl(ctx, tty_fd, sandbox_tty_ioctls[i]);
    return rc;
}

int sandbox_new(scmp_filter_ctx *out, const int *calls, size_t n,
                struct mica_error *err)
{
    scmp_filter_ctx ctx;
    int rc;

    pthread_once(&sandbox_once, sandbox_prepare_once);
    if (sandbox_once_rc < 0)
        return mica_error_sys(err, -sandbox_once_rc, "sigaction(SIGSYS)");
    ctx = seccomp_init(SCMP_ACT_TRAP);
    if (ctx == NULL)
        return mica_error_set(err, ENOMEM, "seccomp_init failed");
    rc = sandbox_allow(ctx, sandbox_base_calls, SANDBOX_LEN(sandbox_base_calls));
    if (rc == 0)
        rc = sandbox_allow(ctx, calls, n);
    if (rc == 0) /* anonymous or file memory, never executable */
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
                              SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    if (rc == 0) /* malloc grows a thread's arena with mprotect */
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
                              SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    if (rc < 0) {
        seccomp_release(ctx);
        return mica_error_sys(err, -rc, "cannot build the seccomp filter");
    }
    *out = ctx;
    return 0;
}

/* MICA_TEST_SECCOMP_VIOLATE=1 (tests/system/sandbox.sh): make a call the
 * filter forbids right after it is on, to prove it is. */
static void sandbox_test_violate(int test_hook)
{
    if (test_hook)
        syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
}

int sandbox_load(scmp_filter_ctx ctx, int rc, int test_hook,
                 struct mica_error *err)
{
    if (rc == 0)
        rc = seccomp_load(ctx); /* sets no_new_privs itself */
    seccomp_release(ctx);
    if (rc < 0)
        return mica_error_sys(err, -rc, "cannot enter the seccomp sandbox");
    sandbox_test_violate(test_hook);
    return 0;
}

int sandbox_test_hook(void)
{
    const char *v = getenv("MICA_TEST_SECCOMP_VIOLATE");

    return v && strcmp(v, "1") == 0;
}

/* The QEMU engine's loop: console pipes and rings, signals, its children. */
static const int sandbox_qemu_loop_calls[] = {
    SCMP_SYS(read), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(close),
    SCMP_SYS(wait4), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek),
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

/* openat for reading only: no create, truncate or write access. */
static int sandbox_allow_vfs_server(scmp_filter_ctx ctx)
{
    int rc = sandbox_allow(ctx, sandbox_vfs_server_calls,
                           SANDBOX_LEN(sandbox_vfs_server_calls));

    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                              SCMP_A2(SCMP_CMP_MASKED_EQ,
                                      O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND,
                                      0)); /* O_TMPFILE needs write access */
    return rc;
}

int sandbox_enter_qemu_loop(const struct sandbox_qemu *s,
                            struct mica_error *err)
{
    scmp_filter_ctx ctx;
    int rc = sandbox_new(&ctx, sandbox_qemu_loop_calls,
                         SANDBOX_LEN(sandbox_qemu_loop_calls), err);

    if (rc < 0)
        return rc;
    rc = sandbox_allow_kill(ctx, s->pids, s->nr_pids);
    if (rc == 0)
        rc = sandbox_allow_tty(ctx, s->tty_fd);
    if (rc == 0 && s->vfs_server)
        rc = sandbox_allow_vfs_server(ctx);
    if (rc == 0 && (s->vfs_server & 2))
        rc = sandbox_allow(ctx, sandbox_vfs_writer_calls,
                           SANDBOX_LEN(sandbox_vfs_writer_calls));
    return sandbox_load(ctx, rc, sandbox_test_hook(), err);
}
