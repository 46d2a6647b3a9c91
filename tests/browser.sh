#!/bin/sh
# browser.sh - the e-library in a real browser: Debian's headless Chromium
# loads the home and a results page served by `tests/test-viewer --serve`;
# the DOM must hold the hit with its <mark>, and the screenshot must be a
# real picture; then it is driven through search with facets, browsing and
# a staff correction.  Skipped only when Chromium is not installed.

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

# png.py SHOT yellow|dark LEAST [X0 X1 Y0 Y1]: succeeds when the PNG has
# more than LEAST pixels of that colour (dark: below mid-grey, inside the
# rectangle; access images are grey JPEGs, so ink is not black);
# python3 (quickstart installs it) reads the PNG with the standard library.
cat >"$work/png.py" <<'PY'
import struct, sys, zlib
mode, least = sys.argv[2], int(sys.argv[3])
x0, x1, y0, y1 = (list(map(int, sys.argv[4:8])) if len(sys.argv) > 7 else [0, 1 << 30, 0, 1 << 30])
data = open(sys.argv[1], 'rb').read()
pos, idat, w, h, ct = 8, b'', 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ct = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
bpp = {2: 3, 6: 4}[ct]
stride = w * bpp
prev = bytearray(stride)
yellow = 0
i = 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        if mode == 'yellow' and r > 200 and g > 150 and bl < 120:
            yellow += 1
        elif mode == 'dark' and r < 128 and g < 128 and bl < 128 and x0 <= x // bpp < x1 and y0 <= y < y1:
            yellow += 1
    prev = line
print(yellow)
sys.exit(0 if yellow > least else 1)
PY

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

# A document, opened from a hit: the hits boxed on the page image, the text
# beside with its marks, the download links; then its screenshot.
doc="$base/doc/bc-2023-12?page=1&q=th%E1%BB%91ng+k%C3%AA#p1"
chrome --dump-dom "$doc" >"$work/doc.html"
ok $? "chromium opens the document page from the hit's link"
grep -q 'href="/doc/bc-2023-12?page=1&amp;q=th' "$work/search.html"
ok $? "the results page links the hit to that page"
n_boxes=$(grep -o '<rect class="hit-box"' "$work/doc.html" | wc -l)
[ "$n_boxes" -eq 4 ]
ok $? "the DOM boxes the 4 matching words on the page image (got $n_boxes)"
grep -q '<mark>THỐNG</mark>' "$work/doc.html"
ok $? "the OCR text beside marks the hit"
dshot="$work/doc.png"
chrome --screenshot="$dshot" --window-size=1280,1100 --hide-scrollbars "${doc%#p1}" >/dev/null
size=$(wc -c <"$dshot" 2>/dev/null || echo 0)
[ "$size" -gt 30000 ]
ok $? "a screenshot of the document page ($size bytes)"
cp "$dshot" "$TOP_BUILDDIR/tests/browser-doc.png" 2>/dev/null &&
    echo "# screenshot kept at $TOP_BUILDDIR/tests/browser-doc.png"

# The highlight is really drawn: the page image is black on white, so the
# yellow of the boxes can only come from them.  Leptonica's convertformat is
# not at hand in every install; python3 is (quickstart), so read the PNG.
if command -v python3 >/dev/null 2>&1; then
    python3 "$work/png.py" "$dshot" yellow 200 >/dev/null
    ok $? "the screenshot shows the yellow hit boxes"
fi

# Download: the link in the DOM brings the original, byte for byte.
link=$(sed -n 's:.*href="\(/doc/bc-2023-12/file/originals/[^"]*\)".*:\1:p' "$work/doc.html" | head -n 1)
curl -s -D "$work/dl.head" -o "$work/dl.tif" "$base$link" &&
    cmp -s "$work/dl.tif" "$work/lib/objects/bc-2023-12/originals/0001-0001.tif"
ok $? "the original's download link ($link) brings the very file"
grep -qi '^Content-Disposition: attachment; filename="bc-2023-12-0001-0001.tif"' "$work/dl.head"
ok $? "as an attachment named after the document"

# English, switched by the link in the bar.
chrome --dump-dom "$base/doc/bc-2023-12?lang=en" >"$work/doc-en.html"
grep -q '<html lang="en">' "$work/doc-en.html" && grep -q 'Text of page' "$work/doc-en.html"
ok $? "?lang=en gives the English document page"

