/* Page tables: the kernel's half, and user address spaces (core/as.h).
 *
 * Kernel half, shared by every root: all RAM at PHYS_BASE (2 MiB pages),
 * and the kernel image window at KERNEL_VMA over physical 0..1 GiB.
 * PML4 slot 256 is never used (PVM cannot map it).
 *
 * Each address space owns an 8 KiB-aligned pair of PML4 pages: K (kernel
 * half plus user entries) and U = K + 0x1000 (user entries only). On PVM
 * the hypervisor's KPTI mode runs user code on U and the kernel on K; the
 * kernel only ever loads K. On ring 0 U is unused and kernel pages are
 * simply U=0. User entries are therefore written to both roots; the lower
 * levels are shared.
 *
 * On PVM every kernel mapping must be U=1: the guest kernel runs at
 * hardware CPL 3 (docs/pvm.md section 7).
 */
#include "arch.h"
#include "../../core_int.h"
#include <core/as.h>
#include <core/errno.h>
#include <core/mem.h>
#include <core/panic.h>
#include <lib/string.h>

struct core_as {
    uint64_t root_pa; /* K; U = K + 0x1000 */
};

static uint64_t kernel_root_pa;
#define current_as (this_cpu()->as)

uint64_t paging_kernel_root(void)
{
    return kernel_root_pa;
}

static uint64_t kflags(void)
{
    return PTE_P | PTE_W | (arch_pvm ? PTE_U : 0);
}

static uint64_t *pt_virt(uint64_t pa)
{
    return phys_to_virt(pa);
}

/* Early: page-table pages come from the bump allocator and are reached
 * through the kernel window (boot page tables map it). */
static uint64_t *early_virt(uint64_t pa)
{
    return (uint64_t *)(pa + KERNEL_VMA);
}

static void map_2m_range(uint64_t *pml4, uint64_t va, uint64_t pa, uint64_t len,
                         uint64_t extra)
{
    for (uint64_t off = 0; off < len; off += 1ul << 21) {
        uint64_t v = va + off;
        uint64_t *e4 = &pml4[(v >> 39) & 511];
        if (!(*e4 & PTE_P))
            *e4 = early_alloc_pages(1) | kflags();
        uint64_t *pdpt = early_virt(*e4 & PTE_ADDR);
        uint64_t *e3 = &pdpt[(v >> 30) & 511];
        if (!(*e3 & PTE_P))
            *e3 = early_alloc_pages(1) | kflags();
        uint64_t *pd = early_virt(*e3 & PTE_ADDR);
        pd[(v >> 21) & 511] = (pa + off) | kflags() | PTE_PS | extra;
    }
}

/* PVM runs user code on the U root, but delivers events from user mode
 * through it (docs/pvm.md part 2): the IDT, GDT/TSS and the entry and
 * double-fault stacks must be mapped there too, and nothing else of the
 * kernel. They sit together in the entry area (kernel.ld); U roots get a
 * private slot-511 chain that maps just those pages at the same address. */
static uint64_t entry_user_pml4e;
extern char __entry_start[], __entry_end[];

static void entry_area_init(uint64_t *pml4)
{
    if (!arch_pvm)
        return;
    uint64_t start = (uint64_t)__entry_start, end = (uint64_t)__entry_end;
    uint64_t pdpt = early_alloc_pages(1), pd = early_alloc_pages(1);
    uint64_t pt = early_alloc_pages(1);
    if ((start >> 21) != ((end - 1) >> 21))
        core_panic("the entry area crosses a 2 MiB boundary");
    early_virt(pdpt)[(start >> 30) & 511] = pd | kflags();
    early_virt(pd)[(start >> 21) & 511] = pt | kflags();
    for (uint64_t va = start; va < end; va += 4096)
        early_virt(pt)[(va >> 12) & 511] = (va - KERNEL_VMA) | kflags() | PTE_NX;
    entry_user_pml4e = pdpt | kflags();
    (void)pml4;
}

static uint64_t *boot_pml4; /* the kernel root, while paging_init runs */

/* Map the 2 MiB pages of [pa, pa + len) uncached (PCD PWT) in the MMIO
 * window; the boot info's device table was checked to lie in the hole. */
void paging_map_mmio(uint64_t pa, uint64_t len)
{
    uint64_t start = pa & ~0x1ffffful, end = CORE_ALIGN_UP(pa + len, 1ul << 21);
    if (!boot_pml4 || pa < MICA_MMIO_HOLE_GPA || pa + len > (1ul << 32) || pa + len < pa)
        core_panic("MMIO at %#lx (+%#lx) is outside the 3-4 GiB hole", pa, len);
    map_2m_range(boot_pml4, MMIO_VA + (start - MICA_MMIO_HOLE_GPA), start, end - start,
                 PTE_NX | (1ul << 4) | (1ul << 3));
}

