/* The syscall dispatcher: a table indexed by syscall number.
 *
 * Each entry is a small adapter that takes the argument registers
 * (rdi, rsi, rdx, r10, r8, r9) from the saved user context, gives them
 * their types (user pointers become uaddr_t) and calls the handler
 * sys_<name>. Numbers without an entry, or out of range, return ENOSYS;
 * the first time each one is seen it is reported by name (mica -v).
 * Deliberately absent for now (ENOSYS): rseq (glibc falls back).
 */
#include "abi_int.h"
#include "sys.h"
#include "syscall_names.h"

#include <asm/unistd.h>

typedef long (*syscall_fn)(struct core_uregs *r);

/* Argument registers, in the syscall ABI's order. */
#define A0 r->rdi
#define A1 r->rsi
#define A2 r->rdx
#define A3 r->r10
#define A4 r->r8
#define A5 r->r9
#define W(name) static long w_##name(struct core_uregs *r)

#define NR_SYSCALLS 512

W(access) { return sys_access(uaddr(A0), (int)A1); }
W(arch_prctl) { return sys_arch_prctl((int)A0, (uint64_t)A1); }
W(brk) { return sys_brk((uint64_t)A0); }
W(chdir) { return sys_chdir(uaddr(A0)); }
W(chmod) { return sys_chmod(uaddr(A0), (uint32_t)A1); }
W(chown) { return sys_chown(uaddr(A0), (uint32_t)A1, (uint32_t)A2); }
W(clock_getres) { return sys_clock_getres((int)A0, uaddr(A1)); }
W(clock_gettime) { return sys_clock_gettime((int)A0, uaddr(A1)); }
W(clock_nanosleep) { return sys_clock_nanosleep((int)A0, (int)A1, uaddr(A2), uaddr(A3)); }
W(clock_settime) { return sys_clock_settime((int)A0, uaddr(A1)); }
W(close) { return sys_close((int)A0); }
W(close_range) { return sys_close_range((unsigned)A0, (unsigned)A1, (unsigned)A2); }
W(copy_file_range)
{
    return sys_copy_file_range((int)A0, uaddr(A1), (int)A2, uaddr(A3), (size_t)A4, (unsigned)A5);
}
W(creat) { return sys_creat(uaddr(A0), (uint32_t)A1); }
W(dup) { return sys_dup((int)A0); }
W(dup2) { return sys_dup2((int)A0, (int)A1); }
W(dup3) { return sys_dup3((int)A0, (int)A1, (int)A2); }
W(epoll_create) { return sys_epoll_create((int)A0); }
W(epoll_create1) { return sys_epoll_create1((int)A0); }
W(epoll_ctl) { return sys_epoll_ctl((int)A0, (int)A1, (int)A2, uaddr(A3)); }
W(epoll_pwait)
{
    return sys_epoll_pwait((int)A0, uaddr(A1), (int)A2, (int)A3, uaddr(A4), (size_t)A5);
}
W(epoll_pwait2)
{
    return sys_epoll_pwait2((int)A0, uaddr(A1), (int)A2, uaddr(A3), uaddr(A4), (size_t)A5);
}
W(epoll_wait) { return sys_epoll_wait((int)A0, uaddr(A1), (int)A2, (int)A3); }
W(eventfd) { return sys_eventfd((unsigned)A0); }
W(eventfd2) { return sys_eventfd2((unsigned)A0, (int)A1); }
W(execve) { return sys_execve(uaddr(A0), uaddr(A1), uaddr(A2), r); }
W(execveat) { return sys_execveat((int)A0, uaddr(A1), uaddr(A2), uaddr(A3), (int)A4, r); }
W(exit) { return sys_exit((int)A0); }
W(exit_group) { return sys_exit_group((int)A0); }
W(faccessat) { return sys_faccessat((int)A0, uaddr(A1), (int)A2); }
W(faccessat2) { return sys_faccessat2((int)A0, uaddr(A1), (int)A2, (int)A3); }
W(fadvise64) { return sys_fadvise64((int)A0, (int64_t)A1, (int64_t)A2, (int)A3); }
W(fallocate) { return sys_fallocate((int)A0, (int)A1, (int64_t)A2, (int64_t)A3); }
W(fchdir) { return sys_fchdir((int)A0); }
W(fchmod) { return sys_fchmod((int)A0, (uint32_t)A1); }
W(fchmodat) { return sys_fchmodat((int)A0, uaddr(A1), (uint32_t)A2); }
W(fchown) { return sys_fchown((int)A0, (uint32_t)A1, (uint32_t)A2); }
W(fchownat) { return sys_fchownat((int)A0, uaddr(A1), (uint32_t)A2, (uint32_t)A3, (int)A4); }
W(fcntl) { return sys_fcntl((int)A0, (int)A1, (uint64_t)A2); }
W(fdatasync) { return sys_fdatasync((int)A0); }
W(fgetxattr) { return sys_fgetxattr((int)A0, uaddr(A1), uaddr(A2), (size_t)A3); }
W(flistxattr) { return sys_flistxattr((int)A0, uaddr(A1), (size_t)A2); }
W(flock) { return sys_flock((int)A0, (unsigned)A1); }
W(fsetxattr) { return sys_fsetxattr((int)A0, uaddr(A1), uaddr(A2), (size_t)A3, (int)A4); }
W(fstat) { return sys_fstat((int)A0, uaddr(A1)); }
W(fstatfs) { return sys_fstatfs((int)A0, uaddr(A1)); }
W(fsync) { return sys_fsync((int)A0); }
W(ftruncate) { return sys_ftruncate((int)A0, (int64_t)A1); }
W(futex)
{
    return sys_futex(uaddr(A0), (int)A1, (uint32_t)A2, uaddr(A3), uaddr(A4), (uint32_t)A5);
}
W(get_robust_list) { return sys_get_robust_list((int)A0, uaddr(A1), uaddr(A2)); }
W(getcpu) { return sys_getcpu(uaddr(A0), uaddr(A1), uaddr(A2)); }
W(getcwd) { return sys_getcwd(uaddr(A0), (size_t)A1); }
W(getdents64) { return sys_getdents64((int)A0, uaddr(A1), (unsigned)A2); }
W(getegid) { return sys_getegid(); }
W(geteuid) { return sys_geteuid(); }
W(getgid) { return sys_getgid(); }
W(getgroups) { return sys_getgroups((int)A0, uaddr(A1)); }
W(getpgid) { return sys_getpgid((int)A0); }
W(getpgrp) { return sys_getpgrp(); }
W(getpid) { return sys_getpid(); }
W(getppid) { return sys_getppid(); }
W(getpriority) { return sys_getpriority((int)A0, (int)A1); }
W(getrandom) { return sys_getrandom(uaddr(A0), (size_t)A1, (unsigned)A2); }
W(getresgid) { return sys_getresgid(uaddr(A0), uaddr(A1), uaddr(A2)); }
W(getresuid) { return sys_getresuid(uaddr(A0), uaddr(A1), uaddr(A2)); }
W(getrlimit) { return sys_getrlimit((unsigned)A0, uaddr(A1)); }
W(getrusage) { return sys_getrusage((int)A0, uaddr(A1)); }
W(getsid) { return sys_getsid((int)A0); }
W(gettid) { return sys_gettid(); }
W(gettimeofday) { return sys_gettimeofday(uaddr(A0), uaddr(A1)); }
W(getuid) { return sys_getuid(); }
W(getxattr) { return sys_getxattr(uaddr(A0), uaddr(A1), uaddr(A2), (size_t)A3); }
W(ioctl) { return sys_ioctl((int)A0, (unsigned)A1, (uint64_t)A2); }
W(kill) { return sys_kill((int)A0, (int)A1); }
W(lchown) { return sys_lchown(uaddr(A0), (uint32_t)A1, (uint32_t)A2); }
W(lgetxattr) { return sys_lgetxattr(uaddr(A0), uaddr(A1), uaddr(A2), (size_t)A3); }
W(link) { return sys_link(uaddr(A0), uaddr(A1)); }
W(linkat) { return sys_linkat((int)A0, uaddr(A1), (int)A2, uaddr(A3), (int)A4); }
W(listxattr) { return sys_listxattr(uaddr(A0), uaddr(A1), (size_t)A2); }
W(llistxattr) { return sys_llistxattr(uaddr(A0), uaddr(A1), (size_t)A2); }
W(lseek) { return sys_lseek((int)A0, (int64_t)A1, (unsigned)A2); }
W(lsetxattr) { return sys_lsetxattr(uaddr(A0), uaddr(A1), uaddr(A2), (size_t)A3, (int)A4); }
W(lstat) { return sys_lstat(uaddr(A0), uaddr(A1)); }
W(madvise) { return sys_madvise((uint64_t)A0, (uint64_t)A1, (int)A2); }
W(mincore) { return sys_mincore((uint64_t)A0, (uint64_t)A1, uaddr(A2)); }
W(mkdir) { return sys_mkdir(uaddr(A0), (uint32_t)A1); }
W(mkdirat) { return sys_mkdirat((int)A0, uaddr(A1), (uint32_t)A2); }
W(mount) { return sys_mount(uaddr(A0), uaddr(A1), uaddr(A2), (unsigned long)A3, uaddr(A4)); }
W(mlock) { return sys_mlock((uint64_t)A0, (uint64_t)A1); }
W(mmap)
{
    return sys_mmap((uint64_t)A0, (uint64_t)A1, (unsigned)A2, (unsigned)A3, (int)A4, (uint64_t)A5);
}
W(mprotect) { return sys_mprotect((uint64_t)A0, (uint64_t)A1, (unsigned)A2); }
W(mremap)
{
    return sys_mremap((uint64_t)A0, (uint64_t)A1, (uint64_t)A2, (unsigned)A3, (uint64_t)A4);
}
W(msync) { return sys_msync((uint64_t)A0, (uint64_t)A1, (int)A2); }
W(munlock) { return sys_munlock((uint64_t)A0, (uint64_t)A1); }
W(munmap) { return sys_munmap((uint64_t)A0, (uint64_t)A1); }
W(nanosleep) { return sys_nanosleep(uaddr(A0), uaddr(A1)); }
W(newfstatat) { return sys_newfstatat((int)A0, uaddr(A1), uaddr(A2), (int)A3); }
W(open) { return sys_open(uaddr(A0), (int)A1, (uint32_t)A2); }
W(openat) { return sys_openat((int)A0, uaddr(A1), (int)A2, (uint32_t)A3); }
W(personality) { return sys_personality((unsigned)A0); }
W(pipe) { return sys_pipe(uaddr(A0)); }
W(pipe2) { return sys_pipe2(uaddr(A0), (int)A1); }
W(poll) { return sys_poll(uaddr(A0), (unsigned)A1, (int)A2); }
W(ppoll) { return sys_ppoll(uaddr(A0), (unsigned)A1, uaddr(A2), uaddr(A3), (size_t)A4); }
W(prctl) { return sys_prctl((int)A0, (uint64_t)A1, (uint64_t)A2, (uint64_t)A3, (uint64_t)A4); }
W(pread64) { return sys_pread64((int)A0, uaddr(A1), (size_t)A2, (int64_t)A3); }
W(preadv) { return sys_preadv((int)A0, uaddr(A1), (int)A2, (int64_t)A3); }
W(prlimit64) { return sys_prlimit64((int)A0, (unsigned)A1, uaddr(A2), uaddr(A3)); }
W(pselect6)
{
    return sys_pselect6((int)A0, uaddr(A1), uaddr(A2), uaddr(A3), uaddr(A4), uaddr(A5));
}
W(pwrite64) { return sys_pwrite64((int)A0, uaddr(A1), (size_t)A2, (int64_t)A3); }
W(pwritev) { return sys_pwritev((int)A0, uaddr(A1), (int)A2, (int64_t)A3); }
W(read) { return sys_read((int)A0, uaddr(A1), (size_t)A2); }
W(readlink) { return sys_readlink(uaddr(A0), uaddr(A1), (int)A2); }
W(readlinkat) { return sys_readlinkat((int)A0, uaddr(A1), uaddr(A2), (int)A3); }
W(readv) { return sys_readv((int)A0, uaddr(A1), (int)A2); }
W(rename) { return sys_rename(uaddr(A0), uaddr(A1)); }
W(renameat) { return sys_renameat((int)A0, uaddr(A1), (int)A2, uaddr(A3)); }
W(renameat2) { return sys_renameat2((int)A0, uaddr(A1), (int)A2, uaddr(A3), (unsigned)A4); }
W(rmdir) { return sys_rmdir(uaddr(A0)); }
W(rt_sigaction) { return sys_rt_sigaction((int)A0, uaddr(A1), uaddr(A2), (size_t)A3); }
W(rt_sigpending) { return sys_rt_sigpending(uaddr(A0), (size_t)A1); }
W(rt_sigprocmask) { return sys_rt_sigprocmask((int)A0, uaddr(A1), uaddr(A2), (size_t)A3); }
W(sched_get_priority_max) { return sys_sched_get_priority_max((int)A0); }
W(sched_get_priority_min) { return sys_sched_get_priority_min((int)A0); }
W(sched_getaffinity) { return sys_sched_getaffinity((int)A0, (unsigned)A1, uaddr(A2)); }
W(sched_getparam) { return sys_sched_getparam((int)A0, uaddr(A1)); }
W(sched_getscheduler) { return sys_sched_getscheduler((int)A0); }
W(sched_setaffinity) { return sys_sched_setaffinity((int)A0, (unsigned)A1, uaddr(A2)); }
W(sched_yield) { return sys_sched_yield(); }
W(select) { return sys_select((int)A0, uaddr(A1), uaddr(A2), uaddr(A3), uaddr(A4)); }
W(sendfile) { return sys_sendfile((int)A0, (int)A1, uaddr(A2), (size_t)A3); }
W(set_robust_list) { return sys_set_robust_list(uaddr(A0), (size_t)A1); }
W(set_tid_address) { return sys_set_tid_address(uaddr(A0)); }
W(setfsgid) { return sys_setfsgid((uint32_t)A0); }
W(setfsuid) { return sys_setfsuid((uint32_t)A0); }
W(setgid) { return sys_setgid((uint32_t)A0); }
W(setgroups) { return sys_setgroups((int)A0, uaddr(A1)); }
W(setpgid) { return sys_setpgid((int)A0, (int)A1); }
W(setpriority) { return sys_setpriority((int)A0, (int)A1, (int)A2); }
W(setregid) { return sys_setregid((uint32_t)A0, (uint32_t)A1); }
W(setresgid) { return sys_setresgid((uint32_t)A0, (uint32_t)A1, (uint32_t)A2); }
W(setresuid) { return sys_setresuid((uint32_t)A0, (uint32_t)A1, (uint32_t)A2); }
W(setreuid) { return sys_setreuid((uint32_t)A0, (uint32_t)A1); }
W(setrlimit) { return sys_setrlimit((unsigned)A0, uaddr(A1)); }
W(setsid) { return sys_setsid(); }
W(setuid) { return sys_setuid((uint32_t)A0); }
W(setxattr) { return sys_setxattr(uaddr(A0), uaddr(A1), uaddr(A2), (size_t)A3, (int)A4); }
W(sigaltstack) { return sys_sigaltstack(uaddr(A0), uaddr(A1), r->rsp); }
W(signalfd) { return sys_signalfd((int)A0, uaddr(A1), (size_t)A2); }
W(signalfd4) { return sys_signalfd4((int)A0, uaddr(A1), (size_t)A2, (int)A3); }
W(stat) { return sys_stat(uaddr(A0), uaddr(A1)); }
W(statfs) { return sys_statfs(uaddr(A0), uaddr(A1)); }
W(statx) { return sys_statx((int)A0, uaddr(A1), (int)A2, (unsigned)A3, uaddr(A4)); }
W(symlink) { return sys_symlink(uaddr(A0), uaddr(A1)); }
W(symlinkat) { return sys_symlinkat(uaddr(A0), (int)A1, uaddr(A2)); }
W(sync) { return sys_sync(); }
W(sysinfo) { return sys_sysinfo(uaddr(A0)); }
W(tgkill) { return sys_tgkill((int)A0, (int)A1, (int)A2); }
W(time) { return sys_time(uaddr(A0)); }
W(timerfd_create) { return sys_timerfd_create((int)A0, (int)A1); }
W(timerfd_gettime) { return sys_timerfd_gettime((int)A0, uaddr(A1)); }
W(timerfd_settime)
{
    return sys_timerfd_settime((int)A0, (int)A1, uaddr(A2), uaddr(A3));
}
W(times) { return sys_times(uaddr(A0)); }
W(tkill) { return sys_tkill((int)A0, (int)A1); }
W(truncate) { return sys_truncate(uaddr(A0), (int64_t)A1); }
W(umask) { return sys_umask((uint32_t)A0); }
W(umount2) { return sys_umount2(uaddr(A0), (int)A1); }
W(uname) { return sys_uname(uaddr(A0)); }
W(unlink) { return sys_unlink(uaddr(A0)); }
W(unlinkat) { return sys_unlinkat((int)A0, uaddr(A1), (int)A2); }
W(utimensat) { return sys_utimensat((int)A0, uaddr(A1), uaddr(A2), (int)A3); }
W(wait4) { return sys_wait4((int)A0, uaddr(A1), (int)A2, uaddr(A3)); }
W(waitid) { return sys_waitid((int)A0, (int)A1, uaddr(A2), (int)A3, uaddr(A4)); }
W(fork) { return sys_fork(r); }
W(vfork) { return sys_vfork(r); }
W(clone) { return sys_clone((unsigned long)A0, (uint64_t)A1, (uint64_t)A2, (uint64_t)A3, (uint64_t)A4, r); }
W(clone3) { return sys_clone3(uaddr(A0), (size_t)A1, r); }
W(rt_sigqueueinfo) { return sys_rt_sigqueueinfo((int)A0, (int)A1, uaddr(A2)); }
W(rt_sigreturn) { return sys_rt_sigreturn(r); }
W(rt_sigsuspend) { return sys_rt_sigsuspend(uaddr(A0), (size_t)A1); }
W(rt_sigtimedwait) { return sys_rt_sigtimedwait(uaddr(A0), uaddr(A1), uaddr(A2), (size_t)A3); }
W(rt_tgsigqueueinfo) { return sys_rt_tgsigqueueinfo((int)A0, (int)A1, (int)A2, uaddr(A3)); }
W(pause) { return sys_pause(); }
W(alarm) { return sys_alarm((unsigned)A0); }
W(getitimer) { return sys_getitimer((int)A0, uaddr(A1)); }
W(setitimer) { return sys_setitimer((int)A0, uaddr(A1), uaddr(A2)); }
W(socket) { return sys_socket((int)A0, (int)A1, (int)A2); }
W(socketpair) { return sys_socketpair((int)A0, (int)A1, (int)A2, uaddr(A3)); }
W(bind) { return sys_bind((int)A0, uaddr(A1), (int)A2); }
W(listen) { return sys_listen((int)A0, (int)A1); }
W(connect) { return sys_connect((int)A0, uaddr(A1), (int)A2); }
W(accept) { return sys_accept((int)A0, uaddr(A1), uaddr(A2)); }
W(accept4) { return sys_accept4((int)A0, uaddr(A1), uaddr(A2), (int)A3); }
W(getsockname) { return sys_getsockname((int)A0, uaddr(A1), uaddr(A2)); }
W(getpeername) { return sys_getpeername((int)A0, uaddr(A1), uaddr(A2)); }
W(shutdown) { return sys_shutdown((int)A0, (int)A1); }
W(sendto) { return sys_sendto((int)A0, uaddr(A1), (size_t)A2, (int)A3, uaddr(A4), (int)A5); }
W(recvfrom) { return sys_recvfrom((int)A0, uaddr(A1), (size_t)A2, (int)A3, uaddr(A4), uaddr(A5)); }
W(sendmsg) { return sys_sendmsg((int)A0, uaddr(A1), (int)A2); }
W(recvmsg) { return sys_recvmsg((int)A0, uaddr(A1), (int)A2); }
W(sendmmsg) { return sys_sendmmsg((int)A0, uaddr(A1), (unsigned)A2, (int)A3); }
W(recvmmsg) { return sys_recvmmsg((int)A0, uaddr(A1), (unsigned)A2, (int)A3, uaddr(A4)); }
W(setsockopt) { return sys_setsockopt((int)A0, (int)A1, (int)A2, uaddr(A3), (int)A4); }
W(getsockopt) { return sys_getsockopt((int)A0, (int)A1, (int)A2, uaddr(A3), uaddr(A4)); }
W(write) { return sys_write((int)A0, uaddr(A1), (size_t)A2); }
W(writev) { return sys_writev((int)A0, uaddr(A1), (int)A2); }

