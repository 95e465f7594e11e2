/* files: create, read, write, seek, stat, rename and unlink regular files. */
#include "abi.h"
#include <limits.h>
#include <sys/uio.h>

/* Directory sizes and link counts depend on the filesystem: not printed. */
static void show_stat(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        printf("  stat %s: -1 %s\n", path, errname(errno));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        printf("  stat %s: dir mode %04o\n", path, st.st_mode & 07777);
        return;
    }
    printf("  stat %s: %s size %lld mode %04o nlink %lu\n", path,
           S_ISREG(st.st_mode) ? "reg" : "other", (long long)st.st_size,
           st.st_mode & 07777, (unsigned long)st.st_nlink);
}

static void rw_basics(void)
{
    char buf[64] = {0};
    int fd = SHOW(open("a", O_RDWR | O_CREAT | O_EXCL, 0644));
    SHOW(write(fd, "hello, world\n", 13));
    SHOW(lseek(fd, 0, SEEK_CUR));
    SHOW(lseek(fd, 0, SEEK_SET));
    SHOW(read(fd, buf, 5));
    printf("  read \"%s\"\n", buf);
    SHOW(lseek(fd, -6, SEEK_END));
    memset(buf, 0, sizeof buf);
    SHOW(read(fd, buf, sizeof buf));
    printf("  read \"%.5s\"\n", buf);
    SHOW(read(fd, buf, sizeof buf)); /* at EOF */
    SHOW(lseek(fd, -100, SEEK_CUR));
    SHOW(lseek(fd, 0, 42));

    /* pread/pwrite use their own offset and leave the file's alone. */
    SHOW(lseek(fd, 2, SEEK_SET));
    SHOW(pwrite(fd, "W", 1, 7));
    memset(buf, 0, sizeof buf);
    SHOW(pread(fd, buf, 5, 7));
    printf("  pread \"%s\"\n", buf);
    SHOW(lseek(fd, 0, SEEK_CUR));
    SHOW(pread(fd, buf, 5, -1));

    /* Writing past the end leaves a hole that reads back as zeros. */
    SHOW(lseek(fd, 8192, SEEK_SET));
    SHOW(write(fd, "end", 3));
    SHOW(pread(fd, buf, 16, 4096));
    int zero = 1;
    for (int i = 0; i < 16; i++)
        zero &= buf[i] == 0;
    printf("  hole reads zeros: %s\n", zero ? "yes" : "no");
    SHOW(close(fd));
    show_stat("a");

    /* O_TRUNC empties; O_EXCL refuses; the umask trims the mode. */
    SHOW(open("a", O_RDWR | O_CREAT | O_EXCL, 0644));
    fd = SHOW(open("a", O_WRONLY | O_TRUNC));
    SHOW(close(fd));
    show_stat("a");
    umask(027);
    fd = SHOW(open("b", O_WRONLY | O_CREAT, 0666));
    SHOW(close(fd));
    show_stat("b");
    umask(022);
}

static void big_file(void)
{
    static char buf[256 * 1024];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)(i * 7 + (i >> 9));
    int fd = SHOW(open("big", O_RDWR | O_CREAT | O_TRUNC, 0600));
    long total = 0;
    for (int i = 0; i < 4; i++)
        total += write(fd, buf, sizeof buf);
    printf("wrote %ld bytes\n", total);
    SHOW(lseek(fd, 0, SEEK_SET));
    uint32_t h = ABI_FNV_INIT;
    long n, got = 0;
    while ((n = read(fd, buf, 10000)) > 0) {
        h = abi_fnv(h, buf, n);
        got += n;
    }
    printf("read back %ld bytes, fnv %08x\n", got, h);
    SHOW(close(fd));
    show_stat("big");
}

static void stat_facts(void)
{
    struct stat a, b;
    int fd = open("a", O_RDONLY);
    REQUIRE(fd >= 0 && stat("a", &a) == 0 && fstat(fd, &b) == 0);
    YES(a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_ino != 0);
    YES(a.st_mtime > 1577836800); /* after 2020 */
    YES(a.st_uid == getuid() && a.st_gid == getgid());
    YES(fstatat(AT_FDCWD, "a", &b, 0) == 0 && b.st_ino == a.st_ino);
    YES(fstatat(fd, "", &b, AT_EMPTY_PATH) == 0 && b.st_ino == a.st_ino);
    SHOW(fstat(-1, &b));
    SHOW(fstat(12345, &b));
    close(fd);
    show_stat(".");
    YES(stat(".", &a) == 0 && a.st_nlink == 2);
    show_stat("/tmp");
    show_stat("/");
}

/* statx: glibc wraps it; musl 1.2.3 has no wrapper, so the musl build says
 * so instead (each build is only compared with itself on the host). */
