/* mica VMM: what both engines share: the signals mica forwards, the
 * terminal's window size under -t, and the --timeout deadline. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "term.h"

int engine_signals_open(sigset_t *old, int winch, struct mica_error *err)
{
    sigset_t set;
    int fd;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (winch)
        sigaddset(&set, SIGWINCH);
    if (sigprocmask(SIG_BLOCK, &set, old) < 0)
        return mica_error_sys(err, errno, "sigprocmask");
    fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd < 0) {
        int e = errno;

        sigprocmask(SIG_SETMASK, old, NULL);
        return mica_error_sys(err, e, "signalfd");
    }
    return fd;
}

int engine_signal_read(int sigfd)
{
    struct signalfd_siginfo si;
    ssize_t n;

    do
        n = read(sigfd, &si, sizeof(si));
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(si))
        return 0;
    return (int)si.ssi_signo;
}

int engine_signal_read_stop(int sigfd)
{
    int sig;

    while ((sig = engine_signal_read(sigfd)) == SIGWINCH)
        ;
    return sig;
}

void engine_conmux_setup(struct conmux *cm, const struct vm_config *cfg)
{
    cm->host_crlf = cfg->tty_crlf;
}

int engine_winsize_send(struct conmux *cm)
{
    unsigned rows, cols;

    if (term_winsize(cm->in_fd, &rows, &cols) < 0)
        return 0; /* no size to tell */
    return conmux_send_winsize(cm, rows, cols) == -EPROTO ? -EPROTO : 0;
}

int64_t engine_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define ENGINE_POLL_MAX_MS (1 << 30) /* poll takes an int */

int engine_poll_ms(const struct vm_config *cfg, int wait_ms)
{
    int64_t left;

    if (cfg->deadline_ms == 0)
        return wait_ms;
    left = cfg->deadline_ms - engine_now_ms();
    if (left < 0)
        left = 0;
    if (left > ENGINE_POLL_MAX_MS)
        left = ENGINE_POLL_MAX_MS;
    return wait_ms >= 0 && wait_ms < left ? wait_ms : (int)left;
}

int engine_deadline_passed(const struct vm_config *cfg)
{
    return cfg->deadline_ms != 0 && engine_now_ms() >= cfg->deadline_ms;
}
