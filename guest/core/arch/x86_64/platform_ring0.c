/* Platform operations: the ordinary ring-0 way (hardware KVM, QEMU) and
 * the PVM way (docs/pvm.md section 10: what traps and what to use instead).
 * Each operation picks by `arch_pvm`, fixed at boot. */
#include "arch.h"

bool arch_pvm;

void arch_wrmsr(uint32_t msr, uint64_t v)
{
    if (arch_pvm) {
        pvm_hypercall(PVM_HC_WRMSR, msr, v, 0);
        return;
    }
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "memory");
}

void arch_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    uint32_t a = leaf, b, c = sub, d;
    if (arch_pvm) /* the plain instruction returns the outer host's table */
        __asm__ volatile("int $0x1a" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)::"memory");
    else
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
}

void arch_load_cr3(uint64_t pa)
{
    if (arch_pvm) {
        pvm_hypercall(PVM_HC_SET_CR3, pa, 0, 0);
        return;
    }
    __asm__ volatile("mov %0, %%cr3" ::"r"(pa) : "memory");
}

void arch_flush_tlb_one(uint64_t va)
{
    if (arch_pvm) {
        pvm_hypercall(PVM_HC_FLUSH_TLB_ONE, va, 0, 0);
        return;
    }
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

void arch_flush_tlb_all(void)
{
    if (arch_pvm) {
        pvm_hypercall(PVM_HC_FLUSH_TLB, 0, 0, 0);
        return;
    }
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
}

void arch_halt(void)
{
    if (arch_pvm) {
        pvm_hypercall(PVM_HC_HALT, 0, 0, 0);
        return;
    }
    __asm__ volatile("hlt" ::: "memory");
}

void arch_irq_disable(void)
{
    if (arch_pvm) {
        if (cpu0.vif)
            cpu0.vif[PVM_VIF_IF] = 0;
        return;
    }
    __asm__ volatile("cli" ::: "memory");
}

uint64_t arch_fault_address(void)
{
    uint64_t cr2;
    if (arch_pvm) /* feature bit 4: the hypervisor writes CR2 to VIF+8 */
        return *(volatile uint64_t *)(this_cpu()->vif + PVM_VIF_CR2);
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    return cr2;
}

/* Ring 0 only: SSE/AVX state for user programs, FSGSBASE. */
void arch_ring0_cpu_features(void)
{
    uint32_t r[4];
    uint64_t cr0 = read_cr0(), cr4 = read_cr4();

    /* -EM -TS +MP, and +WP: the kernel must fault on read-only user pages
     * (copy_to_user into them is -EFAULT, not a silent write) */
    cr0 = (cr0 & ~(1ul << 2 | 1ul << 3)) | (1ul << 1) | (1ul << 16);
    cr4 |= (1ul << 9) | (1ul << 10); /* OSFXSR OSXMMEXCPT */
    arch_cpuid(7, 0, r);
    if (r[1] & (1u << 7))
        cr4 |= 1ul << 20; /* SMEP: never execute user pages in the kernel */
    arch_cpuid(1, 0, r);
    bool xsave = r[2] & (1u << 26);
    if (xsave)
        cr4 |= 1ul << 18; /* OSXSAVE */
    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0) : "memory");
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
    if (xsave) {
        arch_cpuid(0xd, 0, r);
        uint64_t xcr0 = r[0] & 0x7; /* x87, SSE, AVX */
        if ((r[0] & 0xe0) == 0xe0)
            xcr0 |= 0xe0; /* AVX-512 */
        __asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)));
    }
}
