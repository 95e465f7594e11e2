# read: from stdin, files and pipes; IFS splitting, -r, leftovers, EOF status
while read -r line; do echo "stdin: $line"; done
echo "eof -> $?"
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
printf 'a b c d\n  lead  trail  \nback\\slash\nno newline' >f
{ read x y; echo "[$x] [$y]"; read x; echo "[$x]"; read -r x; echo "[$x]"; read x; echo "[$x] -> $?"; } <f
{ read x y; read x; IFS= read -r x; echo "IFS= keeps [$x]"; } <f
{ read x; read x; read x; echo "without -r [$x]"; } <f
echo "k1=v1:k2=v2" | { IFS=: read a b; echo "$a / $b"; }
echo "1,2,,4" | { IFS=, read p q r s; echo "[$p][$q][$r][$s]"; }
printf 'one\ntwo\nthree\n' | while read l; do n=$((n + 1)); echo "$n $l"; done
echo "n after piped while: ${n-unset}"
n=0; while read l; do n=$((n + 1)); done <f; echo "n after redirected while: $n"
read a b <<EOT
first second third
EOT
echo "a=$a b=$b"
read -n 3 c <f 2>/dev/null && echo "-n 3: [$c]"
echo "x" | (read -t 5 v && echo "-t read [$v]")
read u </dev/null; echo "read at EOF -> $?"
cd /; rm -rf "$d"
exit 44
