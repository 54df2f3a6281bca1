#!/usr/bin/env bash
# The command line: exit codes (grammar/README.md §10), flags, explain, usage errors.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect() {  # NAME WANT_EXIT CMD...   (stdout+stderr saved in $tmp/out)
    local name=$1 want=$2; shift 2
    "$@" > "$tmp/out" 2>&1; local rc=$?
    if [ "$rc" = "$want" ]; then pass=$((pass + 1)); else echo "FAIL $name: exit $rc, expected $want"; cat "$tmp/out"; fail=$((fail + 1)); fi
}
contains() {  # NAME TEXT
    if grep -q -F -- "$2" "$tmp/out"; then pass=$((pass + 1)); else echo "FAIL $1: output lacks '$2'"; cat "$tmp/out"; fail=$((fail + 1)); fi
}

printf 'site a {\n    http *:80:a\n}\n' > "$tmp/clean.bind"
printf 'platform iis-express\nsite a {\n    http *:80:localhost\n}\n' > "$tmp/warn.bind"
printf 'site a {\n    http *:99999:a\n}\n' > "$tmp/error.bind"

expect clean 0 "$bindc" check "$tmp/clean.bind"
expect warning 0 "$bindc" check "$tmp/warn.bind"
contains warning "warning[W0401]"
expect werror 1 "$bindc" check "$tmp/warn.bind" --werror
contains werror "error[W0401]"
expect error 1 "$bindc" check "$tmp/error.bind"
contains error "error.bind:2:12: error[E0102]"
expect json 1 "$bindc" check "$tmp/error.bind" --diagnostics-format json
contains json '"code":"E0102","severity":"error"'
contains json '"line":2,"column":12'
expect json-werror 1 "$bindc" check "$tmp/warn.bind" --werror --diagnostics-format json
contains json-werror '"severity":"error"'
expect platform-flag 0 "$bindc" check "$tmp/clean.bind" --platform iis-express
contains platform-flag "W0404"
expect platform-in-file-wins 0 "$bindc" check "$tmp/warn.bind" --platform iis10
contains platform-in-file-wins "W0401"
expect two-files-one-server 1 "$bindc" check "$tmp/clean.bind" "$tmp/warn.bind"
contains two-files-one-server "E0202"
expect color-never 0 "$bindc" check "$tmp/warn.bind" --color never
if grep -q $'\e' "$tmp/out"; then echo "FAIL color-never: escape codes"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
expect color-always 0 "$bindc" check "$tmp/warn.bind" --color always
if grep -q $'\e\[' "$tmp/out"; then pass=$((pass + 1)); else echo "FAIL color-always: no escape codes"; fail=$((fail + 1)); fi

expect no-args 2 "$bindc"
expect no-files 2 "$bindc" check
expect unknown-command 2 "$bindc" frobnicate
expect unknown-option 2 "$bindc" check "$tmp/clean.bind" --frob
expect missing-file 2 "$bindc" check "$tmp/nope.bind"
contains missing-file "cannot read"
expect directory 2 "$bindc" check "$tmp"
expect unknown-platform 2 "$bindc" check "$tmp/clean.bind" --platform iis99
expect bad-format 2 "$bindc" check "$tmp/clean.bind" --diagnostics-format xml
expect version 0 "$bindc" --version
contains version "bindc "
expect help 0 "$bindc" --help
contains help "exit codes"

# explain: every code of the table, in any case; junk is a usage error.
for code in $(sed -n 's/^X(\([EWI][0-9]*\),.*/\1/p' "$src/compiler/diag/codes.def"); do
    expect "explain $code" 0 "$bindc" explain "$code"
    contains "explain $code" "$code:"
done
expect explain-lower 0 "$bindc" explain e0201
# E0208: the explanation's example, checked, gets the very fix-it the
# explanation shows, and that fix-it fixes it.
"$bindc" explain E0208 > "$tmp/e0208.txt"
awk '/^For example:/ { f = 1; next } /^is fixed/ { exit } f && /^    / { print substr($0, 5) }' "$tmp/e0208.txt" > "$tmp/e0208.bind"
awk '/^is fixed/ { f = 1; next } f && /^    / { print substr($0, 5); g = 1; next } g { exit }' "$tmp/e0208.txt" > "$tmp/e0208.fix"
expect e0208-example 1 "$bindc" check "$tmp/e0208.bind" --diagnostics-format json
fixit=$(grep '"code":"E0208"' "$tmp/out" | jq -c '.fixits')
repl=$(printf '%s' "$fixit" | jq -r '.[0].replacement // empty')
if [ "$(printf '%s' "$fixit" | jq length)" = 1 ] && [ -n "$repl" ] && [ "$repl" = "$(cat "$tmp/e0208.fix")" ]; then pass=$((pass + 1))
else echo "FAIL e0208: the explanation shows '$(cat "$tmp/e0208.fix")', the fix-it is $fixit"; fail=$((fail + 1)); fi
line=$(printf '%s' "$fixit" | jq '.[0].line') col=$(printf '%s' "$fixit" | jq '.[0].column')
[ "$(printf '%s' "$fixit" | jq '.[0].end_line == .[0].line and .[0].end_column == .[0].column')" = true ] \
    && pass=$((pass + 1)) || { echo "FAIL e0208: the fix-it is not an insertion: $fixit"; fail=$((fail + 1)); }
# (the replacement ends with a line end, which $(...) would drop: a dot keeps it)
R=$(printf '%s' "$fixit" | jq -j '.[0].replacement'; printf .) awk -v l="$line" -v c="$col" \
    'BEGIN { r = substr(ENVIRON["R"], 1, length(ENVIRON["R"]) - 1) }
     NR == l { printf "%s%s", substr($0, 1, c - 1), r; print substr($0, c); next } { print }' \
    "$tmp/e0208.bind" > "$tmp/e0208-fixed.bind"
expect e0208-fixed 0 "$bindc" check "$tmp/e0208-fixed.bind"
if grep -q E0208 "$tmp/out"; then echo "FAIL e0208: the fix-it does not fix the example"; cat "$tmp/out"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
expect explain-junk 2 "$bindc" explain E9999
# --target all: the four HTTP.sys targets share one plan, and what it
# refuses is said once, not once per target; nothing is written.
printf "site a {\n    http *:8080:a.shop.example acl='bad\"user'\n}\n" > "$tmp/acl.bind"
expect all-refused 1 "$bindc" compile "$tmp/acl.bind" --target all -o "$tmp/all"
contains all-refused "error[E0007]: acl user contains a double quote"
n=$(grep -c "error\[E0007\]" "$tmp/out")
if [ "$n" = 1 ]; then pass=$((pass + 1)); else echo "FAIL all-refused: E0007 said $n times"; cat "$tmp/out"; fail=$((fail + 1)); fi
if [ ! -e "$tmp/all" ]; then pass=$((pass + 1)); else echo "FAIL all-refused: wrote $(ls "$tmp/all")"; fail=$((fail + 1)); fi
expect netsh-refused 1 "$bindc" compile "$tmp/acl.bind" --target netsh
contains netsh-refused "error[E0007]: acl user contains a double quote"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
