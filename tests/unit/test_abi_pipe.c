/* Unit tests for abi/pipe.c, abi/poll.c and fcntl's pipe and flag rules,
 * on the host: EOF and EPIPE (with SIGPIPE posted), PIPE_BUF atomicity and
 * Linux's page-slot capacity, ring wrap-around, end counts through dup,
 * close and fd_table_copy, poll/select readiness in every state, sleeps
 * that a wake-up, a signal or the deadline ends, and hostile pointers. */
#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/time_types.h>
#define _LINUX_TIME_H /* the C library's struct timeval and timespec stand */

#include "guest_host.h"
#include "abi_int.h"
#include "sys.h"
#include "core_shim.h"

#include <asm/ioctls.h>
#include <asm/poll.h>
#include <signal.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#define A64(p) ((uint64_t)(uintptr_t)(p))

static int rd, wr;
static char big[200000];

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
    ck_assert_int_eq(console_open_stdio(), 0);
    int fds[2] = {-1, -1};
    ck_assert_int_eq(sys_pipe2(U(fds), 0), 0);
    rd = fds[0];
    wr = fds[1];
    ck_assert_int_eq(rd, 3);
    ck_assert_int_eq(wr, 4);
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7 + i / 251);
}

static unsigned revents(int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};
    ck_assert_int_ge(sys_poll(U(&p), 1, 0), 0);
    return (unsigned short)p.revents;
}

START_TEST(test_pipe_basic)
{
    char buf[16] = {0};
    struct stat st;
    ck_assert_int_eq(sys_fstat(rd, U(&st)), 0);
    ck_assert_uint_eq(st.st_mode, S_IFIFO | 0600);
    ck_assert_int_eq(st.st_size, 0);
    ck_assert_int_eq(sys_fcntl(rd, F_GETFL, 0), O_RDONLY);
    ck_assert_int_eq(sys_fcntl(wr, F_GETFL, 0), O_WRONLY);
    ck_assert_ptr_eq(fd_get(rd)->inode, fd_get(wr)->inode);
    ck_assert_int_eq(sys_write(wr, U("hello"), 5), 5);
    ck_assert_int_eq(sys_fstat(wr, U(&st)), 0);
    ck_assert_int_eq(st.st_size, 0);
    int n = -1;
    ck_assert_int_eq(sys_ioctl(rd, FIONREAD, A64(&n)), 0);
    ck_assert_int_eq(n, 5);
    ck_assert_int_eq(sys_read(rd, U(buf), 3), 3);
    ck_assert_int_eq(sys_read(rd, U(buf + 3), 10), 2);
    ck_assert_str_eq(buf, "hello");
    ck_assert_int_eq(sys_read(wr, U(buf), 1), -EBADF);
    ck_assert_int_eq(sys_write(rd, U(buf), 1), -EBADF);
    ck_assert_int_eq(sys_lseek(rd, 0, SEEK_SET), -ESPIPE);
    ck_assert_int_eq(sys_pread64(rd, U(buf), 1, 0), -ESPIPE);
    ck_assert_int_eq(sys_ioctl(rd, TCGETS, 0), -ENOTTY);
    /* empty, writer open: a blocking read would sleep; nothing ends it */
    ck_assert_int_eq(sys_read(rd, U(buf), 1), -ERESTARTSYS);
    /* EOF once the last writer is gone */
    ck_assert_int_eq(sys_write(wr, U("xy"), 2), 2);
    ck_assert_int_eq(sys_close(wr), 0);
    ck_assert_int_eq(sys_read(rd, U(buf), 10), 2);
    ck_assert_int_eq(sys_read(rd, U(buf), 10), 0);
    ck_assert_int_eq(sys_close(rd), 0);
}
END_TEST

