/* Unit tests for abi/main.c, on the host: the percent decoding and word
 * parsing of the kernel command line (include/mica/cmdline.h), hostile
 * escapes included, and whole boots through service_main() from a cpio
 * initramfs to the first entry into user mode, or to the exit status and
 * message of a boot that cannot run its program. main.c's static
 * functions are reached by including it here. */
#include <check.h>
#include "check_run.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/time_types.h>
#define _LINUX_TIME_H /* the C library's struct timeval and timespec stand */

#undef fail /* Check's old macro; main.c has a function of that name */
#include "guest_host.h"
#include "main.c"
#include "core_shim.h"

#include <linux/auxvec.h>
#include <linux/elf.h>

#define PG 4096ul
#define BASE 0x400000ul
#define ENTRY (BASE + 0x80)

/* ---- percent decoding ---- */

static void dec(const char *in, const char *want, size_t want_len)
{
    size_t n = 12345;
    char *d = pct_decode(in, strlen(in), &n);
    ck_assert_ptr_nonnull(d);
    ck_assert_msg(n == want_len, "%s: length %zu, want %zu", in, n, want_len);
    ck_assert_msg(memcmp(d, want, want_len + 1) == 0, "%s: got %s want %s", in, d, want);
    core_free(d);
}

START_TEST(test_pct_decode)
{
    dec("", "", 0);
    dec("plain/path.x", "plain/path.x", 12);
    dec("a%20b", "a b", 3);
    dec("%41%42%43", "ABC", 3);
    dec("%2f%2F", "//", 2);
    dec("%e2%82%ac", "\xe2\x82\xac", 3);
    dec("%25", "%", 1);
    dec("%2541", "%41", 3); /* decoded once, not twice */
    /* malformed escapes stay as they are */
    dec("%", "%", 1);
    dec("%4", "%4", 2);
    dec("a%4", "a%4", 3);
    dec("%zz", "%zz", 3);
    dec("%4g", "%4g", 3);
    dec("%g4", "%g4", 3);
    dec("%%41", "%A", 2);
    dec("%-1", "%-1", 3);
    dec("%+1", "%+1", 3);
    /* the length given is the end, not a NUL */
    size_t n;
    char *d = pct_decode("ab%41cd", 4, &n);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(d, "ab%4");
    core_free(d);
    shim_alloc_fail(1, 0);
    ck_assert_ptr_null(pct_decode("x", 1, &n));
    shim_alloc_fail(0, 0);
}
END_TEST

/* ---- words ---- */

static const char *nth(const struct exec_strings *s, size_t i)
{
    const char *p = s->buf;
    for (size_t k = 0; k < i; k++)
        p += strlen(p) + 1;
    ck_assert_uint_le((size_t)(p - s->buf), s->len);
    return p;
}

START_TEST(test_parse_cmdline)
{
    struct boot_args a;
    memset(&a, 0, sizeof(a));
    parse_cmdline(&a, "  console=ttyS0 mica.path=/bin/x%20y\tmica.arg=x%20y\n"
                      "mica.arg= mica.arg=two mica.env=A=1 mica.env=B=%3d "
                      "mica.cwd=/tmp mica.verbose mica.argv=no mica.arg mica.envX=1 "
                      "mica.panic_test_not mica.time=123   ");
    ck_assert_str_eq(a.path, "/bin/x y");
    ck_assert_str_eq(a.cwd, "/tmp");
    ck_assert(!a.panic_test);
    ck_assert_uint_eq(a.argv.argc, 3);
    ck_assert_str_eq(nth(&a.argv, 0), "x y");
    ck_assert_str_eq(nth(&a.argv, 1), "");
    ck_assert_str_eq(nth(&a.argv, 2), "two");
    ck_assert_uint_eq(a.argv.len, 4 + 1 + 4);
    ck_assert_uint_eq(a.envp.argc, 2);
    ck_assert_str_eq(nth(&a.envp, 0), "A=1");
    ck_assert_str_eq(nth(&a.envp, 1), "B==");
    /* a later path or cwd replaces the earlier one */
    parse_cmdline(&a, "mica.path=/second mica.cwd=/ mica.panic_test");
    ck_assert_str_eq(a.path, "/second");
    ck_assert_str_eq(a.cwd, "/");
    ck_assert(a.panic_test);
    ck_assert_uint_eq(a.argv.argc, 3);
    /* nothing at all */
    memset(&a, 0, sizeof(a));
    parse_cmdline(&a, "");
    parse_cmdline(&a, NULL);
    parse_cmdline(&a, " \t\n ");
    ck_assert_ptr_null(a.path);
    ck_assert_uint_eq(a.argv.argc, 0);
}
END_TEST

