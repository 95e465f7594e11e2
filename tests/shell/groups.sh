# { } groups: run in the current shell, share redirections and status
d=$(mktemp -d /tmp/sh.XXXXXX)
v=before
{ v=after; echo "in group"; }
echo "v=$v"
{ echo one; echo two; echo three >&2; } >"$d/out" 2>"$d/err"
echo "out:"; cat "$d/out"; echo "err:"; cat "$d/err"
{ echo appended; } >>"$d/out"; wc -l <"$d/out"
{ false; }; echo "{ false; } -> $?"
{ true; false; true; }; echo "last wins -> $?"
{ read a; read b; } <"$d/out"; echo "read $a and $b"
{ echo x; echo y; } | { while read l; do echo "got $l"; done; }
true && { echo "and-group"; false; } || echo "or after group"
{ { { echo nested; }; }; }
r=$({ echo in; echo sub; } | wc -l); echo "lines $r"
{ echo "group status"; (exit 12); }; echo "-> $?"
rm -rf "$d"
{ exit 13; }
echo "not reached"
