/* kernel_probe: touching the kernel's half of the address space kills the
 * program with SIGSEGV (status 139), and nothing else happens.
 *
 * argv[1]: "ktext" or "kdirect" reads, "kwrite" writes, "kjump" jumps to
 * the kernel's text, "null" reads address 0, "noncanon" reads a
 * non-canonical address (a #GP, not a page fault, still SIGSEGV).
 */
#include "abi.h"

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "ktext";
    volatile unsigned char *p = (void *)0xffffffff80000000UL;
    if (strcmp(what, "kdirect") == 0)
        p = (void *)0xffff888000000000UL;
    else if (strcmp(what, "null") == 0)
        p = NULL;
    else if (strcmp(what, "noncanon") == 0)
        p = (void *)0x0000800000000000UL;
    printf("probing %s\n", what);
    fflush(stdout);
    if (strcmp(what, "kwrite") == 0)
        *p = 0x90;
    else if (strcmp(what, "kjump") == 0)
        ((void (*)(void))(unsigned long)p)();
    else
        printf("read %u\n", *p);
    printf("survived: the kernel's memory is readable\n");
    return 1;
}
