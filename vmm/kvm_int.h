/* mica VMM: the KVM engine's private state (engine_kvm.c, kvm_*.c). */
#ifndef MICA_VMM_KVM_INT_H
#define MICA_VMM_KVM_INT_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>

#include "conmux.h"
#include "console_ring.h"
#include "engine.h"
#include "mica/boot.h"

#define KVM_WATCHDOG_MS 10000 /* no console record by then: no boot */
#define KVM_KICK_SIGNAL SIGUSR1

struct kvm_vm {
    const struct vm_config *cfg;
    int kvm_fd, vm_fd, vcpu_fd;
    int kick_fd;                /* eventfd: console out-ring doorbell */
    int done_fd;                /* eventfd: the vCPU thread has ended */
    struct kvm_run *run;
    size_t run_size;
    uint8_t *mem;               /* guest RAM, GPA 0 .. mem_size */
    uint64_t mem_size;
    enum mica_platform platform;
    uint64_t tsc_khz;
    uint64_t entry;             /* kernel e_entry (virtual) */
    uint64_t kernel_end;        /* first GPA after the kernel image */
    uint64_t initrd_gpa;
    pthread_t vcpu_thread;
    int vcpu_started;
    /* console: the demuxer and the rings, shared by both threads */
    pthread_mutex_t con_lock;
    struct conmux cm;
    struct console_ring ring;
    /* how the run ended: first stop wins (under stop_lock) */
    pthread_mutex_t stop_lock;
    int stopped;
    int status;
    int failed;                 /* err holds a mica failure */
    struct mica_error err;
    int watchdog_fired;
    int timed_out;              /* --timeout stopped the VM */
    int64_t start_ms;           /* engine_now_ms() when the loop began */
    pthread_barrier_t gate;     /* both threads' seccomp filters are on */
};

/* The only way a guest-physical range becomes a host pointer: NULL unless
 * all of [gpa, gpa+len) is guest RAM. */
void *kvm_gpa_ptr(struct kvm_vm *vm, uint64_t gpa, uint64_t len);

/* kvm_vm.c: /dev/kvm, the VM, its memory, the vCPU and the platform. */
int kvm_vm_create(struct kvm_vm *vm, const struct vm_config *cfg,
                  struct mica_error *err);
void kvm_vm_destroy(struct kvm_vm *vm);

/* kvm_boot.c: load the kernel, initramfs, command line, boot info and
 * boot page tables into guest memory. */
int kvm_boot_load(struct kvm_vm *vm, struct mica_error *err);

/* kvm_vcpu.c: registers. */
int kvm_vcpu_setup(struct kvm_vm *vm, struct mica_error *err);
void kvm_vcpu_dump(struct kvm_vm *vm, char *buf, size_t len);

/* kvm_loop.c: the vCPU thread and the console/watchdog loop. */
int kvm_loop_run(struct kvm_vm *vm, struct mica_error *err);
void kvm_console_drain(struct kvm_vm *vm);
void kvm_vcpu_kick(struct kvm_vm *vm);

/* engine_kvm.c: the conmux send hook (stdin records into the in-ring). */
int kvm_console_send(void *opaque, const void *rec, size_t len);

/* Ending the run. kvm_vm_stop records the status of a normal end;
 * kvm_guest_fault is the one place guest misbehaviour is reported: it
 * records the reason (status 125) and stops the VM. Both are no-ops once
 * the VM is stopped, and both make the vCPU leave KVM_RUN. */
void kvm_vm_stop(struct kvm_vm *vm, int status);
void kvm_guest_fault(struct kvm_vm *vm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Record a failure that is mica's own or the platform's (status 125). */
void kvm_vm_fail(struct kvm_vm *vm, const struct mica_error *err);
int kvm_vm_is_stopped(struct kvm_vm *vm);
/* --timeout ran out: stop with status 124, unless the VM already ended. */
void kvm_vm_timeout(struct kvm_vm *vm);

#endif
