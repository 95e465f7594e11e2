# Shared helpers for the system tests; sourced, not run.
#
# A test runs a program twice: natively, under the environment mica gives
# its guests (the oracle), and in mica; then compares stdout, stderr and the
# exit status. Each check prints one line, PASS or FAIL; finish prints the
# totals and leaves with 0 or 1. Anything that cannot run here exits 77.

GUEST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
: "${srcdir:=.}"
: "${MICA_TEST_TIMEOUT:=30}"
passed=0
failed=0

skip() {
    echo "SKIP: $*"
    exit 77
}

# need_busybox: BB, the absolute path of a static busybox, or skip.
need_busybox() {
    BB=${BUSYBOX:-$(command -v busybox)}
    [ -n "$BB" ] && [ -x "$BB" ] || skip "busybox not found (Debian package busybox-static)"
    case $BB in /*) ;; *) BB=$(cd "$(dirname "$BB")" && pwd)/$(basename "$BB") ;; esac
    case $(file -L "$BB" 2>/dev/null) in *dynamically*) skip "$BB is not static" ;; esac
}

# need_virtiofsd: QEMU and Debian's virtiofsd (as root) for the
# MICA_TEST_VIRTIOFS hook, or skip; sets VIRTIOFSD and the QEMU engine.
need_virtiofsd() {
    VIRTIOFSD=${MICA_VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
    command -v "${QEMU:-qemu-system-x86_64}" >/dev/null 2>&1 ||
        skip "qemu-system-x86_64 not found: the virtio-fs hook is the QEMU engine's"
    [ -x "$VIRTIOFSD" ] || skip "$VIRTIOFSD not found (Debian package qemu-system-common)"
    [ "$(id -u)" = 0 ] || skip "virtiofsd needs root here"
    MICA_TEST_ENGINE=qemu
}

# Find mica and pick an engine: KVM when we may use it, else QEMU, else skip.
mica_setup() {
    MICA=${MICA:-./mica}
    case $MICA in /*) ;; *) MICA=$(pwd)/$MICA ;; esac
    [ -x "$MICA" ] || skip "mica not found at $MICA (build it first, or set MICA)"
    # MICA_TEST_ENGINE=qemu|kvm forces one (make check-qemu)
    if [ "${MICA_TEST_ENGINE:-}" = kvm ]; then
        ENGINE_OPTS="--engine kvm"
        ENGINE=kvm
    elif [ "${MICA_TEST_ENGINE:-}" != qemu ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
        ENGINE_OPTS=
        ENGINE=kvm
    elif command -v "${QEMU:-qemu-system-x86_64}" >/dev/null 2>&1; then
        ENGINE_OPTS="--engine qemu"
        ENGINE=qemu
    else
        skip "no usable /dev/kvm and no qemu-system-x86_64: no engine to run guests"
    fi
    # The guest's root is the initramfs alone (--no-host-root): tests
    # compare it with the host's or time the boot; hostroot.sh sets
    # MICA_TEST_HOST_ROOT=1 for the default host root.
    [ "${MICA_TEST_HOST_ROOT:-}" = 1 ] || ENGINE_OPTS="$ENGINE_OPTS --no-host-root"
    command -v timeout >/dev/null 2>&1 || skip "timeout(1) is needed"
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/mica-test.XXXXXX") || exit 99
    trap 'rm -rf "$WORK"' EXIT
    echo "engine: $ENGINE ($MICA)"
}

# host_run OUT ERR IN PROG [ARG...]: run PROG natively the way mica would:
# clean environment, umask 022, 8 MiB stack limit, only fds 0-2, no core
# dumps. Sets $status.
host_run() {
    _out=$1 _err=$2 _in=$3
    shift 3
    # The outer subshell takes the shell's "Segmentation fault" notice.
    ( (
        for _fd in 3 4 5 6 7 8 9; do eval "exec $_fd>&-"; done
        ulimit -c 0
        ulimit -s 8192 2>/dev/null # Linux's default, as in the guest
        umask 022
        exec env -i PATH="$GUEST_PATH" HOME=/root "$@"
    ) >"$_out" 2>"$_err" <"$_in"; exit $? ) 2>/dev/null
    status=$?
}

# mica_run OUT ERR IN PROG [ARG...]: the same program in a fresh microVM.
mica_run() {
    _out=$1 _err=$2 _in=$3
    shift 3
    ( (
        for _fd in 3 4 5 6 7 8 9; do eval "exec $_fd>&-"; done
        exec env -u TERM timeout -k 5 "$MICA_TEST_TIMEOUT" \
            "$MICA" run $ENGINE_OPTS "$@"
    ) >"$_out" 2>"$_err" <"$_in"; exit $? ) 2>/dev/null
    status=$?
}

pass() {
    passed=$((passed + 1))
    echo "PASS: $*"
}

fail() {
    failed=$((failed + 1))
    echo "FAIL: $*"
}

# Show how two outputs differ, briefly, for the log.
show_diff() { # show_diff WANT GOT WHAT [WANT_LABEL]
    diff -u --label "$3 (${4:-host})" --label "$3 (mica)" "$1" "$2" | head -n 25 |
        sed 's/^/    /'
    _n=$(cmp "$1" "$2" 2>&1 | head -n 1)
    [ -n "$_n" ] && echo "    cmp: $_n"
}

# compare NAME IN CMP_STDERR PROG [ARG...]: the oracle check. CMP_STDERR is
# "yes" or "no" (no when the program dies of a signal and mica may say so).
compare() {
    _name=$1 _in=$2 _cmperr=$3
    shift 3
    host_run "$WORK/h.out" "$WORK/h.err" "$_in" "$@"
    _hs=$status
    mica_run "$WORK/m.out" "$WORK/m.err" "$_in" "$@"
    _ms=$status
    _why=
    [ "$_ms" = 124 ] && _why="timed out after ${MICA_TEST_TIMEOUT}s;"
    [ "$_hs" = "$_ms" ] || _why="$_why status host $_hs, mica $_ms;"
    cmp -s "$WORK/h.out" "$WORK/m.out" || _why="$_why stdout differs;"
    if [ "$_cmperr" = yes ] && ! cmp -s "$WORK/h.err" "$WORK/m.err"; then
        _why="$_why stderr differs;"
    fi
    if [ -z "$_why" ]; then
        pass "$_name (status $_hs)"
        return 0
    fi
    fail "$_name: $_why"
    cmp -s "$WORK/h.out" "$WORK/m.out" ||
        show_diff "$WORK/h.out" "$WORK/m.out" stdout
    if [ "$_cmperr" = yes ]; then
        cmp -s "$WORK/h.err" "$WORK/m.err" ||
            show_diff "$WORK/h.err" "$WORK/m.err" stderr
    else
        sed -n '1,10s/^/    mica stderr: /p' "$WORK/m.err"
    fi
    return 1
}

# expect NAME WANT_STATUS WANT_STDOUT_FILE IN [mica args...]: mica alone,
# against a known answer (for what the host cannot show, like the guest's /).
expect() {
    _name=$1 _ws=$2 _wo=$3 _in=$4
    shift 4
    mica_run "$WORK/m.out" "$WORK/m.err" "$_in" "$@"
    _why=
    [ "$status" = "$_ws" ] || _why="status want $_ws, got $status;"
    if [ -n "$_wo" ] && ! cmp -s "$_wo" "$WORK/m.out"; then
        _why="$_why stdout differs;"
    fi
    if [ -z "$_why" ]; then
        pass "$_name (status $status)"
        return 0
    fi
    fail "$_name: $_why"
    [ -n "$_wo" ] && show_diff "$_wo" "$WORK/m.out" stdout expected
    sed -n '1,10s/^/    mica stderr: /p' "$WORK/m.err"
    return 1
}

# holds NAME COND...: pass if the shell condition holds, else fail and
# show the run's stderr and stdout ($WORK/err, $WORK/out) and $status.
holds() {
    _name=$1
    shift
    if "$@"; then
        pass "$_name"
    else
        fail "$_name (status $status)"
        sed -n '1,10s/^/    stderr: /p' "$WORK/err"
        sed -n '1,5s/^/    stdout: /p' "$WORK/out"
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit $?
}

# A deterministic stdin: text lines, then every byte value, twice; small,
# as the console is slow to carry input (about 4 KB/s under QEMU so far).
make_input() {
    {
        i=1
        while [ $i -le 200 ]; do
            echo "line $i of the test input"
            i=$((i + 1))
        done
        for _k in 1 2; do
            i=0
            while [ $i -lt 256 ]; do
                printf "\\$(printf %03o $i)"
                i=$((i + 1))
            done
        done
    } >"$1"
}
