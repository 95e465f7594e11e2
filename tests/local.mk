# --- unit tests ---
# One Check suite per VMM module (tests/unit/test_<module>.c), linked against
# vmm/libmica.a; each runs in Check's fork mode.
MICA_UNIT_TESTS = tests/unit/test_options tests/unit/test_cpio \
	tests/unit/test_cmdline tests/unit/test_elfinfo tests/unit/test_conmux \
	tests/unit/test_kvm_boot tests/unit/test_qemu_ring tests/unit/test_term \
	tests/unit/test_libs tests/unit/test_virtiofs_server \
	tests/unit/test_virtiofs_write tests/unit/test_sandbox
check_PROGRAMS += $(MICA_UNIT_TESTS)
TESTS += $(MICA_UNIT_TESTS)
MICA_UNIT_CPPFLAGS = $(AM_CPPFLAGS) $(LIBELF_CFLAGS) $(CHECK_CFLAGS)
MICA_UNIT_LDADD = vmm/libmica.a $(LIBELF_LIBS) $(LIBSECCOMP_LIBS) $(CHECK_LIBS) -lpthread
tests_unit_test_options_SOURCES = tests/unit/test_options.c
tests_unit_test_options_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_options_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_cpio_SOURCES = tests/unit/test_cpio.c
tests_unit_test_cpio_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_cpio_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_cmdline_SOURCES = tests/unit/test_cmdline.c
tests_unit_test_cmdline_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_cmdline_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_elfinfo_SOURCES = tests/unit/test_elfinfo.c
tests_unit_test_elfinfo_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_elfinfo_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_conmux_SOURCES = tests/unit/test_conmux.c
tests_unit_test_conmux_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_conmux_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_kvm_boot_SOURCES = tests/unit/test_kvm_boot.c
tests_unit_test_kvm_boot_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_kvm_boot_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_qemu_ring_SOURCES = tests/unit/test_qemu_ring.c
tests_unit_test_qemu_ring_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_qemu_ring_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_term_SOURCES = tests/unit/test_term.c
tests_unit_test_term_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_term_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_libs_SOURCES = tests/unit/test_libs.c
tests_unit_test_libs_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_libs_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_virtiofs_server_SOURCES = tests/unit/test_virtiofs_server.c \
	tests/unit/vfsd_req.h
tests_unit_test_virtiofs_server_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_virtiofs_server_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_virtiofs_write_SOURCES = tests/unit/test_virtiofs_write.c \
	tests/unit/vfsd_req.h
tests_unit_test_virtiofs_write_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_virtiofs_write_LDADD = $(MICA_UNIT_LDADD)
tests_unit_test_sandbox_SOURCES = tests/unit/test_sandbox.c
tests_unit_test_sandbox_CPPFLAGS = $(MICA_UNIT_CPPFLAGS)
tests_unit_test_sandbox_LDADD = $(MICA_UNIT_LDADD)

# --- pty driver for the terminal tests (tests/system/tty.sh) ---
check_PROGRAMS += tests/tty/ptyrun
tests_tty_ptyrun_SOURCES = tests/tty/ptyrun.c

# --- system tests ---
# ABI programs (tests/abi/NAME.c), each built statically twice, with musl and
# with glibc, a few also as static-PIE; tests/system/abi.sh runs each on the
# host (the oracle) and in mica and compares. Explicit rules, not pattern
# rules (automake -Wportability); sources come from $(srcdir) so that a VPATH
# build (make distcheck) works. Generated list: keep in step with tests/abi.
ABI_CFLAGS = -O2 -Wall -Wextra
ABI_MUSL = tests/abi/args_env.musl tests/abi/clocks.musl tests/abi/dirs.musl \
	tests/abi/errors.musl tests/abi/exits.musl tests/abi/fds.musl \
	tests/abi/files.musl tests/abi/kernel_probe.musl tests/abi/memory.musl \
	tests/abi/misc.musl tests/abi/signals.musl tests/abi/stdio.musl \
	tests/abi/symlinks.musl tests/abi/pipes.musl tests/abi/pipes_fork.musl \
	tests/abi/procs.musl tests/abi/cow.musl tests/abi/sigframe.musl \
	tests/abi/sigwait.musl tests/abi/jobctl.musl tests/abi/pipeprocs.musl \
	tests/abi/procfs.musl tests/abi/epoll.musl tests/abi/epoll_scale.musl \
	tests/abi/fdevents.musl tests/abi/epoll_chaos.musl \
	tests/abi/threads.musl tests/abi/futex.musl tests/abi/epoll_threads.musl \
	tests/abi/smp.musl tests/abi/execat.musl tests/abi/unix_stream.musl \
	tests/abi/unix_dgram.musl tests/abi/unix_scm.musl tests/abi/unix_echo.musl \
	tests/abi/shm_sem.musl
