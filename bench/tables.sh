#!/bin/bash
# tables.sh - the dev corpus's table records read by `tulieu ingest`, beside
# the naive reading (Tesseract's words grouped into its lines) in the same
# run: recall, precision and F1 per table style (bench/tables_score.py).
# Usage: bench/tables.sh [BUILD_DIR] [CORPUS]   (defaults: _build/release, ../shared/corpus)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build/release}
corpus=${2:-$top/../shared/corpus}
tulieu=$build/tulieu
work=$(mktemp -d /tmp/tulieu-bench-tables-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores; $(date -u +%Y-%m-%d)"
"$tulieu" init "$work/lib" >/dev/null
t0=$(date +%s)
# The corpus root, so sources come out as box-01/0013.tif.
"$tulieu" ingest -q -L "$work/lib" "$corpus" > "$work/ingest.out" 2>&1 || true
t1=$(date +%s)
tail -1 "$work/ingest.out"
echo "ingest: $((t1 - t0)) s"
"$tulieu" export -L "$work/lib" --format json -o "$work/export.json"
python3 "$top/bench/tables_score.py" "$work/export.json" --truth "$corpus/truth" \
    --library "$work/lib" ${TABLES_SCORE_OPTS:-}
