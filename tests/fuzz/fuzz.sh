#!/bin/sh
# fuzz.sh: run each libFuzzer target (tests/fuzz/fuzz_*) over its seeds
# (written by tests/fuzz/mkseeds, regression inputs of fixed bugs among
# them) and then for FUZZ_SECONDS of new inputs (5 by default: the
# `make check` budget; `make fuzz` gives 300). Any crash, leak, sanitizer
# report or failed harness check fails the run; the input that did it is
# kept beside the target as crash-* (libFuzzer's artifact) and its path
# printed. FUZZ_CORPUS=DIR keeps the corpus between runs (make fuzz).
# Exit 77 (skip) when the targets were not built (no clang: configure).
set -u
seconds=${FUZZ_SECONDS:-5}
bindir=tests/fuzz
for t in virtq virtiofs vhost_user console; do
    if [ ! -x "$bindir/fuzz_$t" ]; then
        echo "SKIP: $bindir/fuzz_$t not built (configure found no clang with libFuzzer)"
        exit 77
    fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mica-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
"$bindir/mkseeds" "$work/seeds" || exit 1
passed=0
failed=0
for t in virtq virtiofs vhost_user console; do
    corpus=${FUZZ_CORPUS:+$FUZZ_CORPUS/$t}
    corpus=${corpus:-$work/corpus/$t}
    mkdir -p "$corpus"
    # the seeds alone first: a regression input fails here, by name
    if ! TMPDIR=$work "$bindir/fuzz_$t" -handle_xfsz=0 \
            -artifact_prefix="$bindir/crash-$t-" \
            "$work/seeds/$t"/* >"$work/$t.seeds.log" 2>&1; then
        echo "FAIL: fuzz_$t on its seeds:"
        grep -E 'Running:|ERROR|runtime error|fuzz_|SUMMARY' "$work/$t.seeds.log" | head -20
        failed=$((failed + 1))
        continue
    fi
    # TMPDIR: the virtio-fs target makes its scratch tree there
    if TMPDIR=$work "$bindir/fuzz_$t" -max_total_time="$seconds" \
            -max_len=8192 -timeout=10 -rss_limit_mb=1024 -handle_xfsz=0 \
            -artifact_prefix="$bindir/crash-$t-" -print_final_stats=1 \
            "$corpus" "$work/seeds/$t" >"$work/$t.log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
        echo "PASS: fuzz_$t: ${runs:-?} inputs in ${seconds}s, no crash, leak or sanitizer report"
        passed=$((passed + 1))
    else
        echo "FAIL: fuzz_$t:"
        grep -E 'ERROR|runtime error|fuzz_|SUMMARY|Test unit written' "$work/$t.log" | head -20
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
