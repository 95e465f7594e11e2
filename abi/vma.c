/* The VMA list: which user ranges exist, with what protection, and for
 * a file mapping which file and offset (the VMA holds the inode).
 *
 * A sorted singly linked list of non-overlapping page-aligned ranges.
 * The page tables (owned by the core) only ever hold pages inside a VMA,
 * with the VMA's protection; the fault handler fills them on demand.
 * Removing or re-protecting part of a VMA splits it; the nodes a split
 * needs are allocated before anything changes, and the core's range
 * calls that follow cannot fail, so those calls either fail with ENOMEM
 * untouched or succeed whole.
 */
#include "abi_int.h"

struct vma *vma_find(struct mm *mm, uint64_t addr)
{
    for (struct vma *v = mm->vmas; v && v->start <= addr; v = v->next)
        if (addr < v->end)
            return v;
    return NULL;
}

bool vma_range_free(struct mm *mm, uint64_t start, uint64_t end)
{
    if (start < CORE_USER_MIN || end > CORE_USER_END || start >= end)
        return false;
    for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
        if (v->end > start)
            return false;
    return true;
}

static bool vma_mergeable(const struct vma *a, const struct vma *b)
{
    return a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
           !(a->flags & VMA_STACK) && a->file == b->file &&
           (!a->file || a->off + (a->end - a->start) == b->off);
}

void vma_free(struct vma *v)
{
    if (v->file)
        inode_put(v->file);
    core_free(v);
}

int vma_insert(struct mm *mm, uint64_t start, uint64_t end, unsigned prot,
               unsigned flags)
{
    return vma_insert_file(mm, start, end, prot, flags, NULL, 0);
}

/* Insert [start, end) (which must be free), merging with equal neighbours
 * so that runs of mmap calls do not grow the list. */
int vma_insert_file(struct mm *mm, uint64_t start, uint64_t end, unsigned prot,
                    unsigned flags, struct inode *file, uint64_t off)
{
    struct vma key = {.start = start, .end = end, .prot = prot, .flags = flags,
                      .file = file, .off = off};
    struct vma *prev = NULL, *next = mm->vmas;
    while (next && next->start < start) {
        prev = next;
        next = next->next;
    }
    if (prev && vma_mergeable(prev, &key)) {
        prev->end = end;
        if (next && vma_mergeable(prev, next)) {
            prev->end = next->end;
            prev->next = next->next;
            vma_free(next);
        }
        return 0;
    }
    if (next && vma_mergeable(&key, next)) {
        next->start = start;
        next->off = off;
        return 0;
    }
    struct vma *n = core_zalloc(sizeof(*n));
    if (!n)
        return -ENOMEM;
    *n = key;
    if (file)
        inode_get(file);
    n->next = next;
    if (prev)
        prev->next = n;
    else
        mm->vmas = n;
    return 0;
}

static void vma_split(struct vma *v, uint64_t addr, struct vma **spare)
{
    struct vma *n = *spare;
    *spare = n->next;
    *n = *v;
    n->start = addr;
    n->off = v->off + (addr - v->start);
    if (n->file)
        inode_get(n->file);
    v->end = addr;
    v->next = n;
}

static int spares_get(struct vma **list, int count)
{
    *list = NULL;
    for (int i = 0; i < count; i++) {
        struct vma *n = core_zalloc(sizeof(*n));
        if (!n) {
            while (*list) {
                struct vma *x = (*list)->next;
                core_free(*list);
                *list = x;
            }
            return -ENOMEM;
        }
        n->next = *list;
        *list = n;
    }
    return 0;
}

static void spares_put(struct vma *list)
{
    while (list) {
        struct vma *x = list->next;
        core_free(list);
        list = x;
    }
}

/* Split so that start and end fall on VMA boundaries. */
static void vma_split_at(struct mm *mm, uint64_t start, uint64_t end,
                         struct vma **spare)
{
    for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
        if (v->start < start && start < v->end)
            vma_split(v, start, spare);
        else if (v->start < end && end < v->end)
            vma_split(v, end, spare);
    }
}

int vma_remove(struct mm *mm, uint64_t start, uint64_t end)
{
    struct vma *spare;
    if (spares_get(&spare, 2))
        return -ENOMEM;
    vma_split_at(mm, start, end, &spare);
    struct vma **pp = &mm->vmas;
    while (*pp) {
        struct vma *v = *pp;
        if (v->start >= start && v->end <= end) {
            mm_unmap_pages(mm, v->start, v->end);
            *pp = v->next;
            vma_free(v);
        } else {
            pp = &v->next;
        }
    }
    spares_put(spare);
    return 0;
}

/* True when [start, end) is covered by VMAs without holes. */
static bool vma_covered(struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t at = start;
    for (struct vma *v = mm->vmas; v && at < end; v = v->next) {
        if (v->end <= at)
            continue;
        if (v->start > at)
            return false;
        at = v->end;
    }
    return at >= end;
}

int vma_protect(struct mm *mm, uint64_t start, uint64_t end, unsigned prot)
{
    struct vma *spare;
    if (!vma_covered(mm, start, end))
        return -ENOMEM;
    if (prot & CORE_PROT_WRITE) /* a shared mapping of a file not open for writing */
        for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
            if (v->end > start && (v->flags & VMA_NOWRITE))
                return -EACCES;
    if (spares_get(&spare, 2))
        return -ENOMEM;
    vma_split_at(mm, start, end, &spare);
    for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
        if (v->end > start)
            v->prot = prot;
    /* The pages follow; PROT_NONE keeps them in the tables, inaccessible. */
    core_as_protect_range(mm->as, uaddr(start), uaddr(end), prot);
    if (prot & CORE_PROT_WRITE)
        mm_cow_protect(mm, start, end);
    spares_put(spare);
    return 0;
}

uint64_t vma_find_gap(struct mm *mm, uint64_t len, uint64_t below)
{
    uint64_t best = 0, prev_end = CORE_USER_MIN;
    for (struct vma *v = mm->vmas;; v = v->next) {
        uint64_t gap_end = v ? v->start : CORE_USER_END;
        if (gap_end > below)
            gap_end = below;
        if (gap_end >= prev_end && gap_end - prev_end >= len)
            best = gap_end - len; /* later gaps are higher */
        if (!v || v->start >= below)
            break;
        prev_end = v->end;
    }
    return best; /* 0: no room */
}