START_TEST(test_pipe2_flags_and_faults)
{
    int fds[2] = {-1, -1};
    ck_assert_int_eq(sys_pipe2(U(fds), 0x40), -EINVAL);
    ck_assert_int_eq(sys_pipe2(U(fds), O_EXCL), -ENOPKG);
    ck_assert_int_eq(sys_pipe2(U(fds), O_CLOEXEC | O_NONBLOCK | O_DIRECT), 0);
    ck_assert_int_eq(fds[0], 5);
    ck_assert(fd_cloexec(5) && fd_cloexec(6));
    ck_assert_int_eq(sys_fcntl(6, F_GETFL, 0), O_WRONLY | O_NONBLOCK | O_DIRECT);
    /* a bad or half-bad array: EFAULT, and no descriptor is left open */
    long heap = shim_heap_live();
    ck_assert_int_eq(sys_pipe2(uaddr(0x10), 0), -EFAULT);
    ck_assert_int_eq(sys_pipe(uaddr(~0ul - 3)), -EFAULT);
    int *half = malloc(2 * sizeof(int));
    half[0] = half[1] = 77;
    shim_bad_range(&half[1], sizeof(int));
    ck_assert_int_eq(sys_pipe(U(half)), -EFAULT);
    shim_bad_clear();
    ck_assert_ptr_null(fd_get(7));
    ck_assert_ptr_null(fd_get(8));
    ck_assert_int_eq(shim_heap_live(), heap);
    free(half);
    /* out of memory at each step: -ENOMEM, nothing leaked */
    for (unsigned long i = 1; i <= 6; i++) {
        shim_alloc_fail(i, 0);
        long r = sys_pipe(U(fds));
        shim_alloc_fail(0, 0);
        if (r == 0) {
            ck_assert_int_eq(sys_close(fds[0]), 0);
            ck_assert_int_eq(sys_close(fds[1]), 0);
        } else {
            ck_assert_int_eq(r, -ENOMEM);
        }
        ck_assert_int_eq(shim_heap_live(), heap);
    }
    /* out of descriptors: EMFILE, nothing leaked */
    abi_proc->rlim[RLIMIT_NOFILE].rlim_cur = 8;
    ck_assert_int_eq(sys_pipe(U(fds)), -EMFILE); /* 7 free, 8 not */
    ck_assert_ptr_null(fd_get(7));
    ck_assert_int_eq(shim_heap_live(), heap);
}
END_TEST

START_TEST(test_epipe_sigpipe)
{
    char buf[4];
    ck_assert_int_eq(sys_close(rd), 0);
    ck_assert_int_eq(shim_signal_count(), 0);
    ck_assert_int_eq(sys_write(wr, U("x"), 0), 0); /* nothing to write: no signal */
    ck_assert_int_eq(shim_signal_count(), 0);
    ck_assert_int_eq(sys_write(wr, U("x"), 1), -EPIPE);
    ck_assert_int_eq(shim_signal_last(), SIGPIPE);
    ck_assert_int_eq(shim_signal_count(), 1);
    ck_assert_uint_eq(revents(wr, POLLOUT), POLLOUT | POLLERR);
    ck_assert_uint_eq(revents(wr, 0), POLLERR);
    ck_assert_int_eq(sys_read(wr, U(buf), 1), -EBADF);
}
END_TEST

/* Linux's capacity: 16 pages; a write tops up the last page only with its
 * whole sub-page remainder, so 1000-byte writes fit 4 to a page. */
START_TEST(test_capacity_and_atomic)
{
    ck_assert_int_eq(sys_fcntl(wr, F_SETFL, O_NONBLOCK), 0);
    long total = 0, n;
    while ((n = sys_write(wr, U(big), 1000)) > 0)
        total += n;
    ck_assert_int_eq(n, -EAGAIN);
    ck_assert_int_eq(total, 64000);
    ck_assert_uint_eq(revents(wr, POLLOUT), 0);
    char buf[4096];
    ck_assert_int_eq(sys_read(rd, U(buf), 1), 1); /* the page is not free yet */
    ck_assert_int_eq(sys_write(wr, U(big), 97), -EAGAIN); /* 96 bytes room */
    ck_assert_int_eq(sys_write(wr, U(big), 96), 96);
    ck_assert_int_eq(sys_read(rd, U(buf), 3999), 3999); /* frees the first */
    ck_assert_uint_eq(revents(wr, POLLOUT), POLLOUT);
    ck_assert_int_eq(sys_write(wr, U(big), 4096), 4096); /* PIPE_BUF: whole */
    ck_assert_int_eq(sys_write(wr, U(big), 1), -EAGAIN);
    /* more than PIPE_BUF: partial, whole pages */
    int fds[2];
    ck_assert_int_eq(sys_pipe2(U(fds), O_NONBLOCK), 0);
    ck_assert_int_eq(sys_write(fds[1], U(big), 100), 100);
    ck_assert_int_eq(sys_write(fds[1], U(big), 70000), 61808); /* 368 + 15 pages */
    int nr = 0;
    ck_assert_int_eq(sys_ioctl(fds[0], FIONREAD, A64(&nr)), 0);
    ck_assert_int_eq(nr, 61908);
    ck_assert_int_eq(sys_ioctl(fds[0], FIONREAD, 0x10), -EFAULT);
}
END_TEST

