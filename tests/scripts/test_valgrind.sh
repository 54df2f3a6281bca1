#!/usr/bin/env bash
# The suite under valgrind: every unit test binary, and bindc on every
# golden input and example.  Any invalid access or leak fails the test.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
build=${BINDC_BUILD_DIR:?}
command -v valgrind > /dev/null || { echo "valgrind is not installed (.ci/install-deps installs it)"; exit 1; }
vg=(valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible)
pass=0 fail=0
check() {  # NAME CMD...
    local name=$1; shift
    "${vg[@]}" "$@" > /dev/null 2> "$tmp/err"
    if [ $? = 99 ] || grep -q '==[0-9]*==' "$tmp/err"; then
        echo "FAIL $name"; grep '==[0-9]*==' "$tmp/err" | head -30; fail=$((fail + 1))
    else pass=$((pass + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in "$build"/tests/test_*; do
    [ -x "$t" ] && check "$(basename "$t")" "$t"
done
cd "$src/tests/golden/check" || exit 1
for f in *.bind; do
    args=()
    c=${f%.bind}
    [ -f "$c.args" ] && read -r -a args < "$c.args"
    check "golden/$c" "$bindc" check "$f" "${args[@]}"
    check "golden/$c (json)" "$bindc" check "$f" "${args[@]}" --diagnostics-format json
done
for f in "$src"/examples/*.bind; do check "example/$(basename "$f")" "$bindc" check "$f"; done
check "explain" "$bindc" explain E0201
echo "$pass passed, $fail failed"
[ $fail = 0 ]
