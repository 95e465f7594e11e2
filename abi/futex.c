/* Futexes: sleeping on a user word, and robust-futex cleanup.
 *
 * A waiter lives on its sleeping thread's kernel stack and is linked into
 * one of FUTEX_BUCKETS lists, chosen by its key:
 *
 *  - a private futex (FUTEX_PRIVATE_FLAG), or any futex in private
 *    memory: (memory map, address);
 *  - a futex in a MAP_SHARED file mapping: (inode, offset in the file);
 *  - a futex in MAP_SHARED anonymous memory: (page, offset in the page)
 *    (such pages are never replaced: they are faulted in before a fork
 *    shares them).
 *
 * So processes that share memory meet on the same key, and a thread that
 * waits with FUTEX_PRIVATE_FLAG meets one that wakes without it, as on
 * Linux for private memory.
 *
 * The kernel is not preempted, so "read the word, compare, queue" cannot
 * race with a waker on this CPU. A woken waiter is taken off its list by
 * the waker (w->woken), so a wake-up is never counted twice; a waiter that
 * leaves by timeout or signal takes itself off.
 *
 * PI futexes (LOCK_PI, TRYLOCK_PI, UNLOCK_PI) follow the word protocol
 * (owner TID, FUTEX_WAITERS, FUTEX_OWNER_DIED) with a direct hand-off to
 * the longest waiter on unlock; there is no priority inheritance, which a
 * scheduler without priorities does not need.
 */
#include "abi_int.h"
#include "sys.h"

#include <core/time.h>
#include <linux/futex.h>

#define FUTEX_BUCKETS 64
#define ROBUST_LIST_LIMIT 2048 /* as Linux: a loop in the list ends here */

struct futex_key {
    uintptr_t a;
    uint64_t b;
};

struct futex_waiter {
    struct futex_waiter *next, *prev;
    struct futex_key key;
    uint32_t bitset;
    bool woken;
    struct core_waitq q;
    struct thread *thread;
};

static struct futex_waiter *buckets[FUTEX_BUCKETS];

static unsigned bucket_of(const struct futex_key *k)
{
    uint64_t h = (uint64_t)k->a * 0x9e3779b97f4a7c15ull ^ k->b * 0xc2b2ae3d27d4eb4full;
    return (unsigned)(h >> 58) % FUTEX_BUCKETS;
}

static bool key_eq(const struct futex_key *x, const struct futex_key *y)
{
    return x->a == y->a && x->b == y->b;
}

/* The key of the word at u (4-byte aligned, checked by the caller). */
static int futex_key_of(uaddr_t u, bool private_, struct futex_key *k)
{
    struct mm *mm = abi_proc->mm;
    struct vma *v = private_ || !mm ? NULL : vma_find(mm, u.addr);
    if (v && (v->flags & VMA_SHARED)) {
        if (v->file) {
            k->a = (uintptr_t)v->file;
            k->b = v->off + (u.addr - v->start);
            return 0;
        }
        unsigned prot;
        void *pg = core_as_lookup(mm->as, uaddr(u.addr & ~0xffful), &prot);
        if (pg) {
            k->a = (uintptr_t)pg;
            k->b = u.addr & 0xfff;
            return 0;
        }
    }
    k->a = (uintptr_t)mm;
    k->b = u.addr;
    return 0;
}

static void waiter_link(struct futex_waiter *w)
{
    struct futex_waiter **head = &buckets[bucket_of(&w->key)];
    struct futex_waiter *tail = *head;
    /* append, so wake-ups go in arrival order */
    w->next = NULL;
    if (!tail) {
        w->prev = NULL;
        *head = w;
        return;
    }
    while (tail->next)
        tail = tail->next;
    tail->next = w;
    w->prev = tail;
}

static void waiter_unlink(struct futex_waiter *w)
{
    struct futex_waiter **head = &buckets[bucket_of(&w->key)];
    if (w->prev)
        w->prev->next = w->next;
    else
        *head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->next = w->prev = NULL;
}

static void waiter_wake(struct futex_waiter *w)
{
    waiter_unlink(w);
    w->woken = true;
    core_wake_all(&w->q);
}

/* Wake up to n waiters on k whose bitset meets bits; how many. As on
 * Linux, the count is checked after a wake-up, so n <= 0 still wakes one
 * (FUTEX_WAKE and WAKE_OP with 0 wake a waiter if there is one). */
static int wake_key(const struct futex_key *k, int n, uint32_t bits)
{
    int woken = 0;
    struct futex_waiter *w = buckets[bucket_of(k)], *next;
    for (; w; w = next) {
        next = w->next;
        if (key_eq(&w->key, k) && (w->bitset & bits)) {
            waiter_wake(w);
            if (++woken >= n)
                break;
        }
    }
    return woken;
}

