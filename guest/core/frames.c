/* Physical frame allocator: a bitmap over RAM plus per-frame info.
 *
 * One bit per 4 KiB frame (1 = free), with a rotating search hint. Each
 * frame also has a reference count (for sharing pages later), a "dirty"
 * flag (fresh VM memory is already zero, so only recycled frames need
 * zeroing: the VM costs what it touches), and for the first frame of a
 * multi-frame allocation its length. */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/mem.h>
#include <core/panic.h>
#include <lib/string.h>
#include <mica/console.h>

struct frame_info {
    uint16_t refs;
    uint8_t dirty;
    uint8_t pad;
    uint32_t npages;
};

static uint64_t *bitmap;
static struct frame_info *info;
static uint64_t nframes, nfree, hint;

static bool is_free(uint64_t f)
{
    return bitmap[f / 64] & (1ul << (f % 64));
}

static void set_free(uint64_t f, bool free)
{
    if (free)
        bitmap[f / 64] |= 1ul << (f % 64);
    else
        bitmap[f / 64] &= ~(1ul << (f % 64));
}

void frames_reserve(uint64_t pa, uint64_t len)
{
    uint64_t first = pa / 4096, last = CORE_ALIGN_UP(pa + len, 4096) / 4096;
    for (uint64_t f = first; f < last && f < nframes; f++)
        if (is_free(f)) {
            set_free(f, false);
            nfree--;
        }
}

void frames_init(void)
{
    uint64_t end = 0;
    for (uint32_t i = 0; i < boot_info.nr_mem_ranges; i++)
        if (boot_info.mem[i].type == MICA_MEM_RAM &&
            boot_info.mem[i].base + boot_info.mem[i].size > end)
            end = boot_info.mem[i].base + boot_info.mem[i].size;
    nframes = end / 4096;
    size_t bm_pages = CORE_ALIGN_UP(nframes / 8 + 8, 4096) / 4096;
    size_t info_pages = CORE_ALIGN_UP(nframes * sizeof(struct frame_info), 4096) / 4096;
    bitmap = phys_to_virt(early_alloc_pages(bm_pages));
    info = phys_to_virt(early_alloc_pages(info_pages));

    for (uint32_t i = 0; i < boot_info.nr_mem_ranges; i++) {
        const struct mica_mem_range *r = &boot_info.mem[i];
        if (r->type != MICA_MEM_RAM)
            continue;
        for (uint64_t f = CORE_ALIGN_UP(r->base, 4096) / 4096;
             f < (r->base + r->size) / 4096; f++) {
            set_free(f, true);
            nfree++;
        }
    }
    frames_reserve(0, early_alloc_end()); /* low 1 MiB, kernel, early data */
    frames_reserve(boot_info.initrd_gpa, boot_info.initrd_size);
    frames_reserve(boot_info.cmdline_gpa, boot_info.cmdline_size + 1);
    if (boot_info.console != MICA_CONSOLE_UART)
        frames_reserve(boot_info.console_gpa, sizeof(struct mica_console_rings));
}

static uint64_t find_run(size_t n)
{
    uint64_t align = n >= 2 ? 2 : 1;
    for (uint64_t pass = 0; pass < 2; pass++) {
        uint64_t start = pass ? 0 : hint;
        for (uint64_t f = CORE_ALIGN_UP(start, align); f + n <= nframes; f += align) {
            if (n == 1 && !bitmap[f / 64] && f % 64 == 0) {
                f += 64 - align;
                continue;
            }
            size_t k = 0;
            while (k < n && is_free(f + k))
                k++;
            if (k == n)
                return f;
            f = CORE_ALIGN_DOWN(f + k, align);
        }
    }
    return 0;
}

uint64_t frames_alloc(size_t n)
{
    uint64_t f = find_run(n);
    if (!f)
        return 0;
    for (size_t k = 0; k < n; k++) {
        set_free(f + k, false);
        if (info[f + k].dirty)
            memset(phys_to_virt((f + k) * 4096), 0, 4096);
        info[f + k].dirty = 0;
        info[f + k].refs = 1;
        info[f + k].npages = 0;
    }
    info[f].npages = n;
    nfree -= n;
    hint = f + n;
    return f * 4096;
}

void frames_free(uint64_t pa, size_t n)
{
    uint64_t f = pa / 4096;
    for (size_t k = 0; k < n; k++) {
        CORE_BUG_ON(f + k >= nframes || is_free(f + k));
        set_free(f + k, true);
        info[f + k].dirty = 1;
        info[f + k].refs = 0;
    }
    nfree += n;
}

uint32_t frame_npages(uint64_t pa)
{
    return info[pa / 4096].npages;
}

uint64_t frames_ram_end(void)
{
    return nframes * 4096;
}

void *core_page_alloc(void)
{
    uint64_t pa = frames_alloc(1);
    return pa ? phys_to_virt(pa) : NULL;
}

void core_page_free(void *page)
{
    uint64_t f = virt_to_phys(page) / 4096;
    CORE_BUG_ON(f >= nframes || info[f].refs == 0);
    if (--info[f].refs == 0)
        frames_free(f * 4096, 1);
}

void core_page_get(void *page)
{
    info[virt_to_phys(page) / 4096].refs++;
}

unsigned core_page_refs(void *page)
{
    return info[virt_to_phys(page) / 4096].refs;
}

uint64_t core_mem_total_bytes(void)
{
    return nframes * 4096;
}

uint64_t core_mem_free_bytes(void)
{
    return nfree * 4096;
}