/* Odd sizes through a small ring, many times round: bytes in order. */
START_TEST(test_ring_wraparound)
{
    ck_assert_int_eq(sys_fcntl(wr, F_SETPIPE_SZ, 3 * 4096), 4 * 4096);
    ck_assert_int_eq(sys_fcntl(rd, F_GETPIPE_SZ, 0), 4 * 4096);
    ck_assert_int_eq(sys_fcntl(wr, F_SETFL, O_NONBLOCK), 0);
    ck_assert_int_eq(sys_fcntl(rd, F_SETFL, O_NONBLOCK), 0);
    static char out[200000];
    size_t wpos = 0, rpos = 0;
    static const size_t wsz[] = {1, 4095, 4097, 333, 9000, 7, 12288, 65};
    static const size_t rsz[] = {5000, 3, 4096, 777, 1, 10000};
    for (unsigned i = 0; rpos < 150000; i++) {
        size_t want = wsz[i % 8];
        if (wpos + want > sizeof(big))
            want = sizeof(big) - wpos;
        long n = sys_write(wr, U(big + wpos), want);
        ck_assert(n > 0 || n == -EAGAIN);
        if (n > 0)
            wpos += (size_t)n;
        n = sys_read(rd, U(out + rpos), rsz[i % 6]);
        ck_assert(n > 0 || n == -EAGAIN);
        if (n > 0)
            rpos += (size_t)n;
        ck_assert_int_le(wpos - rpos, 4 * 4096);
    }
    ck_assert_int_eq(memcmp(out, big, rpos), 0);
    /* shrinking below what is stored: EBUSY; the size rules */
    while (sys_read(rd, U(out), sizeof(out)) > 0)
        ;
    ck_assert_int_eq(sys_write(wr, U(big), 3 * 4096), 3 * 4096);
    ck_assert_int_eq(sys_fcntl(wr, F_SETPIPE_SZ, 4096), -EBUSY);
    ck_assert_int_eq(sys_fcntl(wr, F_SETPIPE_SZ, 0xffffffffu), -EINVAL);
    ck_assert_int_eq(sys_fcntl(wr, F_SETPIPE_SZ, (1u << 20) + 1), -EPERM);
    ck_assert_int_eq(sys_fcntl(wr, F_SETPIPE_SZ, 70000), 131072);
    ck_assert_int_eq(sys_fcntl(1, F_GETPIPE_SZ, 0), -EBADF);
    long f = sys_openat(AT_FDCWD, U("/tmp/x"), O_CREAT | O_RDWR, 0600);
    ck_assert_int_eq(sys_fcntl((int)f, F_SETPIPE_SZ, 4096), -EBADF);
}
END_TEST

START_TEST(test_packet_mode)
{
    int fds[2];
    char buf[8] = {0};
    ck_assert_int_eq(sys_pipe2(U(fds), O_DIRECT), 0);
    ck_assert_int_eq(sys_write(fds[1], U("abc"), 3), 3);
    ck_assert_int_eq(sys_write(fds[1], U("defgh"), 5), 5);
    ck_assert_int_eq(sys_read(fds[0], U(buf), 8), 3); /* one packet */
    ck_assert_int_eq(sys_read(fds[0], U(buf), 2), 2);  /* the rest dropped */
    ck_assert_int_eq(memcmp(buf, "de", 2), 0);
    int nr = -1;
    ck_assert_int_eq(sys_ioctl(fds[0], FIONREAD, A64(&nr)), 0);
    ck_assert_int_eq(nr, 0);
    /* F_SETFL switches it off for later writes */
    ck_assert_int_eq(sys_fcntl(fds[1], F_SETFL, 0), 0);
    ck_assert_int_eq(sys_write(fds[1], U("12"), 2), 2);
    ck_assert_int_eq(sys_write(fds[1], U("34"), 2), 2);
    ck_assert_int_eq(sys_read(fds[0], U(buf), 8), 4);
}
END_TEST

