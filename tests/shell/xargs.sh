# xargs: default batching, -n, -I, -0, -t, exit statuses
seq 1 10 | xargs
seq 1 10 | xargs -n 3
seq 1 10 | xargs -n 4 echo batch:
printf 'a b\nc\n d  e \n' | xargs -n 1
echo "x y z" | xargs -n 2 sh -c 'echo "sh got $# args: $*"' sh
printf 'one\0two words\0three\0' | xargs -0 -n 1 echo arg:
seq 1 3 | xargs -I{} echo "item {} of 3"
printf '"quoted arg" plain\n' | xargs -n 1 echo
seq 1 3 | xargs -t echo 2>&1
echo 1 2 | xargs sh -c 'exit 3'; echo "child failed -> $?"
echo 1 | xargs sh -c 'exit 255'; echo "child 255 -> $?"
echo 1 | xargs nosuchcommand 2>/dev/null; echo "not found -> $?"
xargs </dev/null echo "empty input"; echo "-> $?"
xargs -r echo never </dev/null; echo "-r -> $?"
seq 1 200 | xargs -n 50 sh -c 'echo $#' sh
d=$(mktemp -d /tmp/sh.XXXXXX)
seq 1 5 | sed "s|^|$d/f|" | xargs touch; ls "$d" | xargs
find "$d" -type f | sort | xargs -n 2 sh -c 'for f; do basename "$f"; done' sh | xargs
rm -rf "$d"
exit 37
