/* sigframe: what a handler sees and what sigreturn restores: siginfo for
 * kill, tgkill and sigqueue; real faults (SIGSEGV MAPERR/ACCERR, SIGFPE,
 * SIGILL, SIGTRAP) with their addresses and ucontext; a handler that moves
 * RIP and sets a register; x87/SSE/AVX state and MXCSR kept across a
 * handler that clobbers them; sigaltstack and SA_ONSTACK (also on stack
 * overflow); SA_RESETHAND, SA_NODEFER, sa_mask, uc_sigmask; the order in
 * which pending signals are delivered.
 */
#include "abi.h"
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>

static sigjmp_buf jb;
static volatile siginfo_t last_si;
static volatile long last_rip, last_trapno, last_err;
static volatile int hits;

static void record(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    ucontext_t *uc = ucv;
    last_si = *si;
    last_rip = uc->uc_mcontext.gregs[REG_RIP];
    last_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    last_err = uc->uc_mcontext.gregs[REG_ERR];
    hits++;
}

static void record_jump(int sig, siginfo_t *si, void *ucv)
{
    record(sig, si, ucv);
    siglongjmp(jb, 1);
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa = {.sa_sigaction = fn, .sa_flags = SA_SIGINFO | flags};
    REQUIRE(sigaction(sig, &sa, NULL) == 0);
}

static int blocked(int sig)
{
    sigset_t s;
    sigprocmask(SIG_BLOCK, NULL, &s);
    return sigismember(&s, sig);
}

static void sender_info(void)
{
    on(SIGUSR1, record, 0);
    hits = 0;
    kill(getpid(), SIGUSR1);
    printf("kill: hits %d signo %d SI_USER %d pid %d uid %d\n", hits, last_si.si_signo,
           last_si.si_code == SI_USER, last_si.si_pid == getpid(), last_si.si_uid == getuid());
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    printf("tgkill: SI_TKILL %d pid %d\n", last_si.si_code == SI_TKILL,
           last_si.si_pid == getpid());
    union sigval v = {.sival_int = 4321};
    sigqueue(getpid(), SIGUSR1, v);
    printf("sigqueue: SI_QUEUE %d value %d pid %d\n", last_si.si_code == SI_QUEUE,
           last_si.si_value.sival_int, last_si.si_pid == getpid());
    /* from a child */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    REQUIRE(pid > 0);
    sigset_t none;
    sigemptyset(&none);
    while (hits < 4)
        sigsuspend(&none);
    waitpid(pid, NULL, 0);
    printf("from child: SI_USER %d pid is the child %d\n", last_si.si_code == SI_USER,
           last_si.si_pid == pid);
    /* rt_sigqueueinfo may not forge SI_USER or kernel codes */
    siginfo_t si = {.si_signo = SIGUSR1, .si_code = SI_USER};
    SHOW(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si));
    si.si_code = SI_KERNEL;
    SHOW(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si));
    signal(SIGUSR1, SIG_DFL);
}

extern char ud2_insn[], int3_insn[], fpe_insn[];

static void skip_ud2(int sig, siginfo_t *si, void *ucv)
{
    record(sig, si, ucv);
    ucontext_t *uc = ucv;
    uc->uc_mcontext.gregs[REG_RIP] += 2;
    uc->uc_mcontext.gregs[REG_RAX] = 0x1234;
}

__attribute__((noinline)) static long run_ud2(void)
{
    long r;
    __asm__ volatile(".globl ud2_insn\nud2_insn: ud2" : "=a"(r) : "a"(0L) : "memory");
    return r;
}

__attribute__((noinline)) static void run_int3(void)
{
    __asm__ volatile(".globl int3_insn\nint3_insn: int3" ::: "memory");
}

__attribute__((noinline)) static int run_div(int a, int b)
{
    int q, r;
    __asm__ volatile(".globl fpe_insn\nfpe_insn: cltd; idivl %3"
                     : "=a"(q), "=d"(r)
                     : "a"(a), "r"(b)
                     : "memory");
    return q + r;
}

