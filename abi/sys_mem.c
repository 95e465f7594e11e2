/* Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise.
 *
 * Anonymous memory is demand paged (mm.c). A file mapping (tmpfs files,
 * and files of filesystems with a page cache: virtio-fs, overlay lowers)
 * records the file and offset in its VMA and is demand paged from the
 * file's own pages: MAP_SHARED maps them, so writes show both
 * ways; MAP_PRIVATE maps them read-only and copies on the first write
 * (mm.c). A page wholly past the end of the file is SIGBUS. Generated
 * files (/proc) and devices cannot be mapped: ENODEV.
 */
#include "abi_int.h"
#include "sys.h"

#include <linux/mman.h>

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)

long sys_brk(uint64_t addr)
{
    struct mm *mm = abi_proc->mm;
    uint64_t old_end = CORE_ALIGN_UP(mm->brk, CORE_PAGE_SIZE);
    uint64_t lim = abi_proc->rlim[RLIMIT_DATA].rlim_cur;
    if (addr < mm->brk_start || addr > CORE_USER_END)
        return (long)mm->brk;
    if (lim != RLIM64_INFINITY && addr - mm->brk_start > lim)
        return (long)mm->brk;
    uint64_t new_end = CORE_ALIGN_UP(addr, CORE_PAGE_SIZE);
    if (new_end > old_end) {
        if (!vma_range_free(mm, old_end, new_end))
            return (long)mm->brk;
        struct vma *v = old_end > mm->brk_start ? vma_find(mm, old_end - 1) : NULL;
        if (v && (v->flags & VMA_BRK) && v->end == old_end)
            v->end = new_end;
        else if (vma_insert(mm, old_end, new_end, PROT_READ | PROT_WRITE, VMA_BRK))
            return (long)mm->brk;
    } else if (new_end < old_end && vma_remove(mm, new_end, old_end)) {
        return (long)mm->brk;
    }
    mm->brk = addr;
    return (long)addr;
}

/* The file to map, checked as Linux does: readable, and writable for a
 * writable shared mapping. A file whose data is not tmpfs's (virtio-fs,
 * an overlay file still on its lower layer) maps read-only when shared:
 * its pages are a cache of someone else's bytes. */
static long mmap_check_file(int fd, unsigned prot, unsigned type, struct inode **ino,
                            unsigned *vflags)
{
    struct file *f = fd_get(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    if (!inode_has_data(f->inode))
        return S_ISCHR(f->inode->mode) || S_ISREG(f->inode->mode) ? -ENODEV : -EACCES;
    if (!FILE_READABLE(f))
        return -EACCES;
    bool may_write = FILE_WRITABLE(f) && !f->inode->iops;
    if (type != MAP_PRIVATE && (prot & PROT_WRITE) && FILE_WRITABLE(f) && f->inode->iops)
        return -ENODEV; /* a writable share's file: shared writes are not kept */
    if (type != MAP_PRIVATE && (prot & PROT_WRITE) && !may_write)
        return -EACCES;
    if (type != MAP_PRIVATE && !may_write)
        *vflags |= VMA_NOWRITE;
    *ino = f->inode;
    return 0;
}

static long mmap_place(struct mm *mm, uint64_t addr, uint64_t len, unsigned flags,
                       uint64_t *out)
{
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr % CORE_PAGE_SIZE)
            return -EINVAL;
        if (addr < CORE_USER_MIN || addr > CORE_USER_END - len)
            return -ENOMEM;
        if (!(flags & MAP_FIXED) && !vma_range_free(mm, addr, addr + len))
            return -EEXIST;
        *out = addr;
        return 0;
    }
    addr = CORE_ALIGN_DOWN(addr, CORE_PAGE_SIZE);
    if (addr && addr <= CORE_USER_END - len && vma_range_free(mm, addr, addr + len)) {
        *out = addr;
        return 0;
    }
    uint64_t a = vma_find_gap(mm, len, mm->stack_top - MM_STACK_GAP);
    if (!a)
        a = vma_find_gap(mm, len, CORE_USER_END);
    if (!a)
        return -ENOMEM;
    *out = a;
    return 0;
}

