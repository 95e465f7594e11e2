# subshells: ( ) isolates variables, cd, traps and exit; nesting
v=outer
(v=inner; echo "in: $v")
echo "out: $v"
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"; mkdir a
(cd a && pwd | sed 's|.*/||'); pwd | sed 's|.*/sh\..*|in tmp|'
(exit 5); echo "(exit 5) -> $?"
(false); echo "(false) -> $?"
( (exit 3); echo "inner -> $?"; exit 8); echo "outer -> $?"
(((((echo deep)))))
(echo "subshell sees the same \$\$: $([ $$ = "$(echo $$)" ] && echo yes)")
x=1; (x=2; (x=3; echo "x3=$x"); echo "x2=$x"); echo "x1=$x"
(set -- a b c; echo "args in subshell: $#"); echo "args outside: $#"
(umask 077; umask); umask
(export SUBVAR=yes); echo "SUBVAR=${SUBVAR-unset}"
(echo to-stderr >&2) 2>&1 | sed 's/^/piped: /'
f() (echo "function body is a subshell"; g=set); f; echo "g=${g-unset}"
cd /; rm -rf "$d"; echo "cleaned: $([ -e "$d" ] || echo yes)"
exit 11
