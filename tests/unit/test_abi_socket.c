/* Unit tests for the Unix sockets (abi/socket*.c), on the host: Linux's
 * truesize charge, hostile message headers, control data and addresses
 * (nothing leaks, nothing crashes), files in flight released when their
 * sockets close, cycles of in-flight sockets collected, and allocation
 * failures at every step of socketpair and sendmsg. */
#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/time_types.h>
#define _LINUX_TIME_H /* the C library's struct timeval and timespec stand */

#include "guest_host.h"
#include "socket_int.h"
#include "sys.h"
#include "core_shim.h"

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#define A64(p) ((uint64_t)(uintptr_t)(p))

static int sv[2];

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
    ck_assert_int_eq(console_open_stdio(), 0);
    ck_assert_int_eq(sys_socketpair(AF_UNIX, SOCK_STREAM, 0, U(sv)), 0);
}

/* A sendmsg header for one buffer and an optional control buffer. */
static struct u_msghdr msg(struct uvec *iov, const void *ctl, size_t ctllen)
{
    struct u_msghdr mh = {.iov = A64(iov), .iovlen = 1};
    mh.control = A64(ctl);
    mh.controllen = ctllen;
    return mh;
}

/* Control data with n descriptors from fds. */
static size_t rights(char *buf, const int *fds, int n)
{
    struct u_cmsghdr h = {.len = CMSG_HDR_LEN + (size_t)n * sizeof(int), .level = SOL_SOCKET,
                          .type = SCM_RIGHTS};
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), fds, (size_t)n * sizeof(int));
    return CMSG_HDR_LEN + CMSG_ALIGN8((size_t)n * sizeof(int));
}

START_TEST(test_truesize)
{
    /* the values Linux 6.x shows in SIOCOUTQ */
    ck_assert_uint_eq(usock_truesize(0, true), 768);
    ck_assert_uint_eq(usock_truesize(5, true), 768);
    ck_assert_uint_eq(usock_truesize(192, true), 768);
    ck_assert_uint_eq(usock_truesize(193, true), 1280);
    ck_assert_uint_eq(usock_truesize(1000, true), 2304);
    ck_assert_uint_eq(usock_truesize(3000, true), 4352);
    ck_assert_uint_eq(usock_truesize(4096, true), 4864);
    ck_assert_uint_eq(usock_truesize(10000, true), 12544);
    ck_assert_uint_eq(usock_truesize(36544, true), 37120);
    ck_assert_uint_eq(usock_truesize(17280, true), 18688);
    ck_assert_uint_eq(usock_truesize(4096, false), 8448);
    ck_assert_uint_eq(usock_truesize(10000, false), 16640);
    ck_assert_int_eq(sys_write(sv[0], U("hello"), 5), 5);
    ck_assert_int_eq(sys_write(sv[0], U(" world"), 6), 6);
    int n = -1;
    ck_assert_int_eq(sys_ioctl(sv[0], 0x5411 /* SIOCOUTQ */, A64(&n)), 0);
    ck_assert_int_eq(n, 1536);
    char buf[16];
    ck_assert_int_eq(sys_read(sv[1], U(buf), sizeof(buf)), 11);
    ck_assert_int_eq(sys_ioctl(sv[0], 0x5411, A64(&n)), 0);
    ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(test_hostile_headers)
{
    long heap = shim_heap_live();
    char data[8] = "abcdefg", ctl[64];
    struct uvec iov = {A64(data), 4};
    struct u_msghdr mh = msg(&iov, NULL, 0);
    ck_assert_int_eq(sys_sendmsg(sv[0], U(NULL), 0), -EFAULT);
    shim_bad_range(&mh, sizeof(mh));
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EFAULT);
    shim_bad_clear();
    mh.iovlen = 1025;
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EMSGSIZE);
    mh.iovlen = 1;
    mh.controllen = 1ull << 40;
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -ENOBUFS);
    mh.namelen = -1;
    mh.controllen = 0;
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EINVAL);
    mh.namelen = 0;
    iov.len = (uint64_t)-5; /* negative as ssize_t */
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EINVAL);
    iov.len = 4;
    shim_bad_range(data, 4);
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EFAULT);
    shim_bad_clear();
    /* control headers: too short, too long, overflowing */
    struct u_cmsghdr h = {.len = 4, .level = SOL_SOCKET, .type = SCM_RIGHTS};
    memcpy(ctl, &h, sizeof(h));
    mh = msg(&iov, ctl, 24);
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EINVAL);
    h.len = 25;
    memcpy(ctl, &h, sizeof(h));
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EINVAL);
    h.len = (uint64_t)-1;
    memcpy(ctl, &h, sizeof(h));
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EINVAL);
    h.len = 20;
    h.type = 77;
    memcpy(ctl, &h, sizeof(h));
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EINVAL);
    h.level = 99; /* other levels are skipped */
    memcpy(ctl, &h, sizeof(h));
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), 4);
    shim_bad_range(ctl, 8);
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EFAULT);
    shim_bad_clear();
    /* a bad descriptor after a good one: the good one is not kept */
    int fds[2] = {sv[1], 99};
    mh = msg(&iov, ctl, rights(ctl, fds, 2));
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EBADF);
    ck_assert_uint_eq(fd_get(sv[1])->refs, 1);
    /* too many descriptors */
    static char bigctl[CMSG_HDR_LEN + 254 * sizeof(int)];
    int many[254];
    for (int i = 0; i < 254; i++)
        many[i] = sv[1];
    mh = msg(&iov, bigctl, rights(bigctl, many, 254));
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), -EINVAL);
    ck_assert_uint_eq(fd_get(sv[1])->refs, 1);
    char buf[16];
    ck_assert_int_eq(sys_read(sv[1], U(buf), sizeof(buf)), 4);
    ck_assert_int_eq(shim_heap_live(), heap);
}
END_TEST

