/* Unit tests for abi/exec.c, abi/stack.c and abi/script.c, on the host:
 * execve of a static ELF from tmpfs builds the System V initial stack
 * (argc, argv, envp, auxv, strings, AT_RANDOM) in a fresh address space
 * and switches to it; "#!" lines are parsed as Linux parses them; hostile
 * argument vectors (bad pointers, strings past MAX_ARG_STRLEN, totals
 * past the limit) and unrunnable files fail with Linux's errno and leave
 * the old image in place. */
#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/time_types.h>
#define _LINUX_TIME_H /* the C library's struct timeval and timespec stand */

#include "guest_host.h"
#include "abi_int.h"
#include "sys.h"
#include "core_shim.h"

#include <linux/auxvec.h>
#include <linux/elf.h>
#include <linux/mman.h>

#define U(p) uaddr((uint64_t)(uintptr_t)(p))
#define PG 4096ul
#define BASE 0x400000ul
#define ENTRY (BASE + 0x100)
#define ARG_STRLEN (32 * PG)

static struct core_uregs regs;

static void put_file(const char *path, const void *data, size_t len, uint32_t mode)
{
    long fd = sys_openat(AT_FDCWD, U(path), O_CREAT | O_WRONLY | O_TRUNC, mode);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(sys_write((int)fd, U(data), len), (long)len);
    ck_assert_int_eq(sys_close((int)fd), 0);
}

static void put_text(const char *path, const char *text)
{
    put_file(path, text, strlen(text), 0755);
}

/* A static ELF: one R+X PT_LOAD of the whole file at BASE, bss to +0x2000. */
static void put_elf(const char *path)
{
    struct {
        Elf64_Ehdr eh;
        Elf64_Phdr ph;
        unsigned char code[256];
    } im;
    memset(&im, 0, sizeof(im));
    shim_elf_exec_header(&im.eh, ENTRY, 1);
    im.ph = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_vaddr = BASE,
                         .p_filesz = sizeof(im), .p_memsz = 0x2000, .p_align = PG};
    memset(im.code, 0x90, sizeof(im.code));
    put_file(path, &im, sizeof(im), 0755);
}

static void setup(void)
{
    ck_assert_int_eq(shim_proc_init(true), 0);
    ck_assert_int_eq(sys_mkdir(U("/bin"), 0755), 0);
    put_elf("/bin/prog");
    memset(&regs, 0, sizeof(regs));
    regs.cs = 0x33;
    regs.ss = 0x2b;
    strcpy(abi_proc->comm, "before");
}

/* ---- reading the new image ---- */

static void peek(uint64_t va, void *buf, size_t len)
{
    char *dst = buf;
    while (len) {
        uint64_t pva = va & ~(PG - 1);
        size_t in = va - pva, n = PG - in < len ? PG - in : len;
        char *pg = core_as_lookup(abi_proc->mm->as, uaddr(pva), NULL);
        ck_assert_msg(pg != NULL, "no page at %#lx", (unsigned long)pva);
        memcpy(dst, pg + in, n);
        dst += n;
        va += n;
        len -= n;
    }
}

static uint64_t peek64(uint64_t va)
{
    uint64_t v;
    peek(va, &v, 8);
    return v;
}

static const char *peek_str(uint64_t va)
{
    static char buf[8][256];
    static int k;
    char *b = buf[k++ % 8];
    for (size_t i = 0; i < sizeof(buf[0]) - 1; i++) {
        peek(va + i, &b[i], 1);
        if (!b[i])
            return b;
    }
    b[sizeof(buf[0]) - 1] = 0; /* the first 255 bytes of a longer one */
    return b;
}

struct stack_view {
    uint64_t argc;
    const char *argv[8];
    uint64_t envc;
    const char *envp[8];
    uint64_t aux[64]; /* value by AT_* type, 0 if absent */
    uint64_t auxn;
};

