# descriptors: n>&m, <>, closing with >&- and <&-, fds 3-9
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
echo "to three" 3>&1 1>&2 2>&3 2>/dev/null
{ echo "on three" >&3; } 3>f3; cat f3
{ echo a >&4; echo b >&5; } 4>f4 5>&4; cat f4
exec 6>f6; echo six >&6; echo more >&6; exec 6>&-; cat f6
echo "write to closed fd" >&6 2>/dev/null; echo "closed -> $?"
echo hello >rw; exec 7<>rw; read w <&7; echo "read $w via <>"; echo tail >&7; exec 7>&-; cat rw
exec 8<f6; read l <&8; echo "fd8: $l"; read l <&8; echo "fd8: $l"; exec 8<&-
cat <&- 2>/dev/null; echo "cat with stdin closed -> $?"
(echo x >&-) 2>/dev/null; echo "echo with stdout closed -> $?"
exec 9>&1; v=$(echo "via 9" >&9); exec 9>&-; echo "captured [$v]"
{ echo out; echo err >&2; } 3>&1 1>&2 2>&3 | sed 's/^/swapped: /'
printf 'l1\nl2\nl3\n' >in; { read a; read b; } <in; echo "$a $b"
exec 3<in; head -n 1 <&3; exec 3<&-
cd /; rm -rf "$d"
exit 22
