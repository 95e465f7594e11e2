#!/bin/sh
# abi.sh: every ABI program, as built with musl and with glibc (a few also
# as static-PIE, the dyn_* ones only dynamically linked), run on the host
# and in mica; stdout, stderr and status must match. One line per program,
# variant and arguments.
. "${srcdir:-.}/tests/system/lib.sh"

ABI_DIR=${ABI_BUILDDIR:-$(pwd)/tests/abi}
case $ABI_DIR in /*) ;; *) ABI_DIR=$(pwd)/$ABI_DIR ;; esac
[ -x "$ABI_DIR/args_env.musl" ] || skip "ABI programs not built in $ABI_DIR (make check builds them)"
mica_setup
make_input "$WORK/input"

# check NAME STDIN CMP_STDERR [ARG...]: one program in each variant built
# (or only those in $VARIANTS: where the libc makes no difference, one
# variant is enough, and each boot costs time under QEMU).
check() {
    _prog=$1 _stdin=$2 _err=$3
    shift 3
    for _v in ${VARIANTS:-musl glibc pie}; do
        _bin=$ABI_DIR/$_prog.$_v
        [ -x "$_bin" ] || continue
        compare "$_prog.$_v${LABEL:-${*:+ $*}}" "$_stdin" "$_err" "$_bin" "$@"
    done
}

N=/dev/null
check args_env $N yes
check args_env $N yes one 'two words' '' "$(printf 'tab\there')" -e --memory
# A big initial stack: 2000 arguments, about 100 KiB of strings.
LABEL=" (2000 arguments)"
VARIANTS="musl pie" check args_env $N yes $(seq -f 'argument-%g-padded-to-about-fifty-bytes-xxxxxxxxx' 1 2000)
LABEL=
# A program whose path has spaces in it.
mkdir -p "$WORK/dir with spaces"
cp "$ABI_DIR/args_env.musl" "$WORK/dir with spaces/args env"
compare "args_env.musl at a path with spaces" $N yes "$WORK/dir with spaces/args env" x
LABEL=" (host time)"
check clocks $N yes "$(date +%s)"
LABEL=
check dirs $N yes
check errors $N yes
check fds $N yes
check files $N yes
check memory $N yes
VARIANTS="musl glibc" check memory $N yes stack
VARIANTS=musl check memory $N no wfault
VARIANTS=pie check memory $N no rfault
check misc $N yes
check signals $N yes
check stdio "$WORK/input" yes
VARIANTS=glibc check stdio $N yes
check symlinks $N yes
check pipes $N yes
check pipes_fork $N yes
# Event-driven I/O: epoll, eventfd, timerfd, signalfd; 1,100 pipes in
# one epoll and poll over 2,200 fds.
check epoll $N yes
check epoll_scale $N yes
check fdevents $N yes
VARIANTS=musl check epoll_chaos $N yes
VARIANTS=glibc check epoll_chaos $N yes 7
check epoll_threads $N yes
check procfs $N yes
# Processes and signals: fork/wait, COW and exec, signal frames and
# faults, waiting for signals and timers, job control, pipes.
check procs $N yes
check cow $N yes
# Threads: pthreads over clone, futexes, robust lists and tgkill.
check threads $N yes
check futex $N yes
check execat $N yes
check sigframe $N yes
check sigwait $N yes
check jobctl $N yes
check pipeprocs $N yes
# Unix-domain sockets and /dev/shm.
check unix_stream $N yes
check unix_dgram $N yes
check unix_scm $N yes
check unix_echo $N yes
check shm_sem $N yes
# Dynamically linked (glibc): the loader, libc and libm come from the host.
VARIANTS=dyn check dyn_hello $N yes one
VARIANTS=dyn check dyn_dlopen $N yes
VARIANTS=dyn check dyn_mmap $N yes
check exits $N yes exit 42
for how in "ret 0" "ret 1" "_exit 7" "group 255" "thread 9" "exit 256"; do
    # shellcheck disable=SC2086 # split "how" into its two words
    VARIANTS=musl check exits $N yes $how
done
for where in ktext kdirect kwrite kjump null; do
    VARIANTS=musl check kernel_probe $N no $where
done
VARIANTS=glibc check kernel_probe $N no ktext
finish