static void read_stack(struct stack_view *sv)
{
    memset(sv, 0, sizeof(*sv));
    uint64_t sp = regs.rsp;
    sv->argc = peek64(sp);
    sp += 8;
    for (uint64_t i = 0; i < sv->argc; i++, sp += 8)
        if (i < 8)
            sv->argv[i] = peek_str(peek64(sp));
    ck_assert_uint_eq(peek64(sp), 0);
    sp += 8;
    for (; peek64(sp); sp += 8, sv->envc++)
        if (sv->envc < 8)
            sv->envp[sv->envc] = peek_str(peek64(sp));
    sp += 8;
    for (;; sp += 16) {
        uint64_t type = peek64(sp), val = peek64(sp + 8);
        sv->auxn++;
        if (type == AT_NULL)
            break;
        ck_assert_uint_lt(type, 64);
        sv->aux[type] = val;
    }
}

/* ---- execve ---- */

START_TEST(test_execve_stack)
{
    const char *argv[] = {"prog", "two words", "", NULL};
    const char *envp[] = {"A=1", "PATH=/bin", NULL};
    struct mm *old = abi_proc->mm;
    long cloexec = sys_openat(AT_FDCWD, U("/bin/prog"), O_RDONLY | O_CLOEXEC, 0);
    long keep = sys_openat(AT_FDCWD, U("/bin/prog"), O_RDONLY, 0);
    ck_assert_int_eq(sys_execve(U("/bin/prog"), U(argv), U(envp), &regs), 0);
    ck_assert_ptr_ne(abi_proc->mm, old);
    ck_assert_ptr_eq(core_as_current(), abi_proc->mm->as);
    ck_assert_ptr_null(fd_get((int)cloexec));
    ck_assert_ptr_nonnull(fd_get((int)keep));
    ck_assert_str_eq(abi_proc->comm, "prog");
    ck_assert_uint_eq(regs.rip, ENTRY);
    ck_assert_uint_eq(regs.rsp % 16, 0);
    ck_assert_uint_eq(regs.rflags, 0x202);
    ck_assert_uint_eq(regs.orig_rax, (uint64_t)-1);
    ck_assert_uint_eq(regs.cs, 0x33);
    ck_assert_uint_eq(regs.ss, 0x2b);
    ck_assert_uint_eq(regs.rax, 0);
    ck_assert_uint_eq(abi_proc->mm->brk_start, BASE + 0x2000);
    ck_assert_uint_eq(abi_proc->mm->brk, BASE + 0x2000);

    struct stack_view sv;
    read_stack(&sv);
    ck_assert_uint_eq(sv.argc, 3);
    ck_assert_str_eq(sv.argv[0], "prog");
    ck_assert_str_eq(sv.argv[1], "two words");
    ck_assert_str_eq(sv.argv[2], "");
    ck_assert_uint_eq(sv.envc, 2);
    ck_assert_str_eq(sv.envp[0], "A=1");
    ck_assert_str_eq(sv.envp[1], "PATH=/bin");
    ck_assert_uint_eq(sv.aux[AT_PAGESZ], PG);
    ck_assert_uint_eq(sv.aux[AT_ENTRY], ENTRY);
    ck_assert_uint_eq(sv.aux[AT_PHDR], BASE + sizeof(Elf64_Ehdr));
    ck_assert_uint_eq(sv.aux[AT_PHENT], sizeof(Elf64_Phdr));
    ck_assert_uint_eq(sv.aux[AT_PHNUM], 1);
    ck_assert_str_eq(peek_str(sv.aux[AT_EXECFN]), "/bin/prog");
    ck_assert_str_eq(peek_str(sv.aux[AT_PLATFORM]), "x86_64");
    uint64_t rnd = sv.aux[AT_RANDOM];
    ck_assert_uint_gt(rnd, regs.rsp);
    ck_assert_uint_le(rnd + 16, MM_STACK_TOP);
    unsigned char r[16], zero[16] = {0};
    peek(rnd, r, 16);
    ck_assert_int_ne(memcmp(r, zero, 16), 0);
    /* the stack VMA, and the text page from the file */
    struct vma *v = vma_find(abi_proc->mm, regs.rsp);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(v->end, MM_STACK_TOP);
    ck_assert_uint_eq(v->prot, PROT_READ | PROT_WRITE);
    unsigned char code;
    peek(ENTRY, &code, 1);
    ck_assert_uint_eq(code, 0x90);
}
END_TEST

