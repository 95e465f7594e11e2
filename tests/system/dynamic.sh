#!/bin/sh
# dynamic.sh: unmodified dynamically linked Debian programs, with their
# loader and libraries copied from the host into the guest (vmm/libs.c),
# compared with the host; and a program whose library is missing, which
# mica refuses with status 127 and one line, as ld.so would.
. "${srcdir:-.}/tests/system/lib.sh"

mica_setup
for p in /bin/true /bin/ls /bin/bash /usr/bin/env; do
    [ -x "$p" ] || skip "$p not installed"
done
case $(file -L /bin/true 2>/dev/null) in
*dynamically*) ;;
*) skip "/bin/true is not dynamically linked here" ;;
esac

N=/dev/null
compare "true" $N yes /bin/true
compare "false" $N yes /bin/false
compare "bash -c arithmetic" $N yes /bin/bash -c 'echo $((6*7)); exit 3'
compare "env -i" $N yes /usr/bin/env -i A=1 B='two words' /usr/bin/env
compare "ls -d" $N yes /bin/ls -d / /proc /tmp /dev
# subshells and command substitution: fork with file-mapped libraries
compare "bash fork" $N yes /bin/bash -c 'a=$(echo sub); echo $a; (exit 5); echo $?; echo ${BASH_VERSINFO[0]}'

# A library that is gone: 127 and one line naming it.
CC=${CC:-cc}
if command -v "$CC" >/dev/null 2>&1; then
    echo 'int gone(void) { return 4; }' >"$WORK/gone.c"
    echo 'int gone(void); int main(void) { return gone(); }' >"$WORK/main.c"
    if "$CC" -shared -fPIC -o "$WORK/libgone.so" "$WORK/gone.c" &&
        "$CC" -o "$WORK/needs_gone" "$WORK/main.c" -L"$WORK" -lgone \
            -Wl,-rpath,'$ORIGIN'; then
        expect "library found through \$ORIGIN" 4 "" $N "$WORK/needs_gone"
        rm -f "$WORK/libgone.so"
        mica_run "$WORK/m.out" "$WORK/m.err" $N "$WORK/needs_gone"
        _n=$(grep -vc 'QEMU engine' "$WORK/m.err")
        if [ "$status" = 127 ] && [ "$_n" = 1 ] && grep -q libgone.so "$WORK/m.err"; then
            pass "missing library (status 127, one line)"
        else
            fail "missing library: status $status, $_n lines"
            sed 's/^/    mica stderr: /' "$WORK/m.err"
        fi
    fi
fi
finish