/* Ends are counted per open file: dups and forked tables share one. */
START_TEST(test_end_counts)
{
    char c;
    int d = (int)sys_dup(wr);
    ck_assert_int_eq(sys_close(wr), 0);
    ck_assert_int_eq(sys_write(d, U("a"), 1), 1);
    ck_assert_uint_eq(revents(rd, POLLIN), POLLIN);
    struct fd_table *mine = abi_proc->fds;
    struct fd_table *child = fd_table_copy(mine);
    ck_assert_ptr_nonnull(child);
    ck_assert_uint_eq(fd_get(d)->refs, 2);
    ck_assert_int_eq(sys_close(d), 0); /* the child still has a writer */
    ck_assert_int_eq(sys_read(rd, U(&c), 1), 1);
    ck_assert_int_eq(sys_read(rd, U(&c), 1), -ERESTARTSYS);
    ck_assert_uint_eq(revents(rd, POLLIN), 0);
    abi_proc->fds = child;
    ck_assert_int_eq(sys_close(rd), 0); /* the parent still has a reader */
    ck_assert_int_eq(sys_write(d, U("b"), 1), 1);
    fd_table_put(child); /* the child exits: the last writer goes */
    abi_proc->fds = mine;
    ck_assert_uint_eq(revents(rd, POLLIN), POLLIN | POLLHUP);
    ck_assert_int_eq(sys_read(rd, U(&c), 1), 1);
    ck_assert_int_eq(c, 'b');
    ck_assert_int_eq(sys_read(rd, U(&c), 1), 0);
    long heap = shim_heap_live(), pages = shim_pages_live();
    ck_assert_int_eq(sys_close(rd), 0); /* pipe, inode and pages freed */
    ck_assert_int_lt(shim_heap_live(), heap);
    ck_assert_int_eq(shim_pages_live(), pages);
    /* data left in a pipe is freed with it */
    int fds[2];
    heap = shim_heap_live();
    ck_assert_int_eq(sys_pipe(U(fds)), 0);
    ck_assert_int_eq(sys_write(fds[1], U(big), 10000), 10000);
    ck_assert_int_eq(sys_close(fds[0]), 0);
    ck_assert_int_eq(sys_close(fds[1]), 0);
    ck_assert_int_eq(shim_heap_live(), heap);
    ck_assert_int_eq(shim_pages_live(), pages);
}
END_TEST

START_TEST(test_poll_states)
{
    /* empty */
    ck_assert_uint_eq(revents(rd, POLLIN | POLLOUT), 0);
    ck_assert_uint_eq(revents(wr, POLLIN | POLLOUT | POLLWRNORM), POLLOUT | POLLWRNORM);
    /* data */
    ck_assert_int_eq(sys_write(wr, U("x"), 1), 1);
    ck_assert_uint_eq(revents(rd, POLLIN | POLLRDNORM), POLLIN | POLLRDNORM);
    /* full */
    ck_assert_int_eq(sys_fcntl(wr, F_SETFL, O_NONBLOCK), 0);
    while (sys_write(wr, U(big), 4096) > 0)
        ;
    ck_assert_uint_eq(revents(wr, POLLOUT), 0);
    /* no writer, data left: POLLIN | POLLHUP; drained: POLLHUP */
    ck_assert_int_eq(sys_close(wr), 0);
    ck_assert_uint_eq(revents(rd, POLLIN), POLLIN | POLLHUP);
    ck_assert_int_eq(sys_fcntl(rd, F_SETFL, O_NONBLOCK), 0);
    while (sys_read(rd, U(big), sizeof(big)) > 0)
        ;
    ck_assert_uint_eq(revents(rd, POLLIN), POLLHUP);
    ck_assert_uint_eq(revents(wr, POLLIN), POLLNVAL);
    /* two bad fds among good ones, and an O_PATH one */
    long p = sys_openat(AT_FDCWD, U("/tmp"), O_PATH, 0);
    struct pollfd pf[4] = {{rd, POLLIN, 0}, {99, POLLIN, 0}, {-5, POLLIN, 0}, {(int)p, POLLIN, 0}};
    pf[2].fd = 1000;
    ck_assert_int_eq(sys_poll(U(pf), 4, 0), 4);
    ck_assert_int_eq(pf[1].revents, POLLNVAL);
    ck_assert_int_eq(pf[2].revents, POLLNVAL);
    ck_assert_int_eq(pf[3].revents, POLLNVAL);
}
END_TEST

