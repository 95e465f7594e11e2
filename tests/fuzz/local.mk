# --- fuzz targets (tests/fuzz/fuzz_*.c): libFuzzer, built with clang ---
# Each target links the device sources it fuzzes straight from the tree,
# instrumented (-fsanitize=fuzzer,address,undefined), not vmm/libmica.a.
# `make check` runs tests/fuzz/fuzz.sh for a few seconds per target;
# `make fuzz` runs each for FUZZ_SECONDS (300 by default). Without a clang
# that links libFuzzer, configure says so and fuzz.sh skips (exit 77).
FUZZ_TARGETS = tests/fuzz/fuzz_virtq tests/fuzz/fuzz_virtiofs \
	tests/fuzz/fuzz_vhost_user tests/fuzz/fuzz_console
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -I$(top_srcdir)/include \
	-I$(top_srcdir)/vmm -I$(top_srcdir)/devices -I$(top_builddir)
FUZZ_SECONDS = 300
EXTRA_DIST += tests/fuzz/fuzz_virtq.c tests/fuzz/fuzz_virtiofs.c \
	tests/fuzz/fuzz_vhost_user.c tests/fuzz/fuzz_console.c tests/fuzz/fuzz.sh
check_PROGRAMS += tests/fuzz/mkseeds
tests_fuzz_mkseeds_SOURCES = tests/fuzz/mkseeds.c
TESTS += tests/fuzz/fuzz.sh
CLEANFILES += $(FUZZ_TARGETS)
if MICA_FUZZ
check_SCRIPTS += $(FUZZ_TARGETS)
endif

tests/fuzz/fuzz_virtq: $(srcdir)/tests/fuzz/fuzz_virtq.c \
		$(srcdir)/devices/virtq_host.c $(srcdir)/vmm/error.c
	$(AM_V_CCLD)$(CLANG) $(FUZZ_FLAGS) -o $@ $^
tests/fuzz/fuzz_virtiofs: $(srcdir)/tests/fuzz/fuzz_virtiofs.c \
		$(srcdir)/devices/virtiofs_srv.c $(srcdir)/devices/virtiofs_node.c \
		$(srcdir)/devices/virtiofs_write.c $(srcdir)/devices/virtq_host.c \
		$(srcdir)/vmm/error.c
	$(AM_V_CCLD)$(CLANG) $(FUZZ_FLAGS) -o $@ $^
tests/fuzz/fuzz_vhost_user: $(srcdir)/tests/fuzz/fuzz_vhost_user.c \
		$(srcdir)/devices/vhost_user.c $(srcdir)/devices/virtq_host.c \
		$(srcdir)/vmm/error.c
	$(AM_V_CCLD)$(CLANG) $(FUZZ_FLAGS) -o $@ $^
tests/fuzz/fuzz_console: $(srcdir)/tests/fuzz/fuzz_console.c \
		$(srcdir)/devices/console_ring.c $(srcdir)/vmm/conmux.c \
		$(srcdir)/vmm/qemu_ring.c $(srcdir)/vmm/error.c
	$(AM_V_CCLD)$(CLANG) $(FUZZ_FLAGS) -o $@ $^

fuzz: $(FUZZ_TARGETS) tests/fuzz/mkseeds
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_CORPUS=tests/fuzz/corpus \
		$(SHELL) $(srcdir)/tests/fuzz/fuzz.sh
.PHONY: fuzz
