/* User FPU/SSE/AVX state: saved and restored eagerly at every task switch.
 *
 * The format is XSAVE's standard (non-compacted) layout for the features
 * in XCR0, or FXSAVE's 512 bytes on a CPU without XSAVE; the same layout
 * goes into signal frames, so services copy it to and from user memory
 * as is. Each task's area is one page (XCR0 never enables AMX here).
 * The kernel itself never touches these registers (-mgeneral-regs-only).
 * State coming back from user memory (sigreturn) is checked before
 * XRSTOR, and XRSTOR has an exception-table fixup besides, so a hostile
 * image gets -EINVAL, never a kernel #GP.
 */
#include "arch.h"
#include "../../core_int.h"
#include <core/errno.h>
#include <core/mem.h>
#include <core/panic.h>
#include <core/task.h>
#include <lib/string.h>

#define FX_MXCSR 24
#define FX_MXCSR_MASK 28
#define XSAVE_HDR 512

static bool use_xsave, use_xsaveopt;
static uint64_t xcr0;
static size_t area_size = 512;
static uint32_t mxcsr_mask = 0xffbf;
static uint8_t init_area[4096] __attribute__((aligned(64)));
static uint8_t scratch[4096] __attribute__((aligned(64)));

/* At a task switch, into the task's own area (the one its state was last
 * restored from): XSAVEOPT skips components still in their initial state
 * (most programs never touch AVX-512) and, on hardware, ones unchanged
 * since that restore. Elsewhere (fork, signal frames) the full XSAVE. */
void fpu_switch_save(void *area)
{
    if (use_xsaveopt)
        __asm__ volatile("xsaveopt64 (%0)" ::"r"(area), "a"(-1), "d"(-1) : "memory");
    else
        fpu_save(area);
}

void fpu_save(void *area)
{
    if (use_xsave)
        __asm__ volatile("xsave64 (%0)" ::"r"(area), "a"(-1), "d"(-1) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

/* 0, or -EINVAL when the CPU refused the image (exception-table fixup). */
#define LOAD_CHECKED(insn, err, area, ...)                                     \
    __asm__ volatile("1: " insn " (%1)\n"                                      \
                     "2:\n"                                                    \
                     ".section .fixup, \"ax\"\n"                               \
                     "3: mov %2, %0\n"                                         \
                     "   jmp 2b\n"                                             \
                     ".previous\n"                                             \
                     ".section __ex_table, \"a\"\n"                            \
                     ".quad 1b, 3b\n"                                          \
                     ".previous"                                               \
                     : "+r"(err)                                               \
                     : "r"(area), "i"(-EINVAL), ##__VA_ARGS__                  \
                     : "memory")

static int fpu_load(const void *area)
{
    int err = 0;
    if (use_xsave)
        LOAD_CHECKED("xrstor64", err, area, "a"(-1), "d"(-1));
    else
        LOAD_CHECKED("fxrstor64", err, area);
    return err;
}

void fpu_restore(const void *area)
{
    if (fpu_load(area))
        core_panic("FPU state of a task was refused");
}

void fpu_init(void)
{
    uint32_t r[4];
    arch_cpuid(1, 0, r);
    use_xsave = (r[2] >> 26) & 1 && (read_cr4() >> 18) & 1;
    if (arch_pvm)
        use_xsave = (r[2] >> 26) & 1;
    if (use_xsave) {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = ((uint64_t)hi << 32) | lo;
        arch_cpuid(0xd, 0, r);
        area_size = r[1];
        if (area_size > sizeof(init_area) || area_size < 576)
            core_panic("XSAVE area of %zu bytes is not supported", area_size);
        arch_cpuid(0xd, 1, r);
        use_xsaveopt = r[0] & 1;
    }
    /* what this CPU accepts in MXCSR */
    memset(scratch, 0, sizeof(scratch));
    __asm__ volatile("fxsave64 (%0)" ::"r"(scratch) : "memory");
    uint32_t mask;
    memcpy(&mask, scratch + FX_MXCSR_MASK, 4);
    if (mask)
        mxcsr_mask = mask;
    /* the initial state: x87 control word 0x37f, MXCSR 0x1f80, all else
     * at its init value (XSTATE_BV = 0) */
    memset(init_area, 0, sizeof(init_area));
    init_area[0] = 0x7f;
    init_area[1] = 0x03;
    uint32_t mxcsr = 0x1f80;
    memcpy(init_area + FX_MXCSR, &mxcsr, 4);
    fpu_restore(init_area);
}

void *fpu_alloc(void)
{
    void *p = core_page_alloc();
    if (p)
        memcpy(p, init_area, area_size);
    return p;
}

void fpu_free(void *area)
{
    if (area)
        core_page_free(area);
}

size_t core_fpu_state_size(void)
{
    return area_size;
}

uint64_t core_fpu_xfeatures(void)
{
    return use_xsave ? xcr0 : 0;
}

void core_fpu_save(void *buf)
{
    fpu_save(scratch);
    memcpy(buf, scratch, area_size);
}

/* Check an image from user memory the way the CPU would, then load it. */
int core_fpu_restore(const void *buf)
{
    uint32_t mxcsr;
    memcpy(scratch, buf, area_size);
    memcpy(&mxcsr, scratch + FX_MXCSR, 4);
    if (mxcsr & ~mxcsr_mask)
        return -EINVAL;
    if (use_xsave) {
        uint64_t bv, comp;
        memcpy(&bv, scratch + XSAVE_HDR, 8);
        memcpy(&comp, scratch + XSAVE_HDR + 8, 8);
        if (bv & ~xcr0 || comp)
            return -EINVAL;
        for (int i = 16; i < 64; i++)
            if (scratch[XSAVE_HDR + i])
                return -EINVAL;
    }
    return fpu_load(scratch);
}

void core_fpu_reset(void)
{
    fpu_restore(init_area);
}
