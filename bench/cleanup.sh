#!/bin/sh
# cleanup.sh - cleanup time as a share of recognition time per page on the dev
# corpus (target: at most 15%), one core, in the same process as Tesseract.
# Usage: bench/cleanup.sh [BUILD_DIR] [CORPUS]   (defaults: _build/release, ../shared/corpus)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build/release}
corpus=${2:-$top/../shared/corpus}
make -C "$build" -s bench/cleanup-time >/dev/null
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%d); one core (OMP_THREAD_LIMIT=1)"
OMP_THREAD_LIMIT=1 "$build/bench/cleanup-time" "$corpus"/box-01/*.tif "$corpus"/box-02/*.tif \
    "$corpus"/loose/*
