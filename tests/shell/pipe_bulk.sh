# pipes under load: megabytes through chains, full buffers, early readers' exit
seq 1 200000 | cat | cat | cat | md5sum
seq 1 200000 | md5sum
head -c 3000000 /dev/zero | cat | wc -c
head -c 1000000 /dev/zero | tr '\0' 'a' | fold -w 100 | sort | uniq -c
seq 1 100000 | sed 's/$/ line/' | grep -c 9
yes abcdefghijklmnopqrstuvwxyz | head -n 100000 | tail -n 1
yes | head -c 5000000 | wc -c
seq 1 300000 | (head -n 1; cat >/dev/null); echo "reader drained -> $?"
seq 1 300000 | head -n 1; echo "writer got SIGPIPE, last status -> $?"
seq 1 300000 | { head -n 1 >/dev/null; }; echo "group -> $?"
x=$(seq 1 50000 | tail -n 1); echo "tail of 50000: $x"
{ seq 1 40000; seq 1 40000 >&2; } 2>&1 | sort -n | tail -n 2
seq 1 100000 | awk '{ print > "/dev/stderr" }' 2>&1 >/dev/null | wc -l
exit 49
