# The Linux ABI services (abi/) compiled for the host and unit-tested there
# against a host implementation of the core API (tests/unit/core_shim.c).
# Included from guest/local.mk. Symbols of guest/lib are renamed by
# guest_host.h, so the abi code calls guest_memcpy and friends from
# libguesthost.a, never the host C library's.

# All of abi/ (abi/local.mk's list), so a new file needs no edit here.
# main.o comes along for abi_proc; test_abi_main includes main.c instead.
ABI_HOST_SRCS = $(ABI_SRCS) $(GUEST_DRIVER_SRCS)

# Freestanding, with the guest's include path (GCC's own headers and the
# UAPI links only), so the code sees what it sees in the guest.
ABI_HOST_CPPFLAGS = -include $(srcdir)/tests/unit/guest_host.h \
	-nostdinc -isystem $(GUEST_GCC_INCLUDE) -isystem $(GUEST_UAPI) \
	-I$(srcdir)/guest/include -I$(srcdir)/abi -Iabi -I$(srcdir)/include

check_LIBRARIES += tests/unit/libabihost.a tests/unit/libcoreshim.a
tests_unit_libabihost_a_SOURCES = $(ABI_HOST_SRCS)
tests_unit_libabihost_a_CPPFLAGS = $(ABI_HOST_CPPFLAGS)
tests_unit_libabihost_a_CFLAGS = -std=gnu11 -Wall -ffreestanding -fno-builtin
$(tests_unit_libabihost_a_OBJECTS): $(GUEST_UAPI)/stamp abi/syscall_names.h
tests_unit_libcoreshim_a_SOURCES = tests/unit/core_shim.c tests/unit/core_shim.h
tests_unit_libcoreshim_a_CPPFLAGS = -I$(srcdir)/guest/include
tests_unit_libcoreshim_a_CFLAGS = -std=gnu11 -Wall

ABI_HOST_TEST_CPPFLAGS = -I$(srcdir)/guest/include -I$(srcdir)/abi -Iabi \
	-I$(srcdir)/include -I$(srcdir)/tests/unit $(CHECK_CFLAGS)
ABI_HOST_TEST_CFLAGS = -std=gnu11 -Wall -fno-builtin
ABI_HOST_LDADD = tests/unit/libabihost.a tests/unit/libcoreshim.a \
	tests/unit/libguesthost.a $(CHECK_LIBS)

ABI_HOST_TESTS = tests/unit/test_abi_initramfs tests/unit/test_abi_elf \
	tests/unit/test_abi_vfs tests/unit/test_abi_tmpfs \
	tests/unit/test_abi_vma tests/unit/test_abi_exec tests/unit/test_abi_main \
	tests/unit/test_abi_fd tests/unit/test_abi_stat tests/unit/test_abi_syscall \
	tests/unit/test_abi_signal tests/unit/test_abi_time tests/unit/test_abi_copy \
	tests/unit/test_abi_proc tests/unit/test_abi_ldisc tests/unit/test_abi_pipe \
	tests/unit/test_abi_procfs tests/unit/test_abi_overlay \
	tests/unit/test_abi_epoll tests/unit/test_abi_socket
check_PROGRAMS += $(ABI_HOST_TESTS)
TESTS += $(ABI_HOST_TESTS)

tests_unit_test_abi_initramfs_SOURCES = tests/unit/test_abi_initramfs.c
tests_unit_test_abi_initramfs_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_initramfs_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_initramfs_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_elf_SOURCES = tests/unit/test_abi_elf.c
tests_unit_test_abi_elf_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_elf_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_elf_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_vfs_SOURCES = tests/unit/test_abi_vfs.c
tests_unit_test_abi_vfs_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_vfs_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_vfs_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_tmpfs_SOURCES = tests/unit/test_abi_tmpfs.c
tests_unit_test_abi_tmpfs_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_tmpfs_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_tmpfs_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_vma_SOURCES = tests/unit/test_abi_vma.c
tests_unit_test_abi_vma_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_vma_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_vma_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_exec_SOURCES = tests/unit/test_abi_exec.c
tests_unit_test_abi_exec_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_exec_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_exec_LDADD = $(ABI_HOST_LDADD)

# main.c is included by its suite (its functions are static), not linked.
tests_unit_test_abi_main_SOURCES = tests/unit/test_abi_main.c
tests_unit_test_abi_main_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_main_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_main_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_fd_SOURCES = tests/unit/test_abi_fd.c
tests_unit_test_abi_fd_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_fd_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_fd_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_stat_SOURCES = tests/unit/test_abi_stat.c
tests_unit_test_abi_stat_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_stat_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_stat_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_syscall_SOURCES = tests/unit/test_abi_syscall.c
tests_unit_test_abi_syscall_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_syscall_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_syscall_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_signal_SOURCES = tests/unit/test_abi_signal.c
tests_unit_test_abi_signal_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_signal_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_signal_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_time_SOURCES = tests/unit/test_abi_time.c
tests_unit_test_abi_time_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_time_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_time_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_copy_SOURCES = tests/unit/test_abi_copy.c
tests_unit_test_abi_copy_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_copy_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_copy_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_proc_SOURCES = tests/unit/test_abi_proc.c
tests_unit_test_abi_proc_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_proc_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_proc_LDADD = $(ABI_HOST_LDADD)


tests_unit_test_abi_ldisc_SOURCES = tests/unit/test_abi_ldisc.c
tests_unit_test_abi_ldisc_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_ldisc_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_ldisc_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_epoll_SOURCES = tests/unit/test_abi_epoll.c
tests_unit_test_abi_epoll_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_epoll_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_epoll_LDADD = $(ABI_HOST_LDADD)


tests_unit_test_abi_socket_SOURCES = tests/unit/test_abi_socket.c
tests_unit_test_abi_socket_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_socket_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_socket_LDADD = $(ABI_HOST_LDADD)
tests_unit_test_abi_pipe_SOURCES = tests/unit/test_abi_pipe.c
tests_unit_test_abi_pipe_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_pipe_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_pipe_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_procfs_SOURCES = tests/unit/test_abi_procfs.c
tests_unit_test_abi_procfs_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_procfs_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_procfs_LDADD = $(ABI_HOST_LDADD)

tests_unit_test_abi_overlay_SOURCES = tests/unit/test_abi_overlay.c
tests_unit_test_abi_overlay_CPPFLAGS = $(ABI_HOST_TEST_CPPFLAGS)
tests_unit_test_abi_overlay_CFLAGS = $(ABI_HOST_TEST_CFLAGS)
tests_unit_test_abi_overlay_LDADD = $(ABI_HOST_LDADD)
