/* Unit tests for vmm/sandbox*.c and vmm/privs.c: the seccomp filters let
 * each thread do its job and trap anything else with a message naming the
 * call and status 125; the KVM engine's filters are tested here on stand-in
 * fds, as this machine may have no /dev/kvm. Every filter is loaded in a
 * child process, which the filter then confines for good. */
#define _GNU_SOURCE
#include <check.h>
#include "check_run.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/kvm.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privs.h"
#include "sandbox.h"

/* Run fn in a child with stderr on a pipe: its exit status, and what it
 * wrote there in msg. fn exits 0 when all it tried was allowed. */
static int in_child(void (*fn)(void), char *msg, size_t len)
{
    int p[2], status;
    ssize_t n, got = 0;
    pid_t pid;

    ck_assert_int_eq(pipe(p), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], 2);
        fn();
        _exit(0);
    }
    close(p[1]);
    while (got + 1 < (ssize_t)len &&
           (n = read(p[0], msg + got, len - 1 - (size_t)got)) > 0)
        got += n;
    msg[got] = '\0';
    close(p[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void expect_trap(void (*fn)(void), const char *call)
{
    char msg[512], want[64];

    ck_assert_int_eq(in_child(fn, msg, sizeof(msg)), 125);
    snprintf(want, sizeof(want), "forbidden system call, %s (", call);
    ck_assert_msg(strstr(msg, want) != NULL, "stderr: '%s', want '%s'", msg,
                  want);
    ck_assert_ptr_nonnull(strstr(msg, "--seccomp=off"));
    ck_assert_ptr_nonnull(strchr(msg, '\n'));
    ck_assert_ptr_eq(strchr(msg, '\n'), msg + strlen(msg) - 1); /* one line */
}

static void expect_allowed(void (*fn)(void))
{
    char msg[512];

    ck_assert_msg(in_child(fn, msg, sizeof(msg)) == 0, "stderr: '%s'", msg);
}

static void enter_or_die(int rc)
{
    if (rc < 0)
        _exit(99);
}

/* --- the QEMU engine's loop --- */

static void qemu_loop_enter(int vfs_server)
{
    struct sandbox_qemu s = { .tty_fd = -1, .vfs_server = vfs_server };
    struct mica_error e;

    mica_error_init(&e);
    enter_or_die(sandbox_enter_qemu_loop(&s, &e));
}

static void qemu_loop_work(void)
{
    char buf[64];
    int p[2], fd;
    void *m;

    if (pipe(p) < 0) /* before the filter, as mica's pipes are */
        _exit(98);
    qemu_loop_enter(0);
    if (write(p[1], "x", 1) != 1 || read(p[0], buf, sizeof(buf)) != 1)
        _exit(1);
    m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE |
             MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        _exit(2);
    free(malloc(1 << 20)); /* mmap, munmap */
    munmap(m, 1 << 20);
    close(p[0]);
    kill(getpid(), 0);
    fd = (int)waitpid(-1, NULL, WNOHANG); /* no child: ECHILD, not a trap */
    (void)fd;
}

static void qemu_loop_open(void)
{
    qemu_loop_enter(0);
    open("/dev/null", O_RDONLY);
}

static void qemu_loop_socket(void)
{
    qemu_loop_enter(1);
    socket(AF_UNIX, SOCK_STREAM, 0);
}

static void qemu_loop_exec_map(void)
{
    qemu_loop_enter(0);
    mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void qemu_loop_exec_protect(void)
{
    static char page[8192];

    qemu_loop_enter(0);
    mprotect((void *)(((unsigned long)page + 4095) & ~4095ul), 4096,
             PROT_READ | PROT_EXEC);
}

static void qemu_loop_kill_other(void)
{
    qemu_loop_enter(0);
    kill(1, 0);
}

static void qemu_loop_execve(void)
{
    char *argv[] = { "/bin/true", NULL };

    qemu_loop_enter(0);
    execve(argv[0], argv, argv + 1);
}

static void vfs_server_read_open(void)
{
    int fd;

    qemu_loop_enter(1);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        _exit(1);
    close(fd);
}

static void vfs_server_write_open(void)
{
    qemu_loop_enter(1);
    open("/dev/null", O_WRONLY);
}

START_TEST(test_qemu_loop_allows_its_work)
{
    expect_allowed(qemu_loop_work);
    expect_allowed(vfs_server_read_open);
}
END_TEST

START_TEST(test_qemu_loop_traps)
{
    expect_trap(qemu_loop_open, "openat");
    expect_trap(qemu_loop_socket, "socket");
    expect_trap(qemu_loop_exec_map, "mmap");
    expect_trap(qemu_loop_exec_protect, "mprotect");
    expect_trap(qemu_loop_kill_other, "kill");
    expect_trap(qemu_loop_execve, "execve");
    expect_trap(vfs_server_write_open, "openat");
}
END_TEST

/* --- the KVM engine's two threads, as kvm_loop.c runs them --- */

struct fake_vm {
    int vcpu_fd; /* /dev/null: an ioctl fails with ENOTTY, not a trap */
    int done_fd;
    pthread_barrier_t gate;
    void (*vcpu_work)(struct fake_vm *vm);
};

static void kick_handler(int sig)
{
    (void)sig;
}

static void *fake_vcpu_thread(void *opaque)
{
    struct fake_vm *vm = opaque;
    struct mica_error e;
    uint64_t one = 1;

    mica_error_init(&e);
    enter_or_die(sandbox_enter_kvm_vcpu(vm->vcpu_fd, &e));
    pthread_barrier_wait(&vm->gate);
    pthread_barrier_wait(&vm->gate);
    vm->vcpu_work(vm);
    if (write(vm->done_fd, &one, sizeof(one)) != sizeof(one))
        _exit(3);
    return NULL;
}

static void fake_vm_run(void (*vcpu_work)(struct fake_vm *vm),
                        void (*main_work)(struct fake_vm *vm))
{
    static struct fake_vm vm;
    struct pollfd p;
    struct mica_error e;
    pthread_t t;

    signal(SIGUSR1, kick_handler);
    vm.vcpu_fd = open("/dev/null", O_RDWR);
    vm.done_fd = eventfd(0, 0);
    vm.vcpu_work = vcpu_work;
    pthread_barrier_init(&vm.gate, NULL, 2);
    if (vm.vcpu_fd < 0 || vm.done_fd < 0 ||
        pthread_create(&t, NULL, fake_vcpu_thread, &vm) != 0)
        _exit(98);
    pthread_barrier_wait(&vm.gate);
    mica_error_init(&e);
    enter_or_die(sandbox_enter_kvm_main(-1, &e));
    pthread_barrier_wait(&vm.gate);
    p = (struct pollfd){ .fd = vm.done_fd, .events = POLLIN };
    if (poll(&p, 1, 5000) != 1)
        _exit(4);
    main_work(&vm);
    pthread_join(t, NULL);
    close(vm.vcpu_fd);
    close(vm.done_fd);
}

static void grow_arena(void)
{
    static void *blocks[512];
    size_t i;

    for (i = 0; i < 512; i++)
        if ((blocks[i] = malloc(4000)) == NULL)
            _exit(9);
    for (i = 0; i < 512; i++)
        free(blocks[i]);
}

static void vcpu_runs(struct fake_vm *vm)
{
    struct kvm_regs r;

    if (ioctl(vm->vcpu_fd, KVM_RUN, 0) != -1 || errno != ENOTTY)
        _exit(5);
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) != -1 || errno != ENOTTY)
        _exit(6);
    pthread_kill(pthread_self(), SIGUSR1); /* kvm_vm_stop kicks itself */
    grow_arena(); /* the thread's malloc arena grows with mprotect */
    free(malloc(4 << 20)); /* a mapping of its own */
    if (write(1, "", 0) < 0)
        _exit(7);
}

static void main_kicks(struct fake_vm *vm)
{
    uint64_t count;

    if (read(vm->done_fd, &count, sizeof(count)) != sizeof(count))
        _exit(8);
}

static void vcpu_set_regs(struct fake_vm *vm)
{
    struct kvm_regs r;

    memset(&r, 0, sizeof(r));
    ioctl(vm->vcpu_fd, KVM_SET_REGS, &r);
}

static void vcpu_other_fd_run(struct fake_vm *vm)
{
    ioctl(vm->done_fd, KVM_RUN, 0);
}

static void vcpu_open(struct fake_vm *vm)
{
    (void)vm;
    open("/dev/kvm", O_RDWR);
}

static void vcpu_other_signal(struct fake_vm *vm)
{
    (void)vm;
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2);
}