ABI_GLIBC = tests/abi/args_env.glibc tests/abi/clocks.glibc \
	tests/abi/dirs.glibc tests/abi/errors.glibc tests/abi/exits.glibc \
	tests/abi/fds.glibc tests/abi/files.glibc tests/abi/kernel_probe.glibc \
	tests/abi/memory.glibc tests/abi/misc.glibc tests/abi/signals.glibc \
	tests/abi/stdio.glibc tests/abi/symlinks.glibc tests/abi/pipes.glibc \
	tests/abi/pipes_fork.glibc tests/abi/procs.glibc tests/abi/cow.glibc \
	tests/abi/sigframe.glibc tests/abi/sigwait.glibc tests/abi/jobctl.glibc \
	tests/abi/pipeprocs.glibc \
	tests/abi/procfs.glibc tests/abi/epoll.glibc tests/abi/epoll_scale.glibc \
	tests/abi/fdevents.glibc tests/abi/epoll_chaos.glibc \
	tests/abi/threads.glibc tests/abi/futex.glibc tests/abi/epoll_threads.glibc \
	tests/abi/smp.glibc tests/abi/execat.glibc tests/abi/unix_stream.glibc \
	tests/abi/unix_dgram.glibc tests/abi/unix_scm.glibc tests/abi/unix_echo.glibc \
	tests/abi/shm_sem.glibc tests/abi/shares.glibc
ABI_PIE = tests/abi/args_env.pie tests/abi/memory.pie
# Dynamically linked with glibc (no -static): ld.so, libc.so.6 and libm.so.6
# come from the host into the guest (vmm/libs.c).
ABI_DYN = tests/abi/dyn_hello.dyn tests/abi/dyn_dlopen.dyn tests/abi/dyn_mmap.dyn
ABI_SRCS_C = tests/abi/args_env.c tests/abi/clocks.c tests/abi/dirs.c \
	tests/abi/errors.c tests/abi/exits.c tests/abi/fds.c tests/abi/files.c \
	tests/abi/kernel_probe.c tests/abi/memory.c tests/abi/misc.c \
	tests/abi/signals.c tests/abi/stdio.c tests/abi/symlinks.c tests/abi/pipes.c \
	tests/abi/pipes_fork.c tests/abi/procs.c tests/abi/cow.c \
	tests/abi/sigframe.c tests/abi/sigwait.c tests/abi/jobctl.c \
	tests/abi/pipeprocs.c tests/abi/procfs.c tests/abi/dyn_hello.c \
	tests/abi/dyn_dlopen.c tests/abi/dyn_mmap.c tests/abi/epoll.c \
	tests/abi/epoll_scale.c tests/abi/fdevents.c tests/abi/epoll_chaos.c \
	tests/abi/threads.c tests/abi/futex.c tests/abi/epoll_threads.c \
	tests/abi/smp.c tests/abi/execat.c tests/abi/unix_stream.c \
	tests/abi/unix_dgram.c tests/abi/unix_scm.c tests/abi/unix_echo.c \
	tests/abi/shm_sem.c tests/abi/shares.c
ABI_DEPS = $(srcdir)/tests/abi/abi.h $(srcdir)/tests/abi/unix.h tests/abi/$(am__dirstamp)

tests/abi/$(am__dirstamp):
	@$(MKDIR_P) tests/abi
	@: > $@
