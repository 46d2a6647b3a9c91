#!/bin/bash
# cer.sh - accuracy and speed of `tulieu ingest` on the dev corpus, beside the
# bare `tesseract` command (one process per file, -l vie+eng) in the same run.
# Usage: bench/cer.sh [BUILD_DIR] [CORPUS]   (defaults: _build/release, ../shared/corpus)
# Prints both CERs (bench/score.py) and the wall-clock ratio tulieu/tesseract.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build/release}
corpus=${2:-$top/../shared/corpus}
tulieu=$build/tulieu
# the quickstart installs Tesseract's library and models, not its command
if ! command -v tesseract >/dev/null 2>&1; then
    echo "bench/cer.sh: the tesseract command is missing (Debian: apt-get install tesseract-ocr)" >&2
    exit 2
fi
work=$(mktemp -d /tmp/tulieu-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%Y-%m-%d)"
echo "== tulieu ingest (all cores)"
"$tulieu" init "$work/lib" >/dev/null
t0=$(now)
/usr/bin/time -f "peak memory %M KB" "$tulieu" ingest -q -L "$work/lib" \
    "$corpus/box-01" "$corpus/box-02" "$corpus/loose" > "$work/ingest.out" 2> "$work/time.txt" || true
t1=$(now)
tail -1 "$work/ingest.out"; grep "peak memory" "$work/time.txt" || true
"$tulieu" export -L "$work/lib" -o "$work/export.json"
python3 "$top/bench/score.py" "$work/export.json" --truth "$corpus/truth" --quiet > "$work/score.txt" || true
grep -E "overall|split exactly" "$work/score.txt"

echo "== bare tesseract, one process per file, files in turn"
mkdir -p "$work/tess"
t2=$(now)
for f in "$corpus"/box-01/*.tif "$corpus"/box-02/*.tif "$corpus"/loose/*; do
    rel=${f#"$corpus"/}
    key=${rel//\//__}
    OMP_THREAD_LIMIT=1 tesseract "$f" "$work/tess/out" -l vie+eng 2>/dev/null
    # A multi-page file comes out as one text with a form feed after each page.
    python3 - "$work/tess/out.txt" "$work/tess/$key" <<'PY'
import sys
pages = open(sys.argv[1], encoding="utf-8").read().split("\f")
for i, text in enumerate(p for p in pages if p.strip() or len(pages) == 1):
    open("%s_p%d.txt" % (sys.argv[2], i + 1), "w", encoding="utf-8").write(text)
PY
done
t3=$(now)
rm -f "$work/tess/out.txt"
python3 "$top/bench/score.py" --text-dir "$work/tess" --truth "$corpus/truth" --quiet | grep overall || true

python3 - "$t0" "$t1" "$t2" "$t3" <<'PY'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:])
print("wall clock: tulieu ingest %.1f s (cleanup, OSD, OCR, filing, index), "
      "tesseract %.1f s (OCR only, one core); ratio tulieu/tesseract %.2f"
      % (t1 - t0, t3 - t2, (t1 - t0) / (t3 - t2)))
PY
