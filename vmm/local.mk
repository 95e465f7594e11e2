# --- mica VMM: libmica.a (everything but main) and the mica binary ---
noinst_LIBRARIES += vmm/libmica.a
vmm_libmica_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBELF_CFLAGS) $(LIBSECCOMP_CFLAGS)
vmm_libmica_a_SOURCES = \
	vmm/error.c vmm/error.h \
	vmm/options.c vmm/options.h \
	vmm/elfinfo.c vmm/elfinfo.h \
	vmm/program.c vmm/program.h \
	vmm/libs.c vmm/libs.h \
	vmm/cpio.c vmm/cpio.h \
	vmm/hostroot.c vmm/hostroot.h \
	vmm/initramfs.c vmm/initramfs.h \
	vmm/cmdline.c vmm/cmdline.h \
	vmm/conmux.c vmm/conmux.h \
	vmm/term.c vmm/term.h \
	vmm/engine.c vmm/engine.h vmm/sandbox.c vmm/sandbox.h \
	vmm/sandbox_int.h vmm/sandbox_kvm.c vmm/privs.c vmm/privs.h \
	vmm/engine_qemu.c vmm/engine_qemu.h vmm/qemu_spawn.c vmm/qemu_loop.c \
	vmm/qemu_virtiofs.c vmm/qemu_vfsd.c \
	vmm/qemu_ring.c vmm/qemu_ring.h \
	vmm/engine_kvm.c vmm/kvm_int.h vmm/kvm_vm.c vmm/kvm_boot.c \
	vmm/kvm_vcpu.c vmm/kvm_loop.c \
	$(MICA_DEVICES_SOURCES)

bin_PROGRAMS += mica
mica_SOURCES = vmm/main.c vmm/run.c vmm/run.h \
	vmm/kernel_image.c vmm/kernel_image.h vmm/kernel_blob.S
mica_CCASFLAGS = -I$(top_builddir) $(AM_CCASFLAGS)
mica_LDADD = vmm/libmica.a $(LIBELF_LIBS) $(LIBSECCOMP_LIBS) -lpthread

# The built-in guest kernel: reassemble the blob when the kernel changes.
vmm/mica-kernel_blob.$(OBJEXT): guest/mica-kernel.elf
