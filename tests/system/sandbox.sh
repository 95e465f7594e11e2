#!/bin/sh
# sandbox.sh: mica bounds the guest in time and confines itself (issue 7).
#   - --timeout ends the VM with status 124, as timeout(1): a busy loop, a
#     fork bomb, a -t session (the terminal comes back); nothing on
#     stderr but under -v one line; a program that ends in time is not
#     touched;
#   - while a guest runs, every thread of mica shows "Seccomp: 2",
#     NoNewPrivs 1 and no capabilities (this runs as root where it can),
#     and so does QEMU (its own -sandbox);
#   - the filter kills a forbidden call (MICA_TEST_SECCOMP_VIOLATE=1)
#     with a message naming it, status 125, before the guest ran;
#     --seccomp=off warns and runs unconfined;
#   - an ordinary user runs the QEMU engine (setpriv, when root).
. "${srcdir:-.}/tests/system/lib.sh"

need_busybox
mica_setup
PTYRUN=${PTYRUN:-$(pwd)/tests/tty/ptyrun}

# timed NAME WANT_STATUS mica run args...: status and seconds taken.
timed() {
    _t0=$(date +%s.%N)
    mica_run "$WORK/out" "$WORK/err" /dev/null "$@"
    secs=$(awk -v a="$_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}
between() { # between X LOW HIGH: LOW <= X < HIGH
    awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x < hi) }'
}

# (1) --timeout. A busy loop for ever: 124 after about 2 s (well before
# the test's own limit of $MICA_TEST_TIMEOUT s, which would also say 124).
timed --timeout 2 "$BB" sh -c 'while :; do :; done'
holds "--timeout 2 on a busy loop: 124 after ${secs}s, stderr empty" \
    eval '[ "$status" = 124 ] && between "$secs" 2 15 && [ ! -s "$WORK/err" ]'
timed -v --timeout 1.5 "$BB" sleep 60
holds "--timeout -v: one line says so" \
    eval '[ "$status" = 124 ] && [ "$(grep -c "^mica: --timeout" "$WORK/err")" = 1 ]'
timed --timeout 20 "$BB" sh -c 'echo in time; exit 3'
holds "--timeout 20 on a quick program: its own status and output" \
    eval '[ "$status" = 3 ] && [ "$(cat "$WORK/out")" = "in time" ]'
# A fork bomb: the guest survives it until the time is up, and QEMU is
# gone with mica (the marker is on QEMU's command line).
mark="mica-sandbox-test-$$"
timed --timeout 3 -e "MARK=$mark" "$BB" sh -c \
    'b() { b | b & }; b; while :; do sleep 1; done'
sleep 0.2
holds "fork bomb under --timeout 3: 124 after ${secs}s, no panic, QEMU gone" \
    eval '[ "$status" = 124 ] && between "$secs" 3 20 &&
          ! grep -qi panic "$WORK/err" && ! pgrep -f "$mark" >/dev/null'
if [ -x "$PTYRUN" ]; then
    env -u TERM "$PTYRUN" -t "$MICA_TEST_TIMEOUT" -o "$WORK/out" -- \
        "$MICA" run -t --timeout 1 $ENGINE_OPTS "$BB" sleep 30 2>"$WORK/err"
    status=$?
    holds "-t --timeout 1: 124 and the terminal restored" \
        eval '[ "$status" = 124 ] && grep -q "^termios restored: yes$" "$WORK/err"'
fi

# (2) While a guest runs: every thread of mica under its filter, without
# privileges; QEMU under its own sandbox, without privileges.
proc_field() { # proc_field FILE NAME: the value of "NAME:" in FILE
    sed -n "s/^$2:[[:space:]]*//p" "$1"
}
sh -c 'echo $$ >"$1/pid"; shift; exec "$@"' sh "$WORK" \
    "$MICA" run $ENGINE_OPTS "$BB" sh -c 'echo ready; sleep 4' \
    >"$WORK/bg.out" 2>"$WORK/bg.err" &
