#!/bin/sh
# escape.sh: no guest action changes the host outside rw shares.
# A host tree holds a share (files of several modes, a directory, a big
# file, symlinks pointing out of it: "..", relative and absolute ones to
# a canary directory beside it, one to /etc) and the canary. A hostile
# busybox script writes, appends, creates, truncates, renames (within and
# out of the share), unlinks, chmods, touches, hard-links, makes symlinks
# to /etc and to the canary and writes through them, walks ".." and
# follows every symlink, in turn on:
#   - the default host root, started in the share (the current directory
#     and /etc, /usr shared read-only under the overlay);
#   - the share given with -V DIR:/mnt (read-only);
#   - the share as the root (--root DIR);
#   - the share given with -V DIR:/mnt:rw, where the share itself may
#     change but the canary and the host's /etc may not.
# After each run a manifest of the whole tree (path, type, size, mode,
# mtime, ctime, link target and sha256 of every file) and of a few host
# files under /etc and /usr must be what it was before, byte for byte.
: "${MICA_TEST_TIMEOUT:=90}"
. "${srcdir:-.}/tests/system/lib.sh"

need_busybox
mica_setup
[ "$ENGINE" = qemu ] || skip "host shares need the QEMU engine"

H=$WORK/host
S=$H/share
C=$H/canary
mktree() {
    rm -rf "$H" && mkdir -p "$S/dir/sub" "$C" &&
        printf 'plain\n' >"$S/f" && printf 'read-only\n' >"$S/ro" && chmod 444 "$S/ro" &&
        printf 'private\n' >"$S/priv" && chmod 600 "$S/priv" &&
        head -c 100000 /dev/urandom >"$S/big" && printf 'deep\n' >"$S/dir/sub/d" &&
        cp "$BB" "$S/busybox" && printf 'canary\n' >"$C/c" && chmod 644 "$C/c" &&
        ln -s .. "$S/up" && ln -s ../canary "$S/rel_canary" && ln -s "$C" "$S/abs_canary" &&
        ln -s "$C/c" "$S/abs_canary_file" && ln -s /etc "$S/etc_link" &&
        ln -s ../../../../../../../../.. "$S/far_up"
}

HOST_FILES="/etc/passwd /etc/hostname /etc/hosts /usr/bin/env"
manifest() { # manifest TREE...: everything that a change would show
    for _t in "$@"; do
        find "$_t" -printf '%p %y %s %m %T@ %C@ %n %l\n' | LC_ALL=C sort
        find "$_t" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    done
    for _f in $HOST_FILES; do
        [ -e "$_f" ] && stat -c '%n %s %a %Y %Z %h' "$_f" && sha256sum "$_f"
    done
    stat -c '%n %Y %Z %h' /etc /usr/bin
}

# The attack, on the share seen at $1 in the guest. Every step may fail;
# none may reach the host.
ATTACK='T=$1
cd "$T" 2>/dev/null
echo x >"$T/f"; echo x >>"$T/f"; echo x >>"$T/ro"; : >"$T/new"; mkdir "$T/newdir"
truncate -s 0 "$T/big"; printf ZZ | dd of="$T/big" bs=1 seek=9 conv=notrunc
chmod 777 "$T/f" "$T/ro" "$T/dir"; chmod 000 "$T/priv"; touch -d "2000-01-01" "$T/f" "$T/dir"
mv "$T/f" "$T/g"; mv "$T/dir" "$T/dir2"; mv "$T/g" "$T/../moved_out"; mv "$T/ro" /tmp/ro
rm "$T/priv"; rm -rf "$T/dir2" "$T/dir"; rm "$T/up" "$T/etc_link"; ln "$T/big" "$T/hard"
echo x >"$T/up/canary/c"; echo x >"$T/../canary/c"; echo x >"$T/rel_canary/c"
echo x >"$T/abs_canary/c"; echo x >"$T/abs_canary_file"; echo x >>"$T/abs_canary_file"
chmod 777 "$T/abs_canary_file" "$T/rel_canary/c"; truncate -s 0 "$T/rel_canary/c"
rm "$T/rel_canary/c" "$T/abs_canary/c"; touch "$T/abs_canary/new"; mkdir "$T/rel_canary/new"
echo x >"$T/etc_link/passwd"; echo x >>"$T/etc_link/hosts"; rm "$T/etc_link/hostname"
echo x >"$T/far_up/etc/passwd"; echo x >"$T/far_up$T/../canary/c"
echo x >"$T/far_up/usr/bin/env"; chmod 777 "$T/far_up/usr/bin/env"
ln -s /etc "$T/evil"; echo x >"$T/evil/passwd"; echo x >>"$T/evil/hosts"
ln -s ../canary "$T/evil2"; echo x >"$T/evil2/c"; echo x >"$T/evil2/made"
ln -s / "$T/root_link"; echo x >"$T/root_link/etc/passwd"; rm "$T/root_link/usr/bin/env"
cd "$T/up" && echo x >canary/c; cd "$T/.." && echo x >canary/c
[ -e "$T/new" ] && [ -d "$T/newdir" ] && [ -L "$T/evil" ] && [ ! -e "$T/priv" ] &&
    [ "$(wc -c <"$T/big")" = 11 ] && echo "changed in the guest"
