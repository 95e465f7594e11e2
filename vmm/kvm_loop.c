/* mica VMM: run the KVM VM: the vCPU thread and the event loop.
 *
 * The vCPU thread runs KVM_RUN and handles the exits that need it: the
 * debug-exit port (the end), the console "pull" port (the guest waits for
 * stdin, synchronously) and the failures. The calling thread is the device
 * thread: it drains the console out-ring when the ioeventfd doorbell
 * rings, answers a pending stdin request whenever mica's stdin becomes
 * readable (a guest that sent STDIN_REQ with a plain kick runs on
 * meanwhile), forwards SIGINT/SIGTERM/SIGHUP, sends the window size on
 * SIGWINCH (-t), runs the boot watchdog and ends the run when --timeout
 * runs out (status 124). Either thread stops
 * the VM through kvm_vm_stop/kvm_guest_fault, which kick the vCPU out of
 * KVM_RUN with a signal (KVM_CAP_IMMEDIATE_EXIT closes the race).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kvm_int.h"
#include "sandbox.h"

#define KVM_STOP_RETRY_MS 100

/* the device thread's poll set: kick, signals, vCPU done, stdin */
enum { KVM_PFD_IN = 3, KVM_PFD_COUNT };

static int kvm_con_sink(void *opaque, const uint8_t *buf, size_t len)
{
    struct kvm_vm *vm = opaque;

    return conmux_feed(&vm->cm, buf, len);
}

/* Drain the out-ring into the demuxer; any protocol breach stops the VM. */
void kvm_console_drain(struct kvm_vm *vm)
{
    int rc;

    pthread_mutex_lock(&vm->con_lock);
    rc = console_ring_drain(&vm->ring, kvm_con_sink, vm);
    pthread_mutex_unlock(&vm->con_lock);
    if (rc < 0 && vm->cm.host_failed)
        kvm_vm_fail(vm, &vm->cm.err);
    else if (rc == -EPROTO && vm->cm.failed)
        kvm_guest_fault(vm, "%s", vm->cm.err.msg);
    else if (rc == -EPROTO)
        kvm_guest_fault(vm, "console out-ring producer index is out of range");
}

static int kvm_stdin_pending(struct kvm_vm *vm)
{
    int pending;

    pthread_mutex_lock(&vm->con_lock);
    pending = conmux_stdin_pending(&vm->cm);
    pthread_mutex_unlock(&vm->con_lock);
    return pending;
}

/* Answer the pending stdin request if stdin is readable now; either
 * thread may, and whichever comes first does (conmux_stdin_answer never
 * blocks and reads only for a pending request). */
static int kvm_stdin_try(struct kvm_vm *vm)
{
    int rc;

    pthread_mutex_lock(&vm->con_lock);
    rc = conmux_stdin_answer(&vm->cm);
    pthread_mutex_unlock(&vm->con_lock);
    if (rc == -EPROTO)
        kvm_guest_fault(vm, "%s", vm->cm.err.msg);
    return rc;
}

/* Wait until stdin is readable, without holding con_lock (so signals and
 * doorbells are still served); 0 if the VM was stopped or the device
 * thread answered meanwhile (seen within KVM_STOP_RETRY_MS). */
static int kvm_stdin_wait(struct kvm_vm *vm)
{
    struct pollfd p = { .fd = vm->cm.in_fd, .events = POLLIN };
    int n;

    while (!kvm_vm_is_stopped(vm) && kvm_stdin_pending(vm)) {
        n = poll(&p, 1, KVM_STOP_RETRY_MS);
        if (n > 0 || (n < 0 && errno != EINTR))
            return 1; /* readable, or read() will say what is wrong */
    }
    return 0;
}

/* The PULL doorbell: the guest waits for stdin, synchronously: keep the
 * vCPU here until its request is answered (by this thread or the device
 * thread). -EINTR from read: the guest pulls again. */
static void kvm_console_pull(struct kvm_vm *vm)
{
    kvm_console_drain(vm);
    while (kvm_stdin_wait(vm))
        if (kvm_stdin_try(vm) == -EINTR)
            return;
}

/* A KICK doorbell the ioeventfd did not take: ring the eventfd ourselves,
 * so the device thread drains, as for any kick, and sees a STDIN_REQ that
 * the guest will not wait for. */
static void kvm_console_kick(struct kvm_vm *vm)
{
    uint64_t one = 1;

    if (write(vm->kick_fd, &one, sizeof(one)) < 0)
        kvm_console_drain(vm); /* the counter is full: it is ringing */
}

static void kvm_debug_exit(struct kvm_vm *vm)
{
    struct mica_error e;
    int status;

    kvm_console_drain(vm);
    status = conmux_status(&vm->cm);
    if (status >= 0) {
        kvm_vm_stop(vm, status);
        return;
    }
    mica_error_init(&e);
    mica_error_set(&e, EIO, "the guest stopped without reporting an exit "
                   "status");
    kvm_vm_fail(vm, &e);
}

