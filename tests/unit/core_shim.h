/* A host implementation of the guest core API, for unit tests of abi/.
 *
 * User addresses are host pointers: core_copy_* read and write them
 * directly after the same range check the core makes (CORE_USER_MIN up to
 * CORE_USER_END), so a test passes uaddr(0x10) or uaddr(~0ul) to get
 * -EFAULT. Up to SHIM_BAD_MAX host ranges can be marked unreadable; a
 * copy that touches one fails with -EFAULT after copying the bytes before
 * it, as a copy that meets an unmapped page does. Address spaces are a
 * small table of va -> page; allocations can be made to fail on demand;
 * console output, the log and the boot facts are test-controlled.
 */
#ifndef TESTS_UNIT_CORE_SHIM_H
#define TESTS_UNIT_CORE_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHIM_BAD_MAX 4

/* Mark [p, p+len) as faulting for user copies; shim_bad_clear undoes all. */
void shim_bad_range(const void *p, size_t len);
void shim_bad_clear(void);

/* Allocation failure injection: the nth allocation from now (1 = the next
 * one) of core_malloc/zalloc/realloc/page_alloc fails; with sticky, every
 * one after it fails too. n = 0 turns failures off. */
void shim_alloc_fail(unsigned long n, int sticky);
/* Live counts, for leak checks: heap blocks and pages not yet freed. */
long shim_heap_live(void);
long shim_pages_live(void);

/* What core_console_write wrote to a stream (1 or 2), NUL-terminated. */
const char *shim_console_out(int stream);
size_t shim_console_len(int stream);
void shim_console_reset(void);
/* Bytes core_console_read hands out, then EOF. */
void shim_console_input(const void *buf, size_t len);
/* The last core_log line. */
const char *shim_log_last(void);

/* Boot facts returned by core_boot_cmdline and core_boot_initrd. */
void shim_boot_set(const char *cmdline, const void *initrd, size_t size);

/* Number of pages mapped in an address space. */
size_t shim_as_count(const void *as);

/* Catch the ends of a boot: with jb set, core_user_enter longjmps to it
 * with 1 (the registers kept for shim_entered) and core_vm_exit with 2
 * (the status kept for shim_exit_status); without, they panic and _exit. */
#include <setjmp.h>
struct core_uregs;
void shim_catch(jmp_buf *jb);
const struct core_uregs *shim_entered(void);
int shim_exit_status(void);

/* Sleeping (core/sched.h): one task. core_sleep first calls the hook (what
 * other tasks would do meanwhile: write to a pipe, post a signal), then
 * returns 0 if one of our waiters was woken, else -EINTR when interrupted
 * or interruptible without a deadline, else -ETIMEDOUT at the deadline. */
struct core_waitq;
void shim_sleep_hook(void (*fn)(void *arg), void *arg);
unsigned long shim_sleeps(void);      /* core_sleep calls so far */
size_t shim_waitq_len(const struct core_waitq *q);
/* Timers never fire by themselves: the last one started, for a test to
 * call its fn (NULL before any). */
struct core_timer;
struct core_timer *shim_timer_last(void);

/* For suites that include abi_int.h after guest_host.h: give the C
 * library's names back to the test code (the abi code keeps calling the
 * guest_* functions), and a fresh process with its own root, /dev, /tmp
 * and memory map. */
#ifdef ABI_INT_H
#include "guest_unhost.h"
#include <linux/elf.h>

/* Signals as abi's signal.c keeps them: the highest pending one (0 if
 * none), how many are pending, and an unblocked SIGUSR1 to make
 * signal_pending() true. */
static inline int shim_signal_last(void)
{
    uint64_t p = abi_proc->pending;
    return p ? 64 - __builtin_clzll(p) : 0;
}

static inline int shim_signal_count(void)
{
    return __builtin_popcountll(abi_proc->pending);
}

static inline void shim_signal_set_pending(bool on)
{
    if (on) {
        abi_proc->pending |= 1ull << (10 - 1);
        core_task_interrupt(core_task_current()); /* sleeps end with -EINTR */
    } else {
        abi_proc->pending &= ~(1ull << (10 - 1));
        core_task_clear_interrupt(core_task_current());
    }
}

/* vfs_init, then (if late) vfs_init_late; abi_proc with cwd at the root
 * and an empty mm. Returns 0 or a negative errno. */
static inline int shim_proc_init(bool late)
{
    if (!proc_init_first())
        return -ENOMEM;
    abi_proc->pid = abi_proc->pgid = abi_proc->sid = 1; /* even when called again */
    proc_init_limits(abi_proc);
    abi_proc->umask = 022;
    int err = vfs_init();
    if (!err && late)
        err = vfs_init_late();
    if (err)
        return err;
    abi_proc->cwd = vfs_root;
    inode_get(vfs_root);
    abi_proc->mm = mm_new();
    return abi_proc->mm ? 0 : -ENOMEM;
}

/* A valid x86-64 ET_EXEC header with phnum program headers right after it;
 * tests then set the program headers (and spoil fields on purpose). */
static inline void shim_elf_exec_header(Elf64_Ehdr *eh, uint64_t entry, uint16_t phnum)
{
    memset(eh, 0, sizeof(*eh));
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = entry;
    eh->e_phoff = sizeof(Elf64_Ehdr);
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = phnum;
}
#endif

#endif