cd /; rm -rf "$T"/* ; mv "$T" "$T.gone"; rmdir "$T"
echo x >/etc/passwd; rm /etc/hostname; chmod 777 /usr/bin/env; echo x >>/usr/bin/env
exit 0'

# run_attack NAME GUEST_PATH [mica args]: the attack, then the manifests.
run_attack() {
    _name=$1 _gp=$2
    shift 2
    mica_run "$WORK/m.out" "$WORK/m.err" /dev/null "$@" "${PROG:-$BB}" sh -c "$ATTACK" sh "$_gp"
    _st=$status
    manifest "$H" >"$WORK/after" 2>&1
    if [ "$_st" != 0 ] || ! grep -qx "changed in the guest" "$WORK/m.out"; then
        fail "$_name: the attack did not run to its end (status $_st) or changed nothing"
        sed -n '1,5s/^/    mica stderr: /p' "$WORK/m.err"
    elif cmp -s "$WORK/before" "$WORK/after"; then
        pass "$_name: the host tree and host files are unchanged ($(wc -l <"$WORK/before") manifest lines)"
    else
        fail "$_name: the host changed"
        show_diff "$WORK/before" "$WORK/after" host before
    fi
}

mktree
manifest "$H" >"$WORK/before"
here=$(pwd)
cd "$S" && run_attack "default host root, in the share" "$S" --host-root
cd "$here" || exit 99
mktree
manifest "$H" >"$WORK/before"
run_attack "-V share:/mnt (read-only)" /mnt -V "$S:/mnt"
run_attack "-V share:/mnt:ro, from the host root" /mnt --host-root -V "$S:/mnt:ro"
PROG=/busybox run_attack "--root share" / --root "$S"

# ---- an rw share may change; the canary and the host's /etc may not ----
mktree
manifest "$C" >"$WORK/before"
run_attack_rw() {
    _name=$1
    shift
    mica_run "$WORK/m.out" "$WORK/m.err" /dev/null "$@" "$BB" sh -c "$ATTACK" sh /mnt
    _st=$status
    manifest "$C" >"$WORK/after" 2>&1
    if [ "$_st" = 0 ] && grep -qx "changed in the guest" "$WORK/m.out" &&
        cmp -s "$WORK/before" "$WORK/after"; then
        pass "$_name: the canary beside the share and the host's /etc are unchanged"
    else
        fail "$_name: status $_st, or the canary or host files changed"
        show_diff "$WORK/before" "$WORK/after" host before
    fi
}
run_attack_rw "-V share:/mnt:rw" -V "$S:/mnt:rw"
if [ ! -e "$S/f" ] && [ ! -e "$S/busybox" ]; then
    pass "-V share:/mnt:rw: the attack's changes did reach the share itself"
else
    fail "-V share:/mnt:rw: the share was not changed: the rw attack proves nothing"
fi
mktree
manifest "$C" >"$WORK/before"
run_attack_rw "-V share:/mnt:rw under the host root" --host-root -V "$S:/mnt:rw"
finish
