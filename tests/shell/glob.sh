# pathname expansion: * ? [ ] [! ], hidden files, no match, quoting, set -f
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
touch a.c b.c c.h abc .hidden 'sp ace' x1 x2 x10; mkdir sub; touch sub/s.c
echo *; echo *.c; echo ?.?; echo x?; echo x*; echo [ab]*; echo [!a-b]*
echo .*; echo */*.c; echo *.nomatch; echo "*.c"; echo \*.c
for f in *' '*; do echo "one word: [$f]"; done
set -f; echo *.c; set +f; echo *.c
x='*.h'; echo $x "$x"
n=0; for f in *; do n=$((n + 1)); done; echo "$n entries"
case a.c in *.[ch]) echo "case glob" ;; esac
ls -d s* | sort
cd /; rm -rf "$d"
exit 47
