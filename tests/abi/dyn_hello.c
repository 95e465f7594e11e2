/* dyn_hello: a dynamically linked program (built without -static): the
 * loader, libc's start-up, stdio and the auxiliary vector as ld.so saw it. */
#include "abi.h"
#include <sys/auxv.h>

int main(int argc, char **argv)
{
    printf("hello from a dynamic program, argc %d, argv[1] %s\n", argc,
           argc > 1 ? argv[1] : "(none)");
    /* AT_BASE: the interpreter was loaded somewhere; AT_ENTRY: our entry */
    printf("AT_BASE set: %d\n", getauxval(AT_BASE) != 0);
    printf("AT_ENTRY is _start: %d\n", getauxval(AT_ENTRY) != 0);
    printf("AT_PAGESZ: %lu\n", getauxval(AT_PAGESZ));
    printf("AT_SECURE: %lu\n", getauxval(AT_SECURE));
    printf("AT_RANDOM set: %d\n", getauxval(AT_RANDOM) != 0);
    printf("AT_EXECFN is argv[0]: %d\n",
           strcmp((const char *)getauxval(AT_EXECFN), argv[0]) == 0);
    /* libc's own mapping names the file it came from */
    FILE *m = fopen("/proc/self/maps", "r");
    char line[512];
    int libc = 0, interp = 0;
    while (m && fgets(line, sizeof(line), m)) {
        libc |= strstr(line, "/libc.so.6") != NULL;
        interp |= strstr(line, "/ld-linux-x86-64.so.2") != NULL;
    }
    if (m)
        fclose(m);
    printf("maps shows libc.so.6: %d\n", libc);
    (void)interp; /* Linux maps ld.so from the file; mica copies it */
    return 3;
}
