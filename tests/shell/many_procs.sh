# many processes: hundreds of short-lived children, reaped; no leaks
i=0; while [ $i -lt 200 ]; do true | true; i=$((i + 1)); done; echo "200 pipelines"
i=0; s=0; while [ $i -lt 100 ]; do s=$((s + $(echo $i))); i=$((i + 1)); done; echo "substs sum $s"
i=0; while [ $i -lt 50 ]; do (exit $((i % 7))); s=$((s + $?)); i=$((i + 1)); done; echo "subshells $s"
i=0; while [ $i -lt 50 ]; do sh -c 'exit 1'; s=$((s + $?)); i=$((i + 1)); done; echo "execs $s"
i=0; while [ $i -lt 20 ]; do sleep 0 & i=$((i + 1)); done; wait; echo "20 background reaped"
i=0; while [ $i -lt 30 ]; do (sh -c 'exit 2') & i=$((i + 1)); done; wait; echo "30 nested reaped"
seq 1 64 | while read n; do echo $((n * n)); done | awk '{ s += $1 } END { print "squares", s }'
r=$(i=0; while [ $i -lt 10 ]; do echo $i | tr 0-9 a-j; i=$((i + 1)); done | tr -d '\n'); echo "$r"
deep() { if [ $1 -gt 0 ]; then echo $(deep $(($1 - 1)))x; fi; }
echo "nested substitutions: $(deep 12)"
exit 46
