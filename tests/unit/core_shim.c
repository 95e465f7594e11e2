/* The guest core API on the host (see core_shim.h), so abi/ links and runs
 * inside Check suites. Built with the host C library and the core headers;
 * nothing here is compiled into the guest. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <core/as.h>
#include <core/boot.h>
#include <core/console.h>
#include <core/dev.h>
#include <core/errno.h>
#include <core/mem.h>
#include <core/panic.h>
#include <core/random.h>
#include <core/sched.h>
#include <core/task.h>
#include <core/time.h>
#include <core/uaccess.h>

#include "core_shim.h"

/* ---- allocation, with failure injection and live counts ---- */

static unsigned long fail_at, alloc_seq;
static int fail_sticky;
static long heap_live, pages_live;

void shim_alloc_fail(unsigned long n, int sticky)
{
    fail_at = n ? alloc_seq + n : 0;
    fail_sticky = sticky;
}

static int alloc_fails(void)
{
    alloc_seq++;
    if (!fail_at)
        return 0;
    return fail_sticky ? alloc_seq >= fail_at : alloc_seq == fail_at;
}

long shim_heap_live(void)
{
    return heap_live;
}

long shim_pages_live(void)
{
    return pages_live;
}

void *core_malloc(size_t size)
{
    if (alloc_fails())
        return NULL;
    void *p = malloc(size ? size : 1);
    if (p)
        heap_live++;
    return p;
}

void *core_zalloc(size_t size)
{
    if (alloc_fails())
        return NULL;
    void *p = calloc(1, size ? size : 1);
    if (p)
        heap_live++;
    return p;
}

void *core_realloc(void *p, size_t size)
{
    if (alloc_fails())
        return NULL;
    void *n = realloc(p, size ? size : 1); /* the core never frees here */
    if (n && !p)
        heap_live++;
    return n;
}

void core_free(void *p)
{
    if (p)
        heap_live--;
    free(p);
}

/* Page reference counts live in a small header table keyed by address. */
struct page_ref {
    void *page;
    unsigned refs;
};
static struct page_ref *prefs;
static size_t nprefs, cap_prefs;

static struct page_ref *page_ref(void *page)
{
    for (size_t i = 0; i < nprefs; i++)
        if (prefs[i].page == page)
            return &prefs[i];
    return NULL;
}

void *core_page_alloc(void)
{
    if (alloc_fails())
        return NULL;
    void *p = aligned_alloc(CORE_PAGE_SIZE, CORE_PAGE_SIZE);
    if (!p)
        return NULL;
    memset(p, 0, CORE_PAGE_SIZE);
    if (nprefs == cap_prefs) {
        cap_prefs = cap_prefs ? cap_prefs * 2 : 256;
        prefs = realloc(prefs, cap_prefs * sizeof(*prefs));
        if (!prefs)
            abort();
    }
    prefs[nprefs++] = (struct page_ref){p, 1};
    pages_live++;
    return p;
}

void core_page_free(void *page)
{
    struct page_ref *r = page_ref(page);
    if (!r || r->refs == 0)
        core_panic("core_page_free(%p): not an allocated page", page);
    if (--r->refs)
        return;
    *r = prefs[--nprefs];
    pages_live--;
    free(page);
}

void core_page_get(void *page)
{
    struct page_ref *r = page_ref(page);
    if (!r)
        core_panic("core_page_get(%p): not an allocated page", page);
    r->refs++;
}

unsigned core_page_refs(void *page)
{
    struct page_ref *r = page_ref(page);
    return r ? r->refs : 0;
}

uint64_t core_mem_total_bytes(void)
{
    return 256ull << 20;
}

uint64_t core_mem_free_bytes(void)
{
    return (256ull << 20) - (uint64_t)pages_live * CORE_PAGE_SIZE;
}

/* ---- user memory: host pointers, with the core's range check ---- */

static struct {
    uintptr_t start, end;
} bad[SHIM_BAD_MAX];

void shim_bad_range(const void *p, size_t len)
{
    for (int i = 0; i < SHIM_BAD_MAX; i++)
        if (bad[i].start == bad[i].end) {
            bad[i].start = (uintptr_t)p;
            bad[i].end = (uintptr_t)p + len;
            return;
        }
    abort();
}

void shim_bad_clear(void)
{
    memset(bad, 0, sizeof(bad));
}

