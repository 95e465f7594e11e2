/* Address spaces and demand paging.
 *
 * A struct mm pairs the core's page tables with our VMA list. Pages are
 * allocated on first touch: the core reports a fault at a user address
 * (from user mode, or inside a core_copy_*), and if a VMA covers it with
 * a protection that allows the access, a zeroed page is mapped with the
 * VMA's protection and the access retried. Anything else is an error the
 * core turns into a signal (user mode) or -EFAULT (a copy).
 *
 * A file mapping faults in the file's pages (map_file_page): tmpfs's,
 * or a filesystem's page cache through vfs_file_page.
 *
 * Copy-on-write: fork maps every private page into both spaces read-only
 * with one more reference; a write fault on such a page copies it when
 * others still hold it, or just makes it writable when the faulting space
 * is the last holder. Shared (MAP_SHARED) pages stay shared and writable.
 *
 * The page tables are the only record of which pages exist: a PROT_NONE
 * page stays in them with prot 0 (kept, inaccessible), and range work
 * (munmap, mprotect, mremap, madvise) goes through the core's range
 * calls, which cost what is mapped, not the size of the range.
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
    mm->refs = 1;
    return mm;
}

void mm_get(struct mm *mm)
{
    mm->refs++;
}

void mm_put(struct mm *mm)
{
    if (mm && --mm->refs == 0)
        mm_destroy(mm);
}

static int vmas_copy(struct mm *to, const struct mm *from)
{
    struct vma **tail = &to->vmas;
    for (const struct vma *v = from->vmas; v; v = v->next) {
        struct vma *n = core_malloc(sizeof(*n));
        if (!n)
            return -ENOMEM;
        *n = *v;
        n->next = NULL;
        if (n->file)
            inode_get(n->file);
        *tail = n;
        tail = &n->next;
    }
    return 0;
}

struct mm *mm_fork(struct mm *from)
{
    struct mm *mm = mm_new();
    struct mm_page *pages = NULL;
    if (!mm)
        return NULL;
    mm->brk_start = from->brk_start;
    mm->brk = from->brk;
    mm->brk_max = from->brk_max;
    mm->stack_top = from->stack_top;
    mm->arg_start = from->arg_start;
    mm->arg_end = from->arg_end;
    mm->env_start = from->env_start;
    mm->env_end = from->env_end;
    /* MAP_SHARED anonymous memory must be one set of pages for both:
     * fault in what the parent has not touched yet (a shared file
     * mapping's pages are the file's: each side finds them there) */
    for (struct vma *v = from->vmas; v; v = v->next)
        if ((v->flags & VMA_SHARED) && !v->file && v->prot != PROT_NONE &&
            mm_populate(from, v->start, v->end))
            goto fail;
    long n = mm_pages_in(from, CORE_USER_MIN, CORE_USER_END, &pages);
    if (n < 0 || vmas_copy(mm, from))
        goto fail;
    for (long i = 0; i < n; i++) {
        struct mm_page *pg = &pages[i];
        struct vma *v = vma_find(from, pg->va);
        unsigned prot = pg->prot;
        if (!(v && (v->flags & VMA_SHARED)))
            prot &= ~PROT_WRITE;
        core_page_get(pg->page);
        if (mm_map_page(mm, pg->va, pg->page, prot)) {
            core_page_free(pg->page);
            goto fail;
        }
    }
    /* the parent's private writable pages become read-only too */
    for (long i = 0; i < n; i++) {
        struct vma *v = vma_find(from, pages[i].va);
        if ((pages[i].prot & PROT_WRITE) && !(v && (v->flags & VMA_SHARED)))
            core_as_protect(from->as, uaddr(pages[i].va), pages[i].prot & ~PROT_WRITE);
    }
    core_free(pages);
    return mm;
fail:
    core_free(pages);
    mm_destroy(mm);
    return NULL;
}

