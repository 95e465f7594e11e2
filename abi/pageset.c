/* The set of user pages an address space has mapped.
 *
 * The core's page tables answer "what is at va" but not "what is mapped
 * in [start, end)", and walking a range page by page costs its length:
 * munmap of a 1 TiB reservation touched at both ends would visit 2^28
 * pages. So every place that maps or unmaps a user page also records it
 * here (an open-addressing hash set of page addresses, linear probing,
 * deletion by backward shift), and range operations visit at most as
 * many pages as are mapped. See CORE-API-REQUESTS.md for the core call
 * that would make this unnecessary.
 */
#include "abi_int.h"

static size_t slot_of(const struct pageset *ps, uint64_t va)
{
    return (size_t)((va >> CORE_PAGE_SHIFT) * 0x9e3779b97f4a7c15ull >> 20) & (ps->cap - 1);
}

static int pageset_grow(struct pageset *ps)
{
    size_t cap = ps->cap ? ps->cap * 2 : 1024;
    uint64_t *old = ps->slots, *slots = core_zalloc(cap * sizeof(uint64_t));
    size_t oldcap = ps->cap;
    if (!slots)
        return -ENOMEM;
    ps->slots = slots;
    ps->cap = cap;
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i])
            continue;
        size_t j = slot_of(ps, old[i]);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = old[i];
    }
    core_free(old);
    return 0;
}

int pageset_add(struct pageset *ps, uint64_t va)
{
    if ((ps->count + 1) * 2 > ps->cap && pageset_grow(ps))
        return -ENOMEM;
    size_t i = slot_of(ps, va);
    while (ps->slots[i]) {
        if (ps->slots[i] == va)
            return 0;
        i = (i + 1) & (ps->cap - 1);
    }
    ps->slots[i] = va;
    ps->count++;
    return 0;
}

void pageset_del(struct pageset *ps, uint64_t va)
{
    if (!ps->cap)
        return;
    size_t i = slot_of(ps, va);
    while (ps->slots[i] && ps->slots[i] != va)
        i = (i + 1) & (ps->cap - 1);
    if (!ps->slots[i])
        return;
    ps->slots[i] = 0;
    ps->count--;
    /* Backward shift: pull later entries of the cluster into the hole. */
    for (size_t j = (i + 1) & (ps->cap - 1); ps->slots[j]; j = (j + 1) & (ps->cap - 1)) {
        size_t home = slot_of(ps, ps->slots[j]);
        bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            ps->slots[i] = ps->slots[j];
            ps->slots[j] = 0;
            i = j;
        }
    }
}

/* The mapped pages in [start, end): either every page of the range (when
 * it is the smaller) or the matching members. *out is core_malloc'd; the
 * count is returned, or -ENOMEM. */
long pageset_range(const struct pageset *ps, uint64_t start, uint64_t end,
                   uint64_t **out)
{
    uint64_t pages = (end - start) / CORE_PAGE_SIZE;
    bool walk = pages <= ps->count;
    uint64_t *list = core_malloc(((walk ? pages : ps->count) + 1) * sizeof(uint64_t));
    if (!list)
        return -ENOMEM;
    size_t n = 0;
    if (walk) {
        for (uint64_t va = start; va < end; va += CORE_PAGE_SIZE)
            list[n++] = va;
    } else {
        for (size_t i = 0; i < ps->cap; i++)
            if (ps->slots[i] >= start && ps->slots[i] < end)
                list[n++] = ps->slots[i];
    }
    *out = list;
    return (long)n;
}

void pageset_free(struct pageset *ps)
{
    core_free(ps->slots);
    ps->slots = NULL;
    ps->cap = ps->count = 0;
}