long sys_mmap(uint64_t addr, uint64_t len, unsigned prot, unsigned flags, int fd,
              uint64_t off)
{
    struct mm *mm = abi_proc->mm;
    struct inode *ino = NULL;
    unsigned type = flags & MAP_TYPE;
    uint64_t start;
    if (!len || (off % CORE_PAGE_SIZE) || (prot & ~(PROT_ALL | PROT_GROWSDOWN | PROT_GROWSUP)))
        return -EINVAL;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if ((flags & MAP_ANONYMOUS) && type == MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (len > CORE_USER_END)
        return -ENOMEM;
    len = CORE_ALIGN_UP(len, CORE_PAGE_SIZE);
    if (off + len < off)
        return -EOVERFLOW;
    unsigned vflags = (flags & MAP_GROWSDOWN ? VMA_GROWSDOWN : 0) |
                      (type != MAP_PRIVATE ? VMA_SHARED : 0);
    long ret = (flags & MAP_ANONYMOUS) ? 0 : mmap_check_file(fd, prot, type, &ino, &vflags);
    if (!ret)
        ret = mmap_place(mm, addr, len, flags, &start);
    if (ret)
        return ret;
    prot &= PROT_ALL;
    if ((flags & MAP_FIXED) && vma_remove(mm, start, start + len))
        return -ENOMEM;
    if (vma_insert_file(mm, start, start + len, prot, vflags, ino, off))
        return -ENOMEM;
    ret = 0;
    if (flags & (MAP_POPULATE | MAP_LOCKED))
        ret = mm_populate(mm, start, start + len);
    if (ret) {
        if (vma_remove(mm, start, start + len))
            mm_unmap_pages(mm, start, start + len);
        return ret;
    }
    return (long)start;
}

long sys_munmap(uint64_t addr, uint64_t len)
{
    if ((addr % CORE_PAGE_SIZE) || !len || len > CORE_USER_END)
        return -EINVAL;
    len = CORE_ALIGN_UP(len, CORE_PAGE_SIZE);
    if (addr > CORE_USER_END - len)
        return -EINVAL;
    return vma_remove(abi_proc->mm, addr, addr + len);
}

long sys_mprotect(uint64_t addr, uint64_t len, unsigned prot)
{
    if ((addr % CORE_PAGE_SIZE) || (prot & ~(PROT_ALL | PROT_GROWSDOWN | PROT_GROWSUP)))
        return -EINVAL;
    if (len > CORE_USER_END)
        return -ENOMEM;
    len = CORE_ALIGN_UP(len, CORE_PAGE_SIZE);
    if (!len)
        return 0;
    if (addr + len > CORE_USER_END || addr < CORE_USER_MIN)
        return -ENOMEM;
    return vma_protect(abi_proc->mm, addr, addr + len, prot & PROT_ALL);
}

/* Move the pages of [old, old+len) to new (already a fresh VMA), kept
 * PROT_NONE pages included. Each is mapped at new before any leaves old,
 * so running out of memory for page tables undoes the moves: -ENOMEM with
 * old as it was. */
static int move_pages(struct mm *mm, uint64_t old, uint64_t new, uint64_t len,
                      unsigned prot)
{
    struct mm_page *list;
    long n = mm_pages_in(mm, old, old + len, &list);
    int err = 0;
    if (n < 0)
        return (int)n;
    for (long i = 0; i < n && !err; i++)
        err = mm_map_page(mm, list[i].va - old + new, list[i].page, prot);
    /* The pages are owned where they stay: no page_put either way. */
    if (err)
        core_as_unmap_range(mm->as, uaddr(new), uaddr(new + len), NULL);
    else
        core_as_unmap_range(mm->as, uaddr(old), uaddr(old + len), NULL);
    core_free(list);
    return err;
}

long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, unsigned flags,
                uint64_t new_addr)
{
    struct mm *mm = abi_proc->mm;
    if ((old % CORE_PAGE_SIZE) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)))
        return -EINVAL;
    if (((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) || !new_len)
        return -EINVAL;
    if (old_len > CORE_USER_END || new_len > CORE_USER_END)
        return -ENOMEM;
    old_len = CORE_ALIGN_UP(old_len, CORE_PAGE_SIZE);
    new_len = CORE_ALIGN_UP(new_len, CORE_PAGE_SIZE);
    struct vma *v = vma_find(mm, old);
    if (!v || old + old_len > v->end)
        return -EFAULT;
    if (!old_len) /* duplicating a shared mapping: not with one process */
        return -EINVAL;
    unsigned prot = v->prot, vflags = v->flags;
    struct inode *file = v->file; /* held by v until the new VMA holds it */
    uint64_t foff = v->off + (old - v->start);
    if (!(flags & MREMAP_FIXED)) {
        if (new_len <= old_len)
            return vma_remove(mm, old + new_len, old + old_len) ? -ENOMEM : (long)old;
        if (v->end == old + old_len && vma_range_free(mm, old + old_len, old + new_len)) {
            v->end = old + new_len;
            return (long)old;
        }
        if (!(flags & MREMAP_MAYMOVE))
            return -ENOMEM;
    }
    uint64_t mv = old_len < new_len ? old_len : new_len, dst;
    long ret = mmap_place(mm, (flags & MREMAP_FIXED) ? new_addr : 0, new_len,
                          (flags & MREMAP_FIXED) ? MAP_FIXED : 0, &dst);
    if (ret)
        return ret;
    if ((flags & MREMAP_FIXED) && dst < old + old_len && old < dst + new_len)
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && vma_remove(mm, dst, dst + new_len))
        return -ENOMEM;
    if (vma_insert_file(mm, dst, dst + new_len, prot, vflags, file, foff))
        return -ENOMEM;
    if (move_pages(mm, old, dst, mv, prot)) {
        if (vma_remove(mm, dst, dst + new_len))
            mm_unmap_pages(mm, dst, dst + new_len);
        return -ENOMEM;
    }
    if (prot & PROT_WRITE) /* pages shared copy-on-write stay read-only */
        mm_cow_protect(mm, dst, dst + mv);
    if (vma_remove(mm, old, old + old_len))
        mm_unmap_pages(mm, old, old + old_len);
    return (long)dst;
}

