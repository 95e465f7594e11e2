/* mica VMM: create a KVM VM: guest RAM, irqchip, one vCPU, CPUID, and find
 * out whether /dev/kvm is kvm_pvm (docs/pvm.md section 2).
 *
 * Guest RAM is reserved, not committed (MAP_NORESERVE): a VM costs what
 * the guest touches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_int.h"

#define KVM_CPUID_MAX_ENTRIES 512

void *kvm_gpa_ptr(struct kvm_vm *vm, uint64_t gpa, uint64_t len)
{
    if (gpa > vm->mem_size || len > vm->mem_size - gpa)
        return NULL;
    return vm->mem + gpa;
}

/* What mica needs from KVM beyond the basics. */
static const struct {
    int cap;
    const char *name;
} kvm_needed_caps[] = {
    {KVM_CAP_IRQCHIP, "in-kernel irqchip"},
    {KVM_CAP_IOEVENTFD, "ioeventfd"},
    {KVM_CAP_IMMEDIATE_EXIT, "immediate exit"},
    {KVM_CAP_USER_MEMORY, "user memory"},
};

static int kvm_vm_check_caps(struct kvm_vm *vm, struct mica_error *err)
{
    size_t i;

    for (i = 0; i < sizeof(kvm_needed_caps) / sizeof(kvm_needed_caps[0]); i++)
        if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, kvm_needed_caps[i].cap) <= 0)
            return mica_error_set(err, ENOTSUP, "/dev/kvm lacks %s (KVM "
                                  "capability %d); use --engine qemu",
                                  kvm_needed_caps[i].name,
                                  kvm_needed_caps[i].cap);
    return 0;
}

static int kvm_vm_open(struct kvm_vm *vm, struct mica_error *err)
{
    int version;

    vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (vm->kvm_fd < 0)
        return mica_error_sys(err, errno, "/dev/kvm");
    version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION)
        return mica_error_set(err, ENOTSUP, "/dev/kvm: KVM API version %d, "
                              "mica needs %d", version, KVM_API_VERSION);
    if (kvm_vm_check_caps(vm, err) < 0)
        return -ENOTSUP;
    vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0)
        return mica_error_sys(err, errno, "KVM_CREATE_VM");
    if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
        return mica_error_sys(err, errno, "KVM_CREATE_IRQCHIP");
    return 0;
}

static int kvm_vm_memory(struct kvm_vm *vm, struct mica_error *err)
{
    struct kvm_userspace_memory_region slot = { 0 };

    vm->mem_size = vm->cfg->opts->mem_size;
    vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (vm->mem == MAP_FAILED) {
        vm->mem = NULL;
        return mica_error_sys(err, errno, "cannot reserve %llu MiB of guest "
                              "memory", (unsigned long long)(vm->mem_size >> 20));
    }
    madvise(vm->mem, vm->mem_size, MADV_DONTDUMP);
    slot.slot = 0;
    slot.guest_phys_addr = 0;
    slot.memory_size = vm->mem_size;
    slot.userspace_addr = (uintptr_t)vm->mem;
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
        return mica_error_sys(err, errno, "KVM_SET_USER_MEMORY_REGION");
    return 0;
}

static int kvm_vm_cpuid(struct kvm_vm *vm, struct mica_error *err)
{
    struct kvm_cpuid2 *cpuid;
    int rc = 0;

    cpuid = calloc(1, sizeof(*cpuid) +
                          KVM_CPUID_MAX_ENTRIES * sizeof(cpuid->entries[0]));
    if (cpuid == NULL)
        return mica_error_set(err, ENOMEM, "out of memory");
    cpuid->nent = KVM_CPUID_MAX_ENTRIES;
    if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0)
        rc = mica_error_sys(err, errno, "KVM_GET_SUPPORTED_CPUID");
    else if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
        rc = mica_error_sys(err, errno, "KVM_SET_CPUID2");
    free(cpuid);
    return rc;
}

