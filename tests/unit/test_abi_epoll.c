/* Unit tests for abi/epoll.c, epoll_wait.c, eventfd.c, timerfd.c and
 * signalfd.c on the host: items found through callback waiters (the
 * shim's wake calls them), the ready list's turn-taking, items and hooks
 * freed when files and instances go (leak counts), allocation failures
 * leaving no item behind, hostile pointers, a sleeping epoll_wait woken
 * by another "task", timerfd's catch-up count when its interrupt is late,
 * signalfd's dequeue order, and fds above 1024 once RLIMIT_NOFILE allows. */
#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/time_types.h>
#define _LINUX_TIME_H /* the C library's struct timeval and timespec stand */

#include "guest_host.h"
#include "abi_int.h"
#include "sys.h"
#include "core_shim.h"

#include <core/sched.h>
#include <asm/poll.h>
#include <linux/eventpoll.h>
#include <linux/signalfd.h>
#include <linux/timerfd.h>
#include <signal.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))

static int ep, rd, wr;

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
    ck_assert_int_eq(console_open_stdio(), 0);
    int fds[2] = {-1, -1};
    ck_assert_int_eq(sys_pipe2(U(fds), 0), 0);
    rd = fds[0];
    wr = fds[1];
    ep = (int)sys_epoll_create1(0);
    ck_assert_int_ge(ep, 0);
}

static long add(int epfd, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data = data};
    return sys_epoll_ctl(epfd, EPOLL_CTL_ADD, fd, U(&ev));
}

static long wait0(int epfd, struct epoll_event *out, int max)
{
    return sys_epoll_wait(epfd, U(out), max, 0);
}

START_TEST(test_callback_readiness)
{
    struct epoll_event out[4];
    ck_assert_int_eq(add(ep, rd, EPOLLIN, 7), 0);
    ck_assert_int_eq(add(ep, wr, EPOLLOUT | EPOLLET, 8), 0);
    /* the write end was ready when added: reported once (edge) */
    ck_assert_int_eq(wait0(ep, out, 4), 1);
    ck_assert_uint_eq(out[0].data, 8);
    ck_assert_int_eq(wait0(ep, out, 4), 0);
    /* a write wakes the read queue: the hook queues item 7 */
    ck_assert_int_eq(sys_write(wr, U("ab"), 2), 2);
    ck_assert_int_eq(wait0(ep, out, 4), 1);
    ck_assert_uint_eq(out[0].events, EPOLLIN);
    ck_assert_uint_eq(out[0].data, 7);
    /* the epoll file itself polls readable while an item is */
    struct pollfd p = {.fd = ep, .events = POLLIN};
    ck_assert_int_eq(sys_poll(U(&p), 1, 0), 1);
    char buf[4];
    /* the read wakes the write queue: an edge for the write end */
    ck_assert_int_eq(sys_read(rd, U(buf), 2), 2);
    ck_assert_int_eq(sys_poll(U(&p), 1, 0), 1);
    ck_assert_int_eq(wait0(ep, out, 4), 1);
    ck_assert_uint_eq(out[0].data, 8);
    ck_assert_int_eq(sys_poll(U(&p), 1, 0), 0);
    ck_assert_int_eq(wait0(ep, out, 4), 0);
}
END_TEST

START_TEST(test_leaks_on_close)
{
    long heap0 = shim_heap_live();
    int e2 = (int)sys_epoll_create1(0), efd = (int)sys_eventfd2(1, 0);
    ck_assert_int_ge(e2, 0);
    ck_assert_int_eq(add(e2, rd, EPOLLIN, 1), 0);
    ck_assert_int_eq(add(e2, efd, EPOLLIN, 2), 0);
    ck_assert_int_eq(add(ep, e2, EPOLLIN, 3), 0);
    /* closing the eventfd's only fd ends its file: its item goes */
    ck_assert_int_eq(sys_close(efd), 0);
    struct epoll_event out[4];
    ck_assert_int_eq(wait0(e2, out, 4), 0);
    ck_assert_int_eq(wait0(ep, out, 4), 0);
    ck_assert_int_eq(sys_close(e2), 0); /* the inner epoll, watched by ep */
    ck_assert_int_eq(shim_heap_live(), heap0);
    /* the pipe's queues keep no hook: writing touches nothing freed */
    ck_assert_int_eq(sys_write(wr, U("x"), 1), 1);
    ck_assert_int_eq(wait0(ep, out, 4), 0);
}
END_TEST

