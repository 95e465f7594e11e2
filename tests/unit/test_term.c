/* Unit tests for vmm/term.c: the -t check, raw mode on a pty, and the
 * restore on every way out (return, exit(), a crash signal). */
#define _GNU_SOURCE
#include <check.h>
#include "check_run.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"

struct pty {
    int master, slave;
};

static void pty_open(struct pty *p)
{
    struct winsize ws = { .ws_row = 33, .ws_col = 101 };

    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(p->master, 0);
    ck_assert_int_eq(grantpt(p->master), 0);
    ck_assert_int_eq(unlockpt(p->master), 0);
    p->slave = open(ptsname(p->master), O_RDWR | O_NOCTTY);
    ck_assert_int_ge(p->slave, 0);
    ck_assert_int_eq(ioctl(p->master, TIOCSWINSZ, &ws), 0);
}

static int termios_same(const struct termios *a, const struct termios *b)
{
    return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
           a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
           memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) == 0;
}

START_TEST(test_check)
{
    struct mica_error e;
    struct pty p;
    int fds[2];

    pty_open(&p);
    mica_error_init(&e);
    ck_assert_int_eq(term_check(p.slave, &e), 0);
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(term_check(fds[0], &e), -ENOTTY);
    ck_assert_int_eq(e.status, MICA_STATUS_ERROR);
    ck_assert_ptr_nonnull(strstr(e.msg, "the input device is not a TTY "
                                        "(stdin is a pipe)"));
    ck_assert_ptr_nonnull(strstr(e.msg, "drop -t"));
    ck_assert_ptr_null(strchr(e.msg, '\n'));
    close(fds[1]);
    ck_assert_int_eq(term_check(fds[1], &e), -ENOTTY);
    ck_assert_ptr_nonnull(strstr(e.msg, "stdin is closed"));
}
END_TEST

START_TEST(test_make_raw)
{
    struct termios t;
    struct pty p;

    pty_open(&p);
    ck_assert_int_eq(tcgetattr(p.slave, &t), 0);
    ck_assert(t.c_lflag & ICANON); /* a new pty is cooked */
    term_make_raw(&t);
    ck_assert(!(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)));
    ck_assert(!(t.c_iflag & (ICRNL | IXON | ISTRIP | INLCR | IGNCR)));
    ck_assert(!(t.c_oflag & OPOST)); /* the guest does ONLCR */
    ck_assert_int_eq(t.c_cflag & CSIZE, CS8);
    ck_assert_int_eq(t.c_cc[VMIN], 1);
    ck_assert_int_eq(t.c_cc[VTIME], 0);
}
END_TEST

START_TEST(test_raw_and_restore)
{
    struct termios before, during, after;
    struct mica_error e;
    struct pty p;

    pty_open(&p);
    mica_error_init(&e);
    ck_assert_int_eq(tcgetattr(p.slave, &before), 0);
    ck_assert_int_eq(term_raw_fd(), -1);
    ck_assert_int_eq(term_raw_enter(p.slave, &e), 0);
    ck_assert_int_eq(term_raw_fd(), p.slave);
    ck_assert_int_lt(term_raw_enter(p.slave, &e), 0); /* one at a time */
    ck_assert_int_eq(tcgetattr(p.slave, &during), 0);
    ck_assert(!(during.c_lflag & (ICANON | ECHO | ISIG)));
    ck_assert(!(during.c_oflag & OPOST));
    term_restore();
    ck_assert_int_eq(term_raw_fd(), -1);
    ck_assert_int_eq(tcgetattr(p.slave, &after), 0);
    ck_assert(termios_same(&before, &after));
    /* a second restore does nothing, even if the settings changed since */
    ck_assert_int_eq(tcsetattr(p.slave, TCSANOW, &during), 0);
    term_restore();
    ck_assert_int_eq(tcgetattr(p.slave, &after), 0);
    ck_assert(termios_same(&during, &after));
    /* not a terminal */
    ck_assert_int_lt(term_raw_enter(-1, &e), 0);
    ck_assert_int_eq(term_raw_fd(), -1);
}
END_TEST

/* In a child: enter raw mode on the slave, then leave by `how`. */
static int raw_child_exit(struct pty *p, int how)
{
    struct termios before, after;
    struct mica_error e;
    struct rlimit nocore = { 0, 0 };
    int ws;
    pid_t pid;

    ck_assert_int_eq(tcgetattr(p->slave, &before), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setrlimit(RLIMIT_CORE, &nocore);
        mica_error_init(&e);
        if (term_raw_enter(p->slave, &e) < 0)
            _exit(99);
        if (how == 0)
            exit(7); /* atexit */
        if (how == 1)
            kill(getpid(), SIGSEGV);
        if (how == 2)
            abort();
        if (how == 3)
            *(volatile int *)0 = 1; /* a real fault */
        _exit(98);
    }
    ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
    ck_assert_int_eq(tcgetattr(p->slave, &after), 0);
    ck_assert_msg(termios_same(&before, &after), "not restored (how %d)", how);
    return ws;
}

START_TEST(test_restore_on_exit_and_crash)
{
    struct pty p;
    int ws;

    pty_open(&p);
    ws = raw_child_exit(&p, 0);
    ck_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 7);
    ws = raw_child_exit(&p, 1);
    ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGSEGV);
    ws = raw_child_exit(&p, 2);
    ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGABRT);
    ws = raw_child_exit(&p, 3);
    ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGSEGV);
}
END_TEST

START_TEST(test_winsize)
{
    struct winsize zero = { 0 };
    unsigned rows = 0, cols = 0;
    struct pty p;
    int fds[2];

    pty_open(&p);
    ck_assert_int_eq(term_winsize(p.slave, &rows, &cols), 0);
    ck_assert_uint_eq(rows, 33);
    ck_assert_uint_eq(cols, 101);
    ck_assert_int_eq(ioctl(p.master, TIOCSWINSZ, &zero), 0);
    ck_assert_int_eq(term_winsize(p.slave, &rows, &cols), -ENODATA);
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(term_winsize(fds[0], &rows, &cols), -ENOTTY);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("term");
    TCase *tc = tcase_create("term");

    tcase_add_test(tc, test_check);
    tcase_add_test(tc, test_make_raw);
    tcase_add_test(tc, test_raw_and_restore);
    tcase_add_test(tc, test_restore_on_exit_and_crash);
    tcase_add_test(tc, test_winsize);
    suite_add_tcase(s, tc);
    return check_run(s);
}
