#!/bin/sh
# shell.sh: busybox sh running the scripts in tests/shell (pipelines,
# subshells, traps, jobs, redirections, applets), each on the host and in
# mica, compared: stdout, stderr and exit status. It needs processes, pipes
# and signals in the guest. SHELL_TESTS="loops trap_exit" runs a subset.
#
# The guest's filesystem holds only the program, so a script travels as the
# argument of sh -c; the encoded command line has to fit (QEMU's -append is
# one exec argument, at most 128 KiB), hence the size limit below. This
# busybox runs its applets by execve("/proc/self/exe") or fork alone; a
# script must use no command that is not an applet (the host would find it
# on PATH, the guest would not), nor awk's system() or pipes, nor tar -z to
# create: those exec /bin/sh and gzip from PATH.
: "${MICA_TEST_TIMEOUT:=60}" # fork-heavy scripts under QEMU TCG
. "${srcdir:-.}/tests/system/lib.sh"

SCRIPT_MAX=4096
BB=${BUSYBOX:-$(command -v busybox)}
[ -n "$BB" ] && [ -x "$BB" ] || skip "busybox not found (Debian package busybox-static)"
case $BB in /*) ;; *) BB=$(cd "$(dirname "$BB")" && pwd)/$(basename "$BB") ;; esac
file_out=$(file -L "$BB" 2>/dev/null)
case $file_out in *dynamically*) skip "$BB is not static (install busybox-static)" ;; esac
dir=$srcdir/tests/shell
[ -d "$dir" ] || skip "no scripts in $dir"
mica_setup

# Every script gets the same short stdin (the console is slow to carry it).
printf 'first line of input\nsecond line\n' >"$WORK/stdin"

if [ -n "${SHELL_TESTS:-}" ]; then
    scripts=
    for n in $SHELL_TESTS; do scripts="$scripts $dir/${n%.sh}.sh"; done
else
    scripts=$(ls "$dir"/*.sh)
fi
for f in $scripts; do
    name=$(basename "$f" .sh)
    if [ ! -r "$f" ]; then
        fail "sh $name: no script $f"
        continue
    fi
    size=$(wc -c <"$f")
    if [ "$size" -gt "$SCRIPT_MAX" ]; then
        fail "sh $name: script is $size bytes, over $SCRIPT_MAX; split it"
        continue
    fi
    compare "sh $name" "$WORK/stdin" yes "$BB" sh -c "$(cat "$f")"
done
finish
