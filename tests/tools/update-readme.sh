#!/usr/bin/env bash
# Regenerates the README's mistakes.bind output block from a real run.
# Usage: tests/tools/update-readme.sh build/bindc
set -eu
bindc=$1
cd "$(dirname "$0")/../.."
out=$(mktemp)
NO_COLOR=1 "$bindc" check examples/mistakes.bind 2> "$out" || true
awk -v f="$out" '
    /<!-- mistakes-output/ { print; print "```"; while ((getline l < f) > 0) print l; print "```"; skip = 1; next }
    /<!-- end mistakes-output/ { skip = 0 }
    !skip { print }' README.md > README.md.tmp
mv README.md.tmp README.md
rm -f "$out"
