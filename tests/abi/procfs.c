/* procfs: /proc/self and its files agree with the syscalls, /proc's own
 * files parse, /dev's devices behave; every line is a fact that holds on
 * any Linux (no pids, sizes or times are printed, only comparisons). */
#include "abi.h"

#include <dirent.h>
#include <limits.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#define PROC_SUPER_MAGIC 0x9fa0 /* statfs f_type of proc (musl has no <linux/magic.h>) */

static char buf[65536];

/* The whole file into buf (NUL-terminated); its length or -1. */
static long slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long n = 0, r;
    while (n < (long)sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
        n += r;
    close(fd);
    buf[n] = 0;
    return n;
}

static const char *yes(int c)
{
    return c ? "yes" : "no";
}

static int link_is(const char *path, const char *want)
{
    char l[PATH_MAX];
    ssize_t n = readlink(path, l, sizeof(l) - 1);
    if (n < 0)
        return 0;
    l[n] = 0;
    return strcmp(l, want) == 0;
}

static void self_stat(void)
{
    char want[64];
    SHOW(slurp("/proc/self/stat") > 0);
    int pid = atoi(buf);
    printf("stat pid is getpid: %s\n", yes(pid == getpid()));
    char *close_paren = strrchr(buf, ')');
    int fields = 2;
    for (char *c = close_paren + 1; *c; c++)
        fields += *c == ' ';
    printf("stat fields: %d, state %c\n", fields, close_paren[2]);
    printf("stat ppid is getppid: %s\n", yes(atoi(close_paren + 4) == getppid()));
    SHOW(slurp("/proc/self/status") > 0);
    snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
    printf("status Pid: %s\n", yes(strstr(buf, want) != NULL));
    snprintf(want, sizeof(want), "\nUid:\t%u\t%u\t", getuid(), geteuid());
    printf("status Uid: %s\n", yes(strstr(buf, want) != NULL));
    printf("status has VmRSS, SigBlk: %s\n",
           yes(strstr(buf, "\nVmRSS:") && strstr(buf, "\nSigBlk:\t")));
    SHOW(slurp("/proc/self/statm") > 0);
    int nf = 0;
    for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n"))
        nf++;
    printf("statm fields: %d\n", nf);
    SHOW(slurp("/proc/self/maps") > 0);
    printf("maps has [stack]: %s\n", yes(strstr(buf, " [stack]\n") != NULL));
}

static void self_args(int argc, char **argv, char **envp)
{
    long n = slurp("/proc/self/cmdline"), at = 0;
    int same = n > 0;
    for (int i = 0; i < argc && same; i++) {
        same = strcmp(buf + at, argv[i]) == 0;
        at += (long)strlen(argv[i]) + 1;
    }
    printf("cmdline is argv: %s\n", yes(same && at == n));
    n = slurp("/proc/self/environ");
    at = 0;
    same = n >= 0;
    for (int i = 0; envp[i] && same; i++) {
        same = strcmp(buf + at, envp[i]) == 0;
        at += (long)strlen(envp[i]) + 1;
    }
    printf("environ is envp: %s\n", yes(same && at == n));
    SHOW(slurp("/proc/self/comm") > 0);
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    char want[32];
    snprintf(want, sizeof(want), "%.15s\n", base); /* TASK_COMM_LEN - 1 */
    printf("comm is the program name: %s\n", yes(strcmp(buf, want) == 0));
}

static void self_links(const char *argv0)
{
    char want[PATH_MAX + 16], cwd[PATH_MAX];
    snprintf(want, sizeof(want), "%d", getpid());
    printf("/proc/self -> pid: %s\n", yes(link_is("/proc/self", want)));
    printf("exe is argv[0]'s realpath: %s\n",
           yes(realpath(argv0, want) && link_is("/proc/self/exe", want)));
    printf("cwd is getcwd: %s\n", yes(getcwd(cwd, sizeof(cwd)) && link_is("/proc/self/cwd", cwd)));
    printf("root is /: %s\n", yes(link_is("/proc/self/root", "/")));
    int fd = open("file", O_CREAT | O_RDWR, 0644);
    SHOW(write(fd, "12345", 5));
    char fdpath[64];
    snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
    snprintf(want, sizeof(want), "%s/file", cwd);
    printf("fd link is the file's path: %s\n", yes(link_is(fdpath, want)));
    struct stat a, b;
    SHOW(fstat(fd, &a));
    SHOW(stat(fdpath, &b));
    printf("same inode through the fd link: %s\n", yes(a.st_ino == b.st_ino && a.st_dev == b.st_dev));
    int again = open(fdpath, O_RDONLY); /* reopened: its own offset */
    SHOW(read(again, buf, sizeof(buf)));
    close(again);
    SHOW(rename("file", "moved"));
    snprintf(want, sizeof(want), "%s/moved", cwd);
    printf("fd link follows a rename: %s\n", yes(link_is(fdpath, want)));
    DIR *d = opendir("/proc/self/fd");
    int seen = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        seen += atoi(e->d_name) == fd && e->d_type == DT_LNK;
    closedir(d);
    printf("fd listed in /proc/self/fd: %s\n", yes(seen == 1));
    close(fd);
    printf("closed fd gone: %s\n", yes(access(fdpath, F_OK) < 0 && errno == ENOENT));
}

