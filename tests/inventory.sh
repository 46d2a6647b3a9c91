#!/bin/sh
# inventory.sh - a box inventory splits the box and its fields win; a bad one
# stops that box before anything is filed, naming the file and the line.
. "$TOP_SRCDIR/tests/lib.sh"

"$TOP_BUILDDIR/tests/mkfixtures" fx >/dev/null
# fx/box: 0001.tif text, 0002.tif blank, 0003.png and 0004.jpg a letter.
printf '\357\273\277first_page,last_page,title,date,creator\r\n0001.tif,0001.tif,"Báo cáo, số liệu ""lao động""",1997-05-20,"CỤC THỐNG KÊ"\r\n0003.png,0004.jpg,Công văn về điều tra,1998-01-09,\r\n' > inv.csv
"$TULIEU" init lib >/dev/null
"$TULIEU" ingest -q -L lib --inventory inv.csv fx/box > out.txt 2> err.txt; is "$?" 0 "ingest with --inventory"
contains out.txt "filed 2 documents (3 pages)" "split by its rows"
"$TULIEU" export -L lib -o e.json; is "$?" 0 "export"
# dc_lines EXPORT: "source|pages|title|date|creator" per document
dc_lines() {
    python3 - "$1" <<'PY'
import json, sys
for d in json.load(open(sys.argv[1]))["documents"]:
    dc = d["dc"]
    print("|".join([d["pages"][0]["source"], str(len(d["pages"])), dc.get("title", ""),
                    dc.get("date", ""), dc.get("creator", "")]))
PY
}
dc_lines e.json > dc.txt
contains dc.txt '0001.tif|1|Báo cáo, số liệu "lao động"|1997-05-20|CỤC THỐNG KÊ' "the row's fields win, quotes and commas kept"
contains dc.txt '0003.png|2|Công văn về điều tra|1998-01-09|' "second row: two pages, title and date"

# Reprocessing reads the page again; the row's fields still win, from the
# inventory.json the package keeps.
id=$(python3 -c 'import json; print([d["id"] for d in json.load(open("e.json"))["documents"]
      if d["pages"][0]["source"].endswith("0001.tif")][0])')
ok "the package keeps the inventory's row" grep -q '"line": 2' "lib/objects/$id/inventory.json"
"$TULIEU" reprocess -L lib "$id" > rp.txt 2>&1; is "$?" 0 "reprocess the document"
"$TULIEU" export -L lib -o e2.json; is "$?" 0 "export again"
dc_lines e2.json > dc2.txt
contains dc2.txt '0001.tif|1|Báo cáo, số liệu "lao động"|1997-05-20|CỤC THỐNG KÊ' "reprocessing keeps the inventory's fields"
ok "and the reprocessed package keeps the row" grep -q 'CỤC THỐNG KÊ' "lib/objects/$id/inventory.json"
"$TULIEU" audit -L lib > audit.txt 2>&1; is "$?" 0 "the library passes its audit"
# An inventory.json that is there but cannot be read stops the reprocessing,
# naming it, rather than dropping the row's fields (a folder in its place).
mv "lib/objects/$id/inventory.json" inv.keep && mkdir "lib/objects/$id/inventory.json"
"$TULIEU" reprocess -L lib "$id" > rp2.txt 2>&1; is "$?" 1 "reprocess with an unreadable inventory.json fails"
contains rp2.txt "$id/inventory.json: unreadable; document $id not reprocessed" "naming the file"
rmdir "lib/objects/$id/inventory.json" && mv inv.keep "lib/objects/$id/inventory.json"
"$TULIEU" export -L lib -o e3.json; dc_lines e3.json > dc3.txt
contains dc3.txt '0001.tif|1|Báo cáo, số liệu "lao động"|1997-05-20|CỤC THỐNG KÊ' "the document keeps the row's fields"

# One row over the whole box: the blank sheet inside it does not split it.
printf 'first_page,last_page,title,date,creator\n0001.tif,0004.jpg,Hồ sơ,1999,\n' > all.csv
"$TULIEU" ingest --dry-run --inventory all.csv fx/box > dry.txt 2>&1; is "$?" 0 "dry run with a one-row inventory"
contains dry.txt "would file 1 document (3 pages)" "one document, the blank sheet left out"
contains dry.txt "of 1999: Hồ sơ" "with the row's date and title"

# inventory.csv inside the box is found; pages in no row are said and split
# at separator sheets.
cp -r fx/box own
printf 'first_page,last_page,title,date,creator\n0001.tif,0001.tif,Một,2001-02-03,\n' > own/inventory.csv
"$TULIEU" ingest --dry-run own > dry2.txt 2>&1; is "$?" 0 "the box's own inventory.csv"
contains dry2.txt "of 2001-02-03: Một" "is used"
contains dry2.txt "3 of 4 page files in no row of own/inventory.csv (0002.tif, 0003.png, 0004.jpg)" "pages in no row are said"
contains dry2.txt "would file 2 documents (3 pages)" "and split at the separator sheet"

# Bad inventories: the box is not ingested at all, the line is named.
bad() {  # bad NAME CSV-TEXT LINE-AND-REASON
    printf "$2" > "bad-$1.csv"
    "$TULIEU" ingest -L lib --inventory "bad-$1.csv" fx/box > b.txt 2> be.txt
    is "$?" 1 "$1: exit 1"
    contains be.txt "bad-$1.csv:$3" "$1: names the file, line and reason"
    contains be.txt "not ingested" "$1: says the box is not ingested"
    contains b.txt "filed 0 documents (0 pages)" "$1: nothing filed"
}
"$TULIEU" init lib >/dev/null 2>&1; rm -rf lib; "$TULIEU" init lib >/dev/null
bad unknown 'first_page,last_page,title,date,creator\n0001.tif,0009.tif,A,,\n' '2: last page "0009.tif" is not a file of the box'
bad overlap 'first_page,last_page,title,date,creator\n0001.tif,0003.png,A,,\n0003.png,0004.jpg,B,,\n' '3: pages 0003.png-0004.jpg overlap'
bad order 'first_page,last_page,title,date,creator\n0003.png,0004.jpg,A,,\n0001.tif,0001.tif,B,,\n' '3: pages 0001.tif-0001.tif come before'
bad date 'first_page,last_page,title,date,creator\n0001.tif,0001.tif,A,1997-13-01,\n' '2: bad date "1997-13-01"'
bad columns 'first_page,last_page,title,date,creator\n0001.tif,0001.tif,A\n' '2: 3 columns, 5 expected'
bad utf8 'first_page,last_page,title,date,creator\n0001.tif,0001.tif,\377,,\n' '2: column 3 is not UTF-8'
ok "no document was filed" test "$(ls lib/objects | wc -l)" -eq 0

"$TULIEU" ingest -L lib --inventory inv.csv fx/box fx/multi.tif 2> u.txt; is "$?" 2 "--inventory with two paths: usage error"
contains u.txt "one box folder" "says why"
"$TULIEU" ingest -L lib --inventory missing.csv fx/box > /dev/null 2> m.txt; is "$?" 1 "a missing inventory: 1"
contains m.txt "missing.csv" "naming it"
done_testing
