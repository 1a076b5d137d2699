#!/bin/sh
# Before/after picture quality in a real xterm with sixel (xterm -ti vt340, 256 registers).
#   sh bench/xshot_pictures.sh [OUT_DIR]       (needs ../shared/tools/xshot.py; ~1 min)
# before = the app (textual-image 0.12), after = scripts/picture_demo.py (e621tui.ui.graphics)
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/picture-shots}
XSHOT=${XSHOT:-/work/shared/tools/xshot.py}
PY=${PY:-.venv/bin/python}
mkdir -p "$OUT"
shot() { python3 "$XSHOT" --term xterm-sixel --tn xterm-256color --size 120x40 --out "$OUT/$1.png" \
    --wait-regex "$2" --delay 4 ${3:+--keys "$3"} -- "$PY" ${4:-} >/dev/null 2>&1 || true; }
shot before_grid '#\d+' '' "-m e621tui --demo --graphics sixel"
shot before_post '#\d+' 'sleep:2 Return sleep:4' "-m e621tui --demo --graphics sixel"
shot after_grid 'page 1' '' "scripts/picture_demo.py --graphics sixel"
shot after_post 'page 1' 'sleep:2 Return sleep:4' "scripts/picture_demo.py --graphics sixel"
"$PY" bench/picture_quality.py "$OUT/before_grid.png" "$OUT/after_grid.png" | grep -v '^   '
"$PY" bench/picture_quality.py --kind sample "$OUT/before_post.png" "$OUT/after_post.png" | grep -v '^   '
