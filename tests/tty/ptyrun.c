/* ptyrun: run a command on a fresh pseudo-terminal and drive it (tests).
 *
 *   ptyrun [OPTIONS] [ACTIONS] -- COMMAND [ARG...]
 *
 * The command runs in a new session with the pty's slave as its
 * controlling terminal and as fds 0, 1 and 2. ptyrun performs the ACTIONS
 * in order while it collects everything the command writes, then writes
 * that output to stdout (or -o FILE), prints "termios restored: yes" (or
 * "no" and what differs) on stderr, and exits with the command's status:
 * its exit code, 128+N if signal N killed it, 124 if the timeout did.
 *
 * The terminal starts as Linux makes a new pty (cooked: ICANON, ECHO,
 * ISIG, ICRNL, OPOST|ONLCR); "restored" compares its settings when the
 * command has ended with those it had before the command started.
 *
 * Options:   -s ROWSxCOLS   window size at the start (default 24x80)
 *            -t SECONDS     time limit for the whole run (default 30)
 *            -o FILE        write the output to FILE
 * Actions:   -x TEXT        type TEXT; escapes \n \r \t \e \\ \xHH
 *            -c X           type control-X (-c C is ^C, 0x03; -c D is ^D)
 *            -d MS          pause MS milliseconds
 *            -w TEXT        wait until the output, after the previous -w
 *                           match, contains TEXT (escapes as -x)
 *            -R             wait until the terminal is in raw mode (ICANON off)
 *            -r ROWSxCOLS   resize the window (the kernel sends SIGWINCH)
 *            -k SIG         send SIG (a number or a name: TERM, INT ...) to
 *                           the command
 * A -w or -R that has not happened by the time limit fails the run (124).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PTYRUN_TICK_MS 20
#define PTYRUN_DRAIN_MS 200

enum act_kind { ACT_TYPE, ACT_PAUSE, ACT_WAIT, ACT_RAW, ACT_RESIZE, ACT_KILL };

struct act {
    enum act_kind kind;
    char *text; /* TYPE, WAIT: decoded bytes */
    size_t len;
    long num;   /* PAUSE: ms; KILL: signal */
    struct winsize ws;
};

struct run {
    struct act *acts;
    size_t nr_acts, next;
    long long act_deadline; /* PAUSE: when it is over */
    int started;            /* the current action has begun */
    char *out;              /* everything read from the master */
    size_t out_len, out_cap, matched;
    int master, slave;
    pid_t pid;
};

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "ptyrun: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(2);
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *decode(const char *s, size_t *len)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    unsigned v;

    if (out == NULL)
        die("%s", "out of memory");
    for (; *s; s++) {
        if (*s != '\\' || s[1] == '\0') {
            *o++ = *s;
            continue;
        }
        switch (*++s) {
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'e': *o++ = 0x1b; break;
        case 'x':
            if (sscanf(s + 1, "%2x", &v) != 1)
                die("bad \\x escape in '%s'", s);
            *o++ = (char)v;
            s += s[2] && strchr("0123456789abcdefABCDEF", s[2]) ? 2 : 1;
            break;
        default: *o++ = *s; break;
        }
    }
    *len = (size_t)(o - out);
    return out;
}

static struct winsize parse_size(const char *s)
{
    struct winsize ws = { 0 };
    unsigned r, c;

    if (sscanf(s, "%ux%u", &r, &c) != 2 || r == 0 || c == 0 || r > 65535 ||
        c > 65535)
        die("expected ROWSxCOLS, not '%s'", s);
    ws.ws_row = (unsigned short)r;
    ws.ws_col = (unsigned short)c;
    return ws;
}

static int parse_signal(const char *s)
{
    static const struct { const char *name; int sig; } names[] = {
        { "TERM", SIGTERM }, { "INT", SIGINT }, { "HUP", SIGHUP },
        { "KILL", SIGKILL }, { "QUIT", SIGQUIT }, { "WINCH", SIGWINCH },
        { "USR1", SIGUSR1 }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
        { "SEGV", SIGSEGV }, { "ABRT", SIGABRT },
    };
    size_t i;

    if (strncmp(s, "SIG", 3) == 0)
        s += 3;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].sig;
    if (atoi(s) > 0)
        return atoi(s);
    die("unknown signal '%s'", s);
    return 0;
}

