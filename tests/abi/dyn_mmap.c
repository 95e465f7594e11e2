/* dyn_mmap: file mappings of a file in /tmp: MAP_PRIVATE copy-on-write,
 * MAP_SHARED writes seen by read(2) and the other way round, offsets,
 * mprotect of a file mapping, msync/madvise/mincore, a fork sharing a
 * MAP_SHARED file mapping, and SIGBUS past the end of the file. */
#include "abi.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PG 4096L

static sigjmp_buf jb;
static volatile int bus_code;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    bus_code = si->si_code;
    siglongjmp(jb, 1);
}

static int make_file(const char *path, long size)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char page[PG];
    for (long off = 0; off < size; off += PG) {
        memset(page, 'a' + (int)(off / PG) % 26, sizeof(page));
        long n = size - off < PG ? size - off : PG;
        if (write(fd, page, n) != n)
            return -1;
    }
    return fd;
}

static void private_cow(int fd)
{
    char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    printf("private map: %s\n", p == MAP_FAILED ? errname(errno) : "ok");
    printf("private reads file: %c %c %c\n", p[0], p[PG], p[2 * PG]);
    /* not yet written: a write to the file shows (as on Linux) */
    abi_show("pwrite page 1", pwrite(fd, "Z", 1, PG));
    printf("private sees unwritten page change: %c\n", p[PG]);
    p[0] = 'X';
    char c;
    abi_show("pread 0", pread(fd, &c, 1, 0));
    printf("file after private write: %c (mapping %c)\n", c, p[0]);
    abi_show("pwrite page 0", pwrite(fd, "Y", 1, 0));
    printf("private keeps its copy: %c\n", p[0]);
    abi_show("pwrite page 1 back", pwrite(fd, "b", 1, PG));
    abi_show("munmap private", munmap(p, 3 * PG));
    abi_show("pwrite page 0 back", pwrite(fd, "a", 1, 0));
}

static void shared_rw(int fd)
{
    char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
    printf("shared map at offset: %s\n", p == MAP_FAILED ? errname(errno) : "ok");
    printf("shared reads offset: %c %c\n", p[0], p[PG]);
    p[10] = 'S';
    char c;
    abi_show("pread after shared write", pread(fd, &c, 1, PG + 10));
    printf("read(2) sees it: %c\n", c);
    abi_show("pwrite through file", pwrite(fd, "W", 1, PG + 11));
    printf("mapping sees pwrite: %c\n", p[11]);
    abi_show("msync", msync(p, 2 * PG, MS_SYNC));
    abi_show("madvise WILLNEED", madvise(p, 2 * PG, MADV_WILLNEED));
    unsigned char vec[2];
    abi_show("mincore", mincore(p, 2 * PG, vec));
    printf("mincore page 0: %d\n", vec[0] & 1);
    pid_t pid = fork();
    if (pid == 0) {
        p[12] = 'C';
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child's shared write seen: %c\n", p[12]);
    abi_show("mprotect read-only", mprotect(p, PG, PROT_READ));
    abi_show("mprotect back", mprotect(p, PG, PROT_READ | PROT_WRITE));
    p[13] = 'M';
    abi_show("pread", pread(fd, &c, 1, PG + 13));
    printf("after mprotect: %c\n", c);
    abi_show("munmap shared", munmap(p, 2 * PG));
    int ro = open("/tmp/dyn_mmap.dat", O_RDONLY);
    p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
    printf("shared writable of O_RDONLY: %s\n", p == MAP_FAILED ? errname(errno) : "mapped");
    p = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
    printf("shared read-only of O_RDONLY: %s\n", p == MAP_FAILED ? errname(errno) : "ok");
    if (p != MAP_FAILED)
        munmap(p, PG);
    close(ro);
}

static void past_eof(int fd)
{
    /* 1.5 pages of file in a 3-page mapping: the tail of page 1 reads as
     * zeros, page 2 is SIGBUS */
    abi_show("ftruncate", ftruncate(fd, PG + PG / 2));
    char *p = mmap(NULL, 3 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("map past EOF: %s\n", p == MAP_FAILED ? errname(errno) : "ok");
    printf("tail of last page: %d\n", p[PG + PG / 2 + 5]);
    struct sigaction sa = {.sa_sigaction = on_bus, .sa_flags = SA_SIGINFO};
    sigaction(SIGBUS, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        volatile char c = p[2 * PG];
        (void)c;
        printf("no SIGBUS\n");
    } else {
        printf("SIGBUS past EOF, si_code BUS_ADRERR: %d\n", bus_code == BUS_ADRERR);
    }
    /* in a child without a handler: killed by SIGBUS */
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGBUS, SIG_DFL);
        volatile char c = p[2 * PG + 1];
        (void)c;
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child killed by SIGBUS: %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
    /* growing the file makes the page readable */
    abi_show("ftruncate grow", ftruncate(fd, 3 * PG));
    printf("page 2 after growth: %d\n", p[2 * PG]);
    munmap(p, 3 * PG);
}

int main(void)
{
    int fd = make_file("/tmp/dyn_mmap.dat", 3 * PG);
    if (fd < 0)
        return 1;
    private_cow(fd);
    shared_rw(fd);
    past_eof(fd);
    char *p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 1);
    printf("unaligned offset: %s\n", p == MAP_FAILED ? errname(errno) : "mapped");
    int pfd = open("/proc/self/maps", O_RDONLY);
    p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, pfd, 0);
    printf("map /proc file: %s\n", p == MAP_FAILED ? errname(errno) : "mapped");
    unlink("/tmp/dyn_mmap.dat");
    return 0;
}