tests/abi/args_env.musl: $(srcdir)/tests/abi/args_env.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/args_env.c
tests/abi/args_env.glibc: $(srcdir)/tests/abi/args_env.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/args_env.c
tests/abi/args_env.pie: $(srcdir)/tests/abi/args_env.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static-pie -fPIE $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/args_env.c
tests/abi/epoll.musl: $(srcdir)/tests/abi/epoll.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/epoll.c
tests/abi/epoll.glibc: $(srcdir)/tests/abi/epoll.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/epoll.c
tests/abi/epoll_scale.musl: $(srcdir)/tests/abi/epoll_scale.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/epoll_scale.c
tests/abi/epoll_scale.glibc: $(srcdir)/tests/abi/epoll_scale.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/epoll_scale.c
tests/abi/fdevents.musl: $(srcdir)/tests/abi/fdevents.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/fdevents.c
tests/abi/fdevents.glibc: $(srcdir)/tests/abi/fdevents.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/fdevents.c
tests/abi/epoll_chaos.musl: $(srcdir)/tests/abi/epoll_chaos.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/epoll_chaos.c
tests/abi/epoll_chaos.glibc: $(srcdir)/tests/abi/epoll_chaos.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/epoll_chaos.c
tests/abi/unix_stream.musl: $(srcdir)/tests/abi/unix_stream.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/unix_stream.c
tests/abi/unix_stream.glibc: $(srcdir)/tests/abi/unix_stream.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/unix_stream.c
tests/abi/unix_dgram.musl: $(srcdir)/tests/abi/unix_dgram.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/unix_dgram.c
tests/abi/unix_dgram.glibc: $(srcdir)/tests/abi/unix_dgram.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/unix_dgram.c
tests/abi/unix_scm.musl: $(srcdir)/tests/abi/unix_scm.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/unix_scm.c
tests/abi/unix_scm.glibc: $(srcdir)/tests/abi/unix_scm.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/unix_scm.c
tests/abi/unix_echo.musl: $(srcdir)/tests/abi/unix_echo.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/unix_echo.c
tests/abi/unix_echo.glibc: $(srcdir)/tests/abi/unix_echo.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/unix_echo.c
tests/abi/shm_sem.musl: $(srcdir)/tests/abi/shm_sem.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/shm_sem.c
tests/abi/shm_sem.glibc: $(srcdir)/tests/abi/shm_sem.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/shm_sem.c
tests/abi/shares.glibc: $(srcdir)/tests/abi/shares.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/shares.c
tests/abi/procfs.musl: $(srcdir)/tests/abi/procfs.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/procfs.c
tests/abi/procfs.glibc: $(srcdir)/tests/abi/procfs.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/procfs.c
tests/abi/clocks.musl: $(srcdir)/tests/abi/clocks.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/clocks.c
tests/abi/clocks.glibc: $(srcdir)/tests/abi/clocks.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/clocks.c
tests/abi/dirs.musl: $(srcdir)/tests/abi/dirs.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/dirs.c
tests/abi/dirs.glibc: $(srcdir)/tests/abi/dirs.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/dirs.c
tests/abi/errors.musl: $(srcdir)/tests/abi/errors.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/errors.c
tests/abi/errors.glibc: $(srcdir)/tests/abi/errors.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/errors.c
tests/abi/exits.musl: $(srcdir)/tests/abi/exits.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/exits.c
tests/abi/exits.glibc: $(srcdir)/tests/abi/exits.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/exits.c
tests/abi/fds.musl: $(srcdir)/tests/abi/fds.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/fds.c
tests/abi/fds.glibc: $(srcdir)/tests/abi/fds.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/fds.c
tests/abi/files.musl: $(srcdir)/tests/abi/files.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/files.c
tests/abi/files.glibc: $(srcdir)/tests/abi/files.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/files.c
tests/abi/kernel_probe.musl: $(srcdir)/tests/abi/kernel_probe.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/kernel_probe.c
tests/abi/kernel_probe.glibc: $(srcdir)/tests/abi/kernel_probe.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/kernel_probe.c
tests/abi/memory.musl: $(srcdir)/tests/abi/memory.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/memory.c
tests/abi/memory.glibc: $(srcdir)/tests/abi/memory.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/memory.c
tests/abi/memory.pie: $(srcdir)/tests/abi/memory.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static-pie -fPIE $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/memory.c
tests/abi/misc.musl: $(srcdir)/tests/abi/misc.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/misc.c
tests/abi/misc.glibc: $(srcdir)/tests/abi/misc.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/misc.c
tests/abi/signals.musl: $(srcdir)/tests/abi/signals.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/signals.c
tests/abi/signals.glibc: $(srcdir)/tests/abi/signals.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/signals.c
tests/abi/stdio.musl: $(srcdir)/tests/abi/stdio.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/stdio.c
tests/abi/stdio.glibc: $(srcdir)/tests/abi/stdio.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/stdio.c
tests/abi/symlinks.musl: $(srcdir)/tests/abi/symlinks.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/symlinks.c
tests/abi/symlinks.glibc: $(srcdir)/tests/abi/symlinks.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/symlinks.c
tests/abi/pipes.musl: $(srcdir)/tests/abi/pipes.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/pipes.c
tests/abi/pipes.glibc: $(srcdir)/tests/abi/pipes.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/pipes.c
tests/abi/pipes_fork.musl: $(srcdir)/tests/abi/pipes_fork.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/pipes_fork.c
tests/abi/pipes_fork.glibc: $(srcdir)/tests/abi/pipes_fork.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/pipes_fork.c
tests/abi/procs.musl: $(srcdir)/tests/abi/procs.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/procs.c
tests/abi/procs.glibc: $(srcdir)/tests/abi/procs.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/procs.c
tests/abi/epoll_threads.musl: $(srcdir)/tests/abi/epoll_threads.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static -pthread $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/epoll_threads.c
tests/abi/epoll_threads.glibc: $(srcdir)/tests/abi/epoll_threads.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static -pthread $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/epoll_threads.c
tests/abi/threads.musl: $(srcdir)/tests/abi/threads.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static -pthread $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/threads.c
tests/abi/threads.glibc: $(srcdir)/tests/abi/threads.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static -pthread $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/threads.c
tests/abi/execat.musl: $(srcdir)/tests/abi/execat.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/execat.c
tests/abi/execat.glibc: $(srcdir)/tests/abi/execat.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/execat.c
tests/abi/smp.musl: $(srcdir)/tests/abi/smp.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static -pthread $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/smp.c
tests/abi/smp.glibc: $(srcdir)/tests/abi/smp.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static -pthread $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/smp.c
tests/abi/futex.musl: $(srcdir)/tests/abi/futex.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/futex.c
tests/abi/futex.glibc: $(srcdir)/tests/abi/futex.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/futex.c
tests/abi/cow.musl: $(srcdir)/tests/abi/cow.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/cow.c
tests/abi/cow.glibc: $(srcdir)/tests/abi/cow.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/cow.c
tests/abi/sigframe.musl: $(srcdir)/tests/abi/sigframe.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/sigframe.c
tests/abi/sigframe.glibc: $(srcdir)/tests/abi/sigframe.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/sigframe.c
tests/abi/sigwait.musl: $(srcdir)/tests/abi/sigwait.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/sigwait.c
tests/abi/sigwait.glibc: $(srcdir)/tests/abi/sigwait.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/sigwait.c
tests/abi/jobctl.musl: $(srcdir)/tests/abi/jobctl.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/jobctl.c
tests/abi/jobctl.glibc: $(srcdir)/tests/abi/jobctl.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/jobctl.c
tests/abi/pipeprocs.musl: $(srcdir)/tests/abi/pipeprocs.c $(ABI_DEPS)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/pipeprocs.c
tests/abi/pipeprocs.glibc: $(srcdir)/tests/abi/pipeprocs.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/pipeprocs.c
tests/abi/dyn_hello.dyn: $(srcdir)/tests/abi/dyn_hello.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/dyn_hello.c
tests/abi/dyn_dlopen.dyn: $(srcdir)/tests/abi/dyn_dlopen.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/dyn_dlopen.c \
	  -Wl,--no-as-needed -lm -ldl
