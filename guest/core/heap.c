/* Kernel heap: power-of-two slabs for small objects, whole frames for the
 * rest.
 *
 * A small object lives in a one-page slab of its size class; the class is
 * kept in the slab page's header so free() needs no size. Requests above
 * 2 KiB take contiguous frames; the frame allocator remembers their count.
 * Slab pages and large blocks are told apart by alignment: large blocks
 * are page aligned, slab objects never are (the header comes first). */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/mem.h>
#include <core/panic.h>
#include <lib/string.h>

#define MIN_SHIFT 4  /* 16 bytes */
#define MAX_SHIFT 11 /* 2048 bytes */
#define NCLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define SLAB_MAGIC 0x51ab51ab

struct slab_header {
    uint32_t magic;
    uint32_t shift;
};

struct free_obj {
    struct free_obj *next;
};

static struct free_obj *free_lists[NCLASSES];

static unsigned class_of(size_t size)
{
    unsigned shift = MIN_SHIFT;
    while ((1ul << shift) < size)
        shift++;
    return shift;
}

static bool slab_refill(unsigned shift)
{
    uint64_t pa = frames_alloc(1);
    if (!pa)
        return false;
    char *page = phys_to_virt(pa);
    struct slab_header *h = (struct slab_header *)page;
    h->magic = SLAB_MAGIC;
    h->shift = shift;
    size_t obj = 1ul << shift;
    /* objects start after the header, at the first multiple of obj >= 16 */
    size_t first = obj < 16 ? 16 : obj;
    for (size_t off = first; off + obj <= 4096; off += obj) {
        struct free_obj *o = (struct free_obj *)(page + off);
        o->next = free_lists[shift - MIN_SHIFT];
        free_lists[shift - MIN_SHIFT] = o;
    }
    return true;
}

void *core_malloc(size_t size)
{
    if (size == 0)
        size = 1;
    if (size > (1ul << MAX_SHIFT)) {
        size_t n = CORE_ALIGN_UP(size, 4096) / 4096;
        if (n > (1ul << 20))
            return NULL;
        uint64_t pa = frames_alloc(n);
        return pa ? phys_to_virt(pa) : NULL;
    }
    unsigned shift = class_of(size);
    struct free_obj **list = &free_lists[shift - MIN_SHIFT];
    if (!*list && !slab_refill(shift))
        return NULL;
    struct free_obj *o = *list;
    *list = o->next;
    return o;
}

static size_t usable_size(void *p)
{
    if (((uint64_t)p & 4095) == 0)
        return (size_t)frame_npages(virt_to_phys(p)) * 4096;
    struct slab_header *h = (void *)CORE_ALIGN_DOWN((uint64_t)p, 4096);
    CORE_BUG_ON(h->magic != SLAB_MAGIC);
    return 1ul << h->shift;
}

void core_free(void *p)
{
    if (!p)
        return;
    if (((uint64_t)p & 4095) == 0) {
        uint64_t pa = virt_to_phys(p);
        frames_free(pa, frame_npages(pa));
        return;
    }
    struct slab_header *h = (void *)CORE_ALIGN_DOWN((uint64_t)p, 4096);
    CORE_BUG_ON(h->magic != SLAB_MAGIC);
    struct free_obj *o = p;
    o->next = free_lists[h->shift - MIN_SHIFT];
    free_lists[h->shift - MIN_SHIFT] = o;
}

void *core_zalloc(size_t size)
{
    void *p = core_malloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void *core_realloc(void *p, size_t size)
{
    if (!p)
        return core_malloc(size);
    size_t old = usable_size(p);
    if (size <= old)
        return p;
    void *n = core_malloc(size);
    if (!n)
        return NULL;
    memcpy(n, p, old);
    core_free(p);
    return n;
}
