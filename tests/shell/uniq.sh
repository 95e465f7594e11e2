# uniq: plain, -c, -d, -u, and with sort
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
printf 'a\na\nb\nc\nc\nc\na\n' >in
echo "-- plain"; uniq in
echo "-- -c"; uniq -c in
echo "-- -d"; uniq -d in
echo "-- -u"; uniq -u in
echo "-- sort | uniq -c"; sort in | uniq -c
echo "-- words by count"
echo "the cat and the dog and the bird" | tr ' ' '\n' | sort | uniq -c | sort -k1,1nr -k2
echo "-- -i"; printf 'A\na\nB\n' | uniq -i | wc -l
echo "-- -f1"; printf '1 x\n2 x\n3 y\n' | uniq -f1
echo "-- -s1"; printf 'ax\nbx\ncy\n' | uniq -s1
echo "-- empty"; uniq </dev/null | wc -c
cd /; rm -rf "$d"
exit 32
