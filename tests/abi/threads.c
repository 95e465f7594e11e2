/* threads: POSIX threads as a C library builds them on clone, futex,
 * set_robust_list and tgkill. Mutexes and condition variables under
 * contention, barriers, thread-local storage, cancellation, detached
 * threads, robust mutexes whose owner dies, signals to one thread,
 * exit_group from a thread, fork and exec from a thread. Output is
 * deterministic: counts and relations, never IDs or timings.
 *
 * Usage: threads [exec-child]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NTHREADS 4
#define ROUNDS 20000

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

/* ---- mutex contention ---- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        long c = counter;
        if (i % 1000 == 0)
            sched_yield(); /* let others pile up on the lock */
        counter = c + 1;
        pthread_mutex_unlock(&lock);
    }
    return (void *)(long)gettid_();
}

static void test_mutex(void)
{
    pthread_t t[NTHREADS];
    long tids[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, adder, NULL);
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        tids[i] = (long)r;
    }
    int distinct = 1;
    for (int i = 0; i < NTHREADS; i++)
        for (int j = 0; j < i; j++)
            if (tids[i] == tids[j])
                distinct = 0;
    int notpid = 1;
    for (int i = 0; i < NTHREADS; i++)
        if (tids[i] == getpid())
            notpid = 0;
    printf("mutex: counter %ld of %d, tids distinct %d, none is the pid %d\n", counter,
           NTHREADS * ROUNDS, distinct, notpid);
}

/* ---- condition variables: a bounded queue, producers and consumers ---- */

#define QCAP 8
#define ITEMS 5000
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;
static int queue[QCAP], qhead, qlen;
static long consumed_sum;

static void *producer(void *arg)
{
    int base = (int)(long)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == QCAP)
            pthread_cond_wait(&notfull, &qlock);
        queue[(qhead + qlen++) % QCAP] = base + i;
        pthread_cond_signal(&notempty);
        pthread_mutex_unlock(&qlock);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == 0)
            pthread_cond_wait(&notempty, &qlock);
        int v = queue[qhead];
        qhead = (qhead + 1) % QCAP;
        qlen--;
        consumed_sum += v;
        pthread_cond_signal(&notfull);
        pthread_mutex_unlock(&qlock);
    }
    return NULL;
}

static void test_cond(void)
{
    pthread_t p[2], c[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&p[i], NULL, producer, (void *)(long)(i * 100000));
        pthread_create(&c[i], NULL, consumer, NULL);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(p[i], NULL);
        pthread_join(c[i], NULL);
    }
    long want = 2L * ITEMS * (ITEMS + 1) / 2 + 100000L * ITEMS;
    printf("cond: sum %ld expected %ld\n", consumed_sum, want);
}

/* ---- broadcast: all waiters wake ---- */

static pthread_mutex_t blk = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bcv = PTHREAD_COND_INITIALIZER;
static int go, awake;

static void *bwaiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&blk);
    while (!go)
        pthread_cond_wait(&bcv, &blk);
    awake++;
    pthread_mutex_unlock(&blk);
    return NULL;
}

static void test_broadcast(void)
{
    pthread_t t[6];
    for (int i = 0; i < 6; i++)
        pthread_create(&t[i], NULL, bwaiter, NULL);
    usleep(20000);
    pthread_mutex_lock(&blk);
    go = 1;
    pthread_cond_broadcast(&bcv);
    pthread_mutex_unlock(&blk);
    for (int i = 0; i < 6; i++)
        pthread_join(t[i], NULL);
    printf("broadcast: %d of 6 awake\n", awake);
}

/* ---- timed wait ---- */

static void test_timedwait(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv;
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&cv, &a);
    struct timespec t0, dl, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    dl = t0;
    dl.tv_nsec += 50 * 1000000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&m);
    int r = pthread_cond_timedwait(&cv, &m, &dl);
    pthread_mutex_unlock(&m);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("timedwait: %s, waited at least 50 ms %d\n", r == ETIMEDOUT ? "ETIMEDOUT" : "?",
           ms >= 49);
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    rt.tv_nsec += 20 * 1000000;
    if (rt.tv_nsec >= 1000000000) {
        rt.tv_sec++;
        rt.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&m);
    r = pthread_mutex_timedlock(&m, &rt); /* already ours: deadlock or timeout */
    printf("timedlock on own default mutex: %s\n",
           r == ETIMEDOUT ? "ETIMEDOUT" : r == EDEADLK ? "EDEADLK" : "other");
    pthread_mutex_unlock(&m);
}

/* ---- barriers ---- */

static pthread_barrier_t bar;
static atomic_int phase_sum[3];

static void *barrier_worker(void *arg)
{
    int serial = 0;
    for (int ph = 0; ph < 3; ph++) {
        atomic_fetch_add(&phase_sum[ph], (int)(long)arg);
        if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
            serial++;
        /* everyone sees the whole phase's sum after the barrier */
        if (atomic_load(&phase_sum[ph]) != 1 + 2 + 3 + 4)
            return (void *)-1L;
    }
    return (void *)(long)serial;
}

