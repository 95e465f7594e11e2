/* Syscall handlers, named sys_<exact Linux name>, grouped by file.
 * Each returns >= 0 or a negative errno, which becomes user rax. */
#ifndef ABI_SYS_H
#define ABI_SYS_H

#include <core/types.h>
#include <core/task.h>

/* exec.c */
long sys_execve(uaddr_t u_path, uaddr_t u_argv, uaddr_t u_envp, struct core_uregs *regs);
long sys_execveat(int dirfd, uaddr_t u_path, uaddr_t u_argv, uaddr_t u_envp, int flags, struct core_uregs *regs);
/* fd.c */
long sys_close_range(unsigned first, unsigned last, unsigned flags);
/* pipe.c */
long sys_pipe(uaddr_t u_fds);
long sys_pipe2(uaddr_t u_fds, int flags);
/* epoll.c, epoll_wait.c */
long sys_epoll_create(int size);
long sys_epoll_create1(int flags);
long sys_epoll_ctl(int epfd, int op, int fd, uaddr_t u_event);
long sys_epoll_wait(int epfd, uaddr_t u_events, int max, int timeout_ms);
long sys_epoll_pwait(int epfd, uaddr_t u_events, int max, int timeout_ms, uaddr_t u_mask, size_t size);
long sys_epoll_pwait2(int epfd, uaddr_t u_events, int max, uaddr_t u_ts, uaddr_t u_mask, size_t size);
/* eventfd.c */
long sys_eventfd(unsigned initval);
long sys_eventfd2(unsigned initval, int flags);
/* timerfd.c */
long sys_timerfd_create(int clock, int flags);
long sys_timerfd_settime(int fd, int flags, uaddr_t u_new, uaddr_t u_old);
long sys_timerfd_gettime(int fd, uaddr_t u_cur);
/* signalfd.c */
long sys_signalfd(int fd, uaddr_t u_mask, size_t size);
long sys_signalfd4(int fd, uaddr_t u_mask, size_t size, int flags);
/* socket.c, socket_conn.c, socket_sys.c, socket_opt.c */
long sys_socket(int domain, int type, int protocol);
long sys_socketpair(int domain, int type, int protocol, uaddr_t u_sv);
long sys_bind(int fd, uaddr_t u_addr, int len);
long sys_listen(int fd, int backlog);
long sys_connect(int fd, uaddr_t u_addr, int len);
long sys_accept(int fd, uaddr_t u_addr, uaddr_t u_len);
long sys_accept4(int fd, uaddr_t u_addr, uaddr_t u_len, int flags);
long sys_getsockname(int fd, uaddr_t u_addr, uaddr_t u_len);
long sys_getpeername(int fd, uaddr_t u_addr, uaddr_t u_len);
long sys_shutdown(int fd, int how);
long sys_sendto(int fd, uaddr_t u_buf, size_t len, int flags, uaddr_t u_addr, int alen);
long sys_recvfrom(int fd, uaddr_t u_buf, size_t len, int flags, uaddr_t u_addr, uaddr_t u_alen);
long sys_sendmsg(int fd, uaddr_t u_msg, int flags);
long sys_recvmsg(int fd, uaddr_t u_msg, int flags);
long sys_sendmmsg(int fd, uaddr_t u_vec, unsigned vlen, int flags);
long sys_recvmmsg(int fd, uaddr_t u_vec, unsigned vlen, int flags, uaddr_t u_timeout);
long sys_setsockopt(int fd, int level, int name, uaddr_t u_val, int len);
long sys_getsockopt(int fd, int level, int name, uaddr_t u_val, uaddr_t u_len);
/* poll.c */
long sys_poll(uaddr_t u_fds, unsigned nfds, int timeout_ms);
long sys_ppoll(uaddr_t u_fds, unsigned nfds, uaddr_t u_tsp, uaddr_t u_mask, size_t sigsetsize);
long sys_select(int nfds, uaddr_t u_in, uaddr_t u_out, uaddr_t u_ex, uaddr_t u_tv);
long sys_pselect6(int nfds, uaddr_t u_in, uaddr_t u_out, uaddr_t u_ex, uaddr_t u_ts, uaddr_t u_sig);
/* mount.c */
long sys_mount(uaddr_t u_source, uaddr_t u_target, uaddr_t u_type, unsigned long flags, uaddr_t u_data);
long sys_umount2(uaddr_t u_target, int flags);
/* sys_copy.c */
long sys_sendfile(int out_fd, int in_fd, uaddr_t u_off, size_t count);
long sys_copy_file_range(int in_fd, uaddr_t u_in_off, int out_fd, uaddr_t u_out_off, size_t len, unsigned flags);
long sys_fallocate(int fd, int mode, int64_t off, int64_t len);
/* sys_dir.c */
long sys_mkdirat(int dirfd, uaddr_t u_path, uint32_t mode);
long sys_mkdir(uaddr_t u_path, uint32_t mode);
long sys_unlinkat(int dirfd, uaddr_t u_path, int flags);
long sys_unlink(uaddr_t u_path);
long sys_rmdir(uaddr_t u_path);
long sys_renameat2(int olddirfd, uaddr_t u_old, int newdirfd, uaddr_t u_new, unsigned flags);
long sys_renameat(int olddirfd, uaddr_t u_old, int newdirfd, uaddr_t u_new);
long sys_rename(uaddr_t u_old, uaddr_t u_new);
long sys_linkat(int olddirfd, uaddr_t u_old, int newdirfd, uaddr_t u_new, int flags);
long sys_link(uaddr_t u_old, uaddr_t u_new);
long sys_symlinkat(uaddr_t u_target, int newdirfd, uaddr_t u_path);
long sys_symlink(uaddr_t u_target, uaddr_t u_path);
long sys_readlinkat(int dirfd, uaddr_t u_path, uaddr_t u_buf, int bufsiz);
long sys_readlink(uaddr_t u_path, uaddr_t u_buf, int bufsiz);
long sys_getcwd(uaddr_t u_buf, size_t size);
long sys_chdir(uaddr_t u_path);
long sys_fchdir(int fd);
long sys_getdents64(int fd, uaddr_t u_dirp, unsigned count);
/* sys_fd.c */
long sys_dup(int fd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_dup2(int oldfd, int newfd);
long sys_fcntl(int fd, int cmd, uint64_t arg);
long sys_ioctl(int fd, unsigned cmd, uint64_t arg);
long sys_ftruncate(int fd, int64_t len);
long sys_truncate(uaddr_t u_path, int64_t len);
long sys_fsync(int fd);
long sys_fdatasync(int fd);
long sys_sync(void);
long sys_fadvise64(int fd, int64_t off, int64_t len, int advice);
long sys_flock(int fd, unsigned op);
/* sys_file.c */
long sys_openat(int dirfd, uaddr_t u_path, int flags, uint32_t mode);
long sys_open(uaddr_t u_path, int flags, uint32_t mode);
long sys_creat(uaddr_t u_path, uint32_t mode);
long sys_close(int fd);
long sys_read(int fd, uaddr_t u_buf, size_t count);
long sys_write(int fd, uaddr_t u_buf, size_t count);
long sys_pread64(int fd, uaddr_t u_buf, size_t count, int64_t off);
long sys_pwrite64(int fd, uaddr_t u_buf, size_t count, int64_t off);
long sys_readv(int fd, uaddr_t u_iov, int iovcnt);
long sys_writev(int fd, uaddr_t u_iov, int iovcnt);
long sys_preadv(int fd, uaddr_t u_iov, int iovcnt, int64_t off);
long sys_pwritev(int fd, uaddr_t u_iov, int iovcnt, int64_t off);
long sys_lseek(int fd, int64_t off, unsigned whence);
/* sys_info.c */
long sys_uname(uaddr_t u_buf);
long sys_sysinfo(uaddr_t u_info);
long sys_getrandom(uaddr_t u_buf, size_t len, unsigned flags);
long sys_prlimit64(int pid, unsigned res, uaddr_t u_new, uaddr_t u_old);
long sys_getrlimit(unsigned res, uaddr_t u_rlim);
long sys_setrlimit(unsigned res, uaddr_t u_rlim);
long sys_sched_getaffinity(int pid, unsigned len, uaddr_t u_mask);
long sys_sched_setaffinity(int pid, unsigned len, uaddr_t u_mask);
long sys_sched_yield(void);
long sys_getcpu(uaddr_t u_cpu, uaddr_t u_node, uaddr_t u_cache);
long sys_umask(uint32_t mask);
long sys_getpriority(int which, int who);
long sys_setpriority(int which, int who, int prio);
long sys_sched_getscheduler(int pid);
long sys_sched_getparam(int pid, uaddr_t u_param);
long sys_sched_get_priority_max(int policy);
long sys_sched_get_priority_min(int policy);
long sys_personality(unsigned persona);
/* sys_mem.c */
long sys_brk(uint64_t addr);
long sys_mmap(uint64_t addr, uint64_t len, unsigned prot, unsigned flags, int fd, uint64_t off);
long sys_munmap(uint64_t addr, uint64_t len);
long sys_mprotect(uint64_t addr, uint64_t len, unsigned prot);
long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, unsigned flags, uint64_t new_addr);
long sys_madvise(uint64_t addr, uint64_t len, int advice);
long sys_mlock(uint64_t addr, uint64_t len);
long sys_munlock(uint64_t addr, uint64_t len);
long sys_msync(uint64_t addr, uint64_t len, int flags);
long sys_mincore(uint64_t addr, uint64_t len, uaddr_t u_vec);
/* sys_proc.c */
long sys_exit_group(int status);
long sys_exit(int status);
long sys_getpid(void);
long sys_gettid(void);
long sys_getppid(void);
long sys_getuid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getegid(void);
long sys_getpgrp(void);
long sys_setsid(void);
long sys_getpgid(int pid);
long sys_getsid(int pid);
long sys_setpgid(int pid, int pgid);
long sys_getgroups(int size, uaddr_t u_list);
long sys_setgroups(int size, uaddr_t u_list);
long sys_getresuid(uaddr_t r, uaddr_t e, uaddr_t s);
long sys_getresgid(uaddr_t r, uaddr_t e, uaddr_t s);
long sys_setresuid(uint32_t r, uint32_t e, uint32_t s);
long sys_setresgid(uint32_t r, uint32_t e, uint32_t s);
long sys_setuid(uint32_t uid);
long sys_setgid(uint32_t gid);
long sys_setreuid(uint32_t r, uint32_t e);
long sys_setregid(uint32_t r, uint32_t e);
long sys_setfsuid(uint32_t id);
long sys_setfsgid(uint32_t id);
long sys_set_tid_address(uaddr_t u_tidptr);
long sys_set_robust_list(uaddr_t u_head, size_t len);
long sys_get_robust_list(int pid, uaddr_t u_head, uaddr_t u_len);
long sys_arch_prctl(int code, uint64_t addr);
long sys_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
long sys_futex(uaddr_t u_addr, int op, uint32_t val, uaddr_t u_timeout, uaddr_t u_addr2, uint32_t val3);
long sys_wait4(int pid, uaddr_t u_status, int options, uaddr_t u_ru);
long sys_waitid(int which, int id, uaddr_t u_info, int options, uaddr_t u_ru);
long sys_fork(struct core_uregs *regs);
long sys_vfork(struct core_uregs *regs);
long sys_clone(unsigned long flags, uint64_t sp, uint64_t u_ptid, uint64_t u_ctid,
               uint64_t tls, struct core_uregs *regs);
