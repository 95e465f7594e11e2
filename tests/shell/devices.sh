# /dev/null, /dev/zero, /dev/urandom, /dev/full through the shell
echo "discarded" >/dev/null; echo "null write -> $?"
cat /dev/null | wc -c
head -c 4096 /dev/zero | od -A d -t x1 | head -n 2
head -c 1000 /dev/urandom | wc -c
a=$(head -c 16 /dev/urandom | md5sum); b=$(head -c 16 /dev/urandom | md5sum)
[ "$a" != "$b" ] && echo "urandom differs between reads"
echo x >/dev/full 2>/dev/null; echo "full -> $?"
dd if=/dev/zero bs=512 count=8 2>/dev/null | wc -c
dd if=/dev/zero of=/dev/null bs=64k count=16 2>&1 | sed -n 1,2p
[ -c /dev/null ] && [ -c /dev/zero ] && echo "character devices"
exit 51