tests/abi/dyn_mmap.dyn: $(srcdir)/tests/abi/dyn_mmap.c $(ABI_DEPS)
	$(AM_V_CC)$(CC) $(ABI_CFLAGS) -o $@ $(srcdir)/tests/abi/dyn_mmap.c

# The system tests: shell scripts run from the build dir; they find mica at
# ./mica (or $MICA), the test programs under ./tests/abi, sources via $srcdir.
SYSTEM_TESTS = tests/system/abi.sh tests/system/busybox.sh \
	tests/system/exit_codes.sh tests/system/tty.sh tests/system/dynamic.sh \
	tests/system/virtiofs.sh tests/system/overlay.sh tests/system/hostroot.sh \
	tests/system/hostprogs.sh tests/system/sandbox.sh tests/system/smp.sh \
	tests/system/rwshare.sh tests/system/rootdir.sh tests/system/escape.sh
check_SCRIPTS += $(ABI_MUSL) $(ABI_GLIBC) $(ABI_PIE) $(ABI_DYN)
TESTS += $(SYSTEM_TESTS)
EXTRA_DIST += $(ABI_SRCS_C) tests/abi/abi.h tests/abi/unix.h $(SYSTEM_TESTS) \
	tests/system/lib.sh tests/bench/bench.sh tests/bench/nop.c \
	tests/bench/nullsys.c tests/bench/pagefault.c tests/bench/rss.c \
	tests/bench/io.c tests/bench/fork.c tests/bench/forkexec.c \
	tests/bench/pipelat.c tests/bench/pipebw.c tests/bench/epolllat.c \
	tests/bench/threads.c
