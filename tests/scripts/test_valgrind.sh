#!/usr/bin/env bash
# The suite under valgrind: every unit test binary, and bindc on every
# golden input and example (check, and compile --target all for the
# examples).  Any invalid access or leak fails the test.  Runs two at a time.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
build=${BINDC_BUILD_DIR:?}
command -v valgrind > /dev/null || { echo "valgrind is not installed (.ci/install-deps installs it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One job per line: NAME<TAB>DIR<TAB>COMMAND...
jobs=$tmp/jobs
: > "$jobs"
for t in "$build"/tests/test_*; do
    [ -x "$t" ] && printf '%s\t%s\t%s\n' "unit/$(basename "$t")" "$build/tests" "$t" >> "$jobs"
done
for f in "$src"/tests/golden/check/*.bind; do
    c=$(basename "${f%.bind}")
    args=""
    [ -f "${f%.bind}.args" ] && args=$(cat "${f%.bind}.args")
    printf '%s\t%s\t%s\n' "golden/$c" "$src/tests/golden/check" "$bindc check $c.bind $args" >> "$jobs"
done
for f in "$src"/examples/*.bind; do
    n=$(basename "$f")
    printf '%s\t%s\t%s\n' "example/$n" "$src/examples" "$bindc check $n --diagnostics-format json" >> "$jobs"
    [ "$n" = mistakes.bind ] || printf '%s\t%s\t%s\n' "compile/$n" "$src/examples" "$bindc compile $n --target all -o $tmp/out-$n" >> "$jobs"
done
printf '%s\t%s\t%s\n' "explain" "$src" "$bindc explain E0201" >> "$jobs"

run_one() {
    IFS=$'\t' read -r name dir cmd <<< "$1"
    log=$(mktemp)
    # shellcheck disable=SC2086
    (cd "$dir" && valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        --show-leak-kinds=definite,indirect,possible $cmd > /dev/null 2> "$log")
    if [ $? = 99 ] || grep -q '^==[0-9]*==' "$log"; then echo "FAIL $name"; grep '^==[0-9]*==' "$log" | head -30
    else echo "ok $name"; fi
    rm -f "$log"
}
export -f run_one
tr '\n' '\0' < "$jobs" | xargs -0 -P 2 -I{} bash -c 'run_one "$1"' _ {} > "$tmp/results"
grep '^FAIL' -A30 "$tmp/results"
pass=$(grep -c '^ok ' "$tmp/results")
fail=$(grep -c '^FAIL ' "$tmp/results")
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
