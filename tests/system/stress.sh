#!/bin/sh
# A hostile program must never bring the guest kernel down: randsys issues
# thousands of random syscalls with random arguments. Whatever happens to
# the program (it may well kill itself), mica must report its status:
# never 125 (kernel panic), never a hang (the timeout).
. "${srcdir:-.}/tests/system/lib.sh"
mica_setup
RANDSYS=${RANDSYS:-./tests/stress/randsys}
[ -x "$RANDSYS" ] || skip "$RANDSYS not built"
: "${STRESS_SEEDS:=1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16}"
: "${STRESS_CALLS:=5000}"

# survive WHAT RANDSYS-ARGS...: one run; the kernel must neither panic
# (125) nor hang (124), whatever happens to the program.
survive() {
    _what=$1
    shift
    timeout "$MICA_TEST_TIMEOUT" "$MICA" run $ENGINE_OPTS "$RANDSYS" "$@" \
        </dev/null >"$WORK/out" 2>"$WORK/err"
    st=$?
    if [ $st -eq 125 ] || [ $st -eq 124 ]; then
        echo "FAIL: $_what: status $st (125: kernel panic, 124: hang); rerun with"
        echo "      mica run -e TRACE=1 $RANDSYS $*"
        sed 's/^/    /' "$WORK/err" | tail -20
        failed=$((failed + 1))
    else
        echo "PASS: $_what, program status $st: $(cat "$WORK/out")"
        passed=$((passed + 1))
    fi
}

for seed in $STRESS_SEEDS; do
    survive "seed $seed: $STRESS_CALLS random syscalls" "$STRESS_CALLS" "$seed"
done

# The same with processes: children in their own groups issue the calls
# (their kills reach each other), the parent counts how they ended.
: "${STRESS_PROC_SEEDS:=101 102 103 104}"
for seed in $STRESS_PROC_SEEDS; do
    survive "seed $seed: 4 children x 2000 random syscalls" 2000 "$seed" 4
done

# The same on two vCPUs (the QEMU engine only, for now).
if [ "$ENGINE" = qemu ]; then
    # (two TCG vCPU threads on a busy 2-core host are slow: more time,
    # fewer calls)
    _opts=$ENGINE_OPTS _to=$MICA_TEST_TIMEOUT
    ENGINE_OPTS="$ENGINE_OPTS --cpus 2"
    MICA_TEST_TIMEOUT=$((_to * 3))
    for seed in ${STRESS_SMP_SEEDS:-105 106}; do
        survive "seed $seed, --cpus 2: 4 children x 1000 random syscalls" 1000 "$seed" 4
    done
    # threads sharing memory and files, all issuing random calls at once
    for seed in ${STRESS_THREAD_SEEDS:-107 108}; do
        survive "seed $seed, --cpus 2: 2 children x 4 threads x 1000 random syscalls" \
            1000 "$seed" 2 threads
    done
    ENGINE_OPTS=$_opts MICA_TEST_TIMEOUT=$_to
fi
finish
