/* Unit tests for vmm/elfinfo.c and vmm/program.c: which files can run. */
#define _GNU_SOURCE
#include <check.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elfinfo.h"
#include "program.h"

static char dir[] = "/tmp/mica-elf-XXXXXX";

/* An ELF64 file: header, two program headers (PT_LOAD, then `second`),
 * a little code. */
static size_t make_elf(uint8_t *buf, uint16_t type, uint16_t machine,
                       uint32_t second)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
    size_t size = sizeof(*eh) + 2 * sizeof(*ph) + 16;

    memset(buf, 0, size);
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = type;
    eh->e_machine = machine;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0x401000;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 2;
    ph[0].p_type = PT_LOAD;
    ph[0].p_offset = 0;
    ph[0].p_vaddr = 0x400000;
    ph[0].p_filesz = size;
    ph[0].p_memsz = size;
    ph[1].p_type = second;
    ph[1].p_offset = size - 16;
    ph[1].p_filesz = 8;
    return size;
}

static const char *put(const char *name, const void *data, size_t len,
                       mode_t mode)
{
    static char path[256];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    unlink(path);
    fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    fchmod(fd, mode);
    close(fd);
    return path;
}

/* Check a file: the return code, the status and a piece of the message. */
static void expect(const char *path, int ok, const char *msg_part)
{
    struct program prog;
    struct mica_error e;
    int rc;

    mica_error_init(&e);
    rc = program_resolve(&prog, path, &e);
    if (ok) {
        ck_assert_msg(rc == 0, "%s: %s", path, e.msg);
        program_release(&prog);
        return;
    }
    ck_assert_int_lt(rc, 0);
    ck_assert_msg(strstr(e.msg, msg_part) != NULL, "got '%s'", e.msg);
    ck_assert_ptr_null(strchr(e.msg, '\n')); /* one line */
}

static void setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

START_TEST(test_static_exec_and_pie)
{
    uint8_t buf[512];
    size_t n;

    n = make_elf(buf, ET_EXEC, EM_X86_64, PT_NOTE);
    expect(put("static", buf, n, 0755), 1, NULL);
    n = make_elf(buf, ET_DYN, EM_X86_64, PT_NOTE);
    expect(put("pie", buf, n, 0755), 1, NULL);
}
END_TEST

START_TEST(test_dynamic)
{
    uint8_t buf[512];
    size_t n = make_elf(buf, ET_EXEC, EM_X86_64, PT_INTERP);
    struct program prog;
    struct mica_error e;

    /* runnable: the interpreter and libraries are libs.c's business */
    expect(put("dyn", buf, n, 0755), 1, NULL);
    mica_error_init(&e);
    ck_assert_int_eq(program_resolve(&prog, put("dyn", buf, n, 0755), &e), 0);
    ck_assert_int_eq(prog.elf.has_interp, 1);
    program_release(&prog);
    n = make_elf(buf, ET_EXEC, EM_X86_64, PT_NOTE);
    ck_assert_int_eq(program_resolve(&prog, put("static", buf, n, 0755), &e), 0);
    ck_assert_int_eq(prog.elf.has_interp, 0);
    program_release(&prog);
}
END_TEST

START_TEST(test_wrong_machine_and_type)
{
    uint8_t buf[512];
    size_t n;

    n = make_elf(buf, ET_EXEC, EM_AARCH64, PT_NOTE);
    expect(put("arm", buf, n, 0755), 0, "not an x86-64 program");
    n = make_elf(buf, ET_REL, EM_X86_64, PT_NOTE);
    expect(put("obj", buf, n, 0755), 0, "object file");
    n = make_elf(buf, ET_EXEC, EM_X86_64, PT_NOTE);
    buf[EI_CLASS] = ELFCLASS32;
    expect(put("elf32", buf, n, 0755), 0, "not a 64-bit");
}
END_TEST

START_TEST(test_truncated)
{
    uint8_t buf[512];
    size_t n = make_elf(buf, ET_EXEC, EM_X86_64, PT_NOTE);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;

    expect(put("t10", buf, 10, 0755), 0, "truncated ELF file");
    expect(put("t40", buf, 40, 0755), 0, "truncated ELF file");
    expect(put("t80", buf, 80, 0755), 0, "truncated ELF file");
    eh->e_phoff = 1u << 30;
    expect(put("phoff", buf, n, 0755), 0, "truncated ELF file");
    n = make_elf(buf, ET_EXEC, EM_X86_64, PT_NOTE);
    ((Elf64_Phdr *)(buf + sizeof(*eh)))[0].p_filesz = 1u << 20;
    expect(put("seg", buf, n, 0755), 0, "truncated ELF file");
}
END_TEST