/* Apply advice to [start, end): drop the pages of private memory for
 * DONTNEED/FREE (the next touch faults in zeros), one range unmap per VMA
 * met. Like Linux, a hole anywhere in the range is -ENOMEM, reported
 * after the mapped parts were done. */
static long madvise_range(struct mm *mm, uint64_t start, uint64_t end, bool drop)
{
    uint64_t at = start;
    bool hole = false;
    for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
        if (v->end <= start)
            continue;
        uint64_t s = v->start > start ? v->start : start;
        uint64_t e = v->end < end ? v->end : end;
        hole |= s > at;
        at = e;
        if (drop && !(v->flags & VMA_SHARED))
            mm_unmap_pages(mm, s, e);
    }
    return hole || at < end ? -ENOMEM : 0;
}

long sys_madvise(uint64_t addr, uint64_t len, int advice)
{
    bool drop = false;
    if ((addr % CORE_PAGE_SIZE) || len > CORE_USER_END || addr > CORE_USER_END - len)
        return -EINVAL;
    len = CORE_ALIGN_UP(len, CORE_PAGE_SIZE);
    switch (advice) {
    case MADV_DONTNEED:
    case MADV_FREE:
        drop = true;
        break;
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
    case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE:
    case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP:
    case MADV_WIPEONFORK: case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT:
        break;
    default:
        return -EINVAL;
    }
    if (!len)
        return 0;
    return madvise_range(abi_proc->mm, addr, addr + len, drop);
}

long sys_mlock(uint64_t addr, uint64_t len)
{
    return 0; /* nothing is ever swapped */
}

long sys_munlock(uint64_t addr, uint64_t len)
{
    return 0;
}

long sys_msync(uint64_t addr, uint64_t len, int flags)
{
    if ((addr % CORE_PAGE_SIZE) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)))
        return -EINVAL;
    return 0;
}

long sys_mincore(uint64_t addr, uint64_t len, uaddr_t u_vec)
{
    struct mm *mm = abi_proc->mm;
    unsigned prot;
    if (addr % CORE_PAGE_SIZE)
        return -EINVAL;
    if (len > CORE_USER_END || addr + len > CORE_USER_END)
        return -ENOMEM;
    uint64_t pages = CORE_ALIGN_UP(len, CORE_PAGE_SIZE) / CORE_PAGE_SIZE;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t va = addr + i * CORE_PAGE_SIZE;
        if (!vma_find(mm, va))
            return -ENOMEM;
        unsigned char in = core_as_lookup(mm->as, uaddr(va), &prot) != NULL;
        if (core_copy_to_user(uaddr_add(u_vec, i), &in, 1))
            return -EFAULT;
    }
    return 0;
}
