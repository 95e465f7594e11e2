/* memory: malloc, brk, mmap/munmap/mprotect/mremap and their errors.
 *
 * "memory" alone runs the checks that must pass; "memory stack" recurses
 * through 6 MiB of stack (it grows on demand, up to RLIMIT_STACK, 8 MiB by
 * default); "memory wfault" and "memory rfault" end in a SIGSEGV on purpose
 * (status 139); "memory bomb" touches memory until it runs out (only for
 * mica with a small --memory: it must end the program, not the kernel).
 */
#include "abi.h"
#include <sys/mman.h>

#define PG 4096UL

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i += 64)
        p[i] = (unsigned char)(seed + i / 64 * 13);
}

static int check(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i += 64)
        if (p[i] != (unsigned char)(seed + i / 64 * 13))
            return 0;
    return 1;
}

static int zeros(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void heap(void)
{
    char *small[100];
    for (int i = 0; i < 100; i++) {
        small[i] = malloc(i * 8 + 1);
        memset(small[i], i, i * 8 + 1);
    }
    int ok = 1;
    for (int i = 0; i < 100; i++) {
        ok &= (unsigned char)small[i][i * 8] == i;
        free(small[i]);
    }
    printf("100 small mallocs hold their data: %s\n", ok ? "yes" : "no");
    size_t n = 32 << 20;
    unsigned char *big = malloc(n);
    REQUIRE(big);
    fill(big, n, 7);
    printf("32 MiB malloc holds its data: %s\n", check(big, n, 7) ? "yes" : "no");
    big = realloc(big, 2 * n);
    printf("realloc to 64 MiB keeps it: %s\n", check(big, n, 7) ? "yes" : "no");
    free(big);
    unsigned char *c = calloc(1 << 20, 4);
    printf("calloc is zeroed: %s\n", c && zeros(c, 4 << 20) ? "yes" : "no");
    free(c);
}

static void brk_tests(void)
{
    unsigned long b0 = syscall(SYS_brk, 0);
    printf("brk(0) nonzero: %s\n", b0 ? "yes" : "no");
    unsigned long b1 = syscall(SYS_brk, b0 + (1 << 20));
    YES(b1 == b0 + (1 << 20));
    unsigned char *p = (unsigned char *)b0;
    memset(p, 0xab, 1 << 20);
    YES(p[(1 << 20) - 1] == 0xab);
    unsigned long b2 = syscall(SYS_brk, b0 + PG);
    YES(b2 == b0 + PG);
    /* Shrinking unmaps; growing again gives zeroed pages. */
    b2 = syscall(SYS_brk, b0 + 2 * PG);
    YES(b2 == b0 + 2 * PG);
    YES(p[0] == 0xab && p[PG + 100] == 0);
    unsigned long b3 = syscall(SYS_brk, 1);
    YES(b3 == b0 + 2 * PG); /* a bad request returns the old break */
    unsigned long b4 = syscall(SYS_brk, b0 + (1UL << 50));
    YES(b4 == b0 + 2 * PG);
    syscall(SYS_brk, b0);
}

static void mmap_basics(void)
{
    size_t n = 16 * PG;
    unsigned char *p =
        mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    YES(((unsigned long)p & (PG - 1)) == 0);
    YES(zeros(p, n));
    fill(p, n, 1);
    YES(check(p, n, 1));

    /* MAP_FIXED over the middle replaces those pages with fresh zeros. */
    void *q = mmap(p + 4 * PG, 2 * PG, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    YES(q == p + 4 * PG);
    YES(zeros(p + 4 * PG, 2 * PG));
    YES(check(p, 4 * PG, 1) && p[6 * PG] == (unsigned char)(1 + 6 * PG / 64 * 13));

    /* A hint is only a hint, but a free page-aligned hint is honoured. */
    SHOW(munmap(p + 8 * PG, PG));
    q = mmap(p + 8 * PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    YES(q == p + 8 * PG);
    SHOW(munmap(p, n));
    SHOW(munmap(p, n)); /* unmapping nothing is fine */

    /* PROT_NONE, then made usable. */
    p = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    SHOW(mprotect(p + PG, 2 * PG, PROT_READ | PROT_WRITE));
    p[PG] = 1;
    p[3 * PG - 1] = 2;
    YES(p[PG] == 1 && p[3 * PG - 1] == 2);
    SHOW(mprotect(p, 4 * PG, PROT_READ));
    YES(p[PG] == 1);
    SHOW(munmap(p + PG, PG)); /* punch a hole */
    SHOW(mprotect(p, 4 * PG, PROT_READ | PROT_WRITE));
    SHOW(mprotect(p + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE));
    YES(p[3 * PG - 1] == 2);
    SHOW(munmap(p, 4 * PG));

    /* Many small mappings, each with its own contents. */
    unsigned char *m[64];
    for (int i = 0; i < 64; i++) {
        m[i] = mmap(NULL, PG * (1 + i % 3), PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        REQUIRE(m[i] != MAP_FAILED);
        fill(m[i], PG * (1 + i % 3), i);
    }
    int ok = 1;
    for (int i = 0; i < 64; i++) {
        ok &= check(m[i], PG * (1 + i % 3), i);
        munmap(m[i], PG * (1 + i % 3));
    }
    printf("64 mappings keep their own data: %s\n", ok ? "yes" : "no");
}

static void mremap_tests(void)
{
    unsigned char *p =
        mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    fill(p, 4 * PG, 3);
    /* Shrink in place. */
    void *q = mremap(p, 4 * PG, 2 * PG, 0);
    YES(q == p);
    YES(check(p, 2 * PG, 3));
    /* Grow in place may fail if blocked; block it and check ENOMEM. */
    void *blk =
        mmap(p + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    REQUIRE(blk == p + 2 * PG);
    q = mremap(p, 2 * PG, 8 * PG, 0);
    printf("mremap grow blocked without MAYMOVE: %s\n",
           q == MAP_FAILED ? errname(errno) : "moved?");
    q = mremap(p, 2 * PG, 64 * PG, MREMAP_MAYMOVE);
    REQUIRE(q != MAP_FAILED);
    YES(q != (void *)p);
    YES(check(q, 2 * PG, 3));
    YES(zeros((unsigned char *)q + 2 * PG, 62 * PG));
    fill(q, 64 * PG, 5);
    YES(check(q, 64 * PG, 5));
    munmap(blk, PG);
    munmap(q, 64 * PG);

    SHOW(mremap((void *)(p + 1), PG, PG, 0) == MAP_FAILED ? -1 : 0);
    SHOW(mremap(p, PG, 0, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
    SHOW(mremap(p, PG, PG, 0x100) == MAP_FAILED ? -1 : 0);
    p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p, PG);
    SHOW(mremap(p, PG, 2 * PG, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
}

static long mm(void *addr, size_t len, int prot, int flags, int fd, long off)
{
    void *p = mmap(addr, len, prot, flags, fd, off);
    if (p == MAP_FAILED)
        return -1;
    munmap(p, len);
    return 0;
}

static void errors(void)
{
    int A = MAP_PRIVATE | MAP_ANONYMOUS;
    SHOW(mm(NULL, 0, PROT_READ, A, -1, 0));
    SHOW(mm(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0));
    SHOW(mm(NULL, PG, PROT_READ, A | MAP_SHARED, -1, 0));
    SHOW(mm(NULL, PG, PROT_READ, A, -1, 123));
    SHOW(mm((void *)0x10001, PG, PROT_READ, A | MAP_FIXED, -1, 0));
    SHOW(mm(NULL, 1UL << 48, PROT_READ, A, -1, 0));
    SHOW(mm(NULL, -PG, PROT_READ, A, -1, 0));
    SHOW(mm(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0));
    SHOW(mm(NULL, PG, PROT_READ, MAP_PRIVATE, 99, 0));
    SHOW(munmap((void *)0x10001, PG));
    SHOW(munmap(NULL, 0));
    SHOW(munmap((void *)(1UL << 47), PG));
    SHOW(syscall(SYS_mprotect, 0x10001, PG, PROT_READ));
    SHOW(mprotect((void *)(1UL << 40), PG, PROT_READ));
    void *p = mmap(NULL, PG, PROT_READ, A, -1, 0);
    SHOW(mprotect(p, PG, 0x1000));
    munmap(p, PG);
    /* The kernel's half is not the program's to map. */
    SHOW(mm((void *)0xffffffff80000000UL, PG, PROT_READ, A | MAP_FIXED, -1, 0));
    SHOW(munmap((void *)0xffffffff80000000UL, PG));
    SHOW(mprotect((void *)0xffffffff80000000UL, PG, PROT_READ));
}

static void fault(int write)
{
    unsigned char *p =
        mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    p[0] = 1;
    if (write) {
        mprotect(p, 2 * PG, PROT_READ);
        printf("writing to a read-only page\n");
        fflush(stdout);
        *(volatile unsigned char *)p = 2;
    } else {
        munmap(p, 2 * PG);
        printf("reading an unmapped page\n");
        fflush(stdout);
        (void)*(volatile unsigned char *)p;
    }
    printf("survived\n");
}

/* Each frame holds 1 KiB that the compiler cannot drop. */
static unsigned long deep(unsigned long n)
{
    volatile unsigned char frame[1024];
    frame[0] = (unsigned char)n;
    frame[1023] = (unsigned char)(n >> 8);
    if (n == 0)
        return frame[0];
    return deep(n - 1) + frame[0] + frame[1023];
}

static void stack(void)
{
    unsigned long n = 6 * 1024; /* about 6.5 MiB with the frames' overhead */
    unsigned long want = 0;
    for (unsigned long i = 1; i <= n; i++)
        want += (unsigned char)i + (unsigned char)(i >> 8);
    printf("recursing through about 6 MiB of stack\n");
    fflush(stdout);
    printf("stack grew and held its data: %s\n", deep(n) == want ? "yes" : "no");
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "bomb") == 0) {
        size_t mib = 0;
        for (;;) {
            char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED || mib >= 65536)
                break;
            memset(p, 1, 1 << 20);
            mib++;
        }
        printf("memory ran out cleanly (mmap failed)\n");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "stack") == 0) {
        stack();
        return 0;
    }
    if (argc > 1) {
        fault(strcmp(argv[1], "wfault") == 0);
        return 1;
    }
    heap();
    brk_tests();
    mmap_basics();
    mremap_tests();
    errors();
    return 0;
}