START_TEST(test_alloc_failures)
{
    long heap0 = shim_heap_live();
    for (unsigned n = 1; n <= 3; n++) {
        shim_alloc_fail(n, 0);
        long r = add(ep, rd, EPOLLIN, 1);
        shim_alloc_fail(0, 0);
        if (r == 0)
            ck_assert_int_eq(sys_epoll_ctl(ep, EPOLL_CTL_DEL, rd, U(NULL)), 0);
        else
            ck_assert_int_eq(r, -ENOMEM);
        ck_assert_int_eq(shim_heap_live(), heap0);
    }
    /* a failed ADD left nothing behind: it can be added now */
    ck_assert_int_eq(add(ep, rd, EPOLLIN, 1), 0);
    /* each allocation of each kind's creation failing in turn: no leak */
    uint64_t mask = 1u << 9;
    for (int kind = 0; kind < 4; kind++)
        for (unsigned n = 1; n <= 4; n++) {
            long before = shim_heap_live();
            shim_alloc_fail(n, 0);
            long fd = kind == 0   ? sys_epoll_create1(0)
                      : kind == 1 ? sys_eventfd2(0, 0)
                      : kind == 2 ? sys_timerfd_create(CLOCK_MONOTONIC, 0)
                                  : sys_signalfd4(-1, U(&mask), 8, 0);
            shim_alloc_fail(0, 0);
            if (fd >= 0)
                ck_assert_int_eq(sys_close((int)fd), 0);
            else
                ck_assert_int_eq(fd, -ENOMEM);
            ck_assert_int_eq(shim_heap_live(), before);
        }
    shim_alloc_fail(1, 1);
    ck_assert_int_eq(sys_epoll_create1(0), -ENOMEM);
    ck_assert_int_eq(sys_eventfd2(0, 0), -ENOMEM);
    ck_assert_int_eq(sys_timerfd_create(CLOCK_MONOTONIC, 0), -ENOMEM);
    shim_alloc_fail(0, 0);
}
END_TEST

