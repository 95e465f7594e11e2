/* The initial user stack of a new program (System V x86-64 ABI).
 *
 * Laid out as Linux lays it out, from the top down: an 8-byte gap, the
 * execfn string, the environment strings above the argument strings,
 * alignment to 16, the platform string, 16 random bytes (AT_RANDOM),
 * then, from the final rsp upward: argc, argv[], NULL, envp[], NULL and
 * the auxiliary vector, with rsp rounded down to 16 bytes. The image is
 * built in a kernel buffer and written into the new address space through
 * kernel page pointers, since that space is not the active one yet.
 */
#include "abi_int.h"

#include <core/random.h>
#include <linux/auxvec.h>
#include <linux/mman.h>

#define PLATFORM "x86_64"
#define NAUXV 20 /* entries fill_auxv writes, AT_NULL included */

/* Write buf at va in mm, mapping fresh pages inside VMAs as needed. */
static int mm_poke(struct mm *mm, uint64_t va, const void *buf, size_t len)
{
    const char *src = buf;
    while (len) {
        uint64_t pva = CORE_ALIGN_DOWN(va, CORE_PAGE_SIZE);
        size_t in = va - pva, n = CORE_PAGE_SIZE - in;
        n = n < len ? n : len;
        unsigned prot;
        char *pg = core_as_lookup(mm->as, uaddr(pva), &prot);
        if (!pg) {
            struct vma *v = vma_find(mm, pva);
            if (!v)
                return -EFAULT;
            if (!(pg = core_page_alloc()))
                return -ENOMEM;
            int err = mm_map_page(mm, pva, pg, v->prot);
            if (err) {
                core_page_free(pg);
                return err;
            }
        }
        memcpy(pg + in, src, n);
        src += n;
        va += n;
        len -= n;
    }
    return 0;
}

static void put64(char *img, uint64_t base, uint64_t *at, uint64_t val)
{
    memcpy(img + (*at - base), &val, 8);
    *at += 8;
}

static void put_aux(char *img, uint64_t base, uint64_t *at, uint64_t type,
                    uint64_t val)
{
    put64(img, base, at, type);
    put64(img, base, at, val);
}

static void fill_auxv(char *img, uint64_t sp, uint64_t *at,
                      const struct elf_image *e, uint64_t u_rand,
                      uint64_t u_execfn, uint64_t u_platform)
{
    put_aux(img, sp, at, AT_MINSIGSTKSZ, 2048);
    put_aux(img, sp, at, AT_HWCAP, core_cpu_hwcap());
    put_aux(img, sp, at, AT_PAGESZ, CORE_PAGE_SIZE);
    put_aux(img, sp, at, AT_CLKTCK, 100);
    put_aux(img, sp, at, AT_PHDR, e->phdr_addr);
    put_aux(img, sp, at, AT_PHENT, e->phent);
    put_aux(img, sp, at, AT_PHNUM, e->phnum);
    put_aux(img, sp, at, AT_BASE, e->interp_base);
    put_aux(img, sp, at, AT_FLAGS, 0);
    put_aux(img, sp, at, AT_ENTRY, e->entry);
    put_aux(img, sp, at, AT_UID, abi_proc->ruid);
    put_aux(img, sp, at, AT_EUID, abi_proc->euid);
    put_aux(img, sp, at, AT_GID, abi_proc->rgid);
    put_aux(img, sp, at, AT_EGID, abi_proc->egid);
    put_aux(img, sp, at, AT_SECURE, 0);
    put_aux(img, sp, at, AT_RANDOM, u_rand);
    put_aux(img, sp, at, AT_HWCAP2, 0);
    put_aux(img, sp, at, AT_EXECFN, u_execfn);
    put_aux(img, sp, at, AT_PLATFORM, u_platform);
    put_aux(img, sp, at, AT_NULL, 0);
}

int stack_build(struct mm *mm, const struct elf_image *img,
                const struct exec_strings *s, const char *execfn, uint64_t *rsp)
{
    uint64_t top = mm->stack_top;
    unsigned prot = PROT_READ | PROT_WRITE | (img->exec_stack ? PROT_EXEC : 0);
    int err = vma_insert(mm, top - MM_STACK_SIZE, top, prot, VMA_STACK | VMA_GROWSDOWN);
    if (err)
        return err;
    size_t fnlen = strlen(execfn) + 1;
    uint64_t u_execfn = top - 8 - fnlen;
    uint64_t u_strings = u_execfn - s->len;
    uint64_t p = CORE_ALIGN_DOWN(u_strings, 16);
    uint64_t u_platform = p - sizeof(PLATFORM);
    uint64_t u_rand = u_platform - 16;
    uint64_t items = 1 + (s->argc + 1) + (s->envc + 1) + 2 * NAUXV;
    uint64_t sp = CORE_ALIGN_DOWN(u_rand - items * 8, 16);
    if (top - sp > MM_STACK_SIZE / 2)
        return -E2BIG;
    char *buf = core_zalloc(top - sp);
    if (!buf)
        return -ENOMEM;
    memcpy(buf + (u_execfn - sp), execfn, fnlen);
    memcpy(buf + (u_strings - sp), s->buf, s->len);
    memcpy(buf + (u_platform - sp), PLATFORM, sizeof(PLATFORM));
    core_random_bytes(buf + (u_rand - sp), 16);
    uint64_t at = sp, str = u_strings;
    put64(buf, sp, &at, s->argc);
    for (size_t i = 0; i < s->argc + s->envc; i++) {
        if (i == s->argc)
            put64(buf, sp, &at, 0); /* end of argv */
        put64(buf, sp, &at, str);
        str += strlen(buf + (str - sp)) + 1;
    }
    if (s->envc == 0)
        put64(buf, sp, &at, 0);
    put64(buf, sp, &at, 0);
    fill_auxv(buf, sp, &at, img, u_rand, u_execfn, u_platform);
    err = mm_poke(mm, sp, buf, top - sp);
    core_free(buf);
    if (err)
        return err;
    size_t alen = 0;
    for (size_t i = 0; i < s->argc; i++)
        alen += strlen(s->buf + alen) + 1;
    mm->arg_start = u_strings;
    mm->arg_end = mm->env_start = u_strings + alen;
    mm->env_end = u_strings + s->len;
    *rsp = sp;
    return 0;
}