/* What another task would do while we sleep. */
static void write_x(void *arg)
{
    ck_assert_int_eq(sys_write(*(int *)arg, U("x"), 1), 1);
}

static void post_signal(void *arg)
{
    shim_signal_set_pending(true);
}

START_TEST(test_poll_sleeps)
{
    struct pollfd p = {.fd = rd, .events = POLLIN};
    /* nothing ready, no timeout: interrupted */
    ck_assert_int_eq(sys_poll(U(&p), 1, -1), -ERESTARTNOHAND);
    ck_assert_int_eq(p.revents, 0);
    ck_assert_uint_eq(shim_waitq_len(&(struct core_waitq){0}), 0);
    /* a timeout: -ETIMEDOUT from the sleep, one last scan, 0 */
    unsigned long s = shim_sleeps();
    ck_assert_int_eq(sys_poll(U(&p), 1, 2), 0);
    ck_assert_uint_eq(shim_sleeps(), s + 1);
    ck_assert_int_eq(sys_poll(U(&p), 1, 0), 0);
    ck_assert_uint_eq(shim_sleeps(), s + 1); /* zero: never sleeps */
    /* a write while we sleep wakes us and the rescan sees it */
    shim_sleep_hook(write_x, &wr);
    ck_assert_int_eq(sys_poll(U(&p), 1, -1), 1);
    ck_assert_int_eq(p.revents, POLLIN);
    shim_sleep_hook(NULL, NULL);
    /* a blocking read woken by a write */
    char buf[4];
    ck_assert_int_eq(sys_read(rd, U(buf), 4), 1);
    shim_sleep_hook(write_x, &wr);
    ck_assert_int_eq(sys_read(rd, U(buf), 4), 1);
    /* a signal while we sleep */
    shim_sleep_hook(post_signal, NULL);
    ck_assert_int_eq(sys_read(rd, U(buf), 4), -ERESTARTSYS);
    ck_assert_int_eq(sys_poll(U(&p), 1, -1), -ERESTARTNOHAND);
    shim_sleep_hook(NULL, NULL);
    /* ppoll: the temporary mask holds only for the call */
    uint64_t mask = 1ull << (SIGUSR1 - 1) | 1ull << (SIGKILL - 1);
    abi_thread->sigmask = 1ull << (SIGUSR2 - 1);
    shim_signal_set_pending(false);
    struct __kernel_timespec ts = {0, 0};
    ck_assert_int_eq(sys_ppoll(U(&p), 1, U(&ts), U(&mask), 8), 0);
    ck_assert_uint_eq(abi_thread->sigmask, 1ull << (SIGUSR2 - 1));
    ck_assert(!abi_thread->restore_sigmask);
    /* interrupted: the temporary mask stays for delivery to restore */
    shim_signal_set_pending(true);
    ck_assert_int_eq(sys_ppoll(U(&p), 1, uaddr(0), U(&mask), 8), -ERESTARTNOHAND);
    ck_assert_uint_eq(abi_thread->sigmask, 1ull << (SIGUSR1 - 1));
    ck_assert(abi_thread->restore_sigmask);
    ck_assert_uint_eq(abi_thread->saved_sigmask, 1ull << (SIGUSR2 - 1));
    shim_signal_set_pending(false);
}
END_TEST

