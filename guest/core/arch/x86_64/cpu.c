/* Per-CPU descriptor tables and syscall MSRs, for both platforms.
 *
 * The GDT uses Linux's selector layout so that SYSRET (ring 0) and the PVM
 * hypervisor agree on user selectors: 0x10 kernel code, 0x18 kernel data,
 * 0x23 user 32-bit code, 0x2b user data, 0x33 user code, TSS at 0x40. */
#include "arch.h"
#include "../../core_int.h"
#include <lib/string.h>

struct cpu cpu0 __attribute__((section(".bss.entry"), aligned(4096)));
static uint64_t idt[512] __attribute__((section(".bss.entry"), aligned(4096)));
extern char df_stack_top[], entry_stack0_top[];

_Static_assert(__builtin_offsetof(struct cpu, kstack_top) == CPU_KSTACK_TOP, "asm");
_Static_assert(__builtin_offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "asm");
_Static_assert(__builtin_offsetof(struct cpu, vif) == CPU_VIF, "asm");
_Static_assert(__builtin_offsetof(struct core_uregs, orig_rax) == UREGS_ORIG_RAX, "asm");
_Static_assert(__builtin_offsetof(struct core_uregs, r11) == UREGS_R11, "asm");
_Static_assert(__builtin_offsetof(struct core_uregs, rcx) == UREGS_RCX, "asm");
_Static_assert(__builtin_offsetof(struct core_uregs, ss) == UREGS_SS, "asm");
_Static_assert(sizeof(struct core_uregs) == UREGS_SIZE, "asm");

struct __attribute__((packed)) dtr {
    uint16_t limit;
    uint64_t base;
};

static void idt_init(void)
{
    for (int v = 0; v < 256; v++) {
        uint64_t h = (uint64_t)idt_stubs + v * 16;
        uint64_t dpl = (v == 3 || v == 4) ? 3 : 0;
        uint64_t ist = (v == 8) ? 1 : 0;
        idt[2 * v] = (h & 0xffff) | ((uint64_t)SEL_KCODE << 16) | (ist << 32) |
                     ((0x8eull | (dpl << 5)) << 40) | (((h >> 16) & 0xffff) << 48);
        idt[2 * v + 1] = h >> 32;
    }
}

static void gdt_init(struct cpu *c)
{
    uint64_t tb = (uint64_t)&c->tss, tl = sizeof(c->tss) - 1;

    memset(c->gdt, 0, sizeof(c->gdt));
    c->gdt[2] = 0x00af9a000000ffff; /* kernel code */
    c->gdt[3] = 0x00cf92000000ffff; /* kernel data */
    c->gdt[4] = 0x00cffa000000ffff; /* user code 32 */
    c->gdt[5] = 0x00cff2000000ffff; /* user data */
    c->gdt[6] = 0x00affa000000ffff; /* user code 64 */
    c->gdt[8] = (tl & 0xffff) | ((tb & 0xffffff) << 16) | (0x89ull << 40) |
                (((tl >> 16) & 0xf) << 48) | (((tb >> 24) & 0xff) << 56);
    c->gdt[9] = tb >> 32;
}