static void statx_facts(void)
{
#ifdef __GLIBC__
    struct statx sx;
    struct stat st;
    REQUIRE(stat("a", &st) == 0);
    SHOW(statx(AT_FDCWD, "a", 0, STATX_BASIC_STATS, &sx));
    YES((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
    YES(sx.stx_size == (unsigned long long)st.st_size);
    YES(sx.stx_mode == st.st_mode && sx.stx_ino == st.st_ino);
    YES(sx.stx_nlink == st.st_nlink && sx.stx_uid == st.st_uid);
    YES(sx.stx_mtime.tv_sec == st.st_mtime);
    SHOW(statx(AT_FDCWD, "nonexistent", 0, STATX_BASIC_STATS, &sx));
    SHOW(statx(AT_FDCWD, "a", 0x40000000, STATX_BASIC_STATS, &sx));
    SHOW(statx(AT_FDCWD, "a", 0, 0x80000000U, &sx));
#else
    printf("statx: no wrapper in this libc\n");
#endif
}

/* readv and writev on a regular file, through several buffers. */
static void vectors(void)
{
    char a[4] = {0}, b[8] = {0}, c[64] = {0};
    struct iovec w[3] = {{"abc", 3}, {"", 0}, {"defghijkl", 9}};
    struct iovec r[3] = {{a, 3}, {b, 7}, {c, sizeof c}};
    int fd = SHOW(open("v", O_RDWR | O_CREAT | O_TRUNC, 0644));
    SHOW(writev(fd, w, 3));
    SHOW(lseek(fd, 0, SEEK_SET));
    SHOW(readv(fd, r, 3));
    printf("  \"%s\" \"%s\" \"%s\"\n", a, b, c);
    SHOW(readv(fd, r, 3));
    SHOW(syscall(SYS_readv, fd, r, -1));
    SHOW(syscall(SYS_readv, fd, r, 1025));
    SHOW(close(fd));
    SHOW(unlink("v"));
}

static void errors(void)
{
    char name[300];
    char buf[8];
    SHOW(open("nonexistent", O_RDONLY));
    SHOW(open("", O_RDONLY));
    SHOW(open("a/x", O_RDONLY));
    SHOW(open("a/x", O_RDWR | O_CREAT, 0644));
    SHOW(open("a", O_RDONLY | O_DIRECTORY));
    SHOW(open(".", O_WRONLY));
    SHOW(open(".", O_RDWR));
    SHOW(open("nodir/x", O_RDWR | O_CREAT, 0644));
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = 0;
    SHOW(open(name, O_RDWR | O_CREAT, 0644));
    int fd = SHOW(open("a", O_RDONLY));
    SHOW(write(fd, "x", 1));
    SHOW(close(fd));
    SHOW(close(fd));
    SHOW(read(fd, buf, 1));
    fd = SHOW(open("b", O_WRONLY));
    SHOW(read(fd, buf, 1));
    SHOW(close(fd));
    fd = SHOW(open(".", O_RDONLY | O_DIRECTORY));
    SHOW(read(fd, buf, 1));
    SHOW(close(fd));
    SHOW(write(-1, "x", 1));
    SHOW(lseek(-1, 0, SEEK_SET));
}

static void rename_unlink(void)
{
    SHOW(mkdir("d", 0755));
    SHOW(mkdir("d/e", 0755));
    SHOW(rename("a", "c"));
    show_stat("a");
    show_stat("c");
    SHOW(rename("c", "b")); /* replaces b */
    show_stat("b");
    SHOW(rename("nonexistent", "x"));
    SHOW(rename("b", "d"));
    SHOW(rename("d", "b"));
    SHOW(rename("d", "d/e/f"));
    SHOW(rename("b", "d/b"));
    SHOW(renameat(AT_FDCWD, "d/b", AT_FDCWD, "b2"));
    show_stat("b2");
    SHOW(unlink("b2"));
    SHOW(unlink("b2"));
    SHOW(unlink("d"));
    SHOW(unlinkat(AT_FDCWD, "d/e", 0));
    SHOW(unlinkat(AT_FDCWD, "d/e", AT_REMOVEDIR));
    SHOW(unlinkat(AT_FDCWD, "big", AT_REMOVEDIR));
    SHOW(unlinkat(AT_FDCWD, "big", 0));
    SHOW(rmdir("d"));
}

/* Unlinked but open: the data lives on until the last close. */
static void unlink_open(void)
{
    char buf[8] = {0};
    int fd = SHOW(open("tmp", O_RDWR | O_CREAT, 0600));
    SHOW(write(fd, "alive", 5));
    SHOW(unlink("tmp"));
    show_stat("tmp");
    SHOW(pread(fd, buf, 5, 0));
    printf("  still reads \"%s\"\n", buf);
    struct stat st;
    SHOW(fstat(fd, &st));
    printf("  nlink %lu\n", (unsigned long)st.st_nlink);
    SHOW(close(fd));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    abi_enter_tmpdir();
    rw_basics();
    big_file();
    stat_facts();
    statx_facts();
    vectors();
    errors();
    rename_unlink();
    unlink_open();
    return 0;
}