/* Bytes from a that can be touched before a bad range (up to len). */
static size_t good_prefix(uint64_t a, size_t len)
{
    size_t ok = len;
    for (int i = 0; i < SHIM_BAD_MAX; i++) {
        if (bad[i].start == bad[i].end)
            continue;
        if (bad[i].start <= a && a < bad[i].end)
            return 0;
        if (a < bad[i].start && bad[i].start - a < ok)
            ok = bad[i].start - a;
    }
    return ok;
}

bool core_user_range_ok(uaddr_t addr, size_t len)
{
    return addr.addr >= CORE_USER_MIN && addr.addr < CORE_USER_END &&
           len <= CORE_USER_END - addr.addr;
}

int core_copy_from_user(void *dst, uaddr_t src, size_t len)
{
    if (len == 0)
        return 0;
    if (!core_user_range_ok(src, len))
        return -EFAULT;
    size_t ok = good_prefix(src.addr, len);
    memcpy(dst, (const void *)(uintptr_t)src.addr, ok);
    return ok == len ? 0 : -EFAULT;
}

int core_copy_to_user(uaddr_t dst, const void *src, size_t len)
{
    if (len == 0)
        return 0;
    if (!core_user_range_ok(dst, len))
        return -EFAULT;
    size_t ok = good_prefix(dst.addr, len);
    memcpy((void *)(uintptr_t)dst.addr, src, ok);
    return ok == len ? 0 : -EFAULT;
}

int core_clear_user(uaddr_t dst, size_t len)
{
    if (len == 0)
        return 0;
    if (!core_user_range_ok(dst, len))
        return -EFAULT;
    size_t ok = good_prefix(dst.addr, len);
    memset((void *)(uintptr_t)dst.addr, 0, ok);
    return ok == len ? 0 : -EFAULT;
}

long core_strncpy_from_user(char *dst, uaddr_t src, size_t max)
{
    if (max == 0)
        return -ENAMETOOLONG;
    if (src.addr < CORE_USER_MIN || src.addr >= CORE_USER_END)
        return -EFAULT;
    size_t room = CORE_USER_END - src.addr;
    size_t lim = max < room ? max : room;
    const char *s = (const char *)(uintptr_t)src.addr;
    for (size_t i = 0; i < lim; i++) {
        if (good_prefix(src.addr + i, 1) == 0)
            return -EFAULT;
        dst[i] = s[i];
        if (s[i] == 0)
            return (long)i;
    }
    dst[lim - 1] = 0;
    return lim == max ? -ENAMETOOLONG : -EFAULT;
}

/* ---- address spaces: an unsorted array of va -> page ----
 *
 * With the core's semantics: prot is what a page-table entry can say
 * (any access implies read on x86; prot 0 keeps the page attached but
 * inaccessible, reported by lookup with prot 0 and returned by unmap);
 * range calls ignore a range the core would refuse; and a for_each
 * callback that changes the mappings of the space it walks aborts the
 * test, since the real walk would be corrupted by it. */

struct as_entry {
    uint64_t va;
    void *page;
    unsigned prot;
};

struct core_as {
    struct as_entry *e;
    size_t n, cap;
    int walking; /* inside core_as_for_each */
};

static unsigned prot_as_pte(unsigned prot)
{
    prot &= CORE_PROT_READ | CORE_PROT_WRITE | CORE_PROT_EXEC;
    return prot ? prot | CORE_PROT_READ : 0;
}

static void as_change(struct core_as *as, const char *what)
{
    if (as->walking) {
        fprintf(stderr, "core shim: %s inside core_as_for_each\n", what);
        abort();
    }
}

static struct core_as *as_current;

struct core_as *core_as_create(void)
{
    if (alloc_fails())
        return NULL;
    return calloc(1, sizeof(struct core_as));
}

void core_as_destroy(struct core_as *as, void (*page_put)(void *page))
{
    if (!as)
        return;
    for (size_t i = 0; i < as->n; i++)
        page_put(as->e[i].page);
    if (as_current == as)
        as_current = NULL;
    free(as->e);
    free(as);
}

void core_as_activate(struct core_as *as)
{
    as_current = as;
}

struct core_as *core_as_current(void)
{
    return as_current;
}

static bool va_ok(uaddr_t va)
{
    return va.addr % CORE_PAGE_SIZE == 0 && va.addr >= CORE_USER_MIN &&
           va.addr < CORE_USER_END;
}

