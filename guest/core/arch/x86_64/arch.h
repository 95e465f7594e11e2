/* x86-64 primitives for the core: registers, MSRs, per-CPU data, and the
 * platform switch (ring 0 or PVM). Private to guest/core/. */
#ifndef ARCH_H
#define ARCH_H

#include <core/types.h>
#include "asm_offsets.h"
#include "pvm.h"
#include <core/task.h>
#include <mica/boot.h>

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#define PTE_P (1ul << 0)
#define PTE_W (1ul << 1)
#define PTE_U (1ul << 2)
#define PTE_PS (1ul << 7)
#define PTE_G (1ul << 8)
#define PTE_NX (1ul << 63)
#define PTE_ADDR 0x000ffffffffff000ul

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

/* Per-CPU data, at %gs:0 in the kernel. The first fields are used by the
 * entry code (asm_offsets.h). */
struct core_as;
struct cpu {
    struct cpu *self;
    uint64_t kstack_top;
    uint64_t user_rsp;
    volatile uint8_t *vif; /* PVM: this CPU's VIF page */
    uint64_t user_fs;
    uint64_t user_gs;
    uint32_t id;          /* 0 .. smp_cpus - 1 */
    uint32_t apic_id;
    uint64_t entry_stack_top, df_stack_top; /* TSS RSP0 and IST1 */
    struct core_as *as;   /* the address space loaded (NULL: the kernel's) */
    uint64_t timer_armed; /* the deadline the local APIC holds, 0: none */
    /* SMP (smp.c): the big kernel lock, and TLB shootdowns */
    bool bkl_held;
    volatile uint32_t in_user;       /* running user code (or about to) */
    volatile uint32_t flush_pending; /* flush the TLB before user code */
    uint64_t gdt[16] __attribute__((aligned(16)));
    struct tss tss __attribute__((aligned(16)));
};

extern bool arch_pvm; /* set once at boot, before anything else */
extern struct cpu cpu0;

static inline struct cpu *this_cpu(void)
{
    struct cpu *c;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(c));
    return c;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

static inline uint64_t read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline uint64_t pvm_hypercall(uint64_t nr, uint64_t a, uint64_t b, uint64_t c)
{
    __asm__ volatile("int $0x1b"
                     : "+a"(nr), "+b"(a), "+c"(b), "+d"(c)
                     :
                     : "memory", "rsi", "rdi", "r8", "r9", "r10", "r11");
    return nr;
}

/* Platform operations: each picks the PVM or the ring-0 way. */
void arch_wrmsr(uint32_t msr, uint64_t v);
void arch_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4]);
void arch_load_cr3(uint64_t pa);
void arch_flush_tlb_one(uint64_t va);
void arch_flush_tlb_all(void);
void arch_halt(void);
void arch_irq_disable(void);
uint64_t arch_fault_address(void);

/* Setup (cpu.c, platform_*.c, paging.c, traps.c) */
void arch_cpu_init(struct cpu *c, uint64_t kstack_top);
void arch_pvm_early(void);
void arch_ring0_cpu_features(void);
void paging_init(uint64_t ram_end);
uint64_t paging_kernel_root(void); /* the kernel's own page tables */
void traps_init(void);

static inline void *phys_to_virt(uint64_t pa)
{
    return (void *)(pa + PHYS_BASE);
}

static inline uint64_t virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)va;
    if (v >= KERNEL_VMA)
        return v - KERNEL_VMA;
    return v - PHYS_BASE;
}

/* Kernel stacks with guard pages (paging.c) */
#define KSTACK_AREA 0xfffffe8000000000ul /* PML4 slot 509 */
#define KSTACK_SLOT (32u << 10)
#define KSTACK_BYTES (16u << 10)
#define KSTACK_SLOTS 8192u
void *kstack_alloc(void); /* the lowest address of KSTACK_BYTES, or NULL */
void kstack_free(void *stack);
bool kstack_guard_hit(uint64_t addr);

