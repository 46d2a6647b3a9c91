#!/bin/sh
# cli.sh - the command line's contract: help, exit statuses, messages.
. "$TOP_SRCDIR/tests/lib.sh"

"$TULIEU" --help > help.txt; is "$?" 0 "tulieu --help exits 0"
for c in init ingest ocr search export serve; do
    contains help.txt "$c" "--help lists $c"
    "$TULIEU" $c --help > h.txt 2>&1; is "$?" 0 "tulieu $c --help exits 0"
    contains h.txt "Usage: tulieu $c" "tulieu $c --help shows its usage"
done
"$TULIEU" 2>/dev/null; is "$?" 2 "no command: usage error 2"
"$TULIEU" frobnicate 2>err.txt; is "$?" 2 "unknown command: 2"
contains err.txt "unknown command 'frobnicate'" "and says which"
"$TULIEU" ingest some-folder 2>err.txt; is "$?" 2 "ingest without -L: 2"
contains err.txt "no library given" "and says so"
"$TULIEU" search -L nolib word 2>err.txt; is "$?" 2 "search of a missing library: 2"
contains err.txt "nolib" "naming it"
"$TULIEU" init lib > out.txt; is "$?" 0 "init"
ok "library made" test -f lib/tulieu.db
"$TULIEU" init lib 2>err.txt; is "$?" 2 "init over a library: 2"
contains err.txt "not empty" "says why"
"$TULIEU" ingest -L lib does-not-exist >/dev/null 2>err.txt; is "$?" 1 "ingest of a missing path: 1"
contains err.txt "does-not-exist" "naming it"
"$TULIEU" export -L lib > e.json; is "$?" 0 "export of an empty library"
python3 -c 'import json,sys; d=json.load(open("e.json")); sys.exit(d!={"documents":[]})'
is "$?" 0 "is {\"documents\": []}"
"$TULIEU" export -L lib --format xml 2>err.txt; is "$?" 2 "unknown export format: 2"
"$TULIEU" search -L lib "anything" > s.txt; is "$?" 0 "search of an empty library"
contains s.txt "0 hits" "finds nothing"
"$TOP_BUILDDIR/tests/mkfixtures" fx >/dev/null
"$TULIEU" ingest --dry-run fx/box > dry.txt 2>&1; is "$?" 0 "--dry-run needs no library"
contains dry.txt "would file 2 documents (3 pages)" "and shows the split"
contains dry.txt "0001.tif: 300 dpi" "with each page's quality report"
ok "dry run files nothing" test "$(ls lib/objects | wc -l)" -eq 0
done_testing
