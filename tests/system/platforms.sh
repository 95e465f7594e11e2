#!/bin/sh
# Both platforms of mica's own VMM: the default (PVM on kvm_pvm, ring 0 on
# hardware KVM) and --platform ring0, which on kvm_pvm runs under the
# hypervisor's instruction emulator (slow: one smoke test is enough).
# Needs a usable /dev/kvm; skips otherwise.
. "${srcdir:-.}/tests/system/lib.sh"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "no usable /dev/kvm: mica's own VMM cannot run here"
MICA_TEST_ENGINE=kvm
mica_setup

platform_case() { # NAME TIMEOUT OPTS...
    _name=$1 _t=$2
    shift 2
    timeout "$_t" "$MICA" run --engine kvm -v "$@" /bin/busybox echo "$_name" \
        </dev/null >"$WORK/out" 2>"$WORK/err"
    _st=$?
    if [ $_st -eq 0 ] && [ "$(cat "$WORK/out")" = "$_name" ]; then
        echo "PASS: $_name: $(grep -o 'kernel up on [a-z0-9]*' "$WORK/err")"
        passed=$((passed + 1))
    else
        echo "FAIL: $_name: status $_st"
        sed 's/^/    /' "$WORK/err" | tail -20
        failed=$((failed + 1))
    fi
}

platform_case default 60
platform_case ring0 600 --platform ring0
finish
