#!/bin/sh
# overlay.sh: programs and writes on a host-shared tree, in the guest.
# A host directory holding a static busybox, a "#!" script, a dynamic
# program with its ld.so and libc, and some data is served by virtiofsd
# through the QEMU engine's hook (MICA_TEST_VIRTIOFS=DIR:TAG). In mica:
# the static program and the script run from the share; the dynamic one
# runs with ld.so and libc mapped from the share; then an overlay
# (mount -t overlay none /mnt -o lowerdir=/lower) takes creates, writes,
# renames, unlinks, chmod and mkdir, which the guest must see; and the
# host tree must be byte for byte, mode for mode, what it was. Needs
# QEMU, virtiofsd, busybox-static, and root (virtiofsd's sandbox).
# virtiofsd writes whatever it is asked to: the share is mounted -o ro.
: "${MICA_TEST_TIMEOUT:=90}"
. "${srcdir:-.}/tests/system/lib.sh"

need_busybox
need_virtiofsd
mica_setup

# ---- the shared tree ----
T=$WORK/share
mkdir -p "$T/bin" "$T/data/deep" "$T/dir/sub"
cp "$BB" "$T/bin/busybox"
printf '#!/mnt/bin/busybox sh\necho "script $0 arg=$1"\n' >"$T/bin/script.sh"
chmod 755 "$T/bin/script.sh"
printf 'not executable\n' >"$T/bin/noexec"
chmod 644 "$T/bin/noexec"
printf 'alpha\n' >"$T/data/a.txt"
printf 'bravo\n' >"$T/data/b.txt"
printf 'charlie\n' >"$T/c.txt"
head -c 100000 /dev/urandom >"$T/data/deep/random.bin"
printf 'x\n' >"$T/dir/sub/x"
DYN=${srcdir:-.}/tests/abi/dyn_hello.dyn
LDSO=/lib64/ld-linux-x86-64.so.2
LIBC=$(ldd "$DYN" 2>/dev/null | sed -n 's/.*libc.so.6 => \([^ ]*\) .*/\1/p')
have_dyn=
if [ -f "$DYN" ] && [ -e "$LDSO" ] && [ -n "$LIBC" ]; then
    mkdir -p "$T$(dirname "$LDSO")" "$T$(dirname "$LIBC")"
    cp -L "$LDSO" "$T$LDSO"
    cp -L "$LIBC" "$T$LIBC"
    cp "$DYN" "$T/bin/dyn_hello"
    have_dyn=1
fi
snapshot() {
    (cd "$T" && find . -printf '%p %y %s %m %T@ %l\n' | LC_ALL=C sort &&
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum)
}
snapshot >"$WORK/before"
export MICA_TEST_VIRTIOFS="$T:share"

# ---- programs from the share ----
printf '%s\n' 'static ok' 'script /mnt/bin/script.sh arg=one' 'nested ok' \
    'sh: /mnt/bin/noexec: Permission denied' >"$WORK/want"
expect "a static program and a #! script run from virtio-fs" 0 "$WORK/want" /dev/null \
    "$BB" sh -c 'mkdir -p /mnt && mount -t virtiofs -o ro share /mnt &&
     /mnt/bin/busybox echo static ok && /mnt/bin/script.sh one &&
     /mnt/bin/busybox sh -c "echo nested ok" && { /mnt/bin/noexec 2>&1; true; }'

if [ -n "$have_dyn" ]; then
    # /proc/PID/maps names files by searching tmpfs: not virtio-fs ones
    "$DYN" 2>/dev/null | grep -v '^maps shows' >"$WORK/want"
    expect "a dynamic program with ld.so and libc mapped from virtio-fs" 0 "$WORK/want" \
        /dev/null "$BB" sh -c "mkdir -p /mnt && mount -t virtiofs -o ro share /mnt &&
         mkdir -p $(dirname "$LDSO") $(dirname "$LIBC") &&
         ln -s /mnt$LDSO $LDSO && ln -s /mnt$LIBC $LIBC && /mnt/bin/dyn_hello |
         grep -v '^maps shows'"
else
    echo "note: no dynamic program or its libraries here: that case not run"
fi

# ---- writes in an overlay over the share ----
printf '%s\n' 'none /mnt overlay rw,relatime 0 0' alpha more a.txt b2.txt deep new new \
    'a.txt 600' '. .. bin c2.txt data newdir newfile s2' 'script ./s2 arg=two' \
    "rm: can't remove '/lower/c.txt': Read-only file system" >"$WORK/want"
expect "creates, writes, renames, unlinks in an overlay on the share" 0 "$WORK/want" \
    /dev/null "$BB" sh -c 'mkdir -p /lower /mnt && mount -t virtiofs -o ro share /lower &&
     mount -t overlay none /mnt -o lowerdir=/lower && grep overlay /proc/mounts &&
     cd /mnt && echo more >>data/a.txt && cat data/a.txt &&
     mv data/b.txt data/b2.txt && rm data/deep/random.bin && echo new >data/deep/new &&
     ls data && ls data/deep && cat data/deep/new && chmod 600 data/a.txt &&
     stat -c "%n %a" data/a.txt | sed "s,.*/,," &&
     rm -r dir && mv c.txt c2.txt && mkdir newdir && echo n >newfile &&
     rm -rf lib lib64 bin/dyn_hello && mv bin/script.sh s2 &&
     ls -a /mnt | tr "\n" " " | sed "s/ $//" && echo && ./s2 two &&
     { rm /lower/c.txt 2>&1; true; }'

snapshot >"$WORK/after"
if cmp -s "$WORK/before" "$WORK/after"; then
    pass "the shared tree on the host is unchanged ($(wc -l <"$WORK/before") entries and sums)"
else
    fail "the shared tree changed on the host"
    show_diff "$WORK/before" "$WORK/after" tree
fi
unset MICA_TEST_VIRTIOFS
finish