START_TEST(test_execve_empty_argv)
{
    ck_assert_int_eq(sys_execve(U("/bin/prog"), uaddr(0), uaddr(0), &regs), 0);
    struct stack_view sv;
    read_stack(&sv);
    ck_assert_uint_eq(sv.argc, 1); /* "" as argv[0], as Linux 5.18+ */
    ck_assert_str_eq(sv.argv[0], "");
    ck_assert_uint_eq(sv.envc, 0);
    ck_assert_uint_eq(sv.aux[AT_ENTRY], ENTRY);
}
END_TEST

/* What a failed execve must leave as it was. */
struct before {
    struct mm *mm;
    uint64_t rip;
    long pages;
};

static struct before snap(void)
{
    regs.rip = 0x1234;
    return (struct before){abi_proc->mm, regs.rip, shim_pages_live()};
}

static void same(struct before b)
{
    ck_assert_ptr_eq(abi_proc->mm, b.mm);
    ck_assert_uint_eq(regs.rip, b.rip);
    ck_assert_str_eq(abi_proc->comm, "before");
    ck_assert_int_eq(shim_pages_live(), b.pages); /* the new image was undone */
}

START_TEST(test_execve_bad_files)
{
    const char *argv[] = {"x", NULL};
    put_file("/bin/plain", "\x7f" "ELF", 4, 0644);
    put_file("/bin/junk", "just some text\n", 15, 0755);
    put_file("/bin/empty", "", 0, 0755);
    struct before b = snap();
    ck_assert_int_eq(sys_execve(U("/bin/nope"), U(argv), uaddr(0), &regs), -ENOENT);
    ck_assert_int_eq(sys_execve(U("/bin/plain"), U(argv), uaddr(0), &regs), -EACCES);
    ck_assert_int_eq(sys_execve(U("/bin"), U(argv), uaddr(0), &regs), -EACCES);
    ck_assert_int_eq(sys_execve(U("/dev/null"), U(argv), uaddr(0), &regs), -EACCES);
    ck_assert_int_eq(sys_execve(U("/bin/junk"), U(argv), uaddr(0), &regs), -ENOEXEC);
    ck_assert_int_eq(sys_execve(U("/bin/empty"), U(argv), uaddr(0), &regs), -ENOEXEC);
    ck_assert_int_eq(sys_execve(U("/bin/prog/x"), U(argv), uaddr(0), &regs), -ENOTDIR);
    ck_assert_int_eq(sys_execve(U(""), U(argv), uaddr(0), &regs), -ENOENT);
    /* execveat takes AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW only */
    ck_assert_int_eq(sys_execveat(AT_FDCWD, U("/bin/prog"), U(argv), uaddr(0), 0x400, &regs),
                     -EINVAL);
    ck_assert_int_eq(sys_execveat(AT_FDCWD, U(""), U(argv), uaddr(0), 0, &regs), -ENOENT);
    ck_assert_int_eq(sys_execveat(777, U(""), U(argv), uaddr(0), AT_EMPTY_PATH, &regs), -EBADF);
    ck_assert_int_eq(sys_execveat(777, U("prog"), U(argv), uaddr(0), 0, &regs), -EBADF);
    same(b);
}
END_TEST

