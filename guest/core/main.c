/* Core start-up: descriptor tables, page tables, memory, console, clocks,
 * then hand over to the services (service_main). */
#include "arch/x86_64/arch.h"
#include "core_int.h"
#include <core/boot.h>
#include <core/console.h>
#include <core/mem.h>
#include <core/panic.h>
#include <core/time.h>
#include <lib/string.h>
#include <mica/cmdline.h>

extern char kstack0_top[];
static uint64_t early_next, early_limit;
static char *cmdline_copy;

uint64_t early_alloc_pages(size_t n)
{
    uint64_t align = n >= 2 ? 8192 : 4096;
    uint64_t pa = CORE_ALIGN_UP(early_next, align);
    if (pa + n * 4096 > early_limit)
        core_panic("out of early boot memory");
    early_next = pa + n * 4096;
    memset((void *)(pa + KERNEL_VMA), 0, n * 4096);
    return pa;
}

static uint64_t ram_end_of(const struct mica_boot_info *bi)
{
    uint64_t end = 0;
    for (uint32_t i = 0; i < bi->nr_mem_ranges; i++)
        if (bi->mem[i].type == MICA_MEM_RAM && bi->mem[i].base + bi->mem[i].size > end)
            end = bi->mem[i].base + bi->mem[i].size;
    return end;
}

static void early_region_init(uint64_t ram_end)
{
    early_next = (uint64_t)__kernel_end - KERNEL_VMA;
    early_limit = ram_end < (1ul << 30) ? ram_end : (1ul << 30);
    /* keep clear of the initramfs and command line */
    if (boot_info.initrd_size && boot_info.initrd_gpa > early_next &&
        boot_info.initrd_gpa < early_limit)
        early_limit = boot_info.initrd_gpa & ~4095ul;
}

static void cmdline_init(void)
{
    size_t n = boot_info.cmdline_size;
    if (n > MICA_CMDLINE_MAX)
        n = MICA_CMDLINE_MAX;
    cmdline_copy = core_malloc(n + 1);
    if (!cmdline_copy)
        core_panic("no memory for the command line");
    if (n)
        memcpy(cmdline_copy, phys_to_virt(boot_info.cmdline_gpa), n);
    cmdline_copy[n] = 0;
}

/* Returns the value after "key" if the word is present, else NULL. */
const char *cmdline_find(const char *cmdline, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = cmdline; *p;) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, key, kl) && (p[kl] == ' ' || p[kl] == 0 || key[kl - 1] == '='))
            return p + kl;
        while (*p && *p != ' ')
            p++;
    }
    return NULL;
}

/* Deeper and deeper, until the guard page below the stack stops it. */
static __attribute__((noinline)) uint64_t recurse(volatile uint64_t *depth)
{
    volatile uint8_t pad[256];
    pad[0] = (uint8_t)*depth;
    if (++*depth == 0) /* never: it is the guard that ends this */
        return pad[0];
    return recurse(depth) + pad[0];
}

/* Test hooks (mica.fault_test=): faults the host must report, not hang on. */
static void fault_test(const char *cmdline)
{
    const char *kind = cmdline_find(cmdline, MICA_CMDLINE_FAULT_TEST);
    if (!kind)
        return;
    if (!strncmp(kind, "triple", 6)) {
        struct __attribute__((packed)) {
            uint16_t limit;
            uint64_t base;
        } empty = {0, 0};
        __asm__ volatile("lidt %0; int3" ::"m"(empty) : "memory");
    }
    if (!strncmp(kind, "kstack", 6)) { /* on a task stack, with its guard */
        uint8_t *stack = kstack_alloc();
        static volatile uint64_t depth;
        if (!stack)
            core_panic("no memory for the stack overflow test");
        __asm__ volatile("mov %0, %%rsp; mov %1, %%rdi; call *%2" ::"r"(stack + KSTACK_BYTES),
                         "r"(&depth), "r"(recurse)
                         : "memory", "rdi");
    }
    if (!strncmp(kind, "kernel_pf", 9)) {
        volatile uint64_t *p = (volatile uint64_t *)8;
        __asm__ volatile("" : "+r"(p)); /* hide the constant from the compiler */
        *p = 1;
    }
}

__noreturn void core_start(void)
{
    if (boot_info.magic != MICA_BOOT_MAGIC || boot_info.version != MICA_BOOT_VERSION)
        core_panic("unknown boot info (magic %#x version %u)", boot_info.magic,
                   boot_info.version);
    arch_cpu_init(&cpu0, (uint64_t)kstack0_top);
    uint64_t ram_end = ram_end_of(&boot_info);
    if (!ram_end)
        core_panic("no RAM in the boot memory map");
    early_region_init(ram_end);
    /* the boot page tables still map low memory 1:1 */
    dev_scan((const char *)boot_info.cmdline_gpa,
             boot_info.cmdline_size < MICA_CMDLINE_MAX ? boot_info.cmdline_size
                                                       : MICA_CMDLINE_MAX);
    paging_init(ram_end);
    frames_init();
    console_init();
    cmdline_init();
    time_init();
    const char *t = cmdline_find(cmdline_copy, "mica.time=");
    if (t)
        core_time_set_realtime_ns(strtoul(t, NULL, 10));
    random_init(cmdline_copy);
    fpu_init();
    sched_init();
    apic_init();
    const char *cpus = cmdline_find(cmdline_copy, MICA_CMDLINE_CPUS);
    smp_boot(cpus ? (unsigned)strtoul(cpus, NULL, 10) : 1);
    dev_init();
    console_irq_init();
    fault_test(cmdline_copy);
    core_log("mica: kernel up on %s, %lu MiB RAM, TSC %lu kHz\n", core_platform_name(),
             ram_end >> 20, tsc_khz);
    service_main();
}

uint64_t early_alloc_end(void)
{
    return early_next;
}

const char *core_boot_cmdline(void)
{
    return cmdline_copy;
}

void core_boot_initrd(const void **data, size_t *size)
{
    *data = boot_info.initrd_size ? phys_to_virt(boot_info.initrd_gpa) : NULL;
    *size = boot_info.initrd_size;
}

const char *core_platform_name(void)
{
    return arch_pvm ? "pvm" : "ring0";
}
