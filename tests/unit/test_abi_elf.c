/* Unit tests for abi/elf.c (the guest's ELF loader), on the host: static
 * ET_EXEC and ET_DYN images load at the right addresses with the right
 * contents and protections; hostile headers (short files, wrong class or
 * machine, program headers out of range, p_filesz > p_memsz, overflowing
 * or kernel-half addresses, unsorted segments, PT_INTERP, entry outside
 * the image) give ENOEXEC before anything is mapped, and leak nothing. */
#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/time_types.h>
#define _LINUX_TIME_H /* the C library's struct timeval and timespec stand */

#include "guest_host.h"
#include "abi_int.h"
#include "core_shim.h"

#include <linux/elf.h>
#include <linux/mman.h>

#define BASE 0x400000ul
#define DYN_BASE 0x555555554000ul

/* An image: header, up to 8 program headers right after it, then data. */
struct img {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[8];
    unsigned char data[3 * 4096];
};

static struct img im;
static struct mm *mm;

/* Two PT_LOADs: text (R+X, file page 0, entry inside) and data (R+W, file
 * page 1, 0x100 bytes of file then bss to 0x3000). */
static void img_default(void)
{
    memset(&im, 0, sizeof(im));
    shim_elf_exec_header(&im.eh, BASE + 0x800, 2);
    im.ph[0] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
                            .p_vaddr = BASE, .p_paddr = BASE, .p_filesz = 0x1000,
                            .p_memsz = 0x1000, .p_align = 0x1000};
    im.ph[1] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x1000,
                            .p_vaddr = BASE + 0x1000, .p_filesz = 0x100,
                            .p_memsz = 0x3000, .p_align = 0x1000};
    /* file page 0 after the headers: 0xAA; file page 1: 0xBB, then 0xCC
     * past p_filesz (which must not be loaded) */
    unsigned char *file = (unsigned char *)&im;
    memset(file + 0x800, 0xAA, 0x800);
    memset(file + 0x1000, 0xBB, 0x100);
    memset(file + 0x1100, 0xCC, 0xf00);
}

static struct inode *img_file(size_t len)
{
    struct inode *ino = inode_new(S_IFREG | 0755);
    ck_assert_ptr_nonnull(ino);
    ck_assert_int_eq(tmpfs_write_kernel(ino, 0, &im, len), (ssize_t)len);
    return ino;
}

static int load(size_t len, struct elf_image *ei, const char **why)
{
    struct inode *ino = img_file(len);
    long heap = shim_heap_live(), pages = shim_pages_live();
    int err = elf_load(ino, mm, ei, why);
    if (err) { /* a refused image leaves nothing behind */
        ck_assert_int_eq(shim_heap_live(), heap);
        ck_assert_int_eq(shim_pages_live(), pages);
        ck_assert_ptr_null(mm->vmas);
        ck_assert_uint_eq(shim_as_count(mm->as), 0);
    }
    return err;
}

static int load_err(size_t len)
{
    struct elf_image ei;
    const char *why = NULL;
    int err = load(len, &ei, &why);
    if (err)
        ck_assert_ptr_nonnull(why);
    return err;
}

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(false), 0);
    mm = abi_proc->mm;
    img_default();
}

static const unsigned char *page_at(uint64_t va, unsigned *prot)
{
    return core_as_lookup(mm->as, uaddr(va), prot);
}

/* ---- good images ---- */

START_TEST(test_exec_loads)
{
    struct elf_image ei;
    const char *why = "unset";
    ck_assert_int_eq(load(sizeof(im), &ei, &why), 0);
    ck_assert_ptr_null(why);
    ck_assert_uint_eq(ei.entry, BASE + 0x800);
    ck_assert_uint_eq(ei.bias, 0);
    ck_assert_uint_eq(ei.phnum, 2);
    ck_assert_uint_eq(ei.phent, sizeof(Elf64_Phdr));
    ck_assert_uint_eq(ei.phdr_addr, BASE + sizeof(Elf64_Ehdr)); /* inside text */
    ck_assert_uint_eq(ei.brk_start, BASE + 0x4000);
    ck_assert(!ei.exec_stack);

    unsigned prot;
    const unsigned char *t = page_at(BASE, &prot);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(prot, PROT_READ | PROT_EXEC);
    ck_assert_int_eq(memcmp(t, &im, 0x1000), 0);
    const unsigned char *d = page_at(BASE + 0x1000, &prot);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(prot, PROT_READ | PROT_WRITE);
    ck_assert_uint_eq(d[0], 0xBB);
    ck_assert_uint_eq(d[0xff], 0xBB);
    for (int i = 0x100; i < 0x1000; i++) /* past p_filesz: zero, not file bytes */
        ck_assert_uint_eq(d[i], 0);
    /* whole bss pages are left to demand paging, but inside a VMA */
    ck_assert_ptr_null(page_at(BASE + 0x2000, NULL));
    struct vma *v = vma_find(mm, BASE + 0x3fff);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(v->prot, PROT_READ | PROT_WRITE);
    ck_assert_uint_eq(v->end, BASE + 0x4000);
    v = vma_find(mm, BASE);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(v->start, BASE);
    ck_assert_uint_eq(v->end, BASE + 0x1000);
    ck_assert_uint_eq(v->prot, PROT_READ | PROT_EXEC);
    ck_assert_ptr_null(vma_find(mm, BASE + 0x4000));
}
END_TEST

