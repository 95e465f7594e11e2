# traps on INT and TERM, raised with kill on $$; ignoring; resetting
trap 'echo "got TERM"' TERM
kill -TERM $$; echo "after TERM, status $?"
trap 'echo "got INT"' INT
kill -INT $$; echo "after INT"
kill -s TERM $$; kill -15 $$
trap 'echo "got USR1"; n=$((n + 1))' USR1
n=0; kill -USR1 $$; kill -USR1 $$; echo "USR1 count $n"
trap '' TERM; kill -TERM $$; echo "ignored TERM"
trap - TERM INT
sh -c 'trap "echo child got TERM; exit 3" TERM; kill -TERM $$; echo no'; echo "child -> $?"
sh -c 'kill -TERM $$; echo no'; echo "default TERM -> $?"
sh -c 'kill -KILL $$'; echo "KILL -> $?"
sh -c 'trap "echo reset" TERM; trap - TERM; kill $$; echo no'; echo "reset -> $?"
(trap 'echo "subshell HUP"' HUP; kill -HUP $(sh -c 'echo $PPID')) 2>/dev/null; echo "hup -> $?"
trap 'echo "trap then exit"; exit 7' TERM
kill $$
echo "not reached"
