/* mica VMM: the host terminal of `mica run -t`.
 *
 * With -t the guest kernel runs the terminal: its line discipline echoes,
 * edits lines, turns ^C into SIGINT for its foreground process group and
 * "\n" into "\r\n" on output. So the host terminal must pass every byte
 * through untouched both ways: raw mode, output processing off. The
 * settings the user had are saved once and must come back however mica
 * leaves, or their shell is left unusable:
 *
 *   - a normal end, a mica error, a guest panic, and SIGINT/SIGTERM/SIGHUP
 *     (which the engines take from a signalfd and turn into a normal
 *     return): run_release() calls term_restore();
 *   - exit() from anywhere: an atexit handler;
 *   - a crash of mica itself: a one-shot handler for the fault signals
 *     restores, then re-raises the signal with its default action, so the
 *     core dump and the shell's report are kept.
 *
 * Only SIGKILL and SIGSTOP escape; a job-control shell restores its own
 * settings after those. The state is global because atexit and signal
 * handlers take no argument; restore uses only tcsetattr (one ioctl, which
 * the seccomp sandbox allows on this fd) and is async-signal-safe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "term.h"

static struct termios term_saved;
static volatile sig_atomic_t term_fd = -1; /* >= 0: settings to restore */
static int term_hooks_done;

static const int term_crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
                                          SIGABRT };

static const char *term_fd_kind(int fd)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return "closed";
    if (S_ISFIFO(st.st_mode))
        return "a pipe";
    if (S_ISREG(st.st_mode))
        return "a file";
    if (S_ISSOCK(st.st_mode))
        return "a socket";
    if (S_ISCHR(st.st_mode))
        return "a device that is not a terminal, e.g. /dev/null";
    return "not a terminal";
}

int term_check(int fd, struct mica_error *err)
{
    if (isatty(fd))
        return 0;
    mica_error_set(err, ENOTTY, "the input device is not a TTY (stdin is "
                   "%s): drop -t (stdin still reaches the program), or run "
                   "mica from a terminal", term_fd_kind(fd));
    return mica_error_status(err, MICA_STATUS_ERROR);
}

void term_make_raw(struct termios *t)
{
    cfmakeraw(t); /* clears OPOST too: the guest does ONLCR itself */
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

void term_restore(void)
{
    int fd = term_fd;

    if (fd < 0)
        return;
    term_fd = -1;
    /* TCSANOW, not TCSADRAIN: a reader that stopped reading must not be
     * able to hang mica on its way out. */
    tcsetattr(fd, TCSANOW, &term_saved);
}

int term_raw_fd(void)
{
    return term_fd;
}

/* SA_RESETHAND made the action the default again: re-raise (kill and
 * getpid are allowed in the sandbox; raise's tgkill is not). Should that
 * fail, a real fault repeats on return and abort() raises again. */
static void term_crash_handler(int sig)
{
    int saved = errno;

    term_restore();
    kill(getpid(), sig);
    errno = saved;
}

static int term_hooks_install(struct mica_error *err)
{
    struct sigaction sa;
    size_t i;

    if (term_hooks_done)
        return 0;
    if (atexit(term_restore) != 0)
        return mica_error_set(err, ENOMEM, "atexit failed");
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = term_crash_handler;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof(term_crash_signals) / sizeof(term_crash_signals[0]);
         i++)
        if (sigaction(term_crash_signals[i], &sa, NULL) < 0)
            return mica_error_sys(err, errno, "sigaction");
    term_hooks_done = 1;
    return 0;
}

int term_raw_enter(int fd, struct mica_error *err)
{
    struct termios raw;
    int rc;

    if (term_fd >= 0)
        return mica_error_set(err, EBUSY, "a terminal is already in raw mode");
    if (tcgetattr(fd, &term_saved) < 0)
        return mica_error_sys(err, errno, "cannot read the terminal settings");
    rc = term_hooks_install(err);
    if (rc < 0)
        return rc;
    raw = term_saved;
    term_make_raw(&raw);
    term_fd = fd; /* before the change: a crash in between still restores */
    if (tcsetattr(fd, TCSANOW, &raw) < 0) {
        int e = errno;

        term_restore();
        return mica_error_sys(err, e, "cannot put the terminal in raw mode");
    }
    return 0;
}

int term_winsize(int fd, unsigned *rows, unsigned *cols)
{
    struct winsize ws;

    if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
        return -errno;
    if (ws.ws_row == 0 || ws.ws_col == 0)
        return -ENODATA;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}
