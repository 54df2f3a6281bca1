#!/usr/bin/env bash
# The command line as a new user meets it: help for bindc and for each
# command, --opt=value, "did you mean" for commands, options and values,
# the choices listed with an unknown value, `-` as standard input for every
# command that reads files, -o - as standard output, explain --list, and
# what --version takes.  Each check here failed before the option table
# (compiler/driver/table.c) drove the parsing.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
run() {  # NAME WANT_EXIT CMD...  (stdout in $tmp/out, stderr in $tmp/err)
    local name=$1 want=$2; shift 2
    "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null; local rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$name: exit $rc, expected $want"; cat "$tmp/out" "$tmp/err"; fi
}
has() {  # NAME FILE TEXT
    if grep -q -F -- "$3" "$2"; then ok; else bad "$1: $(basename "$2") lacks '$3'"; cat "$2"; fi
}
lacks() {  # NAME FILE TEXT
    if grep -q -F -- "$3" "$2"; then bad "$1: $(basename "$2") has '$3'"; cat "$2"; else ok; fi
}
shop=$src/examples/shop.bind
printf 'site a {\n    http *:80:a.example\n    http *:80:www.a.example\n}\n' > "$tmp/a.bind"

# ---- help ---------------------------------------------------------------------
run help 0 "$bindc" --help
lacks help "$tmp/out" "more targets as they land"
for want in --color --list-targets --allow --error-limit "bindc import" "bindc explain --list" "standard input" "-o -"; do
    has "help names $want" "$tmp/out" "$want"
done
run "help is bindc help" 0 "$bindc" help
cp "$tmp/out" "$tmp/help1"
run "-h" 0 "$bindc" -h
cmp -s "$tmp/out" "$tmp/help1" && ok || bad "-h and help differ"
for cmd in check compile fmt route import explain lsp help; do
    run "$cmd --help" 0 "$bindc" "$cmd" --help
    has "$cmd --help" "$tmp/out" "usage: bindc $cmd"
    cp "$tmp/out" "$tmp/h1"
    run "help $cmd" 0 "$bindc" help "$cmd"
    cmp -s "$tmp/out" "$tmp/h1" && ok || bad "help $cmd differs from $cmd --help"
done
# --help wins over a mistake beside it.
run "help beside a mistake" 0 "$bindc" check --frob --help
run "compile help" 0 "$bindc" help compile
for want in "--target T" "apache" "--merge EXISTING" "--dry-run" "--prune" "-o, --output OUT" "--platform P" "iis-express" "--color WHEN" "--root DIR"; do
    has "compile help names $want" "$tmp/out" "$want"
done
run "route help" 0 "$bindc" help route
has "route help" "$tmp/out" "iis, nginx, apache"
has "route help" "$tmp/out" "--verbose"
run "help of nothing" 2 "$bindc" help frob
has "help of nothing" "$tmp/err" "unknown command \`frob\`"

# ---- --version ----------------------------------------------------------------------
run version 0 "$bindc" --version
has version "$tmp/out" "bindc "
run "version extra" 2 "$bindc" --version extra
has "version extra" "$tmp/err" "takes no arguments"
run "help extra" 2 "$bindc" --help extra

# ---- --opt=value, --opt value ---------------------------------------------------------------
run "--target=json" 0 "$bindc" compile "$tmp/a.bind" --target=json
has "--target=json" "$tmp/out" '"version": 1'
run "--color=never" 0 "$bindc" check "$tmp/a.bind" --color=never
run "--diagnostics-format=json" 0 "$bindc" check "$tmp/a.bind" --diagnostics-format=json
run "-oFILE" 0 "$bindc" compile "$tmp/a.bind" --target json "-o$tmp/m.json"
[ -s "$tmp/m.json" ] && ok || bad "-oFILE wrote nothing"
run "--output=FILE" 0 "$bindc" compile "$tmp/a.bind" --target json "--output=$tmp/m2.json"
cmp -s "$tmp/m.json" "$tmp/m2.json" && ok || bad "--output=FILE differs from -oFILE"
run "switch with value" 2 "$bindc" check "$tmp/a.bind" --werror=yes
has "switch with value" "$tmp/err" "takes no value"
run "missing value" 2 "$bindc" compile "$tmp/a.bind" --target
has "missing value" "$tmp/err" "--target needs a value"
run "value is an option" 2 "$bindc" compile "$tmp/a.bind" --target --werror
has "value is an option" "$tmp/err" "--target needs a value"
run "given twice" 2 "$bindc" compile "$tmp/a.bind" --target iis --target nginx
has "given twice" "$tmp/err" "--target given twice"
run "after --" 2 "$bindc" check -- --werror
has "after --" "$tmp/err" "cannot read --werror"