static struct as_entry *as_find(struct core_as *as, uint64_t va)
{
    for (size_t i = 0; i < as->n; i++)
        if (as->e[i].va == va)
            return &as->e[i];
    return NULL;
}

void *core_as_map(struct core_as *as, uaddr_t va, void *page, unsigned prot, int *err)
{
    as_change(as, "core_as_map");
    prot = prot_as_pte(prot);
    *err = 0;
    if (!va_ok(va)) {
        *err = -EINVAL;
        return NULL;
    }
    struct as_entry *e = as_find(as, va.addr);
    if (e) {
        void *old = e->page;
        e->page = page;
        e->prot = prot;
        return old;
    }
    if (as->n == as->cap) {
        if (alloc_fails()) {
            *err = -ENOMEM;
            return NULL;
        }
        size_t cap = as->cap ? as->cap * 2 : 64;
        struct as_entry *ne = realloc(as->e, cap * sizeof(*ne));
        if (!ne) {
            *err = -ENOMEM;
            return NULL;
        }
        as->e = ne;
        as->cap = cap;
    }
    as->e[as->n++] = (struct as_entry){va.addr, page, prot};
    return NULL;
}

void *core_as_unmap(struct core_as *as, uaddr_t va)
{
    as_change(as, "core_as_unmap");
    struct as_entry *e = va_ok(va) ? as_find(as, va.addr) : NULL;
    if (!e)
        return NULL;
    void *pg = e->page;
    *e = as->e[--as->n];
    return pg;
}

bool core_as_protect(struct core_as *as, uaddr_t va, unsigned prot)
{
    as_change(as, "core_as_protect");
    struct as_entry *e = va_ok(va) ? as_find(as, va.addr) : NULL;
    if (!e)
        return false;
    e->prot = prot_as_pte(prot);
    return true;
}

void *core_as_lookup(struct core_as *as, uaddr_t va, unsigned *prot)
{
    struct as_entry *e = va_ok(va) ? as_find(as, va.addr) : NULL;
    if (!e)
        return NULL;
    if (prot)
        *prot = e->prot;
    return e->page;
}

/* The range forms: visit the entries inside [start, end), in address
 * order (sorted on a copy, as the page tables would give them). */
static int entry_cmp(const void *a, const void *b)
{
    uint64_t x = ((const struct as_entry *)a)->va, y = ((const struct as_entry *)b)->va;
    return x < y ? -1 : x > y;
}

/* A range the core walks: [start, end) page aligned, inside user space
 * (the core does not check CORE_USER_MIN for ranges), not empty. */
static bool range_ok(uaddr_t start, uaddr_t end)
{
    return start.addr % CORE_PAGE_SIZE == 0 && end.addr % CORE_PAGE_SIZE == 0 &&
           start.addr < CORE_USER_END && end.addr <= CORE_USER_END &&
           start.addr < end.addr;
}

static size_t as_collect(struct core_as *as, uaddr_t start, uaddr_t end,
                         struct as_entry **out)
{
    struct as_entry *v = malloc((as->n + 1) * sizeof(*v));
    size_t n = 0;
    if (!v)
        abort();
    if (!range_ok(start, end)) {
        *out = v;
        return 0;
    }
    for (size_t i = 0; i < as->n; i++)
        if (as->e[i].va >= start.addr && as->e[i].va < end.addr)
            v[n++] = as->e[i];
    qsort(v, n, sizeof(*v), entry_cmp);
    *out = v;
    return n;
}

void core_as_unmap_range(struct core_as *as, uaddr_t start, uaddr_t end,
                         void (*page_put)(void *page))
{
    as_change(as, "core_as_unmap_range");
    struct as_entry *v;
    size_t n = as_collect(as, start, end, &v);
    for (size_t i = 0; i < n; i++) {
        void *pg = core_as_unmap(as, uaddr(v[i].va));
        if (pg && page_put)
            page_put(pg);
    }
    free(v);
}

void core_as_protect_range(struct core_as *as, uaddr_t start, uaddr_t end, unsigned prot)
{
    as_change(as, "core_as_protect_range");
    if (!range_ok(start, end))
        return;
    for (size_t i = 0; i < as->n; i++)
        if (as->e[i].va >= start.addr && as->e[i].va < end.addr)
            as->e[i].prot = prot_as_pte(prot);
}