START_TEST(test_hostile_addresses)
{
    char sa[200] = {1, 0, 'x', 0};
    int len = 2;
    int s = (int)sys_socket(AF_UNIX, SOCK_DGRAM, 0);
    ck_assert_int_ge(s, 0);
    ck_assert_int_eq(sys_bind(s, U(sa), 200), -EINVAL);
    ck_assert_int_eq(sys_bind(s, U(sa), -1), -EINVAL);
    ck_assert_int_eq(sys_bind(s, U(NULL), 10), -EFAULT);
    ck_assert_int_eq(sys_connect(s, U(sa), 1), -EINVAL);
    ck_assert_int_eq(sys_sendto(s, U("x"), 1, 0, U(sa), 1000), -EINVAL);
    ck_assert_int_eq(sys_sendto(s, U("x"), 1, 0, U(NULL), 4), 0 - ENOTCONN);
    /* getsockname: negative length, and unwritable pointers */
    len = -1;
    ck_assert_int_eq(sys_getsockname(s, U(sa), U(&len)), -EINVAL);
    ck_assert_int_eq(sys_getsockname(s, U(sa), U(NULL)), -EFAULT);
    len = 100;
    ck_assert_int_eq(sys_getsockname(s, U(NULL), U(&len)), -EFAULT);
    len = 0;
    ck_assert_int_eq(sys_getsockname(s, U(NULL), U(&len)), 0);
    ck_assert_int_eq(len, 2);
    int v = 0;
    ck_assert_int_eq(sys_getsockopt(s, SOL_SOCKET, SO_TYPE, U(&v), U(NULL)), -EFAULT);
    len = 4;
    ck_assert_int_eq(sys_getsockopt(s, SOL_SOCKET, SO_TYPE, U(NULL), U(&len)), -EFAULT);
    ck_assert_int_eq(sys_setsockopt(s, SOL_SOCKET, SO_SNDBUF, U(NULL), 4), -EFAULT);
    ck_assert_int_eq(sys_socketpair(AF_UNIX, SOCK_STREAM, 0, U(NULL)), -EFAULT);
    ck_assert_ptr_null(fd_get(s + 1)); /* nothing left installed */
    ck_assert_int_eq(sys_close(s), 0);
}
END_TEST

/* Files in flight go when the sockets holding them close: a pipe's
 * write end sent and never received no longer keeps its reader waiting. */