/* REQUEUE's own wake-ups: up to n exactly (0 wakes none). */
static int wake_key_max(const struct futex_key *k, int n)
{
    return n > 0 ? wake_key(k, n, FUTEX_BITSET_MATCH_ANY) : 0;
}

/* Queue on k, sleep until woken, the deadline or a signal. */
static long wait_key(const struct futex_key *k, uint32_t bits, uint64_t deadline)
{
    struct futex_waiter w = {.key = *k, .bitset = bits, .thread = abi_thread};
    struct core_waiter cw;
    waiter_link(&w);
    core_waiter_add(&w.q, &cw);
    long ret = 0;
    while (!w.woken) {
        int r = core_sleep(deadline, true);
        if (w.woken)
            break;
        if (r == -ETIMEDOUT) {
            ret = -ETIMEDOUT;
            break;
        }
        if (r == -EINTR) { /* a signal, or the thread must end: the
                            * return hook decides, restarting if neither */
            ret = -ERESTARTSYS;
            break;
        }
    }
    core_waiter_remove(&w.q, &cw);
    if (!w.woken)
        waiter_unlink(&w);
    return ret;
}

int futex_wake_addr(uaddr_t u, int n)
{
    struct futex_key k;
    if ((u.addr & 3) || futex_key_of(u, false, &k))
        return 0;
    return wake_key(&k, n, FUTEX_BITSET_MATCH_ANY);
}

/* The deadline (monotonic ns, 0 = none) of a timeout: relative for
 * FUTEX_WAIT, absolute on the chosen clock for the others. */
static int deadline_of(uaddr_t u_ts, bool absolute, bool realtime, uint64_t *deadline)
{
    uint64_t ns;
    *deadline = 0;
    if (!u_ts.addr)
        return 0;
    int err = abi_timespec_in(u_ts, &ns);
    if (err)
        return err;
    /* the time left, whatever the clock */
    uint64_t mono = core_time_monotonic_ns(), left;
    if (!absolute)
        left = ns;
    else if (realtime) {
        uint64_t rt = core_time_realtime_ns();
        left = ns > rt ? ns - rt : 0;
    } else
        left = ns > mono ? ns - mono : 0;
    if (left <= UINT64_MAX - mono) /* else past any clock's end: none */
        *deadline = mono + left;
    return 0;
}

static long futex_wait(uaddr_t u, uint32_t val, uint64_t deadline, bool private_,
                       uint32_t bits)
{
    uint32_t cur;
    struct futex_key k;
    if (core_copy_from_user(&cur, u, sizeof(cur)))
        return -EFAULT;
    if (cur != val)
        return -EAGAIN;
    if (futex_key_of(u, private_, &k))
        return -EFAULT;
    return wait_key(&k, bits, deadline);
}

/* Move up to n2 waiters of k1 (after waking n1) to k2. */
static long requeue(uaddr_t u1, uaddr_t u2, int n1, int n2, bool private_, bool cmp,
                    uint32_t val3)
{
    struct futex_key k1, k2;
    if (n1 < 0 || n2 < 0)
        return -EINVAL;
    if ((u2.addr & 3))
        return -EINVAL;
    if (futex_key_of(u1, private_, &k1) || futex_key_of(u2, private_, &k2))
        return -EFAULT;
    if (cmp) {
        uint32_t cur;
        if (core_copy_from_user(&cur, u1, sizeof(cur)))
            return -EFAULT;
        if (cur != val3)
            return -EAGAIN;
    }
    long done = wake_key_max(&k1, n1);
    int moved = 0;
    struct futex_waiter *w = buckets[bucket_of(&k1)], *next;
    for (; w && moved < n2; w = next) {
        next = w->next;
        if (!key_eq(&w->key, &k1))
            continue;
        waiter_unlink(w);
        w->key = k2;
        waiter_link(w);
        moved++;
    }
    return done + moved;
}

/* FUTEX_WAKE_OP: *u2 = *u2 OP oparg; wake n1 on u1, and n2 on u2 if the
 * old value of *u2 CMP cmparg. */
