#!/usr/bin/env bash
# No input crashes bindc, hangs it, or makes it print anything but
# diagnostics: empty files, binary garbage, NUL bytes, invalid UTF-8, a
# 1 MB line, 10,000 nested errors, a deep `use` chain.
set -u
bindc=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# run NAME EXPECTED_EXIT FILE: bounded in time; stdout must stay empty; every
# JSON line must parse and carry a code and a 1-based position.
run() {
    local name=$1 want=$2 file=$3
    timeout 60 "$bindc" check "$file" > "$tmp/out" 2> "$tmp/err"; local rc=$?
    timeout 60 "$bindc" check "$file" --diagnostics-format json > "$tmp/jout" 2> "$tmp/json"; local jrc=$?
    local ok=1
    [ "$rc" = "$want" ] || { echo "FAIL $name: exit $rc, expected $want"; ok=0; }
    [ "$jrc" = "$want" ] || { echo "FAIL $name: json exit $jrc, expected $want"; ok=0; }
    [ -s "$tmp/out" ] && { echo "FAIL $name: printed to stdout"; ok=0; }
    grep -q -E 'AddressSanitizer|runtime error|Segmentation|Aborted' "$tmp/err" "$tmp/json" && { echo "FAIL $name: crash report"; ok=0; }
    if [ -s "$tmp/json" ] && ! jq -e 'select((.code|test("^[EWI][0-9]{4}$")) and .line >= 1 and .column >= 1) | true' "$tmp/json" > /dev/null 2>&1; then
        echo "FAIL $name: JSON diagnostics do not parse or lack positions"; ok=0
    fi
    # Text mode: the first line of every record is file:line:col: severity[CODE].
    if [ "$want" = 1 ] && ! grep -q -E "^[^ ]+:[0-9]+:[0-9]+: (error|warning|hint)\[[EWI][0-9]{4}\]" "$tmp/err"; then
        echo "FAIL $name: no diagnostic header in text output"; ok=0
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

: > "$tmp/empty.bind";                                      run empty 0 "$tmp/empty.bind"
printf '\n\n   \n# only a comment' > "$tmp/blank.bind";      run blank 0 "$tmp/blank.bind"
printf '\xef\xbb\xbfsite a {\r\n    http *:80:\r\n}\r\n' > "$tmp/bom.bind"; run bom-crlf 0 "$tmp/bom.bind"
perl -e 'srand(42); print map { chr(int(rand(256))) } 1..200000' > "$tmp/garbage.bind"; run garbage 1 "$tmp/garbage.bind"
perl -e 'srand(7); print map { (" ", "{", "}", "=", ",", "\n", "\"", "\x27", "site", "http", "*:80:", "cert", "#")[int(rand(13))] } 1..50000' > "$tmp/tokens.bind"; run token-soup 1 "$tmp/tokens.bind"
printf 'site a {\0 http *:80:\0x }\n' > "$tmp/nul.bind";         run nul 1 "$tmp/nul.bind"
printf 'site \xff\xfe {\n http *:80:h\xc3\x28st\n}\n' > "$tmp/utf8.bind"; run invalid-utf8 1 "$tmp/utf8.bind"
perl -e 'print "site a {\n    http *:80:", "a" x 1048576, "\n}\n"' > "$tmp/longline.bind"; run long-line 1 "$tmp/longline.bind"
perl -e 'print "site a {\n    path = \"", "x" x 1048576, "\n}\n"' > "$tmp/longstr.bind"; run long-string 1 "$tmp/longstr.bind"
perl -e 'print "{" x 10000, "\n"' > "$tmp/braces.bind";       run nested-braces 1 "$tmp/braces.bind"
perl -e 'print "site a {\n" x 10000' > "$tmp/unclosed.bind";  run unclosed-10000 1 "$tmp/unclosed.bind"
perl -e 'print "}\n" x 10000' > "$tmp/closers.bind";          run closers-10000 1 "$tmp/closers.bind"
perl -e 'print "site s$_ {\n    htp *:99999:x_\$\n}\n" for 1..10000' > "$tmp/errors.bind"; run errors-10000 1 "$tmp/errors.bind"

# A `use` chain deeper than the limit is a diagnostic, not a stack overflow.
for i in $(seq 0 200); do printf 'use "u%d.bind"\n' $((i + 1)) > "$tmp/u$i.bind"; done
: > "$tmp/u201.bind"
run use-depth 1 "$tmp/u0.bind"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
