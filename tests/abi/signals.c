/* signals: rt_sigaction and rt_sigprocmask bookkeeping (no delivery yet). */
#include "abi.h"
#include <signal.h>

static void handler(int sig)
{
    (void)sig;
}

static void show_mask(const char *what)
{
    sigset_t s;
    sigprocmask(SIG_BLOCK, NULL, &s);
    printf("%s: blocked", what);
    for (int i = 1; i < 65; i++)
        if (sigismember(&s, i) == 1)
            printf(" %d", i);
    printf("\n");
}

int main(void)
{
    struct sigaction sa, old;
    sigset_t set;
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* The start state: nothing blocked, everything default. */
    show_mask("at start");
    int nondefault = 0;
    for (int i = 1; i < 32; i++)
        if (i != SIGKILL && i != SIGSTOP && sigaction(i, NULL, &old) == 0 &&
            old.sa_handler != SIG_DFL)
            nondefault++;
    printf("signals with a non-default action at start: %d\n", nondefault);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sa.sa_flags = SA_RESTART;
    SHOW(sigaction(SIGUSR1, &sa, NULL));
    memset(&old, 0, sizeof old);
    SHOW(sigaction(SIGUSR1, NULL, &old));
    YES(old.sa_handler == handler);
    YES(sigismember(&old.sa_mask, SIGUSR2) == 1);
    YES((old.sa_flags & SA_RESTART) != 0);
    sa.sa_handler = SIG_IGN;
    SHOW(sigaction(SIGUSR1, &sa, &old));
    YES(old.sa_handler == handler);
    SHOW(sigaction(SIGUSR1, NULL, &old));
    YES(old.sa_handler == SIG_IGN);

    SHOW(sigaction(SIGKILL, &sa, NULL));
    SHOW(sigaction(SIGSTOP, &sa, NULL));
    SHOW(sigaction(SIGKILL, NULL, &old));
    SHOW(sigaction(0, &sa, NULL));
    SHOW(sigaction(65, &sa, NULL));
    SHOW(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4)); /* bad sigsetsize */

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    SHOW(sigprocmask(SIG_BLOCK, &set, NULL));
    show_mask("after blocking USR1 and TERM");
    sigemptyset(&set);
    sigaddset(&set, SIGKILL);
    sigaddset(&set, SIGSTOP);
    sigaddset(&set, SIGINT);
    SHOW(sigprocmask(SIG_BLOCK, &set, NULL));
    show_mask("KILL and STOP cannot be blocked");
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    SHOW(sigprocmask(SIG_UNBLOCK, &set, NULL));
    show_mask("after unblocking TERM");
    sigaddset(&set, SIGHUP);
    SHOW(sigprocmask(SIG_SETMASK, &set, NULL));
    show_mask("after SETMASK HUP TERM");
    SHOW(syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8));
    SHOW(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
    SHOW(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, NULL, 8));
    sigemptyset(&set);
    SHOW(sigprocmask(SIG_SETMASK, &set, NULL));
    show_mask("after SETMASK empty");
    return 0;
}