START_TEST(test_ppoll_time_left)
{
    struct pollfd p = {.fd = rd, .events = POLLIN};
    struct __kernel_timespec ts = {0, 3000000};
    ck_assert_int_eq(sys_ppoll(U(&p), 1, U(&ts), uaddr(0), 0), 0);
    ck_assert_int_eq(ts.tv_sec, 0);
    ck_assert_int_eq(ts.tv_nsec, 0); /* timed out: nothing left */
    ck_assert_int_eq(sys_write(wr, U("x"), 1), 1);
    ts.tv_sec = 100;
    ck_assert_int_eq(sys_ppoll(U(&p), 1, U(&ts), uaddr(0), 0), 1);
    ck_assert(ts.tv_sec == 99 || ts.tv_sec == 100); /* ready at once */
    ck_assert_int_lt(ts.tv_nsec, 1000000000);
    /* a write-back that faults is not an error */
    struct __kernel_timespec *tp = malloc(sizeof(*tp));
    tp->tv_sec = 5;
    tp->tv_nsec = 0;
    ck_assert_int_eq(sys_ppoll(U(&p), 1, U(tp), uaddr(0), 0), 1);
    free(tp);
}
END_TEST

struct kfds {
    uint64_t b[16];
};

static bool isset(const struct kfds *s, int fd)
{
    return (s->b[fd / 64] >> (fd % 64)) & 1;
}

static void set(struct kfds *s, int fd)
{
    s->b[fd / 64] |= 1ull << (fd % 64);
}

START_TEST(test_select_pipes)
{
    struct kfds in = {0}, out = {0}, ex = {0};
    struct __kernel_old_timeval tv = {0, 0};
    set(&in, rd);
    set(&out, wr);
    set(&in, wr);
    set(&out, rd);
    set(&ex, rd);
    ck_assert_int_eq(sys_select(wr + 1, U(&in), U(&out), U(&ex), U(&tv)), 1);
    ck_assert(!isset(&in, rd) && !isset(&in, wr) && !isset(&out, rd));
    ck_assert(isset(&out, wr));
    ck_assert(!isset(&ex, rd));
    /* data: readable; no reader: the write end is "writable" (POLLERR) */
    ck_assert_int_eq(sys_write(wr, U("x"), 1), 1);
    memset(&in, 0, sizeof(in));
    set(&in, rd);
    ck_assert_int_eq(sys_select(rd + 1, U(&in), uaddr(0), uaddr(0), U(&tv)), 1);
    ck_assert(isset(&in, rd));
    /* a writer gone is readable (EOF), with no data */
    char c;
    ck_assert_int_eq(sys_read(rd, U(&c), 1), 1);
    ck_assert_int_eq(sys_close(wr), 0);
    ck_assert_int_eq(sys_select(rd + 1, U(&in), uaddr(0), uaddr(0), U(&tv)), 1);
    ck_assert(isset(&in, rd));
    /* a timeout writes back the time left; interrupted: sets untouched */
    int fds[2];
    ck_assert_int_eq(sys_pipe(U(fds)), 0);
    memset(&in, 0, sizeof(in));
    set(&in, fds[0]);
    tv.tv_usec = 2000;
    ck_assert_int_eq(sys_select(fds[0] + 1, U(&in), uaddr(0), uaddr(0), U(&tv)), 0);
    ck_assert(!isset(&in, fds[0]));
    ck_assert_int_eq(tv.tv_sec, 0);
    ck_assert_int_eq(tv.tv_usec, 0);
    set(&in, fds[0]);
    ck_assert_int_eq(sys_select(fds[0] + 1, U(&in), uaddr(0), uaddr(0), uaddr(0)),
                     -ERESTARTNOHAND);
    ck_assert(isset(&in, fds[0]));
    shim_sleep_hook(write_x, &fds[1]);
    ck_assert_int_eq(sys_select(fds[0] + 1, U(&in), uaddr(0), uaddr(0), uaddr(0)), 1);
    shim_sleep_hook(NULL, NULL);
    char c2;
    ck_assert_int_eq(sys_read(fds[0], U(&c2), 1), 1);
    /* pselect6: the argument pack */
    struct __kernel_timespec ts = {0, 0};
    uint64_t pack[2] = {0, 3};
    ck_assert_int_eq(sys_pselect6(0, uaddr(0), uaddr(0), uaddr(0), U(&ts), U(pack)), 0);
    uint64_t mask = 0;
    pack[0] = A64(&mask);
    ck_assert_int_eq(sys_pselect6(0, uaddr(0), uaddr(0), uaddr(0), U(&ts), U(pack)), -EINVAL);
    pack[1] = 8;
    ck_assert_int_eq(sys_pselect6(0, uaddr(0), uaddr(0), uaddr(0), U(&ts), U(pack)), 0);
    pack[0] = 0x10;
    ck_assert_int_eq(sys_pselect6(0, uaddr(0), uaddr(0), uaddr(0), U(&ts), U(pack)), -EFAULT);
    ck_assert_int_eq(sys_pselect6(0, uaddr(0), uaddr(0), uaddr(0), U(&ts), uaddr(8)), -EFAULT);
    /* many files: the poll table grows past its inline entries */
    memset(&in, 0, sizeof(in));
    for (int i = 0; i < 100; i++) {
        long d = sys_dup(fds[0]);
        ck_assert_int_ge(d, 0);
        set(&in, (int)d);
    }
    long heap = shim_heap_live();
    ck_assert_int_eq(sys_select(ABI_NR_OPEN, U(&in), uaddr(0), uaddr(0), uaddr(0)),
                     -ERESTARTNOHAND);
    ck_assert_int_eq(shim_heap_live(), heap);
    ck_assert_uint_eq(fd_get(fds[0])->refs, 101); /* the table's are gone */
}
END_TEST

