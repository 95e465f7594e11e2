# test and [ ]: strings, integers, files, combinations; exit statuses
t() { if "$@"; then echo "true : $*"; else echo "false: $* ($?)"; fi; }
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"; echo data >file; : >empty; mkdir dir; ln -s file link
t test -n abc; t test -z ""; t test -z x; t test abc; t test ""
t [ a = a ]; t [ a != a ]; t [ a = b ]; t [ "a b" = "a b" ]
t [ 3 -eq 3 ]; t [ 3 -ne 3 ]; t [ 2 -lt 10 ]; t [ 10 -le 9 ]; t [ -5 -gt -6 ]; t [ 0 -ge 0 ]
t [ abc \< abd ]; t [ b \> a ]
t [ -e file ]; t [ -e nope ]; t [ -f file ]; t [ -f dir ]; t [ -d dir ]; t [ -d file ]
t [ -s file ]; t [ -s empty ]; t [ -L link ]; t [ -h file ]; t [ -r file ]; t [ -w file ]
t [ -x dir ]; t [ -x file ]; chmod +x file; t [ -x file ]
t [ file -nt nope ]; t [ file -ef link ]; t [ file -ef empty ]
t [ ! -e nope ]; t [ -e file -a -d dir ]; t [ -e nope -o -d dir ]; t [ \( 1 -eq 1 \) -a ! 1 -eq 2 ]
t [ -t 5 ]; t [ -p file ]; t [ -c /dev/null ]; t [ -b /dev/null ]
[ 1 -eq x ] 2>/dev/null; echo "bad integer -> $?"
[ a = ] 2>/dev/null; echo "missing operand -> $?"
[ 1 2>/dev/null; echo "missing ] -> $?"
test; echo "no args -> $?"
cd /; rm -rf "$d"
exit 43
