#!/bin/sh
# rwshare.sh: shares mounted read-write write through to the host.
# One busybox script (create, write past 128 KiB, append, overwrite in
# place, mkdir, rename over a file and across directories, hard and
# symbolic links, chmod, utimes, truncate, unlink, rmdir of a full and an
# empty directory, sed -i, statfs) runs on the host in one copy of a tree
# and in mica in another, shared with -V DIR:/mnt:rw: stdout, stderr and
# status must match, and so must the two trees afterwards (names, types,
# sizes, modes, link counts, link targets, contents, mtimes that were
# set). The guest client runs against mica's own server (-V ...:rw, and
# the test hook with MICA_TEST_VIRTIOFS_WRITABLE=1) and, as root with
# Debian's virtiofsd, against it. Then: a read-only share and the test
# hook's read-only server refuse changes with EROFS; tests/abi/shares.c
# (rename flags, O_CREAT of a 0444 file, O_TRUNC, O_APPEND, pwrite,
# ftruncate, fsync, fallocate, utimensat, statfs, MAP_PRIVATE) gives the
# host's output and tree on both servers; and MAP_SHARED writes on an rw
# share are refused (ENODEV) while MAP_PRIVATE works.
: "${MICA_TEST_TIMEOUT:=90}"
. "${srcdir:-.}/tests/system/lib.sh"

need_busybox
mica_setup
[ "$ENGINE" = qemu ] || skip "host shares need the QEMU engine"

SCRIPT='export TZ=UTC
echo data >f1; printf abc >>f1; cat f1
i=0; while [ $i -lt 3000 ]; do echo "line $i of a file that is well over 128 KiB"; i=$((i+1)); done >big
wc -c big; md5sum big
printf ZZ | dd of=big bs=1 seek=5 conv=notrunc 2>/dev/null; head -c 12 big; echo
mkdir -p d1/d2; echo deep >d1/d2/f
mv f1 d1/f1moved; ls d1
ln -s ../big d1/lnk; wc -c <d1/lnk; readlink d1/lnk
ln d1/f1moved hardl; stat -c "%h" hardl d1/f1moved
chmod 640 hardl; stat -c "%a" d1/f1moved
truncate -s 2 hardl; cat d1/f1moved; echo
touch -d "2001-02-03 04:05:06" big; stat -c "%Y" big
rm hardl; stat -c "%h" d1/f1moved
rmdir d1 2>&1
rm -r d1/d2; ls d1
mkdir e; mv e e2; echo x >e2/y; rmdir e2 2>&1; rm e2/y; rmdir e2; ls
echo over >o1; echo old >o2; mv o1 o2; cat o2; cat o1 2>&1
echo aaaa >c; cat c; echo bb >c; cat c; echo 1 >>c; echo 2 >>c; cat c
sed -i s/bb/cc/ c; cat c
truncate -s 100000 c; wc -c <c
mv big d1/big; mv d1/big big; md5sum big
mkdir m; touch m/a m/b; mv m/a m/b; ls m; rm -rf m
stat -f -c "%l" .
ls -a'

# A tree to start from, copied for each run.
mktree() {
    rm -rf "$1" && mkdir -p "$1/keep" && printf 'kept\n' >"$1/keep/k" &&
        ln -s keep/k "$1/klink"
}

# What a tree holds, for comparison: mtimes only of what the script set.
manifest() {
    (cd "$1" && find . -printf '%p %y %s %m %n %l\n' | sort &&
        find . -type f | sort | xargs md5sum && { [ ! -e big ] || stat -c '%n %Y' big; })
}

host_tree=$WORK/host_tree
mktree "$host_tree"
host_run "$WORK/h.out" "$WORK/h.err" /dev/null "$BB" sh -c "cd '$host_tree' && $SCRIPT"
hs=$status
manifest "$host_tree" >"$WORK/h.man"

# check_rw NAME TREE [mica args]: the script in mica on TREE, then compared.
check_rw() {
    _name=$1 _tree=$2
    shift 2
    mica_run "$WORK/m.out" "$WORK/m.err" /dev/null "$@" "$BB" sh -c "cd /mnt && $SCRIPT"
    ms=$status
    manifest "$_tree" >"$WORK/m.man" 2>&1
    why=
    [ "$hs" = "$ms" ] || why="status host $hs, mica $ms;"
    cmp -s "$WORK/h.out" "$WORK/m.out" || why="$why stdout differs;"
    grep -v '^mica: ' "$WORK/m.err" >"$WORK/m.err2"
    cmp -s "$WORK/h.err" "$WORK/m.err2" || why="$why stderr differs;"
    cmp -s "$WORK/h.man" "$WORK/m.man" || why="$why the host trees differ;"
    if [ -z "$why" ]; then
        pass "$_name: the script's output and the tree it leaves match the host's ($(wc -l <"$WORK/h.man") manifest lines)"
    else
        fail "$_name: $why"
        show_diff "$WORK/h.out" "$WORK/m.out" stdout
        show_diff "$WORK/h.err" "$WORK/m.err2" stderr
        show_diff "$WORK/h.man" "$WORK/m.man" tree
    fi
}

T=$WORK/mica_tree
mktree "$T"
check_rw "mica's server, -V :rw" "$T" -V "$T:/mnt:rw"

mktree "$T"
MICA_TEST_VIRTIOFS="$T:rwtest" MICA_TEST_VIRTIOFS_SERVER=mica MICA_TEST_VIRTIOFS_WRITABLE=1 \
    check_rw "mica's server, test hook, writable" "$T" "$BB" sh -c \
    'mkdir -p /mnt && mount -t virtiofs rwtest /mnt && exec "$@"' sh
