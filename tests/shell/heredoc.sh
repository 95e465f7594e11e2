# here-documents: unquoted (expanded), quoted (literal), <<- (tabs stripped)
name=world
cat <<EOT
hello, $name
sum: $((2 + 3)) cmd: $(echo subst) tick: `echo tick`
escaped: \$name \\ \`
EOT
cat <<'EOT'
literal: $name $(echo no) `echo no` \$ \\
EOT
cat <<"EOT"
double-quoted delimiter: $name
EOT
cat <<-EOT
	tab-indented $name
		two tabs
	end
	EOT
cat <<E\OT
backslash in delimiter: $name
EOT
tr a-z A-Z <<EOT | sed 's/^/piped: /'
into a pipeline
EOT
while read a b; do echo "$b-$a"; done <<EOT
1 one
2 two
EOT
f() { cat <<EOT
in function: $1
EOT
}
f arg
cat <<A; cat <<B
first doc
A
second doc
B
read x <<EOT
single line
EOT
echo "read: $x"
cat <<EOT >/dev/null
discarded
EOT
cat <<EOT
$(seq 1 3 | tr '\n' ,)
EOT
cat <<''
empty delimiter line

wc -c <<EOT
$(i=0; while [ $i -lt 300 ]; do echo "line $i of a larger here-document"; i=$((i+1)); done)
EOT
exit 23