static void test_barrier(void)
{
    pthread_t t[4];
    pthread_barrier_init(&bar, NULL, 4);
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, barrier_worker, (void *)(long)(i + 1));
    long serials = 0, bad = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        if ((long)r < 0)
            bad++;
        else
            serials += (long)r;
    }
    printf("barrier: 3 phases, serial threads %ld, bad %ld\n", serials, bad);
}

/* ---- thread-local storage ---- */

static __thread int tls_counter = 100;
static __thread char tls_name[16];

static void *tls_worker(void *arg)
{
    int id = (int)(long)arg;
    tls_counter += id;
    snprintf(tls_name, sizeof(tls_name), "worker-%d", id);
    usleep(1000);
    return (void *)(long)(tls_counter == 100 + id && strcmp(tls_name, "") != 0);
}

static pthread_key_t key;
static atomic_int destructed;
static void key_dtor(void *v)
{
    if (v)
        atomic_fetch_add(&destructed, 1);
}

static void *key_worker(void *arg)
{
    pthread_setspecific(key, arg);
    return pthread_getspecific(key) == arg ? (void *)1 : NULL;
}

static void test_tls(void)
{
    pthread_t t[3];
    int ok = 1;
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, tls_worker, (void *)(long)(i + 1));
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok &= r != NULL;
    }
    printf("tls: per-thread values %d, main's untouched %d\n", ok, tls_counter == 100);
    pthread_key_create(&key, key_dtor);
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, key_worker, (void *)(long)(i + 1));
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok &= r != NULL;
    }
    printf("keys: values %d, destructors run %d\n", ok, atomic_load(&destructed));
}

/* ---- cancellation ---- */

static atomic_int cleanup_ran;
static void cleanup(void *arg)
{
    (void)arg;
    atomic_fetch_add(&cleanup_ran, 1);
}

static void *cancel_sleeper(void *arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, NULL);
    for (;;)
        pause(); /* a cancellation point */
    pthread_cleanup_pop(0);
    return NULL;
}

static void unlock_blk(void *arg)
{
    (void)arg;
    pthread_mutex_unlock(&blk);
}

static void *cancel_cond(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&blk);
    pthread_cleanup_push(unlock_blk, NULL);
    pthread_cleanup_push(cleanup, NULL);
    for (;;)
        pthread_cond_wait(&bcv, &blk);
    pthread_cleanup_pop(0);
    pthread_cleanup_pop(0);
    return NULL;
}

static void test_cancel(void)
{
    pthread_t a, b;
    void *ra, *rb;
    pthread_create(&a, NULL, cancel_sleeper, NULL);
    pthread_create(&b, NULL, cancel_cond, NULL);
    usleep(20000);
    pthread_cancel(a);
    pthread_cancel(b);
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    /* the mutex was given back by the cleanup handler */
    int relocked = pthread_mutex_trylock(&blk) == 0;
    if (relocked)
        pthread_mutex_unlock(&blk);
    printf("cancel: both canceled %d, cleanups %d, mutex free again %d\n",
           ra == PTHREAD_CANCELED && rb == PTHREAD_CANCELED, atomic_load(&cleanup_ran),
           relocked);
}

/* ---- detached threads and many short ones ---- */

static atomic_int detached_done;
static void *detached(void *arg)
{
    (void)arg;
    atomic_fetch_add(&detached_done, 1);
    return NULL;
}

static void *nothing(void *arg) { return arg; }

static void test_many(void)
{
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 20; i++) {
        pthread_t t;
        pthread_create(&t, &at, detached, NULL);
    }
    while (atomic_load(&detached_done) < 20)
        usleep(1000);
    long sum = 0;
    for (int i = 0; i < 200; i++) {
        pthread_t t;
        void *r;
        if (pthread_create(&t, NULL, nothing, (void *)(long)i))
            break;
        pthread_join(t, &r);
        sum += (long)r;
    }
    printf("many: 20 detached done, 200 create+join sum %ld\n", sum);
}

/* ---- robust mutex whose owner dies ---- */

static pthread_mutex_t robust;
static void *robust_owner(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&robust);
    return NULL; /* exits holding it */
}

static void test_robust(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &a);
    pthread_t t;
    pthread_create(&t, NULL, robust_owner, NULL);
    pthread_join(t, NULL);
    int r = pthread_mutex_lock(&robust);
    printf("robust: lock after owner died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
    if (r == EOWNERDEAD) {
        pthread_mutex_consistent(&robust);
        pthread_mutex_unlock(&robust);
        r = pthread_mutex_lock(&robust);
        printf("robust: after consistent: %d\n", r);
        pthread_mutex_unlock(&robust);
    }
}

/* ---- signals to one thread ---- */

