#!/bin/sh
# web.sh - requests per second and p99 latency of the e-library under wrk,
# at 32 connections on 127.0.0.1: the search API (rotating queries), once
# from the result cache (after a short warm-up: 16 queries, all kept) and
# once from a second server started with TULIEU_NO_RESULT_CACHE=1 (every
# search matched by Xapian), a document page (rotating documents), and, for
# scale, the server's static style sheet and python3's http.server handing
# out the same documents' document.json (what one would put up instead of
# tulieu in a pinch).  The machine's load (uptime) is printed before and
# after: on a shared machine, read the figures with it.
#
#   bench/web.sh [-b BUILD] [-p PAGES] [-d SECONDS] [-c CONNECTIONS] [-t corpus|even]
#
# BUILD is a configured build tree (default _build/release, as quickstart
# makes it; build tests/test-viewer there: make tests/test-viewer).  The
# demo library of PAGES made-up pages (default 100000, 10 a document) is
# grown once with `tests/test-viewer --grow` and kept in
# /dev/shm/tulieu-bench-web-PAGES-TEXT (or $TULIEU_BENCH_LIB) for the next
# run; remove it when done (about 2 GB for 100,000 pages).  TEXT (-t) is
# "corpus" (the default): the pages of bench/search.sh, a bigram walk over
# the dev corpus's true text (CORPUS, default ../shared/corpus/truth/pages),
# so words are as common as in the archive's own pages; or "even": 250
# words a page drawn evenly from 150 syllables, each then on 80 % of the
# pages, a worst case for the index (every query matches most pages).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/_build/release
pages=100000
secs=20
conns=32
text=corpus
while getopts b:p:d:c:t: opt; do
    case $opt in
    t) text=$OPTARG ;;
    b) build=$(cd "$OPTARG" && pwd) ;;
    p) pages=$OPTARG ;;
    d) secs=$OPTARG ;;
    c) conns=$OPTARG ;;
    *) echo "usage: bench/web.sh [-b BUILD] [-p PAGES] [-d SECONDS] [-c CONNECTIONS] [-t corpus|even]" >&2; exit 2 ;;
    esac
done
case $text in
corpus | even) ;;
*) echo "bench/web.sh: -t is corpus or even, not '$text'" >&2; exit 2 ;;
esac
if ! command -v wrk >/dev/null 2>&1; then
    echo "bench/web.sh: wrk is not installed (Debian: apt-get install wrk)" >&2
    exit 2
fi
for f in "$build/tulieu" "$build/tests/test-viewer"; do
    if [ ! -x "$f" ]; then
        echo "bench/web.sh: no $f (build it: make -C $build tulieu tests/test-viewer)" >&2
        exit 2
    fi
done

# tmpfs: filing fsyncs every package, which a disk makes slow to grow
lib=${TULIEU_BENCH_LIB:-/dev/shm/tulieu-bench-web-$pages-$text}
if [ ! -f "$lib/tulieu.db" ] || [ ! -d "$lib/index" ]; then
    rm -rf "$lib" "$lib-src" "$lib-text"
    set --
    if [ "$text" = corpus ]; then
        CORPUS=${CORPUS:-$top/../shared/corpus/truth/pages}
        [ -d "$CORPUS" ] || { echo "bench/web.sh: no corpus at $CORPUS (set CORPUS, or -t even)" >&2; exit 2; }
        # bench/search.sh's generator, built against this build's libraries
        cc -std=c11 -D_GNU_SOURCE -O2 -I"$build" -I"$top/common" -I"$top/index" \
            "$top/bench/search.c" "$build/.libs/libtlindex.a" "$build/.libs/libtlcore.a" \
            -lxapian -ljansson -lutf8proc -lcrypto -lstdc++ -lpthread -lm -o "$lib-gen"
        "$lib-gen" gen "$CORPUS" "$lib-text" "$pages"
        set -- "$lib-text"
    fi
    echo "growing a demo library of $pages pages ($text text) in $lib ..."
    start=$(date +%s)
    "$build/tests/test-viewer" --grow "$lib" "$pages" "$@"
    echo "grown in $(( $(date +%s) - start )) s"
    rm -rf "$lib-text" "$lib-gen"
fi
n_docs=$(( (pages + 9) / 10 ))
echo "library: $lib, $pages pages ($text text), $n_docs documents, $(du -sh "$lib" | cut -f1)"

