# The guest kernel: core (privileged), lib (plain C), services (abi/,
# guest/drivers/). Built freestanding into guest/mica-kernel.elf, which the
# mica binary embeds. Services are compiled with only guest/include/ and
# the Linux UAPI headers on their include path.

GUEST_CORE_SRCS = \
	guest/core/arch/x86_64/entry.S \
	guest/core/arch/x86_64/boot.S \
	guest/core/arch/x86_64/ap_boot.S \
	guest/core/arch/x86_64/smp.c \
	guest/core/arch/x86_64/uaccess.S \
	guest/core/arch/x86_64/cpu.c \
	guest/core/arch/x86_64/platform_ring0.c \
	guest/core/arch/x86_64/platform_pvm.c \
	guest/core/arch/x86_64/paging.c \
	guest/core/arch/x86_64/traps.c \
	guest/core/arch/x86_64/pvh.c \
	guest/core/arch/x86_64/uart.c \
	guest/core/arch/x86_64/fpu.c \
	guest/core/arch/x86_64/apic.c \
	guest/core/arch/x86_64/ioapic.c \
	guest/core/main.c \
	guest/core/sched.c \
	guest/core/frames.c \
	guest/core/heap.c \
	guest/core/console.c \
	guest/core/uaccess.c \
	guest/core/panic.c \
	guest/core/time.c \
	guest/core/random.c \
	guest/core/dev.c

# Device drivers: services, written against core/dev.h only.
GUEST_DRIVER_SRCS = \
	guest/drivers/virtio/virtio_mmio.c \
	guest/drivers/virtio/virtq.c

GUEST_LIB_SRCS = \
	guest/lib/string.c \
	guest/lib/printf.c \
	guest/lib/chacha20.c

GUEST_CORE_HDRS = \
	guest/core/core_int.h \
	guest/core/arch/x86_64/arch.h \
	guest/core/arch/x86_64/asm_offsets.h \
	guest/core/arch/x86_64/boot32.h \
	guest/core/arch/x86_64/pvm.h \
	guest/include/core/types.h guest/include/core/errno.h \
	guest/include/core/console.h guest/include/core/panic.h \
	guest/include/core/mem.h guest/include/core/as.h \
	guest/include/core/uaccess.h guest/include/core/task.h \
	guest/include/core/time.h guest/include/core/random.h \
	guest/include/core/boot.h guest/include/core/dev.h guest/include/lib/string.h \
	guest/include/lib/chacha20.h guest/include/drivers/virtio.h \
	guest/drivers/virtio/virtio_int.h

GUEST_UAPI = guest-uapi
GUEST_COMMON_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-Werror=implicit-function-declaration \
	-ffreestanding -nostdinc -isystem $(GUEST_GCC_INCLUDE) -isystem $(GUEST_UAPI) \
	-mcmodel=kernel -mno-red-zone -fno-pic -fno-pie -mgeneral-regs-only \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-common -fcf-protection=none \
	-I$(top_srcdir)/guest/include -I$(top_srcdir)/include
GUEST_CORE_CFLAGS = $(GUEST_COMMON_CFLAGS) -I$(top_srcdir)/guest/core \
	-I$(top_srcdir)/guest/core/arch/x86_64
GUEST_SERVICE_CFLAGS = $(GUEST_COMMON_CFLAGS)

GUEST_CORE_OBJS = $(patsubst %,guest-obj/%.o,$(basename $(GUEST_CORE_SRCS)))
GUEST_LIB_OBJS = $(patsubst %,guest-obj/%.o,$(basename $(GUEST_LIB_SRCS)))
GUEST_SERVICE_OBJS = $(patsubst %,guest-obj/%.o,$(basename $(ABI_SRCS) $(GUEST_DRIVER_SRCS)))
GUEST_OBJS = $(GUEST_CORE_OBJS) $(GUEST_LIB_OBJS) $(GUEST_SERVICE_OBJS)

$(GUEST_UAPI)/stamp:
	$(AM_V_GEN)rm -rf $(GUEST_UAPI) && mkdir -p $(GUEST_UAPI) && \
	ln -s $(GUEST_UAPI_LINUX) $(GUEST_UAPI)/linux && \
	ln -s $(GUEST_UAPI_ASM) $(GUEST_UAPI)/asm && \
	ln -s $(GUEST_UAPI_ASMGEN) $(GUEST_UAPI)/asm-generic && touch $@

guest-obj/guest/core/%.o: $(srcdir)/guest/core/%.c $(GUEST_UAPI)/stamp
	@mkdir -p $(@D)
	$(AM_V_CC)$(CC) $(GUEST_CORE_CFLAGS) -MMD -MP -c -o $@ $<