# ---- did you mean ----------------------------------------------------------------------------------
run chek 2 "$bindc" chek "$tmp/a.bind"
has chek "$tmp/err" "did you mean \`check\`?"
has chek "$tmp/err" "check, compile, fmt, route, import, explain, lsp, help"
run --werr 2 "$bindc" check "$tmp/a.bind" --werr
has --werr "$tmp/err" "did you mean \`--werror\`?"
has --werr "$tmp/err" "bindc help check"
run --tagret 2 "$bindc" compile "$tmp/a.bind" --tagret iis
has --tagret "$tmp/err" "did you mean \`--target\`?"
run "option of another command" 2 "$bindc" check "$tmp/a.bind" --target iis
has "option of another command" "$tmp/err" "not an option of \`bindc check\`, but of \`bindc compile\`"
run "option before the command" 2 "$bindc" --werror check "$tmp/a.bind"
has "option before the command" "$tmp/err" "options come after it"

# ---- values: the choices, with the error -------------------------------------------------------------
run iis11 2 "$bindc" check "$tmp/a.bind" --platform iis11
has iis11 "$tmp/err" "unknown platform \`iis11\`; did you mean \`iis10\`?"
has iis11 "$tmp/err" "iis7, iis8, iis10, iis-express"
printf 'platform mine {\n    sni = on\n}\nsite a {\n    http *:80:a\n}\n' > "$tmp/own.bind"
run "own platform listed" 2 "$bindc" check "$tmp/own.bind" --platform mien
has "own platform listed" "$tmp/err" "iis-express, mine"
run xml 2 "$bindc" compile "$tmp/a.bind" --target xml
has xml "$tmp/err" "unknown target \`xml\`"
has xml "$tmp/err" "iis, netsh, netsh-revert, httpcfg, httpcfg-revert, nginx, apache, json, all"
lacks xml "$tmp/err" "did you mean"
run ngnix 2 "$bindc" compile "$tmp/a.bind" --target ngnix
has ngnix "$tmp/err" "did you mean \`nginx\`?"
run nevr 2 "$bindc" check "$tmp/a.bind" --color nevr
has nevr "$tmp/err" "did you mean \`never\`?"
has nevr "$tmp/err" "auto, always, never"
run xml-format 2 "$bindc" check "$tmp/a.bind" --diagnostics-format xml
has xml-format "$tmp/err" "text, json"
run server 2 "$bindc" route "$tmp/a.bind" http://a.example/ --server ngix
has server "$tmp/err" "iis, nginx, apache"
run E0210 2 "$bindc" explain E0210
has E0210 "$tmp/err" "did you mean \`E0201\`?"
has E0210 "$tmp/err" "bindc explain --list"
run "error-limit junk" 2 "$bindc" check "$tmp/a.bind" --error-limit many
has "error-limit junk" "$tmp/err" "is not a number"
run "root missing" 2 "$bindc" check "$tmp/a.bind" --root "$tmp/nowhere"
has "root missing" "$tmp/err" "no such folder"

# ---- explain --list -------------------------------------------------------------------------------------
run "explain --list" 0 "$bindc" explain --list
n=$(grep -c -E '^[EWI][0-9]{4}  (error|warning|hint) +[^ ]' "$tmp/out")
want=$(grep -c '^X(' "$src/compiler/diag/codes.def")
[ "$n" = "$want" ] && [ "$(wc -l < "$tmp/out")" = "$want" ] && ok || bad "explain --list: $n code lines, codes.def has $want"
has "explain --list" "$tmp/out" "I0401  hint     host bound without its www. (or apex) twin"
run "explain --list CODE" 2 "$bindc" explain --list E0201

