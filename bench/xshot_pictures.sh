#!/bin/sh
# Picture quality of the real app in a real xterm with sixel (xterm -ti vt340, 256 registers).
#   sh bench/xshot_pictures.sh OUT_DIR [BEFORE_TREE]      (needs ../shared/tools/xshot.py)
# after  = `e621-tui --demo --graphics sixel` from this tree;
# before = the same from BEFORE_TREE (e.g. `git archive <old commit> | tar -x -C /tmp/before`),
#          if given. Shots: the grid at 120x40 and 160x50, a post screen at 120x40; then the
#          figures of bench/picture_quality.py for each.
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/picture-shots}
BEFORE=${2:-}
XSHOT=${XSHOT:-/work/shared/tools/xshot.py}
PY=${PY:-$(pwd)/.venv/bin/python}
mkdir -p "$OUT"
shot() {  # name size tree keys
    python3 "$XSHOT" --term xterm-sixel --tn xterm-256color --size "$2" --out "$OUT/$1.png" \
        --wait-regex '#\d+' --delay 5 ${4:+--keys "$4"} \
        -- env PYTHONPATH="$3" "$PY" -m e621tui --demo --graphics sixel >/dev/null 2>&1 || true
}
for side in after ${BEFORE:+before}; do
    tree=$(pwd)
    [ "$side" = before ] && tree=$BEFORE
    shot "${side}_grid" 120x40 "$tree" ''
    shot "${side}_grid_160" 160x50 "$tree" ''
    shot "${side}_post" 120x40 "$tree" 'sleep:3 Return sleep:5'
done
for side in ${BEFORE:+before} after; do
    "$PY" bench/picture_quality.py "$OUT/${side}_grid.png" "$OUT/${side}_grid_160.png" | grep -v '^   '
    "$PY" bench/picture_quality.py --kind sample "$OUT/${side}_post.png" | grep -v '^   '
done
