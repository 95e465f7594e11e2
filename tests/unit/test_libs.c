/* Unit tests for vmm/libs.c: a dynamic program's interpreter and library
 * closure, found in a fake root of hand-made ELF files, and hostile ones. */
#define _GNU_SOURCE
#include <check.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_run.h"
#include "libs.h"

#define VBASE 0x400000ul
#define OFF_INTERP 256
#define OFF_DYN 320
#define OFF_STR 640
#define FILE_SIZE 1024

static char root[] = "/tmp/mica-libs-XXXXXX";

/* An ELF64 object: PT_LOAD of the whole file, PT_INTERP (if interp),
 * PT_DYNAMIC with DT_NEEDED for each name, DT_RUNPATH (if runpath). */
static size_t make_obj(uint8_t *buf, const char *interp, const char *const *needed,
                       const char *runpath)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
    Elf64_Dyn *dyn = (Elf64_Dyn *)(buf + OFF_DYN);
    size_t str = 1, nd = 0, np = 0;

    memset(buf, 0, FILE_SIZE);
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_DYN;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = VBASE + 0x100;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    ph[np++] = (Elf64_Phdr){.p_type = PT_LOAD, .p_vaddr = VBASE, .p_filesz = FILE_SIZE,
                            .p_memsz = FILE_SIZE, .p_flags = PF_R};
    if (interp) {
        strcpy((char *)buf + OFF_INTERP, interp);
        ph[np++] = (Elf64_Phdr){.p_type = PT_INTERP, .p_offset = OFF_INTERP,
                                .p_filesz = strlen(interp) + 1};
    }
    for (size_t i = 0; needed && needed[i]; i++) {
        strcpy((char *)buf + OFF_STR + str, needed[i]);
        dyn[nd++] = (Elf64_Dyn){.d_tag = DT_NEEDED, .d_un.d_val = str};
        str += strlen(needed[i]) + 1;
    }
    if (runpath) {
        strcpy((char *)buf + OFF_STR + str, runpath);
        dyn[nd++] = (Elf64_Dyn){.d_tag = DT_RUNPATH, .d_un.d_val = str};
        str += strlen(runpath) + 1;
    }
    dyn[nd++] = (Elf64_Dyn){.d_tag = DT_STRTAB, .d_un.d_ptr = VBASE + OFF_STR};
    dyn[nd++] = (Elf64_Dyn){.d_tag = DT_STRSZ, .d_un.d_val = str};
    dyn[nd++] = (Elf64_Dyn){.d_tag = DT_NULL};
    ph[np++] = (Elf64_Phdr){.p_type = PT_DYNAMIC, .p_offset = OFF_DYN,
                            .p_filesz = nd * sizeof(Elf64_Dyn)};
    eh->e_phnum = (uint16_t)np;
    return FILE_SIZE;
}

static void mkdirs(const char *path)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s%s", root, path);
    for (char *p = buf + strlen(root) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(buf, 0755);
        *p = '/';
    }
}

static void put(const char *path, const void *data, size_t len)
{
    char buf[512];
    mkdirs(path);
    snprintf(buf, sizeof(buf), "%s%s", root, path);
    int fd = open(buf, O_CREAT | O_WRONLY | O_TRUNC, 0755);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static void put_obj(const char *path, const char *interp, const char *const *needed,
                    const char *runpath)
{
    uint8_t buf[FILE_SIZE];
    put(path, buf, make_obj(buf, interp, needed, runpath));
}

static void link_at(const char *path, const char *target)
{
    char buf[512];
    mkdirs(path);
    snprintf(buf, sizeof(buf), "%s%s", root, path);
    unlink(buf);
    ck_assert_int_eq(symlink(target, buf), 0);
}

/* Resolve the program at guest path prog into l; the return code. */
static int resolve(struct libs *l, const char *prog, struct mica_error *e)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s%s", root, prog);
    int fd = open(buf, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    libs_init(l, root);
    mica_error_init(e);
    int rc = libs_resolve(l, prog, fd, e);
    close(fd);
    if (rc < 0)
        ck_assert_ptr_null(strchr(e->msg, '\n')); /* one line */
    return rc;
}

/* The entry for path: 1 a file, 2 a symlink to target; 0 if absent. */
static int has(const struct libs *l, const char *path, const char *target)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].path, path) == 0) {
            if (!l->v[i].target)
                return 1;
            ck_assert_str_eq(l->v[i].target, target);
            return 2;
        }
    return 0;
}

static void fail_with(const char *prog, int status, const char *part)
{
    struct libs l;
    struct mica_error e;
    ck_assert_int_lt(resolve(&l, prog, &e), 0);
    ck_assert_int_eq(e.status, status);
    ck_assert_msg(strstr(e.msg, part) != NULL, "got '%s'", e.msg);
    libs_release(&l);
}

#define INTERP "/lib64/ld-linux-x86-64.so.2"

