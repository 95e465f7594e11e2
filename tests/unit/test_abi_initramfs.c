/* Unit tests for abi/initramfs.c (the guest's cpio unpacker), on the host:
 * well-formed archives land in the tmpfs root with their modes, owners,
 * times and contents; hostile archives (bad magic, bad hex, names and
 * sizes past the end, ".." components, missing trailer) are refused or
 * skipped without touching memory outside the image. */
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
#include "core_shim.h"

/* ---- building newc archives ---- */

struct arch {
    char *buf;
    size_t len, cap;
};

static void put(struct arch *a, const void *p, size_t n)
{
    if (a->len + n > a->cap) {
        a->cap = (a->len + n) * 2 + 512;
        a->buf = realloc(a->buf, a->cap);
        ck_assert_ptr_nonnull(a->buf);
    }
    if (n) /* p may be NULL for an empty entry */
        memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static void pad4(struct arch *a)
{
    while (a->len % 4)
        put(a, "", 1);
}

/* A header with explicit name and file sizes (which may lie). */
static void hdr(struct arch *a, const char *magic, uint32_t mode, uint32_t uid,
                uint32_t mtime, uint32_t fsz, uint32_t rmaj, uint32_t rmin,
                uint32_t nsz)
{
    char h[111];
    snprintf(h, sizeof(h), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             magic, 1u, mode, uid, uid + 1, 1u, mtime, fsz, 0u, 0u, rmaj, rmin, nsz, 0u);
    put(a, h, 110);
}

static void entry_dev(struct arch *a, const char *name, uint32_t mode,
                      const char *data, size_t dlen, uint32_t rmaj, uint32_t rmin)
{
    hdr(a, "070701", mode, 1000, 1700000000, (uint32_t)dlen, rmaj, rmin,
        (uint32_t)strlen(name) + 1);
    put(a, name, strlen(name) + 1);
    pad4(a);
    put(a, data, dlen);
    pad4(a);
}

static void entry(struct arch *a, const char *name, uint32_t mode, const char *data)
{
    entry_dev(a, name, mode, data, data ? strlen(data) : 0, 0, 0);
}

static void trailer(struct arch *a)
{
    entry(a, "TRAILER!!!", 0, NULL);
}

/* ---- looking at the result ---- */

static struct inode *find(const char *path)
{
    struct lookup lk;
    if (vfs_lookup_in(vfs_root, path, 0, &lk))
        return NULL;
    struct inode *ino = lk.inode;
    lookup_release(&lk); /* still linked, so still alive */
    return ino;
}

static void assert_file(const char *path, const char *want)
{
    struct inode *ino = find(path);
    ck_assert_msg(ino != NULL, "%s missing", path);
    ck_assert(S_ISREG(ino->mode));
    ck_assert_uint_eq(ino->size, strlen(want));
    char buf[256] = {0};
    ck_assert_int_eq(tmpfs_read_kernel(ino, 0, buf, sizeof(buf) - 1), (ssize_t)strlen(want));
    ck_assert_str_eq(buf, want);
}

static void setup(void)
{
    ck_assert_int_eq(vfs_init(), 0);
}

/* ---- well-formed archives ---- */

START_TEST(test_basic_tree)
{
    struct arch a = {0};
    entry(&a, "bin", S_IFDIR | 0700, NULL);
    entry(&a, "bin/hello", S_IFREG | 0755, "hello world\n");
    entry(&a, "sh", S_IFLNK | 0777, "bin/hello");
    entry(&a, "empty", S_IFREG | 0600, NULL);
    trailer(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);

    struct inode *bin = find("bin");
    ck_assert_ptr_nonnull(bin);
    ck_assert_uint_eq(bin->mode, S_IFDIR | 0700);
    assert_file("bin/hello", "hello world\n");
    struct inode *hello = find("/bin/hello");
    ck_assert_uint_eq(hello->mode, S_IFREG | 0755);
    ck_assert_uint_eq(hello->uid, 1000);
    ck_assert_uint_eq(hello->gid, 1001);
    ck_assert_uint_eq(hello->mtime_ns, 1700000000ull * 1000000000ull);
    assert_file("empty", "");

    struct lookup lk;
    ck_assert_int_eq(vfs_lookup_in(vfs_root, "sh", 0, &lk), 0);
    ck_assert(S_ISLNK(lk.inode->mode));
    ck_assert_str_eq(lk.inode->lnk.target, "bin/hello");
    ck_assert_uint_eq(lk.inode->size, 9);
    lookup_release(&lk);
    /* following it reaches the file */
    ck_assert_int_eq(vfs_lookup_in(vfs_root, "sh", LOOKUP_FOLLOW, &lk), 0);
    ck_assert_ptr_eq(lk.inode, hello);
    lookup_release(&lk);
    free(a.buf);
}
END_TEST

START_TEST(test_missing_parents_and_slashes)
{
    struct arch a = {0};
    entry(&a, "./a/b//c/file", S_IFREG | 0644, "x");
    entry(&a, "/abs/y", S_IFREG | 0644, "yy");
    trailer(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    assert_file("a/b/c/file", "x");
    assert_file("abs/y", "yy");
    struct inode *b = find("a/b");
    ck_assert_ptr_nonnull(b);
    ck_assert(S_ISDIR(b->mode));
    ck_assert_ptr_eq(b->dir.parent, find("a"));
    ck_assert_ptr_nonnull(find("a/b/c/.."));
    ck_assert_ptr_eq(find("a/b/c/.."), b);
    free(a.buf);
}
END_TEST

START_TEST(test_070702_and_later_entry_replaces)
{
    struct arch a = {0};
    entry(&a, "f", S_IFREG | 0644, "first");
    hdr(&a, "070702", S_IFREG | 0600, 0, 0, 6, 0, 0, 2);
    put(&a, "f", 2);
    pad4(&a);
    put(&a, "second", 6);
    pad4(&a);
    entry(&a, "d", S_IFDIR | 0755, NULL);
    entry(&a, "d", S_IFDIR | 0711, NULL); /* a directory again: mode only */
    entry(&a, "d/keep", S_IFREG | 0644, "k");
    trailer(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    assert_file("f", "second");
    ck_assert_uint_eq(find("f")->mode, S_IFREG | 0600);
    ck_assert_uint_eq(find("d")->mode, S_IFDIR | 0711);
    assert_file("d/keep", "k");
    free(a.buf);
}
END_TEST

START_TEST(test_root_entry_sets_root_mode)
{
    struct arch a = {0};
    entry(&a, ".", S_IFDIR | 0700, NULL);
    trailer(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    ck_assert_uint_eq(vfs_root->mode, S_IFDIR | 0700);
}
END_TEST

START_TEST(test_trailer_stops)
{
    struct arch a = {0};
    entry(&a, "before", S_IFREG | 0644, "1");
    trailer(&a);
    entry(&a, "after", S_IFREG | 0644, "2");
    put(&a, "garbage that is not a header at all, and long enough to be one "
            "if it were: 0123456789012345678901234567890123456789", 110);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    assert_file("before", "1");
    ck_assert_ptr_null(find("after"));
    free(a.buf);
}
END_TEST

START_TEST(test_no_trailer_takes_what_is_there)
{
    struct arch a = {0};
    entry(&a, "one", S_IFREG | 0644, "1");
    entry(&a, "two", S_IFREG | 0644, "22");
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    assert_file("one", "1");
    assert_file("two", "22");
    /* and a partial header after them is ignored, not read past the end */
    size_t whole = a.len;
    entry(&a, "three", S_IFREG | 0644, "333");
    char *cut = malloc(whole + 50);
    memcpy(cut, a.buf, whole + 50);
    ck_assert_int_eq(vfs_init(), 0);
    ck_assert_int_eq(initramfs_unpack(cut, whole + 50), 0);
    assert_file("two", "22");
    ck_assert_ptr_null(find("three"));
    free(cut);
    free(a.buf);
}
END_TEST

START_TEST(test_empty_image)
{
    ck_assert_int_eq(initramfs_unpack("", 0), 0);
    ck_assert_int_eq(initramfs_unpack("070701", 6), 0);
    ck_assert_uint_eq(vfs_root->dir.nentries, 0);
}
END_TEST

START_TEST(test_file_types)
{
    struct arch a = {0};
    entry(&a, "fifo", S_IFIFO | 0644, NULL);
    entry(&a, "sock", S_IFSOCK | 0644, NULL);
    entry(&a, "blk", S_IFBLK | 0644, NULL);
    entry_dev(&a, "console", S_IFCHR | 0600, NULL, 0, 5, 1);
    entry_dev(&a, "null", S_IFCHR | 0666, NULL, 0, 1, 3);
    trailer(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    ck_assert_ptr_null(find("fifo"));
    ck_assert_ptr_null(find("sock"));
    ck_assert_ptr_null(find("blk"));
    struct inode *c = find("console");
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c->rdev_major, 5);
    ck_assert_uint_eq(c->rdev_minor, 1);
    ck_assert_ptr_eq(c->fops, &console_ops);
    struct inode *n = find("null");
    ck_assert_ptr_nonnull(n);
    ck_assert_uint_eq(n->rdev_major, 1);
    ck_assert_uint_eq(n->rdev_minor, 3);
    ck_assert_ptr_eq(n->fops, &null_ops);
    free(a.buf);
}
END_TEST

/* ---- hostile archives ---- */

START_TEST(test_bad_magic)
{
    struct arch a = {0};
    entry(&a, "x", S_IFREG | 0644, "x");
    memcpy(a.buf, "070707", 6); /* old portable format */
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), -EINVAL);
    memcpy(a.buf, "0707O1", 6);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), -EINVAL);
    ck_assert_ptr_null(find("x"));
    /* a good first entry, then a bad one: the error is reported */
    struct arch b = {0};
    entry(&b, "ok", S_IFREG | 0644, "ok");
    size_t second = b.len;
    entry(&b, "bad", S_IFREG | 0644, "bad");
    b.buf[second] = 'X';
    ck_assert_int_eq(initramfs_unpack(b.buf, b.len), -EINVAL);
    ck_assert_ptr_null(find("bad"));
    free(a.buf);
    free(b.buf);
}
END_TEST