# Driving the pages as a reader and as staff, through Chromium's DevTools
# protocol (Node's own WebSocket, no npm package): search, click a facet,
# remove its chip, browse and click a value, sign in, correct a title and
# find it.  Its screenshots are kept in the build tree for a look.
NODE_WS=
if command -v node >/dev/null 2>&1; then
    if node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null; then
        NODE_WS=node
    elif node --experimental-websocket -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null; then
        NODE_WS="node --experimental-websocket"
    fi
fi
if [ -z "$NODE_WS" ]; then
    n=$((n + 1))
    echo "ok $n # SKIP driving the pages: no Node.js with a WebSocket client"
else
    cat >"$work/drive.js" <<'JS'
// drive.js BASE OUTDIR: drives the e-library in headless Chromium through the
// DevTools protocol (Node's WebSocket, no npm package): search, click a
// facet, browse, sign in, correct a title, find it.  Prints TAP lines
// without numbers ("ok - ..." / "not ok - ...") and saves screenshots.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const [base, out, chromium] = process.argv.slice(2);

function say(pass, what) { console.log((pass ? 'ok - ' : 'not ok - ') + what); }

async function main() {
  const profile = fs.mkdtempSync(path.join(out, 'cdp-profile-'));
  const child = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--hide-scrollbars', '--remote-debugging-port=0',
    '--user-data-dir=' + profile, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const killer = setTimeout(() => { say(false, 'the browser run ends within 90 s'); child.kill(); process.exit(1); }, 90000);
  const wsUrl = await new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', d => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error('chromium exited: ' + err.slice(-400))));
  });
  const ws = new WebSocket(wsUrl);
  await new Promise((res, rej) => { ws.onopen = res; ws.onerror = rej; });
  let next = 1;
  const pending = new Map(), waiters = [];
  ws.onmessage = ev => {
    const m = JSON.parse(ev.data);
    if (m.id && pending.has(m.id)) {
      const { resolve, reject } = pending.get(m.id);
      pending.delete(m.id);
      m.error ? reject(new Error(m.error.message)) : resolve(m.result);
    } else if (m.method) {
      for (const w of waiters.slice())
        if (w.method === m.method && w.session === m.sessionId) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m.params);
        }
    }
  };
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params }));
  });
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId: s } = await send('Target.attachToTarget', { targetId, flatten: true });
  const waitFor = method => new Promise(resolve => waiters.push({ method, session: s, resolve }));
  await send('Page.enable', {}, s);
  await send('Emulation.setDeviceMetricsOverride',
             { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false }, s);
  const evaluate = async expr => (await send('Runtime.evaluate',
      { expression: expr, returnByValue: true }, s)).result.value;
  const go = async url => { const l = waitFor('Page.loadEventFired'); await send('Page.navigate', { url }, s); await l; };
  // a click (or submit) that loads a new page
  const clickNav = async expr => { const l = waitFor('Page.loadEventFired'); const r = await evaluate(expr); await l; return r; };
  const shot = async (name, full) => {
    let clip;
    if (full) {
      const m = await send('Page.getLayoutMetrics', {}, s);
      const h = Math.min(Math.ceil(m.cssContentSize.height), 4000);
      clip = { x: 0, y: 0, width: 1280, height: h, scale: 1 };
    }
    const { data } = await send('Page.captureScreenshot',
        clip ? { format: 'png', clip, captureBeyondViewport: true } : { format: 'png' }, s);
    fs.writeFileSync(path.join(out, name), Buffer.from(data, 'base64'));
  };
  const text = () => evaluate('document.body.innerText');
  const hits = () => evaluate('document.querySelectorAll("li.hit").length');

  // search, then click a facet value: the list narrows, a chip appears
  await go(base + '/search?q=' + encodeURIComponent('"dân số"'));
  const before = await hits();
  const total0 = await evaluate('document.querySelector(".total").textContent');
  say(before === 20 && total0 === '25', `search "dân số": 20 hits of 25 (got ${before} of ${total0})`);
  const facetText = await evaluate('document.querySelector("section.facet[data-facet=class] li:nth-child(2) a").textContent');
  await shot('browser-facets.png', true);
  await clickNav('document.querySelector("section.facet[data-facet=class] a[href*=\'class=bao-cao\']").click()');
  const after = await hits();
  const url1 = await evaluate('location.search');
  say(after === 1 && /class=bao-cao/.test(url1), `click the facet "Báo cáo" (${facetText.trim()}): 1 hit (got ${after}), filter in the URL`);
  const chip = await evaluate('(document.querySelector("a.chip")||{}).textContent || ""');
  say(/Loại tài liệu/.test(chip) && /Báo cáo/.test(chip), 'the active filter shows as a chip: ' + chip.replace(/\s+/g, ' ').trim());
  await shot('browser-facet-on.png', true);
  await clickNav('document.querySelector("a.chip").click()');
  say(await hits() === 20, 'removing the chip widens the list again');

  // browse: the overview, then a value
  await go(base + '/browse');
  await shot('browser-browse.png', true);
  const boxCount = await evaluate('document.querySelector("ul[data-kind=box] a[href$=\'v=box-02\'] .count").textContent');
  say(/^24/.test(boxCount.trim()), 'browse: box-02 holds 24 documents (' + boxCount.trim() + ')');
  await clickNav('document.querySelector("ul[data-kind=class] a[href$=\'class=bieu-so-lieu\']").click()');
  const t2 = await evaluate('document.querySelector(".total").textContent');
  say(t2 === '24' && (await hits()) === 20, 'browse → Biểu số liệu lists its 24 documents');

  // staff: sign in, correct a title, find it
  await go(base + '/login');
  await clickNav(`(() => { document.querySelector("input[name=user]").value = "thuthu";
      document.querySelector("input[name=password]").value = ${JSON.stringify(process.env.STAFF_PASSWORD || '')};
      document.querySelector("form.login button").click(); })()`);
  const user = await evaluate('(document.querySelector("nav.tools .user")||{}).textContent || ""');
  say(user === 'thuthu', 'staff sign in in the browser (' + (user || 'not signed in') + ')');
  await go(base + '/doc/qd-1627');
  const hasForm = await evaluate('!!document.querySelector("form.correct")');
  say(hasForm, 'the document page offers staff the correction form');
  await clickNav(`(() => { const f = document.querySelector("form.correct");
      f.querySelector("select[name=field]").value = "title";
      f.querySelector("input[name=value]").value = "Quyết định phê duyệt chiến lược Thống kê qwertzu";
      f.querySelector("button").click(); })()`);
  const title = await evaluate('document.querySelector("h1.doc-title").textContent');
  const hist = await evaluate('(document.querySelector("table.history")||{}).innerText || ""');
  say(/qwertzu/.test(title) && /thuthu/.test(hist), 'the corrected title and the history show: ' + title);
  await evaluate('window.scrollTo(0, 0)');
  await shot('browser-doc-staff.png', false);
  await evaluate('document.getElementById("corrections").scrollIntoView()');
  await shot('browser-correct.png', false);
  await go(base + '/search?q=' + encodeURIComponent('title:qwertzu'));
  const found = await evaluate('Array.from(document.querySelectorAll("li.hit h2")).map(e => e.textContent).join("|")');
  say(/qwertzu/.test(found), 'search finds the corrected title at once: ' + found);

  // English
  await go(base + '/browse?lang=en');
  const h1 = await evaluate('document.querySelector("h1").textContent');
  say(h1 === 'Browse the library', 'the browse page in English');
  await go(base + '/search?q=' + encodeURIComponent('thống kê') + '&sort=newest');
  const facetsEn = await evaluate('document.querySelector("aside.facets h2").textContent');
  say(facetsEn === 'Narrow the results', 'the results page in English, facets and all');
  await shot('browser-search-en.png', false);
  await go(base + '/browse?lang=vi');

  clearTimeout(killer);
  ws.close();
  child.kill();
}