START_TEST(test_execve_bad_vectors)
{
    struct before b = snap();
    ck_assert_int_eq(sys_execve(uaddr(0x10), uaddr(0), uaddr(0), &regs), -EFAULT);
    ck_assert_int_eq(sys_execve(U("/bin/prog"), uaddr(0x10), uaddr(0), &regs), -EFAULT);
    ck_assert_int_eq(sys_execve(U("/bin/prog"), uaddr(0), uaddr(~0ul - 3), &regs), -EFAULT);
    const char *bad_elem[] = {"ok", (const char *)0x20, NULL};
    ck_assert_int_eq(sys_execve(U("/bin/prog"), U(bad_elem), uaddr(0), &regs), -EFAULT);
    ck_assert_int_eq(sys_execve(U("/bin/prog"), uaddr(0), U(bad_elem), &regs), -EFAULT);
    /* an array that runs into unreadable memory before its NULL */
    const char **open_ended = malloc(4 * sizeof(char *));
    open_ended[0] = open_ended[1] = "a";
    shim_bad_range(&open_ended[2], 2 * sizeof(char *));
    ck_assert_int_eq(sys_execve(U("/bin/prog"), U(open_ended), uaddr(0), &regs), -EFAULT);
    shim_bad_clear();
    free(open_ended);
    /* a string with no NUL in MAX_ARG_STRLEN bytes: E2BIG */
    char *big = malloc(ARG_STRLEN + 1);
    memset(big, 'a', ARG_STRLEN);
    big[ARG_STRLEN] = 0;
    const char *v1[] = {"prog", big, NULL};
    ck_assert_int_eq(sys_execve(U("/bin/prog"), U(v1), uaddr(0), &regs), -E2BIG);
    ck_assert_int_eq(sys_execve(U("/bin/prog"), U(v1 + 1), U(v1), &regs), -E2BIG);
    /* a string that ends where memory stops being readable: EFAULT */
    shim_bad_range(big + 100, 1);
    ck_assert_int_eq(sys_execve(U("/bin/prog"), U(v1), uaddr(0), &regs), -EFAULT);
    shim_bad_clear();
    /* the total: 17 strings of 128 KiB - 1 pass the per-string limit but
     * not the 2 MiB one */
    big[ARG_STRLEN - 1] = 0;
    const char *many[20];
    for (int i = 0; i < 17; i++)
        many[i] = big;
    many[17] = NULL;
    ck_assert_int_eq(sys_execve(U("/bin/prog"), U(many), uaddr(0), &regs), -E2BIG);
    same(b);
    /* and one such string is fine */
    const char *one[] = {"prog", big, NULL};
    ck_assert_int_eq(sys_execve(U("/bin/prog"), U(one), uaddr(0), &regs), 0);
    struct stack_view sv;
    read_stack(&sv);
    ck_assert_uint_eq(sv.argc, 2);
    ck_assert_str_eq(sv.argv[0], "prog");
    ck_assert_uint_eq(strlen(sv.argv[1]), 255);
    ck_assert_int_eq(sv.argv[1][254], 'a');
    free(big);
}
END_TEST

/* ---- scripts ---- */

START_TEST(test_execve_script)
{
    put_text("/bin/s1", "#!/bin/prog -v  \nrest of the script\n");
    put_text("/bin/s2", "#!  /bin/s1\n");
    const char *argv[] = {"name", "a1", NULL};
    const char *envp[] = {"E=1", NULL};
    ck_assert_int_eq(sys_execve(U("/bin/s1"), U(argv), U(envp), &regs), 0);
    struct stack_view sv;
    read_stack(&sv);
    ck_assert_uint_eq(sv.argc, 4);
    ck_assert_str_eq(sv.argv[0], "/bin/prog");
    ck_assert_str_eq(sv.argv[1], "-v");
    ck_assert_str_eq(sv.argv[2], "/bin/s1");
    ck_assert_str_eq(sv.argv[3], "a1");
    ck_assert_uint_eq(sv.envc, 1);
    ck_assert_str_eq(sv.envp[0], "E=1");
    ck_assert_str_eq(peek_str(sv.aux[AT_EXECFN]), "/bin/s1");
    ck_assert_str_eq(abi_proc->comm, "s1");
    /* a script whose interpreter is a script */
    ck_assert_int_eq(sys_execve(U("/bin/s2"), U(argv), uaddr(0), &regs), 0);
    read_stack(&sv);
    ck_assert_uint_eq(sv.argc, 5);
    ck_assert_str_eq(sv.argv[0], "/bin/prog");
    ck_assert_str_eq(sv.argv[1], "-v");
    ck_assert_str_eq(sv.argv[2], "/bin/s1");
    ck_assert_str_eq(sv.argv[3], "/bin/s2");
    ck_assert_str_eq(sv.argv[4], "a1");
}
END_TEST