have_virtiofsd=
if [ "$(id -u)" = 0 ] && [ -x "${MICA_VIRTIOFSD:-/usr/lib/qemu/virtiofsd}" ]; then
    have_virtiofsd=1
    mktree "$T"
    MICA_TEST_VIRTIOFS="$T:rwtest" MICA_TEST_VIRTIOFS_SERVER=virtiofsd \
        check_rw "virtiofsd" "$T" "$BB" sh -c \
        'mkdir -p /mnt && mount -t virtiofs rwtest /mnt && exec "$@"' sh
else
    echo "SKIP: virtiofsd: needs root and /usr/lib/qemu/virtiofsd"
fi

# ---- a read-only server refuses, whatever the guest mounted ----
mktree "$T"
manifest "$T" >"$WORK/before"
cat >"$WORK/want" <<'EOF'
sh: can't create /mnt/new: Read-only file system
mkdir: can't create directory '/mnt/d': Read-only file system
rm: can't remove '/mnt/keep/k': Read-only file system
chmod: /mnt/keep/k: Read-only file system
sh: can't create /mnt/keep/k: Read-only file system
EOF
MICA_TEST_VIRTIOFS="$T:rotest" MICA_TEST_VIRTIOFS_SERVER=mica \
    expect "a read-only server answers EROFS to an rw mount" 0 "$WORK/want" /dev/null "$BB" sh -c \
    'mkdir -p /mnt && mount -t virtiofs rotest /mnt || exit 9
     (echo x >/mnt/new; mkdir /mnt/d; rm /mnt/keep/k; chmod 777 /mnt/keep/k;
      echo x >>/mnt/keep/k) 2>&1; exit 0'
manifest "$T" >"$WORK/after"
if cmp -s "$WORK/before" "$WORK/after"; then
    pass "the read-only share's tree is unchanged"
else
    fail "the read-only share's tree changed"
    show_diff "$WORK/before" "$WORK/after" tree before
fi

# ---- what a C program does on an rw share, against the host ----
P=$(pwd)/tests/abi/shares.glibc
if [ -x "$P" ]; then
    rm -rf "$WORK/hc" && mkdir -p "$WORK/hc"
    host_run "$WORK/h.out" "$WORK/h.err" /dev/null "$P" ops "$WORK/hc"
    hs=$status
    (cd "$WORK/hc" && find . -printf '%p %y %s %m %n\n' | sort) >"$WORK/h.man"
    # check_ops NAME [mica args]: the program on /mnt, against the host's run
    check_ops() {
        _name=$1
        shift
        rm -rf "$T" && mkdir -p "$T"
        mica_run "$WORK/m.out" "$WORK/m.err" /dev/null "$@" "${GUEST_P:-$P}" ops /mnt
        why=
        [ "$hs" = "$status" ] || why="status host $hs, mica $status;"
        cmp -s "$WORK/h.out" "$WORK/m.out" || why="$why stdout differs;"
        (cd "$T" && find . -printf '%p %y %s %m %n\n' | sort) >"$WORK/m.man"
        cmp -s "$WORK/h.man" "$WORK/m.man" || why="$why the trees differ;"
        if [ -z "$why" ]; then
            pass "$_name: rename flags, O_CREAT 0444, O_TRUNC, O_APPEND, pwrite, ftruncate, fsync, fallocate, utimensat, statfs, MAP_PRIVATE as on the host"
        else
            fail "$_name: $why"
            show_diff "$WORK/h.out" "$WORK/m.out" stdout
            show_diff "$WORK/h.man" "$WORK/m.man" tree
            sed -n '1,5s/^/    mica stderr: /p' "$WORK/m.err"
        fi
    }
    check_ops "shares ops, mica's server" -V "$T:/mnt:rw"
    if [ -n "$have_virtiofsd" ]; then
        GUEST_P=/abi/$(basename "$P") MICA_TEST_VIRTIOFS="$T:rwtest" \
            MICA_TEST_VIRTIOFS_SERVER=virtiofsd check_ops "shares ops, virtiofsd" \
            -V "$(dirname "$P"):/abi" "$BB" sh -c \
            'mkdir -p /mnt && mount -t virtiofs rwtest /mnt && exec "$@"' sh
    fi
    rm -rf "$T" && mkdir -p "$T"
    printf 'file contents\n' >"$T/mapped"
    cat >"$WORK/want" <<'EOF'
private: File contents
shared write: ENODEV
shared read: mapped
/mnt/mapped: "file contents
"
EOF
    expect "mmap on an rw share: MAP_PRIVATE works, MAP_SHARED writable is ENODEV" 0 \
        "$WORK/want" /dev/null -V "$T:/mnt:rw" "$P" mmap /mnt/mapped
    # a link removed behind the guest's back (through a second share of
    # the same directory): the cached name goes with the freed node
    rm -rf "$T" && mkdir -p "$T"
    cat >"$WORK/want" <<'EOF'
links 2
unlink(b_y) = 0
chmod(a_x, 0600) = 0
unlink(a_x) = 0
stat(a_y, &st) = -1 ENOENT
open(a_y, O_RDONLY) = -1 ENOENT
stat(a_x, &st) = -1 ENOENT
EOF
    expect "a name cached for a node the guest freed is forgotten with it" 0 \
        "$WORK/want" /dev/null -V "$T:/a:rw" -V "$T:/b:rw" "$P" links /a /b
fi
finish
