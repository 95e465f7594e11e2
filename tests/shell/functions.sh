# functions: arguments, return status, local variables, recursion
greet() { echo "hello, $1 ($# args)"; }
greet world
greet "a b" c d
count() { echo "$#"; }
count; count ""; count "$@"; set -- x "y z"; count "$@"; count $*
fact() {
    if [ "$1" -le 1 ]; then echo 1; return; fi
    echo $(( $1 * $(fact $(($1 - 1))) ))
}
echo "5! = $(fact 5)"
fib() { local n=$1 a b; [ $n -lt 2 ] && { r=$n; return; }
    fib $((n - 1)); a=$r; fib $((n - 2)); b=$r; r=$((a + b)); }
fib 12; echo "fib 12 = $r"
v=global
scope() { local v=inner; echo "in: $v"; }
scope; echo "out: $v"
ret() { return $1; }
ret 0; echo "ret 0 -> $?"; ret 7; echo "ret 7 -> $?"; ret 255; echo "ret 255 -> $?"
shifty() { shift 2; echo "after shift: $*"; }
shifty 1 2 3 4
opts() { OPTIND=1; while getopts ab:c o; do echo "opt $o ${OPTARG-}"; done
    shift $((OPTIND - 1)); echo "rest: $*"; }
opts -a -b val -c file1 file2
f() { echo "in f"; }; unset -f f; f 2>/dev/null || echo "f is gone: $?"
pipef() { while read l; do echo "[$l]"; done; }
printf 'one\ntwo\n' | pipef
ret 42