static void vcpu_read_open(struct fake_vm *vm)
{
    (void)vm;
    if (open("/proc/sys/vm/overcommit_memory", O_RDONLY) != -1 ||
        errno != EACCES)
        _exit(10);
}

static void vcpu_nothing(struct fake_vm *vm)
{
    (void)vm;
}

static void main_vcpu_ioctl(struct fake_vm *vm)
{
    ioctl(vm->vcpu_fd, KVM_RUN, 0);
}

static void kvm_ok(void) { fake_vm_run(vcpu_runs, main_kicks); }
static void kvm_set_regs(void) { fake_vm_run(vcpu_set_regs, main_kicks); }
static void kvm_other_fd(void) { fake_vm_run(vcpu_other_fd_run, main_kicks); }
static void kvm_vcpu_open(void) { fake_vm_run(vcpu_open, main_kicks); }
static void kvm_vcpu_sig(void) { fake_vm_run(vcpu_other_signal, main_kicks); }
static void kvm_main_run(void) { fake_vm_run(vcpu_nothing, main_vcpu_ioctl); }
static void kvm_read_open(void) { fake_vm_run(vcpu_read_open, main_kicks); }

START_TEST(test_kvm_threads_allowed)
{
    expect_allowed(kvm_ok);
    expect_allowed(kvm_read_open); /* refused, not trapped */
}
END_TEST

