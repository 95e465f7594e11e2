# sed: s///g and flags, addresses and ranges, -n with p, d, i/a/c, y, -e, -i
t='one two three
four five six
seven eight nine
ten eleven twelve'
echo "$t" | sed 's/e/E/'
echo "$t" | sed 's/e/E/g'
echo "$t" | sed 's/e/E/2'
echo "$t" | sed -n '2p'
echo "$t" | sed -n '2,3p'
echo "$t" | sed -n '/five/,/eight/p'
echo "$t" | sed '2d'
echo "$t" | sed '/^s/d'
echo "$t" | sed -n '$p'
echo "$t" | sed -n '$='
echo "$t" | sed '1!d'
echo "$t" | sed -n 's/\(t[a-z]*\)/[\1]/gp'
echo "$t" | sed -E 's/([a-z]+) ([a-z]+)/\2 \1/'
echo "$t" | sed 's/[aeiou]//g; s/ /_/g'
echo "$t" | sed -e 1d -e 3d
echo "$t" | sed '2i\
inserted' | sed '4a\
appended'
echo "$t" | sed '3c\
changed'
echo "$t" | sed 'y/abcdefghij/ABCDEFGHIJ/'
echo "$t" | sed -n '1~2p' 2>/dev/null || echo "no step addresses"
echo "$t" | sed 's/.*/&&/; 2q'
echo "$t" | sed '=' | sed 'N; s/\n/: /'
echo "a/b/c" | sed 's|/|\\|g'
echo "hello" | sed 's/l*/X/g'
echo "path/to/file.txt" | sed 's/.*\///; s/\.[^.]*$//'
d=$(mktemp -d /tmp/sh.XXXXXX); echo "$t" >"$d/f"
sed -i 's/one/ONE/; /twelve/d' "$d/f"; cat "$d/f"
sed -n 'H; ${ x; s/\n/,/g; p; }' "$d/f"
rm -rf "$d"
exit 34
