# sort: plain, -n, -r, -k, -t, -u, and stability of keys
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
cat >data <<EOT
banana 3 yellow
apple 10 red
cherry 2 red
apple 10 green
date 25 brown
elderberry 1 black
fig 3 purple
EOT
echo "-- plain"; sort data
echo "-- -r"; sort -r data
echo "-- -n -k2"; sort -n -k2,2 -k1,1 data
echo "-- -rn -k2"; sort -rn -k2,2 -k1,1 data
echo "-- -k3"; sort -k3,3 -k1,1 data
echo "-- -u -k1,1"; sort -u -k1,1 data
echo "-- -t: -k2n"; printf 'x:10:a\ny:9:b\nz:100:c\nw:9:a\n' | sort -t: -k2,2n -k3,3
echo "-- -n mixed"; printf '10\n9\n-1\n0\n2.5\n100\n' | sort -n
echo "-- plain numbers"; printf '10\n9\n-1\n0\n100\n' | sort
echo "-- -u"; printf 'b\na\nb\nc\na\n' | sort -u
echo "-- -f"; printf 'b\nA\na\nB\n' | sort -f | sort -f -u | wc -l
seq 1 2000 | sort -rn | head -n 3
seq 1 2000 | sort | tail -n 2
echo "-- -c"; sort -c data 2>/dev/null; echo "unsorted -> $?"; sort data | sort -c; echo "sorted -> $?"
echo "-- -o"; sort -o data data; head -n 1 data
cd /; rm -rf "$d"
exit 31
