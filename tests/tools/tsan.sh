#!/usr/bin/env bash
# The threads under ThreadSanitizer: BINDC must be built with
# -fsanitize=thread (.ci/run does).  `check` and `compile --target all`
# over every example, every golden check case and a generated fleet; any
# report fails.  bindc runs two threads in both: the second half of a big
# file's parse beside the first (the 20,000-binding fleet is past
# BIND_PARSE_SPLIT_MIN), the route checks beside the conflict checks, and
# two backends at a time.
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
fail=0 n=0
perl "$src/tests/bench/fleet_gen.pl" 20000 > "$tmp/fleet.bind"
for f in "$src"/examples/*.bind "$src"/tests/golden/check/*.bind "$tmp/fleet.bind"; do
    args=$(cat "${f%.bind}.args" 2> /dev/null)
    for cmd in check "compile --target all -o $tmp/out"; do
        rm -rf "$tmp/out"
        (cd "$(dirname "$f")" && $bindc $cmd "$(basename "$f")" $args > /dev/null 2> "$tmp/err")
        if [ $? = 66 ] || grep -q ThreadSanitizer "$tmp/err"; then
            echo "FAIL $f: bindc $cmd"; sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' "$tmp/err" | head -40; fail=1
        fi
        n=$((n + 1))
    done
done
[ $fail = 0 ] && echo "tsan: $n runs, no data race"
exit $fail
