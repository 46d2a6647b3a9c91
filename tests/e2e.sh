#!/bin/sh
# e2e.sh - the whole flow on real pages: the sample box shipped with tulieu
# and pages the test draws; ingest, search with and without diacritics,
# export, and a re-run that files nothing twice.
. "$TOP_SRCDIR/tests/lib.sh"

"$TOP_BUILDDIR/tests/mkfixtures" fx || exit 1
cp -r "$TOP_SRCDIR/samples/box-demo" box-demo
"$TULIEU" init lib >/dev/null
"$TULIEU" ingest -q -L lib box-demo fx/box fx/multi.tif > out.txt 2> err.txt
is "$?" 0 "ingest of the sample box and drawn pages"
sed 's/^/# /' out.txt err.txt
contains out.txt "filed 6 documents" "3 sample documents, 2 drawn ones split at the blank, 1 multi-page"
contains out.txt "3 separator sheets" "blank sheets counted, not filed"

"$TULIEU" export -L lib > e.json; is "$?" 0 "export"
python3 - "$TOP_SRCDIR" <<'PY' > check.txt
import json, sys, unicodedata
docs = json.load(open("e.json"))["documents"]
def say(ok, what): print(("ok" if ok else "FAIL") + " " + what)
say(len(docs) == 6, "six documents: %d" % len(docs))
keys = ["id", "class", "dc", "pages"]
say(all(list(d)[:4] == keys for d in docs), "document keys in order id, class, dc, pages")
# Sources are relative to their box, so a page is known by box, file and page.
pages = [(d["dc"].get("source", "").split(":")[0], p["source"], p["source_page"])
         for d in docs for p in d["pages"]]
say(len(pages) == len(set(pages)), "no page twice")
pages = [(s, n) for _, s, n in pages]
want = {("0001.tif", 1), ("0003.png", 1), ("0004.jpg", 1), ("multi.tif", 1), ("multi.tif", 2)}
say(want <= set(pages), "drawn pages with sources relative to their folder")
split = [[p["source"] for p in d["pages"]] for d in docs]
say(["0003.png", "0004.jpg"] in split, "pages between separators make one document")
say(["multi.tif", "multi.tif"] in split, "a multi-page file is one document")
say(all(set(p) == {"source", "source_page", "text", "tables"} for d in docs for p in d["pages"]),
    "page keys as DESIGN.md")
names = {"quyet-dinh": "Quyết định", "chi-thi": "Chỉ thị", "cong-van": "Công văn",
         "bao-cao": "Báo cáo", "bieu-so-lieu": "Biểu số liệu", "bai-viet": "Bài viết",
         "khac": "Khác"}
say(all(d["dc"].get("type") == names[d["class"]] for d in docs), "dc.type is the class's name")
# The sample box's documents are described as samples/truth says.
truth = json.load(open(sys.argv[1] + "/samples/truth/documents.json"))["documents"]
for t in truth:
    first = t["pages"][0]["file"].split("/")[-1]
    got = [d for d in docs if d["dc"].get("source", "").startswith("box-demo: " + first)]
    g = got[0] if got else {"class": None, "dc": {}}
    say(g["class"] == t["class"], "sample %s classed %s: %s" % (first, t["class"], g["class"]))
    for k in ("identifier", "date", "creator", "title"):
        if k in t["dc"]:
            say(g["dc"].get(k) == t["dc"][k], "sample %s dc.%s: %s" % (first, k, g["dc"].get(k)))
say(all(p["text"] == unicodedata.normalize("NFC", p["text"]) for d in docs for p in d["pages"]),
    "text is NFC")
texts = " ".join(p["text"] for d in docs for p in d["pages"])
say("population" in texts and "labour" in texts, "drawn text recognised")
say("Thống kê" in texts or "thống kê" in texts or "THỐNG KÊ" in texts, "Vietnamese recognised with diacritics")
PY
while read -r res what; do is "$res" ok "export: $what"; done < check.txt

"$TULIEU" search -L lib "thống kê" > s1.txt; is "$?" 0 "search with diacritics"
"$TULIEU" search -L lib "thong ke" > s2.txt; is "$?" 0 "search without diacritics"
"$TULIEU" search -L lib "THỐNG KÊ" > s3.txt
h1=$(head -1 s1.txt | cut -d' ' -f1); h2=$(head -1 s2.txt | cut -d' ' -f1); h3=$(head -1 s3.txt | cut -d' ' -f1)
ok "diacritic search finds sample pages ($h1)" test "$h1" -gt 0
is "$h2" "$h1" "the same pages found without diacritics"
is "$h3" "$h1" "and in capitals"
"$TULIEU" search -L lib population > s4.txt
contains s4.txt "page 1 (0001.tif)" "hit names its page and source"
contains s4.txt "[population]" "snippet marks the hit"
"$TULIEU" search -L lib --json labour > s5.json
python3 -c 'import json; d=json.load(open("s5.json")); assert d["total"] >= 2 and all("doc_id" in h for h in d["hits"])'
is "$?" 0 "--json gives hits for scripts"

# Each package keeps its Dublin Core record as oai_dc XML, valid against the
# published schema (kept in tests/schemas; no network).
ndc=0; bad=0
for f in lib/objects/*/dc.xml; do
    ndc=$((ndc + 1))
    xmllint --nonet --noout --schema "$TOP_SRCDIR/tests/schemas/oai_dc.xsd" "$f" 2>>dc.err || bad=$((bad + 1))
done
is "$ndc" "$(ls lib/objects | wc -l)" "every package has dc.xml"
is "$bad" 0 "every dc.xml is valid oai_dc"
grep -q "<dc:identifier>123/QĐ-TCTK</dc:identifier>" lib/objects/*/dc.xml
is "$?" 0 "dc.xml carries the identifier read off the page"

# Running again files nothing twice.
"$TULIEU" ingest -q -L lib box-demo fx/box fx/multi.tif > again.txt 2>&1
is "$?" 0 "re-run succeeds"
contains again.txt "filed 0 documents" "re-run files nothing"
"$TULIEU" export -L lib > e2.json
python3 -c 'import json; a=json.load(open("e.json")); b=json.load(open("e2.json")); assert a == b'
is "$?" 0 "export unchanged by the re-run"
done_testing
