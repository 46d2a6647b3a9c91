#!/bin/sh
# fuzz-web-lf.sh - a short libFuzzer run over the web server's request parsers
# (tests/fuzz-web.c over viewer/parse.c): a fixed number of runs from the
# seed corpus the target writes itself; any crash, broken rule, leak or
# undefined behaviour fails, and its input is kept in the build folder as
# tests/fuzz-web-crash-*.
. "$TOP_SRCDIR/tests/lib.sh"

fuzz="$TOP_BUILDDIR/tests/fuzz-web-lf"
if [ ! -x "$fuzz" ]; then
    echo "1..0 # SKIP no clang with libFuzzer (apt-get install clang)"
    exit 0
fi
mkdir seeds corpus
FUZZ_WEB_SEEDS="$WORK/seeds" "$fuzz" >/dev/null 2>&1
ok "the target writes its seed corpus" test "$(ls seeds | wc -l)" -ge 30
# Fixed seed and run count; the time bound only guards a very slow machine.
"$fuzz" -seed=1 -runs=50000 -max_total_time=120 -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$TOP_BUILDDIR/tests/fuzz-web-" corpus seeds > fuzz.log 2>&1
is "$?" 0 "50000 fuzzed requests: no crash, broken rule, leak or undefined behaviour"
grep -E "^Done|stat::number_of_executed_units|ERROR|SUMMARY|rule broken" fuzz.log | sed 's/^/# /'
contains fuzz.log "Done" "libFuzzer finished its runs"
done_testing