START_TEST(test_bad_hex)
{
    static const char bad[] = {'g', 'G', ' ', '-', 'x', '\0'};
    for (unsigned field = 0; field < 13; field++) {
        for (unsigned i = 0; i < sizeof(bad); i++) {
            struct arch a = {0};
            entry(&a, "x", S_IFREG | 0644, "x");
            trailer(&a);
            a.buf[6 + 8 * field + 3] = bad[i];
            ck_assert_int_eq(initramfs_unpack(a.buf, a.len), -EINVAL);
            free(a.buf);
        }
    }
    ck_assert_ptr_null(find("x"));
    /* lower and upper case hex both parse */
    struct arch a = {0};
    hdr(&a, "070701", S_IFREG | 0644, 0xab, 0, 1, 0, 0, 2);
    for (int i = 6; i < 110; i++)
        if (a.buf[i] >= 'A' && a.buf[i] <= 'F')
            a.buf[i] = (char)(a.buf[i] - 'A' + 'a');
    put(&a, "h", 2);
    pad4(&a);
    put(&a, "H", 1);
    pad4(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    assert_file("h", "H");
    ck_assert_uint_eq(find("h")->uid, 0xab);
    free(a.buf);
}
END_TEST

START_TEST(test_name_size_hostile)
{
    /* namesize 0 */
    struct arch a = {0};
    hdr(&a, "070701", S_IFREG | 0644, 0, 0, 0, 0, 0, 0);
    put(&a, "\0\0\0\0\0\0\0\0", 8);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), -EINVAL);
    free(a.buf);

    /* namesize past the end of the image (by one) */
    memset(&a, 0, sizeof(a));
    hdr(&a, "070701", S_IFREG | 0644, 0, 0, 0, 0, 0, 9);
    put(&a, "abcdefg", 8); /* 8 bytes remain, the header says 9 */
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), -EINVAL);
    free(a.buf);

    /* namesize huge */
    memset(&a, 0, sizeof(a));
    hdr(&a, "070701", S_IFREG | 0644, 0, 0, 0, 0, 0, 0xffffffffu);
    put(&a, "x\0\0\0", 4);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), -EINVAL);
    free(a.buf);

    /* namesize over PATH_MAX, even with the bytes present */
    memset(&a, 0, sizeof(a));
    hdr(&a, "070701", S_IFREG | 0644, 0, 0, 0, 0, 0, ABI_PATH_MAX + 1);
    char *longname = calloc(1, ABI_PATH_MAX + 4);
    memset(longname, 'a', ABI_PATH_MAX);
    put(&a, longname, ABI_PATH_MAX + 4);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), -EINVAL);
    free(longname);
    free(a.buf);

    /* a name without its NUL */
    memset(&a, 0, sizeof(a));
    hdr(&a, "070701", S_IFREG | 0644, 0, 0, 0, 0, 0, 4);
    put(&a, "abcd", 4);
    trailer(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), -EINVAL);
    ck_assert_ptr_null(find("abcd"));
    free(a.buf);
}
END_TEST

