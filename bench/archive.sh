#!/bin/bash
# archive.sh - what the archive steps cost beside recognition, on the dev corpus.
# Usage: bench/archive.sh [BUILD_DIR] [CORPUS]  (defaults: _build/release, ../shared/corpus)
#
# Ingests the corpus with one worker (CPU seconds: recognition and all), then
# times, on the filed library, the archive steps alone:
#   export  BagIt tar of every package (read, hash, pack)
#   import  that bag into a new library (extract, hash every file twice -
#           bag manifest and package manifest - rename, catalog, index): more
#           than ingest's own filing does (one copy and hash of each original,
#           outputs written once), so an upper bound of its overhead
#   rebuild the catalog and index from the packages alone (hash all, catalog)
#   backup  the whole library as one tar bag (catalog snapshot, hash, pack)
#   audit   re-hash every stored file
# and, for comparison, the tools a user would reach for instead: sha256sum
# of every file plus tar of the library.  CPU seconds (user+sys) are used,
# the machine being shared; wall seconds are printed too.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build/release}
corpus=${2:-$top/../shared/corpus}
tulieu=$build/tulieu
work=$(mktemp -d /tmp/tulieu-bench-archive-XXXXXX)
trap 'rm -rf "$work"' EXIT
export OMP_THREAD_LIMIT=1

# run NAME COMMAND...: records "NAME cpu wall" in $work/times
run() {
    local name=$1; shift
    /usr/bin/time -f "%U %S %e" -o "$work/t.$name" "$@" > "$work/out.$name" 2>&1 ||
        { echo "$name failed:"; tail -5 "$work/out.$name"; exit 1; }
    awk -v n="$name" '{printf "%s %.2f %.2f\n", n, $1 + $2, $3}' "$work/t.$name" >> "$work/times"
}

echo "machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); build $build"
parts=()
for d in box-01 box-02 loose; do [ -d "$corpus/$d" ] && parts+=("$corpus/$d"); done
echo "corpus: $(find -L "${parts[@]}" -type f | wc -l) files, $(du -shL "${parts[@]}" | cut -f1 | tr '\n' ' ')"
"$tulieu" init "$work/lib" > /dev/null
run ingest "$tulieu" ingest -q --jobs 1 -L "$work/lib" "${parts[@]}"
tail -1 "$work/out.ingest"
run export "$tulieu" export -L "$work/lib" --format bagit -o "$work/all.tar"
"$tulieu" init "$work/lib2" > /dev/null
run import "$tulieu" import -L "$work/lib2" "$work/all.tar"
cp -r "$work/lib" "$work/lib3"
rm -f "$work/lib3/tulieu.db"*
run rebuild "$tulieu" rebuild -L "$work/lib3"
run backup "$tulieu" backup -L "$work/lib" "$work/backup.tar"
run audit "$tulieu" audit -L "$work/lib"
# What a user might do instead: hash every file, then tar the folder.
run sha256sum sh -c "cd '$work/lib' && find objects -type f -print0 | xargs -0 sha256sum > '$work/sums.txt'"
run tar tar cf "$work/plain.tar" -C "$work" lib

awk '
{ cpu[$1] = $2; wall[$1] = $3; order[++k] = $1 }
END {
    r = cpu["ingest"]
    printf "%-10s %9s %9s %12s\n", "step", "cpu s", "wall s", "% of ingest"
    for (i = 1; i <= k; i++) {
        n = order[i]
        printf "%-10s %9.2f %9.2f %11.1f%%\n", n, cpu[n], wall[n], (r > 0 ? 100 * cpu[n] / r : 0)
    }
    base = cpu["sha256sum"] + cpu["tar"]
    if (base > 0)
        printf "export (BagIt tar) / (sha256sum + tar): %.2f\n", cpu["export"] / base
}' "$work/times"
echo "bags: export $(du -h "$work/all.tar" | cut -f1), backup $(du -h "$work/backup.tar" | cut -f1)," \
     "plain tar $(du -h "$work/plain.tar" | cut -f1)"
