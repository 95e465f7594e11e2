# exec with redirections only: the shell's own descriptors change
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
exec 3>&1
exec >out
echo "to the file"
ls /nonexistent 2>&1 | sed 's/.*/an error, piped/'
exec 1>&3 3>&-
echo "back on stdout"; cat out
exec 4<out; read first <&4; echo "read back: $first"; exec 4<&-
exec 2>err; echo "hidden" >&2; ls /nonexistent; exec 2>&1
echo "err has $(wc -l <err) lines"
exec 5>>out; echo appended >&5; exec 5>&-; tail -n 1 out
exec 6<>rw; echo "rw write" >&6; exec 6>&-; cat rw
exec 7>seven; (echo "inherited" >&7); sh -c 'echo "child inherits" >&7'; exec 7>&-; cat seven
exec 8>eight 9>nine; echo 8 >&8; echo 9 >&9; exec 8>&- 9>&-; cat eight nine
sh -c 'exec 3>&-; echo "fd 3 closed in child" >&3' 2>/dev/null || echo "child write to closed -> 2"
(exec sh -c 'exit 4'); echo "exec replaced subshell -> $?"
cd /; rm -rf "$d"
exec sh -c 'echo "exec replaces the shell"; exit 28'
echo "not reached"
