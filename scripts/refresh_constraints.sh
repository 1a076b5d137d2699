#!/usr/bin/env bash
# Re-pin every package the app and its tests install (run on purpose, then commit the diff).
# CI and the README's commands install with `-c constraints.txt`, so a new upstream release
# cannot change a clean checkout's results until this script is run again.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q -e '.[dev]'
{
    echo "# Pinned by scripts/refresh_constraints.sh on $(date -u +%Y-%m-%d); installed with -c."
    "$tmp/venv/bin/pip" freeze --exclude-editable | grep -v '^#' | grep -vi '^e621-tui'
} >constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages pinned"
