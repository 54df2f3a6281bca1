#!/usr/bin/env bash
# No input crashes bindc, hangs it, or makes it print anything but
# diagnostics: empty files, binary garbage, NUL bytes, invalid UTF-8, a
# 1 MB line, 10,000 nested errors, a deep `use` chain.  Then each limit in
# the README's "Limits" table, just under it (accepted) and just over it
# (its diagnostic, at its position).
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
    # Every line: a diagnostic with a code and a position, or the summary
    # that says how many were not shown (the last line, then).
    if [ -s "$tmp/json" ] && ! jq -e -s 'all(.[]; (.type == "summary" and .not_shown > 0) or ((.code|test("^[EWI][0-9]{4}$")) and .line >= 1 and .column >= 1))
                                        and ([.[] | select(.type == "summary")] | length) <= 1
                                        and (map(.type == "summary") | index(true) // (length - 1)) == length - 1' "$tmp/json" > /dev/null 2>&1; then
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

# limit NAME FILE EXIT [CODE AT MESSAGE]: `bindc check FILE` exits with EXIT.
# With CODE, the first error is CODE at AT (FILE:LINE:COL) with MESSAGE, in
# text and in JSON; without, no error is reported at all.
limit() {
    local name=$1 file=$2 want=$3 code=${4:-} at=${5:-} msg=${6:-}
    timeout 60 "$bindc" check "$file" > /dev/null 2> "$tmp/err"; local rc=$?
    : > "$tmp/json"
    [ -n "$code" ] && timeout 60 "$bindc" check "$file" --diagnostics-format json > /dev/null 2> "$tmp/json"
    local ok=1
    [ "$rc" = "$want" ] || { echo "FAIL limit $name: exit $rc, expected $want"; ok=0; }
    grep -q -E 'AddressSanitizer|runtime error|Segmentation|Aborted' "$tmp/err" "$tmp/json" && { echo "FAIL limit $name: crash report"; ok=0; }
    local first
    first=$(grep -m 1 ': error\[' "$tmp/err")
    if [ -n "$code" ]; then
        [ "$first" = "$at: error[$code]: $msg" ] || { echo "FAIL limit $name: expected '$at: error[$code]: $msg', got '${first:0:200}'"; ok=0; }
        local got
        got=$(jq -r 'select(.severity == "error") | "\(.file):\(.line):\(.column) \(.code) \(.message)"' "$tmp/json" 2> /dev/null | head -n 1)
        [ "$got" = "$at $code $msg" ] || { echo "FAIL limit $name: JSON says '${got:0:200}'"; ok=0; }
    elif [ -n "$first" ]; then
        echo "FAIL limit $name: reported an error: ${first:0:200}"; ok=0
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

# Line length: 65,536 bytes, the line end not counted.
perl -e 'print "#", "x" x 65535, "\r\n"' > "$tmp/line-max.bind";   limit line-max "$tmp/line-max.bind" 0
perl -e 'print "\n#", "x" x 65536, "\n"' > "$tmp/line-over.bind"; limit line-over "$tmp/line-over.bind" 1 \
    E0001 "$tmp/line-over.bind:2:65537" "this line is 65537 bytes long; the limit is 65536"
# The position backs up to the start of the UTF-8 character the limit cuts.
perl -e 'print "#", "\xc3\xa9" x 32768' > "$tmp/line-utf8.bind"; limit line-utf8 "$tmp/line-utf8.bind" 1 \
    E0001 "$tmp/line-utf8.bind:1:65536" "this line is 65537 bytes long; the limit is 65536"

# List length: 10,000 items in one value (over several lines after `,`) or
# one `iplisten`; the error points at item 10,001.
names() {  # N: a certificate whose names list has N items, eight a line
    perl -e 'print "cert c {\n    thumbprint = ", "a" x 40, "\n    names = ",
        join(",", map { ($_ % 8 == 0 && $_ ? "\n        " : "") . "h$_.example" } 0 .. $ARGV[0] - 1), "\n}\n"' "$1"
}
names 10000 > "$tmp/list-max.bind";  limit list-max "$tmp/list-max.bind" 0
names 10001 > "$tmp/list-over.bind"; limit list-over "$tmp/list-over.bind" 1 \
    E0007 "$tmp/list-over.bind:1253:9" "this list has 10001 items; the limit is 10000"
perl -e 'print "iplisten ", join(",\n", ("127.0.0.1") x $ARGV[0]), "\n"' 10000 > "$tmp/iplisten-max.bind"
limit iplisten-max "$tmp/iplisten-max.bind" 0
perl -e 'print "iplisten ", join(",\n", ("127.0.0.1") x $ARGV[0]), "\n"' 10001 > "$tmp/iplisten-over.bind"
limit iplisten-over "$tmp/iplisten-over.bind" 1 E0007 "$tmp/iplisten-over.bind:10001:1" "this list has 10001 items; the limit is 10000"

# A file over a limit is never rewritten by `bindc fmt --write`: its tree
# lacks what the limit cut off.
for f in line-over list-over iplisten-over; do
    cp "$tmp/$f.bind" "$tmp/$f.prev"
    "$bindc" fmt --write "$tmp/$f.bind" > /dev/null 2>&1; rc=$?
    if [ $rc = 1 ] && cmp -s "$tmp/$f.bind" "$tmp/$f.prev"; then pass=$((pass + 1))
    else echo "FAIL limit fmt $f: exit $rc or the file changed"; fail=$((fail + 1)); fi
done

# File size: 64 MiB.  A file on the command line is an I/O error (exit 2,
# naming it); a `use`d one is E0004 at the `use`.
perl -e 'print(("#" . "x" x 1022 . "\n") x 65536)' > "$tmp/size-max.bind"
limit size-max "$tmp/size-max.bind" 0
printf '\n' >> "$tmp/size-max.bind"
"$bindc" check "$tmp/size-max.bind" > /dev/null 2> "$tmp/err"; rc=$?
if [ $rc = 2 ] && grep -q -F "cannot read $tmp/size-max.bind: file larger than the 64 MiB limit" "$tmp/err"; then pass=$((pass + 1))
else echo "FAIL limit size-over: exit $rc, $(head -c 200 "$tmp/err")"; fail=$((fail + 1)); fi
printf '\nuse "size-max.bind"\n' > "$tmp/size-use.bind"
limit size-use "$tmp/size-use.bind" 1 E0004 "$tmp/size-use.bind:2:5" 'cannot read `size-max.bind`: file larger than the 64 MiB limit'
rm -f "$tmp/size-max.bind"

# `use` depth: a chain of 64 files is read, one more is E0004 at the last `use`.
mkdir "$tmp/chain"
for i in $(seq 0 63); do printf 'use "c%d.bind"\n' $((i + 1)) > "$tmp/chain/c$i.bind"; done
: > "$tmp/chain/c64.bind"
mv "$tmp/chain/c63.bind" "$tmp/chain/c63.keep"; : > "$tmp/chain/c63.bind"
limit use-depth-max "$tmp/chain/c0.bind" 0
mv "$tmp/chain/c63.keep" "$tmp/chain/c63.bind"
limit use-depth-over "$tmp/chain/c0.bind" 1 E0004 "$tmp/chain/c63.bind:1:5" '`use` nested deeper than 64 files'

# Diagnostics printed: --error-limit (20 in text by default; 1,000 here);
# past that a closing line counts the rest.
diags() { perl -e 'print "x$_\n" for 1 .. $ARGV[0]' "$1"; }
diags 1000 > "$tmp/diags-max.bind"; diags 1001 > "$tmp/diags-over.bind"
"$bindc" check "$tmp/diags-max.bind" --error-limit 1000 > /dev/null 2> "$tmp/err"; rc=$?
n=$(grep -c 'error\[E0001\]' "$tmp/err")
if [ $rc = 1 ] && [ "$n" = 1000 ] && ! grep -q 'not shown' "$tmp/err"; then pass=$((pass + 1))
else echo "FAIL limit diagnostics-max: exit $rc, $n printed, $(grep 'not shown' "$tmp/err")"; fail=$((fail + 1)); fi
"$bindc" check "$tmp/diags-over.bind" --error-limit 1000 > /dev/null 2> "$tmp/err"; rc=$?
n=$(grep -c 'error\[E0001\]' "$tmp/err")
if [ $rc = 1 ] && [ "$n" = 1000 ] && grep -q -x 'bindc: 1 more diagnostic not shown (--error-limit 1000; 0 shows them all)' "$tmp/err"; then pass=$((pass + 1))
else echo "FAIL limit diagnostics-over: exit $rc, $n printed, $(grep 'not shown' "$tmp/err")"; fail=$((fail + 1)); fi

# Files bindc opens by name that the user did not name on the command line
# (an nginx include, applicationhost.config's configSource) are regular
# files or refused, never waited on; a device named on the command line is
# read only when it is a stream (a pipe, a FIFO, a terminal).
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
mkfifo "$tmp/never-written"
printf 'server { listen 80; server_name a.example; }\ninclude never-written;\n' > "$tmp/inc.conf"
out=$(cd "$tmp" && timeout 10 "$bindc" import inc.conf 2>&1); rc=$?
if [ $rc = 0 ] && [[ $out == *'W0604'*'cannot read ./never-written: not a regular file'* ]] && [[ $out == *'site a.example'* ]]; then pass=$((pass + 1))
else echo "FAIL an nginx include of a FIFO (exit $rc; 124 is a hang): $out"; fail=$((fail + 1)); fi
sed 's|<sites>|<sites configSource="never-written">|; /<site /,/<\/sites>/d' "$src/tests/fixtures/iis/coso-supernova.config" > "$tmp/split.config"
grep -q 'configSource="never-written"' "$tmp/split.config" || { echo "FAIL the configSource fixture was not made"; fail=$((fail + 1)); }
out=$(cd "$tmp" && timeout 10 "$bindc" import split.config 2>&1); rc=$?
if [ $rc = 1 ] && [[ $out == *'E0604'*'not a regular file'* ]]; then pass=$((pass + 1))
else echo "FAIL a configSource of a FIFO (exit $rc; 124 is a hang): $out"; fail=$((fail + 1)); fi
for dev in /dev/zero /dev/urandom; do
    out=$(timeout 10 "$bindc" check "$src/examples/shop.bind" --state $dev 2>&1); rc=$?
    out2=$(timeout 10 "$bindc" check $dev 2>&1); rc2=$?
    out3=$(timeout 10 "$bindc" import $dev 2>&1); rc3=$?
    want="bindc: cannot read $dev: neither a regular file nor a pipe, FIFO or terminal"
    if [ $rc = 2 ] && [ "$out" = "$want" ] && [ $rc2 = 2 ] && [ "$out2" = "$want" ] && [ $rc3 = 2 ] && [[ $out3 == "$want"* ]]; then pass=$((pass + 1))
    else echo "FAIL $dev named on the command line: $rc $out / $rc2 $out2 / $rc3 $out3"; fail=$((fail + 1)); fi
done
(sleep 0.5; cat "$src/examples/shop.bind" > "$tmp/never-written") &
out=$(timeout 10 "$bindc" check "$tmp/never-written" 2>&1); rc=$?
wait
if [ $rc = 0 ]; then pass=$((pass + 1)); else echo "FAIL a FIFO named on the command line is not read as a stream: exit $rc $out"; fail=$((fail + 1)); fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