static struct act *act_add(struct run *r, enum act_kind kind)
{
    struct act *grown = realloc(r->acts, (r->nr_acts + 1) * sizeof(*grown));

    if (grown == NULL)
        die("%s", "out of memory");
    r->acts = grown;
    memset(&grown[r->nr_acts], 0, sizeof(*grown));
    grown[r->nr_acts].kind = kind;
    return &grown[r->nr_acts++];
}

static int open_pty(struct run *r, const struct winsize *ws)
{
    char *name;

    r->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (r->master < 0 || grantpt(r->master) < 0 || unlockpt(r->master) < 0 ||
        (name = ptsname(r->master)) == NULL)
        return -1;
    r->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (r->slave < 0 || ioctl(r->master, TIOCSWINSZ, ws) < 0)
        return -1;
    return 0;
}

static void child(struct run *r, char **argv)
{
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    if (setsid() < 0 || ioctl(r->slave, TIOCSCTTY, 0) < 0 ||
        dup2(r->slave, 0) < 0 || dup2(r->slave, 1) < 0 || dup2(r->slave, 2) < 0)
        _exit(126);
    execvp(argv[0], argv);
    dprintf(2, "ptyrun: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
}

static void out_add(struct run *r, const char *buf, size_t n)
{
    if (r->out_len + n > r->out_cap) {
        r->out_cap = (r->out_len + n) * 2 + 4096;
        r->out = realloc(r->out, r->out_cap);
        if (r->out == NULL)
            die("%s", "out of memory");
    }
    memcpy(r->out + r->out_len, buf, n);
    r->out_len += n;
}

/* Read what is there within ms; 0 if the master has nothing more. */
static int out_read(struct run *r, int ms)
{
    struct pollfd p = { .fd = r->master, .events = POLLIN };
    char buf[4096];
    ssize_t n;

    if (poll(&p, 1, ms) <= 0)
        return 0;
    n = read(r->master, buf, sizeof(buf));
    if (n <= 0)
        return 0;
    out_add(r, buf, (size_t)n);
    return 1;
}

/* Advance the current action; 1 when it is done. */
static int act_step(struct run *r, struct act *a)
{
    struct termios t;
    char *hit;

    switch (a->kind) {
    case ACT_TYPE:
        return write(r->master, a->text, a->len) == (ssize_t)a->len;
    case ACT_PAUSE:
        if (!r->started)
            r->act_deadline = now_ms() + a->num;
        r->started = 1;
        return now_ms() >= r->act_deadline;
    case ACT_WAIT:
        hit = memmem(r->out + r->matched, r->out_len - r->matched, a->text,
                     a->len);
        if (hit)
            r->matched = (size_t)(hit - r->out) + a->len;
        return hit != NULL;
    case ACT_RAW:
        return tcgetattr(r->slave, &t) == 0 && !(t.c_lflag & ICANON);
    case ACT_RESIZE:
        return ioctl(r->master, TIOCSWINSZ, &a->ws) == 0;
    case ACT_KILL:
        return kill(r->pid, (int)a->num) == 0;
    }
    return 1;
}

static void acts_run(struct run *r)
{
    while (r->next < r->nr_acts && act_step(r, &r->acts[r->next])) {
        r->next++;
        r->started = 0;
    }
}

static int status_of(int ws)
{
    return WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
}

/* Run until the command ends (its status) or the time limit (124). */
static int supervise(struct run *r, long long deadline)
{
    int ws;

    for (;;) {
        acts_run(r);
        if (waitpid(r->pid, &ws, WNOHANG) == r->pid)
            break;
        if (now_ms() >= deadline) {
            fprintf(stderr, "ptyrun: time limit reached%s; killing the "
                    "command\n", r->next < r->nr_acts ? " while waiting" : "");
            kill(r->pid, SIGKILL);
            waitpid(r->pid, &ws, 0);
            while (out_read(r, PTYRUN_DRAIN_MS))
                ;
            return 124;
        }
        out_read(r, PTYRUN_TICK_MS);
    }
    while (out_read(r, PTYRUN_DRAIN_MS))
        ;
    acts_run(r); /* a last -w may match the final output */
    if (r->next < r->nr_acts) {
        fprintf(stderr, "ptyrun: the command ended before action %zu\n",
                r->next + 1);
        return 124;
    }
    return status_of(ws);
}

static void termios_report(const struct termios *a, const struct termios *b)
{
    if (memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) == 0 &&
        a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
        a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
        cfgetispeed(a) == cfgetispeed(b) && cfgetospeed(a) == cfgetospeed(b)) {
        fprintf(stderr, "termios restored: yes\n");
        return;
    }
    fprintf(stderr, "termios restored: no (iflag %#x->%#x oflag %#x->%#x "
            "cflag %#x->%#x lflag %#x->%#x)\n", a->c_iflag, b->c_iflag,
            a->c_oflag, b->c_oflag, a->c_cflag, b->c_cflag, a->c_lflag,
            b->c_lflag);
}

