# pipelines of three to five processes; status is the last command's
seq 1 20 | grep 1 | sort -r | head -n 3
printf '%s\n' pear apple fig apple kiwi fig apple | sort | uniq -c | sort -rn -k1,1 -k2 | awk '{ print $2 "=" $1 }'
seq 1 1000 | awk '{ s += $1 } END { print s }' | tr 0-9 a-j | sed 's/^/sum: /' | cat
echo "a b c d e" | tr ' ' '\n' | tac 2>/dev/null | wc -l
seq 1 5 | false | true; echo "false|true -> $?"
seq 1 5 | true | false; echo "true|false -> $?"
! true | false; echo "! ... -> $?"
seq 1 100000 | head -n 2; echo "head closed the pipe -> $?"
yes pipe | head -n 3
yes | sed 5q | wc -l
x=$(seq 1 3 | while read n; do echo "<$n>"; done | tr -d '\n'); echo "$x"
seq 1 3 | { read a; read b; echo "group read $a $b"; cat; }
echo last | (read l; echo "subshell got $l"; exit 6); echo "subshell in pipe -> $?"
cat /nonexistent 2>&1 | sed 's/^/err: /'
exit 4