void arch_cpu_init(struct cpu *c, uint64_t kstack_top)
{
    struct dtr gd, id;

    c->self = c;
    c->kstack_top = kstack_top;
    memset(&c->tss, 0, sizeof(c->tss));
    /* Events from user mode land on the entry stack and move to the task's
     * kernel stack (entry.S). On PVM in KPTI mode RSP0 and every IST must
     * be upper-half addresses mapped in the user root too: the entry area
     * (kernel.ld, paging.c). */
    if (c == &cpu0) {
        c->entry_stack_top = (uint64_t)entry_stack0_top;
        c->df_stack_top = (uint64_t)df_stack_top;
    }
    c->tss.rsp[0] = c->entry_stack_top;
    c->tss.ist[0] = c->df_stack_top;
    c->tss.iomap_base = sizeof(c->tss);
    gdt_init(c);
    if (c == &cpu0)
        idt_init();

    gd = (struct dtr){sizeof(c->gdt) - 1, (uint64_t)c->gdt};
    id = (struct dtr){sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lgdt %0" ::"m"(gd) : "memory");
    __asm__ volatile("lidt %0" ::"m"(id) : "memory");
    if (!arch_pvm) {
        __asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" ::"r"(SEL_KDATA));
        __asm__ volatile("xor %%eax, %%eax; mov %%eax, %%fs; mov %%eax, %%gs" ::: "rax");
    }
    __asm__ volatile("ltr %w0" ::"r"(SEL_TSS) : "memory");

    arch_wrmsr(MSR_GS_BASE, (uint64_t)c);
    arch_wrmsr(MSR_KERNEL_GS_BASE, 0);
    if (arch_pvm) /* FSGSBASE runs natively there; set the kernel's bank too */
        __asm__ volatile("wrgsbase %0" ::"r"((uint64_t)c) : "memory");
    arch_wrmsr(MSR_STAR, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32));
    arch_wrmsr(MSR_LSTAR, arch_pvm ? (uint64_t)syscall_entry_pvm
                                   : (uint64_t)syscall_entry_ring0);
    arch_wrmsr(MSR_SFMASK, 0x47700); /* TF DF IF IOPL NT AC cleared on entry */
    if (!arch_pvm)
        arch_ring0_cpu_features();
}

void core_cpu_id(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    arch_cpuid(leaf, sub, out);
}

uint64_t core_cpu_hwcap(void)
{
    uint32_t r[4];
    arch_cpuid(1, 0, r);
    return r[3];
}

unsigned core_cpu_count(void)
{
    return smp_cpus;
}

unsigned core_cpu_current(void)
{
    return this_cpu()->id;
}

void core_set_user_fs(uint64_t base)
{
    this_cpu()->user_fs = base;
    if (arch_pvm)
        __asm__ volatile("wrfsbase %0" ::"r"(base) : "memory");
    else
        arch_wrmsr(MSR_FS_BASE, base);
}

void arch_set_kernel_stack(uint64_t top)
{
    this_cpu()->kstack_top = top;
}

void arch_user_bases_save(uint64_t *fs, uint64_t *gs)
{
    *fs = this_cpu()->user_fs;
    *gs = this_cpu()->user_gs;
}

void arch_user_bases_load(uint64_t fs, uint64_t gs)
{
    struct cpu *c = this_cpu();
    if (c->user_fs != fs)
        core_set_user_fs(fs);
    if (c->user_gs != gs)
        core_set_user_gs(gs);
}

uint64_t core_get_user_fs(void)
{
    return this_cpu()->user_fs;
}

/* Enter user mode on this CPU with `regs`; user selectors and a sane
 * RFLAGS (arithmetic flags, TF, DF, AC from the caller; IF always on). */
__noreturn void core_user_enter(const struct core_uregs *regs)
{
    struct cpu *c = this_cpu();
    struct core_uregs *f = (struct core_uregs *)(c->kstack_top - sizeof(*f));

    *f = *regs;
    f->cs = SEL_UCODE;
    f->ss = SEL_UDATA;
    f->rflags = (regs->rflags & 0x40dd5) | 0x202;
    f->core_vector = 0;
    f->orig_rax = (uint64_t)-1;
    smp_kernel_leave();
    arch_return_to_user(f);
}

/* The user's GS base waits in MSR_KERNEL_GS_BASE while the kernel runs: on
 * ring 0 SWAPGS brings it back on exit; on PVM the hypervisor does. */
void core_set_user_gs(uint64_t base)
{
    this_cpu()->user_gs = base;
    arch_wrmsr(MSR_KERNEL_GS_BASE, base);
}

uint64_t core_get_user_gs(void)
{
    return this_cpu()->user_gs;
}