bg=$!
i=0
while [ $i -lt 200 ] && ! grep -q ready "$WORK/bg.out" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
pid=$(cat "$WORK/pid")
why=
[ -d "/proc/$pid" ] || why="mica is not running;"
grep -q ready "$WORK/bg.out" || why="$why the guest never said ready;"
threads=0
for t in /proc/"$pid"/task/*; do
    [ -r "$t/status" ] || continue
    threads=$((threads + 1))
    [ "$(proc_field "$t/status" Seccomp)" = 2 ] ||
        why="$why thread ${t##*/}: Seccomp $(proc_field "$t/status" Seccomp);"
    [ "$(proc_field "$t/status" NoNewPrivs)" = 1 ] ||
        why="$why thread ${t##*/}: NoNewPrivs not set;"
done
for f in CapEff CapPrm CapInh CapAmb; do
    v=$(proc_field "/proc/$pid/status" $f)
    [ "$v" = 0000000000000000 ] || why="$why mica $f $v;"
done
if [ "$(id -u)" = 0 ]; then
    v=$(proc_field "/proc/$pid/status" CapBnd)
    [ "$v" = 0000000000000000 ] || why="$why mica CapBnd $v (started as root);"
fi
if [ "$ENGINE" = qemu ]; then
    qpid=$(pgrep -P "$pid" | head -n 1)
    if [ -z "$qpid" ]; then
        why="$why no QEMU child;"
    else
        [ "$(proc_field "/proc/$qpid/status" Seccomp)" = 2 ] ||
            why="$why QEMU not under seccomp;"
        v=$(proc_field "/proc/$qpid/status" CapEff)
        [ "$v" = 0000000000000000 ] || why="$why QEMU CapEff $v;"
    fi
fi
wait $bg
status=$?
[ "$status" = 0 ] || why="$why status $status;"
cp "$WORK/bg.err" "$WORK/err"
cp "$WORK/bg.out" "$WORK/out"
holds "a running guest: $threads mica thread(s) all Seccomp 2, NoNewPrivs, no capabilities${why:+: $why}" \
    [ -z "$why" ]

# (3) The filter kills a forbidden call, clearly, before the guest runs.
MICA_TEST_SECCOMP_VIOLATE=1
export MICA_TEST_SECCOMP_VIOLATE
mica_run "$WORK/out" "$WORK/err" /dev/null "$BB" echo the guest ran
holds "a forbidden call (socket) after the filter: 125, named, one line" \
    eval '[ "$status" = 125 ] && [ ! -s "$WORK/out" ] &&
          [ "$(wc -l <"$WORK/err")" = 1 ] &&
          grep -q "^mica: seccomp: mica made a forbidden system call, socket (41)" "$WORK/err"'
if [ -x "$PTYRUN" ]; then
    env -u TERM "$PTYRUN" -t "$MICA_TEST_TIMEOUT" -o "$WORK/out" -- \
        "$MICA" run -t $ENGINE_OPTS "$BB" true 2>"$WORK/err"
    status=$?
    holds "-t and a forbidden call: 125 and the terminal restored" \
        eval '[ "$status" = 125 ] && grep -q "^termios restored: yes$" "$WORK/err"'
fi
mica_run "$WORK/out" "$WORK/err" /dev/null --seccomp=off "$BB" echo unconfined
holds "--seccomp=off: runs unconfined (the hook passes) and warns loudly" \
    eval '[ "$status" = 0 ] && [ "$(cat "$WORK/out")" = unconfined ] &&
          grep -q "^mica: WARNING: --seccomp=off" "$WORK/err"'
unset MICA_TEST_SECCOMP_VIOLATE

# (4) An ordinary user: the QEMU engine needs no privilege at all.
if [ "$ENGINE" != qemu ]; then
    echo "SKIP: an ordinary user (the QEMU engine only; /dev/kvm needs its group)"
elif [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1 ||
    ! id nobody >/dev/null 2>&1; then
    echo "SKIP: an ordinary user (needs root, setpriv and user nobody)"
else
    mkdir "$WORK/bin"
    cp "$MICA" "$WORK/bin/mica"
    chmod 755 "$WORK" "$WORK/bin"
    (cd / && timeout -k 5 "$MICA_TEST_TIMEOUT" setpriv --reuid=nobody \
        --regid="$(id -g nobody)" --clear-groups env -u TERM HOME=/ \
        "$WORK/bin/mica" run $ENGINE_OPTS "$BB" sh -c 'echo hi from nobody') \
        >"$WORK/out" 2>"$WORK/err" </dev/null
    status=$?
    holds "the QEMU engine as user nobody" \
        eval '[ "$status" = 0 ] && [ "$(cat "$WORK/out")" = "hi from nobody" ]'
fi
finish