main().catch(e => { say(false, 'the browser run: ' + e.message); process.exit(1); });
JS
    STAFF_PASSWORD='mật khẩu đủ dài 2023' HOME=$work $NODE_WS "$work/drive.js" "$base" "$work" \
        "$(command -v "$CHROMIUM")" >"$work/drive.out" 2>"$work/drive.err"
    grep -q '^ok - ' "$work/drive.out"
    ok $? "the browser run reports its steps"
    while IFS= read -r line; do
        case $line in
            'ok - '*) ok 0 "${line#ok - }" ;;
            'not ok - '*) ok 1 "${line#not ok - }" ;;
        esac
    done <"$work/drive.out"
    for s in browser-facets browser-facet-on browser-browse browser-correct browser-doc-staff \
             browser-search-en; do
        size=$(wc -c <"$work/$s.png" 2>/dev/null || echo 0)
        [ "$size" -gt 20000 ]
        ok $? "a screenshot of $s ($size bytes)"
        cp "$work/$s.png" "$TOP_BUILDDIR/tests/$s.png" 2>/dev/null &&
            echo "# screenshot kept at $TOP_BUILDDIR/tests/$s.png"
    done
    if grep -q '^not ok' "$work/drive.out" && [ -s "$work/drive.err" ]; then
        grep -v ExperimentalWarning "$work/drive.err" | tail -n 5 | sed 's/^/# drive: /'
    fi
