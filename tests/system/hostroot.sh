#!/bin/sh
# hostroot.sh: host directories in the guest, served by mica's own
# virtio-fs server through the QEMU engine. --volume HOST[:GUEST][:ro]:
# files read back byte for byte at the guest path (by default the host's
# own), nested guest paths made on the way, writes that the guest sees
# and that leave the host tree exactly as it was, and the one-line
# errors (status 125) for what is refused. Then the default host root
# (no --volume, --no-host-root dropped): /usr, /etc and the working
# directory, with the world-readable filter on /etc. Needs QEMU and
# busybox-static.
: "${MICA_TEST_TIMEOUT:=90}"
. "${srcdir:-.}/tests/system/lib.sh"

need_busybox
command -v "${QEMU:-qemu-system-x86_64}" >/dev/null 2>&1 ||
    skip "qemu-system-x86_64 not found: host shares are the QEMU engine's"
MICA_TEST_ENGINE=qemu
mica_setup

# ---- the shared tree ----
D=$WORK/data
mkdir -p "$D/sub/deeper" "$D/odd name, comma"
printf 'alpha\n' >"$D/a.txt"
printf 'in odd\n' >"$D/odd name, comma/o.txt"
head -c 300000 /dev/urandom >"$D/sub/random.bin"
printf 'deep\n' >"$D/sub/deeper/d.txt"
ln -s a.txt "$D/link"
ln -s "$D" "$WORK/data.link"
snapshot() {
    (cd "$D" && find . -printf '%p %y %s %m %T@ %l\n' | LC_ALL=C sort &&
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum)
}
snapshot >"$WORK/before"
(cd "$D" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) >"$WORK/sums"

# ---- reading ----
expect "--volume HOST:GUEST: every file reads back the same" 0 "$WORK/sums" /dev/null \
    -V "$D:/data" "$BB" sh -c 'cd /data && find . -type f | LC_ALL=C sort |
        while read -r f; do md5sum "$f"; done'

printf 'alpha\ndeep\n' >"$WORK/want"
expect "--volume HOST (through a symlink): the guest path is HOST's real path" 0 \
    "$WORK/want" /dev/null -V "$WORK/data.link" "$BB" sh -c \
    "cat '$D/link' '$D/sub/deeper/d.txt'"

printf 'alpha\nin odd\ndeep\n' >"$WORK/want"
expect "two shares, one at a new nested path, one with spaces and commas" 0 \
    "$WORK/want" /dev/null -V "$D:/x/y/z:ro" -V "$D/odd name, comma:/o p,q" \
    -V "$D/sub:/x/y/z/sub2" "$BB" sh -c \
    'cat /x/y/z/a.txt "/o p,q/o.txt" /x/y/z/sub2/deeper/d.txt'

# ---- writing: the guest sees its changes, the host never does ----
printf '%s\n' changed 'a.txt' new.txt newdir 'sub gone' >"$WORK/want"
expect "writes, creates, unlinks and mkdir in a share stay in the guest" 0 \
    "$WORK/want" /dev/null -V "$D:/data" "$BB" sh -c \
    'cd /data && echo changed >a.txt && cat a.txt && echo n >new.txt &&
     mkdir newdir && rm -f sub/random.bin link && ls | grep -e txt -e newdir &&
     rm -rf sub && { [ -e sub ] || echo "sub gone"; }'
# A host file mica may not read (mica gives up root's powers, so a 0600
# file of another user is closed to it): open fails as on the host, and a
# read error is never an empty file.
if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    mkdir -p "$WORK/priv" && echo secret >"$WORK/priv/f" &&
        chown nobody "$WORK/priv/f" && chmod 600 "$WORK/priv/f"
    printf 'cat 1\nhead 1\n' >"$WORK/want"
    expect "--volume: a host file the server may not read is EACCES at open" 0 \
        "$WORK/want" /dev/null -V "$WORK/priv:/p" "$BB" sh -c \
        'cat /p/f 2>/dev/null; echo "cat $?"; head -c 3 /p/f 2>/dev/null; echo "head $?"'
    rm -rf "$WORK/priv"
fi
snapshot >"$WORK/after"
if cmp -s "$WORK/before" "$WORK/after"; then
    pass "the host tree is byte for byte what it was"
else
    fail "the host tree changed"
    show_diff "$WORK/before" "$WORK/after" tree before
fi

# ---- unmodified Debian programs from the host's /usr ----
# The issue's headline: python3 with json, sqlite3 and subprocess, its
# standard library and the ls it runs read from the shared /usr.
PY=/usr/bin/python3
if [ -x "$PY" ]; then
    printf '0\n' >"$WORK/want"
    expect "python3 from a shared /usr: json, sqlite3, subprocess running ls" 0 \
        "$WORK/want" /dev/null -V /usr -V /etc "$PY" -c \
        'import json,sqlite3,subprocess; print(subprocess.run(["ls","/"],capture_output=True).returncode)'
    printf 'ALPHA\n' >"$WORK/want"
    expect "python3 reads a file from another share" 0 "$WORK/want" /dev/null \
        -V /usr -V /etc -V "$D:/data" "$PY" -c \
        'print(open("/data/a.txt").read().strip().upper())'
