/* smp: what must hold when threads run on several CPUs at once.
 * Parallel atomic counters; a page unmapped or write-protected by one
 * thread must fault at once in another thread that keeps using it (TLB
 * shootdown); a fork while another thread writes a private page must give
 * the child a snapshot that no longer changes (the writer's CPU must stop
 * writing through to the now shared frame); CPU numbers and affinity.
 * Output is yes/no and counts, the same for any number of CPUs.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
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

#define ROUNDS 1000000

static atomic_long counter;
static void *adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++)
        atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
    return NULL;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* ---- a mapping changed under a thread that keeps using it ---- */

static volatile char *page;
static atomic_int phase, faulted;
static __thread sigjmp_buf jb;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(jb, 1);
}

static void *reader(void *arg)
{
    int write = (int)(long)arg;
    if (sigsetjmp(jb, 1)) {
        atomic_store(&faulted, 1);
        return NULL;
    }
    atomic_store(&phase, 1);
    double end = now_s() + 10;
    while (now_s() < end) {
        if (write)
            page[100] = (char)phase; /* keeps a writable TLB entry hot */
        else
            (void)page[100];
    }
    return NULL;
}

static void test_change(const char *what, int write)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_segv;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    page[100] = 1;
    atomic_store(&phase, 0);
    atomic_store(&faulted, 0);
    pthread_t t;
    pthread_create(&t, NULL, reader, (void *)(long)write);
    while (!atomic_load(&phase))
        sched_yield();
    usleep(20000); /* the reader spins on the page, maybe on another CPU */
    if (write)
        mprotect((void *)page, 4096, PROT_READ);
    else
        munmap((void *)page, 4096);
    pthread_join(t, NULL);
    printf("%s under a running thread: it faulted %s\n", what,
           atomic_load(&faulted) ? "yes" : "no");
    if (write)
        munmap((void *)page, 4096);
    signal(SIGSEGV, SIG_DFL);
}

/* ---- fork while a thread writes ---- */

static volatile uint64_t *cow;
static atomic_int stop_writer;
static void *writer(void *arg)
{
    (void)arg;
    uint64_t v = 0;
    while (!atomic_load(&stop_writer))
        cow[0] = ++v;
    return NULL;
}

static void test_fork_cow(void)
{
    cow = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cow[0] = 0;
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    while (cow[0] < 1000)
        sched_yield();
    int same = 1;
    for (int round = 0; round < 5; round++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            uint64_t a = cow[0];
            usleep(20000);
            uint64_t b = cow[0];
            _exit(a == b ? 0 : 1);
        }
        int st;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            same = 0;
    }
    atomic_store(&stop_writer, 1);
    pthread_join(t, NULL);
    printf("fork while a thread writes: the child's copy stays still %s\n",
           same ? "yes" : "no");
}

/* ---- a thread busy in user mode must still see signals and exits ---- */

static atomic_int spin_flag, spin_seen;
static void on_usr1(int sig)
{
    (void)sig;
    atomic_store(&spin_flag, 1);
}

static void *spinner(void *arg)
{
    (void)arg;
    while (!atomic_load(&spin_flag)) /* no syscalls: only an IPI reaches it */
        ;
    atomic_store(&spin_seen, 1);
    return NULL;
}

static void *pure_spinner(void *arg)
{
    (void)arg;
    for (volatile unsigned long i = 0;; i++)
        ;
    return NULL;
}

static void test_busy_thread(void)
{
    signal(SIGUSR1, on_usr1);
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    usleep(20000);
    pthread_kill(t, SIGUSR1);
    pthread_join(t, NULL);
    printf("signal to a thread busy in user mode: handled %d\n", atomic_load(&spin_seen));
    signal(SIGUSR1, SIG_DFL);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_create(&t, NULL, pure_spinner, NULL);
        usleep(20000);
        exit(5); /* exit_group: the spinner must end too */
    }
    int st;
    waitpid(pid, &st, 0);
    printf("exit while a thread spins: status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    pid = fork();
    if (pid == 0) {
        pthread_create(&t, NULL, pure_spinner, NULL);
        pure_spinner(NULL);
    }
    usleep(50000);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    printf("SIGKILL to two spinning threads: %s\n",
           WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, adder, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("atomic counter: %ld of %d\n", atomic_load(&counter), 4 * ROUNDS);

    test_change("munmap", 0);
    test_change("mprotect read-only", 1);
    test_fork_cow();
    test_busy_thread();

    cpu_set_t set;
    CPU_ZERO(&set);
    int r = sched_getaffinity(0, sizeof(set), &set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned cpu = 99, node = 99;
    int g = (int)syscall(SYS_getcpu, &cpu, &node, NULL);
    printf("affinity: %d, CPUs in the mask match the online count %d\n", r,
           CPU_COUNT(&set) == n);
    printf("getcpu: %d, in range %d, node %u\n", g, (long)cpu < n, node);
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    printf("setaffinity to CPU 0: %d\n", sched_setaffinity(0, sizeof(set), &set));
    return 0;
}