START_TEST(test_fcntl_rules)
{
    long f = sys_openat(AT_FDCWD, U("/tmp/f"), O_CREAT | O_RDONLY, 0644);
    ck_assert_int_ge(f, 0);
    int fd = (int)f;
    /* access mode and creation flags do not change; the rest do */
    ck_assert_int_eq(sys_fcntl(fd, F_SETFL, O_RDWR | O_TRUNC | O_APPEND | O_NOATIME | FASYNC), 0);
    long fl = sys_fcntl(fd, F_GETFL, 0);
    ck_assert_int_eq(fl & O_ACCMODE, O_RDONLY);
    ck_assert(!(fl & O_TRUNC));
    ck_assert_int_eq(fl & (O_APPEND | O_NOATIME | FASYNC), O_APPEND | O_NOATIME | FASYNC);
    ck_assert_int_eq(sys_fcntl(fd, F_SETFL, O_DIRECT), 0);
    ck_assert_int_eq(sys_fcntl(1, F_SETFL, O_DIRECT), -EINVAL); /* console */
    /* locks: write lock needs a writable file; F_GETLK takes no F_UNLCK */
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    ck_assert_int_eq(sys_fcntl(fd, F_SETLK, A64(&l)), -EBADF);
    ck_assert_int_eq(sys_fcntl(fd, F_GETLK, A64(&l)), 0);
    ck_assert_int_eq(l.l_type, F_UNLCK);
    ck_assert_int_eq(sys_fcntl(fd, F_GETLK, A64(&l)), -EINVAL);
    l.l_type = F_RDLCK;
    ck_assert_int_eq(sys_fcntl(fd, F_SETLKW, A64(&l)), 0);
    l.l_whence = 9;
    ck_assert_int_eq(sys_fcntl(fd, F_SETLK, A64(&l)), -EINVAL);
    l.l_whence = SEEK_SET;
    l.l_start = -1;
    ck_assert_int_eq(sys_fcntl(fd, F_SETLK, A64(&l)), -EINVAL);
    l.l_start = 10;
    l.l_len = -11;
    ck_assert_int_eq(sys_fcntl(fd, F_SETLK, A64(&l)), -EINVAL);
    l.l_len = INT64_MAX;
    ck_assert_int_eq(sys_fcntl(fd, F_SETLK, A64(&l)), -EOVERFLOW);
    l.l_len = 0;
    l.l_pid = 5;
    ck_assert_int_eq(sys_fcntl(fd, F_SETLK, A64(&l)), 0);
    ck_assert_int_eq(sys_fcntl(fd, F_OFD_SETLK, A64(&l)), -EINVAL);
    /* on pipes too */
    l.l_pid = 0;
    ck_assert_int_eq(sys_fcntl(rd, F_SETLK, A64(&l)), 0);
    /* owner, lease, the rest */
    ck_assert_int_eq(sys_fcntl(fd, F_SETOWN, 0), 0);
    ck_assert_int_eq(sys_fcntl(fd, F_SETOWN, 12345), -ESRCH);
    ck_assert_int_eq(sys_fcntl(fd, F_GETOWN, 0), 0);
    ck_assert_int_eq(sys_fcntl(fd, F_GETLEASE, 0), F_UNLCK);
    ck_assert_int_eq(sys_fcntl(fd, F_NOTIFY, 0), -EINVAL);
    ck_assert_int_eq(sys_fcntl(fd, 12345, 0), -EINVAL);
    /* O_PATH: only the descriptor commands */
    long p = sys_openat(AT_FDCWD, U("/tmp/f"), O_PATH, 0);
    ck_assert_int_eq(sys_fcntl((int)p, F_GETFL, 0), O_PATH | O_LARGEFILE);
    ck_assert_int_ge(sys_fcntl((int)p, F_DUPFD, 0), 0);
    ck_assert_int_eq(sys_fcntl((int)p, F_GETLK, A64(&l)), -EBADF);
    ck_assert_int_eq(sys_fcntl((int)p, F_GETOWN, 0), -EBADF);
    ck_assert_int_eq(sys_fcntl((int)p, F_GETPIPE_SZ, 0), -EBADF);
}
END_TEST

