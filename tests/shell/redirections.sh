# redirections: > >> < 2>&1 and their order, >&2, /dev/null, noclobber
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
echo first >f; echo second >>f; cat f
echo replaced >f; cat f
wc -l <f
cat <f >g; cat g
ls /nonexistent >o 2>&1; echo "2>&1 after >: $? $(sed 's/.*nonexistent.*/msg/' o)"
ls /nonexistent 2>&1 >o2 | sed 's/.*nonexistent.*/stderr to pipe/'
echo "o2 has $(wc -c <o2) bytes"
echo to-err >&2 2>/dev/null
{ echo out; echo err >&2; } 2>/dev/null
{ echo out; echo err >&2; } >/dev/null 2>e; echo "e: $(cat e)"
echo "redirect before command" >h; >i echo "redirect first"; cat h i
: >empty; echo "empty has $(wc -c <empty) bytes"
set -C; (echo clobber >f) 2>/dev/null; echo "noclobber -> $?"; echo forced >|f; set +C; cat f
cat <nonexistent 2>/dev/null; echo "missing input -> $?"
echo x >/nonexistent-dir/f 2>/dev/null; echo "bad path -> $?"
for i in 1 2 3; do echo $i; done >loop; cat loop | tr '\n' ' '; echo
while read l; do echo "r:$l"; done <loop
cd /; rm -rf "$d"
exit 21