work=$(mktemp -d /tmp/tulieu-bench-web-XXXXXX)
spid=
npid=
ppid_=
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    [ -n "$npid" ] && kill "$npid" 2>/dev/null && wait "$npid" 2>/dev/null
    [ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null && wait "$ppid_" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# below the ephemeral ports (32768 and up), where wrk's closed connections linger
port=$(( 20000 + $$ % 10000 ))
"$build/tulieu" serve -L "$lib" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
spid=$!
TULIEU_NO_RESULT_CACHE=1 "$build/tulieu" serve -L "$lib" --listen "127.0.0.1:$((port + 2))" \
    >"$work/serve-nocache.log" 2>&1 &
npid=$!
pyport=$((port + 1))
(cd "$lib/objects" && exec python3 -m http.server "$pyport" --bind 127.0.0.1) \
    >"$work/py.log" 2>&1 &
ppid_=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$port/static/style.css" &&
      curl -s -o /dev/null "http://127.0.0.1:$((port + 2))/static/style.css" &&
      curl -s -o /dev/null "http://127.0.0.1:$pyport/"; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "bench/web.sh: the servers did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
done

# Rotating requests: wrk's Lua picks the next path from a list.
cat >"$work/search.lua" <<'LUA'
local q = {"th%E1%BB%91ng+k%C3%AA", "d%C3%A2n+s%E1%BB%91", "lao+%C4%91%E1%BB%99ng",
  "xu%E1%BA%A5t+kh%E1%BA%A9u", "%22gi%C3%A1+ti%C3%AAu+d%C3%B9ng%22", "H%C3%A0+N%E1%BB%99i",
  "doanh+nghi%E1%BB%87p", "c%C3%A0+ph%C3%AA+OR+cao+su", "ng%C3%A2n+s%C3%A1ch+nh%C3%A0+n%C6%B0%E1%BB%9Bc",
  "thong+ke", "du+lich", "title:quy%E1%BA%BFt", "class:bao-cao+%C4%91i%E1%BB%87n", "xi+m%C4%83ng",
  "than+d%E1%BA%A7u+kh%C3%AD", "%C4%91i%E1%BB%81u+tra+h%E1%BB%99+gia+%C4%91%C3%ACnh"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?q=" .. q[(i % #q) + 1])
end
LUA
cat >"$work/doc.lua" <<LUA
local n = $n_docs
local i = 0
request = function()
  i = (i * 7919 + 104729) % n
  return wrk.format("GET", string.format("/doc/grow-%06d?page=%d&q=th%%E1%%BB%%91ng", i, i % 10 + 1))
end
LUA
cat >"$work/json.lua" <<LUA
local n = $n_docs
local i = 0
request = function()
  i = (i * 7919 + 104729) % n
  return wrk.format("GET", string.format("/grow-%06d/document.json", i))
end
LUA

# run NAME URL [SCRIPT]: prints requests/s, p99 and errors
run() {
    name=$1 url=$2
    shift 2
    wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" "$url" >"$work/$name.out" 2>&1 || true
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/$name.out")
    p99=$(awk '$1 == "99%" {print $2}' "$work/$name.out")
    errs=$(awk '/Non-2xx or 3xx responses:/ {print $5} /Socket errors:/ {print}' "$work/$name.out" | tr '\n' ' ')
    printf '%-34s %10s req/s   p99 %-9s %s\n' "$name" "${rps:-?}" "${p99:-?}" "${errs:+errors: $errs}"
    eval "rps_$name=\${rps:-0}"
}

echo "wrk: $conns connections, 2 threads, ${secs}s each, 127.0.0.1"
echo "load before: $(uptime)"
wrk -t2 -c"$conns" -d3s -s "$work/search.lua" "http://127.0.0.1:$port/api/search" >/dev/null 2>&1
run search_api "http://127.0.0.1:$port/api/search" -s "$work/search.lua"
run search_api_nocache "http://127.0.0.1:$((port + 2))/api/search" -s "$work/search.lua"
run doc_page "http://127.0.0.1:$port/doc" -s "$work/doc.lua"
run static_css "http://127.0.0.1:$port/static/style.css"
run python_json "http://127.0.0.1:$pyport" -s "$work/json.lua"
awk -v s="$rps_search_api" -v d="$rps_doc_page" -v p="$rps_python_json" 'BEGIN {
    if (p > 0) printf "ratio: search API / python http.server file = %.2f; document page / python file = %.2f\n", s / p, d / p }'
echo "load after: $(uptime)"