static void faults(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 2 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(m != MAP_FAILED);
    munmap(m + page, page);
    on(SIGSEGV, record_jump, 0);

    if (sigsetjmp(jb, 1) == 0)
        *(volatile char *)(m + page + 5) = 1;
    printf("unmapped write: signo %d MAPERR %d addr %d trapno %ld write %d mask restored %d\n",
           last_si.si_signo, last_si.si_code == SEGV_MAPERR, last_si.si_addr == m + page + 5,
           last_trapno, (last_err & 2) != 0, !blocked(SIGSEGV));
    if (sigsetjmp(jb, 1) == 0)
        (void)*(volatile char *)(m + page + 9);
    printf("unmapped read: MAPERR %d addr %d write %d\n", last_si.si_code == SEGV_MAPERR,
           last_si.si_addr == m + page + 9, (last_err & 2) != 0);
    if (sigsetjmp(jb, 1) == 0)
        *(volatile char *)(m + 100) = 1;
    printf("read-only write: ACCERR %d addr %d write %d\n", last_si.si_code == SEGV_ACCERR,
           last_si.si_addr == m + 100, (last_err & 2) != 0);
    mprotect(m, page, PROT_NONE);
    if (sigsetjmp(jb, 1) == 0)
        (void)*(volatile char *)(m + 200);
    printf("PROT_NONE read: ACCERR %d addr %d\n", last_si.si_code == SEGV_ACCERR,
           last_si.si_addr == m + 200);
    char *volatile low = (char *)8;
    if (sigsetjmp(jb, 1) == 0)
        (void)*(volatile char *)low;
    printf("NULL page: MAPERR %d addr 8 %d\n", last_si.si_code == SEGV_MAPERR,
           last_si.si_addr == (void *)8);
    munmap(m, page);

    on(SIGFPE, record_jump, 0);
    if (sigsetjmp(jb, 1) == 0)
        run_div(7, 0);
    printf("divide by zero: signo %d FPE_INTDIV %d addr %d rip %d trapno %ld\n", last_si.si_signo,
           last_si.si_code == FPE_INTDIV, last_si.si_addr == (void *)fpe_insn + 1,
           last_rip == (long)fpe_insn + 1, last_trapno);
    if (sigsetjmp(jb, 1) == 0)
        run_div(-2147483647 - 1, -1);
    printf("INT_MIN / -1: FPE_INTDIV %d\n", last_si.si_code == FPE_INTDIV);

    on(SIGILL, skip_ud2, 0);
    long r = run_ud2();
    printf("ud2: signo %d ILL_ILLOPN %d addr %d rip %d trapno %ld; resumed with rax %#lx\n",
           last_si.si_signo, last_si.si_code == ILL_ILLOPN, last_si.si_addr == (void *)ud2_insn,
           last_rip == (long)ud2_insn, last_trapno, r);

    on(SIGTRAP, record, 0);
    hits = 0;
    run_int3();
    printf("int3: hits %d signo %d SI_KERNEL %d rip after it %d trapno %ld\n", hits,
           last_si.si_signo, last_si.si_code == SI_KERNEL, last_rip == (long)int3_insn + 1,
           last_trapno);
    signal(SIGSEGV, SIG_DFL), signal(SIGFPE, SIG_DFL), signal(SIGILL, SIG_DFL);
    signal(SIGTRAP, SIG_DFL);
}

static void plain_jump(int sig)
{
    (void)sig;
    siglongjmp(jb, 1); /* saved without the mask: SIGSEGV stays blocked */
}

/* A fault while its signal is blocked kills, whatever the handler. */
static void blocked_fault(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGSEGV, plain_jump);
        if (sigsetjmp(jb, 0) == 0)
            *(volatile int *)0 = 1;
        if (!blocked(SIGSEGV))
            _exit(1);
        *(volatile int *)0 = 2;
        _exit(2);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("fault with SIGSEGV blocked: killed %d by %d\n", WIFSIGNALED(st), WTERMSIG(st));
}

/* ---- FPU state ---- */

static int have_avx;

