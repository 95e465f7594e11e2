# find: -name, -type, -exec, -print, -maxdepth, -newer, -size; sorted output
d=$(mktemp -d /tmp/sh.XXXXXX); cd "$d"
mkdir -p src/lib src/bin doc empty
echo 'int main;' >src/bin/main.c; echo 'int lib;' >src/lib/lib.c
echo 'x' >src/lib/lib.h; echo 'readme' >doc/README; : >doc/empty.txt
ln -s ../doc/README src/link
echo "-- all"; find . | sort
echo "-- -name"; find . -name '*.c' | sort
echo "-- -type d"; find . -type d | sort
echo "-- -type f"; find . -type f | sort
echo "-- -type l"; find . -type l
echo "-- -maxdepth"; find . -maxdepth 1 | sort
echo "-- -mindepth"; find src -mindepth 2 -type f | sort
echo "-- -exec {} ;"; find . -name '*.c' -exec cat {} \; | sort
echo "-- -exec {} +"; find . -name '*.[ch]' -exec wc -l {} + | sort
echo "-- -empty"; find . -empty | sort
echo "-- -size"; find . -type f -size +0 | sort
echo "-- -o and !"; find . \( -name '*.h' -o -name README \) -print | sort
find . -type f ! -name '*.c' | sort
echo "-- -path"; find . -path './src/*' -name 'l*' | sort
echo "-- -print0"; find . -name '*.c' -print0 | tr '\0' '\n' | sort
echo "-- -exec rm"; find . -name '*.txt' -exec rm {} \;; find doc | sort
echo "-- -exec status"; find . -name main.c -exec grep -q main {} \; -print
find /nonexistent 2>/dev/null; echo "missing -> $?"
cd /; rm -rf "$d"
exit 36