START_TEST(test_parse_cmdline_nul_escape)
{
    struct boot_args a;
    memset(&a, 0, sizeof(a));
    parse_cmdline(&a, "mica.arg=a%00b mica.arg=c mica.env=X=%00");
    /* the word with the NUL is not taken; the first bad key is kept */
    ck_assert_str_eq(a.malformed, MICA_CMDLINE_ARG);
    ck_assert_uint_eq(a.argv.argc, 1);
    ck_assert_str_eq(nth(&a.argv, 0), "c");
    ck_assert_uint_eq(a.envp.argc, 0);
    memset(&a, 0, sizeof(a));
    parse_cmdline(&a, "mica.path=/bin/prog%00x");
    ck_assert_str_eq(a.malformed, MICA_CMDLINE_PATH);
    ck_assert_ptr_null(a.path);
    memset(&a, 0, sizeof(a));
    parse_cmdline(&a, "mica.arg=%0 mica.arg=%300");
    ck_assert_ptr_null(a.malformed);
    ck_assert_uint_eq(a.argv.argc, 2);
    ck_assert_str_eq(nth(&a.argv, 0), "%0"); /* not an escape */
    ck_assert_str_eq(nth(&a.argv, 1), "00");
    parse_cmdline(&a, "mica.arg=%000"); /* NUL then "0": malformed too */
    ck_assert_str_eq(a.malformed, MICA_CMDLINE_ARG);
}
END_TEST

/* ---- whole boots ---- */

struct arch {
    char *buf;
    size_t len;
};

static void put(struct arch *a, const void *p, size_t n)
{
    a->buf = realloc(a->buf, a->len + n + 4);
    if (n) /* p may be NULL for an empty entry */
        memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static void entry(struct arch *a, const char *name, uint32_t mode, const void *data, size_t len)
{
    char h[111];
    snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u,
             mode, 0u, 0u, 1u, 0u, (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)strlen(name) + 1, 0u);
    put(a, h, 110);
    put(a, name, strlen(name) + 1);
    while (a->len % 4)
        put(a, "", 1);
    put(a, data, len);
    while (a->len % 4)
        put(a, "", 1);
}

static struct arch initrd;

static void initrd_with_prog(void)
{
    struct {
        Elf64_Ehdr eh;
        Elf64_Phdr ph;
        unsigned char code[64];
    } im;
    memset(&im, 0, sizeof(im));
    shim_elf_exec_header(&im.eh, ENTRY, 1);
    im.ph = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_vaddr = BASE,
                         .p_filesz = sizeof(im), .p_memsz = sizeof(im)};
    memset(&initrd, 0, sizeof(initrd));
    entry(&initrd, "bin", S_IFDIR | 0755, NULL, 0);
    entry(&initrd, "bin/prog", S_IFREG | 0755, &im, sizeof(im));
    entry(&initrd, "bin/data", S_IFREG | 0644, "not a program", 13);
    entry(&initrd, "TRAILER!!!", 0, NULL, 0);
}

/* Boot with this command line; 1 = entered user mode, 2 = VM exit. */
static int boot(const char *cmdline)
{
    static jmp_buf jb;
    shim_boot_set(cmdline, initrd.buf, initrd.len);
    int r = setjmp(jb);
    if (r == 0) {
        shim_catch(&jb);
        service_main();
    }
    shim_catch(NULL);
    return r;
}

static uint64_t peek64(uint64_t va)
{
    uint64_t v;
    char *pg = core_as_lookup(abi_proc->mm->as, uaddr(va & ~(PG - 1)), NULL);
    ck_assert_ptr_nonnull(pg);
    memcpy(&v, pg + (va & (PG - 1)), 8);
    return v;
}

static const char *peek_str(uint64_t va)
{
    char *pg = core_as_lookup(abi_proc->mm->as, uaddr(va & ~(PG - 1)), NULL);
    ck_assert_ptr_nonnull(pg);
    return pg + (va & (PG - 1)); /* the tests' strings do not cross pages */
}

START_TEST(test_boot_enters_user_mode)
{
    initrd_with_prog();
    ck_assert_int_eq(boot("mica.path=/bin/prog mica.arg=prog mica.arg=hello%20world "
                          "mica.env=HOME=/ mica.env=X=%25 mica.cwd=/bin"),
                     1);
    const struct core_uregs *r = shim_entered();
    ck_assert_uint_eq(r->rip, ENTRY);
    ck_assert_uint_eq(r->rsp % 16, 0);
    uint64_t sp = r->rsp;
    ck_assert_uint_eq(peek64(sp), 2);
    ck_assert_str_eq(peek_str(peek64(sp + 8)), "prog");
    ck_assert_str_eq(peek_str(peek64(sp + 16)), "hello world");
    ck_assert_uint_eq(peek64(sp + 24), 0);
    ck_assert_str_eq(peek_str(peek64(sp + 32)), "HOME=/");
    ck_assert_str_eq(peek_str(peek64(sp + 40)), "X=%");
    ck_assert_uint_eq(peek64(sp + 48), 0);
    /* the process around it */
    ck_assert_int_eq(abi_proc->pid, 1);
    ck_assert_str_eq(abi_proc->comm, "prog");
    struct lookup lk;
    ck_assert_int_eq(vfs_lookup_at(AT_FDCWD, "/bin", 0, &lk), 0);
    ck_assert_ptr_eq(abi_proc->cwd, lk.inode);
    lookup_release(&lk);
    ck_assert_int_eq(vfs_lookup_at(AT_FDCWD, "data", 0, &lk), 0); /* relative to /bin */
    lookup_release(&lk);
    ck_assert_int_eq(vfs_lookup_at(AT_FDCWD, "/dev/null", 0, &lk), 0);
    lookup_release(&lk);
    for (int fd = 0; fd < 3; fd++) {
        ck_assert_ptr_nonnull(fd_get(fd));
        ck_assert_ptr_eq(fd_get(fd)->ops, &console_ops);
    }
    ck_assert_ptr_null(fd_get(3));
    ck_assert_uint_eq(abi_proc->umask, 022);
    /* the program's stdout reaches the console */
    ck_assert_int_eq(fd_get(1)->ops->write(fd_get(1), uaddr((uintptr_t)"hi\n"), 3, NULL), 3);
    ck_assert_str_eq(shim_console_out(CORE_STDOUT), "hi\n");
    ck_assert_int_eq(fd_get(2)->ops->write(fd_get(2), uaddr((uintptr_t)"e"), 1, NULL), 1);
    ck_assert_str_eq(shim_console_out(CORE_STDERR), "e");
}
END_TEST

