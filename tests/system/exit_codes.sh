#!/bin/sh
# exit_codes.sh: mica's own exit statuses, as shells report them: 127 for a
# program that is not there, 126 for one that cannot be executed, 125 for
# mica's own errors and for a guest kernel panic; each with exactly one
# line on stderr that says what went wrong (the panic may say more).
. "${srcdir:-.}/tests/system/lib.sh"

ABI_DIR=${ABI_BUILDDIR:-$(pwd)/tests/abi}
case $ABI_DIR in /*) ;; *) ABI_DIR=$(pwd)/$ABI_DIR ;; esac
PROG=$ABI_DIR/exits.musl
[ -x "$PROG" ] || skip "$PROG not built (make check builds it)"
mica_setup

# status_of NAME WANT LINES [mica run args...]: LINES is "1" for exactly
# one line on stderr, "+" for at least one, "0" for none.
status_of() {
    _name=$1 _want=$2 _lines=$3
    shift 3
    mica_run "$WORK/out" "$WORK/err" /dev/null "$@"
    _n=$(wc -l <"$WORK/err")
    # A message without its newline still counts as one line.
    [ -s "$WORK/err" ] && [ "$_n" = 0 ] && _n=1
    _why=
    [ "$status" = "$_want" ] || _why="status want $_want, got $status;"
    case $_lines in
    1) [ "$_n" = 1 ] || _why="$_why $_n lines on stderr, want 1;" ;;
    +) [ "$_n" -ge 1 ] || _why="$_why nothing on stderr;" ;;
    0) [ "$_n" = 0 ] || _why="$_why $_n lines on stderr, want none;" ;;
    esac
    if [ "$_want" -ge 125 ] && [ -s "$WORK/out" ]; then
        _why="$_why output on stdout;"
    fi
    if [ -z "$_why" ]; then
        pass "$_name (status $status)"
    else
        fail "$_name: $_why"
        sed -n '1,10s/^/    stderr: /p' "$WORK/err"
        sed -n '1,5s/^/    stdout: /p' "$WORK/out"
    fi
}

# Programs that cannot be run.
status_of "missing program" 127 1 /nonexistent/program
status_of "missing program on PATH" 127 1 no-such-command-for-mica-test
printf 'echo this is text, not a program\n' >"$WORK/text"
chmod +x "$WORK/text"
status_of "text file without #!" 126 1 "$WORK/text"
cp "$PROG" "$WORK/noexec"
chmod 644 "$WORK/noexec"
status_of "program without execute permission" 126 1 "$WORK/noexec"
head -c 100 "$PROG" >"$WORK/truncated"
chmod +x "$WORK/truncated"
status_of "truncated ELF (100 bytes)" 126 1 "$WORK/truncated"
: >"$WORK/empty"
chmod +x "$WORK/empty"
status_of "empty file" 126 1 "$WORK/empty"
mkdir "$WORK/dir"
status_of "directory" 126 1 "$WORK/dir"
# patch BYTES (printf escapes) at OFFSET into a copy of the program
patched() { # patched NAME OFFSET BYTES
    cp "$PROG" "$WORK/$1"
    printf "$3" | dd of="$WORK/$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
    chmod +x "$WORK/$1"
}
patched elf32 4 '\001' # EI_CLASS: ELFCLASS32
status_of "32-bit ELF" 126 1 "$WORK/elf32"
patched arm64 18 '\267\000' # e_machine: EM_AARCH64
status_of "wrong architecture (aarch64)" 126 1 "$WORK/arm64"
patched phoff 32 '\377\377\377\000' # e_phoff far past the end
status_of "program headers past the end of the file" 126 1 "$WORK/phoff"
printf '#!/nonexistent/interpreter\necho hi\n' >"$WORK/badinterp"
chmod +x "$WORK/badinterp"
status_of "script with a missing interpreter" 126 1 "$WORK/badinterp"
grep -q "bad interpreter" "$WORK/err" || fail "  ... without 'bad interpreter'"
printf '#!/bin/sh\necho hi\n' >"$WORK/script"
chmod +x "$WORK/script"
status_of "script (mica runs ELF programs only)" 126 1 "$WORK/script"
grep -q "mica run /bin/sh " "$WORK/err" || fail "  ... without the way to run it"

# mica's own errors.
status_of "unknown option" 125 1 --no-such-option "$PROG" ret 0
status_of "--memory garbage" 125 1 --memory garbage "$PROG" ret 0
status_of "--memory 0" 125 1 --memory 0 "$PROG" ret 0
status_of "--engine nonsense" 125 1 --engine nonsense "$PROG" ret 0
status_of "--kernel missing file" 125 1 --kernel /nonexistent/kernel "$PROG" ret 0
status_of "no program" 125 1

# A guest kernel panic (forced at boot): 125 and a message, never a hang.
MICA_TEST_PANIC=1
export MICA_TEST_PANIC
status_of "guest kernel panic" 125 + "$PROG" ret 0
unset MICA_TEST_PANIC

# A memory bomb in a small guest ends the program (Linux would OOM-kill it:
# 137; a SIGSEGV, 139, or a clean ENOMEM, 0, will do), never the kernel.
MEMPROG=$ABI_DIR/memory.musl
if [ -x "$MEMPROG" ]; then
    mica_run "$WORK/out" "$WORK/err" /dev/null --memory 32M "$MEMPROG" bomb
    case $status in
    0 | 137 | 139) pass "memory bomb in 32 MiB ends the program (status $status)" ;;
    *)
        fail "memory bomb in 32 MiB: status $status, want 137, 139 or 0"
        sed -n '1,10s/^/    stderr: /p' "$WORK/err"
        ;;
    esac
fi

# An unimplemented syscall: ENOSYS, and under -v its name, once.
ERRPROG=$ABI_DIR/errors.musl
if [ -x "$ERRPROG" ]; then
    echo "kexec_load: -1 ENOSYS, -1 ENOSYS" >"$WORK/nosys.want"
    mica_run "$WORK/out" "$WORK/err" /dev/null -v "$ERRPROG" nosys
    _named=$(grep -c kexec_load "$WORK/err")
    if [ "$status" = 0 ] && cmp -s "$WORK/nosys.want" "$WORK/out" &&
        [ "$_named" = 1 ]; then
        pass "unimplemented syscall: ENOSYS, named once under -v"
    else
        fail "unimplemented syscall: status $status, named $_named times under -v"
        sed -n '1,3s/^/    stdout: /p' "$WORK/out"
    fi
fi

# And the ordinary way out, for contrast.
status_of "program exit 0" 0 0 "$PROG" ret 0
status_of "program exit 42" 42 0 "$PROG" exit 42
rel=$(echo "$PROG" | sed "s|^$(pwd)/|./|")
status_of "program by relative path ($rel)" 42 0 "$rel" exit 42
finish