static void clobber_fpu(int sig)
{
    (void)sig;
    static const double junk[4] = {-1.5, 1e300, 3.25, -7.0};
    unsigned mx = 0x7f80; /* all masked, round up, FTZ off */
    unsigned short cw = 0x0c7f;
    __asm__ volatile("ldmxcsr %0" ::"m"(mx));
    __asm__ volatile("fldcw %0" ::"m"(cw));
    for (int i = 0; i < 8; i++)
        __asm__ volatile("fldl %0" ::"m"(junk[i & 3]));
    __asm__ volatile("movupd %0, %%xmm0\n movupd %0, %%xmm1\n movupd %0, %%xmm2\n"
                     "movupd %0, %%xmm3\n movupd %0, %%xmm4\n movupd %0, %%xmm5\n"
                     "movupd %0, %%xmm6\n movupd %0, %%xmm7\n movupd %0, %%xmm8\n"
                     "movupd %0, %%xmm9\n movupd %0, %%xmm10\n movupd %0, %%xmm11\n"
                     "movupd %0, %%xmm12\n movupd %0, %%xmm13\n movupd %0, %%xmm14\n"
                     "movupd %0, %%xmm15\n" ::"m"(junk)
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
                       "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    if (have_avx)
        __asm__ volatile("vbroadcastsd %0, %%ymm0\n vbroadcastsd %0, %%ymm5\n"
                         "vbroadcastsd %0, %%ymm9\n vbroadcastsd %0, %%ymm15\n" ::"m"(junk[1])
                         : "xmm0", "xmm5", "xmm9", "xmm15");
    hits++;
}

/* Load xmm0-15, two x87 registers, MXCSR and the x87 control word; send
 * ourselves SIGUSR2 with a raw syscall; store them all back. */
static void fpu_state(void)
{
    unsigned char in[16][16], out[16][16];
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++)
            in[i][j] = (unsigned char)(i * 16 + j + 1), out[i][j] = 0;
    double x_in[2] = {3.141592653589793, -2.5}, x_out[2] = {0, 0};
    unsigned mx_in = 0x3f80 | 0x6000, mx_out = 0; /* round toward zero */
    unsigned short cw_in = 0x0e7f, cw_out = 0;    /* round down */
    unsigned mx_saved;
    unsigned short cw_saved;
    __asm__ volatile("stmxcsr %0\n fnstcw %1" : "=m"(mx_saved), "=m"(cw_saved));
    signal(SIGUSR2, clobber_fpu);
    hits = 0;
    long pid = getpid();
    __asm__ volatile("ldmxcsr %[mxi]\n fldcw %[cwi]\n"
                     "fldl %[x1]\n fldl %[x0]\n"
                     "movdqu 0(%[in]), %%xmm0\n movdqu 16(%[in]), %%xmm1\n"
                     "movdqu 32(%[in]), %%xmm2\n movdqu 48(%[in]), %%xmm3\n"
                     "movdqu 64(%[in]), %%xmm4\n movdqu 80(%[in]), %%xmm5\n"
                     "movdqu 96(%[in]), %%xmm6\n movdqu 112(%[in]), %%xmm7\n"
                     "movdqu 128(%[in]), %%xmm8\n movdqu 144(%[in]), %%xmm9\n"
                     "movdqu 160(%[in]), %%xmm10\n movdqu 176(%[in]), %%xmm11\n"
                     "movdqu 192(%[in]), %%xmm12\n movdqu 208(%[in]), %%xmm13\n"
                     "movdqu 224(%[in]), %%xmm14\n movdqu 240(%[in]), %%xmm15\n"
                     "mov %[nr], %%eax\n mov %[pid], %%rdi\n mov %[sig], %%esi\n syscall\n"
                     "movdqu %%xmm0, 0(%[out])\n movdqu %%xmm1, 16(%[out])\n"
                     "movdqu %%xmm2, 32(%[out])\n movdqu %%xmm3, 48(%[out])\n"
                     "movdqu %%xmm4, 64(%[out])\n movdqu %%xmm5, 80(%[out])\n"
                     "movdqu %%xmm6, 96(%[out])\n movdqu %%xmm7, 112(%[out])\n"
                     "movdqu %%xmm8, 128(%[out])\n movdqu %%xmm9, 144(%[out])\n"
                     "movdqu %%xmm10, 160(%[out])\n movdqu %%xmm11, 176(%[out])\n"
                     "movdqu %%xmm12, 192(%[out])\n movdqu %%xmm13, 208(%[out])\n"
                     "movdqu %%xmm14, 224(%[out])\n movdqu %%xmm15, 240(%[out])\n"
                     "fstpl %[y0]\n fstpl %[y1]\n stmxcsr %[mxo]\n fnstcw %[cwo]\n"
                     : [y0] "=m"(x_out[0]), [y1] "=m"(x_out[1]), [mxo] "=m"(mx_out),
                       [cwo] "=m"(cw_out)
                     : [in] "r"(in), [out] "r"(out), [x0] "m"(x_in[0]), [x1] "m"(x_in[1]),
                       [mxi] "m"(mx_in), [cwi] "m"(cw_in), [nr] "i"(SYS_kill), [pid] "r"(pid),
                       [sig] "i"(SIGUSR2)
                     : "rax", "rdi", "rsi", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2",
                       "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
                       "xmm12", "xmm13", "xmm14", "xmm15");
    __asm__ volatile("ldmxcsr %0\n fldcw %1" ::"m"(mx_saved), "m"(cw_saved));
    printf("fpu: handler ran %d, xmm0-15 kept %d, x87 stack kept %d, mxcsr kept %d, x87 cw "
           "kept %d\n",
           hits, memcmp(in, out, sizeof in) == 0,
           x_out[0] == x_in[0] && x_out[1] == x_in[1], (mx_out & 0xffc0) == (mx_in & 0xffc0),
           cw_out == cw_in);

    /* the upper halves of ymm registers */
    int ymm_ok = 1;
    if (have_avx) {
        unsigned char yin[32], yout[32];
        for (int j = 0; j < 32; j++)
            yin[j] = (unsigned char)(j * 7 + 3), yout[j] = 0;
        __asm__ volatile("vmovdqu (%[in]), %%ymm9\n"
                         "mov %[nr], %%eax\n mov %[pid], %%rdi\n mov %[sig], %%esi\n syscall\n"
                         "vmovdqu %%ymm9, (%[out])\n vzeroupper\n"
                         :
                         : [in] "r"(yin), [out] "r"(yout), [nr] "i"(SYS_kill), [pid] "r"(pid),
                           [sig] "i"(SIGUSR2)
                         : "rax", "rdi", "rsi", "rcx", "r11", "memory", "xmm9");
        ymm_ok = memcmp(yin, yout, 32) == 0;
    }
    printf("fpu: ymm9 kept (or no AVX) %d\n", ymm_ok);
    /* a handler's own FPU state starts clean: the default MXCSR */
    signal(SIGUSR2, SIG_DFL);
}

