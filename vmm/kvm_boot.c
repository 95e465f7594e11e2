/* mica VMM: lay out guest memory for a direct 64-bit boot (include/mica/boot.h).
 *
 *   0x7000   struct mica_boot_info
 *   0x10000  boot page tables: PML4, PDPT(low), 4 PDs, PDPT(high)
 *   0x20000  kernel command line (NUL-terminated)
 *   0x60000  console rings
 *   1 MiB+   kernel PT_LOAD segments at their p_paddr
 *   top      initramfs, page aligned
 *
 * The page tables map the first 4 GiB 1:1 with 2 MiB pages and the first
 * 1 GiB again at 0xffffffff80000000, where the kernel is linked. On PVM
 * every entry has U=1: the guest kernel runs at CPL 3 (docs/pvm.md).
 *
 * The kernel image is copied into guest memory for now; the design wants
 * it mapped (a private file mapping in its own memslot), which saves the
 * copy and the memory of pages the guest never touches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>

#include "kvm_int.h"

#define PT_P 0x1ull
#define PT_RW 0x2ull
#define PT_US 0x4ull
#define PT_PS 0x80ull
#define PT_PML4 (MICA_BOOT_PT_GPA + 0x0000u)
#define PT_PDPT_LOW (MICA_BOOT_PT_GPA + 0x1000u)
#define PT_PD0 (MICA_BOOT_PT_GPA + 0x2000u) /* 4 PDs: 0..4 GiB */
#define PT_PDPT_HIGH (MICA_BOOT_PT_GPA + 0x6000u)
#define PT_END (MICA_BOOT_PT_GPA + 0x7000u)
#define PAGE_ALIGN_UP(x) (((x) + 0xfffull) & ~0xfffull)

static int boot_segment(struct kvm_vm *vm, const GElf_Phdr *ph,
                        struct mica_error *err)
{
    const struct vm_config *cfg = vm->cfg;
    uint8_t *dst;

    if (ph->p_filesz > ph->p_memsz || ph->p_offset > cfg->kernel_size ||
        ph->p_filesz > cfg->kernel_size - ph->p_offset)
        return mica_error_set(err, ENOEXEC, "kernel image: a segment lies "
                              "outside the file");
    if (ph->p_paddr < MICA_KERNEL_GPA)
        return mica_error_set(err, ENOEXEC, "kernel image: a segment loads "
                              "below 1 MiB (0x%llx)",
                              (unsigned long long)ph->p_paddr);
    dst = kvm_gpa_ptr(vm, ph->p_paddr, ph->p_memsz);
    if (dst == NULL)
        return mica_error_set(err, ENOMEM, "kernel image: a segment at 0x%llx "
                              "(%llu bytes) does not fit in guest memory",
                              (unsigned long long)ph->p_paddr,
                              (unsigned long long)ph->p_memsz);
    memcpy(dst, cfg->kernel + ph->p_offset, ph->p_filesz);
    memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
    if (ph->p_paddr + ph->p_memsz > vm->kernel_end)
        vm->kernel_end = ph->p_paddr + ph->p_memsz;
    return 0;
}

static int boot_kernel_segments(struct kvm_vm *vm, Elf *elf,
                                struct mica_error *err)
{
    size_t i, n;
    GElf_Phdr ph;
    int rc, loads = 0;

    if (elf_getphdrnum(elf, &n) < 0)
        return mica_error_set(err, ENOEXEC, "kernel image: %s", elf_errmsg(-1));
    for (i = 0; i < n; i++) {
        if (gelf_getphdr(elf, (int)i, &ph) == NULL)
            return mica_error_set(err, ENOEXEC, "kernel image: %s",
                                  elf_errmsg(-1));
        if (ph.p_type != PT_LOAD)
            continue;
        rc = boot_segment(vm, &ph, err);
        if (rc < 0)
            return rc;
        loads++;
    }
    if (loads == 0)
        return mica_error_set(err, ENOEXEC, "kernel image: no PT_LOAD segment");
    return 0;
}

/* libelf reads the image in place (ELF_C_READ_MMAP semantics, native byte
 * order); it does not write to it. */
static int boot_kernel(struct kvm_vm *vm, struct mica_error *err)
{
    GElf_Ehdr eh;
    Elf *elf;
    int rc;

    if (elf_version(EV_CURRENT) == EV_NONE)
        return mica_error_set(err, EIO, "libelf: %s", elf_errmsg(-1));
    elf = elf_memory((char *)vm->cfg->kernel, vm->cfg->kernel_size);
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
        gelf_getclass(elf) != ELFCLASS64 || eh.e_machine != EM_X86_64) {
        elf_end(elf);
        return mica_error_set(err, ENOEXEC, "kernel image: not an x86-64 "
                              "ELF64 kernel");
    }
    vm->entry = eh.e_entry;
    rc = boot_kernel_segments(vm, elf, err);
    elf_end(elf);
    return rc;
}

