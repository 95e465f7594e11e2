# awk: fields, -F, BEGIN/END, printf, arrays, functions, getline
# (not "cmd" | getline, print | "cmd" or system(): those run /bin/sh, which
# the guest does not have)
data='alice 30 paris
bob 25 rome
carol 35 paris
dave 40 oslo'
echo "$data" | awk '{ print $1, $NF, NF }'
echo "$data" | awk '$2 > 28 { n++; print NR ": " $1 } END { print n " over 28" }'
echo "$data" | awk 'BEGIN { print "header" } { s += $2 } END { printf "total %d avg %.2f\n", s, s / NR }'
echo "$data" | awk '{ c[$3]++ } END { for (k in c) print k, c[k] }' | sort
echo "$data" | awk '{ a[NR] = $1 } END { for (i = NR; i >= 1; i--) printf "%s%s", a[i], (i > 1 ? "," : "\n") }'
echo "a:b:c" | awk -F: '{ print $2; $2 = "X"; print; OFS = "-"; $1 = $1; print }'
echo "a:b:c" | awk 'BEGIN { FS = ":"; OFS = "|" } { $1 = $1; print }'
awk 'BEGIN { printf "%5s|%-5s|%05d|%x|%o|%e|%c\n", "r", "l", 42, 255, 8, 12345.678, 65 }'
awk 'BEGIN { print length("hello"), substr("hello", 2, 3), index("hello", "ll"), toupper("up"), tolower("DOWN") }'
awk 'BEGIN { s = "a-b-c"; n = split(s, p, "-"); print n, p[1] p[3]; gsub(/-/, "+", s); print s; sub(/\+/, "=", s); print s }'
awk 'BEGIN { if (match("foobar", /o+b/)) print RSTART, RLENGTH }'
awk 'function sq(x) { return x * x } BEGIN { for (i = 1; i <= 5; i++) printf "%d ", sq(i); print "" }'
awk 'BEGIN { x = 7; y = 2; print x / y, int(x / y), x % y, -x, x * x * x }'
awk 'BEGIN { print 1e3, 0.1 + 0.2 == 0.3, 100000 * 100000, 2 * 2 * 2 * 1024 }'
seq 1 10 | awk 'NR % 3 == 0'
seq 1 10 | awk 'NR == 2, NR == 4 { print "range " $0 }'
printf 'x y\n' | awk '{ $5 = "e"; print NF; print }'
echo "one two" | awk '{ while ((getline line) > 0) n++; print "rest", n + 0 }'
awk 'BEGIN { exit 3 } END { print "end runs after exit" }'; echo "awk exit -> $?"
seq 1 5 | awk -v m=3 '$1 == m { print "found", m }'
echo "a b" | awk '{ printf "%s\n", $0 > "/dev/stderr" }' 2>&1
exit 33
