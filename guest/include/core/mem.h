/* Kernel memory: pages and the heap.
 *
 * Pages are handed out as kernel pointers to zeroed 4 KiB frames; services
 * never see physical addresses. The heap serves any size; large requests
 * come from contiguous frames. */
#ifndef CORE_MEM_H
#define CORE_MEM_H

#include <core/types.h>

void *core_page_alloc(void) __must_check; /* zeroed page, or NULL */
void core_page_free(void *page);
/* Reference counts (copy-on-write sharing later): a page starts at 1. */
void core_page_get(void *page);
unsigned core_page_refs(void *page);

void *core_malloc(size_t size) __must_check;
void *core_zalloc(size_t size) __must_check;
void *core_realloc(void *p, size_t size) __must_check;
void core_free(void *p);

/* Memory statistics for sysinfo(2) and /proc/meminfo. */
uint64_t core_mem_total_bytes(void);
uint64_t core_mem_free_bytes(void);

#endif
