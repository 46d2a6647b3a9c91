#!/bin/sh
# archive-bagit.sh - BagIt bags out and in on real pages: export as a folder,
# a zip and a tar, each accepted by an independent checker (bagit-check.py,
# Python only); import of each into a second library that then passes its
# audit and exports the same documents; and bags with a fault (a flipped
# byte, '../', an absolute path, a symlink, a device, a truncated zip or tar,
# a missing manifest line) refused whole, the library untouched.
. "$TOP_SRCDIR/tests/lib.sh"
CHECK="python3 $TOP_SRCDIR/tests/bagit-check.py"

"$TOP_BUILDDIR/tests/mkfixtures" fx || exit 1
"$TULIEU" init lib >/dev/null
"$TULIEU" ingest -q -L lib fx/box fx/multi.tif > out.txt 2>&1
is "$?" 0 "ingest drawn pages"
"$TULIEU" export -L lib > e1.json
ids=$(python3 -c 'import json; print(" ".join(d["id"] for d in json.load(open("e1.json"))["documents"]))')
set -- $ids
is "$#" 3 "three documents filed"

# ---- export in three forms, each checked independently ----------------------
for out in bag bag.zip bag.tar; do
    "$TULIEU" export -L lib --format bagit -o "$out" > x.txt 2> err.txt
    is "$?" 0 "export --format bagit -o $out"
    $CHECK "$out" > chk.txt 2>&1
    is "$?" 0 "independent check accepts $out: $(cat chk.txt | head -3)"
done
ok "the folder bag holds each package under data/<id>/" test -f "bag/data/$1/document.json"
ok "bag-info.txt has Payload-Oxum" grep -q '^Payload-Oxum: [0-9]*\.[0-9]*$' bag/bag-info.txt
ok "bag-info.txt has Bagging-Date" grep -q '^Bagging-Date: ' bag/bag-info.txt
ok "bag-info.txt has Source-Organization" grep -q '^Source-Organization: ' bag/bag-info.txt
"$TULIEU" export -L lib --format bagit --as tar -o plain > /dev/null
ok "--as tar writes a tar whatever the name" tar tf plain
"$TULIEU" export -L lib --format bagit -o one.zip "$2" > /dev/null
$CHECK one.zip > chk.txt 2>&1
is "$?" 0 "a bag of one chosen document is valid"
python3 -c 'import zipfile; print("\n".join(zipfile.ZipFile("one.zip").namelist()))' > one.txt
ok "it holds that document only" sh -c "grep -q 'data/$2/' one.txt && ! grep -q 'data/$1/' one.txt"
"$TULIEU" export -L lib --format bagit -o q.tar --query population > /dev/null
is "$?" 0 "a bag of a query's results"
ok "the query's bag holds the multi-page document" sh -c "tar tf q.tar | grep -q 'data/$3/document.json'"
"$TULIEU" export -L lib --format bagit -o box.tar --box box > /dev/null
ok "a bag of a box holds its two documents" sh -c "[ \$(tar tf box.tar | grep -c '/document.json\$') = 2 ]"
"$TULIEU" export -L lib --format bagit > /dev/null 2>&1
is "$?" 2 "bagit without -o is a usage error"
"$TULIEU" export -L lib --format bagit -o bag > /dev/null 2>&1
is "$?" 2 "an existing OUT is not overwritten"
ok "the export is recorded in each package's events" grep -q '"what":"exported"' "lib/objects/$1/events.jsonl"

# ---- round trips: import into a second library, audit, same export ----------
for b in bag bag.zip bag.tar; do
    rm -rf lib2
    "$TULIEU" init lib2 > /dev/null
    "$TULIEU" import -L lib2 "$b" > imp.txt 2>&1
    is "$?" 0 "import $b"
    contains imp.txt "3 documents imported" "import $b files three documents"
    "$TULIEU" audit -L lib2 > aud.txt 2>&1
    is "$?" 0 "the library imported from $b passes its audit"
    "$TULIEU" export -L lib2 > e2.json
    ok "the library imported from $b exports the same documents in the same order" cmp e1.json e2.json
done
"$TULIEU" search -L lib2 population > s.txt
contains s.txt "$3" "imported documents are searchable"
python3 - "$1" > cat.txt <<'PY'
import sqlite3, sys
db = sqlite3.connect("lib2/tulieu.db")
print("pages", db.execute("select count(*) from pages").fetchone()[0])
print("kinds", ",".join(r[0] for r in db.execute(
    "select distinct what from events where doc_id = ? order by id", (sys.argv[1],))))
PY
contains cat.txt "pages 5" "the catalog of the second library lists the five pages"
contains cat.txt "kinds ingested,recognised,exported,imported" "events kept: ingested, recognised and exported there, imported here"
"$TULIEU" import -L lib2 bag > imp.txt 2>&1
is "$?" 0 "importing the same bag again"
contains imp.txt "already in the library, skipped" "documents already there are skipped and said so"
contains imp.txt "0 documents imported, 3 already there" "nothing filed twice"