void core_as_for_each(struct core_as *as, uaddr_t start, uaddr_t end,
                      void (*fn)(uaddr_t va, void *page, unsigned prot, void *ctx),
                      void *ctx)
{
    struct as_entry *v;
    size_t n = as_collect(as, start, end, &v);
    as->walking++;
    for (size_t i = 0; i < n; i++)
        fn(uaddr(v[i].va), v[i].page, v[i].prot, ctx);
    as->walking--;
    free(v);
}

size_t shim_as_count(const void *as)
{
    return ((const struct core_as *)as)->n;
}

/* ---- console and log ---- */

static char *out[3];
static size_t out_len[3];
static const char *in_buf;
static size_t in_len;
static char log_last[512];

size_t core_console_write(int stream, const void *buf, size_t len)
{
    int s = stream == CORE_STDERR ? 2 : 1;
    char *n = realloc(out[s], out_len[s] + len + 1);
    if (!n)
        abort();
    memcpy(n + out_len[s], buf, len);
    out_len[s] += len;
    n[out_len[s]] = 0;
    out[s] = n;
    return len;
}

/* The host answers a request at once: the bytes set by
 * shim_console_input, then end of input. */
static core_console_input_fn input_fn;
static bool in_busy;

void core_console_set_input_handler(core_console_input_fn fn)
{
    input_fn = fn;
}

void core_console_set_winsize_handler(core_console_winsize_fn fn)
{
}

void core_console_request(size_t want)
{
    if (!input_fn || in_busy || !want)
        return;
    size_t n = want < in_len ? want : in_len;
    in_busy = true;
    const char *p = in_buf;
    in_buf += n;
    in_len -= n;
    input_fn(p, n, n == 0);
    in_busy = false;
}

bool core_console_is_tty(unsigned *rows, unsigned *cols)
{
    *rows = *cols = 0;
    return false;
}

void core_console_flush(void)
{
}

const char *shim_console_out(int stream)
{
    int s = stream == CORE_STDERR ? 2 : 1;
    return out[s] ? out[s] : "";
}

size_t shim_console_len(int stream)
{
    return out_len[stream == CORE_STDERR ? 2 : 1];
}

void shim_console_reset(void)
{
    for (int i = 0; i < 3; i++) {
        free(out[i]);
        out[i] = NULL;
        out_len[i] = 0;
    }
}

void shim_console_input(const void *buf, size_t len)
{
    in_buf = buf;
    in_len = len;
}

void core_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(log_last, sizeof(log_last), fmt, ap);
    va_end(ap);
    if (getenv("SHIM_VERBOSE"))
        fputs(log_last, stderr);
}

const char *shim_log_last(void)
{
    return log_last;
}

void core_report_unimplemented(const char *name)
{
    core_log("unimplemented: %s\n", name);
}

bool core_verbose(void)
{
    return getenv("SHIM_VERBOSE") != NULL;
}

/* ---- stopping: exit status as the VM's, panic as an abort ---- */

static jmp_buf *catcher;
static struct core_uregs entered;
static int exit_status = -1;

void shim_catch(jmp_buf *jb)
{
    catcher = jb;
}

const struct core_uregs *shim_entered(void)
{
    return &entered;
}

int shim_exit_status(void)
{
    return exit_status;
}

void core_vm_exit(int status)
{
    exit_status = status;
    if (catcher)
        longjmp(*catcher, 2);
    fflush(NULL);
    _exit(status);
}

void core_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("core_panic: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* ---- time, randomness, CPU facts, handlers ---- */

static int64_t realtime_offset;

static uint64_t clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t core_time_monotonic_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

uint64_t core_time_realtime_ns(void)
{
    return clock_ns(CLOCK_REALTIME) + (uint64_t)realtime_offset;
}

void core_time_set_realtime_ns(uint64_t ns)
{
    realtime_offset = (int64_t)(ns - clock_ns(CLOCK_REALTIME));
}

void core_time_sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
    nanosleep(&ts, NULL);
}

void core_random_bytes(void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n <= 0)
            abort();
        p += n;
        len -= (size_t)n;
    }
}

static uint64_t user_fs, user_gs;

void core_set_user_fs(uint64_t base)
{
    user_fs = base;
}

uint64_t core_get_user_fs(void)
{
    return user_fs;
}

