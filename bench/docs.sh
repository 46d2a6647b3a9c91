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
for part in "box-01 (inventory${noinv:+ not used}):--only box-01/" "box-02 and loose:--only box-02/ --only loose/" "all:"; do
    name=${part%%:*}; opts=${part#*:}
    echo "== $name"
    # shellcheck disable=SC2086
    python3 "$top/bench/score.py" "$work/export.json" --truth "$corpus/truth" $opts --quiet |
        grep -E "^(documents split|class:|dc)" || true
done

echo "== text classifier on the truth text of each document"
python3 "$top/bench/docs-evaldir.py" "$corpus/truth" "$work/eval" >/dev/null
echo "-- with the layout cues (as ingest uses it)"
"$tulieu" classify --eval "$work/eval" --quiet
echo "-- words alone (--text-only)"
"$tulieu" classify --eval "$work/eval" --quiet --text-only