# ---- refusals: each bag refused whole, the target library untouched ---------
rm -rf lib3
"$TULIEU" init lib3 > /dev/null
"$TULIEU" import -L lib3 one.zip > /dev/null 2>&1
state() { (cd lib3 && find . -type f ! -name lock ! -name 'tulieu.db-*' | sort | xargs sha256sum); }
state > before.txt
refused() {  # refused BAG ENTRY-TEXT DESCRIPTION
    "$TULIEU" import -L lib3 "$1" > imp.txt 2> err.txt
    is "$?" 1 "refused: $3"
    contains err.txt "$2" "the refusal names it: $3"
    state > after.txt
    ok "library untouched: $3" cmp before.txt after.txt
    ok "staging empty: $3" sh -c '[ -z "$(ls lib3/staging)" ]'
}
rm -rf flip && cp -r bag flip
f=$(ls flip/data/$1/pages/0001.txt)
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[2]^=1; open(p,"wb").write(b)' "$f"
refused flip "data/$1/pages/0001.txt: bad checksum" "a flipped byte"
rm -rf unlisted && cp -r bag unlisted && echo extra > unlisted/data/extra.txt
refused unlisted "data/extra.txt: in the bag but in no manifest line" "a file without a manifest line"
rm -rf noline && cp -r bag noline && sed -i '/originals/d' noline/manifest-sha256.txt
refused noline "in no manifest line" "a missing manifest line"
rm -rf oxum && cp -r bag oxum && sed -i 's/^Payload-Oxum: .*/Payload-Oxum: 1.1/' oxum/bag-info.txt
refused oxum "tagmanifest" "bag-info.txt changed under its tag manifest"
rm -rf link && cp -r bag link && ln -s /etc/passwd link/data/passwd
refused link "data/passwd: a symbolic link" "a symlink"
python3 - <<'PY'
import io, tarfile, zipfile
def add(t, name, data=b"x"):
    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
with tarfile.open("dotdot.tar", "w") as t:
    add(t, "bag/bagit.txt", b"BagIt-Version: 1.0\n"); add(t, "bag/data/../../evil.txt")
with tarfile.open("abs.tar", "w") as t:
    add(t, "/tmp/tulieu-evil-abs.txt")
with tarfile.open("sym.tar", "w") as t:
    i = tarfile.TarInfo("bag/data/l"); i.type = tarfile.SYMTYPE; i.linkname = "/etc/passwd"
    t.addfile(i)
with tarfile.open("dev.tar", "w") as t:
    i = tarfile.TarInfo("bag/data/d"); i.type = tarfile.CHRTYPE; i.devmajor = 1; i.devminor = 3
    t.addfile(i)
with zipfile.ZipFile("dotdot.zip", "w") as z:
    z.writestr("bag/bagit.txt", "BagIt-Version: 1.0\n"); z.writestr("../evil.txt", "x")
PY
refused dotdot.tar "bag/data/../../evil.txt: absolute path or '..'" "a ../ entry in a tar"
refused dotdot.zip "../evil.txt: absolute path or '..'" "a ../ entry in a zip"
refused abs.tar "/tmp/tulieu-evil-abs.txt: absolute path" "an absolute path"
refused sym.tar "bag/data/l: a link" "a symlink entry"
refused dev.tar "bag/data/d: a device" "a device entry"
ok "nothing was written outside" sh -c '! ls ../evil.txt evil.txt /tmp/tulieu-evil-abs.txt 2>/dev/null'
size=$(stat -c %s bag.zip); head -c $((size / 2)) bag.zip > cut.zip
refused cut.zip "truncated or damaged zip" "a truncated zip"
size=$(stat -c %s bag.tar); head -c $((size / 2)) bag.tar > cut.tar
refused cut.tar "truncated" "a truncated tar"
# A package whose own manifest disagrees, in a bag whose manifests were
# made to match: caught by the package check before anything is filed.
rm -rf inner && cp -r bag inner
echo changed >> "inner/data/$3/pages/0001.txt"
python3 - <<'PY'
import hashlib, os
root = "inner"
def sha(p): return hashlib.sha256(open(os.path.join(root, p), "rb").read()).hexdigest()
lines = []
for l in open(os.path.join(root, "manifest-sha256.txt")):
    h, p = l.rstrip("\n").split(None, 1)
    lines.append("%s  %s\n" % (sha(p), p))
open(os.path.join(root, "manifest-sha256.txt"), "w").writelines(lines)
files = [l.split(None, 1)[1].strip() for l in open(os.path.join(root, "manifest-sha256.txt"))]
oxum = "%d.%d" % (sum(os.path.getsize(os.path.join(root, f)) for f in files), len(files))
info = [("Payload-Oxum: " + oxum + "\n") if l.startswith("Payload-Oxum") else l
        for l in open(os.path.join(root, "bag-info.txt"))]
open(os.path.join(root, "bag-info.txt"), "w").writelines(info)
tags = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]
open(os.path.join(root, "tagmanifest-sha256.txt"), "w").writelines(
    "%s  %s\n" % (sha(t), t) for t in tags)
PY
$CHECK inner > /dev/null 2>&1
is "$?" 0 "the re-hashed bag is a valid bag"
refused inner "pages/0001.txt: sha256 is" "a package that fails its own manifest"
ok "the flipped bag is refused by the independent checker too" sh -c "! $CHECK flip"
ok "the unlisted file is refused by the independent checker too" sh -c "! $CHECK unlisted"

"$TULIEU" import -L lib3 bag.tar > imp.txt 2>&1
is "$?" 0 "after the refusals, a good bag still imports"
"$TULIEU" audit -L lib3 > /dev/null 2>&1
is "$?" 0 "and the library passes its audit"
done_testing
