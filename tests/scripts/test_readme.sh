#!/usr/bin/env bash
# The README stays true: its mistakes.bind output is what bindc prints, and
# the example it shows is examples/shop.bind.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
cd "$src" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0
NO_COLOR=1 "$bindc" check examples/mistakes.bind > /dev/null 2> "$tmp/actual"
rc=$?
[ $rc = 1 ] && pass=$((pass + 1)) || { echo "FAIL mistakes.bind exits $rc, expected 1"; fail=$((fail + 1)); }
sed -n '/<!-- mistakes-output/,/<!-- end mistakes-output/p' README.md | sed '1,2d;$d' | sed '$d' > "$tmp/readme"
if diff -u "$tmp/readme" "$tmp/actual"; then pass=$((pass + 1)); else echo "FAIL README mistakes output is stale"; fail=$((fail + 1)); fi
# "Why does my site fail to start?": the check with --state, and the capture
# line, which is the one E0501's note gives (test_state_capture.sh runs it).
NO_COLOR=1 "$bindc" check examples/iis-express-dev.bind --state examples/devbox-state.txt > /dev/null 2> "$tmp/state-actual"
sed -n '/<!-- state-output/,/<!-- end state-output/p' README.md | sed '1,2d;$d' | sed '$d' > "$tmp/state-readme"
if [ -s "$tmp/state-readme" ] && grep -q 'W0503' "$tmp/state-actual" && diff -u "$tmp/state-readme" "$tmp/state-actual"; then pass=$((pass + 1))
else echo "FAIL README --state output is stale"; fail=$((fail + 1)); fi
printf 'not a capture\n' > "$tmp/none.txt"
note=$("$bindc" check examples/shop.bind --state "$tmp/none.txt" 2>&1 | sed -n 's/^ *= note: this line of cmd.exe, as administrator, captures them all: //p')
readme_line=$(awk '/^```bat$/ { getline; print; exit }' README.md)
if [ -n "$note" ] && [ "$note" = "$readme_line" ]; then pass=$((pass + 1))
else echo "FAIL README's capture line is not E0501's: $readme_line"; fail=$((fail + 1)); fi
awk '/^`examples\/shop.bind`:/ { on = 1; next } on && /^```/ { if (in_block) exit; in_block = 1; next } in_block { print }' README.md > "$tmp/shop"
grep -v '^# shop.bind$' examples/shop.bind > "$tmp/shop-file"
if diff -u "$tmp/shop" "$tmp/shop-file"; then pass=$((pass + 1)); else echo "FAIL README shop example differs from examples/shop.bind"; fail=$((fail + 1)); fi
# The fmt before/after pair: formatting the "before" gives exactly the "after".
awk '/`bindc fmt` turns$/{f=1;next} f&&/^```$/{c++; if(c==2) exit; next} f&&c==1' README.md > "$tmp/before.bind"
awk '/^into$/{f=1;next} f&&/^```$/{c++; if(c==2) exit; next} f&&c==1' README.md > "$tmp/after.bind"
if [ -s "$tmp/before.bind" ] && "$bindc" fmt "$tmp/before.bind" | diff -u "$tmp/after.bind" -; then pass=$((pass + 1))
else echo "FAIL README fmt before/after is stale"; fail=$((fail + 1)); fi
for f in shop iis-express-dev coexist-nginx; do
    if "$bindc" check "examples/$f.bind" 2> /dev/null; then pass=$((pass + 1)); else echo "FAIL examples/$f.bind has errors"; fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
