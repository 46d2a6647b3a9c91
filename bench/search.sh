#!/bin/sh
# bench/search.sh - tulieu's search at archive scale, against Xapian's omindex.
#
#   bench/search.sh [PAGES]          default 1000000; try 100000 first
#
# Generates PAGES pages of text from the dev corpus's vocabulary and phrases
# (bench/search.c: a bigram chain over ../shared/corpus/truth/pages, figures
# redrawn), then measures, on the same text files:
#   1. indexing rate: tulieu (tl_index_add_doc, 10 pages a document, with
#      Dublin Core, facets, spelling) against omindex (package xapian-omega);
#      wall and CPU time, since the machine may be shared;
#   2. query latency p50/p95/p99 for a fixed mix of 100 queries (word,
#      phrase, fielded, faceted), warm (3 passes after a warm-up) and cold
#      (the index's files evicted from the page cache before each query with
#      posix_fadvise(DONTNEED), the handle reopened; BENCH_DROP_CACHES=1
#      also drops the whole page cache once, when /proc/sys/vm is writable);
#   3. recall of 30 corpus words typed without diacritics: pages found /
#      pages holding the word in any spelling (counted from the text files,
#      and for tulieu with each document's title and creator on its first
#      page, where it indexes them), for tulieu and for omindex (queried
#      with quest).
#
# Environment: BENCH_DIR (default /tmp/tulieu-bench), BUILD (a release build
# folder, made when missing), CORPUS (default ../shared/corpus/truth/pages),
# SKIP_OMINDEX=1, BENCH_INCREMENTAL=1 (tulieu commits every 1,000 pages
# into one index, as an ingest adds to a library, instead of the bulk build
# of `tulieu reindex`), BENCH_VERBOSE=1 (each query's latency), BENCH_COMPARE=C
# (compare the indexing rate and recall with omindex on the first C pages
# only, C < PAGES, to save time: tulieu alone indexes all PAGES for the
# latency figures), BENCH_JOBS=J (tulieu indexes in J parts side by side,
# merged with xapian-compact, whose CPU time is counted too),
# BENCH_REPLICATE=1 (with BENCH_COMPARE=C: the PAGES-page index is PAGES/C
# copies of the C-page one merged by xapian-compact, a stand-in for the
# latency figures when indexing PAGES pages does not fit in the time).
# Everything large goes under BENCH_DIR, outside the tree.
set -eu

N=${1:-1000000}
top=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${CORPUS:-$top/../shared/corpus/truth/pages}
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/truth/pages
BENCH_DIR=${BENCH_DIR:-/tmp/tulieu-bench}
BUILD=${BUILD:-$BENCH_DIR/build}
C=${BENCH_COMPARE:-$N}
[ "$C" -le "$N" ] || C=$N
JOBS=${BENCH_JOBS:-1}
data=$BENCH_DIR/pages
ours=$BENCH_DIR/tulieu-$N
ours_c=$BENCH_DIR/tulieu-$C
omega=$BENCH_DIR/omega-$C
bin=$BENCH_DIR/search
mkdir -p "$BENCH_DIR" "$BUILD"

say() { printf '%s\n' "$*"; }

