/* The two ways in: mica's VMM (boot info given) and PVH (QEMU -kernel).
 * Both end in one struct mica_boot_info and core_start(). */
#include "arch.h"
#include "../../core_int.h"
#include <core/panic.h>
#include <lib/string.h>
#include <mica/cmdline.h>

#define PVH_MAGIC 0x336ec578u
#define E820_RAM 1u

struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

struct mica_boot_info boot_info;

/* Until paging_init, low physical memory is identity-mapped by the boot
 * page tables of either path. */
static const void *boot_phys(uint64_t pa)
{
    return (const void *)pa;
}

__noreturn void mica_boot(uint64_t info_pa)
{
    const struct mica_boot_info *bi = boot_phys(info_pa);
    memcpy(&boot_info, bi, sizeof(boot_info));
    if (boot_info.platform == MICA_PLATFORM_PVM)
        arch_pvm_early();
    core_start();
}

static void pvh_memmap(const struct hvm_start_info *si)
{
    const struct hvm_memmap_entry *m = boot_phys(si->memmap_paddr);
    uint32_t n = 0;
    for (uint32_t i = 0; i < si->memmap_entries && n < MICA_MAX_MEM_RANGES; i++) {
        boot_info.mem[n].base = m[i].addr;
        boot_info.mem[n].size = m[i].size;
        boot_info.mem[n].type = m[i].type == E820_RAM ? MICA_MEM_RAM : MICA_MEM_RESERVED;
        n++;
    }
    boot_info.nr_mem_ranges = n;
}

/* mica's QEMU engine shares guest RAM and names the console rings. */
static void pvh_console(const char *cmdline)
{
    const char *ring = cmdline_find(cmdline, MICA_CMDLINE_RING);
    if (ring) {
        boot_info.console = MICA_CONSOLE_RING_UART;
        boot_info.console_gpa = strtoul(ring, NULL, 16);
    }
}

__noreturn void pvh_boot(uint64_t si_pa)
{
    const struct hvm_start_info *si = boot_phys(si_pa);

    boot_info.magic = MICA_BOOT_MAGIC;
    boot_info.version = MICA_BOOT_VERSION;
    boot_info.size = sizeof(boot_info);
    boot_info.platform = MICA_PLATFORM_RING0;
    boot_info.console = MICA_CONSOLE_UART;
    boot_info.nr_cpus = 1;
    if (si->magic == PVH_MAGIC) {
        if (si->version >= 1 && si->memmap_paddr)
            pvh_memmap(si);
        if (si->cmdline_paddr) {
            boot_info.cmdline_gpa = si->cmdline_paddr;
            boot_info.cmdline_size = strlen(boot_phys(si->cmdline_paddr));
            pvh_console(boot_phys(si->cmdline_paddr));
        }
        if (si->nr_modules && si->modlist_paddr) {
            const struct hvm_modlist_entry *mod = boot_phys(si->modlist_paddr);
            boot_info.initrd_gpa = mod->paddr;
            boot_info.initrd_size = mod->size;
        }
    }
    core_start();
}
