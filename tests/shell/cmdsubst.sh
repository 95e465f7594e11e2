# command substitution: $( ), backticks, nesting, quoting, newlines
echo "plain: $(echo hello)"
echo "nested: $(echo $(echo $(echo three levels)))"
echo "back: `echo tick`"
echo "back nested: `echo outer \`echo inner\``"
echo "mixed: $(echo `echo a` $(echo b))"
x=$(printf 'a\nb\n\n\n'); echo "trailing newlines stripped: [$x]"
y=$(printf 'lead\n\nmid'); echo "inner kept: [$y]"
echo "word split:" $(printf '1 2\t3\n4')
echo "quoted: [$(printf '1  2')]"
z=$(false); echo "status of assignment: $?"
z=$(exit 9); echo "exit 9 in subst: $?"
echo "$(echo "quotes \"inside\" work")"
echo "$(case x in x) echo case-in-subst ;; esac)"
echo "arith of subst: $(( $(echo 6) * $(echo 7) ))"
n=$(seq 1 500 | wc -l); echo "lines: $n"
big=$(seq 1 20000); echo "big subst length: ${#big}"
echo "$(echo '$(not expanded)')"
echo `echo '\$HOME stays'`
v=$(echo out; echo err >&2); echo "captured: $v"
w=$(cd /; pwd); echo "cd inside: $w"
l=`for i in 1 2 3; do echo -n $i; done`; echo "loop in backticks: $l"
exit 17
