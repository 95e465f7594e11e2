#!/bin/sh
# The framekernel contract (DESIGN.md): only guest/core/ is privileged.
# Fails when a service (abi/, guest/drivers/, guest/lib/) contains assembly,
# includes anything but the core API, freestanding and Linux UAPI headers,
# or turns an integer into a pointer; prints the trusted base's size.
set -u
top=${srcdir:-.}
cd "$top" || exit 99
fail=0
services=$(find abi guest/drivers guest/lib -name '*.[chS]' 2>/dev/null | sort)

report() { echo "check-split: $1"; fail=1; }

for f in $services; do
    case $f in *.S) report "$f: assembly outside guest/core/"; continue ;; esac
    # inline assembly (guest/lib/string.c may use rep movsb: it is plain
    # memory copying with no privileged effect; listed here by name)
    if [ "$f" != guest/lib/string.c ] &&
       grep -nE '(__asm__|\basm[[:space:]]*(volatile|goto)?[[:space:]]*\()' "$f" >/dev/null; then
        report "$f: inline assembly outside guest/core/"
    fi
    # <...>: only the core API, guest/lib, the drivers' APIs
    # (guest/include/drivers/), the Linux UAPI and freestanding
    # headers; "...": only a private header beside the file (no path).
    grep -nE '^[[:space:]]*#[[:space:]]*include' "$f" | while IFS= read -r line; do
        inc=$(echo "$line" | sed -E 's/.*include[[:space:]]*([<"][^>"]*[>"]).*/\1/')
        case $inc in
            \<core/*|\<lib/*|\<drivers/*|\<linux/*|\<asm/*|\<asm-generic/*|\<mica/*) ;;
            \<stdint.h\>|\<stddef.h\>|\<stdbool.h\>|\<stdarg.h\>|\<stdalign.h\>|\<stdnoreturn.h\>|\<limits.h\>) ;;
            \"*/*) echo "check-split: $f: include with a path $inc"; echo x >> "${TMPDIR:-/tmp}/check-split.$$" ;;
            \"*) ;;
            *) echo "check-split: $f: forbidden include $inc"; echo x >> "${TMPDIR:-/tmp}/check-split.$$" ;;
        esac
    done
    # integer -> pointer casts: "(type *)" applied to an integer expression
    if grep -nE '\((const )?(volatile )?[a-z_0-9]+ ?\*\)[[:space:]]*\(?[[:space:]]*(0x[0-9a-fA-F]+|[0-9]+|[a-z_0-9.>-]*(addr|pa|phys|gpa)\b)' "$f" >/dev/null; then
        report "$f: integer-to-pointer cast (only guest/core/ may do that)"
    fi
    # private core headers
    if grep -nE '#[[:space:]]*include[[:space:]]*"[^"]*core/' "$f" >/dev/null; then
        report "$f: includes a private core header"
    fi
done
if [ -f "${TMPDIR:-/tmp}/check-split.$$" ]; then
    rm -f "${TMPDIR:-/tmp}/check-split.$$"
    fail=1
fi
# symbols: services may call only core_* API functions (checked on the
# object files when they exist in the build tree)
objdir=${builddir:-.}/guest-obj
if [ -d "$objdir/guest/core" ] && command -v nm >/dev/null; then
    api=$(find "$objdir/guest/core" -name '*.o' -exec nm -g --defined-only {} + |
          awk '{print $3}' | sort -u)
    for o in $(find "$objdir/abi" "$objdir/guest/drivers" -name '*.o' 2>/dev/null); do
        for sym in $(nm -u "$o" | awk '{print $2}'); do
            if echo "$api" | grep -qx "$sym"; then
                case $sym in
                    core_*|service_main) ;;
                    *) report "$o: uses core internal symbol $sym" ;;
                esac
            fi
        done
    done
fi
core_lines=$(cat $(find guest/core guest/include/core -name '*.[chS]') | wc -l)
all_lines=$(cat $(find guest abi -name '*.[chS]') | wc -l)
echo "check-split: trusted base guest/core = $core_lines of $all_lines guest kernel lines"
[ $fail -eq 0 ] && echo "check-split: framekernel split holds"
exit $fail
