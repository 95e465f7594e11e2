/* Address spaces and demand paging.
 *
 * A struct mm pairs the core's page tables with our VMA list. Pages are
 * allocated on first touch: the core reports a fault at a user address
 * (from user mode, or inside a core_copy_*), and if a VMA covers it with
 * a protection that allows the access, a zeroed page is mapped with the
 * VMA's protection and the access retried. Anything else is an error the
 * core turns into a signal (user mode) or -EFAULT (a copy).
 */
#include "abi_int.h"

#include <linux/mman.h>

struct mm *mm_new(void)
{
    struct mm *mm = core_zalloc(sizeof(*mm));
    if (!mm)
        return NULL;
    mm->as = core_as_create();
    if (!mm->as) {
        core_free(mm);
        return NULL;
    }
    mm->stack_top = MM_STACK_TOP;
    return mm;
}

void mm_destroy(struct mm *mm)
{
    if (!mm)
        return;
    core_as_destroy(mm->as, core_page_free);
    pageset_free(&mm->mapped);
    while (mm->stash) {
        struct stashed_page *sp = mm->stash;
        mm->stash = sp->next;
        core_page_free(sp->page);
        core_free(sp);
    }
    struct vma *v = mm->vmas;
    while (v) {
        struct vma *n = v->next;
        core_free(v);
        v = n;
    }
    core_free(mm);
}

static bool prot_allows(unsigned prot, unsigned err)
{
    if (err & CORE_FAULT_WRITE)
        return prot & PROT_WRITE;
    if (err & CORE_FAULT_EXEC)
        return prot & PROT_EXEC;
    return prot != PROT_NONE; /* x86: write or exec imply read */
}

int mm_map_page(struct mm *mm, uint64_t va, void *pg, unsigned prot)
{
    int err = pageset_add(&mm->mapped, va);
    if (err)
        return err;
    void *old = core_as_map(mm->as, uaddr(va), pg, prot, &err);
    if (err) {
        pageset_del(&mm->mapped, va);
        return err;
    }
    if (old) /* replaced a page: it was ours, and is now unreachable */
        core_page_free(old);
    return 0;
}

void *mm_unmap_page(struct mm *mm, uint64_t va)
{
    pageset_del(&mm->mapped, va);
    return core_as_unmap(mm->as, uaddr(va));
}

long mm_mapped_in(struct mm *mm, uint64_t start, uint64_t end, uint64_t **list)
{
    return pageset_range(&mm->mapped, start, end, list);
}

static int map_zero_page(struct mm *mm, struct vma *v, uint64_t va)
{
    void *pg = core_page_alloc();
    if (!pg)
        return -ENOMEM;
    int err = mm_map_page(mm, va, pg, v->prot);
    if (err)
        core_page_free(pg);
    return err;
}

/* Set when a user fault failed for lack of memory: the trap handler then
 * kills with SIGKILL, as Linux's OOM killer would, not SIGSEGV. */
bool mm_oom_kill;

int mm_fault(uaddr_t addr, unsigned err, bool user)
{
    struct mm *mm = abi_proc ? abi_proc->mm : NULL;
    if (!mm)
        return -EFAULT;
    struct vma *v = vma_find(mm, addr.addr);
    if (!v || !prot_allows(v->prot, err))
        return -EFAULT;
    uint64_t va = CORE_ALIGN_DOWN(addr.addr, CORE_PAGE_SIZE);
    unsigned cur;
    if (core_as_lookup(mm->as, uaddr(va), &cur)) {
        /* Present: refresh only if the entry lacks what this access needs
         * and the VMA grants it; otherwise retrying would fault forever. */
        bool lacks = ((err & CORE_FAULT_WRITE) && !(cur & PROT_WRITE)) ||
                     ((err & CORE_FAULT_EXEC) && !(cur & PROT_EXEC));
        if (!lacks)
            return -EFAULT;
        core_as_protect(mm->as, uaddr(va), v->prot);
        return 0;
    }
    int ret = map_zero_page(mm, v, va);
    if (ret == -ENOMEM && user)
        mm_oom_kill = true;
    return ret;
}

/* Fault in every page of [start, end) that is not mapped yet. */
int mm_populate(struct mm *mm, uint64_t start, uint64_t end)
{
    unsigned cur;
    for (uint64_t va = start; va < end; va += CORE_PAGE_SIZE) {
        struct vma *v = vma_find(mm, va);
        if (!v || v->prot == PROT_NONE || core_as_lookup(mm->as, uaddr(va), &cur))
            continue;
        int err = map_zero_page(mm, v, va);
        if (err)
            return err;
    }
    return 0;
}