START_TEST(test_not_elf)
{
    expect(put("text", "hello world\n", 12, 0755), 0,
           "not an ELF executable (text file?)");
    expect(put("script", "#!/bin/sh\necho\n", 15, 0755), 0,
           "a script, not an ELF program: run its interpreter (mica run "
           "/bin/sh ");
    expect(put("script2", "#! /bin/sh -e\necho\n", 19, 0755), 0,
           "(mica run /bin/sh ");
    expect(put("badinterp", "#!/nonexistent/sh\n", 18, 0755), 0,
           "/badinterp: /nonexistent/sh: bad interpreter: No such file or "
           "directory");
    expect(put("nointerp", "#!\necho\n", 8, 0755), 0,
           "without an interpreter");
    {
        char longline[400];

        memset(longline, 'a', sizeof(longline));
        longline[0] = '#';
        longline[1] = '!';
        longline[2] = '/';
        expect(put("longline", longline, sizeof(longline), 0755), 0,
               "#! line is too long");
    }
    expect(put("empty", "", 0, 0755), 0, "empty file");
    expect(put("bin", "\x01\x02\x00\xff", 4, 0755), 0, "not an ELF executable");
}
END_TEST

START_TEST(test_permissions_and_dirs)
{
    uint8_t buf[512];
    size_t n = make_elf(buf, ET_EXEC, EM_X86_64, PT_NOTE);
    struct program prog;
    struct mica_error e;

    expect(put("nox", buf, n, 0644), 0, "Permission denied");
    expect(dir, 0, "Is a directory");
    mica_error_init(&e);
    ck_assert_int_lt(program_resolve(&prog, "/nonexistent/prog", &e), 0);
    ck_assert_int_eq(e.status, 127);
    ck_assert_str_eq(e.msg, "/nonexistent/prog: No such file or directory");
}
END_TEST

START_TEST(test_path_search)
{
    uint8_t buf[512];
    size_t n = make_elf(buf, ET_EXEC, EM_X86_64, PT_NOTE);
    struct program prog;
    struct mica_error e;
    char want[300], path_env[400];

    put("found-me", buf, n, 0755);
    snprintf(want, sizeof(want), "%s/found-me", dir);
    snprintf(path_env, sizeof(path_env), "/nonexistent:%s:/bin", dir);
    setenv("PATH", path_env, 1);
    mica_error_init(&e);
    ck_assert_int_eq(program_resolve(&prog, "found-me", &e), 0);
    ck_assert_str_eq(prog.path, want);
    program_release(&prog);
    ck_assert_int_lt(program_resolve(&prog, "no-such-mica-prog", &e), 0);
    ck_assert_int_eq(e.status, 127);
    ck_assert_str_eq(e.msg, "no-such-mica-prog: No such file or directory");
    ck_assert_int_lt(program_resolve(&prog, "", &e), 0);
    ck_assert_int_eq(e.status, 127);
}
END_TEST

START_TEST(test_path_normalise)
{
    char *p;

    p = program_path_absolute("/a//b/./c/../d/");
    ck_assert_str_eq(p, "/a/b/d");
    free(p);
    p = program_path_absolute("/../..");
    ck_assert_str_eq(p, "/");
    free(p);
    ck_assert_int_eq(chdir("/usr"), 0);
    p = program_path_absolute("bin/../lib");
    ck_assert_str_eq(p, "/usr/lib");
    free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("elfinfo");
    TCase *tc = tcase_create("check");
    SRunner *sr;
    int failed;

    tcase_add_unchecked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_static_exec_and_pie);
    tcase_add_test(tc, test_dynamic);
    tcase_add_test(tc, test_wrong_machine_and_type);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_not_elf);
    tcase_add_test(tc, test_permissions_and_dirs);
    tcase_add_test(tc, test_path_search);
    tcase_add_test(tc, test_path_normalise);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (fork() == 0) {
        execlp("rm", "rm", "-rf", dir, (char *)NULL);
        _exit(1);
    }
    wait(NULL);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
