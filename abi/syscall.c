/* The syscall dispatcher: a table indexed by syscall number.
 *
 * Each entry is a small adapter that takes the argument registers
 * (rdi, rsi, rdx, r10, r8, r9) from the saved user context, gives them
 * their types (user pointers become uaddr_t) and calls the handler
 * sys_<name>. Numbers without an entry, or out of range, return ENOSYS;
 * the first time each one is seen it is reported by name (mica -v).
 */
#include "abi_int.h"
#include "sys.h"
#include "syscall_names.h"

#include <asm/unistd.h>

typedef long (*syscall_fn)(struct core_uregs *r);

#define NR_SYSCALLS 512

static long w_execve(struct core_uregs *r) { return sys_execve(uaddr(r->rdi), uaddr(r->rsi), uaddr(r->rdx), r); }
static long w_execveat(struct core_uregs *r) { return sys_execveat((int)r->rdi, uaddr(r->rsi), uaddr(r->rdx), uaddr(r->r10), (int)r->r8, r); }
static long w_mkdirat(struct core_uregs *r) { return sys_mkdirat((int)r->rdi, uaddr(r->rsi), (uint32_t)r->rdx); }
static long w_mkdir(struct core_uregs *r) { return sys_mkdir(uaddr(r->rdi), (uint32_t)r->rsi); }
static long w_unlinkat(struct core_uregs *r) { return sys_unlinkat((int)r->rdi, uaddr(r->rsi), (int)r->rdx); }
static long w_unlink(struct core_uregs *r) { return sys_unlink(uaddr(r->rdi)); }
static long w_rmdir(struct core_uregs *r) { return sys_rmdir(uaddr(r->rdi)); }
static long w_renameat2(struct core_uregs *r) { return sys_renameat2((int)r->rdi, uaddr(r->rsi), (int)r->rdx, uaddr(r->r10), (unsigned)r->r8); }
static long w_renameat(struct core_uregs *r) { return sys_renameat((int)r->rdi, uaddr(r->rsi), (int)r->rdx, uaddr(r->r10)); }
static long w_rename(struct core_uregs *r) { return sys_rename(uaddr(r->rdi), uaddr(r->rsi)); }
static long w_linkat(struct core_uregs *r) { return sys_linkat((int)r->rdi, uaddr(r->rsi), (int)r->rdx, uaddr(r->r10), (int)r->r8); }
static long w_link(struct core_uregs *r) { return sys_link(uaddr(r->rdi), uaddr(r->rsi)); }
static long w_symlinkat(struct core_uregs *r) { return sys_symlinkat(uaddr(r->rdi), (int)r->rsi, uaddr(r->rdx)); }
static long w_symlink(struct core_uregs *r) { return sys_symlink(uaddr(r->rdi), uaddr(r->rsi)); }
static long w_readlinkat(struct core_uregs *r) { return sys_readlinkat((int)r->rdi, uaddr(r->rsi), uaddr(r->rdx), (int)r->r10); }
static long w_readlink(struct core_uregs *r) { return sys_readlink(uaddr(r->rdi), uaddr(r->rsi), (int)r->rdx); }
static long w_getcwd(struct core_uregs *r) { return sys_getcwd(uaddr(r->rdi), (size_t)r->rsi); }
static long w_chdir(struct core_uregs *r) { return sys_chdir(uaddr(r->rdi)); }
static long w_fchdir(struct core_uregs *r) { return sys_fchdir((int)r->rdi); }
static long w_getdents64(struct core_uregs *r) { return sys_getdents64((int)r->rdi, uaddr(r->rsi), (unsigned)r->rdx); }
static long w_dup(struct core_uregs *r) { return sys_dup((int)r->rdi); }
static long w_dup3(struct core_uregs *r) { return sys_dup3((int)r->rdi, (int)r->rsi, (int)r->rdx); }
static long w_dup2(struct core_uregs *r) { return sys_dup2((int)r->rdi, (int)r->rsi); }
static long w_fcntl(struct core_uregs *r) { return sys_fcntl((int)r->rdi, (int)r->rsi, (uint64_t)r->rdx); }
static long w_ioctl(struct core_uregs *r) { return sys_ioctl((int)r->rdi, (unsigned)r->rsi, (uint64_t)r->rdx); }
static long w_poll(struct core_uregs *r) { return sys_poll(uaddr(r->rdi), (unsigned)r->rsi, (int)r->rdx); }
static long w_ppoll(struct core_uregs *r) { return sys_ppoll(uaddr(r->rdi), (unsigned)r->rsi, uaddr(r->rdx), uaddr(r->r10), (size_t)r->r8); }
static long w_ftruncate(struct core_uregs *r) { return sys_ftruncate((int)r->rdi, (int64_t)r->rsi); }
static long w_truncate(struct core_uregs *r) { return sys_truncate(uaddr(r->rdi), (int64_t)r->rsi); }
static long w_fsync(struct core_uregs *r) { return sys_fsync((int)r->rdi); }
static long w_fdatasync(struct core_uregs *r) { return sys_fdatasync((int)r->rdi); }
static long w_sync(struct core_uregs *r) { return sys_sync(); }
static long w_fadvise64(struct core_uregs *r) { return sys_fadvise64((int)r->rdi, (int64_t)r->rsi, (int64_t)r->rdx, (int)r->r10); }
static long w_openat(struct core_uregs *r) { return sys_openat((int)r->rdi, uaddr(r->rsi), (int)r->rdx, (uint32_t)r->r10); }
static long w_open(struct core_uregs *r) { return sys_open(uaddr(r->rdi), (int)r->rsi, (uint32_t)r->rdx); }
static long w_creat(struct core_uregs *r) { return sys_creat(uaddr(r->rdi), (uint32_t)r->rsi); }
static long w_close(struct core_uregs *r) { return sys_close((int)r->rdi); }
static long w_read(struct core_uregs *r) { return sys_read((int)r->rdi, uaddr(r->rsi), (size_t)r->rdx); }
static long w_write(struct core_uregs *r) { return sys_write((int)r->rdi, uaddr(r->rsi), (size_t)r->rdx); }
static long w_pread64(struct core_uregs *r) { return sys_pread64((int)r->rdi, uaddr(r->rsi), (size_t)r->rdx, (int64_t)r->r10); }
static long w_pwrite64(struct core_uregs *r) { return sys_pwrite64((int)r->rdi, uaddr(r->rsi), (size_t)r->rdx, (int64_t)r->r10); }
static long w_readv(struct core_uregs *r) { return sys_readv((int)r->rdi, uaddr(r->rsi), (int)r->rdx); }
static long w_writev(struct core_uregs *r) { return sys_writev((int)r->rdi, uaddr(r->rsi), (int)r->rdx); }
static long w_preadv(struct core_uregs *r) { return sys_preadv((int)r->rdi, uaddr(r->rsi), (int)r->rdx, (int64_t)r->r10); }
static long w_pwritev(struct core_uregs *r) { return sys_pwritev((int)r->rdi, uaddr(r->rsi), (int)r->rdx, (int64_t)r->r10); }
static long w_lseek(struct core_uregs *r) { return sys_lseek((int)r->rdi, (int64_t)r->rsi, (unsigned)r->rdx); }
static long w_uname(struct core_uregs *r) { return sys_uname(uaddr(r->rdi)); }
static long w_sysinfo(struct core_uregs *r) { return sys_sysinfo(uaddr(r->rdi)); }
static long w_getrandom(struct core_uregs *r) { return sys_getrandom(uaddr(r->rdi), (size_t)r->rsi, (unsigned)r->rdx); }
static long w_prlimit64(struct core_uregs *r) { return sys_prlimit64((int)r->rdi, (unsigned)r->rsi, uaddr(r->rdx), uaddr(r->r10)); }
static long w_getrlimit(struct core_uregs *r) { return sys_getrlimit((unsigned)r->rdi, uaddr(r->rsi)); }
static long w_setrlimit(struct core_uregs *r) { return sys_setrlimit((unsigned)r->rdi, uaddr(r->rsi)); }
static long w_sched_getaffinity(struct core_uregs *r) { return sys_sched_getaffinity((int)r->rdi, (unsigned)r->rsi, uaddr(r->rdx)); }
static long w_sched_setaffinity(struct core_uregs *r) { return sys_sched_setaffinity((int)r->rdi, (unsigned)r->rsi, uaddr(r->rdx)); }
static long w_sched_yield(struct core_uregs *r) { return sys_sched_yield(); }
static long w_getcpu(struct core_uregs *r) { return sys_getcpu(uaddr(r->rdi), uaddr(r->rsi), uaddr(r->rdx)); }
static long w_umask(struct core_uregs *r) { return sys_umask((uint32_t)r->rdi); }
static long w_brk(struct core_uregs *r) { return sys_brk((uint64_t)r->rdi); }
static long w_mmap(struct core_uregs *r) { return sys_mmap((uint64_t)r->rdi, (uint64_t)r->rsi, (unsigned)r->rdx, (unsigned)r->r10, (int)r->r8, (uint64_t)r->r9); }
static long w_munmap(struct core_uregs *r) { return sys_munmap((uint64_t)r->rdi, (uint64_t)r->rsi); }
static long w_mprotect(struct core_uregs *r) { return sys_mprotect((uint64_t)r->rdi, (uint64_t)r->rsi, (unsigned)r->rdx); }
static long w_mremap(struct core_uregs *r) { return sys_mremap((uint64_t)r->rdi, (uint64_t)r->rsi, (uint64_t)r->rdx, (unsigned)r->r10, (uint64_t)r->r8); }
static long w_madvise(struct core_uregs *r) { return sys_madvise((uint64_t)r->rdi, (uint64_t)r->rsi, (int)r->rdx); }
static long w_mlock(struct core_uregs *r) { return sys_mlock((uint64_t)r->rdi, (uint64_t)r->rsi); }
static long w_munlock(struct core_uregs *r) { return sys_munlock((uint64_t)r->rdi, (uint64_t)r->rsi); }
static long w_msync(struct core_uregs *r) { return sys_msync((uint64_t)r->rdi, (uint64_t)r->rsi, (int)r->rdx); }
static long w_exit_group(struct core_uregs *r) { return sys_exit_group((int)r->rdi); }
static long w_exit(struct core_uregs *r) { return sys_exit((int)r->rdi); }
static long w_getpid(struct core_uregs *r) { return sys_getpid(); }
static long w_gettid(struct core_uregs *r) { return sys_gettid(); }
static long w_getppid(struct core_uregs *r) { return sys_getppid(); }
static long w_getuid(struct core_uregs *r) { return sys_getuid(); }
static long w_geteuid(struct core_uregs *r) { return sys_geteuid(); }
static long w_getgid(struct core_uregs *r) { return sys_getgid(); }
static long w_getegid(struct core_uregs *r) { return sys_getegid(); }
static long w_getpgrp(struct core_uregs *r) { return sys_getpgrp(); }
static long w_setsid(struct core_uregs *r) { return sys_setsid(); }
static long w_getpgid(struct core_uregs *r) { return sys_getpgid((int)r->rdi); }
static long w_getsid(struct core_uregs *r) { return sys_getsid((int)r->rdi); }
static long w_setpgid(struct core_uregs *r) { return sys_setpgid((int)r->rdi, (int)r->rsi); }
static long w_getgroups(struct core_uregs *r) { return sys_getgroups((int)r->rdi, uaddr(r->rsi)); }
static long w_setgroups(struct core_uregs *r) { return sys_setgroups((int)r->rdi, uaddr(r->rsi)); }
static long w_getresuid(struct core_uregs *r) { return sys_getresuid(uaddr(r->rdi), uaddr(r->rsi), uaddr(r->rdx)); }
static long w_getresgid(struct core_uregs *r) { return sys_getresgid(uaddr(r->rdi), uaddr(r->rsi), uaddr(r->rdx)); }
static long w_setresuid(struct core_uregs *r) { return sys_setresuid((uint32_t)r->rdi, (uint32_t)r->rsi, (uint32_t)r->rdx); }
static long w_setresgid(struct core_uregs *r) { return sys_setresgid((uint32_t)r->rdi, (uint32_t)r->rsi, (uint32_t)r->rdx); }
static long w_setuid(struct core_uregs *r) { return sys_setuid((uint32_t)r->rdi); }
static long w_setgid(struct core_uregs *r) { return sys_setgid((uint32_t)r->rdi); }
static long w_setreuid(struct core_uregs *r) { return sys_setreuid((uint32_t)r->rdi, (uint32_t)r->rsi); }
static long w_setregid(struct core_uregs *r) { return sys_setregid((uint32_t)r->rdi, (uint32_t)r->rsi); }
static long w_setfsuid(struct core_uregs *r) { return sys_setfsuid((uint32_t)r->rdi); }
static long w_setfsgid(struct core_uregs *r) { return sys_setfsgid((uint32_t)r->rdi); }
static long w_set_tid_address(struct core_uregs *r) { return sys_set_tid_address(uaddr(r->rdi)); }
static long w_set_robust_list(struct core_uregs *r) { return sys_set_robust_list(uaddr(r->rdi), (size_t)r->rsi); }
static long w_get_robust_list(struct core_uregs *r) { return sys_get_robust_list((int)r->rdi, uaddr(r->rsi), uaddr(r->rdx)); }
static long w_arch_prctl(struct core_uregs *r) { return sys_arch_prctl((int)r->rdi, (uint64_t)r->rsi); }
static long w_prctl(struct core_uregs *r) { return sys_prctl((int)r->rdi, (uint64_t)r->rsi, (uint64_t)r->rdx, (uint64_t)r->r10, (uint64_t)r->r8); }
static long w_futex(struct core_uregs *r) { return sys_futex(uaddr(r->rdi), (int)r->rsi, (uint32_t)r->rdx, uaddr(r->r10), uaddr(r->r8), (uint32_t)r->r9); }
static long w_wait4(struct core_uregs *r) { return sys_wait4((int)r->rdi, uaddr(r->rsi), (int)r->rdx, uaddr(r->r10)); }
static long w_rt_sigaction(struct core_uregs *r) { return sys_rt_sigaction((int)r->rdi, uaddr(r->rsi), uaddr(r->rdx), (size_t)r->r10); }
static long w_rt_sigprocmask(struct core_uregs *r) { return sys_rt_sigprocmask((int)r->rdi, uaddr(r->rsi), uaddr(r->rdx), (size_t)r->r10); }
static long w_rt_sigpending(struct core_uregs *r) { return sys_rt_sigpending(uaddr(r->rdi), (size_t)r->rsi); }
static long w_sigaltstack(struct core_uregs *r) { return sys_sigaltstack(uaddr(r->rdi), uaddr(r->rsi)); }
static long w_kill(struct core_uregs *r) { return sys_kill((int)r->rdi, (int)r->rsi); }
static long w_tgkill(struct core_uregs *r) { return sys_tgkill((int)r->rdi, (int)r->rsi, (int)r->rdx); }
static long w_tkill(struct core_uregs *r) { return sys_tkill((int)r->rdi, (int)r->rsi); }
static long w_newfstatat(struct core_uregs *r) { return sys_newfstatat((int)r->rdi, uaddr(r->rsi), uaddr(r->rdx), (int)r->r10); }
static long w_stat(struct core_uregs *r) { return sys_stat(uaddr(r->rdi), uaddr(r->rsi)); }
static long w_lstat(struct core_uregs *r) { return sys_lstat(uaddr(r->rdi), uaddr(r->rsi)); }
static long w_fstat(struct core_uregs *r) { return sys_fstat((int)r->rdi, uaddr(r->rsi)); }
static long w_statx(struct core_uregs *r) { return sys_statx((int)r->rdi, uaddr(r->rsi), (int)r->rdx, (unsigned)r->r10, uaddr(r->r8)); }
static long w_faccessat2(struct core_uregs *r) { return sys_faccessat2((int)r->rdi, uaddr(r->rsi), (int)r->rdx, (int)r->r10); }
static long w_faccessat(struct core_uregs *r) { return sys_faccessat((int)r->rdi, uaddr(r->rsi), (int)r->rdx); }
static long w_access(struct core_uregs *r) { return sys_access(uaddr(r->rdi), (int)r->rsi); }
static long w_fchmodat(struct core_uregs *r) { return sys_fchmodat((int)r->rdi, uaddr(r->rsi), (uint32_t)r->rdx); }
static long w_chmod(struct core_uregs *r) { return sys_chmod(uaddr(r->rdi), (uint32_t)r->rsi); }
static long w_fchmod(struct core_uregs *r) { return sys_fchmod((int)r->rdi, (uint32_t)r->rsi); }
static long w_fchownat(struct core_uregs *r) { return sys_fchownat((int)r->rdi, uaddr(r->rsi), (uint32_t)r->rdx, (uint32_t)r->r10, (int)r->r8); }
static long w_chown(struct core_uregs *r) { return sys_chown(uaddr(r->rdi), (uint32_t)r->rsi, (uint32_t)r->rdx); }
static long w_lchown(struct core_uregs *r) { return sys_lchown(uaddr(r->rdi), (uint32_t)r->rsi, (uint32_t)r->rdx); }
static long w_fchown(struct core_uregs *r) { return sys_fchown((int)r->rdi, (uint32_t)r->rsi, (uint32_t)r->rdx); }
static long w_utimensat(struct core_uregs *r) { return sys_utimensat((int)r->rdi, uaddr(r->rsi), uaddr(r->rdx), (int)r->r10); }
static long w_statfs(struct core_uregs *r) { return sys_statfs(uaddr(r->rdi), uaddr(r->rsi)); }
static long w_fstatfs(struct core_uregs *r) { return sys_fstatfs((int)r->rdi, uaddr(r->rsi)); }
static long w_clock_gettime(struct core_uregs *r) { return sys_clock_gettime((int)r->rdi, uaddr(r->rsi)); }
static long w_clock_getres(struct core_uregs *r) { return sys_clock_getres((int)r->rdi, uaddr(r->rsi)); }
static long w_clock_settime(struct core_uregs *r) { return sys_clock_settime((int)r->rdi, uaddr(r->rsi)); }
static long w_gettimeofday(struct core_uregs *r) { return sys_gettimeofday(uaddr(r->rdi), uaddr(r->rsi)); }
static long w_time(struct core_uregs *r) { return sys_time(uaddr(r->rdi)); }
static long w_nanosleep(struct core_uregs *r) { return sys_nanosleep(uaddr(r->rdi), uaddr(r->rsi)); }
static long w_clock_nanosleep(struct core_uregs *r) { return sys_clock_nanosleep((int)r->rdi, (int)r->rsi, uaddr(r->rdx), uaddr(r->r10)); }
static long w_times(struct core_uregs *r) { return sys_times(uaddr(r->rdi)); }
static long w_getrusage(struct core_uregs *r) { return sys_getrusage((int)r->rdi, uaddr(r->rsi)); }

