/* symlinks: symlink, readlink, lstat against stat, loops and O_NOFOLLOW. */
#include "abi.h"

static void rl(const char *path)
{
    char buf[256];
    ssize_t n = readlink(path, buf, sizeof buf);
    if (n < 0)
        printf("readlink %s: -1 %s\n", path, errname(errno));
    else
        printf("readlink %s = \"%.*s\" (%zd)\n", path, (int)n, buf, n);
}

static void kinds(const char *path)
{
    struct stat s, l;
    int rs = stat(path, &s), es = errno;
    int rl_ = lstat(path, &l), el = errno;
    printf("%s: stat %s, lstat %s\n", path,
           rs < 0               ? errname(es)
           : S_ISDIR(s.st_mode) ? "dir"
           : S_ISREG(s.st_mode) ? "reg"
                                : "other",
           rl_ < 0              ? errname(el)
           : S_ISLNK(l.st_mode) ? "lnk"
           : S_ISDIR(l.st_mode) ? "dir"
           : S_ISREG(l.st_mode) ? "reg"
                                : "other");
    if (rl_ == 0 && S_ISLNK(l.st_mode))
        printf("  lstat size %lld\n", (long long)l.st_size);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    abi_enter_tmpdir();
    char buf[64];

    int fd = open("target", O_CREAT | O_WRONLY, 0644);
    SHOW(write(fd, "through the link\n", 17));
    close(fd);
    SHOW(mkdir("dir", 0755));
    SHOW(symlink("target", "ln"));
    SHOW(symlink("target", "ln"));
    SHOW(symlink("dir", "lndir"));
    SHOW(symlink("nowhere", "dangling"));
    SHOW(symlink("loop2", "loop1"));
    SHOW(symlink("loop1", "loop2"));
    SHOW(symlink("self", "self"));
    SHOW(symlink("", "empty"));
    SHOW(symlinkat("../target", AT_FDCWD, "dir/up"));
    SHOW(symlink("/tmp", "abs"));

    rl("ln");
    rl("dir/up");
    rl("abs");
    rl("target");
    rl("nonexistent");
    rl("lndir/up");
    SHOW(readlink("ln", buf, 3));
    printf("  truncated: \"%.3s\"\n", buf);
    SHOW(syscall(SYS_readlink, "ln", buf, 0));

    kinds("ln");
    kinds("lndir");
    kinds("dangling");
    kinds("loop1");
    kinds("self");
    kinds("dir/up");
    kinds("lndir/up");
    kinds("abs");

    fd = SHOW(open("lndir/up", O_RDONLY));
    memset(buf, 0, sizeof buf);
    SHOW(read(fd, buf, sizeof buf - 1));
    printf("  read \"%.16s\"\n", buf);
    close(fd);
    SHOW(open("ln", O_RDONLY | O_NOFOLLOW));
    SHOW(open("target", O_RDONLY | O_NOFOLLOW));
    SHOW(open("loop1", O_RDONLY));
    SHOW(open("dangling", O_RDONLY));
    SHOW(open("lndir/../target", O_RDONLY));

    /* O_CREAT through a dangling link creates its target. */
    SHOW(close(open("dangling", O_CREAT | O_WRONLY, 0600)));
    kinds("dangling");
    kinds("nowhere");
    SHOW(open("dangling", O_CREAT | O_EXCL | O_WRONLY, 0600));

    /* A chain of 40 links resolves; Linux stops following at more than 40. */
    char a[16], b[16];
    for (int i = 1; i <= 41; i++) {
        snprintf(a, sizeof a, "c%d", i);
        snprintf(b, sizeof b, "c%d", i - 1);
        symlink(i == 1 ? "target" : b, a);
    }
    SHOW(open("c40", O_RDONLY));
    SHOW(open("c41", O_RDONLY));

    SHOW(chdir("lndir"));
    SHOW(chdir(".."));
    SHOW(mkdir("ln", 0755));
    SHOW(rmdir("lndir"));
    SHOW(unlink("lndir"));
    kinds("dir");
    SHOW(rename("ln", "ln2"));
    rl("ln2");
    kinds("target");
    SHOW(unlink("ln2"));
    kinds("target");
    return 0;
}
