#!/usr/bin/env bash
# Concurrent runs never lose an update.  50 pairs of in-place merges race
# on one file, each pair released at the same moment: one merges site
# Alpha, the other site Beta (each run owns only the sites its .bind files
# name, so the two updates compose).  Every final file must be one of the
# two serial orders — both updates in — and the .bak chain must hold every
# version replaced: .bak the original, .bak.1 the file after the first run.
# A run may instead say it was refused (exit 2, "changed while bindc worked
# on it"): then the file holds the other run's update, whole.  Then 20
# pairs of `--target all` into one folder: the folder ends with one run's
# set of files, whole (netsh.cmd and netsh-revert.cmd from the same run).
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
cd "$tmp" || exit 1
orig=$src/tests/fixtures/iis/shirhatti-HwcConsole.config

# Two updates, each large enough that a run takes a few milliseconds
# between its reading and its rename.
site() {  # NAME ID
    printf 'site "%s" {\n    id   = %d\n    pool = %s\n' "$1" "$2" "$1"
    for i in $(seq 300); do printf '    http *:80:h%d.%s.example\n' "$i" "$(echo "$1" | tr A-Z a-z)"; done
    printf '}\n'
}
site Alpha 10 > alpha.bind
site Beta 11 > beta.bind

# The two serial orders, and the file between the runs of each.
merge() { "$bindc" compile "$1" --target iis --merge "$2" -o "$3" > /dev/null 2>&1; }
merge alpha.bind "$orig" after_a && merge beta.bind after_a after_ab || bad "alpha then beta"
merge beta.bind "$orig" after_b && merge alpha.bind after_b after_ba || bad "beta then alpha"
grep -q 'name="Alpha"' after_ab && grep -q 'name="Beta"' after_ab && ok || bad "the serial merge lost a site: the backend does not keep the sites it does not own"

# A pair starts together: both wait for a line on one FIFO, which this
# shell holds open (read and write, so that no open blocks) and writes two
# lines to at once.
rm -f go
mkfifo go
exec 8<> go
pair() {  # CMD_A -- CMD_B: both at one moment; sets ra, rb (stderr in ea, eb)
    local a=() b=()
    while [ "$1" != -- ]; do a+=("$1"); shift; done
    shift
    b=("$@")
    (read -r -u 8; exec 8>&-; exec "${a[@]}" > /dev/null 2> ea) &
    local pa=$!
    (read -r -u 8; exec 8>&-; exec "${b[@]}" > /dev/null 2> eb) &
    local pb=$!
    printf 'go\ngo\n' >&8
    wait $pa; ra=$?
    wait $pb; rb=$?
}
race() {  # two merges into race/h.config at one moment
    rm -rf race
    mkdir race
    cp "$orig" race/h.config
    pair "$bindc" compile alpha.bind --target iis --merge race/h.config -- \
         "$bindc" compile beta.bind --target iis --merge race/h.config
}
refused() { grep -q "cannot write race/h.config: it changed while bindc worked on it" "$1"; }
ab=0 ba=0 refusals=0 waited=0
for run in $(seq 50); do
    race
    grep -q 'waiting for race/h.config' ea eb && waited=$((waited + 1))
    chain=$(ls race | tr '\n' ' ')
    if [ $ra = 0 ] && [ $rb = 0 ]; then
        if cmp -s race/h.config after_ab && cmp -s race/h.config.bak.1 after_a; then ab=$((ab + 1)); ok
        elif cmp -s race/h.config after_ba && cmp -s race/h.config.bak.1 after_b; then ba=$((ba + 1)); ok
        else bad "run $run: both exited 0, but the file is not both updates or .bak.1 is not the file between them ($chain)"; fi
        cmp -s race/h.config.bak "$orig" && ok || bad "run $run: the .bak is not the original"
        [ "$chain" = "h.config h.config.bak h.config.bak.1 " ] && ok || bad "run $run: the folder holds $chain"
    elif [ $ra = 2 ] && refused ea && [ $rb = 0 ]; then
        refusals=$((refusals + 1))
        cmp -s race/h.config after_b && cmp -s race/h.config.bak "$orig" && ok || bad "run $run: alpha refused, but the file is not beta's merge"
    elif [ $rb = 2 ] && refused eb && [ $ra = 0 ]; then
        refusals=$((refusals + 1))
        cmp -s race/h.config after_a && cmp -s race/h.config.bak "$orig" && ok || bad "run $run: beta refused, but the file is not alpha's merge"
    else
        bad "run $run: exits $ra and $rb: $(cat ea eb | head -c 400)"
    fi
done
echo "50 races: $ab alpha then beta, $ba beta then alpha, $refusals refused, $waited waited for the other's lock"

# --target all, two runs into one folder: one run's set, whole.
"$bindc" compile alpha.bind --target all -o set_a > /dev/null 2>&1 || bad "--target all alpha"
"$bindc" compile beta.bind --target all -o set_b > /dev/null 2>&1 || bad "--target all beta"
names=$(ls set_a)
mixed=0
for run in $(seq 20); do
    rm -rf out
    pair "$bindc" compile alpha.bind --target all -o out -- "$bindc" compile beta.bind --target all -o out
    [ $ra = 0 ] && [ $rb = 0 ] && ok || bad "--target all, run $run: exits $ra and $rb"
    if diff -r out set_a > /dev/null || diff -r out set_b > /dev/null; then ok
    else
        mixed=$((mixed + 1))
        bad "--target all, run $run: the folder mixes the two runs' files ($(for n in $names; do cmp -s out/$n set_a/$n && echo "$n:a" || echo "$n:b"; done | tr '\n' ' '))"
    fi
done

echo "$pass passed, $fail failed"
[ $fail = 0 ]
