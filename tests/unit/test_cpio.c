/* Unit tests for vmm/cpio.c and vmm/initramfs.c: parse back what we wrote. */
#define _GNU_SOURCE
#include <check.h>
#include "check_run.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpio.h"
#include "initramfs.h"

struct parsed {
    char name[256];
    uint32_t mode, uid, gid, nlink, mtime, size, ino;
    const uint8_t *data;
};

static uint32_t hex8(const uint8_t *p)
{
    char buf[9];

    memcpy(buf, p, 8);
    buf[8] = '\0';
    return (uint32_t)strtoul(buf, NULL, 16);
}

/* Parse one entry at *off; checks magic, padding and alignment. */
static void parse_entry(const struct cpio *c, size_t *off, struct parsed *p)
{
    const uint8_t *h = c->buf + *off;
    uint32_t namesize;
    size_t i;

    ck_assert_uint_eq(*off % 4, 0);
    ck_assert_uint_le(*off + CPIO_NEWC_HDR_SIZE, c->len);
    ck_assert_int_eq(memcmp(h, "070701", 6), 0);
    for (i = 6; i < CPIO_NEWC_HDR_SIZE; i++)
        ck_assert(strchr("0123456789ABCDEF", h[i]) != NULL);
    p->ino = hex8(h + 6);
    p->mode = hex8(h + 14);
    p->uid = hex8(h + 22);
    p->gid = hex8(h + 30);
    p->nlink = hex8(h + 38);
    p->mtime = hex8(h + 46);
    p->size = hex8(h + 54);
    namesize = hex8(h + 94);
    ck_assert_uint_eq(hex8(h + 102), 0); /* check */
    ck_assert_uint_lt(namesize, sizeof(p->name));
    memcpy(p->name, h + CPIO_NEWC_HDR_SIZE, namesize);
    ck_assert_int_eq(p->name[namesize - 1], '\0');
    *off += (CPIO_NEWC_HDR_SIZE + namesize + 3) & ~3u;
    for (i = CPIO_NEWC_HDR_SIZE + namesize; h + i < c->buf + *off; i++)
        ck_assert_int_eq(h[i], 0); /* name padding is NUL */
    p->data = c->buf + *off;
    *off += (p->size + 3) & ~3u;
    ck_assert_uint_le(*off, c->len);
    for (i = p->size; i < ((p->size + 3) & ~3u); i++)
        ck_assert_int_eq(p->data[i], 0);
}

START_TEST(test_roundtrip)
{
    struct cpio c;
    struct cpio_entry d = { .name = "/usr", .mode = S_IFDIR | 0755, .mtime = 7 };
    struct cpio_entry f = { .name = "/usr/hello", .mode = S_IFREG | 0751,
                            .uid = 0, .gid = 0, .mtime = 123456,
                            .data = "hello", .size = 5 };
    struct parsed p;
    size_t off = 0;

    cpio_init(&c);
    ck_assert_int_eq(cpio_add(&c, &d), 0);
    ck_assert_int_eq(cpio_add(&c, &f), 0);
    ck_assert_int_eq(cpio_finish(&c), 0);
    ck_assert_uint_eq(c.len % 4, 0);
    parse_entry(&c, &off, &p);
    ck_assert_str_eq(p.name, "usr");
    ck_assert_uint_eq(p.mode, S_IFDIR | 0755);
    ck_assert_uint_eq(p.nlink, 2);
    ck_assert_uint_eq(p.size, 0);
    parse_entry(&c, &off, &p);
    ck_assert_str_eq(p.name, "usr/hello");
    ck_assert_uint_eq(p.mode, S_IFREG | 0751);
    ck_assert_uint_eq(p.mtime, 123456);
    ck_assert_uint_eq(p.size, 5);
    ck_assert_int_eq(memcmp(p.data, "hello", 5), 0);
    parse_entry(&c, &off, &p);
    ck_assert_str_eq(p.name, "TRAILER!!!");
    ck_assert_uint_eq(off, c.len);
    cpio_release(&c);
}
END_TEST

