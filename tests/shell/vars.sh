# parameter expansion: defaults, patterns, lengths, IFS and word splitting
unset u; e=; v=value; p=/usr/local/lib/libfoo.so.1.2
echo "${u-def} ${u:-def} [${e-def}] ${e:-def} ${v:-def} ${v+alt} [${u+alt}] ${e:+alt}"
echo "${u=assigned} $u"; echo "${e:=also} $e"
(: ${u2?custom message}) 2>&1 | sed 's/^.*: //'
echo "${#v} ${#p} ${#u3}"
echo "${p#*/} | ${p##*/} | ${p%.*} | ${p%%.*}"
echo "${p#/usr} | ${p%lib*} | ${p%%lib*}"
f=archive.tar.gz; echo "${f%.gz} ${f%%.*} ${f#*.} ${f##*.}"
s="a b  c"; set -- $s; echo "$# fields"; set -- "$s"; echo "$# field"
IFS=, ; set -- $(echo "x,y,,z"); echo "$# fields with IFS=,"; unset IFS
IFS=' :'; l="a:b c"; set -- $l; echo "$#: $1 $2 $3"; unset IFS
g='*'; echo "quoted [$g]"
n=3; eval "var$n=dynamic"; eval echo "\$var$n"
x=1; readonly x; (x=2) 2>/dev/null || echo "readonly holds"
a="he said \"hi\""; echo "$a"; echo '$a'"$a"'$a'
echo "${v#v}${v%e}"
echo "${v:1:3}" 2>/dev/null || echo "no substrings"
echo "${v/al/AL} ${v//[aeu]/_}" 2>/dev/null || echo "no replace"
echo $((${#v} + 1))
unset v; echo "${v-unset now}"
h=$HOME; echo "home is set: $([ -n "$h" ] && echo yes)"
echo "PATH has /bin: $(case :$PATH: in *:/bin:*) echo yes ;; *) echo no ;; esac)"
exit 45