void mm_cow_protect(struct mm *mm, uint64_t start, uint64_t end)
{
    struct mm_page *pages;
    long n = mm_pages_in(mm, start, end, &pages);
    if (n < 0) { /* no memory for the list: make every page read-only */
        for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
            if (v->end > start && !(v->flags & VMA_SHARED))
                core_as_protect_range(mm->as, uaddr(v->start > start ? v->start : start),
                                      uaddr(v->end < end ? v->end : end),
                                      v->prot & ~PROT_WRITE);
        return;
    }
    for (long i = 0; i < n; i++) {
        struct vma *v = vma_find(mm, pages[i].va);
        if ((pages[i].prot & PROT_WRITE) && core_page_refs(pages[i].page) > 1 &&
            !(v && (v->flags & VMA_SHARED)))
            core_as_protect(mm->as, uaddr(pages[i].va), pages[i].prot & ~PROT_WRITE);
    }
    core_free(pages);
}

/* A write to a page this space shares copy-on-write. */
static int cow_break(struct mm *mm, struct vma *v, uint64_t va, void *old)
{
    if (core_page_refs(old) == 1) { /* the others are gone: take it */
        core_as_protect(mm->as, uaddr(va), v->prot);
        return 0;
    }
    void *pg = core_page_alloc();
    if (!pg)
        return -ENOMEM;
    memcpy(pg, old, CORE_PAGE_SIZE);
    int err = mm_map_page(mm, va, pg, v->prot); /* drops our hold on old */
    if (err)
        core_page_free(pg);
    return err;
}