static volatile unsigned handler_mxcsr;
static volatile unsigned short handler_cw;

static void read_fpu_env(int sig)
{
    (void)sig;
    unsigned mx;
    unsigned short cw;
    __asm__ volatile("stmxcsr %0\n fnstcw %1" : "=m"(mx), "=m"(cw));
    handler_mxcsr = mx;
    handler_cw = cw;
}

static void fpu_fresh(void)
{
    unsigned mx = 0x3f80 | 0x6000, saved;
    __asm__ volatile("stmxcsr %0" : "=m"(saved));
    __asm__ volatile("ldmxcsr %0" ::"m"(mx));
    signal(SIGUSR2, read_fpu_env);
    kill(getpid(), SIGUSR2);
    __asm__ volatile("ldmxcsr %0" ::"m"(saved));
    printf("handler starts with MXCSR %#x, x87 cw %#x\n", handler_mxcsr & 0xffc0, handler_cw);
    signal(SIGUSR2, SIG_DFL);
}

/* ---- stacks ---- */

static char *alt_base;
static size_t alt_size;
static volatile int on_alt, ss_flags_in, aligned;

static void where_am_i(int sig)
{
    (void)sig;
    char local;
    stack_t cur;
    on_alt = &local >= alt_base && &local < alt_base + alt_size;
    sigaltstack(NULL, &cur);
    ss_flags_in = cur.ss_flags;
    aligned = ((uintptr_t)__builtin_frame_address(0) & 15) == 0;
}

static void overflow_handler(int sig)
{
    char local;
    (void)sig;
    siglongjmp(jb, (&local >= alt_base && &local < alt_base + alt_size) ? 1 : 2);
}

__attribute__((noinline)) static int recurse(volatile char *p, long depth)
{
    volatile char big[4096];
    big[0] = *p;
    if (depth > (1L << 40)) /* never: it faults long before */
        return 0;
    return recurse(big, depth + 1) + big[1];
}

