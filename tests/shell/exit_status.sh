# exit statuses: not found, not executable, signals, exit ranges, && ||
nosuchcommand 2>/dev/null; echo "not found -> $?"
/nonexistent/prog 2>/dev/null; echo "no such path -> $?"
d=$(mktemp -d /tmp/sh.XXXXXX); echo 'echo x' >"$d/noexec"; chmod 644 "$d/noexec"
"$d/noexec" 2>/dev/null; echo "not executable -> $?"
"$d" 2>/dev/null; echo "a directory -> $?"
rm -rf "$d"
(exit 0); echo $?; (exit 1); echo $?; (exit 255); echo $?; (exit 256); echo $?; (exit 300); echo $?
sh -c 'exit -1' 2>/dev/null; echo "exit -1 -> $?"
sh -c 'kill -TERM $$'; echo "TERM -> $?"
sh -c 'kill -KILL $$'; echo "KILL -> $?"
sh -c 'kill -SEGV $$'; echo "SEGV -> $?"
sh -c 'kill -ABRT $$'; echo "ABRT -> $?"
sh -c 'kill -PIPE $$'; echo "PIPE -> $?"
sh -c 'kill -USR2 $$'; echo "USR2 -> $?"
true && echo "&& after true"; false && echo no; false || echo "|| after false"
true || echo no; false && true || echo "chain -> $?"
false; false | true; echo "pipeline -> $?"
! false; echo "! false -> $?"; ! true; echo "! true -> $?"
if (exit 3); then :; else echo "if else sees $?"; fi
while (exit 4); do :; done; echo "while done -> $?"
f() { (exit 5); }; f; echo "function -> $?"
exit 48
