/* mica VMM: the boot vCPU's registers, and a register dump for reports.
 *
 * The vCPU starts in 64-bit mode on the boot page tables (docs/pvm.md
 * section 2): flat 64-bit code at selector 0x10, data at 0x18. PVM rejects
 * CR4.PCIDE, and its guest kernel runs at CPL 3 whatever DPL says.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvm_int.h"

#define CR0_BOOT 0x80050033ull  /* PG AM WP NE ET MP PE */
#define CR4_PVM 0x620ull        /* PAE OSFXSR OSXMMEXCPT */
#define CR4_RING0 0x6a0ull      /* the same plus PGE */
#define EFER_BOOT 0xd01ull      /* NXE LMA LME SCE */

static void vcpu_segment(struct kvm_segment *s, uint16_t sel, uint8_t type,
                         int code)
{
    memset(s, 0, sizeof(*s));
    s->base = 0;
    s->limit = 0xfffff;
    s->selector = sel;
    s->type = type;
    s->present = 1;
    s->s = 1;
    s->dpl = 0;
    s->l = code ? 1 : 0;
    s->db = code ? 0 : 1;
    s->g = 1;
}

static int vcpu_sregs(struct kvm_vm *vm, struct mica_error *err)
{
    struct kvm_sregs s;

    if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0)
        return mica_error_sys(err, errno, "KVM_GET_SREGS");
    s.cr0 = CR0_BOOT;
    s.cr3 = MICA_BOOT_PT_GPA;
    s.cr4 = vm->platform == MICA_PLATFORM_PVM ? CR4_PVM : CR4_RING0;
    s.efer = EFER_BOOT;
    vcpu_segment(&s.cs, 0x10, 0xb, 1);
    vcpu_segment(&s.ds, 0x18, 0x3, 0);
    s.es = s.fs = s.gs = s.ss = s.ds;
    memset(&s.ldt, 0, sizeof(s.ldt));
    memset(&s.tr, 0, sizeof(s.tr));
    s.tr.present = 1;
    s.tr.type = 11; /* busy 64-bit TSS */
    s.tr.limit = 0x67;
    if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &s) < 0)
        return mica_error_sys(err, errno, "KVM_SET_SREGS");
    return 0;
}

int kvm_vcpu_setup(struct kvm_vm *vm, struct mica_error *err)
{
    struct kvm_regs r;
    int rc;

    rc = vcpu_sregs(vm, err);
    if (rc < 0)
        return rc;
    memset(&r, 0, sizeof(r));
    r.rip = vm->entry;
    r.rsp = 0; /* the kernel sets up its own stack */
    r.rflags = 2;
    r.rdi = MICA_BOOT_MAGIC;
    r.rsi = MICA_BOOT_INFO_GPA;
    if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &r) < 0)
        return mica_error_sys(err, errno, "KVM_SET_REGS");
    return 0;
}

/* Registers as text, for a report. Call from the vCPU thread (or when it
 * is not in KVM_RUN). Under PVM, CS from KVM_GET_SREGS may be stale. */
void kvm_vcpu_dump(struct kvm_vm *vm, char *buf, size_t len)
{
    struct kvm_regs r;
    struct kvm_sregs s;

    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
        ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
        snprintf(buf, len, "  (registers unavailable)");
        return;
    }
    snprintf(buf, len,
             "  rip %016llx rsp %016llx rflags %08llx\n"
             "  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
             "  rsi %016llx rdi %016llx rbp %016llx r8  %016llx\n"
             "  cr0 %08llx cr2 %016llx cr3 %016llx cr4 %08llx efer %llx\n"
             "  cs %04x (dpl %u) ss %04x",
             r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi,
             r.rbp, r.r8, s.cr0, s.cr2, s.cr3, s.cr4, s.efer, s.cs.selector,
             s.cs.dpl, s.ss.selector);
}