START_TEST(test_name_padding)
{
    static const char *names[] = { "a", "ab", "abc", "abcd", "abcde" };
    struct cpio c;
    struct parsed p;
    size_t i, off = 0;

    cpio_init(&c);
    for (i = 0; i < 5; i++) {
        struct cpio_entry f = { .name = names[i], .mode = S_IFREG | 0644,
                                .data = names[i], .size = (uint32_t)i + 1 };
        ck_assert_int_eq(cpio_add(&c, &f), 0);
    }
    ck_assert_int_eq(cpio_finish(&c), 0);
    for (i = 0; i < 5; i++) {
        parse_entry(&c, &off, &p);
        ck_assert_str_eq(p.name, names[i]);
        ck_assert_uint_eq(p.size, i + 1);
        ck_assert_int_eq(memcmp(p.data, names[i], i + 1), 0);
        ck_assert_uint_eq((size_t)(p.data - c.buf) % 4, 0);
    }
    parse_entry(&c, &off, &p);
    ck_assert_str_eq(p.name, "TRAILER!!!");
    cpio_release(&c);
}
END_TEST

START_TEST(test_initramfs)
{
    char dir[] = "/tmp/mica-cpio-XXXXXX", path[256];
    struct program prog = { .fd = -1 };
    struct mica_error e;
    struct cpio c;
    struct parsed p;
    size_t off = 0;
    int fd, seen_prog = 0, seen_tmp = 0, seen_root = 0, seen_parent = 0;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/prog", dir);
    fd = open(path, O_CREAT | O_WRONLY, 0750);
    ck_assert_int_eq(write(fd, "\177ELFxyz", 7), 7);
    close(fd);
    prog.path = path;
    prog.fd = open(path, O_RDONLY);
    mica_error_init(&e);
    ck_assert_int_eq(initramfs_build(&c, &prog, NULL, &e), 0);
    while (off < c.len) {
        parse_entry(&c, &off, &p);
        if (strcmp(p.name, path + 1) == 0) {
            seen_prog = 1;
            ck_assert_uint_eq(p.mode, S_IFREG | 0750);
            ck_assert_uint_eq(p.size, 7);
        } else if (strcmp(p.name, "tmp") == 0) {
            seen_tmp++;
            ck_assert_uint_eq(p.mode, S_IFDIR | 01777);
        } else if (strcmp(p.name, "root") == 0) {
            seen_root++;
            ck_assert_uint_eq(p.mode, S_IFDIR | 0700);
        } else if (strcmp(p.name, dir + 1) == 0) {
            seen_parent++;
            ck_assert_uint_eq(p.mode, S_IFDIR | 0755);
            ck_assert(!seen_prog); /* parents first */
        }
    }
    ck_assert_str_eq(p.name, "TRAILER!!!");
    ck_assert(seen_prog);
    ck_assert_int_eq(seen_tmp, 1); /* deduplicated */
    ck_assert_int_eq(seen_root, 1);
    ck_assert_int_eq(seen_parent, 1);
    cpio_release(&c);
    close(prog.fd);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* The host root's directories and links; a link where the archive has a
 * directory already (the program's parent) is left out. */
START_TEST(test_initramfs_root)
{
    struct hostroot root = { .nr_links = 2 };
    struct program prog = { .fd = -1, .path = "/bin/prog" };
    struct mica_error e;
    struct cpio c;
    struct parsed p;
    size_t off;
    int pass, links, dirs, bin_dir;

    root.links[0].path = "/bin";
    root.links[0].target = "usr/bin";
    root.links[1].path = "/lib64";
    root.links[1].target = "usr/lib64";
    prog.fd = open("/dev/null", O_RDONLY);
    mica_error_init(&e);
    for (pass = 0; pass < 2; pass++) {
        ck_assert_int_eq(initramfs_build_root(&c, pass ? &prog : NULL, NULL,
                                              &root, &e), 0);
        links = dirs = bin_dir = 0;
        for (off = 0; off < c.len;) {
            parse_entry(&c, &off, &p);
            if (strcmp(p.name, "home") == 0 || strcmp(p.name, "run") == 0 ||
                strcmp(p.name, "var") == 0)
                dirs++;
            if (S_ISLNK(p.mode))
                links++;
            if (strcmp(p.name, "bin") == 0 && S_ISDIR(p.mode))
                bin_dir++;
            ck_assert(strcmp(p.name, "bin/prog") != 0 || pass == 1);
        }
        ck_assert_int_eq(dirs, 3);
        ck_assert_int_eq(links, pass ? 1 : 2); /* /bin is a directory */
        ck_assert_int_eq(bin_dir, pass);
        cpio_release(&c);
    }
    close(prog.fd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpio");
    TCase *tc = tcase_create("newc");

    tcase_add_test(tc, test_roundtrip);
    tcase_add_test(tc, test_name_padding);
    tcase_add_test(tc, test_initramfs);
    tcase_add_test(tc, test_initramfs_root);
    suite_add_tcase(s, tc);
    return check_run(s);
}
