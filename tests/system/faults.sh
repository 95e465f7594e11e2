#!/bin/sh
# Guest kernel faults are reported, never hung on: a panic, a kernel page
# fault (registers and a backtrace) and a triple fault each end the run with
# status 125 and a line that says what happened.
. "${srcdir:-.}/tests/system/lib.sh"
mica_setup

# fault_case NAME ENV=VALUE PATTERN: run busybox true with the test hook in
# the environment; want status 125 and PATTERN on stderr.
fault_case() {
    _name=$1 _env=$2 _pattern=$3
    env "$_env" timeout "$MICA_TEST_TIMEOUT" "$MICA" run $ENGINE_OPTS /bin/busybox true \
        </dev/null >"$WORK/out" 2>"$WORK/err"
    _st=$?
    if [ $_st -eq 125 ] && grep -q "$_pattern" "$WORK/err" && [ ! -s "$WORK/out" ]; then
        echo "PASS: $_name"
        passed=$((passed + 1))
    else
        echo "FAIL: $_name: status $_st (want 125), stderr:"
        sed 's/^/    /' "$WORK/err"
        failed=$((failed + 1))
    fi
}

fault_case "kernel panic is reported" MICA_TEST_PANIC=1 "guest kernel panic"
fault_case "kernel page fault: panic with registers" MICA_TEST_FAULT=kernel_pf \
    "kernel page fault at address 0x8"
fault_case "kernel page fault: backtrace" MICA_TEST_FAULT=kernel_pf "^backtrace: 0x"
fault_case "kernel page fault: registers" MICA_TEST_FAULT=kernel_pf "^rip 0xffffffff8"
fault_case "kernel stack overflow hits the guard page" MICA_TEST_FAULT=kstack \
    "kernel stack overflow (guard page at 0xfffffe8"
if [ "$ENGINE" = qemu ]; then
    fault_case "triple fault ends the run" MICA_TEST_FAULT=triple "triple fault"
else
    fault_case "triple fault ends the run" MICA_TEST_FAULT=triple "triple fault\|shutdown"
fi
finish
