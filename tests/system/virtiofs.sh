#!/bin/sh
# virtiofs.sh: the guest's virtio-fs client against an independent server.
# A directory tree made here (files of many sizes, some over 1 MiB, nested
# directories, symlinks) is served by QEMU's virtiofsd through the QEMU
# engine's test hook (MICA_TEST_VIRTIOFS=DIR:TAG); a static busybox lists,
# stats, checksums and reads it in mica, and the same script runs on the
# host over the tree itself: the outputs must match. Then mount, umount
# and a tag that does not exist, against known answers; and no virtiofsd
# may outlive mica. The tree is read through virtiofsd and through mica's
# own server (MICA_TEST_VIRTIOFS_SERVER=mica), which alone also gets
# escape attempts (symlinks out, ..), odd names, and the world-readable
# filter (MICA_TEST_VIRTIOFS_FILTER=world_readable). Needs QEMU, virtiofsd, busybox-static, and root
# (virtiofsd sandboxes itself in namespaces).
: "${MICA_TEST_TIMEOUT:=60}"
. "${srcdir:-.}/tests/system/lib.sh"

need_busybox
need_virtiofsd
mica_setup

# ---- the tree ----
T=$WORK/tree
mkdir -p "$T/sub/dir/deep" "$T/empty_dir" "$T/big"
: >"$T/empty"
printf 'hello\n' >"$T/hello.txt"
printf 'deep down\n' >"$T/sub/dir/deep/file"
for n in 1 4095 4096 4097 65536 131071 131072 131073 200000; do
    head -c "$n" /dev/urandom >"$T/sub/size_$n"
done
head -c 1572864 /dev/urandom >"$T/big/one_and_half_mib"
head -c 3145731 /dev/urandom >"$T/big/three_mib_and_3"
ln -s hello.txt "$T/link_rel"
ln -s ../../hello.txt "$T/sub/dir/link_up"
ln -s /nonexistent/absolute "$T/dangling_abs"
ln -s sub/dir "$T/link_dir"
printf 'spaces\n' >"$T/sub/with space.txt"

SCRIPT='find . | sort
find . | sort | while read -r f; do stat -c "%n %s %F %a %h %i" "$f"; done
find . -type f | sort | while read -r f; do md5sum "$f"; done
cat big/three_mib_and_3 | wc -c
dd if=big/one_and_half_mib bs=4096 skip=100 count=3 2>/dev/null | md5sum
dd if=big/three_mib_and_3 bs=1000 skip=1001 count=7 2>/dev/null | md5sum
readlink link_rel sub/dir/link_up dangling_abs link_dir
cat link_rel sub/dir/link_up link_dir/deep/file
ls link_dir/
cat missing 2>&1
ls -a empty_dir
cat "sub/with space.txt"'

host_run "$WORK/h.out" "$WORK/h.err" /dev/null "$BB" sh -c "cd '$T' && $SCRIPT"
hs=$status
export MICA_TEST_VIRTIOFS="$T:micatest"
for server in virtiofsd mica; do
    export MICA_TEST_VIRTIOFS_SERVER=$server
    mica_run "$WORK/m.out" "$WORK/m.err" /dev/null "$BB" sh -c \
        "mkdir -p /mnt && mount -t virtiofs -o ro micatest /mnt && cd /mnt && $SCRIPT"
    ms=$status
    why=
    [ "$hs" = "$ms" ] || why="status host $hs, mica $ms;"
    cmp -s "$WORK/h.out" "$WORK/m.out" || why="$why stdout differs;"
    cmp -s "$WORK/h.err" "$WORK/m.err" || why="$why stderr differs;"
    if [ -z "$why" ]; then
        pass "$server: tree listed, stat'ed, read and checksummed as on the host ($(wc -l <"$WORK/h.out") lines)"
    else
        fail "$server: tree: $why"
        show_diff "$WORK/h.out" "$WORK/m.out" stdout
        show_diff "$WORK/h.err" "$WORK/m.err" stderr
    fi
done
unset MICA_TEST_VIRTIOFS_SERVER

