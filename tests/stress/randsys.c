/* randsys: random syscalls with random arguments, to prove that no program
 * can bring the guest kernel down.
 *
 * usage: randsys ITERATIONS SEED [CHILDREN [threads]]
 *
 * With CHILDREN, the program forks that many children, each in its own
 * process group with its own seed, runs the random calls in them, and
 * counts how they ended (exit or signal) as the parent: kills of random
 * pids and groups then reach other processes too. With "threads", each
 * child runs the calls in three more threads as well, which share its
 * memory and files (a munmap or close in one hits the others); after at
 * most two seconds the child exits, and exit_group must end threads
 * still blocked in a call.
 *
 * Arguments mix small numbers, pointers into a scratch buffer, kernel-half
 * and wild addresses, negative errno-like values and single bits. Calls
 * that would end the program or block forever on purpose (exit, pause,
 * sleeps, waits on futexes and signals, reads), and fork and clone (the
 * child would replay the same sequence), are skipped; everything else may
 * fail, and may even kill the program (a random munmap of its own stack is
 * fair), but the kernel must survive: mica must report the program's
 * status, never 125 (kernel panic), and never hang. With TRACE set each call
 * is logged to stderr first, to find the one that broke.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static __thread uint64_t state = 88172645463325252ull;

static uint64_t rnd(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static uint64_t arg(char *buf)
{
    switch (rnd() % 8) {
    case 0:
        return 0;
    case 1:
        return rnd() % 64;
    case 2:
        return (uint64_t)(buf + rnd() % 4096);
    case 3:
        return rnd();
    case 4:
        return 0xffffffff80000000ull + rnd() % 0x100000;
    case 5:
        return -(rnd() % 4096);
    case 6:
        return 1ull << (rnd() % 64);
    default:
        return (uint64_t)buf;
    }
}

static int skipped(long nr)
{
    static const long skip[] = {
        SYS_exit, SYS_exit_group, SYS_rt_sigreturn, SYS_pause, SYS_nanosleep,
        SYS_clock_nanosleep, SYS_rt_sigsuspend, SYS_select, SYS_pselect6, SYS_poll,
        SYS_ppoll, SYS_futex, SYS_rt_sigtimedwait, SYS_wait4, SYS_waitid,
        SYS_epoll_wait, SYS_epoll_pwait, SYS_epoll_pwait2, SYS_accept, SYS_accept4,
        /* a child would replay the same random sequence and fork again:
         * an exponential bomb, not a test (fork is exercised elsewhere) */
        SYS_fork, SYS_vfork, SYS_clone, SYS_clone3,
        /* blocking reads of the console or a pipe with no writer left */
        SYS_read, SYS_readv, SYS_pread64, SYS_preadv, SYS_preadv2,
    };
    for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
        if (nr == skip[i])
            return 1;
    return 0;
}

static int run(long iters, char *buf, int trace)
{
    for (long i = 0; i < iters; i++) {
        long nr = (long)(rnd() % 335);
        uint64_t a[6];
        if (skipped(nr))
            continue;
        for (int k = 0; k < 6; k++)
            a[k] = arg(buf);
        if (trace) {
            char m[160];
            int n = snprintf(m, sizeof(m), "%d/%ld: syscall %ld (%#lx, %#lx, %#lx, %#lx)\n",
                             (int)getpid(), i, nr, (long)a[0], (long)a[1], (long)a[2],
                             (long)a[3]);
            if (write(2, m, (size_t)n) < 0)
                return 3;
        }
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    return 0;
}

struct worker {
    long iters;
    char *buf;
    int trace;
    uint64_t seed;
};
static atomic_int workers_done;

static void *worker(void *arg)
{
    struct worker *w = arg;
    state = w->seed;
    run(w->iters, w->buf, w->trace);
    atomic_fetch_add(&workers_done, 1);
    return NULL;
}

/* A child with three more threads; it leaves after its own calls and at
 * most two more seconds for theirs. */
static int threaded_child(long iters, char *buf, int trace, uint64_t seed)
{
    static struct worker w[3];
    for (int i = 0; i < 3; i++) {
        w[i] = (struct worker){iters, buf, trace, (seed + (uint64_t)i + 1) * 2654435761u + 1};
        pthread_t t;
        if (pthread_create(&t, NULL, worker, &w[i]) == 0)
            pthread_detach(t);
        else
            atomic_fetch_add(&workers_done, 1);
    }
    run(iters, buf, trace);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        sched_yield();
        clock_gettime(CLOCK_MONOTONIC, &t1);
    } while (atomic_load(&workers_done) < 3 && t1.tv_sec - t0.tv_sec < 2);
    return 0;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 10000;
    int children = argc > 3 ? atoi(argv[3]) : 0;
    int threads = argc > 4 && argv[4][0] == 't';
    int trace = getenv("TRACE") != NULL;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
    char *buf;

    if (argc > 2)
        state = seed * 2654435761u + 1;
    buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED)
        return 2;
    if (children <= 0) {
        int r = run(iters, buf, trace);
        if (r)
            return r;
        printf("randsys: %ld calls survived\n", iters);
        return 0;
    }
    int exited = 0, killed = 0;
    for (int c = 0; c < children; c++) {
        pid_t pid = fork();
        if (pid == 0) {
            setpgid(0, 0);
            state = (seed * 1000 + (uint64_t)c) * 2654435761u + 1;
            _exit(threads ? threaded_child(iters, buf, trace, state) : run(iters, buf, trace));
        }
        if (pid < 0)
            return 4;
    }
    for (;;) {
        int st;
        pid_t w = waitpid(-1, &st, WUNTRACED);
        if (w < 0)
            break;
        if (WIFSTOPPED(st)) { /* it stopped itself (SIGTSTP...): end it */
            kill(w, SIGKILL);
            continue;
        }
        if (WIFSIGNALED(st))
            killed++;
        else
            exited++;
    }
    printf("randsys: %d children: %d exited, %d killed by signals\n", children, exited,
           killed);
    return 0;
}