START_TEST(test_file_size_hostile)
{
    uint32_t sizes[] = {5, 100, 0x7fffffffu, 0xfffffffcu, 0xffffffffu};
    for (unsigned i = 0; i < CORE_ARRAY_SIZE(sizes); i++) {
        struct arch a = {0};
        hdr(&a, "070701", S_IFREG | 0644, 0, 0, sizes[i], 0, 0, 2);
        put(&a, "f", 2);
        pad4(&a);
        put(&a, "abcd", 4); /* four bytes of data remain */
        ck_assert_int_eq(initramfs_unpack(a.buf, a.len), -EINVAL);
        free(a.buf);
    }
    ck_assert_ptr_null(find("f"));
    /* exactly the bytes that remain is fine (no padding after the data) */
    struct arch a = {0};
    hdr(&a, "070701", S_IFREG | 0644, 0, 0, 3, 0, 0, 2);
    put(&a, "f", 2);
    pad4(&a);
    put(&a, "abc", 3);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    assert_file("f", "abc");
    free(a.buf);
}
END_TEST

START_TEST(test_symlink_size_hostile)
{
    /* A symlink whose size runs past the end is refused ... */
    struct arch a = {0};
    hdr(&a, "070701", S_IFLNK | 0777, 0, 0, 0x1000, 0, 0, 2);
    put(&a, "l", 2);
    pad4(&a);
    put(&a, "target", 6);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), -EINVAL);
    ck_assert_ptr_null(find("l"));
    free(a.buf);
    /* ... and one with a NUL inside keeps the part before it. */
    memset(&a, 0, sizeof(a));
    entry_dev(&a, "l", S_IFLNK | 0777, "ab\0cd", 5, 0, 0);
    trailer(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    struct lookup lk;
    ck_assert_int_eq(vfs_lookup_in(vfs_root, "l", 0, &lk), 0);
    ck_assert_str_eq(lk.inode->lnk.target, "ab");
    ck_assert_uint_eq(lk.inode->size, 2);
    lookup_release(&lk);
    free(a.buf);
}
END_TEST