/* Kernel stacks of tasks live in their own PML4 slot, each in a 32 KiB
 * slot whose lower half stays unmapped: an overflow faults on the guard
 * (and, with no stack left for the #PF frame, becomes a double fault on
 * its IST stack) instead of silently overwriting the heap. The slot's
 * PDPT is made at boot and shared by every root (core_as_create copies
 * the kernel half), so stacks mapped later are seen everywhere. */
static uint64_t kstack_pdpt_pa;
static uint64_t kstack_used[KSTACK_SLOTS / 64];

static void kstack_area_init(uint64_t *pml4)
{
    kstack_pdpt_pa = early_alloc_pages(1);
    pml4[(KSTACK_AREA >> 39) & 511] = kstack_pdpt_pa | kflags() | PTE_NX;
}

/* The PTE for va in the stack area, making the tables on the way. */
static uint64_t *kstack_pte(uint64_t va)
{
    uint64_t *table = pt_virt(kstack_pdpt_pa);
    for (int level = 2; level > 0; level--) {
        uint64_t *e = &table[(va >> (12 + 9 * level)) & 511];
        if (!(*e & PTE_P)) {
            void *page = core_page_alloc();
            if (!page)
                return NULL;
            *e = virt_to_phys(page) | kflags();
        }
        table = pt_virt(*e & PTE_ADDR);
    }
    return &table[(va >> 12) & 511];
}

void *kstack_alloc(void)
{
    for (unsigned i = 0; i < KSTACK_SLOTS; i++) {
        if (kstack_used[i / 64] & (1ull << (i % 64)))
            continue;
        uint64_t base = KSTACK_AREA + (uint64_t)i * KSTACK_SLOT + KSTACK_SLOT - KSTACK_BYTES;
        for (uint64_t off = 0; off < KSTACK_BYTES; off += 4096) {
            uint64_t *pte = kstack_pte(base + off);
            void *page = pte ? core_page_alloc() : NULL;
            if (!page) {
                kstack_used[i / 64] |= 1ull << (i % 64);
                kstack_free((void *)base);
                return NULL;
            }
            *pte = virt_to_phys(page) | kflags() | PTE_NX;
        }
        kstack_used[i / 64] |= 1ull << (i % 64);
        return (void *)base;
    }
    return NULL;
}

void kstack_free(void *stack)
{
    uint64_t base = (uint64_t)stack;
    unsigned i = (unsigned)((base - KSTACK_AREA) / KSTACK_SLOT);
    for (uint64_t off = 0; off < KSTACK_BYTES; off += 4096) {
        uint64_t *pte = kstack_pte(base + off);
        if (pte && (*pte & PTE_P)) {
            core_page_free(phys_to_virt(*pte & PTE_ADDR));
            *pte = 0;
            arch_flush_tlb_one(base + off);
        }
    }
    smp_tlb_shootdown(NULL); /* other CPUs may still map the old pages */
    kstack_used[i / 64] &= ~(1ull << (i % 64));
}

bool kstack_guard_hit(uint64_t addr)
{
    if (addr < KSTACK_AREA || addr >= KSTACK_AREA + (uint64_t)KSTACK_SLOTS * KSTACK_SLOT)
        return false;
    return (addr - KSTACK_AREA) % KSTACK_SLOT < KSTACK_SLOT - KSTACK_BYTES;
}

void paging_init(uint64_t ram_end)
{
    uint64_t window = 1ul << 30;

    kernel_root_pa = early_alloc_pages(2);
    uint64_t *pml4 = early_virt(kernel_root_pa);
    ram_end = CORE_ALIGN_UP(ram_end, 1ul << 21);
    map_2m_range(pml4, PHYS_BASE, 0, ram_end, PTE_NX);
    if (ram_end < window)
        window = ram_end;
    map_2m_range(pml4, KERNEL_VMA, 0, window, 0);
    boot_pml4 = pml4;
    if (!arch_pvm) /* the xAPIC page */
        paging_map_mmio(APIC_DEFAULT_PA, 4096);
    for (uint32_t i = 0; i < boot_info.nr_virtio_mmio; i++)
        paging_map_mmio(boot_info.virtio_mmio[i].base, boot_info.virtio_mmio[i].size);
    if (boot_info.nr_virtio_mmio && !arch_pvm)
        paging_map_mmio(IOAPIC_PA, 4096);
    entry_area_init(pml4);
    kstack_area_init(pml4);
    arch_load_cr3(kernel_root_pa);
}

