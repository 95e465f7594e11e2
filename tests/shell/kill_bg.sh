# kill of background processes: status 143 for TERM, 137 for KILL
sleep 100 & p=$!
kill -0 $p && echo "alive"
kill $p; wait $p; echo "TERM -> $?"
kill -0 $p 2>/dev/null; echo "gone -> $?"
sleep 100 & p=$!; kill -9 $p; wait $p; echo "KILL -> $?"
sleep 100 & p=$!; kill -USR1 $p; wait $p; echo "USR1 -> $?"
sh -c 'sleep 100' & p=$!; kill -HUP $p; wait $p; echo "sh HUP -> $?"
sleep 100 & a=$!; sleep 100 & b=$!; kill $a $b; wait $a 2>/dev/null; x=$?; wait $b 2>/dev/null; echo "two: $x $?"
kill -TERM 999999 2>/dev/null; echo "no such pid -> $?"
sleep 100 & p=$!; kill -STOP $p; kill -CONT $p; kill $p; wait $p; echo "STOP CONT TERM -> $?"
exit 26
