#!/bin/sh
# busybox.sh: applets of the static busybox that need no fork, run on the
# host and in mica and compared; and what only the guest can answer (its
# root directory), against a known answer.
. "${srcdir:-.}/tests/system/lib.sh"

BB=${BUSYBOX:-$(command -v busybox)}
[ -n "$BB" ] && [ -x "$BB" ] || skip "busybox not found (Debian package busybox-static)"
case $BB in /*) ;; *) BB=$(cd "$(dirname "$BB")" && pwd)/$(basename "$BB") ;; esac
file_out=$(file -L "$BB" 2>/dev/null)
case $file_out in *dynamically*) skip "$BB is not static (install busybox-static)" ;; esac
mica_setup
make_input "$WORK/input"
N=/dev/null

bb() { # bb STDIN ARGS...: one applet, compared with the host's run
    _in=$1
    shift
    compare "busybox $*" "$_in" yes "$BB" "$@"
}

bb $N echo hello
bb $N echo -n no newline
bb $N echo -e 'tab\there\\nand a line'
bb $N true
bb $N false
bb $N printf '%s=%d %05.1f %x|' answer 42 3.14159 255
bb $N seq 1 1000
bb $N seq -s , 10 -3 -20
bb $N basename /a/b/c.txt .txt
bb $N dirname /a/b/c.txt
bb $N expr 6 \* 7
bb $N expr 1 = 2
bb $N expr length 'hello world'
bb $N uname -s
bb $N uname -m
bb $N test -d /tmp
bb $N test -e /nonexistent
bb $N sleep 0.05
bb $N date -u +%Y
bb $N printenv PATH HOME
bb $N printenv TERM
bb $N cat /nonexistent
bb $N stat -c '%s %a %F' "$BB"
bb $N sha256sum "$BB"
bb $N mkdir -p /tmp/mica-bb-test/a/b/c
bb $N rmdir /tmp/nonexistent-dir
bb $N ls -d /tmp
rm -rf /tmp/mica-bb-test

# stdin through the applets: counted, hashed, transformed, echoed.
bb "$WORK/input" wc -c
bb "$WORK/input" wc -l
bb "$WORK/input" sha256sum
bb "$WORK/input" md5sum
bb "$WORK/input" cat
bb "$WORK/input" head -n 5
bb "$WORK/input" tail -c 300
bb "$WORK/input" od -A x -t x1 -v
bb "$WORK/input" sort -r
bb "$WORK/input" tr a-z A-Z
bb $N wc -c

# The guest's own root: the program's top directory and the mount points.
top=$(echo "$BB" | cut -d/ -f2)
printf '%s\n' "$top" dev proc root tmp | sort -u >"$WORK/root.want"
expect "busybox ls / (guest root)" 0 "$WORK/root.want" $N "$BB" ls /
expect "busybox ls -A /tmp (empty)" 0 "$N" $N "$BB" ls -A /tmp
finish