struct core_as *core_as_create(void)
{
    struct core_as *as = core_zalloc(sizeof(*as));
    if (!as)
        return NULL;
    as->root_pa = frames_alloc(2); /* the allocator aligns pairs to 8 KiB */
    if (!as->root_pa) {
        core_free(as);
        return NULL;
    }
    uint64_t *k = pt_virt(as->root_pa), *u = pt_virt(as->root_pa + 4096);
    memset(k, 0, 4096);
    memset(u, 0, 4096);
    memcpy(k + 256, pt_virt(kernel_root_pa) + 256, 256 * 8);
    u[511] = entry_user_pml4e;
    return as;
}

static uint64_t *pte_walk(struct core_as *as, uint64_t va, bool create, int *err)
{
    uint64_t *table = pt_virt(as->root_pa);
    for (int level = 3; level > 0; level--) {
        unsigned idx = (va >> (12 + 9 * level)) & 511;
        uint64_t e = table[idx];
        if (!(e & PTE_P)) {
            if (!create)
                return NULL;
            void *page = core_page_alloc();
            if (!page) {
                *err = -ENOMEM;
                return NULL;
            }
            e = virt_to_phys(page) | PTE_P | PTE_W | PTE_U;
            table[idx] = e;
            if (level == 3) /* mirror user PML4 entries into U */
                pt_virt(as->root_pa + 4096)[idx] = e;
        }
        table = pt_virt(e & PTE_ADDR);
    }
    return &table[(va >> 12) & 511];
}

/* A page kept with no access (PROT_NONE) is a not-present entry that
 * still holds its frame, marked with a software bit. */
#define PTE_KEPT (1ul << 9)

static bool pte_has_page(uint64_t e)
{
    return e & (PTE_P | PTE_KEPT);
}

static unsigned pte_prot(uint64_t e)
{
    if (!(e & PTE_P))
        return 0;
    return CORE_PROT_READ | ((e & PTE_W) ? CORE_PROT_WRITE : 0) |
           ((e & PTE_NX) ? 0 : CORE_PROT_EXEC);
}

static uint64_t pte_make(void *page, unsigned prot)
{
    if (!(prot & (CORE_PROT_READ | CORE_PROT_WRITE | CORE_PROT_EXEC)))
        return virt_to_phys(page) | PTE_KEPT;
    uint64_t e = virt_to_phys(page) | PTE_P | PTE_U;
    if (prot & CORE_PROT_WRITE)
        e |= PTE_W;
    if (!(prot & CORE_PROT_EXEC))
        e |= PTE_NX;
    return e;
}

/* A mapping of as changed at va: flush it here, and on the other CPUs
 * that run as (smp.c). */
static void flush_if_current(struct core_as *as, uint64_t va)
{
    if (as == current_as)
        arch_flush_tlb_one(va);
    smp_tlb_shootdown(as);
}

static bool va_ok(uaddr_t va)
{
    return va.addr < CORE_USER_END && !(va.addr & (CORE_PAGE_SIZE - 1));
}

void *core_as_map(struct core_as *as, uaddr_t va, void *page, unsigned prot, int *err)
{
    *err = 0;
    if (!va_ok(va)) {
        *err = -EINVAL;
        return NULL;
    }
    uint64_t *pte = pte_walk(as, va.addr, true, err);
    if (!pte)
        return NULL;
    uint64_t old = *pte;
    *pte = pte_make(page, prot);
    if (pte_has_page(old)) {
        flush_if_current(as, va.addr);
        return phys_to_virt(old & PTE_ADDR);
    }
    return NULL;
}

/* The entry that holds a page at va, or NULL. */
static uint64_t *pte_find(struct core_as *as, uaddr_t va)
{
    int err = 0;
    if (!va_ok(va))
        return NULL;
    uint64_t *pte = pte_walk(as, va.addr, false, &err);
    return pte && pte_has_page(*pte) ? pte : NULL;
}

void *core_as_unmap(struct core_as *as, uaddr_t va)
{
    uint64_t *pte = pte_find(as, va);
    if (!pte)
        return NULL;
    uint64_t old = *pte;
    *pte = 0;
    flush_if_current(as, va.addr);
    return phys_to_virt(old & PTE_ADDR);
}

bool core_as_protect(struct core_as *as, uaddr_t va, unsigned prot)
{
    uint64_t *pte = pte_find(as, va);
    if (!pte)
        return false;
    *pte = pte_make(phys_to_virt(*pte & PTE_ADDR), prot);
    flush_if_current(as, va.addr);
    return true;
}