static void setup(void)
{
    static const char *const libc[] = {"ld-linux-x86-64.so.2", NULL};
    ck_assert_ptr_nonnull(mkdtemp(root));
    /* a usrmerged layout: /lib -> usr/lib, /lib64 -> usr/lib64 */
    mkdirs("/usr/lib/x86_64-linux-gnu/x");
    mkdirs("/usr/lib64/x");
    link_at("/lib", "usr/lib");
    link_at("/lib64", "usr/lib64");
    put_obj("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", NULL, NULL, NULL);
    link_at("/usr/lib64/ld-linux-x86-64.so.2",
            "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    put_obj("/usr/lib/x86_64-linux-gnu/libc.so.6", NULL, libc, NULL);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    ck_assert_int_eq(system(cmd), 0);
    strcpy(root, "/tmp/mica-libs-XXXXXX");
}

START_TEST(test_closure_and_links)
{
    static const char *const prog[] = {"libfoo.so.1", "libc.so.6", NULL};
    static const char *const foo[] = {"libbar.so", "libc.so.6", NULL};
    struct libs l;
    struct mica_error e;

    put_obj("/usr/bin/prog", INTERP, prog, NULL);
    put_obj("/usr/lib/x86_64-linux-gnu/libfoo.so.1.2", NULL, foo, NULL);
    link_at("/usr/lib/x86_64-linux-gnu/libfoo.so.1", "libfoo.so.1.2");
    put_obj("/usr/lib/libbar.so", NULL, NULL, NULL);
    ck_assert_msg(resolve(&l, "/usr/bin/prog", &e) == 0, "%s", e.msg);
    ck_assert_int_eq(has(&l, "/lib64", "usr/lib64"), 2);
    ck_assert_int_eq(has(&l, "/usr/lib64/ld-linux-x86-64.so.2",
                         "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"), 2);
    ck_assert_int_eq(has(&l, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", NULL), 1);
    ck_assert_int_eq(has(&l, "/lib", "usr/lib"), 2);
    ck_assert_int_eq(has(&l, "/usr/lib/x86_64-linux-gnu/libfoo.so.1", "libfoo.so.1.2"), 2);
    ck_assert_int_eq(has(&l, "/usr/lib/x86_64-linux-gnu/libfoo.so.1.2", NULL), 1);
    ck_assert_int_eq(has(&l, "/usr/lib/x86_64-linux-gnu/libc.so.6", NULL), 1);
    ck_assert_int_eq(has(&l, "/usr/lib/libbar.so", NULL), 1);
    ck_assert_uint_eq(l.n, 8); /* each once, though libc is needed twice */
    libs_release(&l);
}
END_TEST

START_TEST(test_static_adds_nothing)
{
    struct libs l;
    struct mica_error e;
    put_obj("/bin/static", NULL, NULL, NULL);
    ck_assert_int_eq(resolve(&l, "/bin/static", &e), 0);
    ck_assert_uint_eq(l.n, 0);
    libs_release(&l);
}
END_TEST

START_TEST(test_missing)
{
    static const char *const prog[] = {"libnothere.so.3", NULL};
    put_obj("/bin/p", INTERP, prog, NULL);
    fail_with("/bin/p", 127, "cannot find shared library libnothere.so.3");
    put_obj("/bin/q", "/lib64/ld-missing.so", NULL, NULL);
    fail_with("/bin/q", 127, "interpreter /lib64/ld-missing.so");
}
END_TEST

START_TEST(test_symlink_loops)
{
    static const char *const prog[] = {"libloop.so", NULL};
    link_at("/usr/lib64/ld-loop.so", "ld-loop.so");
    put_obj("/bin/p", "/lib64/ld-loop.so", NULL, NULL);
    fail_with("/bin/p", 127, "Too many levels of symbolic links");
    link_at("/usr/lib/x86_64-linux-gnu/libloop.so", "../x86_64-linux-gnu/libloop2.so");
    link_at("/usr/lib/x86_64-linux-gnu/libloop2.so", "/lib/x86_64-linux-gnu/libloop.so");
    put_obj("/bin/q", INTERP, prog, NULL);
    fail_with("/bin/q", 127, "libloop.so");
}
END_TEST

START_TEST(test_runpath_origin_and_skip)
{
    static const char *const prog[] = {"libapp.so", "libc.so.6", NULL};
    struct libs l;
    struct mica_error e;
    uint8_t bad[FILE_SIZE];

    put_obj("/opt/app/bin/app", INTERP, prog, "/nowhere:$ORIGIN/../lib");
    put_obj("/opt/app/lib/libapp.so", NULL, NULL, NULL);
    /* a 32-bit libc first on the search path is skipped, as ld.so does */
    make_obj(bad, NULL, NULL, NULL);
    bad[EI_CLASS] = ELFCLASS32;
    link_at("/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/libc32");
    put("/usr/lib/libc32", bad, sizeof(bad));
    put_obj("/usr/lib64/libc.so.6", NULL, NULL, NULL);
    ck_assert_msg(resolve(&l, "/opt/app/bin/app", &e) == 0, "%s", e.msg);
    ck_assert_int_eq(has(&l, "/opt/app/lib/libapp.so", NULL), 1);
    ck_assert_int_eq(has(&l, "/usr/lib64/libc.so.6", NULL), 1);
    ck_assert_int_eq(has(&l, "/usr/lib/libc32", NULL), 0);
    libs_release(&l);
}
END_TEST

START_TEST(test_cycle)
{
    static const char *const a[] = {"libb.so", NULL}, *const b[] = {"liba.so", NULL};
    struct libs l;
    struct mica_error e;
    put_obj("/bin/p", INTERP, a, NULL);
    put_obj("/usr/lib/liba.so", NULL, a, NULL);
    put_obj("/usr/lib/libb.so", NULL, b, NULL);
    ck_assert_msg(resolve(&l, "/bin/p", &e) == 0, "%s", e.msg);
    ck_assert_int_eq(has(&l, "/usr/lib/liba.so", NULL), 1);
    libs_release(&l);
}
END_TEST

/* Damage one field of a dynamic program; it must fail with 126 and part. */
static void hostile(void (*damage)(uint8_t *buf), size_t len, const char *part)
{
    static const char *const prog[] = {"libc.so.6", NULL};
    uint8_t buf[FILE_SIZE];
    make_obj(buf, INTERP, prog, NULL);
    damage(buf);
    put("/bin/h", buf, len);
    fail_with("/bin/h", 126, part);
}

static Elf64_Phdr *phdr(uint8_t *buf, uint32_t type)
{
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(Elf64_Ehdr));
    for (int i = 0; i < ((Elf64_Ehdr *)buf)->e_phnum; i++)
        if (ph[i].p_type == type)
            return &ph[i];
    ck_abort();
    return NULL;
}

static Elf64_Dyn *dyn(uint8_t *buf, int64_t tag)
{
    for (Elf64_Dyn *d = (Elf64_Dyn *)(buf + OFF_DYN); d->d_tag != DT_NULL; d++)
        if (d->d_tag == tag)
            return d;
    ck_abort();
    return NULL;
}

static void dyn_past_eof(uint8_t *b) { phdr(b, PT_DYNAMIC)->p_offset = FILE_SIZE - 16; }
static void dyn_huge(uint8_t *b) { phdr(b, PT_DYNAMIC)->p_filesz = ~0ul - 100; }
static void needed_index(uint8_t *b) { dyn(b, DT_NEEDED)->d_un.d_val = 4000; }
static void strsz_cut(uint8_t *b) { dyn(b, DT_STRSZ)->d_un.d_val = 4; }
static void strtab_unmapped(uint8_t *b) { dyn(b, DT_STRTAB)->d_un.d_ptr = 0x10; }
static void strtab_wraps(uint8_t *b) { dyn(b, DT_STRSZ)->d_un.d_val = ~0ul; }
static void interp_no_nul(uint8_t *b) { phdr(b, PT_INTERP)->p_filesz = 4; }
static void interp_past_eof(uint8_t *b) { phdr(b, PT_INTERP)->p_offset = ~0ul - 2; }
static void phdrs_past_eof(uint8_t *b) { ((Elf64_Ehdr *)b)->e_phoff = 4000; }
static void wrong_machine(uint8_t *b) { ((Elf64_Ehdr *)b)->e_machine = EM_AARCH64; }
static void nothing(uint8_t *b) {}

START_TEST(test_hostile)
{
    hostile(dyn_past_eof, FILE_SIZE, "dynamic section out of bounds");
    hostile(dyn_huge, FILE_SIZE, "dynamic section out of bounds");
    hostile(needed_index, FILE_SIZE, "bad string in the dynamic section");
    hostile(strsz_cut, FILE_SIZE, "bad string in the dynamic section");
    hostile(strtab_unmapped, FILE_SIZE, "bad dynamic string table");
    hostile(strtab_wraps, FILE_SIZE, "bad dynamic string table");
    hostile(interp_no_nul, FILE_SIZE, "bad PT_INTERP");
    hostile(interp_past_eof, FILE_SIZE, "bad PT_INTERP");
    hostile(phdrs_past_eof, FILE_SIZE, "/bin/h: ");
    hostile(wrong_machine, FILE_SIZE, "not an x86-64 ELF file");
    hostile(nothing, 100, "/bin/h: "); /* cut inside the program headers */
    hostile(nothing, 330, "dynamic section out of bounds");
    hostile(nothing, 400, "dynamic string table out of bounds");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("libs");
    TCase *tc = tcase_create("libs");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_closure_and_links);
    tcase_add_test(tc, test_static_adds_nothing);
    tcase_add_test(tc, test_missing);
    tcase_add_test(tc, test_symlink_loops);
    tcase_add_test(tc, test_runpath_origin_and_skip);
    tcase_add_test(tc, test_cycle);
    tcase_add_test(tc, test_hostile);
    suite_add_tcase(s, tc);
    return check_run(s);
}
