#!/bin/sh
# browser.sh - the e-library in a real browser: Debian's headless Chromium
# loads the home and a results page served by `tests/test-viewer --serve`;
# the DOM must hold the hit with its <mark>, and the screenshot must be a
# real picture.  Skipped only when Chromium is not installed.

TOP_BUILDDIR=${TOP_BUILDDIR:-.}

CHROMIUM=
for c in chromium chromium-browser; do
    if command -v "$c" >/dev/null 2>&1; then
        CHROMIUM=$c
        break
    fi
done
if [ -z "$CHROMIUM" ]; then
    echo "1..0 # SKIP chromium is not installed"
    exit 0
fi

SERVER="$TOP_BUILDDIR/tests/test-viewer"
SHOT_KEEP="$TOP_BUILDDIR/tests/browser-search.png"

work=$(mktemp -d /tmp/tulieu-browser-XXXXXX) || { echo "Bail out! mktemp failed"; exit 1; }
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

n=0
failed=0
ok() { # ok STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=1
    fi
}

# One fresh profile per run, every network extra off, bounded in time.
chrome() {
    profile=$(mktemp -d "$work/profile-XXXXXX")
    HOME=$work timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --disable-dev-shm-usage \
        --user-data-dir="$profile" "$@" 2>>"$work/chromium.err"
}

# The fixture library, served on a free loopback port.
"$SERVER" --serve "$work/lib" >"$work/port" 2>"$work/server.err" &
pid=$!
i=0
port=
while [ $i -lt 300 ]; do
    port=$(head -n 1 "$work/port" 2>/dev/null)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
case $port in
    ''|*[!0-9]*)
        echo "Bail out! the test server did not start: $(cat "$work/server.err")"
        exit 1 ;;
esac
base="http://127.0.0.1:$port"
ok 0 "test server listens on $base"

# The home page.
chrome --dump-dom "$base/" >"$work/home.html"
ok $? "chromium loads the home page"
grep -q 'Thư viện điện tử tulieu' "$work/home.html"
ok $? "home page has its title"
grep -q '<form[^>]*action="/search"' "$work/home.html" && grep -q 'name="q"' "$work/home.html"
ok $? "home page has the search form"

# A results page, queried with diacritics as a browser sends them.
url="$base/search?q=th%E1%BB%91ng+k%C3%AA"
chrome --dump-dom "$url" >"$work/search.html"
ok $? "chromium loads the results page"
grep -q 'bc-2023-12' "$work/search.html"
ok $? "the DOM holds the hit's document id"
grep -qi '<mark>[^<]*</mark>' "$work/search.html"
ok $? "the DOM holds the hit marked with <mark>"
grep -q 'value="thống kê"' "$work/search.html"
ok $? "the query is back in the search box"
grep -q '<li class="hit">' "$work/search.html" && ! grep -q '<script' "$work/search.html"
ok $? "results are a list and carry no script"

# Script injection in a real browser: the DOM must show text, not a tag.
chrome --dump-dom "$base/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E" >"$work/xss.html"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/xss.html" &&
    ! grep -q '<script>alert' "$work/xss.html"
ok $? "an injected script stays text in the DOM"

# The screenshot: a PNG of the asked size, with more than a blank page in it.
shot="$work/search.png"
chrome --screenshot="$shot" --window-size=1280,900 --hide-scrollbars "$url" >/dev/null
ok $? "chromium takes a screenshot of the results page"
sig=$(od -An -tx1 -N8 "$shot" 2>/dev/null | tr -d ' \n')
[ "$sig" = "89504e470d0a1a0a" ]
ok $? "the screenshot is a PNG"
set -- $(od -An -tu1 -j16 -N8 "$shot" 2>/dev/null)
w=0
h=0
if [ $# -eq 8 ]; then
    w=$(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 ))
    h=$(( ($5 << 24) | ($6 << 16) | ($7 << 8) | $8 ))
fi
[ "$w" -eq 1280 ] && [ "$h" -eq 900 ]
ok $? "the screenshot is 1280x900 (got ${w}x${h})"
size=$(wc -c <"$shot" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ]
ok $? "the screenshot is not trivial ($size bytes)"
cp "$shot" "$SHOT_KEEP" 2>/dev/null && echo "# screenshot kept at $SHOT_KEEP"

# The server is still healthy after the browser's visits.
kill -0 "$pid" 2>/dev/null
ok $? "the server is still running"

if [ $failed -ne 0 ] && [ -s "$work/chromium.err" ]; then
    echo "# chromium said:"
    tail -n 20 "$work/chromium.err" | sed 's/^/#   /'
fi
echo "1..$n"
exit $failed