static const syscall_fn syscall_table[NR_SYSCALLS] = {
    [__NR_access] = w_access,
    [__NR_arch_prctl] = w_arch_prctl,
    [__NR_brk] = w_brk,
    [__NR_chdir] = w_chdir,
    [__NR_chmod] = w_chmod,
    [__NR_chown] = w_chown,
    [__NR_clock_getres] = w_clock_getres,
    [__NR_clock_gettime] = w_clock_gettime,
    [__NR_clock_nanosleep] = w_clock_nanosleep,
    [__NR_clock_settime] = w_clock_settime,
    [__NR_close] = w_close,
    [__NR_close_range] = w_close_range,
    [__NR_copy_file_range] = w_copy_file_range,
    [__NR_creat] = w_creat,
    [__NR_dup] = w_dup,
    [__NR_dup2] = w_dup2,
    [__NR_dup3] = w_dup3,
    [__NR_epoll_create] = w_epoll_create,
    [__NR_epoll_create1] = w_epoll_create1,
    [__NR_epoll_ctl] = w_epoll_ctl,
    [__NR_epoll_pwait] = w_epoll_pwait,
    [__NR_epoll_pwait2] = w_epoll_pwait2,
    [__NR_epoll_wait] = w_epoll_wait,
    [__NR_eventfd] = w_eventfd,
    [__NR_eventfd2] = w_eventfd2,
    [__NR_execve] = w_execve,
    [__NR_execveat] = w_execveat,
    [__NR_exit] = w_exit,
    [__NR_exit_group] = w_exit_group,
    [__NR_faccessat] = w_faccessat,
    [__NR_faccessat2] = w_faccessat2,
    [__NR_fadvise64] = w_fadvise64,
    [__NR_fallocate] = w_fallocate,
    [__NR_fchdir] = w_fchdir,
    [__NR_fchmod] = w_fchmod,
    [__NR_fchmodat] = w_fchmodat,
    [__NR_fchown] = w_fchown,
    [__NR_fchownat] = w_fchownat,
    [__NR_fcntl] = w_fcntl,
    [__NR_fdatasync] = w_fdatasync,
    [__NR_fgetxattr] = w_fgetxattr,
    [__NR_flistxattr] = w_flistxattr,
    [__NR_flock] = w_flock,
    [__NR_fsetxattr] = w_fsetxattr,
    [__NR_fstat] = w_fstat,
    [__NR_fstatfs] = w_fstatfs,
    [__NR_fsync] = w_fsync,
    [__NR_ftruncate] = w_ftruncate,
    [__NR_futex] = w_futex,
    [__NR_get_robust_list] = w_get_robust_list,
    [__NR_getcpu] = w_getcpu,
    [__NR_getcwd] = w_getcwd,
    [__NR_getdents64] = w_getdents64,
    [__NR_getegid] = w_getegid,
    [__NR_geteuid] = w_geteuid,
    [__NR_getgid] = w_getgid,
    [__NR_getgroups] = w_getgroups,
    [__NR_getpgid] = w_getpgid,
    [__NR_getpgrp] = w_getpgrp,
    [__NR_getpid] = w_getpid,
    [__NR_getppid] = w_getppid,
    [__NR_getpriority] = w_getpriority,
    [__NR_getrandom] = w_getrandom,
    [__NR_getresgid] = w_getresgid,
    [__NR_getresuid] = w_getresuid,
    [__NR_getrlimit] = w_getrlimit,
    [__NR_getrusage] = w_getrusage,
    [__NR_getsid] = w_getsid,
    [__NR_gettid] = w_gettid,
    [__NR_gettimeofday] = w_gettimeofday,
    [__NR_getuid] = w_getuid,
    [__NR_getxattr] = w_getxattr,
    [__NR_ioctl] = w_ioctl,
    [__NR_kill] = w_kill,
    [__NR_lchown] = w_lchown,
    [__NR_lgetxattr] = w_lgetxattr,
    [__NR_link] = w_link,
    [__NR_linkat] = w_linkat,
    [__NR_listxattr] = w_listxattr,
    [__NR_llistxattr] = w_llistxattr,
    [__NR_lseek] = w_lseek,
    [__NR_lsetxattr] = w_lsetxattr,
    [__NR_lstat] = w_lstat,
    [__NR_madvise] = w_madvise,
    [__NR_mincore] = w_mincore,
    [__NR_mkdir] = w_mkdir,
    [__NR_mkdirat] = w_mkdirat,
    [__NR_mount] = w_mount,
    [__NR_mlock] = w_mlock,
    [__NR_mmap] = w_mmap,
    [__NR_mprotect] = w_mprotect,
    [__NR_mremap] = w_mremap,
    [__NR_msync] = w_msync,
    [__NR_munlock] = w_munlock,
    [__NR_munmap] = w_munmap,
    [__NR_nanosleep] = w_nanosleep,
    [__NR_newfstatat] = w_newfstatat,
    [__NR_open] = w_open,
    [__NR_openat] = w_openat,
    [__NR_personality] = w_personality,
    [__NR_pipe] = w_pipe,
    [__NR_pipe2] = w_pipe2,
    [__NR_poll] = w_poll,
    [__NR_ppoll] = w_ppoll,
    [__NR_prctl] = w_prctl,
    [__NR_pread64] = w_pread64,
    [__NR_preadv] = w_preadv,
    [__NR_prlimit64] = w_prlimit64,
    [__NR_pselect6] = w_pselect6,
    [__NR_pwrite64] = w_pwrite64,
    [__NR_pwritev] = w_pwritev,
    [__NR_read] = w_read,
    [__NR_readlink] = w_readlink,
    [__NR_readlinkat] = w_readlinkat,
    [__NR_readv] = w_readv,
    [__NR_rename] = w_rename,
    [__NR_renameat] = w_renameat,
    [__NR_renameat2] = w_renameat2,
    [__NR_rmdir] = w_rmdir,
    [__NR_rt_sigaction] = w_rt_sigaction,
    [__NR_rt_sigpending] = w_rt_sigpending,
    [__NR_rt_sigprocmask] = w_rt_sigprocmask,
    [__NR_sched_get_priority_max] = w_sched_get_priority_max,
    [__NR_sched_get_priority_min] = w_sched_get_priority_min,
    [__NR_sched_getaffinity] = w_sched_getaffinity,
    [__NR_sched_getparam] = w_sched_getparam,
    [__NR_sched_getscheduler] = w_sched_getscheduler,
    [__NR_sched_setaffinity] = w_sched_setaffinity,
    [__NR_sched_yield] = w_sched_yield,
    [__NR_select] = w_select,
    [__NR_sendfile] = w_sendfile,
    [__NR_set_robust_list] = w_set_robust_list,
    [__NR_set_tid_address] = w_set_tid_address,
    [__NR_setfsgid] = w_setfsgid,
    [__NR_setfsuid] = w_setfsuid,
    [__NR_setgid] = w_setgid,
    [__NR_setgroups] = w_setgroups,
    [__NR_setpgid] = w_setpgid,
    [__NR_setpriority] = w_setpriority,
    [__NR_setregid] = w_setregid,
    [__NR_setresgid] = w_setresgid,
    [__NR_setresuid] = w_setresuid,
    [__NR_setreuid] = w_setreuid,
    [__NR_setrlimit] = w_setrlimit,
    [__NR_setsid] = w_setsid,
    [__NR_setuid] = w_setuid,
    [__NR_setxattr] = w_setxattr,
    [__NR_sigaltstack] = w_sigaltstack,
    [__NR_signalfd] = w_signalfd,
    [__NR_signalfd4] = w_signalfd4,
    [__NR_stat] = w_stat,
    [__NR_statfs] = w_statfs,
    [__NR_statx] = w_statx,
    [__NR_symlink] = w_symlink,
    [__NR_symlinkat] = w_symlinkat,
    [__NR_sync] = w_sync,
    [__NR_sysinfo] = w_sysinfo,
    [__NR_tgkill] = w_tgkill,
    [__NR_time] = w_time,
    [__NR_timerfd_create] = w_timerfd_create,
    [__NR_timerfd_gettime] = w_timerfd_gettime,
    [__NR_timerfd_settime] = w_timerfd_settime,
    [__NR_times] = w_times,
    [__NR_tkill] = w_tkill,
    [__NR_truncate] = w_truncate,
    [__NR_umask] = w_umask,
    [__NR_umount2] = w_umount2,
    [__NR_uname] = w_uname,
    [__NR_unlink] = w_unlink,
    [__NR_unlinkat] = w_unlinkat,
    [__NR_utimensat] = w_utimensat,
    [__NR_wait4] = w_wait4,
    [__NR_waitid] = w_waitid,
    [__NR_fork] = w_fork,
    [__NR_vfork] = w_vfork,
    [__NR_clone] = w_clone,
    [__NR_clone3] = w_clone3,
    [__NR_rt_sigqueueinfo] = w_rt_sigqueueinfo,
    [__NR_rt_sigreturn] = w_rt_sigreturn,
    [__NR_rt_sigsuspend] = w_rt_sigsuspend,
    [__NR_rt_sigtimedwait] = w_rt_sigtimedwait,
    [__NR_rt_tgsigqueueinfo] = w_rt_tgsigqueueinfo,
    [__NR_pause] = w_pause,
    [__NR_alarm] = w_alarm,
    [__NR_getitimer] = w_getitimer,
    [__NR_setitimer] = w_setitimer,
    [__NR_socket] = w_socket,
    [__NR_socketpair] = w_socketpair,
    [__NR_bind] = w_bind,
    [__NR_listen] = w_listen,
    [__NR_connect] = w_connect,
    [__NR_accept] = w_accept,
    [__NR_accept4] = w_accept4,
    [__NR_getsockname] = w_getsockname,
    [__NR_getpeername] = w_getpeername,
    [__NR_shutdown] = w_shutdown,
    [__NR_sendto] = w_sendto,
    [__NR_recvfrom] = w_recvfrom,
    [__NR_sendmsg] = w_sendmsg,
    [__NR_recvmsg] = w_recvmsg,
    [__NR_sendmmsg] = w_sendmmsg,
    [__NR_recvmmsg] = w_recvmmsg,
    [__NR_setsockopt] = w_setsockopt,
    [__NR_getsockopt] = w_getsockopt,
    [__NR_write] = w_write,
    [__NR_writev] = w_writev,
};

static uint64_t reported[NR_SYSCALLS / 64];
static bool reported_high;

static long syscall_unknown(uint64_t nr)
{
    if (nr < NR_SYSCALLS && !(reported[nr / 64] & (1ull << (nr % 64)))) {
        reported[nr / 64] |= 1ull << (nr % 64);
        const char *name = nr < CORE_ARRAY_SIZE(syscall_names) ? syscall_names[nr] : NULL;
        core_report_unimplemented(name ? name : "unknown");
    } else if (nr >= NR_SYSCALLS && !reported_high) {
        reported_high = true; /* once: a loop of them would flood the log */
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