static void usage(void)
{
    fprintf(stderr, "usage: ptyrun [-s RxC] [-t SECS] [-o FILE] [-x TEXT] "
            "[-c X] [-d MS] [-w TEXT] [-R] [-r RxC] [-k SIG] -- COMMAND "
            "[ARG...]\n");
    exit(2);
}

static void parse(struct run *r, int argc, char **argv, struct winsize *ws,
                  long *secs, const char **outfile)
{
    struct act *a;
    int c;

    while ((c = getopt(argc, argv, "+s:t:o:x:c:d:w:Rr:k:")) != -1) {
        switch (c) {
        case 's': *ws = parse_size(optarg); break;
        case 't': *secs = atol(optarg); break;
        case 'o': *outfile = optarg; break;
        case 'x': case 'w':
            a = act_add(r, c == 'x' ? ACT_TYPE : ACT_WAIT);
            a->text = decode(optarg, &a->len);
            break;
        case 'c':
            a = act_add(r, ACT_TYPE);
            a->text = malloc(1);
            a->text[0] = (char)(optarg[0] & 0x1f);
            a->len = 1;
            break;
        case 'd': act_add(r, ACT_PAUSE)->num = atol(optarg); break;
        case 'R': act_add(r, ACT_RAW); break;
        case 'r': act_add(r, ACT_RESIZE)->ws = parse_size(optarg); break;
        case 'k': act_add(r, ACT_KILL)->num = parse_signal(optarg); break;
        default: usage();
        }
    }
    if (optind >= argc || *secs <= 0)
        usage();
}

int main(int argc, char **argv)
{
    struct winsize ws = { .ws_row = 24, .ws_col = 80 };
    struct termios before, after;
    const char *outfile = NULL;
    struct run r;
    long secs = 30;
    int status;
    FILE *out = stdout;

    memset(&r, 0, sizeof(r));
    parse(&r, argc, argv, &ws, &secs, &outfile);
    signal(SIGPIPE, SIG_IGN);
    if (open_pty(&r, &ws) < 0 || tcgetattr(r.slave, &before) < 0)
        die("cannot set up a pty: %s", strerror(errno));
    r.pid = fork();
    if (r.pid < 0)
        die("fork: %s", strerror(errno));
    if (r.pid == 0)
        child(&r, argv + optind);
    status = supervise(&r, now_ms() + secs * 1000);
    if (tcgetattr(r.slave, &after) < 0)
        die("tcgetattr after the run: %s", strerror(errno));
    if (outfile && (out = fopen(outfile, "w")) == NULL)
        die("cannot write %s", outfile);
    fwrite(r.out, 1, r.out_len, out);
    fflush(out);
    termios_report(&before, &after);
    return status;
}
