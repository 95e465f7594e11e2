/* Unit tests for vmm/kvm_boot.c: the guest memory a KVM boot starts from
 * (runs without /dev/kvm: only guest memory is built). */
#define _GNU_SOURCE
#include <check.h>
#include "check_run.h"
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kvm_int.h"

#define MEM (64ull << 20)

static uint8_t kernel[8192];
static struct mica_options opts;
static struct vm_config cfg;

static size_t make_kernel(uint64_t paddr, uint64_t filesz, uint64_t memsz,
                          uint64_t offset)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)kernel;
    Elf64_Phdr *ph = (Elf64_Phdr *)(kernel + sizeof(*eh));

    memset(kernel, 0, sizeof(kernel));
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0xffffffff80100000ull;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 1;
    ph->p_type = PT_LOAD;
    ph->p_offset = offset;
    ph->p_vaddr = 0xffffffff80000000ull + paddr;
    ph->p_paddr = paddr;
    ph->p_filesz = filesz;
    ph->p_memsz = memsz;
    memset(kernel + 4096, 0xcc, 4096);
    return sizeof(kernel);
}

static void vm_init(struct kvm_vm *vm, enum mica_platform platform)
{
    memset(vm, 0, sizeof(*vm));
    opts.mem_size = MEM;
    cfg.opts = &opts;
    cfg.kernel = kernel;
    cfg.kernel_size = sizeof(kernel);
    cfg.initrd = (const uint8_t *)"07070100initrd";
    cfg.initrd_size = 14;
    cfg.cmdline = "mica.path=/x mica.arg=x";
    vm->cfg = &cfg;
    vm->mem_size = MEM;
    vm->mem = malloc(MEM);
    memset(vm->mem, 0xff, MEM); /* the loader must zero what matters */
    vm->platform = platform;
    vm->tsc_khz = 2000000;
}

static uint64_t q(struct kvm_vm *vm, uint64_t gpa)
{
    uint64_t v;

    memcpy(&v, vm->mem + gpa, 8);
    return v;
}

START_TEST(test_layout_ring0)
{
    struct kvm_vm vm;
    struct mica_error e;
    struct mica_boot_info *bi;

    make_kernel(0x100000, 4096, 0x3000, 4096);
    vm_init(&vm, MICA_PLATFORM_RING0);
    mica_error_init(&e);
    ck_assert_msg(kvm_boot_load(&vm, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(vm.entry, 0xffffffff80100000ull);
    ck_assert_int_eq(vm.mem[0x100000], 0xcc);
    ck_assert_int_eq(vm.mem[0x100fff], 0xcc);
    ck_assert_int_eq(vm.mem[0x101000], 0); /* bss */
    ck_assert_int_eq(vm.mem[0x102fff], 0);
    /* page tables: identity 4 GiB and -2 GiB, U=0 on ring 0 */
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA) & ~0xfffull, MICA_BOOT_PT_GPA + 0x1000);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA) & 0x7, 0x3);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 511 * 8) & 0x7, 0x3);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 8), 0);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 256 * 8), 0); /* never slot 256 */
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 0x2000), 0x83);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 0x2000 + 8), 0x200083);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 0x5000 + 511 * 8),
                      (4ull << 30) - (2ull << 20) + 0x83);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 0x6000 + 510 * 8),
                      (MICA_BOOT_PT_GPA + 0x2000) | 0x3);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 0x6000 + 511 * 8), 0);
    /* boot info */
    bi = (struct mica_boot_info *)(vm.mem + MICA_BOOT_INFO_GPA);
    ck_assert_uint_eq(bi->magic, MICA_BOOT_MAGIC);
    ck_assert_uint_eq(bi->version, MICA_BOOT_VERSION);
    ck_assert_uint_eq(bi->size, sizeof(*bi));
    ck_assert_uint_eq(bi->platform, MICA_PLATFORM_RING0);
    ck_assert_uint_eq(bi->console, MICA_CONSOLE_RING);
    ck_assert_uint_eq(bi->nr_cpus, 1);
    ck_assert_uint_eq(bi->tsc_khz, 2000000);
    ck_assert_uint_eq(bi->cmdline_gpa, MICA_BOOT_CMDLINE_GPA);
    ck_assert_uint_eq(bi->cmdline_size, strlen(cfg.cmdline));
    ck_assert_str_eq((char *)vm.mem + MICA_BOOT_CMDLINE_GPA, cfg.cmdline);
    ck_assert_uint_eq(bi->initrd_gpa, MEM - 4096);
    ck_assert_uint_eq(bi->initrd_size, 14);
    ck_assert_int_eq(memcmp(vm.mem + bi->initrd_gpa, "07070100initrd", 14), 0);
    ck_assert_uint_eq(bi->console_gpa, MICA_CONSOLE_GPA);
    ck_assert_uint_eq(bi->nr_mem_ranges, 1);
    ck_assert_uint_eq(bi->mem[0].size, MEM);
    ck_assert_uint_eq(bi->mem[0].type, MICA_MEM_RAM);
    ck_assert_int_eq(vm.mem[MICA_CONSOLE_GPA], 0); /* rings zeroed */
    free(vm.mem);
}
END_TEST

