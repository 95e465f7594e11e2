/* Shared helpers for the ABI test programs: deterministic result printing.
 *
 * Every program prints facts that are the same on any correct Linux, never
 * addresses, pids or times.  Errors are printed by errno name, not by
 * strerror(), so the output does not depend on the libc's message table.
 * Raw syscall() is used where a libc wrapper would touch a bad pointer
 * itself (musl copies struct stat in user space, glibc calls the vDSO).
 */
#ifndef MICA_TESTS_ABI_H
#define MICA_TESTS_ABI_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* clang-format off */
#define ABI_E(x) {x, #x}
/* clang-format on */
static const struct {
    int e;
    const char *name;
} abi_errnos[] = {
    ABI_E(EPERM),      ABI_E(ENOENT),    ABI_E(ESRCH),   ABI_E(EINTR),
    ABI_E(EIO),        ABI_E(ENXIO),     ABI_E(E2BIG),   ABI_E(ENOEXEC),
    ABI_E(EBADF),      ABI_E(ECHILD),    ABI_E(EAGAIN),  ABI_E(ENOMEM),
    ABI_E(EACCES),     ABI_E(EFAULT),    ABI_E(EBUSY),   ABI_E(EEXIST),
    ABI_E(EXDEV),      ABI_E(ENODEV),    ABI_E(ENOTDIR), ABI_E(EISDIR),
    ABI_E(EINVAL),     ABI_E(ENFILE),    ABI_E(EMFILE),  ABI_E(ENOTTY),
    ABI_E(EFBIG),      ABI_E(ENOSPC),    ABI_E(ESPIPE),  ABI_E(EROFS),
    ABI_E(EMLINK),     ABI_E(EPIPE),     ABI_E(ERANGE),  ABI_E(ENAMETOOLONG),
    ABI_E(ENOSYS),     ABI_E(ENOTEMPTY), ABI_E(ELOOP),   ABI_E(EOVERFLOW),
    ABI_E(EOPNOTSUPP),
    /* sockets */
    ABI_E(ENOTSOCK),   ABI_E(EISCONN),   ABI_E(ENOTCONN),     ABI_E(EADDRINUSE),
    ABI_E(ECONNREFUSED), ABI_E(EAFNOSUPPORT), ABI_E(EPROTONOSUPPORT),
    ABI_E(EPROTOTYPE), ABI_E(ENOPROTOOPT), ABI_E(EMSGSIZE), ABI_E(ECONNRESET),
    ABI_E(EDESTADDRREQ), ABI_E(ETOOMANYREFS), ABI_E(ESOCKTNOSUPPORT),
    ABI_E(EADDRNOTAVAIL),
};

static inline const char *errname(int e)
{
    if (e == 0)
        return "0";
    for (size_t i = 0; i < sizeof abi_errnos / sizeof abi_errnos[0]; i++)
        if (abi_errnos[i].e == e)
            return abi_errnos[i].name;
    return "E?";
}

/* Print "what = value" or "what = -1 ENAME"; errno is read before printf. */
static inline long abi_show(const char *what, long r)
{
    int e = errno;
    if (r < 0)
        printf("%s = -1 %s\n", what, errname(e));
    else
        printf("%s = %ld\n", what, r);
    errno = e;
    return r;
}
#define SHOW(expr) abi_show(#expr, (long)(expr))

/* Print only whether the call failed, and how: for results that vary. */
static inline long abi_ok(const char *what, long r)
{
    int e = errno;
    if (r < 0)
        printf("%s: -1 %s\n", what, errname(e));
    else
        printf("%s: ok\n", what);
    errno = e;
    return r;
}
#define OK(expr) abi_ok(#expr, (long)(expr))

static inline void abi_yes(const char *what, int cond)
{
    printf("%s: %s\n", what, cond ? "yes" : "no");
}
#define YES(cond) abi_yes(#cond, (cond))

/* Stop at once: a broken precondition makes the rest meaningless. */
#define REQUIRE(cond)                                                                    \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            printf("REQUIRE failed at line %d: %s (errno %s)\n", __LINE__, #cond,        \
                   errname(errno));                                                      \
            exit(99);                                                                    \
        }                                                                                \
    } while (0)

static char abi_dir[64];

static int abi_rm_one(const char *p, const struct stat *st, int type, struct FTW *f)
{
    (void)st, (void)f;
    return type == FTW_DP ? rmdir(p) : unlink(p);
}

static inline void abi_cleanup(void)
{
    if (abi_dir[0]) {
        chdir("/");
        nftw(abi_dir, abi_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    }
}

/* A fresh private directory under /tmp, made the cwd, removed at exit. */
static inline void abi_enter_tmpdir(void)
{
    strcpy(abi_dir, "/tmp/mica-abi-XXXXXX");
    REQUIRE(mkdtemp(abi_dir) != NULL);
    REQUIRE(chdir(abi_dir) == 0);
    atexit(abi_cleanup);
}

/* 32-bit FNV-1a: a checksum that is cheap to write down in a test. */
static inline uint32_t abi_fnv(uint32_t h, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n--)
        h = (h ^ *p++) * 16777619u;
    return h;
}
#define ABI_FNV_INIT 2166136261u

#endif
