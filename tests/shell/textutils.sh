# wc, head, tail, cut, tr, tee, paste, rev, nl, fold, expand
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
printf 'alpha,1,x\nbeta,22,y\ngamma,333,z\ndelta,4444,w\nepsilon,5,v\n' >csv
echo "-- wc"; wc csv; wc -l <csv; wc -w <csv; wc -c <csv; printf 'no newline' | wc -l
echo "-- head"; head -n 2 csv; head -c 10 csv; echo; seq 1 10 | head -n -7
echo "-- tail"; tail -n 2 csv; tail -c 6 csv; seq 1 10 | tail -n +8
echo "-- cut"; cut -d, -f1 csv | tr '\n' ' '; echo; cut -d, -f2,3 csv | head -n 2
cut -c1-3 csv | tr '\n' ' '; echo; cut -d, -f3- csv | head -n 1
echo "-- tr"; echo "Hello World" | tr a-z A-Z; echo "Hello World" | tr -d lo
echo "aaabbbccc" | tr -s ab; echo "a1b2c3" | tr -cd 0-9; echo
echo "x:y:z" | tr : '\n'; echo "hello" | tr el ip
echo "-- tee"; echo "tee'd" | tee t1 t2 >/dev/null; cat t1 t2; echo more | tee -a t1 | wc -l; cat t1
echo "-- paste"; seq 1 3 >a; seq 4 6 >b; paste a b; paste -d, a b; paste -s a
echo "-- rev"; echo "stressed" | rev
echo "-- nl"; printf 'a\nb\n' | nl
echo "-- fold"; echo "abcdefghijklmnop" | fold -w 5
echo "-- expand"; printf 'a\tb\n' | expand -t 4
echo "-- od"; printf 'AB\n' | od -c | head -n 1
printf 'a\nb\nc\n' >c1; printf 'b\nc\nd\n' >c2
echo "-- cmp/diff"; cmp c1 c2; echo "-> $?"; diff c1 c2; echo "-> $?"
cd /; rm -rf "$d"
exit 41