START_TEST(test_execve_script_hostile)
{
    const char *argv[] = {"x", NULL};
    put_text("/bin/loop", "#!/bin/loop\n");
    put_text("/bin/noint", "#!\n");
    put_text("/bin/blank", "#!   \t \n");
    put_text("/bin/missing", "#!/bin/not-there arg\n");
    put_text("/bin/dir", "#!/bin\n");
    char line[400] = "#!/";
    memset(line + 3, 'n', 300);
    put_text("/bin/long", line);
    struct before b = snap();
    ck_assert_int_eq(sys_execve(U("/bin/loop"), U(argv), uaddr(0), &regs), -ELOOP);
    ck_assert_int_eq(sys_execve(U("/bin/noint"), U(argv), uaddr(0), &regs), -ENOEXEC);
    ck_assert_int_eq(sys_execve(U("/bin/blank"), U(argv), uaddr(0), &regs), -ENOEXEC);
    ck_assert_int_eq(sys_execve(U("/bin/missing"), U(argv), uaddr(0), &regs), -ENOENT);
    ck_assert_int_eq(sys_execve(U("/bin/dir"), U(argv), uaddr(0), &regs), -EACCES);
    /* an interpreter name longer than the 256-byte first line */
    ck_assert_int_eq(sys_execve(U("/bin/long"), U(argv), uaddr(0), &regs), -ENOEXEC);
    same(b);
}
END_TEST

static int parse(const char *text, char *interp, char *arg, size_t isz, size_t asz)
{
    struct inode *ino = inode_new(S_IFREG | 0755);
    ck_assert_ptr_nonnull(ino);
    ck_assert_int_eq(tmpfs_write_kernel(ino, 0, text, strlen(text)), (ssize_t)strlen(text));
    int r = script_parse(ino, interp, isz, arg, asz);
    ino->nlink = 0;
    inode_drop_link(ino);
    return r;
}

START_TEST(test_script_parse)
{
    char i[256], a[256];
    ck_assert_int_eq(parse("#!/bin/sh\n", i, a, 256, 256), 1);
    ck_assert_str_eq(i, "/bin/sh");
    ck_assert_str_eq(a, "");
    ck_assert_int_eq(parse("#! \t/usr/bin/env  python3 -u \t \nprint(1)\n", i, a, 256, 256), 1);
    ck_assert_str_eq(i, "/usr/bin/env");
    ck_assert_str_eq(a, "python3 -u"); /* one argument: the rest, trimmed */
    ck_assert_int_eq(parse("#!/bin/sh", i, a, 256, 256), 1); /* no newline at all */
    ck_assert_str_eq(i, "/bin/sh");
    ck_assert_int_eq(parse("#!/bin/sh\r\n", i, a, 256, 256), 1);
    ck_assert_str_eq(i, "/bin/sh\r"); /* as Linux: the CR is part of the name */
    ck_assert_int_eq(parse("", i, a, 256, 256), 0);
    ck_assert_int_eq(parse("#", i, a, 256, 256), 0);
    ck_assert_int_eq(parse("!#/bin/sh\n", i, a, 256, 256), 0);
    ck_assert_int_eq(parse("\x7f" "ELF", i, a, 256, 256), 0);
    ck_assert_int_eq(parse("#!", i, a, 256, 256), -ENOEXEC);
    ck_assert_int_eq(parse("#!\n/bin/sh\n", i, a, 256, 256), -ENOEXEC);
    /* buffers too small for the name or the argument */
    ck_assert_int_eq(parse("#!/bin/sh\n", i, a, 7, 256), -ENAMETOOLONG);
    ck_assert_int_eq(parse("#!/bin/sh\n", i, a, 8, 256), 1);
    ck_assert_int_eq(parse("#!/bin/sh abc\n", i, a, 256, 3), -ENAMETOOLONG);
    /* a long line: a complete name keeps a cut argument; a cut name fails */
    char line[400] = "#!/bin/sh ";
    memset(line + 10, 'x', 300);
    ck_assert_int_eq(parse(line, i, a, 256, 256), 1);
    ck_assert_str_eq(i, "/bin/sh");
    ck_assert_uint_eq(strlen(a), 256 - 10);
    memset(line + 2, 'y', 300);
    ck_assert_int_eq(parse(line, i, a, 256, 256), -ENOEXEC);
    /* the name ends exactly at byte 256 with a blank: complete */
    memset(line, 0, sizeof(line));
    memcpy(line, "#!", 2);
    memset(line + 2, 'z', 253);
    line[255] = ' ';
    strcpy(line + 256, "more");
    ck_assert_int_eq(parse(line, i, a, 256, 256), 1);
    ck_assert_uint_eq(strlen(i), 253);
}
END_TEST

