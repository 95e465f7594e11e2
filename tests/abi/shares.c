/* What programs do to files on a read-write host share, beyond what a
 * shell script reaches: rename flags (NOREPLACE, EXCHANGE), a file made
 * read-only by its own O_CREAT and still written through that fd, O_TRUNC,
 * pwrite past the end, ftruncate, fsync, fdatasync, fallocate, utimensat with
 * UTIME_NOW and UTIME_OMIT, statfs, a file read while it is written, and
 * a file mapped MAP_PRIVATE.
 *
 *   shares ops DIR    in DIR (rwshare.sh compares it with the host)
 *   shares mmap FILE  a MAP_SHARED write (mica: ENODEV, by design)
 *   shares links A B  A and B the same host directory, two shares: a link
 *                     removed through B, behind A's back, then A's last
 *                     name of the file removed while the other is still
 *                     in A's name cache: it must be gone, not a freed node
 */
#include "abi.h"

#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/mman.h>
#include <sys/statfs.h>

static void show_file(const char *name)
{
    char buf[64];
    int fd = open(name, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
    if (n < 0) {
        printf("%s: unreadable %s\n", name, errname(errno));
    } else {
        buf[n] = 0;
        printf("%s: \"%s\"\n", name, buf);
    }
    if (fd >= 0)
        close(fd);
}

static void renames(void)
{
    int fd;
    REQUIRE((fd = open("a", O_CREAT | O_WRONLY | O_TRUNC, 0644)) >= 0);
    REQUIRE(write(fd, "A", 1) == 1 && close(fd) == 0);
    REQUIRE((fd = open("b", O_CREAT | O_WRONLY | O_TRUNC, 0644)) >= 0);
    REQUIRE(write(fd, "B", 1) == 1 && close(fd) == 0);
    SHOW(syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE));
    SHOW(syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "b", RENAME_EXCHANGE));
    show_file("a");
    show_file("b");
    SHOW(syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "none", RENAME_EXCHANGE));
    SHOW(syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "c", RENAME_NOREPLACE));
    SHOW(syscall(SYS_renameat2, AT_FDCWD, "c", AT_FDCWD, "b",
                 RENAME_NOREPLACE | RENAME_EXCHANGE));
    REQUIRE(mkdir("dir", 0755) == 0);
    SHOW(syscall(SYS_renameat2, AT_FDCWD, "c", AT_FDCWD, "dir", RENAME_EXCHANGE));
    YES(access("dir", F_OK) == 0 && open("dir", O_RDONLY | O_DIRECTORY) < 0);
    SHOW(rename("dir", "c/x"));
    SHOW(rename("c", "c/x"));
}

static void writes(void)
{
    int fd = open("ro", O_CREAT | O_EXCL | O_RDWR, 0444);
    struct stat st;
    REQUIRE(fd >= 0);
    SHOW(write(fd, "written through a 0444 file's own fd", 36));
    SHOW(pwrite(fd, "end", 3, 100000));
    REQUIRE(fstat(fd, &st) == 0);
    printf("size %lld mode %o\n", (long long)st.st_size, st.st_mode & 07777);
    char buf[16] = {0};
    SHOW(pread(fd, buf, 8, 99998));
    printf("pread: %02x %02x %c%c%c\n", buf[0], buf[1], buf[2], buf[3], buf[4]);
    SHOW(ftruncate(fd, 10));
    SHOW(fsync(fd));
    SHOW(fdatasync(fd));
    REQUIRE(fstat(fd, &st) == 0);
    printf("size %lld\n", (long long)st.st_size);
    SHOW(fallocate(fd, 0, 0, 8192));
    SHOW(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 20000));
    REQUIRE(fstat(fd, &st) == 0);
    printf("size after fallocate %lld\n", (long long)st.st_size);
    SHOW(ftruncate(fd, 10));
    close(fd);
    show_file("ro"); /* (opening it again for writing depends on CAP_DAC_OVERRIDE) */
    /* a file read, then changed, then read again through the same fd */
    int w = open("rw", O_CREAT | O_RDWR | O_TRUNC, 0644);
    REQUIRE(w >= 0);
    REQUIRE(write(w, "first version", 13) == 13);
    REQUIRE(pread(w, buf, 13, 0) == 13);
    REQUIRE(pwrite(w, "FIRST", 5, 0) == 5);
    memset(buf, 0, sizeof(buf));
    SHOW(pread(w, buf, 13, 0));
    printf("after overwrite: %s\n", buf);
    close(w);
    SHOW(open("rw", O_WRONLY | O_TRUNC) >= 0 ? 0 : -1);
    REQUIRE(stat("rw", &st) == 0);
    printf("after O_TRUNC: %lld\n", (long long)st.st_size);
    w = open("ap", O_CREAT | O_WRONLY | O_APPEND, 0600);
    REQUIRE(w >= 0 && write(w, "one,", 4) == 4 && pwrite(w, "two", 3, 0) == 3);
    close(w);
    show_file("ap");
}