else
    echo "SKIP: python3 checks: no $PY on this host"
fi

# ---- the default host root (what mica run does with the QEMU engine) ----
NOROOT_OPTS=$ENGINE_OPTS
ENGINE_OPTS="--engine qemu"
if [ -x "$PY" ]; then
    printf '0\n' >"$WORK/want"
    expect "default root: python3 with json, sqlite3, subprocess running ls" 0 \
        "$WORK/want" /dev/null "$PY" -c \
        'import json,sqlite3,subprocess; print(subprocess.run(["ls","/"],capture_output=True).returncode)'
fi
expect "default root: /etc/os-release is the host's" 0 /etc/os-release /dev/null \
    "$BB" cat /etc/os-release
printf 'ls: /etc/shadow: No such file or directory\n0\n' >"$WORK/want"
expect "default root: /etc/shadow is hidden (ENOENT, not in the listing)" 0 \
    "$WORK/want" /dev/null "$BB" sh -c 'ls /etc/shadow 2>&1; ls /etc | grep -c "^shadow$"; exit 0'
md5sum /etc/hosts >"$WORK/hosts.before"
printf 'mica-guest-line\n' >"$WORK/want"
expect "default root: the guest writes /etc/hosts" 0 "$WORK/want" /dev/null \
    "$BB" sh -c 'echo mica-guest-line >>/etc/hosts && tail -n 1 /etc/hosts'
if md5sum /etc/hosts | cmp -s - "$WORK/hosts.before"; then
    pass "default root: the host's /etc/hosts is unchanged"
else
    fail "default root: the host's /etc/hosts changed"
fi
mkdir "$WORK/here"
printf 'from the cwd\n' >"$WORK/here/f.txt"
printf '%s\nfrom the cwd\n' "$WORK/here" >"$WORK/want"
HERE=$(pwd)
cd "$WORK/here" || exit 99
expect "default root: the working directory is the host's, its files read back" \
    0 "$WORK/want" /dev/null "$BB" sh -c 'pwd; cat f.txt'
cd "$HERE" || exit 99
# The issue's make check: the host's make builds in the current directory,
# and its outputs stay in the guest, unless the directory is shared rw.
if [ -x /usr/bin/make ]; then
    mkdir "$WORK/proj"
    printf 'all: out.txt\n\tcat out.txt\nout.txt: in.txt\n\ttr a-z A-Z <in.txt >out.txt\n' \
        >"$WORK/proj/Makefile"
    printf 'hello make\n' >"$WORK/proj/in.txt"
    printf 'tr a-z A-Z <in.txt >out.txt\ncat out.txt\nHELLO MAKE\n' >"$WORK/want"
    cd "$WORK/proj" || exit 99
    expect "default root: make builds in the current directory" 0 "$WORK/want" /dev/null \
        /usr/bin/make
    cd "$HERE" || exit 99
    if [ -e "$WORK/proj/out.txt" ]; then
        fail "default root: make's output reached the host"
    else
        pass "default root: make's output stayed in the guest"
    fi
    # ... unless the directory is shared rw: then they land on the host
    cd "$WORK/proj" || exit 99
    expect "default root, -V DIR:DIR:rw: make builds in the current directory" 0 \
        "$WORK/want" /dev/null -V "$WORK/proj:$WORK/proj:rw" /usr/bin/make
    cd "$HERE" || exit 99
    if [ "$(cat "$WORK/proj/out.txt" 2>/dev/null)" = "HELLO MAKE" ]; then
        pass "-V DIR:DIR:rw: make's output is on the host"
    else
        fail "-V DIR:DIR:rw: make's output did not reach the host"
    fi
fi
printf '/srv/app\nmade\n' >"$WORK/want"
expect "-w: the working directory, made in the guest" 0 "$WORK/want" /dev/null \
    -w /srv/app "$BB" sh -c 'pwd; echo made >f; cat f'
[ -e /srv/app ] && fail "-w made a directory on the host" || pass "-w made nothing on the host"
expect "--no-host-root: no /usr/bin/python3 (status 127)" 127 "" /dev/null \
    --no-host-root "$BB" sh -c '/usr/bin/python3 -c pass 2>/dev/null'
ENGINE_OPTS=$NOROOT_OPTS

# ---- what is refused ----
refused() { # refused NAME WANT_IN_MESSAGE mica-args...
    _n=$1 _m=$2
    shift 2
    mica_run "$WORK/m.out" "$WORK/m.err" /dev/null "$@" "$BB" true
    if [ "$status" = 125 ] && [ "$(wc -l <"$WORK/m.err")" = 1 ] &&
        grep -q -- "$_m" "$WORK/m.err"; then
        pass "$_n (status 125, one line)"
    else
        fail "$_n: status $status"
        sed -n '1,5s/^/    mica stderr: /p' "$WORK/m.err"
    fi
}
refused "--volume of a missing directory" "No such file or directory" -V "$WORK/nope:/d"
refused "--volume of a file" "is not a directory" -V "$D/a.txt:/d"
refused "--volume with a relative guest path" "must be absolute" -V "$D:data"
refused "--volume at the guest's /" "must be absolute" -V "$D:/"
refused "--volume twice at one guest path" "already shared" -V "$D:/d" -V "$D/sub:/d"

finish
