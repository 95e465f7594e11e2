# background jobs: &, wait, wait $pid and its status, $! relative checks
d=$(mktemp -d /tmp/sh.XXXXXX)
(echo one >"$d/1") & (echo two >"$d/2") & (echo three >"$d/3") &
wait; cat "$d/1" "$d/2" "$d/3"
(exit 7) & p=$!
wait $p; echo "wait \$p -> $?"
sh -c 'exit 3' & a=$!; sh -c 'exit 5' & b=$!
wait $b; echo "b -> $?"; wait $a; echo "a -> $?"
[ "$a" != "$b" ] && [ "$a" != "$$" ] && echo "distinct pids"
true & wait $!; echo "true& -> $?"
false & wait $!; echo "false& -> $?"
{ sleep 0; echo "group in background"; } >"$d/g" & wait; cat "$d/g"
for i in 1 2 3 4 5; do (echo "job $i" >"$d/j$i") & done; wait
cat "$d"/j*
wait; echo "wait with nothing -> $?"
(seq 1 1000 | wc -l >"$d/w") & wait $!; cat "$d/w"
x=$( (echo bg-in-subst) & wait ); echo "$x"
i=0; while [ $i -lt 8 ]; do (exit $i) & eval "p$i=\$!"; i=$((i + 1)); done
s=; i=7; while [ $i -ge 0 ]; do eval "wait \$p$i"; s="$s$?"; i=$((i - 1)); done
echo "statuses in reverse: $s"
rm -rf "$d"
exit 25
