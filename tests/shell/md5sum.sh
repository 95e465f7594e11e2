# md5sum (and sha1sum, sha256sum): of files, of stdin, and -c checking
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
printf '' >empty; printf 'abc' >abc; seq 1 10000 >nums
printf 'The quick brown fox jumps over the lazy dog' >fox
md5sum empty abc nums fox
printf 'abc' | md5sum
sha1sum abc fox; sha256sum abc fox
md5sum empty abc nums >sums; md5sum -c sums
echo "changed" >>abc; md5sum -c sums 2>/dev/null; echo "after a change -> $?"
md5sum -c -s sums 2>/dev/null; echo "-s -> $?"
md5sum nonexistent 2>/dev/null; echo "missing -> $?"
seq 1 10000 | md5sum | cut -c1-32 | tr a-f A-F
a=$(md5sum <nums | cut -d' ' -f1); b=$(cat nums | cat | cat | md5sum | cut -d' ' -f1)
[ "$a" = "$b" ] && echo "same through a pipeline"
cd /; rm -rf "$d"
exit 40