START_TEST(test_dyn_is_biased)
{
    im.eh.e_type = ET_DYN;
    im.ph[0].p_vaddr = 0;
    im.ph[1].p_vaddr = 0x1000;
    im.eh.e_entry = 0x900;
    struct elf_image ei;
    const char *why;
    ck_assert_int_eq(load(sizeof(im), &ei, &why), 0);
    ck_assert_uint_eq(ei.bias, DYN_BASE);
    ck_assert_uint_eq(ei.entry, DYN_BASE + 0x900);
    ck_assert_uint_eq(ei.phdr_addr, DYN_BASE + sizeof(Elf64_Ehdr));
    ck_assert_uint_eq(ei.brk_start, DYN_BASE + 0x4000);
    ck_assert_ptr_nonnull(page_at(DYN_BASE, NULL));
    ck_assert_uint_eq(page_at(DYN_BASE + 0x1000, NULL)[0], 0xBB);
    ck_assert_ptr_null(page_at(0x10000, NULL));
}
END_TEST

START_TEST(test_phdr_and_gnu_stack)
{
    im.eh.e_phnum = 4;
    im.ph[2] = (Elf64_Phdr){.p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W | PF_X};
    im.ph[3] = (Elf64_Phdr){.p_type = PT_PHDR, .p_vaddr = BASE + 0x40, .p_offset = 0x40};
    struct elf_image ei;
    const char *why;
    ck_assert_int_eq(load(sizeof(im), &ei, &why), 0);
    ck_assert(ei.exec_stack);
    ck_assert_uint_eq(ei.phdr_addr, BASE + 0x40);
    ck_assert_uint_eq(ei.phnum, 4);
}
END_TEST

/* Segments that share a page: the page gets both protections and both
 * segments' bytes. */
START_TEST(test_shared_page)
{
    im.ph[0].p_filesz = im.ph[0].p_memsz = 0x900;
    im.ph[1].p_offset = 0x900;
    im.ph[1].p_vaddr = BASE + 0x900;
    im.ph[1].p_filesz = 0x10;
    im.ph[1].p_memsz = 0x2000;
    unsigned char *file = (unsigned char *)&im;
    memset(file + 0x900, 0xDD, 0x10);
    struct elf_image ei;
    const char *why;
    ck_assert_int_eq(load(sizeof(im), &ei, &why), 0);
    unsigned prot;
    const unsigned char *p = page_at(BASE, &prot);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(prot, PROT_READ | PROT_WRITE | PROT_EXEC);
    ck_assert_uint_eq(p[0x8ff], 0xAA);
    ck_assert_uint_eq(p[0x900], 0xDD);
    ck_assert_uint_eq(p[0x90f], 0xDD);
    ck_assert_uint_eq(p[0x910], 0);
    ck_assert_ptr_nonnull(vma_find(mm, BASE + 0x2000));
    ck_assert_uint_eq(vma_find(mm, BASE + 0x2000)->prot, PROT_READ | PROT_WRITE);
    ck_assert_ptr_null(vma_find(mm, BASE + 0x3000));
}
END_TEST

/* ---- hostile headers ---- */

START_TEST(test_short_file)
{
    ck_assert_int_eq(load_err(0), -ENOEXEC);
    ck_assert_int_eq(load_err(10), -ENOEXEC);
    ck_assert_int_eq(load_err(sizeof(Elf64_Ehdr) - 1), -ENOEXEC);
    /* the header but only half the program headers */
    ck_assert_int_eq(load_err(sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 8), -ENOEXEC);
    /* the headers, but the segments' data runs past the end */
    ck_assert_int_eq(load_err(0x1080), -ENOEXEC);
}
END_TEST

