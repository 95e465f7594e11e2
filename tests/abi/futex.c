/* futex: the raw futex operations between threads and between processes.
 * WAIT/WAKE with values and timeouts on both clocks, WAIT_BITSET and
 * WAKE_BITSET, REQUEUE and CMP_REQUEUE, WAKE_OP, PI lock hand-off,
 * robust lists, and futexes in MAP_SHARED memory (anonymous and file)
 * shared by fork. Threads are raw clone() children, so the libc plays no
 * part. Output is deterministic: counts and error names only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The futex ABI (linux/futex.h, which musl's compiler does not see). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE (FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_LOCK_PI_PRIVATE (FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG)
#define FUTEX_UNLOCK_PI_PRIVATE (FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG)
#define FUTEX_TRYLOCK_PI_PRIVATE (FUTEX_TRYLOCK_PI | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP(op, oparg, cmp, cmparg) \
    ((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu
struct robust_list {
    struct robust_list *next;
};
struct robust_list_head {
    struct robust_list list;
    long futex_offset;
    struct robust_list *list_op_pending;
};

static long futex(void *addr, int op, uint32_t val, const void *ts_or_val2, void *addr2,
                  uint32_t val3)
{
    return syscall(SYS_futex, addr, op, val, ts_or_val2, addr2, val3);
}

static const char *err(long r)
{
    if (r >= 0)
        return "ok";
    switch (errno) {
    case EAGAIN: return "EAGAIN";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case ENOSYS: return "ENOSYS";
    case EPERM: return "EPERM";
    case EDEADLK: return "EDEADLK";
    case EINTR: return "EINTR";
    default: return strerror(errno);
    }
}

/* ---- raw threads: clone with a stack of their own ---- */

#define STACK (64 * 1024)
struct thr {
    int (*fn)(void *);
    void *arg;
    _Atomic int tid; /* cleared by the kernel at exit (CLONE_CHILD_CLEARTID) */
    char *stack;
};

static int start(struct thr *t, int (*fn)(void *), void *arg)
{
    t->fn = fn;
    t->arg = arg;
    t->stack = malloc(STACK);
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                CLONE_SYSVSEM | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID;
    int r = clone(fn, t->stack + STACK, flags, arg, &t->tid, NULL, &t->tid);
    return r;
}

/* Wait for a raw thread's exit: the kernel zeroes tid and wakes us. */
static void join(struct thr *t)
{
    int tid;
    while ((tid = atomic_load(&t->tid)) != 0)
        futex((void *)&t->tid, FUTEX_WAIT, (uint32_t)tid, NULL, NULL, 0);
    free(t->stack);
}

static _Atomic uint32_t word, word2, started, woke;

static int waiter(void *arg)
{
    int op = (int)(long)arg;
    atomic_fetch_add(&started, 1);
    while (atomic_load(&word) == 0)
        futex((void *)&word, op, 0, NULL, NULL, FUTEX_BITSET_MATCH_ANY);
    atomic_fetch_add(&woke, 1);
    return 0;
}

static void wait_started(unsigned n)
{
    while (atomic_load(&started) < n)
        sched_yield();
    usleep(20000); /* let them reach FUTEX_WAIT */
}