# ---- build: an optimised build without sanitizers, outside the tree
if [ ! -f "$BUILD/.libs/libtlindex.a" ] || [ "$top/index/index.cc" -nt "$BUILD/.libs/libtlindex.a" ]; then
    say "building (release) in $BUILD ..."
    if [ ! -f "$BUILD/Makefile" ]; then
        [ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
        (cd "$BUILD" && "$top/configure" -q CFLAGS="-O2 -g" CXXFLAGS="-O2 -g")
    fi
    make -s -C "$BUILD" -j2 libtlindex.la libtlcore.la
fi
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -I"$BUILD" -I"$top/common" -I"$top/index" \
    "$top/bench/search.c" "$BUILD/.libs/libtlindex.a" "$BUILD/.libs/libtlcore.a" \
    -lxapian -ljansson -lutf8proc -lcrypto -lstdc++ -lpthread -lm -o "$bin"

have_omindex=1
if [ "${SKIP_OMINDEX:-0}" = 1 ]; then
    have_omindex=0
elif ! command -v omindex >/dev/null 2>&1 || ! command -v quest >/dev/null 2>&1; then
    say "omindex or quest missing: apt-get install xapian-omega xapian-tools (comparison skipped)"
    have_omindex=0
fi

say "== $N pages (machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC'))"
"$bin" gen "$CORPUS" "$data" "$N"

# ---- 1. indexing
timed() { # label command...: prints wall, user, sys (children included)
    label=$1; shift
    /usr/bin/time -f "$label: wall %e s, cpu %U s user + %S s sys" "$@" 2>"$BENCH_DIR/time.txt" >"$BENCH_DIR/out.txt" || {
        cat "$BENCH_DIR/out.txt" "$BENCH_DIR/time.txt" >&2; exit 1; }
    tail -1 "$BENCH_DIR/time.txt"
    cpu=$(tail -1 "$BENCH_DIR/time.txt" | sed 's/.*cpu \([0-9.]*\) s user + \([0-9.]*\) s sys/\1 \2/' | awk '{print $1 + $2}')
}
# tulieu's index of the first $1 pages in $2, in $JOBS parts side by side
# merged by xapian-compact (its time counted too); built aside and renamed
# when whole, so an interrupted run is not reused.  Sets ours_cpu.
index_tulieu() {
    n=$1 out=$2
    ours_cpu=
    [ -d "$out" ] && return 0
    rm -rf "$out.part" "$out".p[0-9]*
    if [ "$JOBS" -le 1 ]; then
        timed "tulieu index, $n pages" "$bin" index "$data" "$out.part" "$n"
    else
        # shellcheck disable=SC2016
        timed "tulieu index, $n pages, $JOBS parts + xapian-compact" sh -c '
            bin=$1 data=$2 out=$3 n=$4 jobs=$5 k=0 pids=
            while [ $k -lt $jobs ]; do
                "$bin" index "$data" "$out.p$k" "$n" $k $jobs & pids="$pids $!"
                k=$((k + 1))
            done
            for p in $pids; do wait $p || exit 1; done
            k=0 parts=
            while [ $k -lt $jobs ]; do parts="$parts $out.p$k"; k=$((k + 1)); done
            xapian-compact -q $parts "$out.part" && rm -rf $parts' sh "$bin" "$data" "$out" "$n" "$JOBS"
    fi
    mv "$out.part" "$out"
    ours_cpu=$cpu
    say "  tulieu: $(awk -v n="$n" -v c="$ours_cpu" 'BEGIN{printf "%.0f", n / c}') pages per CPU second, index $(du -sh "$out" | cut -f1)"
}
index_omindex() { # pages out: sets om_cpu
    n=$1 out=$2 tree=$BENCH_DIR/tree-$1
    om_cpu=
    [ -d "$out" ] && return 0
    # omindex reads a folder: give it exactly the first n pages
    if [ ! -d "$tree" ]; then
        mkdir -p "$tree"
        i=0
        while [ $((i * 1000)) -lt "$n" ]; do
            d=$(printf %04d "$i")
            ln -s "$data/text/$d" "$tree/$d"
            i=$((i + 1))
        done
    fi
    rm -rf "$out.part"
    timed "omindex, $n pages" omindex --db "$out.part" --url /text --follow "$tree"
    mv "$out.part" "$out"
    om_cpu=$cpu
    say "  omindex: $(awk -v n="$n" -v c="$om_cpu" 'BEGIN{printf "%.0f", n / c}') pages per CPU second, index $(du -sh "$out" | cut -f1)"
}

if [ "$C" != "$N" ]; then
    say "indexing rate and recall compared at $C pages (both tools on the same $C pages); the $N-page index is tulieu's alone, for the latency figures"
fi
# (at the comparison size in one process, as omindex runs)
JOBS_N=$JOBS
[ "$C" != "$N" ] && JOBS=1
index_tulieu "$C" "$ours_c"
c_ours_cpu=$ours_cpu
JOBS=$JOBS_N

# ---- 2. latency
latency() { # index pages
    say "latency, $2 pages:"
    if [ "${BENCH_DROP_CACHES:-0}" = 1 ] && (sync && echo 1 >/proc/sys/vm/drop_caches) 2>/dev/null; then
        say "cold: whole page cache dropped once (drop_caches), then the index's files evicted before each query"
    else
        say "cold: the index's files evicted from the page cache with posix_fadvise(DONTNEED) before each query"
        say "      (BENCH_DROP_CACHES=1 also drops the whole page cache first, when writable; not on a shared machine)"
    fi
    "$bin" latency "$1" "$CORPUS"
}

latency "$ours_c" "$C"
if [ $have_omindex = 1 ]; then
    index_omindex "$C" "$omega"
    [ -n "$c_ours_cpu" ] && [ -n "$om_cpu" ] &&
        say "  tulieu / omindex indexing rate (pages per CPU second), $C pages: $(awk -v a="$c_ours_cpu" -v b="$om_cpu" 'BEGIN{printf "%.2f", b / a}')"
fi

# ---- 3. recall of folded queries
say "recall measured on the first $C pages, both tools"
"$bin" truth "$data" "$C" "$CORPUS" >"$BENCH_DIR/truth.tsv"
words=$(cut -f1 "$BENCH_DIR/truth.tsv")
# shellcheck disable=SC2086
"$bin" count "$ours_c" $words >"$BENCH_DIR/ours.tsv"
: >"$BENCH_DIR/omega.tsv"
if [ $have_omindex = 1 ]; then
    for w in $words; do
        n=$(quest -d "$omega" -m 0 -c 100000000 "$w" | sed -n 's/^\(Exactly\|About\) \([0-9]*\) match.*/\2/p')
        printf '%s\t%s\n' "$w" "${n:-0}" >>"$BENCH_DIR/omega.tsv"
    done
fi
# The truth counts each word's pages twice: in the text files (what
# omindex is given) and with each document's first page holding its title
# and creator too (what tulieu is given, and finds there by design).
awk -F'\t' -v om=$have_omindex '
    FILENAME ~ /truth/ { text[$1] = $2; truth[$1] = $3; order[++n] = $1; next }
    FILENAME ~ /ours/  { ours[$1] = $2; next }
    { omega[$1] = $2 }
    END {
        for (i = 1; i <= n; i++) {
            w = order[i]; t += truth[w]; tt += text[w]
            o += (ours[w] < truth[w] ? ours[w] : truth[w]); g += (omega[w] < text[w] ? omega[w] : text[w])
            if (ours[w] != truth[w]) printf "  mismatch: %s tulieu %d, truth %d\n", w, ours[w], truth[w]
        }
        printf "recall, %d folded words: tulieu %.1f%% of %d page-word pairs (text, titles, creators)", n, 100 * o / t, t
        if (om) printf ", omindex %.1f%% of %d (text)", 100 * g / tt, tt
        printf "\n"
    }' "$BENCH_DIR/truth.tsv" "$BENCH_DIR/ours.tsv" "$BENCH_DIR/omega.tsv"

# ---- 4. the full size: tulieu alone
if [ "$C" != "$N" ] && [ "${BENCH_REPLICATE:-0}" = 1 ]; then
    # a stand-in when indexing N pages does not fit in the time at hand
    k=$((N / C)) rep=$BENCH_DIR/tulieu-$N-copies
    say "the $N-page index for the latency figures is NOT indexed afresh: $k copies of the $C-page"
    say "index merged by xapian-compact (BENCH_REPLICATE=1): $N pages, postlists and term statistics"
    say "of $N pages of this generated text; document ids repeat, so only the latency figures hold"
    if [ ! -d "$rep" ]; then
        rm -rf "$rep.part"
        set --
        i=0
        while [ $i -lt $k ]; do set -- "$@" "$ours_c"; i=$((i + 1)); done
        timed "xapian-compact, $k copies" xapian-compact -q "$@" "$rep.part"
        mv "$rep.part" "$rep"
    fi
    latency "$rep" "$N"
elif [ "$C" != "$N" ]; then
    index_tulieu "$N" "$ours"
    latency "$ours" "$N"
fi
