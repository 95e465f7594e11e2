#!/bin/sh
# bench.sh: mica against the host, one table. Start-up (median wall time of
# a static program that exits at once), mica's peak RSS, and, inside the
# guest beside the host, a null syscall and a first-touch page fault.
# Then console throughput (boot time taken off), and processes and pipes:
# fork, fork + exec, pipe round trip and pipe throughput, and an
# epoll_wait wake-up round trip through eventfds. A figure whose
# runs all failed (in mica, before the kernel has fork) shows as n/a.
# BENCH_RUNS sets the number of start-up runs (default 20).
here=$(cd "$(dirname "$0")" && pwd)
srcdir=${srcdir:-$here/../..}
. "$here/../system/lib.sh"

RUNS=${BENCH_RUNS:-20}
DIR=${BENCH_DIR:-$(pwd)/tests/bench}
case $DIR in /*) ;; *) DIR=$(pwd)/$DIR ;; esac
for f in nop.musl nullsys.musl pagefault.musl io.musl rss fork.musl \
    forkexec.musl pipelat.musl pipebw.musl epolllat.musl threads.musl; do
    [ -x "$DIR/$f" ] || skip "$DIR/$f not built (run: make bench)"
done
mica_setup
RSS=$DIR/rss

median() { # the median of the numbers on stdin
    sort -n | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "n/a"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# startup SIDE: RUNS lines of "ns kib status" for the nop program.
startup() {
    i=0
    while [ $i -lt "$RUNS" ]; do
        if [ "$1" = host ]; then
            "$RSS" "$DIR/nop.musl"
        else
            "$RSS" "$MICA" run $ENGINE_OPTS "$DIR/nop.musl"
        fi
        i=$((i + 1))
    done
}

# inside SIDE PROG [ARG...]: the median of 3 runs of a program that prints
# one number; runs that fail are left out (all failed: n/a).
inside() {
    _side=$1
    shift
    for _k in 1 2 3; do
        if [ "$_side" = host ]; then
            _o=$("$@" </dev/null 2>/dev/null)
        else
            _o=$(timeout 300 "$MICA" run $ENGINE_OPTS "$@" </dev/null 2>/dev/null)
        fi && echo "$_o"
    done | grep -E '^[0-9.]+$' | median
}

# throughput SIDE UNIT AMOUNT [rss args...]: AMOUNT / (median wall time of
# 3 runs less the median start-up time of that side), in UNIT per second.
throughput() {
    _side=$1 _amount=$3
    shift 3
    if [ "$_side" = host ]; then _base=$h_ms; else _base=$m_ms; fi
    for _k in 1 2 3; do
        if [ "$_side" = host ]; then
            "$RSS" "$@"
        else
            _in=
            [ "$1" = -i ] && _in="-i $2" && shift 2
            # shellcheck disable=SC2086
            "$RSS" $_in "$MICA" run $ENGINE_OPTS "$@"
        fi
    done | awk '$3 == 0 { print $1 / 1e6 }' | median |
        awk -v base="$_base" -v amount="$_amount" '{
            t = ($1 - base) / 1000
            if ($1 == "n/a" || t <= 0) print "n/a"; else printf "%.1f\n", amount / t }'
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a + 0 > 0 && b + 0 > 0) printf "%.3gx", b / a; else print "n/a" }'
}

row() { # row WHAT HOST MICA
    printf '%-34s | %12s | %12s | %9s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"
}

startup host >"$WORK/host"
startup mica >"$WORK/mica"
bad=$(awk '$3 != 0' "$WORK/mica" | wc -l)
h_ms=$(awk '{ print $1 / 1e6 }' "$WORK/host" | median)
m_ms=$(awk '$3 == 0 { print $1 / 1e6 }' "$WORK/mica" | median)
h_rss=$(awk '{ print $2 }' "$WORK/host" | median)
m_rss=$(awk '$3 == 0 { print $2 }' "$WORK/mica" | median)
rss_how="ru_maxrss"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$WORK/time" "$MICA" run $ENGINE_OPTS \
        "$DIR/nop.musl" </dev/null >/dev/null 2>&1 &&
        m_rss=$(tail -n 1 "$WORK/time") && rss_how="/usr/bin/time %M"
    /usr/bin/time -f %M -o "$WORK/time" "$DIR/nop.musl" </dev/null &&
        h_rss=$(tail -n 1 "$WORK/time")
fi

echo
echo "mica benchmark: engine $ENGINE, $RUNS start-up runs, $(date -u '+%Y-%m-%d %H:%M UTC')"
[ "$ENGINE" = qemu ] &&
    echo "(QEMU engine: peak RSS is the larger of mica's and QEMU's, as ru_maxrss counts waited-for children)"
[ "$bad" -gt 0 ] && echo "warning: $bad of $RUNS mica runs did not exit 0; they are left out"
echo
printf '%-34s | %12s | %12s | %9s\n' what host mica "mica/host"
printf '%-34s-+-%12s-+-%12s-+-%9s\n' ---------------------------------- \
    ------------ ------------ ---------
row "start + exit, median wall (ms)" "$(printf %.3f "$h_ms")" \
    "$(printf %.3f "$m_ms" 2>/dev/null || echo n/a)"
row "peak RSS (KiB, $rss_how)" "$h_rss" "$m_rss"
row "null syscall getpid (ns/call)" "$(inside host "$DIR/nullsys.musl")" \
    "$(inside mica "$DIR/nullsys.musl")"
"$DIR/io.musl" out 16384 >"$WORK/in16m"
row "console out, 32 MiB (MiB/s)" "$(throughput host MiB 32 "$DIR/io.musl" out 32768)" \
    "$(throughput mica MiB 32 "$DIR/io.musl" out 32768)"
row "console in, 16 MiB (MiB/s)" "$(throughput host MiB 16 -i "$WORK/in16m" "$DIR/io.musl" in)" \
    "$(throughput mica MiB 16 -i "$WORK/in16m" "$DIR/io.musl" in)"
row "page fault, 64 MiB (ns/page)" "$(inside host "$DIR/pagefault.musl" 64)" \
    "$(inside mica "$DIR/pagefault.musl" 64)"
row "fork + exit + wait (us)" "$(inside host "$DIR/fork.musl" 1000)" \
    "$(inside mica "$DIR/fork.musl" 1000)"
row "fork + exec + wait (us)" "$(inside host "$DIR/forkexec.musl" 300)" \
    "$(inside mica "$DIR/forkexec.musl" 300)"
row "pipe round trip, 1 byte (us)" "$(inside host "$DIR/pipelat.musl" 10000)" \
    "$(inside mica "$DIR/pipelat.musl" 10000)"
row "pipe, 64 MiB in 64 KiB (MiB/s)" "$(inside host "$DIR/pipebw.musl" 64)" \
    "$(inside mica "$DIR/pipebw.musl" 64)"
row "epoll_wait wake-up via eventfd, round trip (us)" \
    "$(inside host "$DIR/epolllat.musl" 10000)" "$(inside mica "$DIR/epolllat.musl" 10000)"
# Threads.
row "thread create + join (us)" "$(inside host "$DIR/threads.musl" create 1000)" \
    "$(inside mica "$DIR/threads.musl" create 1000)"
row "futex wake round trip (us)" "$(inside host "$DIR/threads.musl" futex 5000)" \
    "$(inside mica "$DIR/threads.musl" futex 5000)"
row "context switch, sched_yield (us)" "$(inside host "$DIR/threads.musl" yield 10000)" \
    "$(inside mica "$DIR/threads.musl" yield 10000)"
# The same two threads of arithmetic on one CPU and on two (host: taskset;
# mica: --cpus): the speed-up is the ratio of the two rows.
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    row "2 threads x 200M steps, 1 CPU (ms)" \
        "$(inside host taskset -c 0 "$DIR/threads.musl" work 2 200)" \
        "$(inside mica --cpus 1 "$DIR/threads.musl" work 2 200)"
    row "2 threads x 200M steps, 2 CPUs (ms)" "$(inside host "$DIR/threads.musl" work 2 200)" \
        "$(inside mica --cpus 2 "$DIR/threads.musl" work 2 200)"
fi

# Host files (mica's virtio-fs server, -V shares; the QEMU engine for now).
# wall SIDE MICA-OPTS -- PROG [ARG...]: median wall ms of 5 runs (the mica
# side with MICA-OPTS); failed runs are left out.
wall() {
    _side=$1 _opts=$2
    shift 3
    for _k in 1 2 3 4 5; do
        if [ "$_side" = host ]; then
            "$RSS" "$@" </dev/null 2>/dev/null
        else
            # shellcheck disable=SC2086
            "$RSS" "$MICA" run $ENGINE_OPTS $_opts "$@" </dev/null 2>/dev/null
        fi
    done | awk '$3 == 0 { print $1 / 1e6 }' | median
}
# per SIDE OPTS AMOUNT PROG...: AMOUNT per second of the work in PROG, its
# wall time less that of `busybox true` with the same options.
per() {
    _side=$1 _opts=$2 _amount=$3
    shift 4
    _t=$(wall "$_side" "$_opts" -- "$@")
    _b=$(wall "$_side" "$_opts" -- "$BB" true)
    awk -v t="$_t" -v b="$_b" -v a="$_amount" 'BEGIN {
        if (t == "n/a" || b == "n/a" || t <= b) print "n/a"; else printf "%.1f\n", a / ((t - b) / 1000) }'
}
BB=${BUSYBOX:-/bin/busybox}
PY=/usr/bin/python3
if [ -x "$BB" ]; then
    S=$WORK/share
    mkdir -p "$S/many"
    head -c $((100 << 20)) /dev/zero >"$S/big"
    (cd "$S/many" && seq 1 10000 | xargs touch)
    [ -x "$PY" ] && row "python3 -c pass, median wall (ms)" \
        "$(wall host "" -- "$PY" -c pass)" \
        "$(wall mica "-V /usr -V /etc" -- "$PY" -c pass)"
    row "read a 100 MiB file (MiB/s)" \
        "$(per host "" 100 -- "$BB" dd if="$S/big" of=/dev/null bs=1M)" \
        "$(per mica "-V $S:/data" 100 -- "$BB" dd if=/data/big of=/dev/null bs=1M)"
    row "stat 10,000 files (files/ms)" \
        "$(per host "" 10 -- "$BB" du -s "$S/many")" \
        "$(per mica "-V $S:/data" 10 -- "$BB" du -s /data/many)"
fi