/* One MSR through KVM_GET_MSRS; 0 if KVM does not know it. */
static int kvm_vcpu_msr_read(struct kvm_vm *vm, uint32_t index, uint64_t *val)
{
    struct {
        struct kvm_msrs hdr;
        struct kvm_msr_entry entry;
    } m;

    memset(&m, 0, sizeof(m));
    m.hdr.nmsrs = 1;
    m.entry.index = index;
    if (ioctl(vm->vcpu_fd, KVM_GET_MSRS, &m) != 1)
        return 0;
    *val = m.entry.data;
    return 1;
}

/* PVM if the signature MSR answers, unless --platform says otherwise. */
static int kvm_vm_platform(struct kvm_vm *vm, struct mica_error *err)
{
    enum mica_platform_choice choice = vm->cfg->opts->platform;
    uint64_t sig = 0, khz = 0;
    int is_pvm;

    is_pvm = kvm_vcpu_msr_read(vm, MICA_PVM_MSR_SIGNATURE, &sig) &&
             sig == MICA_PVM_SIGNATURE;
    if (choice == MICA_PLATFORM_CHOICE_PVM && !is_pvm)
        return mica_error_set(err, ENOTSUP, "--platform pvm: this /dev/kvm "
                              "is not kvm_pvm (use --platform auto)");
    /* ring0 on PVM runs, but every guest instruction is emulated (slow). */
    vm->platform = is_pvm && choice != MICA_PLATFORM_CHOICE_RING0
                       ? MICA_PLATFORM_PVM : MICA_PLATFORM_RING0;
    if (is_pvm && kvm_vcpu_msr_read(vm, MICA_PVM_MSR_TSC_KHZ, &khz) && khz)
        vm->tsc_khz = khz;
    else {
        int r = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);

        vm->tsc_khz = r > 0 ? (uint64_t)r : 0; /* 0: the guest calibrates */
    }
    return 0;
}

static int kvm_vm_vcpu(struct kvm_vm *vm, struct mica_error *err)
{
    int size;

    vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
    if (vm->vcpu_fd < 0)
        return mica_error_sys(err, errno, "KVM_CREATE_VCPU");
    size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size < (int)sizeof(struct kvm_run))
        return mica_error_sys(err, errno, "KVM_GET_VCPU_MMAP_SIZE");
    vm->run_size = (size_t)size;
    vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                   vm->vcpu_fd, 0);
    if (vm->run == MAP_FAILED) {
        vm->run = NULL;
        return mica_error_sys(err, errno, "mmap of the vCPU run area");
    }
    return kvm_vm_cpuid(vm, err);
}

int kvm_vm_create(struct kvm_vm *vm, const struct vm_config *cfg,
                  struct mica_error *err)
{
    int rc;

    memset(vm, 0, sizeof(*vm));
    vm->cfg = cfg;
    vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = vm->kick_fd = vm->done_fd = -1;
    pthread_mutex_init(&vm->con_lock, NULL);
    pthread_mutex_init(&vm->stop_lock, NULL);
    mica_error_init(&vm->err);
    vm->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    vm->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (vm->kick_fd < 0 || vm->done_fd < 0)
        return mica_error_sys(err, errno, "eventfd");
    rc = kvm_vm_open(vm, err);
    if (rc == 0)
        rc = kvm_vm_memory(vm, err);
    if (rc == 0)
        rc = kvm_vm_vcpu(vm, err);
    if (rc == 0)
        rc = kvm_vm_platform(vm, err);
    return rc;
}

static void kvm_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

void kvm_vm_destroy(struct kvm_vm *vm)
{
    if (vm->run)
        munmap(vm->run, vm->run_size);
    if (vm->mem)
        munmap(vm->mem, vm->mem_size);
    vm->run = NULL;
    vm->mem = NULL;
    kvm_close(&vm->vcpu_fd);
    kvm_close(&vm->vm_fd);
    kvm_close(&vm->kvm_fd);
    kvm_close(&vm->kick_fd);
    kvm_close(&vm->done_fd);
    pthread_mutex_destroy(&vm->con_lock);
    pthread_mutex_destroy(&vm->stop_lock);
}