START_TEST(test_kvm_threads_trap)
{
    expect_trap(kvm_set_regs, "ioctl");
    expect_trap(kvm_other_fd, "ioctl");
    expect_trap(kvm_vcpu_open, "openat");
    expect_trap(kvm_vcpu_sig, "tgkill");
    expect_trap(kvm_main_run, "ioctl");
}
END_TEST

/* --- privileges --- */

START_TEST(test_privs_drop)
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct d[2];
    struct mica_error e;
    int root = geteuid() == 0;

    mica_error_init(&e);
    ck_assert_int_eq(privs_drop(&e), 0);
    ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
    ck_assert_int_eq(syscall(SYS_capget, &hdr, d), 0);
    ck_assert_uint_eq(d[0].effective | d[1].effective, 0);
    ck_assert_uint_eq(d[0].permitted | d[1].permitted, 0);
    ck_assert_uint_eq(d[0].inheritable | d[1].inheritable, 0);
    if (root) { /* the bounding set went too: exec cannot bring them back */
        ck_assert_int_eq(prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0), 0);
        ck_assert_int_eq(prctl(PR_CAPBSET_READ, CAP_DAC_OVERRIDE, 0, 0, 0), 0);
    }
    ck_assert_int_eq(privs_drop(&e), 0); /* twice is harmless */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sandbox");
    TCase *tc = tcase_create("filters");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_qemu_loop_allows_its_work);
    tcase_add_test(tc, test_qemu_loop_traps);
    tcase_add_test(tc, test_kvm_threads_allowed);
    tcase_add_test(tc, test_kvm_threads_trap);
    tcase_add_test(tc, test_privs_drop);
    suite_add_tcase(s, tc);
    return check_run(s);
}
