# gzip and gunzip: round trips by file and by pipe, -c -d -t -k, errors
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
seq 1 5000 >nums; printf 'tiny' >tiny; : >empty
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%c", (i * 7 + 3) % 256 }' >bytes
for f in nums tiny empty bytes; do cp $f $f.orig; done
echo "-- by file"; gzip nums; ls nums*; gunzip nums.gz; cmp nums nums.orig && echo "nums round trip"
echo "-- by pipe"; for f in tiny empty bytes nums; do gzip -c <$f | gunzip -c | cmp - $f.orig && echo "$f ok"; done
echo "-- -d"; gzip -c bytes >b.gz; gzip -d b.gz; cmp b bytes && echo "-d ok"
echo "-- levels"; gzip -1 -c nums | gunzip | md5sum; gzip -9 -c nums | gunzip | md5sum
echo "-- -t"; gzip -c nums >n.gz; gzip -t n.gz && echo "test ok"
echo "-- zcat"; zcat n.gz | tail -n 1
echo "-- smaller"; [ $(wc -c <n.gz) -lt $(wc -c <nums) ] && echo "compressed is smaller"
echo "-- -f"; gzip -c tiny >tiny.gz; gzip tiny 2>/dev/null; echo "exists -> $?"; gzip -f tiny; ls tiny*
echo "-- corrupt"; echo "garbage" >bad.gz; gunzip -c bad.gz >/dev/null 2>&1; echo "-> $?"
head -c 100 n.gz >trunc.gz; gunzip -c trunc.gz >/dev/null 2>&1; echo "truncated -> $?"
echo "-- concatenated"; { gzip -c tiny.orig; gzip -c tiny.orig; } | gunzip -c; echo
echo "-- chained"; seq 1 300 | gzip | gzip | gunzip | gunzip | wc -l
cd /; rm -rf "$d"
exit 39
