# loops: for, while, until; break and continue, also out of nested loops
for w in alpha beta "gamma delta"; do echo "for: $w"; done
set -- one two three
for a; do echo "arg: $a"; done
i=0
while [ $i -lt 10 ]; do
    i=$((i + 1))
    [ $((i % 2)) -eq 0 ] && continue
    [ $i -gt 7 ] && break
    echo "while: $i"
done
n=3
until [ $n -eq 0 ]; do echo "until: $n"; n=$((n - 1)); done
for x in 1 2 3; do
    for y in a b c; do
        [ $y = b ] && continue 2
        [ $x = 3 ] && break 2
        echo "nested: $x$y"
    done
done
echo "after nested: x=$x y=$y"
for z in; do echo never; done
while false; do echo never; done; echo "while false status $?"
s=0; for k in $(seq 1 100); do s=$((s + k)); done; echo "sum $s"
exit 3