# ---- `-` is standard input; -o - standard output ----------------------------------------------------------
"$bindc" check - < "$shop" > "$tmp/out" 2>&1 && ok || { bad "check -"; cat "$tmp/out"; }
printf 'site a {\n    http *:99999:a\n}\n' | "$bindc" check - > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q '^<stdin>:2:' "$tmp/err" && ok || { bad "check - names <stdin> (exit $rc)"; cat "$tmp/err"; }
"$bindc" compile - --target json < "$shop" > "$tmp/out" 2> "$tmp/err" && grep -q '"name": "Shop"' "$tmp/out" && ok || { bad "compile -"; cat "$tmp/err"; }
"$bindc" compile "$shop" --target nginx -o - > "$tmp/out" 2> "$tmp/err" && grep -q 'server_name' "$tmp/out" && ok || { bad "compile -o -"; cat "$tmp/err"; }
"$bindc" route - http://www.shop.example/ < "$shop" > "$tmp/out" 2> "$tmp/err" && grep -q '^site:    Shop' "$tmp/out" && ok || { bad "route -"; cat "$tmp/out" "$tmp/err"; }
"$bindc" fmt - < "$shop" > "$tmp/out" 2> "$tmp/err" && cmp -s "$tmp/out" "$shop" && ok || bad "fmt -"
run "stdin twice" 2 "$bindc" check - -
has "stdin twice" "$tmp/err" "given twice"
"$bindc" compile "$shop" --target json | "$bindc" compile - --target iis -o "$tmp/x.config" > /dev/null 2>&1
[ $? = 1 ] && ok || bad "compile of JSON through a pipe should be refused as .bind (exit 1)"
# import reads - and writes -o -.
cfg=$src/tests/golden/import/inputs/applicationHost.config
if [ -f "$cfg" ]; then
    "$bindc" import "$cfg" > "$tmp/want.bind" 2> /dev/null
    "$bindc" import - < "$cfg" > "$tmp/got.bind" 2> "$tmp/err"; rc=$?
    # The same .bind, but for the name of the input its comments give.
    sed "s|$cfg|<stdin>|g" "$tmp/want.bind" > "$tmp/want-stdin.bind"
    [ $rc = 0 ] && diff "$tmp/want-stdin.bind" "$tmp/got.bind" > "$tmp/d" && ok || { bad "import - (exit $rc)"; head -5 "$tmp/d"; }
    "$bindc" import "$cfg" -o - > "$tmp/got2.bind" 2> /dev/null && cmp -s "$tmp/want.bind" "$tmp/got2.bind" && ok || bad "import -o -"
    run "import onto its input" 2 "$bindc" import "$cfg" -o "$cfg"
else
    bad "no import input at $cfg"
fi
# --merge - reads standard input; in place it cannot be.
hwc=$src/tests/fixtures/iis/shirhatti-HwcConsole.config
"$bindc" compile "$shop" --target iis --merge "$hwc" -o "$tmp/m1.config" 2> /dev/null
"$bindc" compile "$shop" --target iis --merge - -o "$tmp/m2.config" < "$hwc" 2> "$tmp/err" && cmp -s "$tmp/m1.config" "$tmp/m2.config" && ok || { bad "--merge -"; cat "$tmp/err"; }
run "--merge - in place" 2 "$bindc" compile "$shop" --target iis --merge -

# ---- import and route --server apache are there -----------------------------------------------------------------
run "import is a command" 2 "$bindc" import
has "import is a command" "$tmp/err" "no input files"
lacks "import is a command" "$tmp/err" "unknown command"
run "route apache" 0 "$bindc" route "$shop" http://www.shop.example/ --server apache
has "route apache" "$tmp/out" "site:    Shop"
printf 'site n {\n    server = nginx\n    http *:8080:n.example\n}\nsite i {\n    server = iis\n    http *:80:i.example\n}\n' > "$tmp/servers.bind"
run "route apache, none" 3 "$bindc" route "$tmp/servers.bind" http://n.example/ --server apache
has "route apache, none" "$tmp/out" "2 sites for another server are not considered"

# ---- --root lets `use` reach a folder outside the files' ---------------------------------------------------------
mkdir -p "$tmp/proj" "$tmp/lib"
printf 'cert shared {\n    thumbprint = "3a1b9f0077c24e6d0a115b2c8d3e4f5061728394"\n}\n' > "$tmp/lib/certs.bind"
printf 'use "../lib/certs.bind"\nsite a {\n    https *:443:a cert=shared\n}\n' > "$tmp/proj/site.bind"
run "use outside, refused" 1 "$bindc" check "$tmp/proj/site.bind"
has "use outside, refused" "$tmp/err" "E0004"
run "use outside, --root" 0 "$bindc" check "$tmp/proj/site.bind" --root "$tmp/lib"
run "--root=DIR" 0 "$bindc" check "$tmp/proj/site.bind" "--root=$tmp"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