void core_set_user_gs(uint64_t base)
{
    user_gs = base;
}

uint64_t core_get_user_gs(void)
{
    return user_gs;
}

uint64_t core_cpu_hwcap(void)
{
    return 0x178bfbff;
}

unsigned core_cpu_count(void)
{
    return 1;
}

unsigned core_cpu_current(void)
{
    return 0;
}

static core_syscall_fn syscall_fn;
static core_fault_fn fault_fn;
static core_trap_fn trap_fn;

void core_set_syscall_handler(core_syscall_fn fn)
{
    syscall_fn = fn;
}

void core_set_fault_handler(core_fault_fn fn)
{
    fault_fn = fn;
}

void core_set_trap_handler(core_trap_fn fn)
{
    trap_fn = fn;
}

void core_user_enter(const struct core_uregs *regs)
{
    entered = *regs;
    if (catcher)
        longjmp(*catcher, 1);
    core_panic("core_user_enter(rip %#lx): no user mode on the host",
               (unsigned long)regs->rip);
}

/* ---- boot facts ---- */

static const char *boot_cmdline = "";
static const void *boot_initrd;
static size_t boot_initrd_size;

void shim_boot_set(const char *cmdline, const void *initrd, size_t size)
{
    boot_cmdline = cmdline ? cmdline : "";
    boot_initrd = initrd;
    boot_initrd_size = size;
}

const char *core_boot_cmdline(void)
{
    return boot_cmdline;
}

void core_boot_initrd(const void **data, size_t *size)
{
    *data = boot_initrd;
    *size = boot_initrd_size;
}

const char *core_platform_name(void)
{
    return "host";
}

/* The current process and thread are defined by abi/proc.c, which some
 * suites do not link; weak definitions stand in (proc.c's win where it is
 * linked). */
struct process;
struct thread;
__attribute__((weak)) struct process *abi_proc;
__attribute__((weak)) struct thread *abi_thread;

/* ---- tasks, wait queues and timers: one task that nothing else wakes ----
 *
 * Wait queues are real lists. A wake-up of one of our waiters is noted
 * and ends the next sleep at once; otherwise a sleep calls the test's
 * hook (standing in for what other tasks would do meanwhile), then ends
 * as nothing else could end it: -EINTR when interrupted or interruptible
 * with no deadline, -ETIMEDOUT at the deadline (after really waiting),
 * and an abort when it could never end. */

struct core_task {
    bool interrupted;
    void *data;
    uint64_t fs;
};
static struct core_task shim_task;
static bool shim_woken;
static unsigned long shim_nsleeps;
static void (*sleep_hook)(void *arg);
static void *sleep_hook_arg;

struct core_task *core_task_current(void)
{
    return &shim_task;
}

static void waiter_link(struct core_waitq *q, struct core_waiter *w)
{
    w->prev = NULL;
    w->next = q->head;
    if (q->head)
        q->head->prev = w;
    q->head = w;
}

void core_waiter_add(struct core_waitq *q, struct core_waiter *w)
{
    w->task = &shim_task;
    w->func = NULL;
    waiter_link(q, w);
}

void core_waiter_add_callback(struct core_waitq *q, struct core_waiter *w,
                              void (*func)(struct core_waiter *w))
{
    w->task = NULL;
    w->func = func;
    waiter_link(q, w);
}

void core_waiter_remove(struct core_waitq *q, struct core_waiter *w)
{
    for (struct core_waiter *i = q->head; i != w; i = i->next)
        if (!i) {
            fprintf(stderr, "core shim: core_waiter_remove of a waiter not on the queue\n");
            abort();
        }
    if (w->prev)
        w->prev->next = w->next;
    else
        q->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->next = w->prev = NULL;
}

int core_sleep(uint64_t deadline_ns, bool interruptible)
{
    shim_nsleeps++;
    if (interruptible && shim_task.interrupted)
        return -EINTR;
    if (sleep_hook)
        sleep_hook(sleep_hook_arg);
    if (shim_woken) {
        shim_woken = false;
        return 0;
    }
    if (interruptible && (shim_task.interrupted || !deadline_ns))
        return -EINTR;
    if (!deadline_ns) {
        fprintf(stderr, "core shim: an uninterruptible sleep nobody can end\n");
        abort();
    }
    uint64_t now = core_time_monotonic_ns();
    if (deadline_ns > now)
        core_time_sleep_ns(deadline_ns - now);
    return -ETIMEDOUT;
}

