# grep: plain, -v -c -E -o -i -n -w -x -l -q -e -F, and exit statuses
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
cat >f <<EOT
The quick brown fox
jumps over the lazy dog
THE END
error: disk full
warning: low memory
error: no route to host
a.b.c
EOT
echo "-- plain"; grep the f
echo "-- -i"; grep -i the f
echo "-- -v"; grep -v e f
echo "-- -c"; grep -c error f; grep -c -v error f
echo "-- -E"; grep -E '^(error|warning):' f
echo "-- -o"; grep -o '[a-z]*o[a-z]*' f
echo "-- -oE"; grep -oE '[0-9]+|full|low' f
echo "-- -n"; grep -n o f
echo "-- -w"; grep -w 'the' f
echo "-- -x"; grep -x 'THE END' f
echo "-- -F"; grep -F 'a.b' f; grep -c 'a.b' f; grep -cF 'a*b' f
echo "-- -e -e"; grep -e fox -e dog f
echo "-- -l"; cp f g; grep -l quick f g nonexistent 2>/dev/null | sort
echo "-- -h/-H"; grep -H END f; grep -h fox f g
echo "-- -q"; grep -q lazy f && echo "found"; grep -q zebra f; echo "missing -> $?"
grep fox nonexistent 2>/dev/null; echo "no file -> $?"
echo "-- -r"; mkdir -p t/u; echo needle >t/u/x; echo hay >t/y; grep -r needle t
echo "-- stdin"; seq 1 30 | grep -E '^(1|2)5$|^3'
echo "-- -A/-B"; seq 1 10 | grep -A1 -B1 5
echo "-- -m"; seq 1 100 | grep -m 2 1
echo "-- -s"; grep -s x nonexistent; echo "-> $?"
cd /; rm -rf "$d"
exit 35