START_TEST(test_ident_and_type)
{
    const char *why;
    struct elf_image ei;
    im.eh.e_ident[EI_MAG0] = 0x7e;
    ck_assert_int_eq(load(sizeof(im), &ei, &why), -ENOEXEC);
    ck_assert_str_eq(why, "exec format error");
    img_default();
    im.eh.e_ident[EI_CLASS] = ELFCLASS32;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_ident[EI_VERSION] = 0;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_machine = EM_386;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_type = ET_REL;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_type = ET_CORE;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
}
END_TEST

START_TEST(test_phdr_table_hostile)
{
    im.eh.e_phentsize = sizeof(Elf64_Phdr) - 1;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_phentsize = 0;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_phnum = 0;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_phnum = 0xffff; /* PN_XNUM, and far past the file */
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_phoff = sizeof(im);
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_phoff = sizeof(im) - sizeof(Elf64_Phdr); /* the second runs off */
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_phoff = ~0ul - 8; /* offset + size would wrap */
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_phoff = 1ul << 63;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
}
END_TEST

START_TEST(test_segment_sizes_hostile)
{
    im.ph[1].p_filesz = im.ph[1].p_memsz + 1;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.ph[1].p_offset = 0x5000; /* past the end, still aligned */
    im.ph[1].p_filesz = 0;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.ph[1].p_filesz = sizeof(im); /* offset + filesz past the end */
    im.ph[1].p_memsz = sizeof(im);
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.ph[1].p_offset = ~0ul - 0xfff; /* offset + filesz wraps */
    im.ph[1].p_vaddr = BASE + 0x1000;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.ph[1].p_offset = 0x1008; /* vaddr and offset disagree mod the page */
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
}
END_TEST

START_TEST(test_addresses_hostile)
{
    /* p_vaddr + p_memsz wraps around */
    im.ph[1].p_memsz = ~0ul - im.ph[1].p_vaddr + 2;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    /* a huge bss running into the stack and the kernel half */
    img_default();
    im.ph[1].p_memsz = 0xffff800000000000ul;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.ph[1].p_memsz = MM_STACK_TOP - (BASE + 0x1000);
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    /* kernel-half segment */
    img_default();
    im.ph[1].p_vaddr = 0xffffffff80001000ul;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.ph[0].p_vaddr = 0xffff800000000000ul;
    im.ph[1].p_vaddr = 0xffff800000001000ul;
    im.eh.e_entry = 0xffff800000000800ul;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    /* the first page, below CORE_USER_MIN */
    img_default();
    im.ph[0].p_vaddr = 0;
    im.ph[1].p_vaddr = 0x1000;
    im.eh.e_entry = 0x800;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    /* ET_DYN does not save an image whose bias would wrap it */
    img_default();
    im.eh.e_type = ET_DYN;
    im.ph[0].p_vaddr = 0x10000;
    im.ph[1].p_vaddr = 0x11000;
    im.ph[1].p_memsz = 0x7fff00000000ul;
    im.eh.e_entry = 0x10800;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
}
END_TEST

START_TEST(test_order_and_overlap)
{
    /* unsorted */
    Elf64_Phdr t = im.ph[0];
    im.ph[0] = im.ph[1];
    im.ph[1] = t;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    /* overlapping */
    img_default();
    im.ph[0].p_memsz = 0x1800;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    /* no PT_LOAD at all */
    img_default();
    im.ph[0].p_type = PT_NOTE;
    im.ph[1].p_type = PT_NULL;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
}
END_TEST

START_TEST(test_interp_refused)
{
    /* PT_INTERP must be a NUL-terminated path inside the file, and only one */
    im.eh.e_phnum = 3;
    im.ph[2] = (Elf64_Phdr){.p_type = PT_INTERP, .p_offset = 0x800, .p_filesz = 28};
    struct elf_image ei;
    const char *why;
    ck_assert_int_eq(load(sizeof(im), &ei, &why), -ENOEXEC); /* 0xAA..., no NUL */
    ck_assert_str_eq(why, "bad PT_INTERP");
    im.ph[2].p_offset = sizeof(im) - 4;
    ck_assert_int_eq(load(sizeof(im), &ei, &why), -ENOEXEC); /* past the end */
    ck_assert_str_eq(why, "bad PT_INTERP");
    im.ph[2].p_offset = 0x800;
    im.ph[2].p_filesz = ~0ul;
    ck_assert_int_eq(load(sizeof(im), &ei, &why), -ENOEXEC);
    im.ph[2].p_filesz = 1;
    ck_assert_int_eq(load(sizeof(im), &ei, &why), -ENOEXEC);
    im.eh.e_phnum = 4;
    im.ph[3] = im.ph[2] = (Elf64_Phdr){.p_type = PT_INTERP, .p_offset = 0x800, .p_filesz = 2};
    ck_assert_int_eq(load(sizeof(im), &ei, &why), -ENOEXEC); /* two of them */
}
END_TEST