static atomic_long handled_in;
static void on_usr1(int sig)
{
    (void)sig;
    atomic_store(&handled_in, (long)gettid_());
}

static atomic_long target_tid;
static atomic_int stop_target;
static void *sig_target(void *arg)
{
    (void)arg;
    atomic_store(&target_tid, (long)gettid_());
    while (!atomic_load(&stop_target))
        usleep(1000);
    return NULL;
}

static void *blocker(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    int sig = 0;
    sigwait(&s, &sig); /* a process-wide SIGUSR2 must come to us */
    return (void *)(long)sig;
}

static void test_signals(void)
{
    signal(SIGUSR1, on_usr1);
    pthread_t t;
    pthread_create(&t, NULL, sig_target, NULL);
    while (!atomic_load(&target_tid))
        usleep(1000);
    pthread_kill(t, SIGUSR1);
    while (!atomic_load(&handled_in))
        usleep(1000);
    printf("pthread_kill: handled in the target thread %d\n",
           atomic_load(&handled_in) == atomic_load(&target_tid));
    atomic_store(&stop_target, 1);
    pthread_join(t, NULL);

    /* the main thread blocks SIGUSR2; one thread waits for it */
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, &old);
    pthread_create(&t, NULL, blocker, NULL);
    usleep(20000);
    kill(getpid(), SIGUSR2);
    void *r;
    pthread_join(t, &r);
    printf("kill to the process: sigwait in a thread got %s\n",
           (long)r == SIGUSR2 ? "SIGUSR2" : "?");
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- fork and exit_group from a thread ---- */

static void *forker(void *arg)
{
    (void)arg;
    pid_t pid = fork();
    if (pid == 0) {
        /* only this thread exists in the child */
        char buf[256];
        FILE *f = fopen("/proc/self/status", "r");
        int threads = -1;
        while (f && fgets(buf, sizeof(buf), f))
            sscanf(buf, "Threads: %d", &threads);
        if (f)
            fclose(f);
        _exit(threads == 1 ? 7 : 8);
    }
    int st;
    waitpid(pid, &st, 0);
    return (void *)(long)(WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void *group_exiter(void *arg)
{
    (void)arg;
    usleep(10000);
    exit(42); /* ends the sleeping main thread too */
}

static void test_fork_exit(void)
{
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, forker, NULL);
    pthread_join(t, &r);
    printf("fork from a thread: child status %ld\n", (long)r);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_create(&t, NULL, group_exiter, NULL);
        for (;;)
            pause();
    }
    int st;
    waitpid(pid, &st, 0);
    printf("exit from a thread: status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

    /* a thread's fault kills the whole process */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        pthread_create(&t, NULL, (void *(*)(void *))(long)8, NULL); /* jumps to 8 */
        for (;;)
            pause();
    }
    waitpid(pid, &st, 0);
    printf("fault in a thread: %s\n",
           WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited");
}

/* ---- /proc/self/task ---- */

static pthread_barrier_t task_bar;
static void *task_member(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&task_bar);
    pthread_barrier_wait(&task_bar);
    return NULL;
}

static int task_count(int *leader)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            n++;
            if (leader && atoi(e->d_name) == getpid())
                *leader = 1;
        }
    if (d)
        closedir(d);
    return n;
}

static void test_proc_task(void)
{
    pthread_t t[3];
    pthread_barrier_init(&task_bar, NULL, 4);
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, task_member, NULL);
    pthread_barrier_wait(&task_bar);
    int leader = 0, n = task_count(&leader), threads = -1;
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/self/task/%d/status", getpid());
    FILE *f = fopen(path, "r");
    while (f && fgets(buf, sizeof(buf), f))
        sscanf(buf, "Threads: %d", &threads);
    if (f)
        fclose(f);
    pthread_barrier_wait(&task_bar);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("/proc/self/task: %d entries, the leader among them %d, Threads: %d, "
           "after join %d\n", n, leader, threads, task_count(NULL));
}

/* ---- exec from a thread ---- */

static const char *self;
static void *execer(void *arg)
{
    (void)arg;
    execl(self, self, "exec-child", (char *)NULL);
    return NULL;
}

static void test_exec(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t, u;
        pthread_create(&u, NULL, sig_target, NULL); /* a bystander */
        pthread_create(&t, NULL, execer, NULL);
        for (;;)
            pause();
    }
    int st;
    waitpid(pid, &st, 0);
    printf("exec from a thread: status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc > 1 && !strcmp(argv[1], "exec-child")) {
        /* the new image: one thread, whose TID is the PID */
        printf("exec-child: tid is pid %d\n", gettid_() == getpid());
        return 3;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_mutex();
    test_cond();
    test_broadcast();
    test_timedwait();
    test_barrier();
    test_tls();
    test_cancel();
    test_many();
    test_robust();
    test_signals();
    test_proc_task();
    test_fork_exit();
    test_exec();
    return 0;
}
