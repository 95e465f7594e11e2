# --- tests/system/limits.sh and its resource hog (tests/limits/hog.c) ---
check_SCRIPTS += tests/limits/hog
TESTS += tests/system/limits.sh
EXTRA_DIST += tests/system/limits.sh tests/limits/hog.c
CLEANFILES += tests/limits/hog
tests/limits/hog: $(srcdir)/tests/limits/hog.c
	@$(MKDIR_P) tests/limits
	$(AM_V_CC)$(MUSL_GCC) -static -O2 -Wall -o $@ $(srcdir)/tests/limits/hog.c