static void altstacks(void)
{
    stack_t ss, old;
    alt_size = 256 * 1024;
    alt_base = malloc(alt_size);
    SHOW(sigaltstack(NULL, &old));
    printf("initially: SS_DISABLE %d\n", (old.ss_flags & SS_DISABLE) != 0);
    ss = (stack_t){.ss_sp = alt_base, .ss_size = 1024, .ss_flags = 0};
    SHOW(sigaltstack(&ss, NULL)); /* too small */
    ss = (stack_t){.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0x1234};
    SHOW(sigaltstack(&ss, NULL)); /* bad flags */
    ss.ss_flags = 0;
    SHOW(sigaltstack(&ss, NULL));
    SHOW(sigaltstack(NULL, &old));
    printf("now: flags %d sp %d size %d\n", old.ss_flags, old.ss_sp == alt_base,
           old.ss_size == alt_size);
    struct sigaction sa = {.sa_handler = where_am_i};
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("without SA_ONSTACK: on alt stack %d, ss_flags %d, frame aligned %d\n", on_alt,
           ss_flags_in, aligned);
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("with SA_ONSTACK: on alt stack %d, SS_ONSTACK %d, frame aligned %d\n", on_alt,
           ss_flags_in == SS_ONSTACK, aligned);
    signal(SIGUSR1, SIG_DFL);

    /* a stack overflow handled on the alternate stack, in a child */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction sv = {.sa_handler = overflow_handler, .sa_flags = SA_ONSTACK};
        sigaction(SIGSEGV, &sv, NULL);
        int r = sigsetjmp(jb, 1);
        if (r == 0) {
            char c = 0;
            recurse(&c, 0);
        }
        _exit(80 + r);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("stack overflow: exit %d (81: caught on the alt stack)\n",
           WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
    ss.ss_flags = SS_DISABLE;
    SHOW(sigaltstack(&ss, NULL));
    SHOW(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE);
}

/* ---- flags and masks ---- */

static volatile int depth, max_depth, count, self_blocked, other_blocked;

static void nest(int sig)
{
    depth++;
    count++;
    if (depth > max_depth)
        max_depth = depth;
    self_blocked = blocked(sig);
    other_blocked = blocked(SIGUSR2);
    if (count == 1)
        raise(sig); /* nested now, or pending until we return */
    depth--;
}

static void flags(void)
{
    struct sigaction sa = {.sa_handler = nest};
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    depth = max_depth = count = 0;
    raise(SIGUSR1);
    printf("default: count %d max depth %d self blocked %d sa_mask blocked %d after: %d %d\n",
           count, max_depth, self_blocked, other_blocked, blocked(SIGUSR1), blocked(SIGUSR2));
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    depth = max_depth = count = 0;
    raise(SIGUSR1);
    printf("SA_NODEFER: count %d max depth %d self blocked %d\n", count, max_depth,
           self_blocked);

    /* SA_RESETHAND: the second one kills */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction r = {.sa_handler = nest, .sa_flags = SA_RESETHAND}, q;
        sigaction(SIGUSR2, &r, NULL);
        count = 1; /* no raise inside */
        raise(SIGUSR2);
        sigaction(SIGUSR2, NULL, &q);
        printf("SA_RESETHAND: ran %d, self blocked inside %d, now SIG_DFL %d, flag cleared %d\n",
               count - 1, self_blocked, q.sa_handler == SIG_DFL,
               (q.sa_flags & SA_RESETHAND) == 0);
        fflush(stdout);
        raise(SIGUSR2);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("second SIGUSR2: killed %d by %d\n", WIFSIGNALED(st), WTERMSIG(st));
}

static void add_sighup(int sig, siginfo_t *si, void *ucv)
{
    (void)sig, (void)si;
    ucontext_t *uc = ucv;
    hits = sigismember(&uc->uc_sigmask, SIGINT); /* the mask we interrupted */
    sigaddset(&uc->uc_sigmask, SIGHUP);
}

static void uc_mask(void)
{
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigprocmask(SIG_BLOCK, &s, &old);
    on(SIGUSR1, add_sighup, 0);
    raise(SIGUSR1);
    printf("uc_sigmask: had SIGINT %d, SIGHUP blocked after return %d\n", hits,
           blocked(SIGHUP));
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR1, SIG_DFL);
}

static char order[16];
static volatile int norder;

static void log_sig(int sig)
{
    order[norder++] = sig == SIGHUP ? 'H' : sig == SIGUSR1 ? '1' : sig == SIGUSR2 ? '2' : 'R';
}

static void delivery_order(void)
{
    sigset_t s, old;
    sigfillset(&s);
    struct sigaction sa = {.sa_handler = log_sig};
    sigfillset(&sa.sa_mask); /* one at a time: lowest number first */
    sigaction(SIGHUP, &sa, NULL), sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL), sigaction(SIGRTMIN + 1, &sa, NULL);
    sigprocmask(SIG_BLOCK, &s, &old);
    raise(SIGRTMIN + 1), raise(SIGUSR2), raise(SIGUSR1), raise(SIGHUP);
    raise(SIGRTMIN + 1), raise(SIGUSR2);
    norder = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    order[norder] = 0;
    printf("order, all masked in handlers: %s\n", order);
    signal(SIGHUP, SIG_DFL), signal(SIGUSR1, SIG_DFL), signal(SIGUSR2, SIG_DFL);
    signal(SIGRTMIN + 1, SIG_DFL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_AVX) && (c & bit_OSXSAVE)) {
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        have_avx = (lo & 6) == 6;
    }
    sender_info();
    faults();
    blocked_fault();
    fpu_state();
    fpu_fresh();
    altstacks();
    flags();
    uc_mask();
    delivery_order();
    return 0;
}
