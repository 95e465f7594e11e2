/* ELF64 loader for x86-64 executables (ET_EXEC and PIE) and their
 * interpreter.
 *
 * The header and program headers are read from the file (tmpfs, or any
 * filesystem's pages through vfs_read_kernel) and checked in full before anything is mapped: sizes, offsets inside the
 * file, p_filesz <= p_memsz, segments sorted and not overlapping, every
 * address inside user space below the stack. Then each PT_LOAD is copied
 * page by page into fresh pages mapped with the segment's protection;
 * the part past p_filesz is zero (fresh pages are zeroed, and whole bss
 * pages are left to demand paging through the segment's VMA). A page two
 * segments share gets both protections.
 *
 * PT_INTERP names the dynamic loader: it is loaded the same way (it must
 * be a regular file with data and have no PT_INTERP itself), an ET_DYN one
 * just below the mmap area's top (MM_STACK_GAP under the stack) where
 * Linux would put it, and the program starts at its entry; the program's
 * own entry and headers reach it through the auxiliary vector.
 */
#include "abi_int.h"

#include <linux/elf.h>
#include <linux/mman.h>

#define ET_DYN_BASE 0x555555554000ul
#define PHDR_MAX_BYTES 65536

static unsigned seg_prot(uint32_t pf)
{
    return (pf & PF_R ? PROT_READ : 0) | (pf & PF_W ? PROT_WRITE : 0) |
           (pf & PF_X ? PROT_EXEC : 0);
}

static int ehdr_check(const Elf64_Ehdr *eh, uint64_t fsize, const char **why)
{
    *why = "exec format error";
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
        return -ENOEXEC;
    *why = "not a 64-bit little-endian x86-64 ELF executable";
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_machine != EM_X86_64 ||
        (eh->e_type != ET_EXEC && eh->e_type != ET_DYN))
        return -ENOEXEC;
    *why = "bad program headers";
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
        (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > PHDR_MAX_BYTES ||
        eh->e_phoff > fsize || fsize - eh->e_phoff < eh->e_phnum * sizeof(Elf64_Phdr))
        return -ENOEXEC;
    return 0;
}

/* Check the PT_LOADs; find the lowest address and the end of the image. */
static int phdrs_check(const Elf64_Phdr *ph, unsigned n, uint64_t fsize,
                       struct elf_image *img, uint64_t *lo, uint64_t *hi,
                       const Elf64_Phdr **interp, const char **why)
{
    uint64_t prev_end = 0;
    bool any = false;
    *why = "bad program headers";
    for (unsigned i = 0; i < n; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type == PT_INTERP) {
            *why = "bad PT_INTERP";
            if (*interp || p->p_filesz < 2 || p->p_filesz > ABI_PATH_MAX ||
                p->p_offset > fsize || fsize - p->p_offset < p->p_filesz)
                return -ENOEXEC;
            *interp = p;
            *why = "bad program headers";
        }
        if (p->p_type == PT_GNU_STACK)
            img->exec_stack = p->p_flags & PF_X;
        if (p->p_type != PT_LOAD)
            continue;
        if (p->p_filesz > p->p_memsz || p->p_offset > fsize ||
            fsize - p->p_offset < p->p_filesz ||
            p->p_vaddr % CORE_PAGE_SIZE != p->p_offset % CORE_PAGE_SIZE ||
            p->p_vaddr + p->p_memsz < p->p_vaddr || p->p_vaddr > CORE_USER_END ||
            (any && p->p_vaddr < prev_end))
            return -ENOEXEC;
        if (!any)
            *lo = CORE_ALIGN_DOWN(p->p_vaddr, CORE_PAGE_SIZE);
        prev_end = p->p_vaddr + p->p_memsz;
        any = true;
    }
    if (!any)
        return -ENOEXEC;
    *hi = prev_end;
    return 0;
}

/* Copy the file part of one segment into pages; returns 0 or -errno. */
static int seg_fill(struct inode *ino, struct mm *mm, const Elf64_Phdr *p,
                    uint64_t bias)
{
    uint64_t va0 = p->p_vaddr + bias, fend = va0 + p->p_filesz;
    unsigned prot = seg_prot(p->p_flags);
    for (uint64_t pva = CORE_ALIGN_DOWN(va0, CORE_PAGE_SIZE); pva < fend;
         pva += CORE_PAGE_SIZE) {
        unsigned oldprot = 0;
        char *pg = core_as_lookup(mm->as, uaddr(pva), &oldprot);
        bool fresh = !pg;
        if (fresh && !(pg = core_page_alloc()))
            return -ENOMEM;
        uint64_t from = pva > va0 ? pva : va0;
        uint64_t to = pva + CORE_PAGE_SIZE < fend ? pva + CORE_PAGE_SIZE : fend;
        if (vfs_read_kernel(ino, p->p_offset + (from - va0), pg + (from - pva),
                              to - from) != (ssize_t)(to - from)) {
            if (fresh)
                core_page_free(pg);
            return -EIO;
        }
        if (!fresh) {
            core_as_protect(mm->as, uaddr(pva), oldprot | prot);
            continue;
        }
        int err = mm_map_page(mm, pva, pg, prot);
        if (err) {
            core_page_free(pg);
            return err;
        }
    }
    return 0;
}