guest-obj/guest/core/%.o: $(srcdir)/guest/core/%.S $(GUEST_UAPI)/stamp
	@mkdir -p $(@D)
	$(AM_V_CC)$(CC) $(GUEST_CORE_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c -o $@ $<
guest-obj/guest/drivers/%.o: $(srcdir)/guest/drivers/%.c $(GUEST_UAPI)/stamp
	@mkdir -p $(@D)
	$(AM_V_CC)$(CC) $(GUEST_SERVICE_CFLAGS) -MMD -MP -c -o $@ $<
guest-obj/guest/lib/%.o: $(srcdir)/guest/lib/%.c $(GUEST_UAPI)/stamp
	@mkdir -p $(@D)
	$(AM_V_CC)$(CC) $(GUEST_SERVICE_CFLAGS) -MMD -MP -c -o $@ $<
guest-obj/abi/%.o: $(srcdir)/abi/%.c $(GUEST_UAPI)/stamp abi/syscall_names.h
	@mkdir -p $(@D)
	$(AM_V_CC)$(CC) $(GUEST_SERVICE_CFLAGS) -Iabi -I$(srcdir)/abi -MMD -MP -c -o $@ $<

# Syscall names, generated from the UAPI header (for -v reports).
abi/syscall_names.h: $(srcdir)/tools/gen-syscall-names.sh $(GUEST_UAPI)/stamp
	@mkdir -p abi
	$(AM_V_GEN)$(SHELL) $(srcdir)/tools/gen-syscall-names.sh $(GUEST_UAPI_ASM)/unistd_64.h > $@.tmp && mv $@.tmp $@

guest/mica-kernel.elf: $(GUEST_OBJS) $(srcdir)/guest/kernel.ld
	@mkdir -p guest
	$(AM_V_CCLD)$(LD) -T $(srcdir)/guest/kernel.ld -nostdlib -static -z max-page-size=4096 \
		-z noexecstack --no-warn-rwx-segments -o $@ $(GUEST_OBJS)

-include $(GUEST_OBJS:.o=.d)

noinst_DATA = guest/mica-kernel.elf
EXTRA_DIST += $(GUEST_CORE_SRCS) $(GUEST_LIB_SRCS) $(GUEST_DRIVER_SRCS) $(GUEST_CORE_HDRS) guest/kernel.ld \
	tools/gen-syscall-names.sh tools/check-split.sh tools/check-split-selftest.sh
CLEANFILES += guest/mica-kernel.elf abi/syscall_names.h
clean-local: clean-guest
clean-guest:
	rm -rf guest-obj $(GUEST_UAPI)
.PHONY: clean-guest

# The framekernel split: nothing outside guest/core/ reaches past the core API.
TESTS += tools/check-split.sh tools/check-split-selftest.sh

# Guest logic compiled for the host and unit-tested there (symbols renamed
# so they do not replace the host C library's).
check_LIBRARIES += tests/unit/libguesthost.a
tests_unit_libguesthost_a_SOURCES = guest/lib/string.c guest/lib/printf.c \
	guest/lib/chacha20.c
tests_unit_libguesthost_a_CPPFLAGS = -include $(srcdir)/tests/unit/guest_host.h \
	-I$(srcdir)/guest/include
tests_unit_libguesthost_a_CFLAGS = -std=gnu11 -Wall -fno-builtin
check_PROGRAMS += tests/unit/test_guest_lib
TESTS += tests/unit/test_guest_lib
tests_unit_test_guest_lib_SOURCES = tests/unit/test_guest_lib.c tests/unit/guest_host.h \
	tests/unit/guest_unhost.h tests/unit/check_run.h
tests_unit_test_guest_lib_CPPFLAGS = -I$(srcdir)/guest/include $(CHECK_CFLAGS)
tests_unit_test_guest_lib_LDADD = tests/unit/libguesthost.a $(CHECK_LIBS)

# Kernel faults (panic, kernel #PF, triple fault) are reported, not hung on.
TESTS += tests/system/faults.sh
EXTRA_DIST += tests/system/faults.sh
include tests/unit/abi-host.mk
TESTS += tests/system/abi_qemu.sh
EXTRA_DIST += tests/system/abi_qemu.sh

# Every system test under the QEMU engine (ring 0 under TCG), whatever
# /dev/kvm is: the independent second platform.
check-qemu: all $(check_SCRIPTS) $(check_PROGRAMS)
	MICA_TEST_ENGINE=qemu $(MAKE) $(AM_MAKEFLAGS) check \
		TESTS="$(filter-out tests/system/abi_qemu.sh,$(filter tests/system/%,$(TESTS)))"
.PHONY: check-qemu

# A random-syscall stress program: no program may bring the kernel down.
check_SCRIPTS += tests/stress/randsys
TESTS += tests/system/stress.sh
EXTRA_DIST += tests/system/stress.sh tests/stress/randsys.c
CLEANFILES += tests/stress/randsys
tests/stress/randsys: $(srcdir)/tests/stress/randsys.c
	@mkdir -p tests/stress
	$(AM_V_CC)$(MUSL_GCC) -static -pthread -O2 -Wall -o $@ $(srcdir)/tests/stress/randsys.c

# mica's own VMM on each platform (skips without /dev/kvm).
TESTS += tests/system/platforms.sh
EXTRA_DIST += tests/system/platforms.sh
