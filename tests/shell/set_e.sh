# set -e: which failures end the script, which do not; the final status
set -e
false || echo "|| protects"
if false; then :; else echo "if protects"; fi
while false; do :; done; echo "while condition protects"
! true; echo "! protects"
false && echo no; echo "&& left side protects"
x=$(false || echo recovered); echo "$x"
f() { false; echo "set -e is off in a function called from ||"; }
f || echo "f failed in || context"
(set +e; false; echo "set +e in subshell")
(false; echo "set -e is off in a || subshell") || echo no
v=$(sh -c 'set -e; echo before; false; echo after') || echo "child failed -> $?"; echo "child printed: $v"
sh -c 'set -e; exit 0'; echo "clean child"
set +e; false; echo "set +e -> $?"; set -e
seq 1 3 | false | true; echo "pipeline status is last"
(exit 6); echo "not reached"
echo "not reached"
