#!/bin/sh
# tty.sh: `mica run -t` on the host side: the terminal goes raw for the
# session and comes back as it was however mica ends (a normal exit, a
# forwarded signal, a crash of mica), a resize does not end the run, and
# -t without a terminal on stdin is a one-line error with status 125.
# Runs each mica under tests/tty/ptyrun, which owns a fresh pty and
# reports "termios restored: yes|no". What the guest does with its
# terminal (echo, editing, ^C, window size, job control) is checked at
# the end through an interactive busybox sh.
. "${srcdir:-.}/tests/system/lib.sh"

PTYRUN=${PTYRUN:-$(pwd)/tests/tty/ptyrun}
[ -x "$PTYRUN" ] || skip "$PTYRUN not built (make check builds it)"
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || skip "no static $BUSYBOX on this host"
mica_setup
ulimit -c 0 # the crash check must not leave a core file

# pty NAME WANT [ptyrun actions...] -- mica run args...: run mica on a
# fresh pty; want status WANT and the terminal's settings back.
pty() {
    _name=$1 _want=$2
    shift 2
    env -u TERM "$PTYRUN" -t "$MICA_TEST_TIMEOUT" -o "$WORK/out" "$@" \
        2>"$WORK/err"
    status=$?
    _why=
    [ "$status" = "$_want" ] || _why="status want $_want, got $status;"
    grep -q '^termios restored: yes$' "$WORK/err" ||
        _why="$_why terminal settings not restored;"
    if [ -z "$_why" ]; then
        pass "$_name (status $status)"
        return 0
    fi
    fail "$_name: $_why"
    sed -n '1,10s/^/    ptyrun: /p' "$WORK/err"
    tr '\r' ' ' <"$WORK/out" | sed -n '1,10s/^/    output: /p'
    return 1
}

# (a) a normal end.
pty "-t: program exits 0" 0 -- "$MICA" run -t $ENGINE_OPTS "$BUSYBOX" true
pty "-it: program's status" 3 -- "$MICA" run -it $ENGINE_OPTS "$BUSYBOX" \
    sh -c 'exit 3'

# (b) signals to mica while the guest runs: once the terminal is raw (-R),
# mica is in its event loop and must restore on the way out.
pty "-t: SIGTERM mid-run" 143 -R -d 200 -k TERM -- \
    "$MICA" run -t $ENGINE_OPTS "$BUSYBOX" sleep 5
pty "-t: SIGHUP mid-run" 129 -R -d 200 -k HUP -- \
    "$MICA" run -t $ENGINE_OPTS "$BUSYBOX" sleep 5
pty "-t: SIGINT mid-run" 130 -R -d 200 -k INT -- \
    "$MICA" run -t $ENGINE_OPTS "$BUSYBOX" sleep 5
# a crash of mica itself (a SIGSEGV sent from outside stands in for one)
pty "-t: mica crashes (SIGSEGV)" 139 -R -d 200 -k SEGV -- \
    "$MICA" run -t $ENGINE_OPTS "$BUSYBOX" sleep 5

# a guest kernel panic, and a failure of mica's own (QEMU missing): 125
pty "-t: guest kernel panic" 125 -- env MICA_TEST_PANIC=1 \
    "$MICA" run -t $ENGINE_OPTS "$BUSYBOX" true
if [ "$ENGINE" = qemu ]; then
    pty "-t: mica fails (no QEMU binary)" 125 -- \
        "$MICA" run -t $ENGINE_OPTS --qemu /nonexistent/qemu "$BUSYBOX" true
fi

# SIGWINCH sends the new size; it must not end the run. (The guest does
# not read stdin here, so it need not know the WINSIZE record yet.)
pty "-t: window resized mid-run" 0 -R -d 200 -r 50x132 -d 100 -r 40x100 -- \
    "$MICA" run -t $ENGINE_OPTS "$BUSYBOX" sleep 2

# stdin a terminal, stdout a file: allowed (as docker run -t > file).
pty "-t: stdout redirected to a file" 0 -- sh -c \
    "exec \"\$0\" run -t $ENGINE_OPTS \"\$1\" echo hello >'$WORK/file'" \
    "$MICA" "$BUSYBOX"
