#!/bin/sh
# correct.sh - `tulieu correct`: staff corrections of class and Dublin Core
# are kept in the catalog with who and when, win in the export and when a
# document is loaded, leave the package (and its audit) untouched, and still
# win after the document is filed again.
. "$TOP_SRCDIR/tests/lib.sh"

"$TOP_BUILDDIR/tests/mkfixtures" fx || exit 1
"$TULIEU" init lib >/dev/null
"$TULIEU" ingest -q -L lib fx/multi.tif > ingest.txt 2>&1
is "$?" 0 "ingest a document"
ID=$(ls lib/objects)
ok "one package" test -n "$ID" -a -d "lib/objects/$ID"

sql() {  # sql STATEMENTS: run on the catalog, print the rows (Python's sqlite3:
         # the sqlite3 program is not among the packages the quickstart installs)
    python3 -c 'import sqlite3,sys; db=sqlite3.connect("lib/tulieu.db"); rows=list(db.executescript(sys.argv[1]) if ";" in sys.argv[1].rstrip(";") else db.execute(sys.argv[1])); db.commit(); print("\n".join("|".join(map(str, r)) for r in rows))' "$1"
}

jget() {  # jget EXPORT PYTHON-EXPRESSION-ON-d (the first document)
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["documents"][0]; print(eval(sys.argv[2]))' "$1" "$2"
}

"$TULIEU" correct --help > h.txt; is "$?" 0 "correct --help exits 0"
contains h.txt "Usage: tulieu correct" "and shows its usage"
"$TULIEU" correct -L lib "$ID" title "X" 2>err.txt; is "$?" 2 "no --by: 2"
contains err.txt "--by" "and says who is missing"
"$TULIEU" correct -L lib --by An "$ID" colour red 2>err.txt; is "$?" 2 "an unknown field: 2"
contains err.txt "'colour' is not a field" "naming it"
"$TULIEU" correct -L lib --by An "$ID" date 1998-02-30 2>err.txt; is "$?" 2 "an impossible date: 2"
contains err.txt "1998-02-30" "naming it"
"$TULIEU" correct -L lib --by An "$ID" class memo 2>err.txt; is "$?" 2 "an unknown class: 2"
"$TULIEU" correct -L lib --by An nosuchdoc title X 2>err.txt; is "$?" 2 "an unknown document: 2"
contains err.txt "nosuchdoc" "naming it"
"$TULIEU" correct -L nolib --by An "$ID" title X 2>err.txt; is "$?" 2 "a missing library: 2"

"$TULIEU" export -L lib -o before.json
"$TULIEU" correct -L lib --by "Nguyễn Văn An" "$ID" title "Về việc thử nghiệm" > out.txt
is "$?" 0 "correct the title"
contains out.txt "corrected by Nguyễn Văn An" "and says so"
"$TULIEU" correct -L lib --by "Trần Thị Bình" "$ID" title "Về việc thử nghiệm số hóa" >/dev/null
"$TULIEU" correct -L lib --by "Trần Thị Bình" "$ID" class cong-van >/dev/null
"$TULIEU" correct -L lib --by "Trần Thị Bình" "$ID" date 1998-01-09 >/dev/null
"$TULIEU" correct -L lib --by "Trần Thị Bình" "$ID" subject "dân số; lao động" >/dev/null
is "$?" 0 "four more corrections"

# The index follows at once, not only after `tulieu reindex`.
"$TULIEU" search -L lib -d 'title:"thử nghiệm số hóa"' > found.txt 2>&1
contains found.txt "$ID" "the corrected title is searchable at once"
"$TULIEU" search -L lib -d -f class=cong-van "" > found.txt 2>&1
contains found.txt "$ID" "and the corrected class filters"
"$TULIEU" search -L lib -d -f year=1998 "" > found.txt 2>&1
contains found.txt "$ID" "and the corrected date's year"
is "$(sql "SELECT indexed FROM documents WHERE id = '$ID'")" "1" "the catalog marks it indexed"

"$TULIEU" export -L lib -o after.json
is "$(jget after.json 'd["dc"]["title"]')" "Về việc thử nghiệm số hóa" "the latest title wins in the export"
is "$(jget after.json 'd["class"]')" "cong-van" "the corrected class"
is "$(jget after.json 'd["dc"]["type"]')" "Công văn" "dc:type follows the class"
is "$(jget after.json 'd["dc"]["date"]')" "1998-01-09" "the corrected date"
is "$(jget after.json '"|".join(d["dc"]["subject"])')" "dân số|lao động" "subjects as a list"
is "$(jget after.json 'len(d["corrections"])')" "5" "every correction travels with the document"
is "$(jget after.json 'd["corrections"][0]["by"]')" "Nguyễn Văn An" "who made it"
ok "and when (ISO 8601 UTC)" python3 -c 'import json,re,sys; d=json.load(open("after.json"))["documents"][0]; sys.exit(not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", d["corrections"][0]["at"]))'
ok "the pages are untouched" python3 -c 'import json; a, b = (json.load(open(f))["documents"][0]["pages"] for f in ("before.json", "after.json")); assert a == b and a[0]["text"]' 
ok "the export is still one JSON object" python3 -c 'import json; json.load(open("after.json"))'

"$TULIEU" correct -L lib --list "$ID" > list.txt
is "$?" 0 "correct --list"
is "$(wc -l < list.txt)" "5" "lists the five corrections"
contains list.txt "Nguyễn Văn An	title	Về việc thử nghiệm" "with who, the field and the value"
is "$(sql "SELECT count(*) FROM events WHERE what = 'corrected' AND doc_id = '$ID'")" "5" \
   "one 'corrected' event each"
is "$(sql "SELECT title FROM documents WHERE id = '$ID'")" "Về việc thử nghiệm số hóa" \
   "the catalog's title follows"

"$TULIEU" audit -L lib > audit.txt 2>&1
is "$?" 0 "the package is not changed: the audit stays clean"

# Reprocessing: the document is taken out and filed again from its pages;
# its corrections still win.
sql "DELETE FROM pages WHERE doc_id = '$ID'; DELETE FROM documents WHERE id = '$ID';" >/dev/null
rm -rf "lib/objects/$ID"
"$TULIEU" ingest -q -L lib fx/multi.tif > ingest2.txt 2>&1
is "$?" 0 "file the document again"
"$TULIEU" export -L lib -o again.json
is "$(jget again.json 'd["id"]')" "$ID" "under the same id"
is "$(jget again.json 'd["dc"]["title"]')" "Về việc thử nghiệm số hóa" "the correction wins again"

# Removing a field: an empty value.
"$TULIEU" correct -L lib --by An "$ID" subject "" >/dev/null
"$TULIEU" export -L lib -o removed.json
is "$(jget removed.json '"subject" in d["dc"]')" "False" "an empty value removes the field"

done_testing