static void kvm_exit_io(struct kvm_vm *vm)
{
    struct kvm_run *run = vm->run;
    int out = run->io.direction == KVM_EXIT_IO_OUT;

    if (out && run->io.port == MICA_PORT_DEBUG_EXIT)
        kvm_debug_exit(vm);
    else if (out && run->io.port == MICA_PORT_CONSOLE_PULL)
        kvm_console_pull(vm);
    else if (out && run->io.port == MICA_PORT_CONSOLE_KICK)
        kvm_console_kick(vm);
    else
        kvm_guest_fault(vm, "unexpected I/O port %s: port 0x%x, %u byte(s)",
                        out ? "write" : "read", run->io.port, run->io.size);
}

/* A fatal exit: reason plus registers, status 125. */
static void kvm_exit_fatal(struct kvm_vm *vm, const char *what)
{
    char regs[1024];
    struct mica_error e;

    kvm_vcpu_dump(vm, regs, sizeof(regs));
    mica_error_init(&e);
    mica_error_set(&e, EIO, "%s\n%s", what, regs);
    kvm_vm_fail(vm, &e);
}

static void kvm_exit_unexpected(struct kvm_vm *vm, const char *fmt,
                                unsigned long long v)
{
    char what[128];

    snprintf(what, sizeof(what), fmt, v);
    kvm_exit_fatal(vm, what);
}

static void kvm_exit_dispatch(struct kvm_vm *vm)
{
    struct kvm_run *run = vm->run;

    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        return kvm_exit_io(vm);
    case KVM_EXIT_MMIO:
        return kvm_guest_fault(vm, "unexpected MMIO %s at 0x%llx",
                               run->mmio.is_write ? "write" : "read",
                               (unsigned long long)run->mmio.phys_addr);
    case KVM_EXIT_SHUTDOWN:
        return kvm_exit_fatal(vm, "guest kernel triple fault (shutdown)");
    case KVM_EXIT_INTERNAL_ERROR:
        return kvm_exit_unexpected(vm, "KVM internal error (suberror %llu)",
                                   run->internal.suberror);
    case KVM_EXIT_FAIL_ENTRY:
        return kvm_exit_unexpected(vm, "KVM could not enter the guest "
                                   "(reason 0x%llx)",
                                   run->fail_entry.hardware_entry_failure_reason);
    case KVM_EXIT_HLT:
        return kvm_guest_fault(vm, "the guest halted for good (hlt with "
                               "interrupts off)");
    default:
        return kvm_exit_unexpected(vm, "unexpected KVM exit (reason %llu)",
                                   run->exit_reason);
    }
}

static void kvm_vcpu_interrupted(struct kvm_vm *vm)
{
    if (vm->watchdog_fired && !kvm_vm_is_stopped(vm))
        kvm_exit_unexpected(vm, "guest kernel did not boot: no console "
                            "output within %llu s", KVM_WATCHDOG_MS / 1000);
    vm->run->immediate_exit = 0;
}

/* Each thread loads its own seccomp filter (sandbox_kvm.c): this one
 * first, then the device thread; only then does the guest run. */
static void kvm_vcpu_sandbox(struct kvm_vm *vm)
{
    struct mica_error e;

    mica_error_init(&e);
    if (!vm->cfg->opts->seccomp_off &&
        sandbox_enter_kvm_vcpu(vm->vcpu_fd, &e) < 0)
        kvm_vm_fail(vm, &e);
    pthread_barrier_wait(&vm->gate); /* this thread's filter is on */
    pthread_barrier_wait(&vm->gate); /* and the device thread's */
}

static void *kvm_vcpu_thread(void *opaque)
{
    struct kvm_vm *vm = opaque;
    struct mica_error e;
    uint64_t one = 1;

    kvm_vcpu_sandbox(vm);
    while (!kvm_vm_is_stopped(vm)) {
        if (ioctl(vm->vcpu_fd, KVM_RUN, 0) == 0) {
            kvm_exit_dispatch(vm);
            continue;
        }
        if (errno == EINTR || errno == EAGAIN) {
            kvm_vcpu_interrupted(vm);
            continue;
        }
        mica_error_init(&e);
        mica_error_sys(&e, errno, "KVM_RUN");
        kvm_vm_fail(vm, &e);
    }
    if (write(vm->done_fd, &one, sizeof(one)) < 0)
        return NULL;
    return NULL;
}

static void kvm_kick_handler(int sig)
{
    (void)sig; /* only to make KVM_RUN and read() return EINTR */
}

