# /proc seen from the shell: self, $$, children; only relative checks
[ -d /proc/self ] && echo "/proc/self is a directory"
[ -d /proc/$$ ] && echo "/proc/\$\$ exists"
[ "$(readlink /proc/self/exe)" = "$(readlink /proc/$$/exe)" ] && echo "exe is the same program"
[ -x "$(readlink /proc/$$/exe)" ] && echo "and it is executable"
read pid rest </proc/$$/stat; [ "$pid" = "$$" ] && echo "stat starts with \$\$"
s=$(sh -c 'read p c st pp rest </proc/$$/stat; echo $pp'); [ "$s" = "$$" ] && echo "child's ppid in stat is \$\$"
p=$(sh -c 'awk "/^PPid:/ { print \$2 }" /proc/$$/status'); [ "$p" = "$$" ] && echo "child's PPid in status is \$\$"
sleep 100 & b=$!; [ -d /proc/$b ] && echo "background child listed"
kill $b; wait $b; [ -d /proc/$b ] || echo "and gone once reaped"
ls /proc/self/fd | awk '$1 < 10' | sort -n | tr '\n' ' '; echo
exec 7</dev/null; [ -e /proc/$$/fd/7 ] && echo "fd 7 visible"; exec 7<&-
[ -e /proc/$$/fd/7 ] || echo "fd 7 gone"
tr '\0' '\n' </proc/$$/cmdline | sed -n '2,3p'
sh -c 'tr "\0" "\n" </proc/$$/cmdline | sed 1,3d' sh one "two words"
cat /proc/self/cmdline | tr '\0' ' '; echo
[ "$(cd /proc/self && pwd -P)" != /proc/self ] && echo "self resolves to a pid"
awk '/^MemTotal:/ { print ($2 > 0 ? "meminfo ok" : "bad") }' /proc/meminfo
exit 50