fi

# A real IIIF viewer: Mirador (npm registry) loads the manifest from a page
# of its own and shows the page through the image service.  The install is
# slow (about 200 MB): TULIEU_MIRADOR_DIR may name a folder that already
# holds node_modules/mirador.
mdir=${TULIEU_MIRADOR_DIR:-$work/mirador}
if [ ! -f "$mdir/node_modules/mirador/dist/mirador.min.js" ] && command -v npm >/dev/null 2>&1; then
    mkdir -p "$mdir"
    (cd "$mdir" && HOME=$work timeout 400 npm install --no-audit --no-fund --loglevel=error \
        mirador@3 >"$work/npm.log" 2>&1)
fi
if [ ! -f "$mdir/node_modules/mirador/dist/mirador.min.js" ]; then
    n=$((n + 1))
    echo "ok $n # SKIP Mirador: npm or the npm registry is not reachable"
else
    cat >"$work/mirador.html" <<EOF
<!DOCTYPE html><html><head><meta charset="utf-8"><title>Mirador</title>
<script src="file://$mdir/node_modules/mirador/dist/mirador.min.js"></script></head>
<body><div id="m" style="position:absolute;top:0;bottom:0;left:0;right:0"></div>
<script>Mirador.viewer({id: 'm', windows: [{manifestId: '$base/iiif/bc-2023-12/manifest'}]});</script>
</body></html>
EOF
    chrome --allow-file-access-from-files --virtual-time-budget=20000 --dump-dom \
        "file://$work/mirador.html" >"$work/mirador-dom.html"
    grep -q 'Báo cáo tình hình kinh tế - xã hội tháng 12 năm 2023' "$work/mirador-dom.html" &&
        grep -q '1 of 2' "$work/mirador-dom.html"
    ok $? "Mirador loads the IIIF manifest: its title and its 2 canvases"
    # The tiles arrive over real HTTP while Chromium's virtual time runs on:
    # on a loaded machine the first shot can come before them, so up to
    # three shots, each with a longer budget, before calling it a failure.
    mshot="$work/mirador.png"
    for budget in 20000 40000 80000; do
        chrome --allow-file-access-from-files --virtual-time-budget=$budget \
            --window-size=1280,900 --screenshot="$mshot" "file://$work/mirador.html" >/dev/null
        python3 "$work/png.py" "$mshot" dark 1500 300 1000 70 800 >/dev/null && break
    done
    python3 "$work/png.py" "$mshot" dark 1500 300 1000 70 800 >/dev/null
    ok $? "Mirador draws the page's text from the IIIF image service"
    cp "$mshot" "$TOP_BUILDDIR/tests/browser-mirador.png" 2>/dev/null &&
        echo "# screenshot kept at $TOP_BUILDDIR/tests/browser-mirador.png"
fi

# The server is still healthy after the browser's visits.
kill -0 "$pid" 2>/dev/null
ok $? "the server is still running"

if [ $failed -ne 0 ] && [ -s "$work/chromium.err" ]; then
    echo "# chromium said:"
    tail -n 20 "$work/chromium.err" | sed 's/^/#   /'
fi
echo "1..$n"
exit $failed