START_TEST(test_hostile_pointers)
{
    struct epoll_event ev = {.events = EPOLLIN};
    ck_assert_int_eq(sys_epoll_ctl(ep, EPOLL_CTL_ADD, rd, uaddr(~0ul)), -EFAULT);
    ck_assert_int_eq(sys_epoll_ctl(ep, EPOLL_CTL_ADD, rd, uaddr(0x10)), -EFAULT);
    ck_assert_int_eq(sys_epoll_ctl(ep, EPOLL_CTL_ADD, rd, U(&ev)), 0);
    ck_assert_int_eq(sys_write(wr, U("x"), 1), 1);
    ck_assert_int_eq(sys_epoll_wait(ep, uaddr(~0ul - 8), 1, 0), -EFAULT);
    ck_assert_int_eq(sys_epoll_wait(ep, U(&ev), 0x7fffffff, 0), -EINVAL);
    ck_assert_int_eq(sys_epoll_wait(ep, uaddr(0x7ffff0000000ull), 0x7fffffff / 12, 0),
                     -EFAULT); /* the whole array must lie in user space */
    struct epoll_event *out = malloc(2 * sizeof(*out));
    shim_bad_range(out, 2 * sizeof(*out));
    ck_assert_int_eq(sys_epoll_wait(ep, U(out), 2, 0), -EFAULT);
    shim_bad_clear();
    /* a level-triggered item is still there after the failed copy */
    ck_assert_int_eq(sys_epoll_wait(ep, U(out), 2, 0), 1);
    /* and a ONESHOT one is not spent by a bad buffer */
    int e1 = (int)sys_eventfd2(1, 0);
    ck_assert_int_eq(add(ep, e1, EPOLLIN | EPOLLONESHOT, 77), 0);
    ck_assert_int_eq(sys_epoll_ctl(ep, EPOLL_CTL_DEL, rd, U(NULL)), 0);
    shim_bad_range(out, 2 * sizeof(*out));
    ck_assert_int_eq(sys_epoll_wait(ep, U(out), 2, 0), -EFAULT);
    shim_bad_clear();
    ck_assert_int_eq(sys_epoll_wait(ep, U(out), 2, 0), 1);
    ck_assert_uint_eq(out[0].data, 77);
    ck_assert_int_eq(sys_epoll_wait(ep, U(out), 2, 0), 0);
    free(out);
    ck_assert_int_eq(sys_epoll_pwait2(ep, U(&ev), 1, uaddr(0x10), uaddr(0), 8), -EFAULT);
    ck_assert_int_eq(sys_epoll_pwait(ep, U(&ev), 1, 0, uaddr(0x10), 8), -EFAULT);
    int efd = (int)sys_eventfd2(0, 0);
    ck_assert_int_eq(sys_write(efd, uaddr(0x10), 8), -EFAULT);
    ck_assert_int_eq(sys_timerfd_settime(efd, 0, uaddr(0x10), uaddr(0)), -EFAULT);
    ck_assert_int_eq(sys_timerfd_gettime(efd, uaddr(0x10)), -EINVAL);
    ck_assert_int_eq(sys_signalfd4(-1, uaddr(0x10), 8, 0), -EFAULT);
    int t = (int)sys_timerfd_create(CLOCK_MONOTONIC, 0);
    ck_assert_int_eq(sys_timerfd_gettime(t, uaddr(~0ul)), -EFAULT);
    struct __kernel_itimerspec its = {{0, 0}, {5, 0}};
    ck_assert_int_eq(sys_timerfd_settime(t, 0, U(&its), uaddr(0x10)), -EFAULT);
    /* the timer was still set: settime changed it before the old value
     * failed to copy, as Linux's does */
    ck_assert_int_eq(sys_timerfd_gettime(t, U(&its)), 0);
    ck_assert_int_gt(its.it_value.tv_sec, 3);
}
END_TEST

static int hook_wr;
static void write_from_other_task(void *arg)
{
    (void)arg;
    if (hook_wr >= 0)
        ck_assert_int_eq(sys_write(hook_wr, U("w"), 1), 1);
    hook_wr = -1;
}

START_TEST(test_sleeping_wait)
{
    struct epoll_event out[2];
    ck_assert_int_eq(add(ep, rd, EPOLLIN, 42), 0);
    hook_wr = wr;
    shim_sleep_hook(write_from_other_task, NULL);
    unsigned long s0 = shim_sleeps();
    ck_assert_int_eq(sys_epoll_wait(ep, U(out), 2, -1), 1);
    ck_assert_uint_eq(out[0].data, 42);
    ck_assert_uint_eq(shim_sleeps() - s0, 1);
    /* a deadline with nothing ready: 0; a signal: EINTR, not a restart */
    char c;
    ck_assert_int_eq(sys_read(rd, U(&c), 1), 1);
    shim_sleep_hook(NULL, NULL);
    ck_assert_int_eq(sys_epoll_wait(ep, U(out), 2, 5), 0);
    shim_signal_set_pending(true);
    ck_assert_int_eq(sys_epoll_wait(ep, U(out), 2, -1), -EINTR);
    shim_signal_set_pending(false);
}
END_TEST

