#!/bin/sh
# audit.sh - `tulieu audit` on an ingested library: clean passes; a flipped
# byte, a deleted file, an added file and stray or lost packages are each
# named, with exit 1; every audit is recorded in the catalog's events.
. "$TOP_SRCDIR/tests/lib.sh"

"$TOP_BUILDDIR/tests/mkfixtures" fx || exit 1
"$TULIEU" init lib >/dev/null
"$TULIEU" ingest -q -L lib fx/box fx/multi.tif > ingest.txt 2>&1
is "$?" 0 "ingest the fixture pages"
# Every file a package lists in its manifest is audited.
NFILES=$(cat lib/objects/*/manifest-sha256.txt | wc -l)
export NFILES

"$TULIEU" audit --help > h.txt; is "$?" 0 "audit --help exits 0"
contains h.txt "Usage: tulieu audit" "and shows its usage"
"$TULIEU" audit 2>err.txt; is "$?" 2 "audit without -L: 2"
contains err.txt "no library given" "and says so"
"$TULIEU" audit -L nolib 2>err.txt; is "$?" 2 "audit of a missing library: 2"
contains err.txt "nolib" "naming it"
"$TULIEU" audit -L lib extra-arg 2>/dev/null; is "$?" 2 "a stray argument: 2"

"$TULIEU" audit -L lib > out.txt 2>err.txt
is "$?" 0 "a fresh library audits clean: exit 0"
contains out.txt "audited 3 documents, $NFILES files: 0 problems" "summary line"
is "$(wc -c < err.txt)" 0 "nothing on stderr"

# The three packages, by what they hold.
ONE=$(basename "$(dirname "$(dirname lib/objects/*/originals/0001-0001.tif)")")
TWO=$(basename "$(dirname "$(dirname lib/objects/*/originals/0001-0003.png)")")
MULTI=$(basename "$(dirname "$(dirname lib/objects/*/originals/0001-multi.tif)")")
ok "found the three packages" test -n "$ONE" -a -n "$TWO" -a -n "$MULTI" -a -d "lib/objects/$ONE"
cp -a lib/objects saved-objects

# Damage: a flipped byte, a deleted page text, an added file.
python3 - "lib/objects/$ONE/originals/0001-0001.tif" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x20
open(p, "wb").write(b)
PY
rm "lib/objects/$TWO/pages/0002.txt"
echo "a note" > "lib/objects/$MULTI/pages/notes.txt"
"$TULIEU" audit -L lib > out.txt 2>err.txt
is "$?" 1 "damaged: exit 1"
contains out.txt "changed: objects/$ONE/originals/0001-0001.tif" "the flipped byte is named"
contains out.txt "missing: objects/$TWO/pages/0002.txt" "the deleted file is named"
contains out.txt "unexpected: objects/$MULTI/pages/notes.txt" "the added file is named"
contains out.txt "audited 3 documents, $NFILES files: 3 problems" "summary counts them"

"$TULIEU" audit -L lib --json > out.json 2>/dev/null
is "$?" 1 "--json: exit 1 too"
python3 - "$ONE" "$TWO" "$MULTI" <<'PY'
import json, os, sys
one, two, multi = sys.argv[1:]
r = json.load(open("out.json"))
got = sorted((p["kind"], p["path"]) for p in r["problems"])
want = sorted([("changed", f"objects/{one}/originals/0001-0001.tif"),
               ("missing", f"objects/{two}/pages/0002.txt"),
               ("unexpected", f"objects/{multi}/pages/notes.txt")])
ok = (got == want and r["ok"] is False and r["documents"] == 3 and r["files"] == int(os.environ["NFILES"])
      and r["problem_count"] == 3)
if not ok:
    print("# got", json.dumps(r, ensure_ascii=False))
sys.exit(0 if ok else 1)
PY
is "$?" 0 "--json lists the three problems by kind and path"

# Packages: one the catalog does not list, one the catalog lists but is gone.
rm -rf lib/objects/*
cp -a saved-objects/. lib/objects/
mkdir -p lib/objects/0123456789ab/pages
echo orphan > lib/objects/0123456789ab/pages/0001.txt
mv "lib/objects/$TWO" lost-package
"$TULIEU" audit -L lib > out.txt 2>err.txt
is "$?" 1 "stray and lost packages: exit 1"
contains out.txt "unexpected: objects/0123456789ab" "the uncatalogued package is named"
contains out.txt "missing: objects/$TWO " "the lost package is named"
left=$((NFILES - $(wc -l < lost-package/manifest-sha256.txt)))
contains out.txt "audited 3 documents, $left files: 2 problems" "summary counts them"
ok "the audit leaves the stray package alone" test -f lib/objects/0123456789ab/pages/0001.txt

# A manifest missing, then malformed.
rm -rf lib/objects/0123456789ab
mv lost-package "lib/objects/$TWO"
mv "lib/objects/$ONE/manifest-sha256.txt" saved-manifest
"$TULIEU" audit -L lib > out.txt 2>&1
is "$?" 1 "a missing manifest: exit 1"
contains out.txt "missing: objects/$ONE/manifest-sha256.txt" "it is named"
{ cat saved-manifest; echo "not a checksum line"; } > "lib/objects/$ONE/manifest-sha256.txt"
"$TULIEU" audit -L lib > out.txt 2>&1
is "$?" 1 "a malformed manifest: exit 1"
contains out.txt "malformed: objects/$ONE/manifest-sha256.txt" "it is named"
cp saved-manifest "lib/objects/$ONE/manifest-sha256.txt"
"$TULIEU" audit -L lib > out.txt 2>&1
is "$?" 0 "restored: exit 0 again"
contains out.txt "0 problems" "no problems"

# Every audit above is an event: one for the library, one per document.
python3 - "$ONE" "$TWO" <<'PY'
import os, sqlite3, sys
one, two = sys.argv[1:]
db = sqlite3.connect("lib/tulieu.db")
lib = db.execute("SELECT detail, agent FROM events WHERE what = 'verified' AND doc_id IS NULL "
                 "ORDER BY id").fetchall()
per_doc = db.execute("SELECT doc_id, detail FROM events WHERE what = 'verified' AND "
                     "doc_id IS NOT NULL ORDER BY id").fetchall()
checks = {
    "7 library events": len(lib) == 7,
    "3 document events each": len(per_doc) == 21,
    "agent": all(a.startswith("tulieu ") for _, a in lib),
    "clean counts": lib[0][0] == f"3 documents, {os.environ['NFILES']} files: 0 problems",
    "damage counted": lib[1][0].startswith(f"3 documents, {os.environ['NFILES']} files: 3 problems"),
    "stray listed": "objects/0123456789ab" in lib[3][0],
    "changed in its document's event": any(d == one and "changed objects/" + one in t
                                           for d, t in per_doc),
    "lost package in its event": any(d == two and "missing objects/" + two in t
                                     for d, t in per_doc),
    "last one clean": lib[-1][0] == f"3 documents, {os.environ['NFILES']} files: 0 problems",
}
bad = [k for k, v in checks.items() if not v]
if bad:
    print("# failed:", bad)
    for row in lib:
        print("#", row)
sys.exit(1 if bad else 0)
PY
is "$?" 0 "each audit recorded as 'verified' events, with counts and problems"
done_testing