static void times_and_statfs(void)
{
    struct timespec ts[2] = {{1000000000, 5}, {0, UTIME_OMIT}};
    struct stat st;
    struct statfs sf;
    SHOW(utimensat(AT_FDCWD, "rw", ts, 0));
    REQUIRE(stat("rw", &st) == 0);
    printf("atime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1] = (struct timespec){1234567890, 0};
    SHOW(utimensat(AT_FDCWD, "rw", ts, 0));
    REQUIRE(stat("rw", &st) == 0);
    printf("mtime %lld atime kept %d\n", (long long)st.st_mtim.tv_sec,
           st.st_atim.tv_sec == 1000000000);
    ts[1].tv_nsec = UTIME_NOW;
    SHOW(utimensat(AT_FDCWD, "rw", ts, 0));
    REQUIRE(stat("rw", &st) == 0);
    YES(st.st_mtim.tv_sec > 1234567890);
    ts[1].tv_nsec = 1000000000;
    SHOW(utimensat(AT_FDCWD, "rw", ts, 0));
    SHOW(statfs(".", &sf));
    printf("namelen %ld\n", (long)sf.f_namelen);
    SHOW(chmod("rw", 0604));
    REQUIRE(stat("rw", &st) == 0);
    printf("mode %o\n", st.st_mode & 07777);
    SHOW(chown("rw", st.st_uid, st.st_gid));
}

static void private_map(void)
{
    int fd = open("m", O_CREAT | O_RDWR | O_TRUNC, 0644);
    REQUIRE(fd >= 0 && write(fd, "mapped file", 11) == 11);
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    REQUIRE(p != MAP_FAILED);
    p[0] = 'M';
    printf("private: %.11s\n", p);
    munmap(p, 4096);
    close(fd);
    show_file("m");
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && strcmp(argv[1], "ops") == 0) {
        REQUIRE(chdir(argv[2]) == 0);
        umask(022);
        renames();
        writes();
        times_and_statfs();
        private_map();
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "mmap") == 0) {
        int fd = open(argv[2], O_RDWR);
        REQUIRE(fd >= 0);
        char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        REQUIRE(p != MAP_FAILED);
        p[0] = 'F';
        printf("private: %.13s\n", p);
        p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        printf("shared write: %s\n", p == MAP_FAILED ? errname(errno) : "mapped");
        p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
        printf("shared read: %s\n", p == MAP_FAILED ? errname(errno) : "mapped");
        show_file(argv[2]);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "links") == 0) {
        char a_x[256], a_y[256], b_y[256];
        struct stat st;
        snprintf(a_x, sizeof(a_x), "%s/x", argv[2]);
        snprintf(a_y, sizeof(a_y), "%s/y", argv[2]);
        snprintf(b_y, sizeof(b_y), "%s/y", argv[3]);
        int fd = open(a_x, O_CREAT | O_WRONLY | O_TRUNC, 0644);
        REQUIRE(fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0);
        REQUIRE(link(a_x, a_y) == 0);
        REQUIRE(stat(a_x, &st) == 0 && stat(a_y, &st) == 0);
        printf("links %d\n", (int)st.st_nlink);
        SHOW(unlink(b_y));
        SHOW(chmod(a_x, 0600)); /* the server's answer: one link left */
        SHOW(unlink(a_x));
        SHOW(stat(a_y, &st));
        SHOW(open(a_y, O_RDONLY));
        SHOW(stat(a_x, &st));
        return 0;
    }
    fprintf(stderr, "usage: shares ops DIR | shares mmap FILE | shares links A B\n");
    return 2;
}
