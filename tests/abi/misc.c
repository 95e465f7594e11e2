/* misc: uname, ids, umask, getrandom, rlimits, sysinfo, arch_prctl & co. */
#include "abi.h"
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#if __has_include(<asm/prctl.h>)
#include <asm/prctl.h>
#else /* musl-gcc has no kernel headers; these are the x86-64 ABI values */
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#endif

static void ids(void)
{
    printf("getpid() > 0: %s\n", getpid() > 0 ? "yes" : "no");
    YES(getpid() == getpid());
    YES(getuid() == geteuid());
    YES(getgid() == getegid());
    YES(syscall(SYS_getuid) == getuid());
}

static void names(void)
{
    struct utsname u;
    SHOW(uname(&u));
    printf("sysname = %s\nmachine = %s\n", u.sysname, u.machine);
    YES(u.release[0] != 0 && strlen(u.nodename) < sizeof u.nodename);
}

static void masks(void)
{
    printf("initial umask = %04o\n", umask(077));
    printf("umask(077) returned, now = %04o\n", umask(0777 | 01000));
    printf("umask(01777) stored = %04o\n", umask(022));
    printf("umask now = %04o\n", umask(022));
}

static void randomness(void)
{
    unsigned char a[64] = {0}, b[64] = {0};
    SHOW(getrandom(a, sizeof a, 0));
    SHOW(getrandom(b, sizeof b, GRND_NONBLOCK));
    int nz = 0;
    for (size_t i = 0; i < sizeof a; i++)
        nz += a[i] != 0;
    printf("getrandom filled (>32 of 64 bytes nonzero): %s\n", nz > 32 ? "yes" : "no");
    YES(memcmp(a, b, sizeof a) != 0);
    SHOW(getrandom(a, 0, 0));
    SHOW(syscall(SYS_getrandom, a, sizeof a, 0x1000));
    static unsigned char big[1 << 20];
    long got = 0, r;
    while (got < (long)sizeof big && (r = getrandom(big + got, sizeof big - got, 0)) > 0)
        got += r;
    printf("getrandom 1 MiB in a loop: %ld bytes\n", got);
}

static void limits(void)
{
    struct rlimit rl, rl2;
    SHOW(getrlimit(RLIMIT_STACK, &rl));
    YES(rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 1 << 20);
    YES(rl.rlim_cur <= rl.rlim_max);
    SHOW(prlimit(0, RLIMIT_NOFILE, NULL, &rl));
    YES(rl.rlim_cur >= 64 && rl.rlim_cur <= rl.rlim_max);
    rl2 = rl;
    rl2.rlim_cur = 100;
    SHOW(setrlimit(RLIMIT_NOFILE, &rl2));
    SHOW(getrlimit(RLIMIT_NOFILE, &rl2));
    printf("RLIMIT_NOFILE cur now %lu\n", (unsigned long)rl2.rlim_cur);
    rl2.rlim_cur = rl2.rlim_max + 1;
    if (rl2.rlim_max != RLIM_INFINITY)
        SHOW(setrlimit(RLIMIT_NOFILE, &rl2));
    else
        printf("setrlimit(RLIMIT_NOFILE, &rl2) = -1 EINVAL\n");
    SHOW(setrlimit(RLIMIT_NOFILE, &rl));
    SHOW(syscall(SYS_prlimit64, 0, 999, NULL, &rl));
    SHOW(syscall(SYS_prlimit64, 0x7fffffff, RLIMIT_NOFILE, NULL, &rl));
}

static void sys(void)
{
    struct sysinfo si;
    SHOW(sysinfo(&si));
    YES(si.totalram > 0 && si.mem_unit > 0);
    YES(si.freeram <= si.totalram);
    YES(si.procs >= 1);
}

/* arch_prctl: the TLS base the libc set up is readable and ours. */
static __thread int tls_var = 42;
static void arch(void)
{
    unsigned long fs = 0, gs = 1;
    SHOW(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
    YES(fs != 0 && *(unsigned long *)fs == fs); /* x86-64 TCB self-pointer */
    YES(tls_var == 42);
    SHOW(syscall(SYS_arch_prctl, 0x9999, &fs));
    SHOW(syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
    printf("gs base = %lu\n", gs);
    int tid_word = 0;
    long tid = syscall(SYS_set_tid_address, &tid_word);
    YES(tid == getpid());
    SHOW(syscall(SYS_set_robust_list, NULL, 0));
    SHOW(syscall(SYS_set_robust_list, NULL, 1));
    SHOW(syscall(SYS_set_robust_list, NULL, 24));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    ids();
    names();
    masks();
    randomness();
    limits();
    sys();
    arch();
    return 0;
}
