/* exits: the status a program leaves with, by every way out.
 *
 * argv[1] picks the way: "ret N" returns N from main, "exit N" calls exit(),
 * "_exit N" calls _exit(), "group N" is a raw exit_group, "thread N" a raw
 * exit (which, for the last thread, ends the process with N too).
 */
#include "abi.h"

static void bye(void)
{
    printf("atexit handler ran\n");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: exits ret|exit|_exit|group|thread N\n");
        return 2;
    }
    int n = atoi(argv[2]);
    atexit(bye);
    printf("leaving by %s with %d\n", argv[1], n); /* buffered: see below */
    if (strcmp(argv[1], "ret") == 0)
        return n;
    if (strcmp(argv[1], "exit") == 0)
        exit(n);
    fflush(stdout); /* the raw ways skip stdio's flush and atexit */
    if (strcmp(argv[1], "_exit") == 0)
        _exit(n);
    if (strcmp(argv[1], "group") == 0)
        syscall(SYS_exit_group, n);
    if (strcmp(argv[1], "thread") == 0)
        syscall(SYS_exit, n);
    return 3;
}
