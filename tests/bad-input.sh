#!/bin/sh
# bad-input.sh - a box with files that are not pages: each is named with its
# reason, the good page is filed, nothing half-written stays.
. "$TOP_SRCDIR/tests/lib.sh"

"$TOP_BUILDDIR/tests/mkfixtures" fx || exit 1
"$TULIEU" init lib >/dev/null
"$TULIEU" ingest -q -L lib fx/bad > out.txt 2> err.txt
is "$?" 1 "some input failed: exit 1"
contains err.txt "0002.tif: empty file" "empty file named, with the reason"
contains err.txt "0003.tif: not an image" "text file named, with the reason"
contains err.txt "0004.tif" "truncated TIFF named"
contains out.txt "filed 1 document (1 pages)" "the good page is filed"
contains out.txt "3 failed" "three failures counted"
is "$(ls lib/staging | wc -l)" 0 "nothing left in staging"
is "$(ls lib/objects | wc -l)" 1 "one package"
"$TULIEU" export -L lib > e.json
python3 - <<'PY'
import json, sys
d = json.load(open("e.json"))["documents"]
sys.exit(not (len(d) == 1 and [p["source"] for p in d[0]["pages"]] == ["0001.tif"]))
PY
is "$?" 0 "export holds just the good page"
# Re-running skips what is filed, still reports the bad files.
"$TULIEU" ingest -q -L lib fx/bad > out2.txt 2>/dev/null
is "$?" 1 "re-run: still exit 1 for the bad files"
contains out2.txt "1 already filed" "the good page is skipped"
is "$(ls lib/objects | wc -l)" 1 "still one package"
done_testing