START_TEST(test_inflight_released)
{
    int p[2];
    ck_assert_int_eq(sys_pipe2(U(p), 0), 0);
    char ctl[64], data[4] = "abc", buf[4];
    struct uvec iov = {A64(data), 3};
    int fds[1] = {p[1]};
    struct u_msghdr mh = msg(&iov, ctl, rights(ctl, fds, 1));
    ck_assert_int_eq(sys_sendmsg(sv[0], U(&mh), 0), 3);
    ck_assert_int_eq(sys_close(p[1]), 0);
    ck_assert_int_eq(sys_read(p[0], U(buf), 1), -ERESTARTSYS); /* a writer lives */
    ck_assert_int_eq(sys_close(sv[1]), 0);
    ck_assert_int_eq(sys_read(p[0], U(buf), 1), 0); /* EOF: it went with the queue */
    ck_assert_int_eq(sys_close(sv[0]), 0);
    ck_assert_int_eq(sys_close(p[0]), 0);
}
END_TEST

/* Sockets that only hold each other are collected at the next socket. */
START_TEST(test_gc_cycle)
{
    int p[2], d[2];
    ck_assert_int_eq(sys_close(sv[0]), 0);
    ck_assert_int_eq(sys_close(sv[1]), 0);
    long heap = shim_heap_live();
    ck_assert_int_eq(sys_pipe2(U(p), 0), 0);
    ck_assert_int_eq(sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, U(d)), 0);
    char ctl[64], data[4] = "abc", buf[4];
    struct uvec iov = {A64(data), 3};
    int fds[3] = {d[0], d[1], p[1]}; /* both ends into d[1]'s own queue */
    struct u_msghdr mh = msg(&iov, ctl, rights(ctl, fds, 3));
    ck_assert_int_eq(sys_sendmsg(d[0], U(&mh), 0), 3);
    ck_assert_int_eq(sys_close(p[1]), 0);
    ck_assert_int_eq(sys_close(d[0]), 0);
    ck_assert_int_eq(sys_close(d[1]), 0);
    ck_assert_int_eq(sys_read(p[0], U(buf), 1), -ERESTARTSYS); /* still held */
    int e[2];
    ck_assert_int_eq(sys_socketpair(AF_UNIX, SOCK_STREAM, 0, U(e)), 0);
    ck_assert_int_eq(sys_read(p[0], U(buf), 1), 0); /* collected */
    ck_assert_int_eq(sys_close(e[0]), 0);
    ck_assert_int_eq(sys_close(e[1]), 0);
    ck_assert_int_eq(sys_close(p[0]), 0);
    ck_assert_int_eq(shim_heap_live(), heap);
}
END_TEST

/* Allocation failures anywhere in socketpair and sendmsg: -ENOMEM, and
 * nothing leaks or keeps a reference. */
START_TEST(test_alloc_failures)
{
    long heap = shim_heap_live();
    char data[8] = "payload", ctl[64];
    struct uvec iov = {A64(data), 7};
    int fds[1] = {sv[1]};
    for (unsigned long i = 1; i < 40; i++) {
        int t[2] = {-1, -1};
        shim_alloc_fail(i, 0);
        long r = sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, U(t));
        long q = -1;
        if (r == 0) {
            struct u_msghdr mh = msg(&iov, ctl, rights(ctl, fds, 1));
            q = sys_sendmsg(t[0], U(&mh), 0);
            ck_assert(q == 7 || q == -ENOMEM);
        } else {
            ck_assert_int_eq(r, -ENOMEM);
        }
        shim_alloc_fail(0, 0);
        if (r == 0) {
            ck_assert_int_eq(sys_close(t[0]), 0);
            ck_assert_int_eq(sys_close(t[1]), 0);
        }
        ck_assert_uint_eq(fd_get(sv[1])->refs, 1);
        ck_assert_int_eq(shim_heap_live(), heap);
    }
}
END_TEST

static Suite *socket_suite(void)
{
    Suite *s = suite_create("abi_socket");
    TCase *tc = tcase_create("socket");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_truesize);
    tcase_add_test(tc, test_hostile_headers);
    tcase_add_test(tc, test_hostile_addresses);
    tcase_add_test(tc, test_inflight_released);
    tcase_add_test(tc, test_gc_cycle);
    tcase_add_test(tc, test_alloc_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(socket_suite());
}