long sys_clone3(uaddr_t u_args, size_t size, struct core_uregs *regs);
long sys_rt_sigreturn(struct core_uregs *regs);
long sys_rt_sigsuspend(uaddr_t u_mask, size_t sigsetsize);
long sys_rt_sigtimedwait(uaddr_t u_set, uaddr_t u_info, uaddr_t u_ts, size_t sigsetsize);
long sys_pause(void);
long sys_alarm(unsigned seconds);
long sys_getitimer(int which, uaddr_t u_val);
long sys_setitimer(int which, uaddr_t u_new, uaddr_t u_old);
/* sys_signal.c */
long sys_rt_sigaction(int sig, uaddr_t u_act, uaddr_t u_old, size_t sigsetsize);
long sys_rt_sigprocmask(int how, uaddr_t u_set, uaddr_t u_old, size_t sigsetsize);
long sys_rt_sigpending(uaddr_t u_set, size_t sigsetsize);
/* sp: the caller's stack pointer (SS_ONSTACK, EPERM while on it) */
long sys_sigaltstack(uaddr_t u_ss, uaddr_t u_old, uint64_t sp);
long sys_kill(int pid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_tkill(int tid, int sig);
long sys_rt_sigqueueinfo(int pid, int sig, uaddr_t u_info);
long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, uaddr_t u_info);
/* sys_stat.c */
long sys_newfstatat(int dirfd, uaddr_t u_path, uaddr_t u_st, int flags);
long sys_stat(uaddr_t u_path, uaddr_t u_st);
long sys_lstat(uaddr_t u_path, uaddr_t u_st);
long sys_fstat(int fd, uaddr_t u_st);
long sys_statx(int dirfd, uaddr_t u_path, int flags, unsigned mask, uaddr_t u_stx);
long sys_faccessat2(int dirfd, uaddr_t u_path, int mode, int flags);
long sys_faccessat(int dirfd, uaddr_t u_path, int mode);
long sys_access(uaddr_t u_path, int mode);
long sys_fchmodat(int dirfd, uaddr_t u_path, uint32_t mode);
long sys_chmod(uaddr_t u_path, uint32_t mode);
long sys_fchmod(int fd, uint32_t mode);
long sys_fchownat(int dirfd, uaddr_t u_path, uint32_t uid, uint32_t gid, int flags);
long sys_chown(uaddr_t u_path, uint32_t uid, uint32_t gid);
long sys_lchown(uaddr_t u_path, uint32_t uid, uint32_t gid);
long sys_fchown(int fd, uint32_t uid, uint32_t gid);
long sys_utimensat(int dirfd, uaddr_t u_path, uaddr_t u_times, int flags);
long sys_statfs(uaddr_t u_path, uaddr_t u_buf);
long sys_fstatfs(int fd, uaddr_t u_buf);
/* sys_time.c */
long sys_clock_gettime(int clk, uaddr_t u_ts);
long sys_clock_getres(int clk, uaddr_t u_ts);
long sys_clock_settime(int clk, uaddr_t u_ts);
long sys_gettimeofday(uaddr_t u_tv, uaddr_t u_tz);
long sys_time(uaddr_t u_t);
long sys_nanosleep(uaddr_t u_req, uaddr_t u_rem);
long sys_clock_nanosleep(int clk, int flags, uaddr_t u_req, uaddr_t u_rem);
long sys_times(uaddr_t u_buf);
long sys_getrusage(int who, uaddr_t u_ru);
/* sys_xattr.c */
long sys_getxattr(uaddr_t u_path, uaddr_t u_name, uaddr_t u_val, size_t size);
long sys_lgetxattr(uaddr_t u_path, uaddr_t u_name, uaddr_t u_val, size_t size);
long sys_fgetxattr(int fd, uaddr_t u_name, uaddr_t u_val, size_t size);
long sys_listxattr(uaddr_t u_path, uaddr_t u_list, size_t size);
long sys_llistxattr(uaddr_t u_path, uaddr_t u_list, size_t size);
long sys_flistxattr(int fd, uaddr_t u_list, size_t size);
long sys_setxattr(uaddr_t u_path, uaddr_t u_name, uaddr_t u_val, size_t size, int flags);
long sys_lsetxattr(uaddr_t u_path, uaddr_t u_name, uaddr_t u_val, size_t size, int flags);
long sys_fsetxattr(int fd, uaddr_t u_name, uaddr_t u_val, size_t size, int flags);

#endif
