#!/bin/bash
# docs.sh - how well tulieu describes documents on the dev corpus: documents
# split exactly, class accuracy and the Dublin Core fields right (type,
# identifier, date, creator; title within 10 % edits), for box-01 (the box
# with an inventory) and for the rest apart; then the text classifier alone
# and with the layout cues on the truth text of every document (its training
# set, ocr/train/, is not the dev corpus).
# Usage: bench/docs.sh [BUILD_DIR] [CORPUS] [--no-inventory]
#   (defaults: _build/release, ../shared/corpus).  With --no-inventory box-01
#   is ingested without its inventory.csv (a copy without it), to measure
#   what is read off the pages alone.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build/release}
corpus=${2:-$top/../shared/corpus}
noinv=${3:-}
tulieu=$build/tulieu
work=$(mktemp -d /tmp/tulieu-docs-XXXXXX)
trap 'rm -rf "$work"' EXIT
export TULIEU_MODEL=${TULIEU_MODEL:-$top/ocr/classes.model}

box1=$corpus/box-01
if [ "$noinv" = --no-inventory ]; then
    mkdir -p "$work/corpus"
    cp -a "$corpus/box-01" "$work/corpus/box-01"
    rm -f "$work/corpus/box-01/inventory.csv"
    box1=$work/corpus/box-01
fi
echo "== tulieu ingest of the dev corpus ($(date -u +%Y-%m-%d), model $TULIEU_MODEL)"
"$tulieu" init "$work/lib" >/dev/null
"$tulieu" ingest -q -L "$work/lib" "$box1" "$corpus/box-02" "$corpus/loose" > "$work/ingest.out" 2>&1 || true
tail -1 "$work/ingest.out"
"$tulieu" export -L "$work/lib" -o "$work/export.json"
# Scored once over the whole corpus (page names such as 0001.tif are only
# told apart with every box present), then counted per group of documents.
python3 "$top/bench/score.py" "$work/export.json" --truth "$corpus/truth" --json > "$work/score.json" || true
python3 - "$work/score.json" "${noinv:+ (inventory not used)}" <<'PY'
import json, sys
docs = json.load(open(sys.argv[1]))["documents"]["documents"]
groups = [("box-01" + sys.argv[2], lambda d: all(p.startswith("box-01/") for p in d["pages"])),
          ("box-02 and loose", lambda d: not all(p.startswith("box-01/") for p in d["pages"])),
          ("all", lambda d: True)]
for name, keep in groups:
    ds = [d for d in docs if keep(d)]
    split = sum(d["split_exact"] for d in ds)
    cls = sum(d.get("export_class") == d["class"] for d in ds)
    f_ok = sum(v["ok"] for d in ds for v in (d.get("dc") or {}).values())
    f_all = sum(len(d.get("dc") or {}) for d in ds)
    print("== %s: %d documents" % (name, len(ds)))
    print("documents split exactly %d/%d; class %d/%d = %.1f %%; dc fields right %d/%d = %.1f %%"
          % (split, len(ds), cls, len(ds), 100.0 * cls / max(1, len(ds)), f_ok, f_all,
             100.0 * f_ok / max(1, f_all)))
    for d in ds:
        for k, v in (d.get("dc") or {}).items():
            if not v["ok"]:
                print("  %s dc:%s: truth %r, read %r" % (d["id"], k, v["truth"], v["got"]))
        if d.get("export_class") != d["class"]:
            print("  %s class: truth %s, read %s" % (d["id"], d["class"], d.get("export_class")))
PY

echo "== text classifier on the truth text of each document"
python3 "$top/bench/docs-evaldir.py" "$corpus/truth" "$work/eval" >/dev/null
echo "-- with the layout cues (as ingest uses it)"
"$tulieu" classify --eval "$work/eval" --quiet
echo "-- words alone (--text-only)"
"$tulieu" classify --eval "$work/eval" --quiet --text-only
