#!/bin/sh
# fuzz-scan.sh - a short libFuzzer run over image intake (tests/fuzz-scan.c):
# a fixed number of runs from a seed corpus the target writes itself; any
# crash, leak or undefined behaviour fails, and its input is kept in the build
# folder as tests/fuzz-scan-crash-*.
. "$TOP_SRCDIR/tests/lib.sh"

fuzz="$TOP_BUILDDIR/tests/fuzz-scan"
if [ ! -x "$fuzz" ]; then
    echo "1..0 # SKIP no clang with libFuzzer (apt-get install clang)"
    exit 0
fi
mkdir seeds corpus
FUZZ_SCAN_SEEDS="$WORK/seeds" "$fuzz" >/dev/null 2>&1
ok "the target writes its seed corpus" test "$(ls seeds | wc -l)" -ge 12
# Fixed seed and run count; the time bound only guards a very slow machine.
"$fuzz" -seed=1 -runs=2000 -max_total_time=120 -timeout=30 -rss_limit_mb=3072 \
    -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$TOP_BUILDDIR/tests/fuzz-scan-" corpus seeds > fuzz.log 2>&1
is "$?" 0 "2000 fuzzed inputs: no crash, leak or undefined behaviour"
grep -E "^Done|stat::number_of_executed_units|ERROR|SUMMARY" fuzz.log | sed 's/^/# /'
contains fuzz.log "Done" "libFuzzer finished its runs"
done_testing
