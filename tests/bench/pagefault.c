/* pagefault: the cost of a first touch of an anonymous page, in ns/page. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
    size_t len = mib << 20, pages = len / 4096;
    volatile char *p =
        mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    long long t0 = now_ns();
    for (size_t i = 0; i < pages; i++)
        p[i * 4096] = 1;
    long long t1 = now_ns();
    printf("%.1f\n", (double)(t1 - t0) / pages);
    return 0;
}