int core_wait(struct core_waitq *q, uint64_t deadline_ns, bool interruptible)
{
    struct core_waiter w = {.task = &shim_task};
    core_waiter_add(q, &w);
    int err = core_sleep(deadline_ns, interruptible);
    core_waiter_remove(q, &w);
    return err;
}

void core_wake_all(struct core_waitq *q)
{
    for (struct core_waiter *w = q->head, *next; w; w = next) {
        next = w->next;
        if (w->func)
            w->func(w);
        else if (w->task == &shim_task)
            shim_woken = true;
    }
}

void core_wake_one(struct core_waitq *q)
{
    core_wake_all(q); /* one task: waking it once is waking "one" */
}

void core_task_interrupt(struct core_task *t)
{
    t->interrupted = true;
}

void core_task_clear_interrupt(struct core_task *t)
{
    t->interrupted = false;
}

bool core_task_interrupted(const struct core_task *t)
{
    return t->interrupted;
}

void core_yield(void)
{
}

static struct core_timer *timer_last;

struct core_timer *shim_timer_last(void)
{
    return timer_last;
}

void core_timer_start(struct core_timer *t, uint64_t deadline_ns,
                      void (*fn)(struct core_timer *t))
{
    timer_last = t;
    t->deadline_ns = deadline_ns;
    t->fn = fn;
    t->armed = true; /* never fires: tests call t->fn themselves */
}

void core_timer_cancel(struct core_timer *t)
{
    t->armed = false;
}

void shim_sleep_hook(void (*fn)(void *arg), void *arg)
{
    sleep_hook = fn;
    sleep_hook_arg = arg;
}

unsigned long shim_sleeps(void)
{
    return shim_nsleeps;
}

size_t shim_waitq_len(const struct core_waitq *q)
{
    size_t n = 0;
    for (const struct core_waiter *w = q->head; w; w = w->next)
        n++;
    return n;
}


/* the rest of core/sched.h and the FPU calls of core/task.h */
void *core_task_data(const struct core_task *t) { return t->data; }
void core_task_set_data(struct core_task *t, void *data) { t->data = data; }
struct core_task *core_task_fork(const struct core_uregs *regs, struct core_as *as)
{
    return calloc(1, sizeof(struct core_task));
}
void core_task_start(struct core_task *t) {}
void core_task_set_fs(struct core_task *t, uint64_t fs) { t->fs = fs; }
__noreturn void core_task_exit(void) { exit(0); }
void core_task_times(const struct core_task *t, uint64_t *u, uint64_t *s) { *u = *s = 0; }
void core_set_return_hook(core_return_hook_fn fn) {}
void core_set_switch_hook(core_switch_hook_fn fn) {}
size_t core_fpu_state_size(void) { return 512; }
uint64_t core_fpu_xfeatures(void) { return 0; }
void core_fpu_save(void *buf) { memset(buf, 0, 512); }
int core_fpu_restore(const void *buf) { return 0; }
void core_fpu_reset(void) {}

void core_cpu_id(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    __asm__ volatile("cpuid" : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
                     : "a"(leaf), "c"(sub));
}

/* Devices: none on the host. The driver code links; a mount finds no tag. */
unsigned core_dev_count(void) { return 0; }
struct core_mmio *core_mmio_map(unsigned index) { return NULL; }
size_t core_mmio_size(const struct core_mmio *h) { return 0; }
unsigned core_mmio_irq(const struct core_mmio *h) { return 0; }
uint8_t core_mmio_read8(struct core_mmio *h, size_t off) { abort(); }
uint32_t core_mmio_read32(struct core_mmio *h, size_t off) { abort(); }
void core_mmio_write32(struct core_mmio *h, size_t off, uint32_t v) { abort(); }
struct core_dma *core_dma_alloc(size_t size) { return NULL; }
void core_dma_free(struct core_dma *d) {}
void *core_dma_ptr(const struct core_dma *d) { abort(); }
size_t core_dma_size(const struct core_dma *d) { abort(); }
uint64_t core_dma_addr(const struct core_dma *d, size_t off) { abort(); }
int core_irq_register(unsigned irq, core_irq_fn fn, void *arg) { return -ENODEV; }
void core_irq_unregister(unsigned irq) {}

char core_task_state(const struct core_task *t) { return 'R'; }
