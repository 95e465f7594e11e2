# tar: create, list and extract a directory made here; -z to read
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
mkdir -p tree/sub/deeper tree/empty
echo "top file" >tree/top.txt
seq 1 2000 >tree/sub/numbers
printf 'bin\000ary\377\n' >tree/sub/deeper/blob
ln -s ../top.txt tree/sub/link
chmod 640 tree/top.txt; chmod 755 tree/sub
echo "-- create"; tar -cf t.tar tree; echo "-> $?"
echo "-- list"; tar -tf t.tar | sort
echo "-- extract"; mkdir out; tar -xf t.tar -C out; echo "-> $?"
(cd out && find . | sort)
cmp tree/sub/numbers out/tree/sub/numbers && echo "numbers same"
cmp tree/sub/deeper/blob out/tree/sub/deeper/blob && echo "blob same"
echo "link -> $(readlink out/tree/sub/link)"
stat -c '%a %n' out/tree/top.txt out/tree/sub
echo "-- from stdin"; mkdir out2; tar -cf - tree | (cd out2 && tar -xf -); diff -r tree out2/tree && echo "pipe copy same"
# tar -cz would run "gzip" from PATH (the host's GNU gzip): compress by pipe
echo "-- gzip"; tar -cf - tree | gzip >t.tgz; tar -tzf t.tgz | sort | head -n 3
mkdir out3; tar -xzf t.tgz -C out3; diff -r tree out3/tree && echo "tgz same"
echo "-- one file"; tar -xf t.tar -O tree/top.txt
echo "-- bad archive"; echo "not a tar" >bad.tar; tar -tf bad.tar 2>/dev/null; echo "-> $?"
cd /; rm -rf "$d"
exit 38