START_TEST(test_boot_no_args)
{
    /* no mica.arg at all: argv[0] is "" (Linux 5.18+), no environment */
    initrd_with_prog();
    ck_assert_int_eq(boot("mica.path=/bin/prog"), 1);
    uint64_t sp = shim_entered()->rsp;
    ck_assert_uint_eq(peek64(sp), 1);
    ck_assert_str_eq(peek_str(peek64(sp + 8)), "");
    ck_assert_uint_eq(peek64(sp + 16), 0);
    ck_assert_uint_eq(peek64(sp + 24), 0);
}
END_TEST

static void boot_fails(const char *cmdline, int status, const char *msg)
{
    shim_console_reset();
    ck_assert_int_eq(boot(cmdline), 2);
    ck_assert_int_eq(shim_exit_status(), status);
    ck_assert_str_eq(shim_console_out(CORE_STDERR), msg);
}

START_TEST(test_boot_workdir_made)
{
    /* mica run -w: a missing working directory is made, with parents */
    initrd_with_prog();
    ck_assert_int_eq(boot("mica.path=/bin/prog mica.cwd=/srv/app/x"), 1);
    struct lookup lk;
    ck_assert_int_eq(vfs_lookup_at(AT_FDCWD, "/srv/app/x", LOOKUP_DIRECTORY, &lk), 0);
    ck_assert_ptr_eq(abi_proc->cwd, lk.inode);
    lookup_release(&lk);
}
END_TEST

START_TEST(test_boot_failures)
{
    initrd_with_prog();
    boot_fails("", 127, "mica: mica.path: no program given\n");
    boot_fails("mica.path=/bin/nope", 127, "mica: /bin/nope: No such file or directory\n");
    boot_fails("mica.path=/bin/data", 126, "mica: /bin/data: Permission denied\n");
    boot_fails("mica.path=/bin", 126, "mica: /bin: Permission denied\n");
    /* a working directory that is a file cannot be made (mica run -w) */
    boot_fails("mica.path=/bin/prog mica.cwd=/bin/data", 125,
               "mica: /bin/data: cannot make the working directory\n");
    boot_fails("mica.path=/bin/prog mica.cwd=/bin/data/x", 125,
               "mica: /bin/data/x: cannot make the working directory\n");
    /* a %00 anywhere: the command line is refused, nothing runs */
    boot_fails("mica.path=/bin/prog mica.arg=prog mica.arg=a%00b", 125,
               "mica: malformed command line: %00 in a mica.arg= value\n");
    boot_fails("mica.path=/bin/prog mica.env=A=%00", 125,
               "mica: malformed command line: %00 in a mica.env= value\n");
    boot_fails("mica.path=/bin/prog mica.cwd=/bin%00/x", 125,
               "mica: malformed command line: %00 in a mica.cwd= value\n");
    /* a corrupt archive stops the boot before anything runs */
    initrd.buf[0] = 'X';
    boot_fails("mica.path=/bin/prog", 125, "mica: initramfs: corrupt archive\n");
}
END_TEST

START_TEST(test_boot_panic_test)
{
    initrd_with_prog();
    boot("mica.panic_test mica.path=/bin/prog");
}
END_TEST

static Suite *main_suite(void)
{
    Suite *s = suite_create("abi_main");
    TCase *tc = tcase_create("cmdline");
    tcase_add_test(tc, test_pct_decode);
    tcase_add_test(tc, test_parse_cmdline);
    tcase_add_test(tc, test_parse_cmdline_nul_escape);
    suite_add_tcase(s, tc);
    tc = tcase_create("boot");
    tcase_add_test(tc, test_boot_enters_user_mode);
    tcase_add_test(tc, test_boot_no_args);
    tcase_add_test(tc, test_boot_failures);
    tcase_add_test(tc, test_boot_workdir_made);
    tcase_add_test_raise_signal(tc, test_boot_panic_test, SIGABRT); /* core_panic */
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(main_suite());
}
