/* dirs: mkdir, rmdir, getdents64 listings, chdir/getcwd and relative paths. */
#include "abi.h"
#include <dirent.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List a directory through readdir (getdents64), sorted, with types. */
static void list(const char *path)
{
    char *names[64];
    int n = 0;
    DIR *d = opendir(path);
    if (!d) {
        printf("opendir %s: -1 %s\n", path, errname(errno));
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        char t = e->d_type == DT_DIR   ? 'd'
                 : e->d_type == DT_REG ? 'f'
                 : e->d_type == DT_LNK ? 'l'
                                       : '?';
        if (asprintf(&names[n], "%s(%c)", e->d_name, t) > 0)
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    printf("ls %s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

/* Print the cwd relative to our private directory. */
static void pwd(void)
{
    char buf[4096];
    size_t k = strlen(abi_dir);
    if (!getcwd(buf, sizeof buf)) {
        printf("getcwd: -1 %s\n", errname(errno));
        return;
    }
    if (strncmp(buf, abi_dir, k) == 0)
        printf("cwd = $T%s\n", buf + k);
    else
        printf("cwd = %s\n", buf);
}

/* Raw getdents64 with a tiny buffer: EINVAL, then one entry per call. */
static void small_buffers(void)
{
    char buf[512];
    int fd = SHOW(open("big", O_RDONLY | O_DIRECTORY));
    SHOW(syscall(SYS_getdents64, fd, buf, 1));
    long total = 0, calls = 0, r;
    while ((r = syscall(SYS_getdents64, fd, buf, 64)) > 0) {
        for (long off = 0; off < r;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, sizeof reclen);
            off += reclen;
            total++;
        }
        calls++;
    }
    printf("getdents64 with 64-byte buffer: %ld entries, end %ld\n", total, r);
    YES(calls >= total / 2);
    SHOW(lseek(fd, 0, SEEK_SET));
    r = syscall(SYS_getdents64, fd, buf, sizeof buf);
    printf("rewind and read again: %s\n", r > 0 ? "yes" : "no");
    SHOW(close(fd));
    SHOW(syscall(SYS_getdents64, 999, buf, sizeof buf));
    int f = open("big/f0", O_RDONLY);
    SHOW(syscall(SYS_getdents64, f, buf, sizeof buf));
    close(f);
}

/* The *at calls against a directory descriptor, and getcwd's limits. */
static void at_calls(void)
{
    char buf[256];
    struct stat st;
    SHOW(mkdir("at", 0755));
    int d = SHOW(open("at", O_RDONLY | O_DIRECTORY));
    int f = SHOW(openat(d, "file", O_WRONLY | O_CREAT | O_EXCL, 0640));
    SHOW(write(f, "12345", 5));
    SHOW(close(f));
    SHOW(fstatat(d, "file", &st, 0));
    printf("  size %lld mode %04o\n", (long long)st.st_size, st.st_mode & 0777);
    SHOW(symlinkat("file", d, "link"));
    SHOW(readlinkat(d, "link", buf, sizeof buf));
    SHOW(fstatat(d, "link", &st, AT_SYMLINK_NOFOLLOW));
    YES(S_ISLNK(st.st_mode));
    SHOW(renameat(d, "file", d, "file2"));
    SHOW(renameat(d, "file2", AT_FDCWD, "moved"));
    SHOW(unlinkat(d, "link", 0));
    SHOW(openat(d, "missing", O_RDONLY));
    int f2 = open("moved", O_RDONLY);
    SHOW(openat(f2, "x", O_RDONLY));
    SHOW(openat(-1, "x", O_RDONLY));
    SHOW(openat(-1, "/tmp", O_RDONLY | O_DIRECTORY) >= 0);
    SHOW(close(f2));
    SHOW(unlink("moved"));
    SHOW(fchdir(d));
    pwd();
    SHOW(chdir(".."));
    SHOW(close(d));
    SHOW(unlinkat(AT_FDCWD, "at", AT_REMOVEDIR));

    SHOW(syscall(SYS_getcwd, buf, 1));
    SHOW(syscall(SYS_getcwd, buf, 0));
    long n = syscall(SYS_getcwd, buf, sizeof buf);
    printf("getcwd returns strlen+1: %s\n", n == (long)strlen(buf) + 1 ? "yes" : "no");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    abi_enter_tmpdir();
    pwd();
    list(".");
    SHOW(mkdir("a", 0755));
    SHOW(mkdir("a", 0755));
    SHOW(mkdir("a/b", 0700));
    SHOW(mkdir("a/b/c", 0755));
    SHOW(mkdir("x/y", 0755));
    SHOW(mkdir("", 0755));
    SHOW(close(open("a/file", O_CREAT | O_WRONLY, 0644)));
    SHOW(mkdir("a/file/z", 0755));
    list(".");
    list("a");
    list("a/b/c");
    list("a/file");
    list("nonexistent");

    SHOW(chdir("a/b"));
    pwd();
    SHOW(chdir(".."));
    pwd();
    SHOW(chdir("./b/../b/c/."));
    pwd();
    SHOW(chdir("../../.."));
    pwd();
    SHOW(chdir("a/file"));
    SHOW(chdir("nonexistent"));
    pwd();
    SHOW(close(open("a/b/../../a/./b/c/deep", O_CREAT | O_WRONLY, 0644)));
    list("a/b/c");
    list("a/b/c/..");

    /* ".." of the root is the root. */
    SHOW(chdir("/.."));
    pwd();
    struct stat r1, r2;
    YES(stat("/", &r1) == 0 && stat("/../tmp/..", &r2) == 0 && r1.st_ino == r2.st_ino &&
        r1.st_dev == r2.st_dev);
    SHOW(chdir(abi_dir));

    SHOW(rmdir("a/b"));
    SHOW(rmdir("a/b/c/deep"));
    SHOW(unlink("a/b/c/deep"));
    SHOW(rmdir("a/b/c/."));
    SHOW(rmdir("a/b/c"));
    SHOW(rmdir("a/b"));
    SHOW(rmdir("a/b"));
    SHOW(rmdir("nonexistent/x"));
    list("a");

    /* A directory with many entries, listed in full. */
    SHOW(mkdir("big", 0755));
    for (int i = 0; i < 200; i++) {
        char name[32];
        snprintf(name, sizeof name, "big/f%d", i);
        close(open(name, O_CREAT | O_WRONLY, 0644));
    }
    DIR *d = opendir("big");
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    printf("big has %d entries\n", n);
    small_buffers();
    at_calls();

    /* The cwd can be removed under us; getcwd then fails or says so. */
    SHOW(mkdir("gone", 0755));
    SHOW(chdir("gone"));
    SHOW(rmdir("../gone"));
    SHOW(open("newfile", O_CREAT | O_WRONLY, 0644));
    SHOW(chdir(".."));
    pwd();
    return 0;
}
