#!/bin/sh
# archive-backup.sh - the whole library out and back, on real pages: backup
# as a bag (checked independently), restore into a new library that passes
# its audit and exports the same; a damaged backup refused with no library
# left; rebuild after deleting tulieu.db gives the same export and keeps the
# events; reprocess replaces the outputs from the originals, keeping events.
. "$TOP_SRCDIR/tests/lib.sh"
CHECK="python3 $TOP_SRCDIR/tests/bagit-check.py"

"$TOP_BUILDDIR/tests/mkfixtures" fx || exit 1
"$TULIEU" init lib >/dev/null
"$TULIEU" ingest -q -L lib fx/box > out.txt 2>&1
is "$?" 0 "ingest drawn pages"
"$TULIEU" export -L lib > e1.json
"$TULIEU" audit -L lib > /dev/null 2>&1
is "$?" 0 "the library passes its audit"

# ---- backup / restore -------------------------------------------------------
for out in bk.tar bk.zip bkdir; do
    "$TULIEU" backup -L lib "$out" > bk.txt 2>&1
    is "$?" 0 "backup to $out"
    $CHECK "$out" > chk.txt 2>&1
    is "$?" 0 "the backup $out is a valid bag: $(cat chk.txt | head -2)"
    rm -rf new
    "$TULIEU" restore "$out" new > rs.txt 2>&1
    is "$?" 0 "restore $out"
    contains rs.txt "restored 2 documents" "restore reports what it verified"
    "$TULIEU" audit -L new > aud.txt 2>&1
    is "$?" 0 "the restored library passes tulieu audit"
    "$TULIEU" export -L new > e2.json
    ok "the restored library exports the same" cmp e1.json e2.json
done
"$TULIEU" search -L new population > s.txt
contains s.txt "1 hit" "the restored library is searchable"
ok "the backup holds the catalog" test -f bkdir/data/tulieu.db

# A damaged backup: refused, and no half library left behind.
f=$(ls bkdir/data/objects/*/originals/* | head -1)
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[100]^=1; open(p,"wb").write(b)' "$f"
"$TULIEU" restore bkdir bad > rs.txt 2>&1
is "$?" 1 "a backup with a flipped byte is refused"
contains rs.txt "originals/" "naming the file"
ok "no library is left" test ! -e bad
size=$(stat -c %s bk.tar); head -c $((size * 2 / 3)) bk.tar > cut.tar
"$TULIEU" restore cut.tar bad2 > rs.txt 2>&1
is "$?" 1 "a truncated backup is refused"
ok "no library is left for it either" test ! -e bad2
"$TULIEU" restore bk.tar lib > rs.txt 2>&1
is "$?" 2 "restore never writes over a library"

# ---- rebuild -------------------------------------------------------------------
cp -r lib lib2
id=$(python3 -c 'import json; print(json.load(open("e1.json"))["documents"][1]["id"])')
"$TULIEU" export -L lib2 --format bagit -o ev.tar "$id" > /dev/null
events() { python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1] + "/tulieu.db")
for r in db.execute("select doc_id, what, at, agent, coalesce(detail, \"\") from events "
                    "where doc_id is not null order by doc_id, id"):
    print("|".join(r))' "$1"; }
events lib2 > ev-before.txt
rm -f lib2/tulieu.db lib2/tulieu.db-wal lib2/tulieu.db-shm
rm -rf lib2/index
"$TULIEU" rebuild -L lib2 > rb.txt 2>&1
is "$?" 0 "rebuild after deleting tulieu.db and the index"
"$TULIEU" export -L lib2 > e3.json
ok "the rebuilt library exports the same JSON" cmp e1.json e3.json
events lib2 > ev-after.txt
ok "every document's events come back" cmp ev-before.txt ev-after.txt
contains ev-after.txt "|exported|" "the export event among them"
"$TULIEU" audit -L lib2 > /dev/null 2>&1
is "$?" 0 "the rebuilt library passes its audit"
"$TULIEU" search -L lib2 population > s.txt
contains s.txt "1 hit" "the rebuilt index finds the page"

# ---- reprocess -------------------------------------------------------------------
# The stored text is spoiled (its manifest line too, as a bad model would
# have written it); reprocessing reads the originals again.
python3 - "$id" <<'PY'
import hashlib, re, sys
pkg = "lib2/objects/%s/" % sys.argv[1]
text = open(pkg + "document.json").read()
open(pkg + "document.json", "w").write(re.sub(r'"text": "[^"]*"', '"text": "spoiled"', text))
sha = hashlib.sha256(open(pkg + "document.json", "rb").read()).hexdigest()
lines = [("%s  document.json\n" % sha) if l.endswith("  document.json\n") else l
         for l in open(pkg + "manifest-sha256.txt")]
open(pkg + "manifest-sha256.txt", "w").writelines(lines)
PY
"$TULIEU" audit -L lib2 > /dev/null 2>&1
is "$?" 0 "the spoiled package is consistent with its manifest"
ok "and its text is spoiled" grep -q '"text": "spoiled"' "lib2/objects/$id/document.json"
orig_before=$(cat lib2/objects/$id/originals/* | sha256sum)
"$TULIEU" reprocess -L lib2 "$id" > rp.txt 2>&1
is "$?" 0 "reprocess one document"
sed 's/^/# /' rp.txt
"$TULIEU" export -L lib2 > e4.json
ok "its text is recognised again from the originals" cmp e1.json e4.json
is "$(cat lib2/objects/$id/originals/* | sha256sum)" "$orig_before" "the originals are untouched"
ok "its earlier events are kept" grep -q '"what":"exported"' "lib2/objects/$id/events.jsonl"
ok "a reprocessed event is added" grep -q '"what":"reprocessed"' "lib2/objects/$id/events.jsonl"
"$TULIEU" audit -L lib2 > /dev/null 2>&1
is "$?" 0 "the library passes its audit after reprocessing"
ok "staging is empty" sh -c '[ -z "$(ls lib2/staging)" ]'
"$TULIEU" reprocess -L lib2 nosuchdoc > rp.txt 2>&1
is "$?" 1 "reprocessing an unknown id fails"
contains rp.txt "nosuchdoc" "naming it"
done_testing