static void proc_files(void)
{
    SHOW(slurp("/proc/meminfo") > 0);
    printf("meminfo starts with MemTotal: %s\n", yes(strncmp(buf, "MemTotal:", 9) == 0));
    printf("meminfo has MemAvailable: %s\n", yes(strstr(buf, "\nMemAvailable:") != NULL));
    double up, idle;
    SHOW(slurp("/proc/uptime") > 0);
    printf("uptime parses: %s\n", yes(sscanf(buf, "%lf %lf", &up, &idle) == 2));
    SHOW(slurp("/proc/loadavg") > 0);
    double l1, l5, l15;
    int run, total, last;
    printf("loadavg parses: %s\n",
           yes(sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &total, &last) == 6));
    SHOW(slurp("/proc/stat") > 0);
    printf("stat has cpu and btime: %s\n",
           yes(strncmp(buf, "cpu ", 4) == 0 && strstr(buf, "\nbtime ")));
    SHOW(slurp("/proc/cpuinfo") > 0);
    printf("cpuinfo has processor 0: %s\n", yes(strncmp(buf, "processor\t: 0\n", 14) == 0));
    SHOW(slurp("/proc/filesystems") > 0);
    printf("filesystems has proc, tmpfs: %s\n",
           yes(strstr(buf, "\tproc\n") && strstr(buf, "\ttmpfs\n")));
    SHOW(slurp("/proc/mounts") > 0);
    printf("mounts has /proc: %s\n", yes(strstr(buf, " /proc proc ") != NULL));
    SHOW(slurp("/proc/version") > 0);
    printf("version starts with Linux version: %s\n", yes(strncmp(buf, "Linux version ", 14) == 0));
    SHOW(slurp("/proc/sys/kernel/ostype") > 0);
    printf("ostype: %s", buf);
    struct statfs sf;
    SHOW(statfs("/proc", &sf));
    printf("proc magic: %s\n", yes(sf.f_type == PROC_SUPER_MAGIC));
    DIR *d = opendir("/proc");
    int self = 0, me = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        self += strcmp(e->d_name, "self") == 0;
        me += atoi(e->d_name) == getpid();
    }
    closedir(d);
    printf("/proc lists self and getpid: %s\n", yes(self == 1 && me == 1));
    struct stat st;
    SHOW(stat("/proc/99999999", &st));
    SHOW(stat("/proc/self/nosuch", &st));
    SHOW(mkdir("/proc/x", 0755));
    SHOW(open("/proc/self/nosuch", O_CREAT | O_WRONLY, 0644));
}

static void dev_files(void)
{
    int fd = open("/dev/null", O_RDWR);
    SHOW(write(fd, "abcde", 5));
    SHOW(read(fd, buf, 10));
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, 8);
    SHOW(read(fd, buf, 8));
    printf("zero reads zeros: %s\n", yes(!buf[0] && !buf[7]));
    close(fd);
    fd = open("/dev/full", O_RDWR);
    SHOW(write(fd, "x", 1));
    SHOW(read(fd, buf, 4));
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    SHOW(read(fd, buf, 16));
    close(fd);
    struct stat st;
    SHOW(stat("/dev/null", &st));
    printf("/dev/null is 1:3: %s\n", yes(S_ISCHR(st.st_mode) && st.st_rdev == (dev_t)makedev(1, 3)));
}

/* Last: when stdout is a file, a reopened descriptor has its own offset,
 * and the program's stdout must not write over what it appended. */
static void dev_stdout(void)
{
    fflush(stdout);
    int fd = open("/dev/fd/1", O_WRONLY | O_APPEND);
    if (fd < 0)
        return;
    (void)!write(fd, "written through /dev/fd/1\n", 26);
    close(fd);
    fd = open("/dev/stdout", O_WRONLY | O_APPEND);
    (void)!write(fd, "written through /dev/stdout\n", 28);
    close(fd);
}

int main(int argc, char **argv, char **envp)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    abi_enter_tmpdir();
    self_stat();
    self_args(argc, argv, envp);
    self_links(argv[0]);
    proc_files();
    dev_files();
    dev_stdout();
    return 0;
}