void *core_as_lookup(struct core_as *as, uaddr_t va, unsigned *prot)
{
    uint64_t *pte = pte_find(as, va);
    if (!pte)
        return NULL;
    if (prot)
        *prot = pte_prot(*pte);
    return phys_to_virt(*pte & PTE_ADDR);
}

/* A range operation: visit every entry holding a page in [start, end). */
struct range_op {
    struct core_as *as;
    bool unmap;
    unsigned prot;
    void (*visit)(uaddr_t va, void *page, unsigned prot, void *ctx);
    void *ctx;
    void (*page_put)(void *page);
    uint64_t changed;
    uint64_t first_va;
};

#define RANGE_FLUSH_ONE_MAX 16 /* beyond this, flush the whole TLB once */

static void range_visit(struct range_op *op, uint64_t *pte, uint64_t va)
{
    void *page = phys_to_virt(*pte & PTE_ADDR);
    if (op->visit) {
        op->visit(uaddr(va), page, pte_prot(*pte), op->ctx);
        return;
    }
    if (op->unmap) {
        *pte = 0;
        if (op->page_put)
            op->page_put(page);
    } else {
        *pte = pte_make(page, op->prot);
    }
    if (op->as == current_as && op->changed < RANGE_FLUSH_ONE_MAX)
        arch_flush_tlb_one(va);
    op->changed++;
}

static void range_walk(struct range_op *op, uint64_t *table, int level, uint64_t base,
                       uint64_t start, uint64_t end)
{
    uint64_t span = 1ul << (12 + 9 * level);
    unsigned first = (start - base) / span, last = (end - 1 - base) / span;
    for (unsigned i = first; i <= last; i++) {
        uint64_t va = base + i * span, e = table[i];
        if (level == 0) {
            if (pte_has_page(e))
                range_visit(op, &table[i], va);
            continue;
        }
        if (!(e & PTE_P))
            continue;
        range_walk(op, phys_to_virt(e & PTE_ADDR), level - 1, va,
                   start > va ? start : va, end < va + span ? end : va + span);
    }
}

static void range_run(struct range_op *op, uaddr_t start, uaddr_t end)
{
    if (!va_ok(start) || end.addr > CORE_USER_END || end.addr & (CORE_PAGE_SIZE - 1) ||
        end.addr <= start.addr)
        return;
    range_walk(op, pt_virt(op->as->root_pa), 3, 0, start.addr, end.addr);
    if (op->as == current_as && op->changed > RANGE_FLUSH_ONE_MAX)
        arch_flush_tlb_all();
    if (op->changed && !op->visit)
        smp_tlb_shootdown(op->as);
}

void core_as_unmap_range(struct core_as *as, uaddr_t start, uaddr_t end,
                         void (*page_put)(void *page))
{
    struct range_op op = {.as = as, .unmap = true, .page_put = page_put};
    range_run(&op, start, end);
}

void core_as_protect_range(struct core_as *as, uaddr_t start, uaddr_t end, unsigned prot)
{
    struct range_op op = {.as = as, .prot = prot};
    range_run(&op, start, end);
}

void core_as_for_each(struct core_as *as, uaddr_t start, uaddr_t end,
                      void (*fn)(uaddr_t va, void *page, unsigned prot, void *ctx),
                      void *ctx)
{
    struct range_op op = {.as = as, .visit = fn, .ctx = ctx};
    range_run(&op, start, end);
}

static void free_level(uint64_t *table, int level, void (*page_put)(void *))
{
    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = table[i];
        if (level == 0 ? !pte_has_page(e) : !(e & PTE_P))
            continue;
        void *next = phys_to_virt(e & PTE_ADDR);
        if (level == 0) {
            if (page_put)
                page_put(next);
        } else {
            free_level(next, level - 1, page_put);
            core_page_free(next);
        }
        table[i] = 0;
    }
}

void core_as_destroy(struct core_as *as, void (*page_put)(void *page))
{
    if (as == current_as)
        core_as_activate(NULL);
    uint64_t *k = pt_virt(as->root_pa);
    for (unsigned i = 0; i < 256; i++) {
        uint64_t e = k[i];
        if (!(e & PTE_P))
            continue;
        uint64_t *pdpt = phys_to_virt(e & PTE_ADDR);
        free_level(pdpt, 2, page_put);
        core_page_free(pdpt);
        k[i] = 0;
    }
    frames_free(as->root_pa, 2);
    core_free(as);
}

void core_as_activate(struct core_as *as)
{
    sched_note_as(as);
    if (as == current_as)
        return;
    current_as = as;
    arch_load_cr3(as ? as->root_pa : kernel_root_pa);
}

struct core_as *core_as_current(void)
{
    return current_as;
}
