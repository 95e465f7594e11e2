#!/bin/sh
# busybox.sh: applets of the static busybox that need no fork, run on the
# host and in mica and compared; and what only the guest can answer (its
# root directory), against a known answer.
. "${srcdir:-.}/tests/system/lib.sh"

BB=${BUSYBOX:-$(command -v busybox)}
[ -n "$BB" ] && [ -x "$BB" ] || skip "busybox not found (Debian package busybox-static)"
case $BB in /*) ;; *) BB=$(cd "$(dirname "$BB")" && pwd)/$(basename "$BB") ;; esac
file_out=$(file -L "$BB" 2>/dev/null)
case $file_out in *dynamically*) skip "$BB is not static (install busybox-static)" ;; esac
mica_setup
make_input "$WORK/input"
N=/dev/null

bb() { # bb STDIN ARGS...: one applet, compared with the host's run
    _in=$1
    shift
    compare "busybox $*" "$_in" yes "$BB" "$@"
}

bb $N echo hello
bb $N echo -n no newline
bb $N echo -e 'tab\there\\nand a line'
bb $N true
bb $N false
bb $N printf '%s=%d %05.1f %x|' answer 42 3.14159 255
bb $N seq 1 1000
bb $N seq -s , 10 -3 -20
bb $N basename /a/b/c.txt .txt
bb $N dirname /a/b/c.txt
bb $N expr 6 \* 7
bb $N expr 1 = 2
bb $N expr length 'hello world'
bb $N uname -s
bb $N uname -m
bb $N test -d /tmp
bb $N test -e /nonexistent
bb $N sleep 0.05
bb $N date -u +%Y
bb $N cat /nonexistent
bb $N stat -c '%s %a %F' "$BB"
bb $N sha256sum "$BB"
bb $N mkdir -p /tmp/mica-bb-test/a/b/c
bb $N rmdir /tmp/nonexistent-dir
bb $N ls -d /tmp
rm -rf /tmp/mica-bb-test

# stdin through the applets: counted, hashed, transformed, echoed.
bb "$WORK/input" wc -c
bb "$WORK/input" wc -l
bb "$WORK/input" sha256sum
bb "$WORK/input" md5sum
bb "$WORK/input" cat
bb "$WORK/input" head -n 5
bb "$WORK/input" tail -c 300
bb "$WORK/input" od -A x -t x1 -v
bb "$WORK/input" sort -r
bb "$WORK/input" tr a-z A-Z
bb $N wc -c

# The guest's own root: the program's top directory and the mount points.
top=$(echo "$BB" | cut -d/ -f2)
printf '%s\n' "$top" dev proc root tmp | sort -u >"$WORK/root.want"
expect "busybox ls / (guest root)" 0 "$WORK/root.want" $N "$BB" ls /
expect "busybox ls -A /tmp (empty)" 0 "$N" $N "$BB" ls -A /tmp

# mica's environment options, and -v, which must leave stdout alone. The
# order of the environment is mica's choice; its contents are not.
env_expect() { # env_expect NAME [NAME=VALUE...] -- [mica run options...]
    _name=$1
    shift
    printf '%s\n' "PATH=$GUEST_PATH" HOME=/root >"$WORK/env.list"
    while [ "$1" != -- ]; do # not in a pipeline: the shifts must stay
        printf '%s\n' "$1" >>"$WORK/env.list"
        shift
    done
    shift
    sort "$WORK/env.list" >"$WORK/env.want"
    mica_run "$WORK/env.out" "$WORK/m.err" /dev/null "$@" "$BB" env
    sort "$WORK/env.out" >"$WORK/env.got"
    if [ "$status" = 0 ] && cmp -s "$WORK/env.want" "$WORK/env.got"; then
        pass "$_name"
    else
        fail "$_name: status $status"
        show_diff "$WORK/env.want" "$WORK/env.got" environment expected
        sed -n '1,5s/^/    mica stderr: /p' "$WORK/m.err"
    fi
}

MICA_TEST_FROM_HOST='from the host'
export MICA_TEST_FROM_HOST
env_expect "clean environment (the host's stays out)" --
env_expect "mica run -e 'FOO=bar baz'" 'FOO=bar baz' -- -e 'FOO=bar baz'
env_expect "mica run -e NAME (value from the host)" \
    'MICA_TEST_FROM_HOST=from the host' -- -e MICA_TEST_FROM_HOST
env_expect "mica run -e A=1 -e B= (two, one empty)" A=1 B= -- -e A=1 -e B=
printf 'hello\n' >"$WORK/hello.want"
expect "mica run -v: stdout unchanged" 0 "$WORK/hello.want" $N \
    -v "$BB" echo hello
# TERM passes through when set (mica_run clears it for the other checks).
( TERM=mica-test-term; export TERM
  timeout -k 5 "$MICA_TEST_TIMEOUT" "$MICA" run $ENGINE_OPTS "$BB" env \
      </dev/null >"$WORK/term.out" 2>&1 )
if grep -qx TERM=mica-test-term "$WORK/term.out"; then
    pass "TERM passes through"
else
    fail "TERM passes through: got '$(head -c 300 "$WORK/term.out")'"
fi
finish