static int boot_initrd(struct kvm_vm *vm, struct mica_error *err)
{
    uint64_t size = vm->cfg->initrd_size;
    uint8_t *dst;

    if (size > vm->mem_size)
        goto too_big;
    vm->initrd_gpa = (vm->mem_size - size) & ~0xfffull;
    if (vm->initrd_gpa < PAGE_ALIGN_UP(vm->kernel_end))
        goto too_big;
    dst = kvm_gpa_ptr(vm, vm->initrd_gpa, size);
    if (dst == NULL)
        goto too_big;
    memcpy(dst, vm->cfg->initrd, size);
    return 0;
too_big:
    return mica_error_set(err, ENOMEM, "the initramfs (%llu KiB) does not fit "
                          "in guest memory; give a larger --memory",
                          (unsigned long long)(size >> 10));
}

static int boot_cmdline(struct kvm_vm *vm, struct mica_error *err)
{
    size_t len = strlen(vm->cfg->cmdline);
    char *dst;

    if (len >= MICA_CMDLINE_MAX)
        return mica_error_set(err, E2BIG, "kernel command line too long");
    dst = kvm_gpa_ptr(vm, MICA_BOOT_CMDLINE_GPA, len + 1);
    if (dst == NULL)
        return mica_error_set(err, ENOMEM, "no room for the command line");
    memcpy(dst, vm->cfg->cmdline, len + 1);
    return 0;
}

static void boot_page_tables(struct kvm_vm *vm)
{
    uint64_t u = vm->platform == MICA_PLATFORM_PVM ? PT_US : 0;
    uint64_t *pml4 = kvm_gpa_ptr(vm, PT_PML4, 0x1000);
    uint64_t *low = kvm_gpa_ptr(vm, PT_PDPT_LOW, 0x1000);
    uint64_t *high = kvm_gpa_ptr(vm, PT_PDPT_HIGH, 0x1000);
    uint64_t *pd = kvm_gpa_ptr(vm, PT_PD0, 0x4000);
    uint64_t i;

    memset(pml4, 0, PT_END - PT_PML4);
    for (i = 0; i < 4 * 512; i++) /* 4 GiB in 2 MiB pages */
        pd[i] = (i << 21) | PT_P | PT_RW | PT_PS | u;
    for (i = 0; i < 4; i++)
        low[i] = (PT_PD0 + i * 0x1000) | PT_P | PT_RW | u;
    high[510] = PT_PD0 | PT_P | PT_RW | u; /* -2 GiB -> physical 0..1 GiB */
    pml4[0] = PT_PDPT_LOW | PT_P | PT_RW | u;
    pml4[511] = PT_PDPT_HIGH | PT_P | PT_RW | u;
}

static void boot_info(struct kvm_vm *vm)
{
    struct mica_boot_info *bi = kvm_gpa_ptr(vm, MICA_BOOT_INFO_GPA, sizeof(*bi));

    memset(bi, 0, sizeof(*bi));
    bi->magic = MICA_BOOT_MAGIC;
    bi->version = MICA_BOOT_VERSION;
    bi->size = sizeof(*bi);
    bi->platform = vm->platform;
    bi->console = MICA_CONSOLE_RING;
    bi->nr_cpus = 1;
    bi->tsc_khz = vm->tsc_khz;
    bi->cmdline_gpa = MICA_BOOT_CMDLINE_GPA;
    bi->cmdline_size = strlen(vm->cfg->cmdline);
    bi->initrd_gpa = vm->initrd_gpa;
    bi->initrd_size = vm->cfg->initrd_size;
    bi->console_gpa = MICA_CONSOLE_GPA;
    bi->nr_mem_ranges = 1;
    bi->mem[0].base = 0;
    bi->mem[0].size = vm->mem_size;
    bi->mem[0].type = MICA_MEM_RAM;
}

int kvm_boot_load(struct kvm_vm *vm, struct mica_error *err)
{
    struct mica_console_rings *rings;
    int rc;

    if (vm->mem_size < MICA_KERNEL_GPA * 2)
        return mica_error_set(err, ENOMEM, "guest memory too small");
    rc = boot_kernel(vm, err);
    if (rc == 0)
        rc = boot_initrd(vm, err);
    if (rc == 0)
        rc = boot_cmdline(vm, err);
    if (rc < 0)
        return rc;
    rings = kvm_gpa_ptr(vm, MICA_CONSOLE_GPA, sizeof(*rings));
    memset(rings, 0, sizeof(*rings));
    console_ring_init(&vm->ring, rings);
    boot_page_tables(vm);
    boot_info(vm);
    return 0;
}
