#!/usr/bin/env bash
# `bindc import` through the real command line:
#   - the way from an existing server to a checked .bind (import, check,
#     compile --merge) on a generated fleet: the import checks without a
#     diagnostic and merges back into the very file it came from, byte for
#     byte;
#   - standard output by default, -o written atomically, exit codes (0, 1
#     with nothing written, 2 for what cannot be read or asked);
#   - every tests/bogons/import-* input fails cleanly, or imports into text
#     that is formatted and parses;
#   - the nginx output of the examples, imported, routes a few requests as
#     the example does (`bindc route --server nginx`; unit.test_import_nginx
#     does the whole grid over a thousand random sets).
# Until the command table names `import`, the tests' build of the command
# (BINDC_BUILD_DIR/tests/bindc_import) runs it.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
build=${BINDC_BUILD_DIR:-$(dirname "$bindc")}
imp=("$bindc" import)
if "$bindc" import 2>&1 | grep -q 'unknown command'; then imp=("$build/tests/bindc_import" import); fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# ---- import, check, compile --merge: a fleet comes back byte for byte ------------
perl "$src/tests/bench/fleet_gen.pl" 3000 > "$tmp/fleet.bind"
"$bindc" compile "$tmp/fleet.bind" --target iis -o "$tmp/applicationhost.config" 2> /dev/null || bad "fleet compile"
"${imp[@]}" "$tmp/applicationhost.config" -o "$tmp/server.bind" 2> "$tmp/err"; rc=$?
if [ $rc = 0 ] && [ -s "$tmp/server.bind" ]; then ok; else bad "fleet import: exit $rc"; cat "$tmp/err"; fi
# The only thing it says: HTTP.sys keeps the certificates (W0603, once).
if [ "$(grep -c 'warning\[' "$tmp/err")" = 1 ] && grep -q 'W0603' "$tmp/err"; then ok; else bad "fleet import warnings"; cat "$tmp/err"; fi
"$bindc" check "$tmp/server.bind" 2> "$tmp/check"; rc=$?
if [ $rc = 0 ] && [ ! -s "$tmp/check" ]; then ok; else bad "the imported fleet does not check clean (exit $rc)"; head -20 "$tmp/check"; fi
"$bindc" fmt --check "$tmp/server.bind" > /dev/null && ok || bad "the imported fleet is not formatted"
cp "$tmp/applicationhost.config" "$tmp/before.config"
"$bindc" compile "$tmp/server.bind" --target iis --merge "$tmp/applicationhost.config" 2> "$tmp/merge"; rc=$?
if [ $rc = 0 ] && cmp -s "$tmp/applicationhost.config" "$tmp/before.config"; then ok
else bad "the merge of the import changed the file (exit $rc)"; head -20 "$tmp/merge"; fi

# ---- the command line ---------------------------------------------------------------
in=$src/tests/golden/import/inputs
"${imp[@]}" "$in/applicationHost.config" > "$tmp/out.bind" 2> /dev/null; rc=$?
[ $rc = 0 ] && grep -q '^site Shop {' "$tmp/out.bind" && ok || bad "stdout: exit $rc"
# -o writes the same bytes, atomically: no temporary file is left.
"${imp[@]}" "$in/applicationHost.config" -o "$tmp/o.bind" 2> /dev/null
cmp -s "$tmp/o.bind" "$tmp/out.bind" && ok || bad "-o differs from stdout"
ls "$tmp" | grep -q 'tmp[A-Za-z0-9]\{6\}$' && bad "a temporary file was left" || ok
# An error anywhere: exit 1, nothing written, the old file kept.
echo keep > "$tmp/keep.bind"
"${imp[@]}" "$in/applicationHost.config" "$src/tests/bogons/import-cut-sslcert.txt" -o "$tmp/keep.bind" > "$tmp/so" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && [ "$(cat "$tmp/keep.bind")" = keep ] && [ ! -s "$tmp/so" ] && grep -q 'nothing was written' "$tmp/err" && ok ||
    bad "error: exit $rc, or something was written"
# What cannot be read or asked: exit 2.
"${imp[@]}" "$tmp/missing.config" > /dev/null 2>&1; [ $? = 2 ] && ok || bad "missing file: not exit 2"
"${imp[@]}" "$tmp" > /dev/null 2>&1; [ $? = 2 ] && ok || bad "a folder: not exit 2"
"${imp[@]}" > /dev/null 2>&1; [ $? = 2 ] && ok || bad "no file: not exit 2"
"${imp[@]}" "$in/applicationHost.config" --platform iis99 > /dev/null 2>&1; [ $? = 2 ] && ok || bad "unknown platform: not exit 2"
"${imp[@]}" "$in/applicationHost.config" --frobnicate > /dev/null 2>&1; [ $? = 2 ] && ok || bad "unknown option: not exit 2"
# JSON diagnostics: one object a line, pointing into the input.
"${imp[@]}" "$src/tests/bogons/import-unbalanced.conf" --diagnostics-format json > /dev/null 2> "$tmp/json"
if command -v jq > /dev/null; then
    [ "$(jq -r '.code + " " + (.line|tostring) + ":" + (.column|tostring)' < "$tmp/json")" = "E0602 7:1" ] && ok || bad "json: $(cat "$tmp/json")"
else
    grep -q '"code":"E0602"' "$tmp/json" && ok || bad "json: $(cat "$tmp/json")"
fi

# ---- bogons: fail cleanly, or import into text that parses -----------------------------
for f in "$src"/tests/bogons/import-*; do
    rm -f "$tmp/b.bind"
    timeout 30 "${imp[@]}" "$f" -o "$tmp/b.bind" > "$tmp/so" 2> "$tmp/err"; rc=$?
    if grep -q -E 'Sanitizer|runtime error' "$tmp/err" || [ -s "$tmp/so" ]; then bad "$(basename "$f"): exit $rc"; head "$tmp/err"; continue; fi
    case $rc in
    1) if [ ! -e "$tmp/b.bind" ] && grep -q -E '^[^:]+:[0-9]+:[0-9]+: error\[E060[1-4]\]' "$tmp/err"; then ok
       else bad "$(basename "$f"): refused without file:line:col and an E060x code, or wrote"; head "$tmp/err"; fi ;;
    0) if "$bindc" fmt --check "$tmp/b.bind" > /dev/null 2>&1; then ok; else bad "$(basename "$f"): its import is not formatted"; fi ;;
    *) bad "$(basename "$f"): exit $rc"; head "$tmp/err" ;;
    esac
done

# ---- nginx: what the nginx target wrote, imported, routes alike ------------------------
for ex in shop coexist-nginx; do
    "$bindc" compile "$src/examples/$ex.bind" --target nginx -o "$tmp/$ex.conf" 2> /dev/null
    "${imp[@]}" "$tmp/$ex.conf" -o "$tmp/$ex.bind" 2> /dev/null || { bad "$ex: import"; continue; }
    for url in http://shop.example/ https://www.shop.example/ http://nobody.example/ https://nobody.example/ http://10.9.9.9/; do
        a=$("$bindc" route "$src/examples/$ex.bind" "$url" --server nginx 2> /dev/null | head -1)
        b=$("$bindc" route "$tmp/$ex.bind" "$url" --server nginx 2> /dev/null | head -1)
        [ "$a" = "$b" ] && ok || bad "$ex $url: $a, imported: $b"
    done
done

echo "$pass passed, $fail failed"
[ $fail = 0 ]
