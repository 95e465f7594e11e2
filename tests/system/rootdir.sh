#!/bin/sh
# rootdir.sh: mica run --root DIR. A small root tree (a static busybox,
# /bin/sh an absolute symlink to it, a file in /etc, no /dev, /proc or
# /tmp) becomes the guest's root: the program is found in it (by name
# along the usual bin directories, and by path through the absolute
# symlink, resolved inside DIR), it sees only DIR's files, /dev, /proc and
# /tmp work, writes land in a private overlay, and DIR on the host is
# byte for byte what it was. Then the errors: a missing DIR, a file, a
# program not in DIR, a non-executable one, and --root with --host-root.
: "${MICA_TEST_TIMEOUT:=60}"
. "${srcdir:-.}/tests/system/lib.sh"

need_busybox
mica_setup
[ "$ENGINE" = qemu ] || skip "--root needs the QEMU engine"

R=$WORK/root
mkdir -p "$R/bin" "$R/etc" "$R/usr/bin"
cp "$BB" "$R/bin/busybox"
ln -s /bin/busybox "$R/bin/sh"
ln -s /bin/busybox "$R/usr/bin/cat"
printf 'from the root dir\n' >"$R/etc/hello"
chmod 644 "$R/etc/hello"
printf 'not a program\n' >"$R/etc/noexec"
snapshot() {
    (cd "$R" && find . -printf '%p %y %s %m %T@ %l\n' | LC_ALL=C sort &&
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum)
}
snapshot >"$WORK/before"

cat >"$WORK/want" <<'EOF'
bin dev etc proc tmp usr
from the root dir
/
/
ok
null
cat
tmp file
changed
from the root dir
new file
/etc/hello /new /tmp/t
EOF
expect "--root: the program, /dev, /proc, /tmp and private writes" 0 "$WORK/want" \
    /dev/null --root "$R" sh -c 'ls / | tr "\n" " " | sed "s/ $//"; echo; cat /etc/hello;
     pwd; cd .. && pwd; test -r /proc/self/status && echo ok; ls /dev | grep -x null;
     cat /proc/self/comm; echo tmp file >/tmp/t && cat /tmp/t;
     echo changed >/etc/hello && cat /etc/hello && rm /etc/hello && mv /etc/noexec /etc/hello &&
     echo from the root dir >/etc/hello && cat /etc/hello; echo new file >/new && cat /new;
     ls /etc/hello /tmp/t /new | tr "\n" " " | sed "s/ $//"; echo'

printf 'from the root dir\n' >"$WORK/want"
expect "--root: a program by name, through a symlink into DIR" 0 "$WORK/want" \
    /dev/null --root "$R" cat /etc/hello

snapshot >"$WORK/after"
if cmp -s "$WORK/before" "$WORK/after"; then
    pass "--root: DIR on the host is unchanged ($(wc -l <"$WORK/before") entries and sums)"
else
    fail "--root: DIR changed on the host"
    show_diff "$WORK/before" "$WORK/after" tree before
fi

# error STATUS MESSAGE_PART NAME [mica args]: mica fails before the guest runs.
error() {
    _ws=$1 _msg=$2 _name=$3
    shift 3
    mica_run "$WORK/m.out" "$WORK/m.err" /dev/null "$@"
    if [ "$status" = "$_ws" ] && grep -q -- "$_msg" "$WORK/m.err"; then
        pass "$_name (status $status)"
    else
        fail "$_name: status $status, stderr: $(head -c 300 "$WORK/m.err")"
    fi
}
error 125 "No such file or directory" "--root of a missing directory" --root "$WORK/none" sh
error 125 "not a directory" "--root of a file" --root "$R/etc/hello" sh
error 127 "nosuch: No such file" "--root: a program not in DIR" --root "$R" nosuch
error 126 "Permission denied" "--root: a file that is not executable" --root "$R" /etc/noexec
error 125 "exclude each other" "--root with --host-root" --root "$R" --host-root sh
finish
