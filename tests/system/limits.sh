#!/bin/sh
# limits.sh: the guest's limits hold (issue 7), with tests/limits/hog:
#   - --memory 128M is a hard cap: a program that maps and touches memory
#     for ever ends with 137 (killed by the guest) or its own allocation
#     failure (3), never a kernel panic (125); mica's RSS plus QEMU's stays
#     within the cap plus a fixed overhead, sampled from /proc as it runs;
#   - a child doing the same is killed while its parent goes on;
#   - opening files for ever ends in EMFILE at the default RLIMIT_NOFILE
#     (1024 soft), after as many opens as on the host under ulimit -n 1024;
#   - forking for ever ends cleanly: EAGAIN at a lowered RLIMIT_NPROC
#     (setrlimit), and ENOMEM or EAGAIN at the default one, no panic.
# (A fork bomb under --timeout is in sandbox.sh.)
. "${srcdir:-.}/tests/system/lib.sh"

need_busybox
mica_setup
HOG=$(pwd)/tests/limits/hog
[ -x "$HOG" ] || skip "tests/limits/hog not built"
OVERHEAD_MIB=${MICA_TEST_RSS_OVERHEAD_MIB:-96}

# rss_kib PID: VmRSS of PID and its children (QEMU), in KiB
rss_kib() {
    _sum=0
    for _p in "$1" $(pgrep -P "$1" 2>/dev/null); do
        _v=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$_p/status" 2>/dev/null)
        _sum=$((_sum + ${_v:-0}))
    done
    echo "$_sum"
}

# (1) The memory hog, with mica's and QEMU's RSS sampled while it runs.
sh -c 'echo $$ >"$1/pid"; shift; exec "$@"' sh "$WORK" \
    timeout -k 5 "$MICA_TEST_TIMEOUT" "$MICA" run $ENGINE_OPTS \
    --memory 128M --no-host-root "$HOG" mem \
    >"$WORK/out" 2>"$WORK/err" </dev/null &
bg=$!
sleep 0.1
pid=$(cat "$WORK/pid")
peak=0
while kill -0 "$bg" 2>/dev/null; do
    # timeout(1) runs mica as its child: sample mica and below
    for m in $(pgrep -P "$pid" 2>/dev/null); do
        r=$(rss_kib "$m")
        [ "$r" -gt "$peak" ] && peak=$r
    done
    sleep 0.05
done
wait "$bg"
status=$?
limit=$(((128 + OVERHEAD_MIB) * 1024))
holds "--memory 128M, a hog: 137 or its own 3 (here $status), no panic" \
    eval '{ [ "$status" = 137 ] || [ "$status" = 3 ]; } &&
          ! grep -qi panic "$WORK/err"'
holds "--memory 128M, a hog: mica+QEMU peak RSS $((peak / 1024)) MiB <= 128 + $OVERHEAD_MIB MiB" \
    eval '[ "$peak" -gt 0 ] && [ "$peak" -le "$limit" ]'

# (2) A child hogs; its parent sees it killed and goes on.
mica_run "$WORK/out" "$WORK/err" /dev/null --memory 128M --no-host-root \
    "$HOG" mem-child
holds "--memory 128M, a hogging child: killed (or failed), the parent goes on" \
    eval '[ "$status" = 0 ] && [ "$(sed -n 2p "$WORK/out")" = "parent alive" ] &&
          grep -Eq "^child (killed by signal 9|exited 3)$" "$WORK/out" &&
          ! grep -qi panic "$WORK/err"'

# (3) Files for ever: EMFILE, after as many as on the host at 1024.
(ulimit -n 1024 && exec "$HOG" files) >"$WORK/host.out" 2>&1 </dev/null
mica_run "$WORK/out" "$WORK/err" /dev/null --no-host-root "$HOG" files
holds "open for ever: EMFILE at the default limit, as the host at 1024 ($(cat "$WORK/out"))" \
    eval '[ "$status" = 0 ] && cmp -s "$WORK/out" "$WORK/host.out" &&
          grep -q "then No file descriptors available" "$WORK/out"'

# (4) Fork for ever.
mica_run "$WORK/out" "$WORK/err" /dev/null "$HOG" procs 40
holds "fork for ever under RLIMIT_NPROC 40: EAGAIN after 39 ($(cat "$WORK/out"))" \
    eval '[ "$status" = 0 ] &&
          [ "$(cat "$WORK/out")" = "forked 39, then Resource temporarily unavailable" ]'
mica_run "$WORK/out" "$WORK/err" /dev/null --memory 128M --no-host-root \
    "$HOG" procs
holds "fork for ever at the default limits: ends cleanly ($(cat "$WORK/out"))" \
    eval '[ "$status" = 0 ] && ! grep -qi panic "$WORK/err" &&
          grep -Eq "^forked [0-9]+, then (Out of memory|Resource temporarily unavailable)$" "$WORK/out"'
finish