START_TEST(test_dotdot_refused)
{
    struct arch a = {0};
    entry(&a, "d", S_IFDIR | 0755, NULL);
    entry(&a, "../escape", S_IFREG | 0644, "1");
    entry(&a, "d/../../escape2", S_IFREG | 0644, "2");
    entry(&a, "d/..", S_IFDIR | 0700, NULL);
    entry(&a, "d/ok", S_IFREG | 0644, "3");
    trailer(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0); /* skipped, not fatal */
    ck_assert_ptr_null(find("escape"));
    ck_assert_ptr_null(find("escape2"));
    ck_assert_ptr_null(find("d/escape2"));
    ck_assert_uint_eq(vfs_root->mode, S_IFDIR | 0755); /* "d/.." did not chmod it */
    ck_assert_uint_eq(find("d")->mode, S_IFDIR | 0755);
    assert_file("d/ok", "3");
    /* the root holds just d */
    ck_assert_uint_eq(vfs_root->dir.nentries, 1);
    free(a.buf);
}
END_TEST

START_TEST(test_long_component_and_notdir)
{
    char name[300];
    memset(name, 'n', 256);
    strcpy(name + 256, "/f");
    struct arch a = {0};
    entry(&a, name, S_IFREG | 0644, "long"); /* a 256-byte directory name */
    name[255] = 0;
    entry(&a, name, S_IFREG | 0644, "max"); /* 255 is allowed */
    entry(&a, "file", S_IFREG | 0644, "f");
    entry(&a, "file/under", S_IFREG | 0644, "u"); /* parent is not a dir */
    trailer(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    ck_assert_uint_eq(vfs_root->dir.nentries, 2);
    assert_file(name, "max");
    assert_file("file", "f");
    free(a.buf);
}
END_TEST

START_TEST(test_nonempty_dir_not_replaced)
{
    struct arch a = {0};
    entry(&a, "d/x", S_IFREG | 0644, "x");
    entry(&a, "d", S_IFREG | 0644, "now a file?");
    entry(&a, "e", S_IFDIR | 0755, NULL);
    entry(&a, "e", S_IFREG | 0644, "e is a file");
    trailer(&a);
    ck_assert_int_eq(initramfs_unpack(a.buf, a.len), 0);
    ck_assert(S_ISDIR(find("d")->mode));
    assert_file("d/x", "x");
    assert_file("e", "e is a file");
    ck_assert_uint_eq(vfs_root->nlink, 3); /* ".", "..", and d's ".." */
    free(a.buf);
}
END_TEST

/* Out of memory at every allocation in turn: -ENOMEM (or -ENOSPC from
 * tmpfs), never a crash; with memory back, the same archive unpacks. */
START_TEST(test_out_of_memory)
{
    struct arch a = {0};
    entry(&a, "a/b/c", S_IFREG | 0644, "data");
    entry(&a, "l", S_IFLNK | 0777, "a/b/c");
    entry(&a, "a/big", S_IFREG | 0644, NULL);
    trailer(&a);
    int ok = 0;
    for (unsigned long n = 1; n < 200 && !ok; n++) {
        ck_assert_int_eq(vfs_init(), 0);
        shim_alloc_fail(n, 1);
        int err = initramfs_unpack(a.buf, a.len);
        shim_alloc_fail(0, 0);
        if (err == 0)
            ok = 1;
        else
            ck_assert_msg(err == -ENOMEM || err == -ENOSPC, "n=%lu err=%d", n, err);
    }
    ck_assert(ok);
    assert_file("a/b/c", "data");
    free(a.buf);
}
END_TEST

/* A good archive with random bytes changed, cut at random lengths, the
 * copy exactly as large as what is passed: -EINVAL or 0, never a read
 * past the end (valgrind or ASan see one) and never a crash. */
START_TEST(test_mutations)
{
    struct arch a = {0};
    entry(&a, "dir", S_IFDIR | 0755, NULL);
    entry(&a, "dir/file", S_IFREG | 0644, "some file contents");
    entry(&a, "dir/link", S_IFLNK | 0777, "file");
    entry_dev(&a, "dev", S_IFCHR | 0600, NULL, 0, 5, 1);
    trailer(&a);
    int taken = 0, refused = 0;
    srandom(99);
    for (int round = 0; round < 3000; round++) {
        size_t len = round % 4 ? a.len : (size_t)random() % (a.len + 1);
        char *m = malloc(len ? len : 1);
        memcpy(m, a.buf, len);
        int flips = 1 + (int)(random() % 4);
        for (int f = 0; f < flips && len; f++) {
            size_t at = (size_t)random() % len;
            /* mostly hex digits, so headers still parse and lie */
            static const char pick[] = "0123456789abcdefF7/.\0";
            m[at] = random() % 3 ? pick[random() % (sizeof(pick) - 1)] : (char)random();
        }
        ck_assert_int_eq(vfs_init(), 0);
        int err = initramfs_unpack(m, len);
        ck_assert_msg(err == 0 || err == -EINVAL, "round %d: %d", round, err);
        taken += err == 0;
        refused += err == -EINVAL;
        free(m);
    }
    ck_assert_int_gt(taken, 300); /* both ways, many times */
    ck_assert_int_gt(refused, 300);
    free(a.buf);
}
END_TEST

static Suite *initramfs_suite(void)
{
    Suite *s = suite_create("abi_initramfs");
    TCase *tc = tcase_create("good");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_basic_tree);
    tcase_add_test(tc, test_missing_parents_and_slashes);
    tcase_add_test(tc, test_070702_and_later_entry_replaces);
    tcase_add_test(tc, test_root_entry_sets_root_mode);
    tcase_add_test(tc, test_trailer_stops);
    tcase_add_test(tc, test_no_trailer_takes_what_is_there);
    tcase_add_test(tc, test_empty_image);
    tcase_add_test(tc, test_file_types);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bad_magic);
    tcase_add_test(tc, test_bad_hex);
    tcase_add_test(tc, test_name_size_hostile);
    tcase_add_test(tc, test_file_size_hostile);
    tcase_add_test(tc, test_symlink_size_hostile);
    tcase_add_test(tc, test_dotdot_refused);
    tcase_add_test(tc, test_long_component_and_notdir);
    tcase_add_test(tc, test_nonempty_dir_not_replaced);
    tcase_add_test(tc, test_out_of_memory);
    tcase_add_test(tc, test_mutations);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(initramfs_suite());
}