# ---- mount, /proc/mounts, statfs, umount, a second mount, a wrong tag ----
cat >"$WORK/want" <<'EOF'
micatest /mnt virtiofs ro,relatime 0 0
65735546
hello
unmounted
hello
umount again
mount: mounting nosuchtag on /mnt failed: Invalid argument
EOF
expect "mount, umount, mount again, wrong tag" 255 "$WORK/want" /dev/null "$BB" sh -c \
    'mkdir -p /mnt && mount -t virtiofs -o ro micatest /mnt && grep virtiofs /proc/mounts &&
     stat -f -c %t /mnt && cat /mnt/hello.txt && umount /mnt && echo unmounted &&
     mount -t virtiofs -o ro micatest /mnt && cat /mnt/hello.txt && umount /mnt &&
     echo umount again && mount -t virtiofs -o ro nosuchtag /mnt 2>&1'

# ---- a file held open keeps the mount busy ----
cat >"$WORK/want" <<'EOF'
umount: can't unmount /mnt: Device or resource busy
hello
EOF
expect "umount of a busy mount is EBUSY" 0 "$WORK/want" /dev/null "$BB" sh -c \
    'mkdir -p /mnt && mount -t virtiofs -o ro micatest /mnt && exec 3</mnt/hello.txt &&
     umount /mnt 2>&1; cat <&3'

# ---- mica's server only: escapes, odd names, the world-readable filter ----
# A symlink to /etc/passwd is a guest-side symlink (the guest has no
# /etc/passwd); ".." at the share's root stays in the guest; a walk
# through a symlink pointing far up reads nothing of the host.
E=$WORK/esc
mkdir -p "$E/d"
printf 'inside\n' >"$E/d/f"
ln -s /etc/passwd "$E/passwd_link"
ln -s ../../../../../../../../etc "$E/d/up"
printf 'secret\n' >"$E/secret"
chmod 600 "$E/secret"
mkdir "$E/closed" && printf 'x\n' >"$E/closed/f" && chmod 700 "$E/closed"
printf 'odd\n' >"$E/$(printf 'nl\nname')"
printf 'long\n' >"$E/$(printf '%0255d' 7)"
export MICA_TEST_VIRTIOFS="$E:esc" MICA_TEST_VIRTIOFS_SERVER=mica
cat >"$WORK/want" <<'EOF'
/etc/passwd
cat: can't open '/mnt/passwd_link': No such file or directory
cat: can't open '/mnt/d/up/passwd': No such file or directory
inside
inside
secret
odd
long
EOF
expect "mica: symlinks and .. stay in the guest; odd names" 0 "$WORK/want" /dev/null "$BB" sh -c \
    'mkdir -p /mnt && mount -t virtiofs -o ro esc /mnt && readlink /mnt/passwd_link;
     cat /mnt/passwd_link 2>&1; cat /mnt/d/up/passwd 2>&1;
     cat /mnt/../mnt/d/f; cd /mnt/d && cat ../../../mnt/d/f && cat /mnt/secret &&
     cat /mnt/nl*name && cat /mnt/0000*7'
cat >"$WORK/want" <<'EOF'
cat: can't open '/mnt/secret': No such file or directory
cat: can't open '/mnt/closed/f': No such file or directory
d
nl?name
passwd_link
EOF
export MICA_TEST_VIRTIOFS_FILTER=world_readable
expect "mica: world_readable hides a 0600 file and a 0700 directory" 0 "$WORK/want" /dev/null "$BB" sh -c \
    'mkdir -p /mnt && mount -t virtiofs -o ro esc /mnt;
     cat /mnt/secret 2>&1; cat /mnt/closed/f 2>&1; ls /mnt | grep -v 0000'
unset MICA_TEST_VIRTIOFS_FILTER MICA_TEST_VIRTIOFS_SERVER
export MICA_TEST_VIRTIOFS="$T:micatest"

# ---- no server left behind ----
sleep 1
if pgrep -f -- "source=$T" >/dev/null 2>&1; then
    fail "a virtiofsd for $T outlived mica"
else
    pass "no virtiofsd outlives mica"
fi
unset MICA_TEST_VIRTIOFS
finish
