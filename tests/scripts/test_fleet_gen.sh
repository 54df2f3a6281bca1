#!/usr/bin/env bash
# Keeps the benchmark's fleet generator and runner working (they are not
# tests themselves: no timing is asserted here).  At a small N:
#   - the generator is deterministic and gives about the bindings asked for;
#   - the fleet checks clean — no diagnostic at all — on iis10 and iis8, so
#     the benchmark measures the work every fleet pays;
#   - it compiles for every target, and the model holds every binding;
#   - the runner prints a row for every command it measures.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
gen=$src/tests/bench/fleet_gen.pl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

for pf in iis10 iis8; do
    perl "$gen" 3000 "$pf" > "$tmp/a.bind" || bad "$pf: generator failed"
    perl "$gen" 3000 "$pf" > "$tmp/b.bind"
    cmp -s "$tmp/a.bind" "$tmp/b.bind" && ok || bad "$pf: two runs differ"
    n=$(grep -cE '^\s+(http|https) ' "$tmp/a.bind")
    [ "$n" -ge 3000 ] && [ "$n" -le 3010 ] && ok || bad "$pf: $n bindings for 3000"
    "$bindc" check "$tmp/a.bind" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    [ $rc -eq 0 ] && ok || bad "$pf: check exit $rc"
    [ ! -s "$tmp/err" ] && ok || { bad "$pf: diagnostics on the fleet"; head -20 "$tmp/err"; }
    rm -rf "$tmp/all"
    "$bindc" compile "$tmp/a.bind" --target all -o "$tmp/all" 2> "$tmp/err"
    rc=$?
    [ $rc -eq 0 ] && ok || { bad "$pf: compile --target all exit $rc"; head -5 "$tmp/err"; }
    files=$(ls "$tmp/all" 2> /dev/null | wc -l)
    [ "$files" -eq "$("$bindc" compile --list-targets | grep -c -v '^httpcfg')" ] && ok || bad "$pf: $files files written"
    if command -v jq > /dev/null; then
        m=$(jq '[.sites[].bindings[]] | length' "$tmp/all/model.json")
        [ "$m" = "$n" ] && ok || bad "$pf: model holds $m bindings, the file $n"
    fi
done

# The runner, once, at a size that takes seconds.
if command -v /usr/bin/time > /dev/null; then
    RUNS=1 "$src/tests/bench/fleet.sh" "$bindc" 500 > "$tmp/bench" 2>&1
    rc=$?
    [ $rc -eq 0 ] && ok || bad "fleet.sh exit $rc"
    for what in "bindc check" "bindc compile --target all" "bindc compile --target nginx"; do
        grep -q "^ *500  $what " "$tmp/bench" && ok || { bad "fleet.sh printed no row for $what"; cat "$tmp/bench"; }
    done
    grep -q '; 0 diagnostics' "$tmp/bench" && ok || bad "fleet.sh: no diagnostics count"
    # The captures of the fleet's machine match the fleet: nothing to say.
    grep -q "bindc check --state .*URL reservations; 0 diagnostics" "$tmp/bench" && ok ||
        { bad "fleet.sh: check --state of the fleet's own captures is not clean"; grep -- '--state' "$tmp/bench"; }
    if grep -q 'exit [1-9]' "$tmp/bench"; then bad "fleet.sh: a measured command failed"; grep 'exit' "$tmp/bench"; else ok; fi
else
    bad "fleet.sh: GNU time is not installed (.ci/install-deps installs it)"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
