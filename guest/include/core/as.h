/* User address spaces: page tables, owned by the core.
 *
 * An address space maps user pages (kernel pointers from core_page_alloc)
 * at user virtual addresses. The kernel half is shared and invisible here.
 * Services keep their own record of what is mapped (VMAs) and decide
 * policy; the core only writes page-table entries and flushes TLBs.
 * On PVM the hypervisor's KPTI mode gives each space a kernel root and a
 * user-only root (docs/pvm.md part 2); services cannot tell. */
#ifndef CORE_AS_H
#define CORE_AS_H

#include <core/types.h>

struct core_as; /* opaque */

#define CORE_PROT_READ 1u
#define CORE_PROT_WRITE 2u
#define CORE_PROT_EXEC 4u
/* prot 0 (PROT_NONE): the page stays mapped to the space but any access
 * faults; lookup reports it with prot 0. */

struct core_as *core_as_create(void) __must_check;
/* Unmaps everything; calls page_put(page) for every mapped page. */
void core_as_destroy(struct core_as *as, void (*page_put)(void *page));
/* Make `as` the current user address space of this CPU. */
void core_as_activate(struct core_as *as);
struct core_as *core_as_current(void);

/* Map one page at va (page aligned, user range). Replaces any mapping
 * there and returns the page that was mapped before, or NULL.
 * Returns (void *)-ENOMEM style errors through *err (0 on success). */
void *core_as_map(struct core_as *as, uaddr_t va, void *page, unsigned prot,
                  int *err);
/* Remove the mapping at va; returns the page that was mapped, or NULL. */
void *core_as_unmap(struct core_as *as, uaddr_t va);
/* Change protection of an existing mapping; false if nothing is mapped. */
bool core_as_protect(struct core_as *as, uaddr_t va, unsigned prot);
/* Range forms, [start, end) page aligned: they skip unpopulated page-table
 * levels, so their cost follows what is mapped, not the range's size.
 * unmap_range calls page_put(page) for every page it removes. */
void core_as_unmap_range(struct core_as *as, uaddr_t start, uaddr_t end,
                         void (*page_put)(void *page));
void core_as_protect_range(struct core_as *as, uaddr_t start, uaddr_t end,
                           unsigned prot);
/* Call fn for every page mapped in [start, end), in address order; fn must
 * not change the mappings of `as` itself (collect, then act). */
void core_as_for_each(struct core_as *as, uaddr_t start, uaddr_t end,
                      void (*fn)(uaddr_t va, void *page, unsigned prot, void *ctx),
                      void *ctx);
/* The page mapped at va (and its protection), or NULL. */
void *core_as_lookup(struct core_as *as, uaddr_t va, unsigned *prot);

#endif