if tr -d '\r' <"$WORK/file" | grep -qx hello; then
    pass "-t: output reached the file"
else
    fail "-t: output did not reach the file: $(od -c "$WORK/file" | head -3)"
fi

# (c) -t without a terminal on stdin: 125, one line, before any VM starts.
no_tty() {
    _name=$1 _kind=$2
    shift 2
    _n=$(wc -l <"$WORK/err")
    _why=
    [ "$status" = 125 ] || _why="status want 125, got $status;"
    [ "$_n" = 1 ] || _why="$_why $_n lines on stderr, want 1;"
    grep -q "the input device is not a TTY (stdin is $_kind" "$WORK/err" ||
        _why="$_why message not as expected;"
    if [ -z "$_why" ]; then
        pass "$_name (status 125)"
    else
        fail "$_name: $_why"
        sed -n '1,5s/^/    stderr: /p' "$WORK/err"
    fi
}
mica_run "$WORK/out" "$WORK/err" /dev/null -t "$BUSYBOX" true
no_tty "-t with stdin /dev/null" "a device"
echo hi | "$MICA" run -it $ENGINE_OPTS "$BUSYBOX" cat >"$WORK/out" \
    2>"$WORK/err"
status=$?
no_tty "-it with stdin a pipe" "a pipe"
# ... also when stdout is a terminal: it is stdin that must be one
pty "-t, stdin a file, stdout a tty: 125" 125 -- sh -c \
    "exec \"\$0\" run -t $ENGINE_OPTS \"\$1\" true </dev/null" \
    "$MICA" "$BUSYBOX"

# -i alone: accepted, stdin attached as always.
echo piped | "$MICA" run -i $ENGINE_OPTS "$BUSYBOX" cat >"$WORK/out" \
    2>"$WORK/err"
status=$?
if [ "$status" = 0 ] && [ "$(cat "$WORK/out")" = piped ]; then
    pass "-i with a pipe (status 0)"
else
    fail "-i with a pipe: status $status, output '$(cat "$WORK/out")'"
fi

# (d) the guest's terminal: an interactive shell. Echo and line editing
# (a typo erased with DEL), the window size from mica's pty and a resize,
# ^C to a foreground job (status 130) while the shell survives, ^D as
# end of input for cat, then the shell's exit status.
# expect NAME TEXT: the session output must contain TEXT.
expect() {
    if tr -d '\r' <"$WORK/out" | grep -qF -- "$2"; then
        pass "$1"
    else
        fail "$1: no '$2' in the session"
        tr '\r' ' ' <"$WORK/out" | sed -n '1,40s/^/    output: /p'
    fi
}
pty "-it sh: interactive session" 7 -s 30x100 -w '# ' \
    -x 'echo hi $((6*7))X\x7f\n' -w 'hi 42' \
    -x 'stty size\n' -w '30 100' \
    -r 40x120 -d 300 -x 'stty size\n' -w '40 120' \
    -x 'cat\n' -d 300 -x 'typed\n' -w 'typed' -c D -d 300 -x 'echo cat=$?\n' -w 'cat=0' \
    -x 'while :; do :; done\n' -d 500 -c C -d 300 -x 'echo loop=$?\n' -w 'loop=130' \
    -x 'exit 7\n' -- "$MICA" run -it $ENGINE_OPTS "$BUSYBOX" sh
expect "-it sh: echo and erase" "hi 42"
expect "-it sh: the pty's window size" "30 100"
expect "-it sh: a resize reaches the guest" "40 120"
expect "-it sh: ^D ends cat's input" "cat=0"
expect "-it sh: ^C interrupts the foreground loop" "loop=130"

# Job control: ^Z stops the foreground job (the shell reports it), a
# SIGTERM ends the stopped job at once, as on Linux.
pty "-it sh: job control session" 0 -w '# ' -x 'sleep 30\n' -d 1500 -c Z \
    -w 'Stopped' -x 'kill %1\n' -d 800 -x 'jobs; echo listed\n' -w 'listed' \
    -x 'exit 0\n' -- "$MICA" run -it $ENGINE_OPTS "$BUSYBOX" sh
expect "-it sh: ^Z stops the foreground job" "Stopped"
expect "-it sh: a stopped job dies of SIGTERM" "Terminated"

finish