static int segs_map(struct inode *ino, struct mm *mm, const Elf64_Phdr *ph,
                    unsigned n, uint64_t bias)
{
    uint64_t mapped_end = 0;
    for (unsigned i = 0; i < n; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        uint64_t start = CORE_ALIGN_DOWN(p->p_vaddr + bias, CORE_PAGE_SIZE);
        uint64_t end = CORE_ALIGN_UP(p->p_vaddr + bias + p->p_memsz, CORE_PAGE_SIZE);
        if (start < mapped_end) /* first page shared with the previous one */
            start = mapped_end;
        if (start < end) {
            int err = vma_insert(mm, start, end, seg_prot(p->p_flags), 0);
            if (err)
                return err;
            mapped_end = end;
        }
        int err = seg_fill(ino, mm, p, bias);
        if (err)
            return err;
    }
    return 0;
}

static uint64_t phdr_addr(const Elf64_Ehdr *eh, const Elf64_Phdr *ph, uint64_t bias)
{
    for (unsigned i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_PHDR)
            return ph[i].p_vaddr + bias;
    for (unsigned i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset <= eh->e_phoff &&
            eh->e_phoff - ph[i].p_offset < ph[i].p_filesz)
            return ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset) + bias;
    return 0;
}

/* Map one ELF file: the program (ET_DYN at ET_DYN_BASE) or, when
 * interp_base is set, its interpreter (ET_DYN just below interp_base).
 * For the program, *interp gets its PT_INTERP path (core_malloc'd), if any. */
static int elf_map(struct inode *ino, struct mm *mm, struct elf_image *img,
                   uint64_t interp_base, char **interp, const char **why)
{
    Elf64_Ehdr eh;
    Elf64_Phdr *ph = NULL;
    const Elf64_Phdr *pi = NULL;
    uint64_t lo = 0, hi = 0;
    memset(img, 0, sizeof(*img));
    *why = "exec format error";
    if (vfs_read_kernel(ino, 0, &eh, sizeof(eh)) != (ssize_t)sizeof(eh))
        return -ENOEXEC;
    int err = ehdr_check(&eh, ino->size, why);
    if (err)
        return err;
    size_t phsz = (size_t)eh.e_phnum * sizeof(Elf64_Phdr);
    ph = core_malloc(phsz);
    if (!ph)
        return -ENOMEM;
    err = -ENOEXEC;
    if (vfs_read_kernel(ino, eh.e_phoff, ph, phsz) != (ssize_t)phsz)
        goto out;
    err = phdrs_check(ph, eh.e_phnum, ino->size, img, &lo, &hi, &pi, why);
    if (err)
        goto out;
    err = -ENOEXEC;
    if (pi && interp_base) {
        *why = "the interpreter has an interpreter";
        goto out;
    }
    if (eh.e_type != ET_DYN)
        img->bias = 0;
    else if (!interp_base)
        img->bias = ET_DYN_BASE - lo;
    else
        img->bias = CORE_ALIGN_DOWN(interp_base - (hi - lo), CORE_PAGE_SIZE) - lo;
    *why = "program does not fit in user space";
    if (lo + img->bias < CORE_USER_MIN || hi > MM_STACK_TOP - MM_STACK_GAP - img->bias ||
        eh.e_entry + img->bias < lo + img->bias || eh.e_entry + img->bias >= hi + img->bias)
        goto out;
    if (!interp_base && pi) {
        *why = "out of memory";
        err = -ENOMEM;
        if (!(*interp = core_malloc(pi->p_filesz)))
            goto out;
        *why = "bad PT_INTERP";
        err = -ENOEXEC;
        if (vfs_read_kernel(ino, pi->p_offset, *interp, pi->p_filesz) !=
                (ssize_t)pi->p_filesz || (*interp)[pi->p_filesz - 1] != 0)
            goto out;
    }
    *why = "out of memory";
    err = segs_map(ino, mm, ph, eh.e_phnum, img->bias);
    if (err)
        goto out;
    img->entry = img->start = eh.e_entry + img->bias;
    img->phdr_addr = phdr_addr(&eh, ph, img->bias);
    img->phnum = eh.e_phnum;
    img->phent = sizeof(Elf64_Phdr);
    img->brk_start = CORE_ALIGN_UP(hi + img->bias, CORE_PAGE_SIZE);
    img->load_addr = lo + img->bias;
    *why = NULL;
out:
    core_free(ph);
    return err;
}

/* Load the interpreter named by path (from the program's PT_INTERP). */
static int interp_load(const char *path, struct mm *mm, struct elf_image *img,
                       const char **why)
{
    struct lookup lk;
    struct elf_image ii;
    char *none = NULL;
    int err = vfs_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &lk);
    if (err) {
        *why = err == -ENOENT ? "interpreter not found" : "cannot resolve the interpreter";
        return err;
    }
    *why = "the interpreter is not a regular file";
    err = inode_has_data(lk.inode) ? 0 : -EACCES;
    if (!err)
        err = elf_map(lk.inode, mm, &ii, mm->stack_top - MM_STACK_GAP, &none, why);
    lookup_release(&lk);
    if (err)
        return err;
    img->interp_base = ii.load_addr;
    img->start = ii.entry;
    return 0;
}

int elf_load(struct inode *ino, struct mm *mm, struct elf_image *img,
             const char **why)
{
    char *interp = NULL;
    int err = elf_map(ino, mm, img, 0, &interp, why);
    if (!err && interp)
        err = interp_load(interp, mm, img, why);
    core_free(interp);
    return err;
}