static long wake_op(uaddr_t u1, uaddr_t u2, int n1, int n2, uint32_t encoded, bool private_)
{
    unsigned op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
    int32_t oparg = (int32_t)(encoded << 8) >> 20, cmparg = (int32_t)(encoded << 20) >> 20;
    struct futex_key k1, k2;
    uint32_t old, nv;
    if ((u2.addr & 3))
        return -EINVAL;
    if (encoded & (FUTEX_OP_OPARG_SHIFT << 28)) {
        if (oparg < 0 || oparg > 31)
            return -EINVAL;
        oparg = 1 << oparg;
    }
    if (futex_key_of(u1, private_, &k1) || futex_key_of(u2, private_, &k2))
        return -EFAULT;
    if (core_copy_from_user(&old, u2, sizeof(old)))
        return -EFAULT;
    switch (op) {
    case FUTEX_OP_SET: nv = (uint32_t)oparg; break;
    case FUTEX_OP_ADD: nv = old + (uint32_t)oparg; break;
    case FUTEX_OP_OR: nv = old | (uint32_t)oparg; break;
    case FUTEX_OP_ANDN: nv = old & ~(uint32_t)oparg; break;
    case FUTEX_OP_XOR: nv = old ^ (uint32_t)oparg; break;
    default: return -ENOSYS;
    }
    bool hit;
    switch (cmp) {
    case FUTEX_OP_CMP_EQ: hit = (int32_t)old == cmparg; break;
    case FUTEX_OP_CMP_NE: hit = (int32_t)old != cmparg; break;
    case FUTEX_OP_CMP_LT: hit = (int32_t)old < cmparg; break;
    case FUTEX_OP_CMP_LE: hit = (int32_t)old <= cmparg; break;
    case FUTEX_OP_CMP_GT: hit = (int32_t)old > cmparg; break;
    case FUTEX_OP_CMP_GE: hit = (int32_t)old >= cmparg; break;
    default: return -ENOSYS;
    }
    if (core_copy_to_user(u2, &nv, sizeof(nv)))
        return -EFAULT;
    long n = wake_key(&k1, n1, FUTEX_BITSET_MATCH_ANY);
    if (hit)
        n += wake_key(&k2, n2, FUTEX_BITSET_MATCH_ANY);
    return n;
}

/* ---- PI futexes: the word is 0 or owner TID | FUTEX_WAITERS ---- */

static long lock_pi(uaddr_t u, uint64_t deadline, bool private_, bool try)
{
    struct futex_key k;
    if (futex_key_of(u, private_, &k))
        return -EFAULT;
    int tid = abi_thread->tid;
    for (;;) {
        uint32_t cur;
        if (core_copy_from_user(&cur, u, sizeof(cur)))
            return -EFAULT;
        uint32_t owner = cur & FUTEX_TID_MASK;
        if ((int)owner == tid)
            return -EDEADLK;
        if (!owner || !thread_find((int)owner)) {
            /* free, or its owner is gone (then say so): take it, keeping
             * the waiters bit */
            uint32_t nv = (uint32_t)tid | (cur & (FUTEX_WAITERS | FUTEX_OWNER_DIED)) |
                          (owner ? FUTEX_OWNER_DIED : 0);
            if (core_copy_to_user(u, &nv, sizeof(nv)))
                return -EFAULT;
            return 0;
        }
        if (try)
            return -EWOULDBLOCK;
        if (!(cur & FUTEX_WAITERS)) {
            cur |= FUTEX_WAITERS;
            if (core_copy_to_user(u, &cur, sizeof(cur)))
                return -EFAULT;
        }
        long r = wait_key(&k, FUTEX_BITSET_MATCH_ANY, deadline);
        if (r == -ERESTARTSYS)
            return -ERESTARTNOINTR; /* as Linux: lock_pi restarts */
        if (r)
            return r;
        /* unlock_pi handed the word to us: check, or retry */
        if (core_copy_from_user(&cur, u, sizeof(cur)))
            return -EFAULT;
        if ((int)(cur & FUTEX_TID_MASK) == tid)
            return 0;
    }
}

static long unlock_pi(uaddr_t u, bool private_)
{
    struct futex_key k;
    uint32_t cur;
    if (futex_key_of(u, private_, &k))
        return -EFAULT;
    if (core_copy_from_user(&cur, u, sizeof(cur)))
        return -EFAULT;
    if ((int)(cur & FUTEX_TID_MASK) != abi_thread->tid)
        return -EPERM;
    /* hand the lock to the longest waiter, if any */
    struct futex_waiter *w = buckets[bucket_of(&k)], *first = NULL;
    int others = 0;
    for (; w; w = w->next)
        if (key_eq(&w->key, &k)) {
            if (!first)
                first = w;
            else
                others++;
        }
    uint32_t nv = 0;
    if (first)
        nv = (uint32_t)first->thread->tid | (others ? FUTEX_WAITERS : 0);
    if (core_copy_to_user(u, &nv, sizeof(nv)))
        return -EFAULT;
    if (first)
        waiter_wake(first);
    return 0;
}

