#!/bin/sh
# Proves tools/check-split.sh catches each kind of breach: a service with
# inline assembly, a forbidden include, a path include into the core, an
# integer-to-pointer cast; and that a clean service passes.
set -u
checker=${srcdir:-.}/tools/check-split.sh
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/abi" "$tmp/guest/core" "$tmp/guest/include/core" "$tmp/guest/lib"
echo 'int core_x;' > "$tmp/guest/core/x.c"
fails=0
expect() { # expect pass|fail "content" "what"
    printf '%s\n' "$2" > "$tmp/abi/t.c"
    if (srcdir="$tmp" builddir="$tmp" sh "$checker" >/dev/null 2>&1); then got=pass; else got=fail; fi
    if [ "$got" = "$1" ]; then echo "PASS: $3"; else echo "FAIL: $3 (got $got)"; fails=$((fails + 1)); fi
}
expect pass '#include <core/mem.h>
#include <linux/stat.h>
#include <asm/unistd.h>
#include "abi_int.h"
int f(void) { return 0; }' "clean service"
expect fail 'void f(void) { __asm__ volatile("cli"); }' "inline assembly"
expect fail 'void f(void) { asm("hlt"); }' "plain asm()"
expect fail '#include <stdio.h>' "libc header"
expect fail '#include "../guest/core/core_int.h"' "private core header"
expect fail 'int *p = (int *)0xb8000;' "integer-to-pointer cast"
printf '.text\n' > "$tmp/abi/t.S"
expect fail 'int x;' "assembly file in a service"
rm -f "$tmp/abi/t.S"
echo "$((7 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