CLEANFILES += $(ABI_MUSL) $(ABI_GLIBC) $(ABI_PIE) $(ABI_DYN) $(BENCH_BINS) \
	tests/abi/$(am__dirstamp) tests/bench/$(am__dirstamp)

# The busybox sh suite (tests/system/shell.sh runs tests/shell/*.sh on the
# host and in mica), part of make check; make check-shell runs it alone
# (SHELL_TESTS="loops pipeline" narrows it to some scripts).
SHELL_SYSTEM_TESTS = tests/system/shell.sh
TESTS += $(SHELL_SYSTEM_TESTS)
SHELL_SUITE_FILES = tests/shell/arith.sh tests/shell/awk.sh \
	tests/shell/background.sh tests/shell/case.sh tests/shell/cmdsubst.sh \
	tests/shell/devices.sh tests/shell/exec_redir.sh \
	tests/shell/exit_status.sh tests/shell/fds.sh tests/shell/find.sh \
	tests/shell/functions.sh tests/shell/glob.sh tests/shell/grep.sh \
	tests/shell/groups.sh tests/shell/gzip.sh tests/shell/heredoc.sh \
	tests/shell/kill_bg.sh tests/shell/loops.sh tests/shell/many_procs.sh \
	tests/shell/md5sum.sh tests/shell/nested_sh.sh tests/shell/pipe_bulk.sh \
	tests/shell/pipeline.sh tests/shell/proc.sh tests/shell/read.sh \
	tests/shell/redirections.sh tests/shell/sed.sh \
	tests/shell/seq_printf.sh tests/shell/set_e.sh tests/shell/sort.sh \
	tests/shell/specials.sh tests/shell/subshell.sh tests/shell/tar.sh \
	tests/shell/test.sh tests/shell/textutils.sh tests/shell/trap_exit.sh \
	tests/shell/trap_signal.sh tests/shell/uniq.sh tests/shell/vars.sh \
	tests/shell/xargs.sh
EXTRA_DIST += $(SHELL_SYSTEM_TESTS) $(SHELL_SUITE_FILES)
check-shell: all
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(SHELL_SYSTEM_TESTS)"
.PHONY: check-shell

# make bench: mica against the host in one table (tests/bench/bench.sh).
BENCH_BINS = tests/bench/nop.musl tests/bench/nullsys.musl \
	tests/bench/pagefault.musl tests/bench/io.musl tests/bench/rss \
	tests/bench/fork.musl tests/bench/forkexec.musl \
	tests/bench/pipelat.musl tests/bench/pipebw.musl \
	tests/bench/epolllat.musl tests/bench/threads.musl
tests/bench/$(am__dirstamp):
	@$(MKDIR_P) tests/bench
	@: > $@
tests/bench/nop.musl: $(srcdir)/tests/bench/nop.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/nop.c
tests/bench/nullsys.musl: $(srcdir)/tests/bench/nullsys.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/nullsys.c
tests/bench/pagefault.musl: $(srcdir)/tests/bench/pagefault.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/pagefault.c
tests/bench/io.musl: $(srcdir)/tests/bench/io.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/io.c
tests/bench/fork.musl: $(srcdir)/tests/bench/fork.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/fork.c
tests/bench/forkexec.musl: $(srcdir)/tests/bench/forkexec.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/forkexec.c
tests/bench/pipelat.musl: $(srcdir)/tests/bench/pipelat.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/pipelat.c
tests/bench/pipebw.musl: $(srcdir)/tests/bench/pipebw.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/pipebw.c
tests/bench/epolllat.musl: $(srcdir)/tests/bench/epolllat.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(MUSL_GCC) -static $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/epolllat.c
tests/bench/threads.musl: $(srcdir)/tests/bench/threads.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(MUSL_GCC) -static -pthread $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/threads.c
tests/bench/rss: $(srcdir)/tests/bench/rss.c tests/bench/$(am__dirstamp)
	$(AM_V_CC)$(CC) $(ABI_CFLAGS) -o $@ $(srcdir)/tests/bench/rss.c
bench: $(BENCH_BINS) mica$(EXEEXT)
	MICA='$(abs_top_builddir)/mica$(EXEEXT)' \
	  BENCH_DIR='$(abs_top_builddir)/tests/bench' \
	  $(SHELL) $(srcdir)/tests/bench/bench.sh
.PHONY: bench