static void test_wait_wake(void)
{
    uint32_t w = 1;
    struct timespec ts = {0, 20 * 1000000};
    printf("WAIT wrong value: %s\n", err(futex(&w, FUTEX_WAIT, 2, NULL, NULL, 0)));
    printf("WAIT timeout: %s\n", err(futex(&w, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0)));
    struct timespec past = {1, 0};
    printf("WAIT_BITSET past monotonic: %s\n",
           err(futex(&w, FUTEX_WAIT_BITSET, 1, &past, NULL, ~0u)));
    printf("WAIT_BITSET past realtime: %s\n",
           err(futex(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, &past, NULL, ~0u)));
    struct timespec abs;
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_nsec += 30 * 1000000;
    if (abs.tv_nsec >= 1000000000)
        abs.tv_sec++, abs.tv_nsec -= 1000000000;
    printf("WAIT_BITSET realtime deadline: %s\n",
           err(futex(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, &abs, NULL, ~0u)));
    printf("WAIT_BITSET bitset 0: %s\n", err(futex(&w, FUTEX_WAIT_BITSET, 1, NULL, NULL, 0)));
    struct timespec bad = {0, 1000000000};
    printf("WAIT bad timeout: %s\n", err(futex(&w, FUTEX_WAIT, 1, &bad, NULL, 0)));
    printf("WAIT misaligned: %s\n", err(futex((char *)&w + 1, FUTEX_WAIT, 1, NULL, NULL, 0)));
    printf("WAIT bad address: %s\n", err(futex((void *)8, FUTEX_WAIT, 1, NULL, NULL, 0)));
    printf("WAKE nobody: %ld\n", futex(&w, FUTEX_WAKE, 10, NULL, NULL, 0));
    printf("CLOCK_REALTIME with WAKE: %s\n",
           err(futex(&w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0)));
    printf("unknown op: %s\n", err(futex(&w, 99, 1, NULL, NULL, 0)));

    /* three waiters, wake one, then the rest */
    struct thr t[3];
    atomic_store(&word, 0);
    atomic_store(&started, 0);
    atomic_store(&woke, 0);
    for (int i = 0; i < 3; i++)
        start(&t[i], waiter, (void *)(long)FUTEX_WAIT_PRIVATE);
    wait_started(3);
    atomic_store(&word, 1);
    long n1 = futex((void *)&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    usleep(20000);
    long n2 = futex((void *)&word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
    for (int i = 0; i < 3; i++)
        join(&t[i]);
    printf("WAKE 1 then all: %ld + %ld, woke %u\n", n1, n2, atomic_load(&woke));
}

/* ---- bitsets ---- */

static int bit_waiter(void *arg)
{
    uint32_t bits = (uint32_t)(long)arg;
    atomic_fetch_add(&started, 1);
    futex((void *)&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, bits);
    atomic_fetch_or(&woke, bits);
    return 0;
}

static void test_bitset(void)
{
    struct thr t[2];
    atomic_store(&word, 0);
    atomic_store(&started, 0);
    atomic_store(&woke, 0);
    start(&t[0], bit_waiter, (void *)1L);
    start(&t[1], bit_waiter, (void *)2L);
    wait_started(2);
    long n = futex((void *)&word, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 2);
    usleep(20000);
    printf("WAKE_BITSET 2: woke %ld, bits now %u\n", n, atomic_load(&woke));
    n = futex((void *)&word, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 1);
    join(&t[0]);
    join(&t[1]);
    printf("WAKE_BITSET 1: woke %ld, bits now %u\n", n, atomic_load(&woke));
}

/* ---- requeue ---- */

static int requeue_waiter(void *arg)
{
    (void)arg;
    atomic_fetch_add(&started, 1);
    futex((void *)&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    atomic_fetch_add(&woke, 1);
    return 0;
}

static void test_requeue(void)
{
    struct thr t[4];
    atomic_store(&word, 0);
    atomic_store(&started, 0);
    atomic_store(&woke, 0);
    for (int i = 0; i < 4; i++)
        start(&t[i], requeue_waiter, NULL);
    wait_started(4);
    printf("CMP_REQUEUE wrong value: %s\n",
           err(futex((void *)&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, (void *)&word2, 5)));
    /* wake 1, move 2 to word2: returns woken + moved */
    long n = futex((void *)&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, (void *)&word2, 0);
    usleep(20000);
    printf("CMP_REQUEUE wake 1 move 2: %ld, woke %u\n", n, atomic_load(&woke));
    /* one still on word, two on word2 */
    long a = futex((void *)&word2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0);
    usleep(20000);
    long b = futex((void *)&word, FUTEX_REQUEUE_PRIVATE, 0, (void *)1L, (void *)&word2, 0);
    long c = futex((void *)&word2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0);
    for (int i = 0; i < 4; i++)
        join(&t[i]);
    printf("then: %ld on word2, REQUEUE moved %ld (woken + moved), %ld woken; woke %u\n", a,
           b, c, atomic_load(&woke));
}

/* ---- wake_op ---- */

static void test_wake_op(void)
{
    struct thr t[2];
    atomic_store(&word, 0);
    atomic_store(&word2, 0);
    atomic_store(&started, 0);
    atomic_store(&woke, 0);
    start(&t[0], requeue_waiter, NULL); /* waits on word */
    start(&t[1], waiter, (void *)(long)FUTEX_WAIT_PRIVATE);
    wait_started(2);
    /* word2 = 5 (SET), wake 1 on word; old word2 (0) == 0, so wake 1 on word2 too:
     * but nobody waits on word2, so 1 in total */
    uint32_t op = FUTEX_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 0);
    long n = futex((void *)&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, (void *)&word2, op);
    printf("WAKE_OP set 5, cmp eq 0: woke %ld, word2 %u\n", n, atomic_load(&word2));
    op = FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GT, 100);
    atomic_store(&word, 1);
    n = futex((void *)&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, (void *)&word2, op);
    printf("WAKE_OP add 3, cmp gt 100: woke %ld, word2 %u\n", n, atomic_load(&word2));
    /* (on a word nobody waits on: with a count of 0 Linux still wakes one
     * waiter if there is one, and whether one is left on word here
     * depends on timing) */
    static _Atomic uint32_t idle;
    op = FUTEX_OP(FUTEX_OP_OR, 4, FUTEX_OP_CMP_NE, 0) | (FUTEX_OP_OPARG_SHIFT << 28);
    n = futex((void *)&idle, FUTEX_WAKE_OP_PRIVATE, 0, (void *)0L, (void *)&word2, op);
    printf("WAKE_OP or 1<<4: woke %ld, word2 %u\n", n, atomic_load(&word2));
    /* a looping waiter woken while word was 0 may be waiting again */
    futex((void *)&word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
    join(&t[0]);
    join(&t[1]);
    printf("WAKE_OP: all woke %u\n", atomic_load(&woke));
}

/* ---- PI ---- */

static _Atomic uint32_t pi;
static long pi_count;

static int pi_worker(void *arg)
{
    (void)arg;
    uint32_t me = (uint32_t)syscall(SYS_gettid);
    for (int i = 0; i < 200; i++) {
        uint32_t zero = 0;
        if (!atomic_compare_exchange_strong(&pi, &zero, me))
            while (futex((void *)&pi, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0) && errno == EINTR)
                ;
        long c = pi_count;
        if (i % 20 == 0)
            sched_yield();
        pi_count = c + 1;
        uint32_t mine = me;
        if (!atomic_compare_exchange_strong(&pi, &mine, 0))
            futex((void *)&pi, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    }
    return 0;
}

static void test_pi(void)
{
    uint32_t me = (uint32_t)syscall(SYS_gettid);
    atomic_store(&pi, 0);
    /* (each call before the printf: argument order is unspecified) */
    const char *e = err(futex((void *)&pi, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
    printf("TRYLOCK_PI free: %s, owner is me %d\n", e, atomic_load(&pi) == me);
    printf("LOCK_PI own: %s\n", err(futex((void *)&pi, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0)));
    e = err(futex((void *)&pi, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
    printf("UNLOCK_PI: %s, word %u\n", e, atomic_load(&pi));
    atomic_store(&pi, 0x3ffffff0); /* owned by a TID that is not ours */
    printf("UNLOCK_PI not owner: %s\n",
           err(futex((void *)&pi, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0)));
    atomic_store(&pi, 0);
    struct thr t[3];
    for (int i = 0; i < 3; i++)
        start(&t[i], pi_worker, NULL);
    for (int i = 0; i < 3; i++)
        join(&t[i]);
    printf("PI contention: count %ld of 600, word %u\n", pi_count, atomic_load(&pi));
}

/* ---- robust list: a raw thread dies holding a lock ---- */

struct robust_lock {
    struct robust_list list;
    _Atomic uint32_t futex;
};
static struct robust_lock rl;
static struct robust_list_head rhead;

static int robust_dier(void *arg)
{
    (void)arg;
    rhead.list.next = &rhead.list;
    rhead.futex_offset = (long)offsetof(struct robust_lock, futex);
    rhead.list_op_pending = NULL;
    syscall(SYS_set_robust_list, &rhead, sizeof(rhead));
    atomic_store(&rl.futex, (uint32_t)syscall(SYS_gettid) | FUTEX_WAITERS);
    rl.list.next = &rhead.list;
    rhead.list.next = &rl.list;
    syscall(SYS_exit, 0); /* holding it */
    return 0;
}

/* Hostile robust lists: a cycle that never comes back to the head, and
 * a list that runs into unmapped memory. Thread exit must still end. */
static struct robust_list cyc_a, cyc_b;
static int robust_cycle(void *arg)
{
    (void)arg;
    cyc_a.next = &cyc_b;
    cyc_b.next = &cyc_a;
    rhead.list.next = &cyc_a;
    rhead.futex_offset = 0;
    rhead.list_op_pending = NULL;
    syscall(SYS_set_robust_list, &rhead, sizeof(rhead));
    syscall(SYS_exit, 0);
    return 0;
}

static int robust_wild(void *arg)
{
    (void)arg;
    rhead.list.next = (struct robust_list *)0x10;
    rhead.futex_offset = 0x7fffffff;
    rhead.list_op_pending = (struct robust_list *)0x20;
    syscall(SYS_set_robust_list, &rhead, sizeof(rhead));
    syscall(SYS_exit, 0);
    return 0;
}

static void test_robust_hostile(void)
{
    struct thr t;
    start(&t, robust_cycle, NULL);
    join(&t);
    start(&t, robust_wild, NULL);
    join(&t);
    printf("robust: a cyclic list and a wild one, both threads ended\n");
}

static void test_robust(void)
{
    struct thr t;
    start(&t, robust_dier, NULL);
    join(&t);
    uint32_t v = atomic_load(&rl.futex);
    printf("robust: owner died bit %d, tid cleared %d, waiters bit kept %d\n",
           !!(v & FUTEX_OWNER_DIED), (v & FUTEX_TID_MASK) == 0, !!(v & FUTEX_WAITERS));
    long len = 0;
    void *head = NULL;
    const char *e = err(syscall(SYS_get_robust_list, 0, &head, &len));
    printf("get_robust_list self: %s, len %ld\n", e, len);
    printf("set_robust_list bad len: %s\n", err(syscall(SYS_set_robust_list, &rhead, 8)));
}

/* ---- futexes in shared memory, between processes ---- */

static void test_shared(void)
{
    _Atomic uint32_t *anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char path[] = "/tmp/futex-XXXXXX";
    int fd = mkstemp(path);
    if (ftruncate(fd, 4096))
        return;
    _Atomic uint32_t *file = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unlink(path);
    for (int round = 0; round < 2; round++) {
        _Atomic uint32_t *w = round ? file : anon;
        atomic_store(&w[0], 0);
        atomic_store(&w[1], 0);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            atomic_store(&w[1], 1); /* ready */
            while (atomic_load(&w[0]) == 0)
                futex((void *)&w[0], FUTEX_WAIT, 0, NULL, NULL, 0); /* shared */
            _exit(atomic_load(&w[0]) == 7 ? 0 : 1);
        }
        while (atomic_load(&w[1]) == 0)
            usleep(1000);
        usleep(20000);
        atomic_store(&w[0], 7);
        long n = futex((void *)&w[0], FUTEX_WAKE, 1, NULL, NULL, 0);
        int st;
        waitpid(pid, &st, 0);
        printf("shared %s futex: woke %ld, child %s\n", round ? "file" : "anonymous", n,
               WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "failed");
        /* a private wake does not reach another process's shared waiter:
         * nothing to count here, but it must not crash either */
        futex((void *)&w[0], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_wait_wake();
    test_bitset();
    test_requeue();
    test_wake_op();
    test_pi();
    test_robust();
    test_robust_hostile();
    test_shared();
    return 0;
}
