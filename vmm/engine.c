/* mica VMM: what both engines share: the signals mica forwards, and the
 * terminal's window size under -t. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
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
