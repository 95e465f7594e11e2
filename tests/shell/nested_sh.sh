# nested shells: sh -c, exported variables, exit statuses, quoting
sh -c 'echo "child shell"'
sh -c 'exit 9'; echo "child exit 9 -> $?"
v=local; export E=exported
sh -c 'echo "v=${v-unset} E=${E-unset}"'
W=one sh -c 'echo "prefix assignment W=$W"'; echo "W after: ${W-unset}"
sh -c 'sh -c "sh -c \"echo three deep; exit 3\"; exit \$((\$? + 1))"'; echo "-> $?"
sh -c 'echo "\$0=$0 \$1=$1 \$#=$#"' zero one two
r=$(sh -c 'printf "%s" "$(seq 1 4 | tr -d "\n")"'); echo "r=$r"
sh -c 'echo err >&2' 2>&1 | sed 's/^/child stderr: /'
echo "stdin" | sh -c 'read l; echo "child read $l"'
sh -c 'cd /; pwd'; pwd >/dev/null
i=0; while [ $i -lt 5 ]; do i=$(sh -c "echo \$(( $i + 1 ))"); done; echo "counted to $i"
env | grep -c '^E=exported$'
env -i sh -c 'echo "empty env: ${E-unset}"'
sh -c 'kill $$'; echo "killed child -> $?"
sh -n -c 'if then fi' 2>/dev/null; echo "syntax error -> $?"
sh -c 'nosuchcommand' 2>/dev/null; echo "not found -> $?"
sh -c 'return 3' 2>/dev/null; echo "return at top -> $?"
exit 29