START_TEST(test_script_strings)
{
    char buf[] = "old0\0a1\0a2\0E=1\0F=2";
    struct exec_strings s = {.buf = buf, .len = sizeof(buf), .argc = 3, .envc = 2}, o;
    ck_assert_int_eq(script_strings(&s, "/i", "-x", "/p", &o), 0);
    ck_assert_uint_eq(o.argc, 5);
    ck_assert_uint_eq(o.envc, 2);
    static const char want[] = "/i\0-x\0/p\0a1\0a2\0E=1\0F=2";
    ck_assert_uint_eq(o.len, sizeof(want));
    ck_assert_int_eq(memcmp(o.buf, want, sizeof(want)), 0);
    core_free(o.buf);
    ck_assert_int_eq(script_strings(&s, "/i", "", "/p", &o), 0);
    ck_assert_uint_eq(o.argc, 4);
    static const char want2[] = "/i\0/p\0a1\0a2\0E=1\0F=2";
    ck_assert_uint_eq(o.len, sizeof(want2));
    ck_assert_int_eq(memcmp(o.buf, want2, sizeof(want2)), 0);
    core_free(o.buf);
    /* no argv at all: nothing of the old argv to drop */
    struct exec_strings e = {.buf = "E=1", .len = 4, .argc = 0, .envc = 1};
    ck_assert_int_eq(script_strings(&e, "/i", "", "/p", &o), 0);
    ck_assert_uint_eq(o.argc, 2);
    static const char want3[] = "/i\0/p\0E=1";
    ck_assert_uint_eq(o.len, sizeof(want3));
    ck_assert_int_eq(memcmp(o.buf, want3, sizeof(want3)), 0);
    core_free(o.buf);
    shim_alloc_fail(1, 0);
    ck_assert_int_eq(script_strings(&s, "/i", "", "/p", &o), -ENOMEM);
    shim_alloc_fail(0, 0);
}
END_TEST

/* ---- stack_build directly ---- */

START_TEST(test_stack_build_limits)
{
    struct elf_image img = {.entry = ENTRY, .phnum = 1, .phent = 56};
    char buf[] = "a\0b";
    struct exec_strings s = {.buf = buf, .len = 4, .argc = 1, .envc = 1};
    struct mm *m = mm_new();
    uint64_t rsp = 0;
    img.exec_stack = true;
    ck_assert_int_eq(stack_build(m, &img, &s, "/x", &rsp), 0);
    ck_assert_uint_eq(rsp % 16, 0);
    ck_assert_uint_eq(vma_find(m, rsp)->prot, PROT_READ | PROT_WRITE | PROT_EXEC);
    mm_destroy(m);
    /* more strings than half the stack holds: E2BIG, nothing mapped */
    size_t n = 600000;
    char *many = calloc(n, 1);
    struct exec_strings big = {.buf = many, .len = n, .argc = n, .envc = 0};
    m = mm_new();
    ck_assert_int_eq(stack_build(m, &img, &big, "/x", &rsp), -E2BIG);
    ck_assert_uint_eq(shim_as_count(m->as), 0);
    mm_destroy(m);
    free(many);
}
END_TEST

static Suite *exec_suite(void)
{
    Suite *s = suite_create("abi_exec");
    TCase *tc = tcase_create("execve");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_execve_stack);
    tcase_add_test(tc, test_execve_empty_argv);
    tcase_add_test(tc, test_execve_bad_files);
    tcase_add_test(tc, test_execve_bad_vectors);
    tcase_add_test(tc, test_execve_script);
    tcase_add_test(tc, test_execve_script_hostile);
    suite_add_tcase(s, tc);
    tc = tcase_create("parts");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_script_parse);
    tcase_add_test(tc, test_script_strings);
    tcase_add_test(tc, test_stack_build_limits);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(exec_suite());
}
