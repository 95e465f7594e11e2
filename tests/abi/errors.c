/* errors: bad pointers give EFAULT, bad numbers ENOSYS; nothing crashes.
 *
 * Raw syscall() throughout, so that no libc wrapper touches the pointer
 * first.  Kernel-half addresses are the hostile case for mica's guest.
 */
#include "abi.h"
#include <signal.h>
#include <sys/uio.h>
#include <time.h>

#define KTEXT ((void *)0xffffffff80000000UL)
#define KDIRECT ((void *)0xffff888000000000UL)
#define NONCANON ((void *)0x0000800000000000UL)

static void bad_buffers(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0 && write(fd, "0123456789", 10) == 10);
    SHOW(syscall(SYS_write, 1, (void *)1, 10));
    SHOW(syscall(SYS_write, 1, KTEXT, 10));
    SHOW(syscall(SYS_write, 1, KDIRECT, 10));
    SHOW(syscall(SYS_write, 1, NONCANON, 10));
    SHOW(syscall(SYS_write, 1, (void *)-1, 10));
    SHOW(syscall(SYS_pread64, fd, NULL, 10, 0));
    SHOW(syscall(SYS_pread64, fd, KTEXT, 10, 0));
    SHOW(syscall(SYS_pread64, fd, KDIRECT, 10, 0));
    SHOW(syscall(SYS_pread64, fd, (void *)-4096, 10, 0));
    SHOW(syscall(SYS_pwrite64, fd, KTEXT, 10, 0));
    SHOW(syscall(SYS_lseek, fd, 0, SEEK_SET));
    SHOW(syscall(SYS_read, fd, NULL, 10));
    SHOW(syscall(SYS_lseek, fd, 0, SEEK_CUR)); /* nothing was consumed */

    /* The iovec array and each buffer it names are checked. */
    struct iovec iov[2] = {{"ok", 2}, {KTEXT, 4}};
    SHOW(syscall(SYS_writev, 1, KTEXT, 2));
    SHOW(syscall(SYS_writev, 1, (void *)8, 2));
    SHOW(syscall(SYS_readv, fd, KTEXT, 1));
    iov[0].iov_base = KDIRECT;
    SHOW(syscall(SYS_writev, fd, iov, 1));
    close(fd);
}

static void bad_paths(void)
{
    struct stat st;
    char buf[64];
    SHOW(syscall(SYS_open, (void *)1, O_RDONLY));
    SHOW(syscall(SYS_open, KTEXT, O_RDONLY));
    SHOW(syscall(SYS_openat, AT_FDCWD, KDIRECT, O_RDONLY));
    SHOW(syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY));
    SHOW(syscall(SYS_mkdir, KTEXT, 0755));
    SHOW(syscall(SYS_unlink, KTEXT));
    SHOW(syscall(SYS_rename, "f", KTEXT));
    SHOW(syscall(SYS_rename, KTEXT, "g"));
    SHOW(syscall(SYS_chdir, KTEXT));
    SHOW(syscall(SYS_symlink, KTEXT, "l"));
    SHOW(syscall(SYS_readlink, KTEXT, buf, sizeof buf));
    SHOW(syscall(SYS_newfstatat, AT_FDCWD, KTEXT, &st, 0));
    SHOW(syscall(SYS_newfstatat, AT_FDCWD, "/", (void *)1, 0));
    SHOW(syscall(SYS_newfstatat, AT_FDCWD, "/", KTEXT, 0));
    SHOW(syscall(SYS_fstat, 1, KDIRECT));
    SHOW(syscall(SYS_stat, "/", (void *)1));
    SHOW(syscall(SYS_lstat, "/", KTEXT));

    SHOW(symlink("f", "link"));
    SHOW(syscall(SYS_readlink, "link", KTEXT, 64));
    SHOW(syscall(SYS_readlink, "link", (void *)1, 64));
}

static void bad_structs(void)
{
    SHOW(syscall(SYS_uname, (void *)1));
    SHOW(syscall(SYS_uname, KTEXT));
    SHOW(syscall(SYS_getcwd, KTEXT, 256));
    SHOW(syscall(SYS_getcwd, (void *)1, 256));
    SHOW(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KTEXT));
    SHOW(syscall(SYS_clock_gettime, CLOCK_REALTIME, (void *)1));
    SHOW(syscall(SYS_gettimeofday, KTEXT, NULL));
    SHOW(syscall(SYS_time, KTEXT));
    SHOW(syscall(SYS_nanosleep, KTEXT, NULL));
    SHOW(syscall(SYS_nanosleep, (void *)1, NULL));
    SHOW(syscall(SYS_getrandom, KTEXT, 16, 0));
    SHOW(syscall(SYS_getrandom, (void *)1, 16, 0));
    SHOW(syscall(SYS_sysinfo, KTEXT));
    SHOW(syscall(SYS_prlimit64, 0, 3, NULL, KTEXT));
    SHOW(syscall(SYS_prlimit64, 0, 3, KTEXT, NULL));
    SHOW(syscall(SYS_rt_sigaction, 10, KTEXT, NULL, 8));
    SHOW(syscall(SYS_rt_sigprocmask, SIG_BLOCK, KTEXT, NULL, 8));
    SHOW(syscall(SYS_arch_prctl, 0x1003, KTEXT));
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    SHOW(syscall(SYS_getdents64, fd, KTEXT, 4096));
    SHOW(syscall(SYS_getdents64, fd, (void *)1, 4096));
    close(fd);
    SHOW(syscall(SYS_ioctl, 1, 0x5401 /* TCGETS */, KTEXT));
    SHOW(syscall(SYS_statx, AT_FDCWD, "/", 0, 0x7ff, KTEXT));
}

static void bad_numbers(void)
{
    SHOW(syscall(1000));
    SHOW(syscall(100000));
    SHOW(syscall(-1L));
    SHOW(syscall(SYS_close, 1L << 32 | 100));
    SHOW(syscall(SYS_read, -1, NULL, 0));
    SHOW(syscall(SYS_lseek, 0x7fffffff, 0, 0));
}

/* "errors nosys": a syscall mica will never have, called twice; only for
 * mica (on a host, root gets EINVAL from kexec_load), whose -v log must
 * name it once. */
static int nosys(void)
{
    long r1 = syscall(SYS_kexec_load, 0, 0, 0, 0);
    int e1 = errno;
    long r2 = syscall(SYS_kexec_load, 0, 0, 0, 0);
    printf("kexec_load: %ld %s, %ld %s\n", r1, errname(e1), r2, errname(errno));
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "nosys") == 0)
        return nosys();
    abi_enter_tmpdir();
    bad_buffers();
    bad_paths();
    bad_structs();
    bad_numbers();
    printf("still alive\n");
    return 0;
}