void kvm_vcpu_kick(struct kvm_vm *vm)
{
    if (vm->run)
        __atomic_store_n(&vm->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (vm->vcpu_started)
        pthread_kill(vm->vcpu_thread, KVM_KICK_SIGNAL);
}

static int kvm_loop_start(struct kvm_vm *vm, struct mica_error *err)
{
    struct mica_error e;
    struct sigaction sa;
    int rc;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = kvm_kick_handler; /* no SA_RESTART */
    sigemptyset(&sa.sa_mask);
    if (sigaction(KVM_KICK_SIGNAL, &sa, NULL) < 0)
        return mica_error_sys(err, errno, "sigaction");
    conmux_init(&vm->cm, vm->cfg->opts->verbose, kvm_console_send, vm);
    engine_conmux_setup(&vm->cm, vm->cfg);
    rc = pthread_barrier_init(&vm->gate, NULL, 2);
    if (rc != 0)
        return mica_error_sys(err, rc, "pthread_barrier_init");
    rc = pthread_create(&vm->vcpu_thread, NULL, kvm_vcpu_thread, vm);
    if (rc != 0) {
        pthread_barrier_destroy(&vm->gate);
        return mica_error_sys(err, rc, "cannot start the vCPU thread");
    }
    vm->vcpu_started = 1;
    pthread_barrier_wait(&vm->gate); /* the vCPU thread's filter is on */
    mica_error_init(&e);
    if (!vm->cfg->opts->seccomp_off &&
        sandbox_enter_kvm_main(vm->cfg->tty_fd, &e) < 0)
        kvm_vm_fail(vm, &e); /* the vCPU thread sees it and ends */
    pthread_barrier_wait(&vm->gate);
    return 0;
}

static int kvm_watchdog_armed(struct kvm_vm *vm)
{
    return vm->cm.nr_records == 0 && vm->cm.have == 0 && !vm->watchdog_fired;
}

/* Poll timeout: the watchdog's remaining time until the first record,
 * then forever, either cut down to the --timeout deadline; once
 * stopping, short retries until the vCPU is out. */
static int kvm_loop_timeout(struct kvm_vm *vm)
{
    int64_t left;

    if (kvm_vm_is_stopped(vm))
        return KVM_STOP_RETRY_MS;
    if (!kvm_watchdog_armed(vm))
        return engine_poll_ms(vm->cfg, -1);
    left = vm->start_ms + KVM_WATCHDOG_MS - engine_now_ms();
    return engine_poll_ms(vm->cfg, left > 0 ? (int)left : 0);
}

/* SIGWINCH (-t): the new window size into the in-ring. */
static void kvm_winsize_send(struct kvm_vm *vm)
{
    int rc;

    pthread_mutex_lock(&vm->con_lock);
    rc = engine_winsize_send(&vm->cm);
    pthread_mutex_unlock(&vm->con_lock);
    if (rc == -EPROTO)
        kvm_guest_fault(vm, "%s", vm->cm.err.msg);
}

static void kvm_loop_events(struct kvm_vm *vm, struct pollfd *p, int n)
{
    uint64_t count;
    int sig;

    if (p[0].revents & POLLIN) {
        if (read(vm->kick_fd, &count, sizeof(count)) > 0)
            kvm_console_drain(vm);
    }
    if (p[1].revents & POLLIN) {
        sig = engine_signal_read(vm->cfg->sigfd);
        if (sig == SIGWINCH)
            kvm_winsize_send(vm);
        else if (sig)
            kvm_vm_stop(vm, 128 + sig);
    }
    if (p[KVM_PFD_IN].revents && !kvm_vm_is_stopped(vm))
        kvm_stdin_try(vm); /* an asynchronous STDIN_REQ (console.h) */
    if (n == 0 && kvm_vm_is_stopped(vm))
        kvm_vcpu_kick(vm); /* it may have missed the first kick */
    else if (n == 0 && engine_deadline_passed(vm->cfg))
        kvm_vm_timeout(vm);
    else if (n == 0 && kvm_watchdog_armed(vm) &&
             engine_now_ms() >= vm->start_ms + KVM_WATCHDOG_MS) {
        vm->watchdog_fired = 1;
        kvm_vcpu_kick(vm);
    }
}

int kvm_loop_run(struct kvm_vm *vm, struct mica_error *err)
{
    struct pollfd p[KVM_PFD_COUNT];
    int n, rc;

    vm->start_ms = engine_now_ms();
    rc = kvm_loop_start(vm, err);
    if (rc < 0)
        return rc;
    p[0] = (struct pollfd){ .fd = vm->kick_fd, .events = POLLIN };
    p[1] = (struct pollfd){ .fd = vm->cfg->sigfd, .events = POLLIN };
    p[2] = (struct pollfd){ .fd = vm->done_fd, .events = POLLIN };
    for (;;) {
        /* stdin only while a request waits: mica never reads ahead */
        p[KVM_PFD_IN] = (struct pollfd){ .events = POLLIN,
            .fd = kvm_stdin_pending(vm) ? vm->cm.in_fd : -1 };
        n = poll(p, KVM_PFD_COUNT, kvm_loop_timeout(vm));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || (p[2].revents & POLLIN))
            break;
        kvm_loop_events(vm, p, n);
    }
    pthread_join(vm->vcpu_thread, NULL);
    pthread_barrier_destroy(&vm->gate);
    vm->vcpu_started = 0;
    if (!vm->failed)
        kvm_console_drain(vm); /* whatever the guest wrote last */
    return 0;
}