void mm_destroy(struct mm *mm)
{
    if (!mm)
        return;
    core_as_destroy(mm->as, core_page_free);
    struct vma *v = mm->vmas;
    while (v) {
        struct vma *n = v->next;
        vma_free(v);
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
    int err;
    void *old = core_as_map(mm->as, uaddr(va), pg, prot, &err);
    if (err)
        return err;
    if (old) /* replaced a page: it was ours, and is now unreachable */
        core_page_free(old);
    return 0;
}

void mm_unmap_pages(struct mm *mm, uint64_t start, uint64_t end)
{
    core_as_unmap_range(mm->as, uaddr(start), uaddr(end), core_page_free);
}

struct page_list {
    struct mm_page *v;
    size_t n, cap;
};

static void page_count(uaddr_t va, void *page, unsigned prot, void *ctx)
{
    ((struct page_list *)ctx)->n++;
}

static void page_collect(uaddr_t va, void *page, unsigned prot, void *ctx)
{
    struct page_list *l = ctx;
    if (l->n < l->cap)
        l->v[l->n++] = (struct mm_page){.va = va.addr, .page = page, .prot = prot};
}

/* Two walks (count, then fill): for_each callbacks must not allocate into
 * a list that might fail half way, and must not touch the mappings. */
long mm_pages_in(struct mm *mm, uint64_t start, uint64_t end, struct mm_page **out)
{
    struct page_list l = {0};
    core_as_for_each(mm->as, uaddr(start), uaddr(end), page_count, &l);
    l.cap = l.n;
    l.n = 0;
    l.v = core_malloc((l.cap + 1) * sizeof(*l.v));
    if (!l.v)
        return -ENOMEM;
    core_as_for_each(mm->as, uaddr(start), uaddr(end), page_collect, &l);
    *out = l.v;
    return (long)l.n;
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
bool mm_fault_sigbus;

/* The first touch of a page of a file mapping. Shared: the file's own
 * page (tmpfs makes it if it is a hole). Private: the file's page
 * read-only with one more reference (so it sees writes to the file until
 * this space writes it, and the write fault copies it, as Linux's page
 * cache COW does); a hole or a write gets a page of its own. Past the
 * last page of the file: -EFAULT with mm_fault_sigbus set. Getting a page
 * from a filesystem's cache may sleep, and the map may change meanwhile:
 * then the fault is simply retried. */
static int map_file_page(struct mm *mm, struct vma *v, uint64_t va, bool write)
{
    struct inode *file = v->file;
    uint64_t off = v->off + (va - v->start);
    if (off >= CORE_ALIGN_UP(file->size, CORE_PAGE_SIZE)) {
        mm_fault_sigbus = true;
        return -EFAULT;
    }
    bool shared = v->flags & VMA_SHARED;
    void *fp;
    unsigned cur;
    inode_get(file);
    int err = vfs_file_page(file, off / CORE_PAGE_SIZE, shared && !file->iops, &fp);
    struct vma *now = vma_find(mm, va);
    bool moved = now != v || now->file != file || now->off + (va - now->start) != off ||
                 core_as_lookup(mm->as, uaddr(va), &cur);
    inode_put(file); /* the VMA still holds it, unless moved */
    if (moved || err || (!fp && shared)) {
        if (fp)
            core_page_free(fp);
        if (moved)
            return 0;
        if (!err && file->iops) /* the filesystem's file is shorter */
            mm_fault_sigbus = true;
        return err ? err : file->iops ? -EFAULT : -ENOMEM;
    }
    if (!fp)
        return map_zero_page(mm, v, va);
    if (write && !shared) {
        void *pg = core_page_alloc();
        if (pg)
            memcpy(pg, fp, CORE_PAGE_SIZE);
        core_page_free(fp);
        if (!pg)
            return -ENOMEM;
        err = mm_map_page(mm, va, pg, v->prot);
        if (err)
            core_page_free(pg);
        return err;
    }
    err = mm_map_page(mm, va, fp, shared ? v->prot : v->prot & ~PROT_WRITE);
    if (err)
        core_page_free(fp);
    return err;
}

static int map_new_page(struct mm *mm, struct vma *v, uint64_t va, bool write)
{
    return v->file ? map_file_page(mm, v, va, write) : map_zero_page(mm, v, va);
}

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
        /* Present (or kept with no access): refresh only if the entry
         * lacks what this access needs and the VMA grants it; otherwise
         * retrying would fault forever. */
        bool lacks = cur == PROT_NONE ||
                     ((err & CORE_FAULT_WRITE) && !(cur & PROT_WRITE)) ||
                     ((err & CORE_FAULT_EXEC) && !(cur & PROT_EXEC));
        if (!lacks)
            return -EFAULT;
        void *pg = core_as_lookup(mm->as, uaddr(va), &cur);
        if ((err & CORE_FAULT_WRITE) && !(v->flags & VMA_SHARED) &&
            core_page_refs(pg) > 1) {
            int ret = cow_break(mm, v, va, pg);
            if (ret == -ENOMEM && user)
                mm_oom_kill = true;
            return ret;
        }
        core_as_protect(mm->as, uaddr(va), v->prot);
        if (!(err & CORE_FAULT_WRITE) && (v->prot & PROT_WRITE) && !(v->flags & VMA_SHARED) &&
            core_page_refs(pg) > 1) /* a read must not open a shared page to writes */
            core_as_protect(mm->as, uaddr(va), v->prot & ~PROT_WRITE);
        return 0;
    }
    int ret = map_new_page(mm, v, va, err & CORE_FAULT_WRITE);
    if (ret == -ENOMEM && user)
        mm_oom_kill = true;
    if (!user)
        mm_fault_sigbus = false; /* a copy just fails with EFAULT */
    return ret;
}

/* Fault in every page of [start, end) that is not mapped yet (for a file
 * mapping, those inside the file). */
int mm_populate(struct mm *mm, uint64_t start, uint64_t end)
{
    unsigned cur;
    for (uint64_t va = start; va < end; va += CORE_PAGE_SIZE) {
        struct vma *v = vma_find(mm, va);
        if (!v || v->prot == PROT_NONE || core_as_lookup(mm->as, uaddr(va), &cur))
            continue;
        int err = map_new_page(mm, v, va, false);
        if (err == -EFAULT && mm_fault_sigbus) {
            mm_fault_sigbus = false;
            continue;
        }
        if (err)
            return err;
    }
    return 0;
}
