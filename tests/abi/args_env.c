/* args_env: argv, envp and the auxiliary vector as exec leaves them. */
#include "abi.h"
#include <elf.h>
#include <link.h>
#include <sys/auxv.h>

extern const ElfW(Ehdr) __ehdr_start;
extern char _start[];

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show_args(int argc, char **argv)
{
    printf("argc = %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = \"%s\" (len %zu)\n", i, argv[i], strlen(argv[i]));
    YES(argv[argc] == NULL);
}

/* The environment's order is the launcher's choice; its contents are not. */
static char **show_env(char **envp)
{
    int n = 0;
    while (envp[n])
        n++;
    char **sorted = calloc(n + 1, sizeof *sorted);
    memcpy(sorted, envp, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_str);
    printf("envc = %d\n", n);
    for (int i = 0; i < n; i++)
        printf("env: %s\n", sorted[i]);
    free(sorted);
    return envp + n + 1; /* the auxv follows envp's NULL */
}

static void show_auxv(ElfW(auxv_t) * av, int argc, char **argv)
{
    unsigned long pagesz = 0, rnd = 0, execfn = 0;
    int n = 0;
    for (; av->a_type != AT_NULL; av++, n++) {
        if (av->a_type == AT_PAGESZ)
            pagesz = av->a_un.a_val;
        if (av->a_type == AT_RANDOM)
            rnd = av->a_un.a_val;
        if (av->a_type == AT_EXECFN)
            execfn = av->a_un.a_val;
    }
    printf("auxv on the stack after envp: %s\n", n > 0 ? "yes" : "no");
    YES(pagesz == getauxval(AT_PAGESZ));
    printf("AT_PAGESZ = %lu\n", getauxval(AT_PAGESZ));
    YES(sysconf(_SC_PAGESIZE) == 4096);

    /* Strings and the random bytes sit above the vectors that point to them. */
    YES(rnd > (unsigned long)av && (unsigned long)argv[0] > (unsigned long)av);
    YES(execfn > (unsigned long)av);

    const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
    int nonzero = 0;
    for (int i = 0; r && i < 16; i++)
        nonzero |= r[i];
    printf("AT_RANDOM present: %s\n", r ? "yes" : "no");
    printf("AT_RANDOM 16 bytes not all zero: %s\n", nonzero ? "yes" : "no");

    const char *fn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN = \"%s\"\n", fn ? fn : "(none)");
    YES(fn && strcmp(fn, argv[0]) == 0);
    (void)argc;
}

static void show_image(void)
{
    const ElfW(Ehdr) *eh = &__ehdr_start;
    const ElfW(Phdr) *ph = (const void *)((const char *)eh + eh->e_phoff);
    unsigned long bias = 0;

    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD) {
            bias = (unsigned long)eh - (ph[i].p_vaddr - ph[i].p_offset);
            break;
        }
    printf("e_type = %s\n", eh->e_type == ET_DYN ? "ET_DYN" : "ET_EXEC");
    YES(getauxval(AT_PHDR) == (unsigned long)ph);
    YES(getauxval(AT_PHENT) == sizeof(ElfW(Phdr)));
    YES(getauxval(AT_PHNUM) == eh->e_phnum);
    YES(getauxval(AT_ENTRY) == (unsigned long)_start);
    YES(getauxval(AT_ENTRY) == eh->e_entry + bias);
    printf("AT_BASE = %lu\n", getauxval(AT_BASE));
    printf("AT_FLAGS = %lu\n", getauxval(AT_FLAGS));
    printf("AT_SECURE = %lu\n", getauxval(AT_SECURE));
    printf("AT_CLKTCK = %lu\n", getauxval(AT_CLKTCK));
    YES(getauxval(AT_HWCAP) != 0);
    YES(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid());
    YES(getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid());
}

/* The stack the program starts on is usable well below its first page. */
static void use_stack(void)
{
    volatile char big[256 * 1024];
    for (size_t i = 0; i < sizeof big; i += 4096)
        big[i] = (char)i;
    printf("256 KiB of stack usable: %s\n", big[4096] == (char)4096 ? "yes" : "no");
}

int main(int argc, char **argv, char **envp)
{
    show_args(argc, argv);
    ElfW(auxv_t) *av = (ElfW(auxv_t) *)show_env(envp);
    show_auxv(av, argc, argv);
    show_image();
    use_stack();
    return 0;
}