static const syscall_fn syscall_table[NR_SYSCALLS] = {
    [__NR_execve] = w_execve,
    [__NR_execveat] = w_execveat,
    [__NR_mkdirat] = w_mkdirat,
    [__NR_mkdir] = w_mkdir,
    [__NR_unlinkat] = w_unlinkat,
    [__NR_unlink] = w_unlink,
    [__NR_rmdir] = w_rmdir,
    [__NR_renameat2] = w_renameat2,
    [__NR_renameat] = w_renameat,
    [__NR_rename] = w_rename,
    [__NR_linkat] = w_linkat,
    [__NR_link] = w_link,
    [__NR_symlinkat] = w_symlinkat,
    [__NR_symlink] = w_symlink,
    [__NR_readlinkat] = w_readlinkat,
    [__NR_readlink] = w_readlink,
    [__NR_getcwd] = w_getcwd,
    [__NR_chdir] = w_chdir,
    [__NR_fchdir] = w_fchdir,
    [__NR_getdents64] = w_getdents64,
    [__NR_dup] = w_dup,
    [__NR_dup3] = w_dup3,
    [__NR_dup2] = w_dup2,
    [__NR_fcntl] = w_fcntl,
    [__NR_ioctl] = w_ioctl,
    [__NR_poll] = w_poll,
    [__NR_ppoll] = w_ppoll,
    [__NR_ftruncate] = w_ftruncate,
    [__NR_truncate] = w_truncate,
    [__NR_fsync] = w_fsync,
    [__NR_fdatasync] = w_fdatasync,
    [__NR_sync] = w_sync,
    [__NR_fadvise64] = w_fadvise64,
    [__NR_openat] = w_openat,
    [__NR_open] = w_open,
    [__NR_creat] = w_creat,
    [__NR_close] = w_close,
    [__NR_read] = w_read,
    [__NR_write] = w_write,
    [__NR_pread64] = w_pread64,
    [__NR_pwrite64] = w_pwrite64,
    [__NR_readv] = w_readv,
    [__NR_writev] = w_writev,
    [__NR_preadv] = w_preadv,
    [__NR_pwritev] = w_pwritev,
    [__NR_lseek] = w_lseek,
    [__NR_uname] = w_uname,
    [__NR_sysinfo] = w_sysinfo,
    [__NR_getrandom] = w_getrandom,
    [__NR_prlimit64] = w_prlimit64,
    [__NR_getrlimit] = w_getrlimit,
    [__NR_setrlimit] = w_setrlimit,
    [__NR_sched_getaffinity] = w_sched_getaffinity,
    [__NR_sched_setaffinity] = w_sched_setaffinity,
    [__NR_sched_yield] = w_sched_yield,
    [__NR_getcpu] = w_getcpu,
    [__NR_umask] = w_umask,
    [__NR_brk] = w_brk,
    [__NR_mmap] = w_mmap,
    [__NR_munmap] = w_munmap,
    [__NR_mprotect] = w_mprotect,
    [__NR_mremap] = w_mremap,
    [__NR_madvise] = w_madvise,
    [__NR_mlock] = w_mlock,
    [__NR_munlock] = w_munlock,
    [__NR_msync] = w_msync,
    [__NR_exit_group] = w_exit_group,
    [__NR_exit] = w_exit,
    [__NR_getpid] = w_getpid,
    [__NR_gettid] = w_gettid,
    [__NR_getppid] = w_getppid,
    [__NR_getuid] = w_getuid,
    [__NR_geteuid] = w_geteuid,
    [__NR_getgid] = w_getgid,
    [__NR_getegid] = w_getegid,
    [__NR_getpgrp] = w_getpgrp,
    [__NR_setsid] = w_setsid,
    [__NR_getpgid] = w_getpgid,
    [__NR_getsid] = w_getsid,
    [__NR_setpgid] = w_setpgid,
    [__NR_getgroups] = w_getgroups,
    [__NR_setgroups] = w_setgroups,
    [__NR_getresuid] = w_getresuid,
    [__NR_getresgid] = w_getresgid,
    [__NR_setresuid] = w_setresuid,
    [__NR_setresgid] = w_setresgid,
    [__NR_setuid] = w_setuid,
    [__NR_setgid] = w_setgid,
    [__NR_setreuid] = w_setreuid,
    [__NR_setregid] = w_setregid,
    [__NR_setfsuid] = w_setfsuid,
    [__NR_setfsgid] = w_setfsgid,
    [__NR_set_tid_address] = w_set_tid_address,
    [__NR_set_robust_list] = w_set_robust_list,
    [__NR_get_robust_list] = w_get_robust_list,
    [__NR_arch_prctl] = w_arch_prctl,
    [__NR_prctl] = w_prctl,
    [__NR_futex] = w_futex,
    [__NR_wait4] = w_wait4,
    [__NR_rt_sigaction] = w_rt_sigaction,
    [__NR_rt_sigprocmask] = w_rt_sigprocmask,
    [__NR_rt_sigpending] = w_rt_sigpending,
    [__NR_sigaltstack] = w_sigaltstack,
    [__NR_kill] = w_kill,
    [__NR_tgkill] = w_tgkill,
    [__NR_tkill] = w_tkill,
    [__NR_newfstatat] = w_newfstatat,
    [__NR_stat] = w_stat,
    [__NR_lstat] = w_lstat,
    [__NR_fstat] = w_fstat,
    [__NR_statx] = w_statx,
    [__NR_faccessat2] = w_faccessat2,
    [__NR_faccessat] = w_faccessat,
    [__NR_access] = w_access,
    [__NR_fchmodat] = w_fchmodat,
    [__NR_chmod] = w_chmod,
    [__NR_fchmod] = w_fchmod,
    [__NR_fchownat] = w_fchownat,
    [__NR_chown] = w_chown,
    [__NR_lchown] = w_lchown,
    [__NR_fchown] = w_fchown,
    [__NR_utimensat] = w_utimensat,
    [__NR_statfs] = w_statfs,
    [__NR_fstatfs] = w_fstatfs,
    [__NR_clock_gettime] = w_clock_gettime,
    [__NR_clock_getres] = w_clock_getres,
    [__NR_clock_settime] = w_clock_settime,
    [__NR_gettimeofday] = w_gettimeofday,
    [__NR_time] = w_time,
    [__NR_nanosleep] = w_nanosleep,
    [__NR_clock_nanosleep] = w_clock_nanosleep,
    [__NR_times] = w_times,
    [__NR_getrusage] = w_getrusage,
};

static uint64_t reported[NR_SYSCALLS / 64];

static long syscall_unknown(uint64_t nr)
{
    if (nr < NR_SYSCALLS && !(reported[nr / 64] & (1ull << (nr % 64)))) {
        reported[nr / 64] |= 1ull << (nr % 64);
        const char *name = nr < CORE_ARRAY_SIZE(syscall_names) ? syscall_names[nr] : NULL;
        core_report_unimplemented(name ? name : "unknown");
    } else if (nr >= NR_SYSCALLS) {
        core_log("mica: syscall %llu out of range\n", (unsigned long long)nr);
    }
    return -ENOSYS;
}

long syscall_dispatch(struct core_uregs *regs)
{
    uint64_t nr = regs->orig_rax;
    if (nr >= NR_SYSCALLS || !syscall_table[nr])
        return syscall_unknown(nr);
    return syscall_table[nr](regs);
}