/* Tasks (cpu.c, fpu.c, apic.c, entry.S) */
struct core_task;
struct core_task *arch_switch(struct core_task *prev, uint64_t *prev_sp, uint64_t next_sp);
extern char arch_task_first_entry[], arch_idle_first_entry[];
void arch_set_kernel_stack(uint64_t top);
void arch_user_bases_save(uint64_t *fs, uint64_t *gs);
void arch_user_bases_load(uint64_t fs, uint64_t gs);
void *fpu_alloc(void);
void fpu_free(void *area);
void fpu_save(void *area);
void fpu_switch_save(void *area); /* the task's own area, at a switch */
void fpu_restore(const void *area);
void fpu_init(void);
/* The timer: one-shot at a monotonic deadline (0: disarm). */
#define APIC_DEFAULT_PA 0xfee00000u
#define IOAPIC_PA 0xfec00000u
/* The 32-bit MMIO hole (MICA_MMIO_HOLE_GPA..4 GiB) at MMIO_VA, uncached:
 * only the 2 MiB pages paging_map_mmio() was asked for at boot. */
#define MMIO_VA 0xffffffffc0000000ul
#define TIMER_VECTOR 0xec
#define RESCHED_VECTOR 0xfc /* IPI: wake an idle CPU, or look at the run queue */
#define TLB_VECTOR 0xfd     /* IPI: flush the TLB (flush_pending) */
#define SPURIOUS_VECTOR 0xff
#define IRQ_VECTOR_BASE 0x30 /* device interrupts: IOAPIC pin n at 0x30 + n */
#define IOAPIC_MAX_PINS 24
void apic_init(void);
void apic_init_ap(void);
uint32_t apic_id(void);
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
void apic_send_init_sipi(uint32_t apic_id, uint64_t start_pa);
void apic_eoi(void);
void arch_timer_arm(uint64_t deadline_ns);
void arch_timer_eoi(void);
void paging_map_mmio(uint64_t pa, uint64_t len); /* boot only, in the hole */
static inline volatile uint32_t *mmio_virt(uint64_t pa)
{
    return (volatile uint32_t *)(MMIO_VA + (pa - MICA_MMIO_HOLE_GPA));
}
/* IOAPIC (ioapic.c): pin `gsi` raises IRQ_VECTOR_BASE + gsi, level. */
void ioapic_init(void);
int ioapic_route(unsigned gsi);
void ioapic_mask(unsigned gsi);
/* Idle: enable interrupts, wait for one, disable them again. */
void arch_idle_wait(void);

/* SMP (smp.c). With one CPU every call here is a no-op. */
#define CORE_MAX_CPUS 64
extern unsigned smp_cpus;            /* CPUs online */
extern struct cpu *smp_cpu[CORE_MAX_CPUS];
void smp_boot(unsigned wanted);      /* start the other CPUs (ring 0 only) */
/* The big kernel lock: held by a CPU while it runs kernel code, except in
 * idle's halt. Entry from user takes it, the way back releases it. */
void smp_kernel_enter(void);         /* take it (no-op if held) */
void smp_kernel_leave(void);         /* back to user mode: release it */
void smp_idle_release(void);         /* about to halt: release it */
/* Other CPUs with `as` loaded (NULL: every CPU, for kernel mappings)
 * flush their TLB before they next run user code. */
void smp_tlb_shootdown(struct core_as *as);
void smp_ipi_tlb(void);              /* the TLB_VECTOR handler */
void smp_kick_idle(void);            /* a task became runnable */
void smp_kick_cpu(unsigned id);      /* enter the kernel (signals, exit) */
extern char ap_trampoline[], ap_trampoline_end[];

/* Entry code symbols (entry.S) */
extern char idt_stubs[];
extern char syscall_entry_ring0[], syscall_entry_pvm[];
__noreturn void arch_return_to_user(struct core_uregs *frame);

#endif
