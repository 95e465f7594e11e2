# special parameters: $? $! $$ $# $@ $* $- $PPID, checked relatively, never printed
true; echo "\$? after true: $?"; false; echo "\$? after false: $?"
(exit 130); echo "\$? after exit 130: $?"
case $$ in ''|*[!0-9]*) echo "bad \$\$" ;; *) echo "\$\$ is a number" ;; esac
[ "$$" -gt 0 ] && echo "\$\$ positive"
[ "$(echo $$)" = "$$" ] && echo "\$\$ same in command substitution"
( [ "$$" = "$(echo $$)" ] ) && echo "\$\$ same in a subshell"
echo "\$! unset before any job: [${!-unset}]" 2>/dev/null || echo "\$! unset"
sleep 0 & b=$!; wait
[ "$b" != "$$" ] && echo "\$! differs from \$\$"
[ "$b" -gt 0 ] && echo "\$! positive"
c=$(sh -c 'echo $PPID'); [ "$c" = "$$" ] && echo "child's PPID is \$\$"
g=$(sh -c 'echo $$'); [ "$g" != "$$" ] && echo "child's \$\$ differs"
sleep 0 & b2=$!; wait; [ "$b2" != "$b" ] && echo "new job, new \$!"
set -- a "b c" d
echo "\$#=$#"; for x in "$@"; do echo "[$x]"; done; for x in "$*"; do echo "{$x}"; done
IFS=:; echo "joined: $*"; unset IFS
set --; echo "after set --: $#"
case $- in *e*) echo "-e on" ;; *) echo "-e off" ;; esac
set -e; case $- in *e*) echo "-e on" ;; esac; set +e
set -u; (echo "$nosuchvar") 2>/dev/null || echo "set -u caught unset"; set +u
echo "\${#}: ${#}  \${10} with 11 args:"; set -- 1 2 3 4 5 6 7 8 9 ten eleven; echo "${10} $10"
exit 27
