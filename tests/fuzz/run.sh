#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs each for a bounded time.
#   tests/fuzz/run.sh [SECONDS_PER_HARNESS]     (default 30; CI uses a short smoke run)
# Seeds come from the golden inputs, the examples and tests/bogons; new
# corpus entries go to build-fuzz/corpus/<harness>.  A crash leaves its input
# as build-fuzz/crash-*: copy it to tests/bogons/ so it stays fixed.
set -euo pipefail
secs=${1:-30}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
CC=clang cmake -S "$root" -B "$build" -DBINDC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$build" -j2 > /dev/null
status=0
for h in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$h" ] || continue
    name=$(basename "$h")
    corpus=$build/corpus/$name
    mkdir -p "$corpus"
    seeds=("$root/tests/golden/check" "$root/examples")
    [ -d "$root/tests/bogons" ] && seeds+=("$root/tests/bogons")
    [ -d "$root/tests/fuzz/seeds/$name" ] && seeds+=("$root/tests/fuzz/seeds/$name")
    echo "fuzz: $name for ${secs}s"
    if ! ASAN_OPTIONS=detect_leaks=1 "$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$build/crash-$name-" -print_final_stats=1 "$corpus" "${seeds[@]}" > "$build/$name.log" 2>&1; then
        echo "fuzz: $name FAILED"; tail -40 "$build/$name.log"; status=1
    else
        grep -E 'stat::number_of_executed_units|cov:' "$build/$name.log" | tail -2
    fi
done
exit $status
