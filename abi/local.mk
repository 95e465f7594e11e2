# The Linux ABI services (guest kernel, unprivileged part).
ABI_SRCS = \
	abi/main.c \
	abi/boot_mounts.c \
	abi/proc.c \
	abi/fork.c \
	abi/exit.c \
	abi/futex.c \
	abi/signal.c \
	abi/syscall.c \
	abi/trap.c \
	abi/vfs_inode.c \
	abi/vfs_path.c \
	abi/vfs_dir.c \
	abi/vfs_data.c \
	abi/tmpfs.c \
	abi/overlay.c \
	abi/mount.c \
	abi/devfs.c \
	abi/procfs.c \
	abi/procfs_pid.c \
	abi/procfs_sys.c \
	abi/virtiofs.c \
	abi/virtiofs_io.c \
	abi/virtiofs_write.c \
	abi/initramfs.c \
	abi/fd.c \
	abi/console_file.c \
	abi/ldisc.c \
	abi/ldisc_input.c \
	abi/ldisc_output.c \
	abi/ldisc_ioctl.c \
	abi/sys_file.c \
	abi/sys_fd.c \
	abi/pipe.c \
	abi/poll.c \
	abi/sys_dir.c \
	abi/sys_stat.c \
	abi/exec.c \
	abi/script.c \
	abi/elf.c \
	abi/stack.c \
	abi/mm.c \
	abi/vma.c \
	abi/sys_mem.c \
	abi/sys_time.c \
	abi/sys_info.c \
	abi/sys_signal.c \
	abi/sys_proc.c \
	abi/sys_xattr.c \
	abi/sys_copy.c

EXTRA_DIST += $(ABI_SRCS) abi/abi_int.h abi/sys.h abi/proc.h abi/ldisc.h abi/ldisc_int.h abi/procfs_int.h abi/virtiofs_int.h
