/* mica VMM: the KVM engine: probe /dev/kvm, build the VM, run it, and
 * decide how the run ended.
 *
 * How a run ends is recorded once, by the first of: the guest's exit
 * (debug-exit port after its EXIT record), a forwarded signal, guest
 * misbehaviour (kvm_guest_fault: the one place it is reported), or a
 * failure of KVM or of mica itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_int.h"
#include "privs.h"

int engine_kvm_probe(struct mica_error *err)
{
    int fd, vm, version;

    fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return mica_error_set(err, errno, "%s", strerror(errno));
    version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        close(fd);
        return mica_error_set(err, ENOTSUP, "KVM API version %d, not %d",
                              version, KVM_API_VERSION);
    }
    vm = ioctl(fd, KVM_CREATE_VM, 0);
    if (vm < 0) {
        int e = errno;

        close(fd);
        return mica_error_set(err, e, "cannot create a VM: %s", strerror(e));
    }
    close(vm);
    close(fd);
    return 0;
}

int kvm_vm_is_stopped(struct kvm_vm *vm)
{
    int stopped;

    pthread_mutex_lock(&vm->stop_lock);
    stopped = vm->stopped;
    pthread_mutex_unlock(&vm->stop_lock);
    return stopped;
}

/* First stop wins; returns 1 if this call stopped the VM. */
static int kvm_vm_stop_once(struct kvm_vm *vm, int status,
                            const struct mica_error *err)
{
    int first;

    pthread_mutex_lock(&vm->stop_lock);
    first = !vm->stopped;
    if (first) {
        vm->stopped = 1;
        vm->status = status;
        if (err) {
            vm->failed = 1;
            vm->err = *err;
        }
    }
    pthread_mutex_unlock(&vm->stop_lock);
    if (first)
        kvm_vcpu_kick(vm);
    return first;
}

void kvm_vm_stop(struct kvm_vm *vm, int status)
{
    kvm_vm_stop_once(vm, status, NULL);
}

void kvm_vm_timeout(struct kvm_vm *vm)
{
    if (kvm_vm_stop_once(vm, MICA_STATUS_TIMEOUT, NULL))
        vm->timed_out = 1;
}

void kvm_vm_fail(struct kvm_vm *vm, const struct mica_error *err)
{
    kvm_vm_stop_once(vm, MICA_STATUS_ERROR, err);
}

void kvm_guest_fault(struct kvm_vm *vm, const char *fmt, ...)
{
    struct mica_error e;
    char what[MICA_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    mica_error_init(&e);
    mica_error_set(&e, EPROTO, "guest misbehaved, VM stopped: %s", what);
    kvm_vm_stop_once(vm, MICA_STATUS_ERROR, &e);
}

/* Called with con_lock held (conmux_stdin_answer, conmux_send_winsize),
 * which decide whether a failure is the guest's: a full ring is not,
 * for a window size. */
int kvm_console_send(void *opaque, const void *rec, size_t len)
{
    struct kvm_vm *vm = opaque;

    return console_ring_push(&vm->ring, rec, len);
}

/* The out-ring doorbell: any write of 1..4 bytes to the kick port signals
 * kick_fd without leaving the kernel. Length 0 matches any size; if this
 * KVM refuses it, register the three sizes one by one. */
static int kvm_kick_register(struct kvm_vm *vm, struct mica_error *err)
{
    static const uint32_t sizes[] = { 1, 2, 4 };
    struct kvm_ioeventfd io;
    size_t i;

    memset(&io, 0, sizeof(io));
    io.addr = MICA_PORT_CONSOLE_KICK;
    io.len = 0;
    io.fd = vm->kick_fd;
    io.flags = KVM_IOEVENTFD_FLAG_PIO;
    if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) == 0)
        return 0;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        io.len = sizes[i];
        if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0)
            return mica_error_sys(err, errno, "KVM_IOEVENTFD (console port)");
    }
    return 0;
}

static int kvm_result(struct kvm_vm *vm, int *status, struct mica_error *err)
{
    if (vm->failed) {
        *err = vm->err;
        return mica_error_status(err, MICA_STATUS_ERROR);
    }
    if (vm->cm.failed) {
        *err = vm->cm.err;
        return mica_error_status(err, MICA_STATUS_ERROR);
    }
    if (vm->timed_out)
        *vm->cfg->timed_out = 1;
    *status = vm->status;
    return 0;
}

int engine_kvm_run(const struct vm_config *cfg, int *status,
                   struct mica_error *err)
{
    struct kvm_vm vm;
    int rc;

    rc = kvm_vm_create(&vm, cfg, err);
    if (rc == 0)
        rc = kvm_boot_load(&vm, err);
    if (rc == 0)
        rc = kvm_vcpu_setup(&vm, err);
    if (rc == 0)
        rc = kvm_kick_register(&vm, err);
    if (rc == 0) /* /dev/kvm is an open fd now: no capability is needed */
        rc = privs_drop(err);
    if (rc == 0)
        rc = kvm_loop_run(&vm, err);
    if (rc == 0)
        rc = kvm_result(&vm, status, err);
    kvm_vm_destroy(&vm);
    if (rc < 0)
        return mica_error_wrap(err, "kvm engine");
    return 0;
}
