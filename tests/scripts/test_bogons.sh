#!/usr/bin/env bash
# Every file under tests/bogons/ fails cleanly: exit 0 or 1, diagnostics only,
# no crash, bounded time, in text and JSON mode.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
printf 'site s {\n    http *:80:s\n}\n' > "$tmp/model.bind"
for f in "$src"/tests/bogons/*; do
    case $f in *.md) continue ;; esac
    if [ "${f%.config}" != "$f" ]; then
        # A file to --merge into: refused (exit 1) or merged, never a crash,
        # and the bogon itself is never touched.
        cp "$f" "$tmp/in.config"
        timeout 30 "$bindc" compile "$tmp/model.bind" --target iis --merge "$tmp/in.config" -o "$tmp/out.config" > "$tmp/out" 2> "$tmp/err"; rc=$?
        if { [ $rc = 0 ] || [ $rc = 1 ]; } && cmp -s "$f" "$tmp/in.config" && ! grep -q -E 'Sanitizer|runtime error' "$tmp/err"; then
            pass=$((pass + 1))
        else
            echo "FAIL $(basename "$f") (merge): exit $rc"; head -20 "$tmp/err"; fail=$((fail + 1))
        fi
        continue
    fi
    for fmt in text json; do
        timeout 30 "$bindc" check "$f" --diagnostics-format $fmt > "$tmp/out" 2> "$tmp/err"; rc=$?
        if { [ $rc = 0 ] || [ $rc = 1 ]; } && [ ! -s "$tmp/out" ] && ! grep -q -E 'Sanitizer|runtime error' "$tmp/err"; then
            pass=$((pass + 1))
        else
            echo "FAIL $(basename "$f") ($fmt): exit $rc"; head -20 "$tmp/err"; fail=$((fail + 1))
        fi
    done
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