long sys_futex(uaddr_t u_addr, int op, uint32_t val, uaddr_t u_timeout,
               uaddr_t u_addr2, uint32_t val3)
{
    int cmd = op & FUTEX_CMD_MASK;
    bool private_ = op & FUTEX_PRIVATE_FLAG;
    bool rt = op & FUTEX_CLOCK_REALTIME;
    uint64_t deadline;
    long err;
    if (u_addr.addr & 3)
        return -EINVAL;
    if (rt && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI2 &&
        cmd != FUTEX_WAIT_REQUEUE_PI)
        return -ENOSYS;
    switch (cmd) {
    case FUTEX_WAIT:
        val3 = FUTEX_BITSET_MATCH_ANY;
        __attribute__((fallthrough));
    case FUTEX_WAIT_BITSET:
        if (!val3)
            return -EINVAL;
        if ((err = deadline_of(u_timeout, cmd == FUTEX_WAIT_BITSET, rt, &deadline)))
            return err;
        return futex_wait(u_addr, val, deadline, private_, val3);
    case FUTEX_WAKE:
        val3 = FUTEX_BITSET_MATCH_ANY;
        __attribute__((fallthrough));
    case FUTEX_WAKE_BITSET: {
        struct futex_key k;
        if (!val3)
            return -EINVAL;
        if (futex_key_of(u_addr, private_, &k))
            return -EFAULT;
        return wake_key(&k, (int)val < 0 ? INT32_MAX : (int)val, val3);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
        /* the fourth argument is the count (val2), not a timeout */
        return requeue(u_addr, u_addr2, (int)val, (int)u_timeout.addr, private_,
                       cmd == FUTEX_CMP_REQUEUE, val3);
    case FUTEX_WAKE_OP:
        return wake_op(u_addr, u_addr2, (int)val, (int)u_timeout.addr, val3, private_);
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
        /* LOCK_PI's timeout is absolute on CLOCK_REALTIME, LOCK_PI2's on
         * the clock chosen */
        if ((err = deadline_of(u_timeout, true, cmd == FUTEX_LOCK_PI || rt, &deadline)))
            return err;
        return lock_pi(u_addr, deadline, private_, false);
    case FUTEX_TRYLOCK_PI:
        return lock_pi(u_addr, 0, private_, true);
    case FUTEX_UNLOCK_PI:
        return unlock_pi(u_addr, private_);
    default:
        return -ENOSYS;
    }
}

/* ---- robust futexes ---- */

long sys_set_robust_list(uaddr_t u_head, size_t len)
{
    if (len != 24) /* sizeof(struct robust_list_head) */
        return -EINVAL;
    abi_thread->robust_list = u_head.addr;
    return 0;
}

long sys_get_robust_list(int tid, uaddr_t u_head, uaddr_t u_len)
{
    struct thread *t = tid ? thread_find(tid) : abi_thread;
    if (!t)
        return -ESRCH;
    uint64_t len = 24; /* Linux gives sizeof(*head) even when none is set */
    if (core_copy_to_user(u_head, &t->robust_list, 8) || core_copy_to_user(u_len, &len, 8))
        return -EFAULT;
    return 0;
}

/* One lock the dead thread held: mark the owner dead, wake a waiter. */
static void robust_release(uint64_t addr, int tid, bool pending_op)
{
    uint32_t cur;
    uaddr_t u = uaddr(addr);
    if ((addr & 3) || core_copy_from_user(&cur, u, sizeof(cur)))
        return;
    if ((int)(cur & FUTEX_TID_MASK) != tid) {
        /* a lock taken "pending" but never owned: wake someone if idle */
        if (pending_op && !cur)
            futex_wake_addr(u, 1);
        return;
    }
    uint32_t nv = (cur & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (core_copy_to_user(u, &nv, sizeof(nv)))
        return;
    if (cur & FUTEX_WAITERS)
        futex_wake_addr(u, 1);
}

void futex_robust_exit(struct thread *t)
{
    struct { uint64_t next; int64_t offset; uint64_t pending; } head;
    if (!t->robust_list || core_copy_from_user(&head, uaddr(t->robust_list), sizeof(head)))
        return;
    uint64_t entry = head.next;
    /* the lowest bit of an entry marks a PI futex: the same release here */
    for (unsigned n = 0; entry != t->robust_list && n < ROBUST_LIST_LIMIT; n++) {
        uint64_t next;
        uint64_t e = entry & ~1ull;
        if (core_copy_from_user(&next, uaddr(e), sizeof(next)))
            break;
        if (e != (head.pending & ~1ull))
            robust_release(e + (uint64_t)head.offset, t->tid, false);
        entry = next;
    }
    if (head.pending)
        robust_release((head.pending & ~1ull) + (uint64_t)head.offset, t->tid, true);
    t->robust_list = 0;
}
