/* mica: run a static Linux x86-64 program in a fresh microVM.
 * Command dispatch; the only place that prints errors and exits. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "options.h"
#include "run.h"

static const char main_usage[] =
    "Usage: mica COMMAND [ARG...]\n"
    "Run Linux x86-64 programs in a fresh microVM with mica's own kernel.\n"
    "\n"
    "Commands:\n"
    "  run [OPTIONS] PROGRAM [ARG...]  run PROGRAM in a new VM\n"
    "  help [COMMAND]                  show help\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help\n"
    "      --version  show the version\n"
    "\n"
    "See 'mica run --help' and mica(1).\n";

static int main_fail(const struct mica_error *err)
{
    fprintf(stderr, "mica: %s\n", err->msg);
    return err->status;
}

static int main_run(int argc, char **argv)
{
    struct mica_options opts;
    struct mica_error err;
    struct run r;
    int rc, status = MICA_STATUS_ERROR;

    mica_error_init(&err);
    if (options_parse(&opts, argc, argv, &err) < 0) {
        fprintf(stderr, "mica: %s (see 'mica run --help')\n", err.msg);
        return MICA_STATUS_ERROR;
    }
    if (opts.help) {
        fputs(options_run_usage, stdout);
        options_free(&opts);
        return 0;
    }
    if (opts.seccomp_off)
        fprintf(stderr, "mica: WARNING: --seccomp=off: mica runs WITHOUT its "
                "seccomp sandbox; a guest that breaks into mica meets no "
                "second wall (for debugging only)\n");
    rc = run_prepare(&r, &opts, &err);
    if (rc == 0 && r.notice[0])
        fprintf(stderr, "mica: %s\n", r.notice);
    if (rc == 0 && r.root.notice[0])
        fprintf(stderr, "mica: %s\n", r.root.notice);
    if (rc == 0)
        rc = run_execute(&r, &status, &err);
    run_release(&r);
    if (rc == 0 && r.timed_out && opts.verbose) /* timeout(1) says nothing */
        fprintf(stderr, "mica: --timeout: the VM ran out of time and was "
                "stopped\n");
    options_free(&opts);
    return rc < 0 ? main_fail(&err) : status;
}

static int main_help(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "run") == 0) {
        fputs(options_run_usage, stdout);
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "mica: no help for '%s' (see 'mica --help')\n", argv[1]);
        return MICA_STATUS_ERROR;
    }
    fputs(main_usage, stdout);
    return 0;
}

/* A closed 0, 1 or 2 would be reused by the next open(): give each one
 * /dev/null, so a closed stdin reads as end of file. */
static void main_stdio_fill(void)
{
    int fd;

    for (fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
            exit(MICA_STATUS_ERROR);
}

int main(int argc, char **argv)
{
    main_stdio_fill();
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is an EPIPE, not a death */
    if (argc < 2) {
        fputs(main_usage, stderr);
        return MICA_STATUS_ERROR;
    }
    if (strcmp(argv[1], "run") == 0)
        return main_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "help") == 0)
        return main_help(argc - 1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return main_help(1, argv);
    if (strcmp(argv[1], "--version") == 0) {
        printf("mica %s\n", PACKAGE_VERSION);
        return 0;
    }
    fprintf(stderr, "mica: unknown command '%s' (see 'mica --help')\n",
            argv[1]);
    return MICA_STATUS_ERROR;
}