/* Hostile buffers: a faulting read leaves the bytes, a faulting write adds
 * none; a half-bad write keeps what was copied before the bad page. */
START_TEST(test_hostile_buffers)
{
    int nr = -1;
    ck_assert_int_eq(sys_write(wr, U("abcdef"), 6), 6);
    ck_assert_int_eq(sys_read(rd, uaddr(0x10), 6), -EFAULT);
    char *b = malloc(8);
    shim_bad_range(b, 8);
    ck_assert_int_eq(sys_read(rd, U(b), 6), -EFAULT);
    ck_assert_int_eq(sys_write(wr, U(b), 6), -EFAULT);
    shim_bad_clear();
    ck_assert_int_eq(sys_ioctl(rd, FIONREAD, A64(&nr)), 0);
    ck_assert_int_eq(nr, 6);
    ck_assert_int_eq(sys_read(rd, U(b), 8), 6);
    ck_assert_int_eq(memcmp(b, "abcdef", 6), 0);
    free(b);
    char *h = malloc(3 * 4096);
    memset(h, 'h', 3 * 4096);
    shim_bad_range(h + 2 * 4096, 4096);
    ck_assert_int_eq(sys_write(wr, U(h), 3 * 4096), 2 * 4096);
    shim_bad_clear();
    ck_assert_int_eq(sys_ioctl(rd, FIONREAD, A64(&nr)), 0);
    ck_assert_int_eq(nr, 2 * 4096);
    free(h);
    /* poll and select with bad arrays change nothing */
    struct pollfd *pf = malloc(2 * sizeof(*pf));
    pf[0] = (struct pollfd){rd, POLLIN, 0};
    pf[1] = (struct pollfd){wr, POLLOUT, 0};
    shim_bad_range(&pf[1], sizeof(*pf));
    ck_assert_int_eq(sys_poll(U(pf), 2, 0), -EFAULT);
    shim_bad_clear();
    ck_assert_int_eq(pf[0].revents, 0);
    free(pf);
}
END_TEST

static Suite *pipe_suite(void)
{
    Suite *s = suite_create("abi_pipe");
    TCase *tc = tcase_create("pipe");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_pipe_basic);
    tcase_add_test(tc, test_pipe2_flags_and_faults);
    tcase_add_test(tc, test_epipe_sigpipe);
    tcase_add_test(tc, test_capacity_and_atomic);
    tcase_add_test(tc, test_ring_wraparound);
    tcase_add_test(tc, test_packet_mode);
    tcase_add_test(tc, test_end_counts);
    tcase_add_test(tc, test_poll_states);
    tcase_add_test(tc, test_poll_sleeps);
    tcase_add_test(tc, test_ppoll_time_left);
    tcase_add_test(tc, test_select_pipes);
    tcase_add_test(tc, test_fcntl_rules);
    tcase_add_test(tc, test_hostile_buffers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(pipe_suite());
}