START_TEST(test_pvm_user_bit)
{
    struct kvm_vm vm;
    struct mica_error e;
    uint64_t i;

    make_kernel(0x100000, 4096, 4096, 4096);
    vm_init(&vm, MICA_PLATFORM_PVM);
    ck_assert_int_eq(kvm_boot_load(&vm, &e), 0);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA) & 0x7, 0x7);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 511 * 8) & 0x7, 0x7);
    ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 0x6000 + 510 * 8) & 0x7, 0x7);
    for (i = 0; i < 4; i++)
        ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 0x1000 + i * 8) & 0x7, 0x7);
    for (i = 0; i < 2048; i++)
        ck_assert_uint_eq(q(&vm, MICA_BOOT_PT_GPA + 0x2000 + i * 8), (i << 21) | 0x87);
    ck_assert_uint_eq(((struct mica_boot_info *)(vm.mem + MICA_BOOT_INFO_GPA))->platform,
                      MICA_PLATFORM_PVM);
    free(vm.mem);
}
END_TEST

START_TEST(test_hostile_kernels)
{
    struct kvm_vm vm;
    struct mica_error e;

    make_kernel(0x1000, 16, 16, 4096); /* below 1 MiB: over the boot data */
    vm_init(&vm, MICA_PLATFORM_RING0);
    ck_assert_int_lt(kvm_boot_load(&vm, &e), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "below 1 MiB"));
    free(vm.mem);
    make_kernel(MEM - 4096, 16, 8192, 4096); /* past the end of RAM */
    vm_init(&vm, MICA_PLATFORM_RING0);
    ck_assert_int_lt(kvm_boot_load(&vm, &e), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "does not fit"));
    free(vm.mem);
    make_kernel(0x100000, 16, 0xffffffffffffff00ull, 4096); /* overflow */
    vm_init(&vm, MICA_PLATFORM_RING0);
    ck_assert_int_lt(kvm_boot_load(&vm, &e), 0);
    free(vm.mem);
    make_kernel(0x100000, 8192, 8192, 4096); /* file data past the end */
    vm_init(&vm, MICA_PLATFORM_RING0);
    ck_assert_int_lt(kvm_boot_load(&vm, &e), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "outside the file"));
    free(vm.mem);
    make_kernel(0x100000, 32, 16, 4096); /* filesz > memsz */
    vm_init(&vm, MICA_PLATFORM_RING0);
    ck_assert_int_lt(kvm_boot_load(&vm, &e), 0);
    free(vm.mem);
    make_kernel(0x100000, 16, 16, 4096);
    kernel[EI_CLASS] = ELFCLASS32;
    vm_init(&vm, MICA_PLATFORM_RING0);
    ck_assert_int_lt(kvm_boot_load(&vm, &e), 0);
    free(vm.mem);
}
END_TEST

START_TEST(test_initrd_too_big)
{
    struct kvm_vm vm;
    struct mica_error e;

    make_kernel(0x100000, 16, 16, 4096);
    vm_init(&vm, MICA_PLATFORM_RING0);
    cfg.initrd_size = MEM - 0x100000; /* would overlap the kernel */
    ck_assert_int_lt(kvm_boot_load(&vm, &e), 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "larger --memory"));
    free(vm.mem);
}
END_TEST

START_TEST(test_gpa_ptr)
{
    struct kvm_vm vm;

    memset(&vm, 0, sizeof(vm));
    vm.mem = (uint8_t *)0x10000;
    vm.mem_size = 0x1000;
    ck_assert_ptr_nonnull(kvm_gpa_ptr(&vm, 0, 0x1000));
    ck_assert_ptr_nonnull(kvm_gpa_ptr(&vm, 0x1000, 0));
    ck_assert_ptr_null(kvm_gpa_ptr(&vm, 0x1000, 1));
    ck_assert_ptr_null(kvm_gpa_ptr(&vm, 0xfff, 2));
    ck_assert_ptr_null(kvm_gpa_ptr(&vm, 1, UINT64_MAX));
    ck_assert_ptr_null(kvm_gpa_ptr(&vm, UINT64_MAX, 2));
}
END_TEST

/* How a run ends: the first stop wins, guest faults are status 125. */
START_TEST(test_stop_first_wins)
{
    struct kvm_vm vm;
    struct mica_error e;

    memset(&vm, 0, sizeof(vm));
    pthread_mutex_init(&vm.stop_lock, NULL);
    ck_assert(!kvm_vm_is_stopped(&vm));
    kvm_guest_fault(&vm, "bad ring index %u", 7u);
    ck_assert(kvm_vm_is_stopped(&vm));
    ck_assert(vm.failed);
    ck_assert_int_eq(vm.status, 125);
    ck_assert_ptr_nonnull(strstr(vm.err.msg, "guest misbehaved"));
    ck_assert_ptr_nonnull(strstr(vm.err.msg, "bad ring index 7"));
    kvm_vm_stop(&vm, 0); /* too late: ignored */
    ck_assert_int_eq(vm.status, 125);
    memset(&vm, 0, sizeof(vm));
    pthread_mutex_init(&vm.stop_lock, NULL);
    kvm_vm_stop(&vm, 130);
    mica_error_init(&e);
    mica_error_set(&e, EIO, "late failure");
    kvm_vm_fail(&vm, &e);
    ck_assert(!vm.failed);
    ck_assert_int_eq(vm.status, 130);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kvm_boot");
    TCase *tc = tcase_create("layout");
    tcase_set_timeout(tc, 30); /* eight guest-sized buffers: slow on a loaded machine */

    tcase_add_test(tc, test_layout_ring0);
    tcase_add_test(tc, test_pvm_user_bit);
    tcase_add_test(tc, test_hostile_kernels);
    tcase_add_test(tc, test_initrd_too_big);
    tcase_add_test(tc, test_gpa_ptr);
    tcase_add_test(tc, test_stop_first_wins);
    suite_add_tcase(s, tc);
    return check_run(s);
}