START_TEST(test_many_items_turns)
{
    struct rlimit64 rl = {4096, 4096};
    ck_assert_int_eq(sys_prlimit64(0, RLIMIT_NOFILE, U(&rl), uaddr(0)), 0);
    int efd = (int)sys_eventfd2(1, 0);
    /* 2,000 fds of one file: 2,000 items, each keyed by its own fd */
    for (int i = 0; i < 2000; i++) {
        int fd = (int)sys_dup2(efd, 2000 + i);
        ck_assert_int_eq(fd, 2000 + i);
        ck_assert_int_eq(add(ep, fd, EPOLLIN, (uint64_t)fd), 0);
    }
    static struct epoll_event out[2000];
    ck_assert_int_eq(wait0(ep, out, 2000), 2000);
    /* a small buffer takes turns around all of them */
    uint64_t seen = 0;
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(wait0(ep, out, 20), 20);
        for (int j = 0; j < 20; j++)
            seen += out[j].data;
    }
    ck_assert_uint_eq(seen, 2000ull * 2000 + 1999ull * 2000 / 2);
    /* the file's last close removes all 2,000 at once */
    uint64_t v;
    ck_assert_int_eq(sys_read(efd, U(&v), 8), 8);
    for (int i = 0; i < 2000; i++)
        ck_assert_int_eq(sys_close(2000 + i), 0);
    ck_assert_int_eq(sys_close(efd), 0);
    ck_assert_int_eq(wait0(ep, out, 2000), 0);
}
END_TEST

START_TEST(test_timerfd_catch_up)
{
    int t = (int)sys_timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    ck_assert_int_ge(t, 0);
    ck_assert_int_eq(add(ep, t, EPOLLIN, 9), 0);
    struct __kernel_itimerspec its = {{0, 1000000}, {0, 1000000}}; /* 1 ms */
    ck_assert_int_eq(sys_timerfd_settime(t, 0, U(&its), uaddr(0)), 0);
    struct core_timer *tm = shim_timer_last();
    ck_assert_ptr_nonnull(tm);
    ck_assert(tm->armed);
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
    tm->fn(tm); /* the interrupt came 20 ms late: ~20 expiries */
    ck_assert(tm->armed);
    struct epoll_event out[1];
    ck_assert_int_eq(wait0(ep, out, 1), 1);
    uint64_t n = 0;
    ck_assert_int_eq(sys_read(t, U(&n), 8), 8);
    ck_assert_uint_ge(n, 19);
    ck_assert_uint_le(n, 200);
    ck_assert_int_eq(sys_read(t, U(&n), 8), -EAGAIN);
    /* the next expiry is still in the future */
    ck_assert_int_eq(sys_timerfd_gettime(t, U(&its)), 0);
    ck_assert_int_eq(its.it_value.tv_sec, 0);
    ck_assert_int_gt(its.it_value.tv_nsec, 0);
    ck_assert_int_le(its.it_value.tv_nsec, 1000000);
    ck_assert_int_eq(sys_close(t), 0);
}
END_TEST