START_TEST(test_entry_outside)
{
    const char *why;
    struct elf_image ei;
    im.eh.e_entry = BASE - 1;
    ck_assert_int_eq(load(sizeof(im), &ei, &why), -ENOEXEC);
    ck_assert_str_eq(why, "program does not fit in user space");
    im.eh.e_entry = BASE + 0x4000; /* one past the end of bss */
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    im.eh.e_entry = 0;
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
    img_default();
    im.eh.e_type = ET_DYN;
    im.ph[0].p_vaddr = 0;
    im.ph[1].p_vaddr = 0x1000;
    im.eh.e_entry = ~0ul; /* entry + bias wraps */
    ck_assert_int_eq(load_err(sizeof(im)), -ENOEXEC);
}
END_TEST

/* Out of memory at each allocation in turn: an error, never a crash. */
START_TEST(test_out_of_memory)
{
    struct inode *ino = img_file(sizeof(im));
    int ok = 0;
    for (unsigned long n = 1; n < 100 && !ok; n++) {
        struct mm *m = mm_new();
        ck_assert_ptr_nonnull(m);
        struct elf_image ei;
        const char *why;
        shim_alloc_fail(n, 0);
        int err = elf_load(ino, m, &ei, &why);
        shim_alloc_fail(0, 0);
        if (!err)
            ok = 1;
        else
            ck_assert_msg(err == -ENOMEM, "n=%lu err=%d", n, err);
        mm_destroy(m);
    }
    ck_assert(ok);
}
END_TEST

/* The good image with random bytes of its headers changed (and random
 * lengths): loaded or -ENOEXEC, and when loaded, everything mapped lies
 * in user space below the stack gap and inside a VMA. */
START_TEST(test_mutations)
{
    int loaded = 0, refused = 0;
    srandom(2024);
    for (int round = 0; round < 2000; round++) {
        img_default();
        unsigned char *h = (unsigned char *)&im;
        size_t hdrs = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
        int flips = 1 + (int)(random() % 3);
        for (int f = 0; f < flips; f++) {
            size_t at = 16 + (size_t)random() % (hdrs - 16); /* keep the ident */
            h[at] = random() % 2 ? (unsigned char)random() : (unsigned char)(h[at] ^ (1u << (random() % 8)));
        }
        size_t len = round % 5 ? sizeof(im) : (size_t)random() % sizeof(im);
        struct mm *m = mm_new();
        struct inode *ino = img_file(len);
        struct elf_image ei;
        const char *why;
        int err = elf_load(ino, m, &ei, &why);
        ck_assert_msg(err == 0 || err == -ENOEXEC, "round %d: %d", round, err);
        if (!err) {
            loaded++;
            ck_assert_uint_ge(ei.entry, CORE_USER_MIN);
            ck_assert_uint_lt(ei.entry, MM_STACK_TOP - MM_STACK_GAP);
            ck_assert_uint_le(ei.brk_start, MM_STACK_TOP - MM_STACK_GAP);
            for (struct vma *v = m->vmas; v; v = v->next) {
                ck_assert_uint_ge(v->start, CORE_USER_MIN);
                ck_assert_uint_le(v->end, MM_STACK_TOP - MM_STACK_GAP);
                ck_assert_uint_lt(v->start, v->end);
            }
        } else {
            refused++;
        }
        mm_destroy(m);
        ino->nlink = 0;
        inode_drop_link(ino);
    }
    ck_assert_int_gt(loaded, 100);
    ck_assert_int_gt(refused, 100);
}
END_TEST

static Suite *elf_suite(void)
{
    Suite *s = suite_create("abi_elf");
    TCase *tc = tcase_create("good");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_exec_loads);
    tcase_add_test(tc, test_dyn_is_biased);
    tcase_add_test(tc, test_phdr_and_gnu_stack);
    tcase_add_test(tc, test_shared_page);
    tcase_add_test(tc, test_out_of_memory);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_short_file);
    tcase_add_test(tc, test_ident_and_type);
    tcase_add_test(tc, test_phdr_table_hostile);
    tcase_add_test(tc, test_segment_sizes_hostile);
    tcase_add_test(tc, test_addresses_hostile);
    tcase_add_test(tc, test_order_and_overlap);
    tcase_add_test(tc, test_interp_refused);
    tcase_add_test(tc, test_entry_outside);
    tcase_add_test(tc, test_mutations);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(elf_suite());
}