START_TEST(test_signalfd_order)
{
    uint64_t mask = (1ull << (SIGUSR1 - 1)) | (1ull << (SIGUSR2 - 1)) |
                    (1ull << (SIGSEGV - 1)) | (1ull << (SIGKILL - 1));
    abi_thread->sigmask = mask & ~(1ull << (SIGKILL - 1));
    int s = (int)sys_signalfd4(-1, U(&mask), 8, SFD_NONBLOCK);
    ck_assert_int_ge(s, 0);
    ck_assert_int_eq(add(ep, s, EPOLLIN, 3), 0);
    struct epoll_event out[1];
    ck_assert_int_eq(wait0(ep, out, 1), 0);
    ck_assert_int_eq(signal_send(abi_proc, SIGUSR2, NULL), 0);
    ck_assert_int_eq(signal_send(abi_proc, SIGUSR1, NULL), 0);
    ck_assert_int_eq(signal_send(abi_proc, SIGSEGV, NULL), 0);
    ck_assert_int_eq(wait0(ep, out, 1), 1);
    struct signalfd_siginfo si[4];
    ck_assert_int_eq(sys_read(s, U(si), sizeof(si)), 3 * sizeof(si[0]));
    /* synchronous signals first, then the lowest number */
    ck_assert_uint_eq(si[0].ssi_signo, SIGSEGV);
    ck_assert_uint_eq(si[1].ssi_signo, SIGUSR1);
    ck_assert_uint_eq(si[2].ssi_signo, SIGUSR2);
    ck_assert_int_eq(signal_pending_set(), 0);
    ck_assert_int_eq(sys_read(s, U(si), sizeof(si)), -EAGAIN);
    ck_assert_int_eq(wait0(ep, out, 1), 0);
    /* the process's exit lets the epoll hooks on its queue go */
    signalfd_proc_exit(abi_proc);
    ck_assert_ptr_null(abi_proc->signalfd_wait.head);
    ck_assert_int_eq(signal_send(abi_proc, SIGUSR1, NULL), 0);
    ck_assert_int_eq(sys_close(s), 0);
}
END_TEST

START_TEST(test_eventfd_rules)
{
    int e = (int)sys_eventfd2(0, O_NONBLOCK);
    ck_assert_int_ge(e, 0);
    uint64_t v = 0xfffffffffffffffeull;
    ck_assert_int_eq(sys_write(e, U(&v), 8), 8);
    v = 1;
    ck_assert_int_eq(sys_write(e, U(&v), 8), -EAGAIN);
    ck_assert_int_eq(sys_read(e, U(&v), 8), 8);
    ck_assert_uint_eq(v, 0xfffffffffffffffeull);
    ck_assert_int_eq(sys_read(e, U(&v), 8), -EAGAIN);
    /* blocking: a signal ends the wait with a restart */
    int b = (int)sys_eventfd2(0, 0);
    shim_signal_set_pending(true);
    ck_assert_int_eq(sys_read(b, U(&v), 8), -ERESTARTSYS);
    shim_signal_set_pending(false);
}
END_TEST

/* Wake-up keys: a write says POLLIN, so an item waiting only for
 * EPOLLOUT is not queued again; a read says POLLOUT. */
START_TEST(test_wake_keys)
{
    int e = (int)sys_eventfd2(0, O_NONBLOCK);
    struct epoll_event out[2];
    ck_assert_int_eq(add(ep, e, EPOLLOUT | EPOLLET, 1), 0);
    ck_assert_int_eq(wait0(ep, out, 2), 1);
    uint64_t v = 1;
    ck_assert_int_eq(sys_write(e, U(&v), 8), 8);
    ck_assert_int_eq(wait0(ep, out, 2), 0);
    ck_assert_int_eq(sys_read(e, U(&v), 8), 8);
    ck_assert_int_eq(wait0(ep, out, 2), 1);
    ck_assert_uint_eq(out[0].events, EPOLLOUT);
    /* an unkeyed wake-up reaches every item */
    ck_assert_int_eq(poll_wake_key(), 0);
}
END_TEST

static Suite *epoll_suite(void)
{
    Suite *s = suite_create("abi_epoll");
    TCase *tc = tcase_create("epoll");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_callback_readiness);
    tcase_add_test(tc, test_leaks_on_close);
    tcase_add_test(tc, test_alloc_failures);
    tcase_add_test(tc, test_hostile_pointers);
    tcase_add_test(tc, test_sleeping_wait);
    tcase_add_test(tc, test_many_items_turns);
    tcase_add_test(tc, test_timerfd_catch_up);
    tcase_add_test(tc, test_signalfd_order);
    tcase_add_test(tc, test_eventfd_rules);
    tcase_add_test(tc, test_wake_keys);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(epoll_suite());
}
