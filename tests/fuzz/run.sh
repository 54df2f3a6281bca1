#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs each for a bounded time.
#   tests/fuzz/run.sh [SECONDS_PER_HARNESS]     (default 30) — a real fuzzing run
#   tests/fuzz/run.sh smoke                     — what CI runs: a fixed seed and a
#       fixed number of inputs per harness, so the same commit always gives the
#       same result (a CI run must not pass or fail by chance)
# Seeds come from the golden inputs, the examples and tests/bogons; new
# corpus entries go to build-fuzz/corpus/<harness>.  A crash leaves its input
# as build-fuzz/crash-*: copy it to tests/bogons/ so it stays fixed.
set -euo pipefail
secs=${1:-30}
smoke=0
if [ "$secs" = smoke ]; then smoke=1; secs=600; fi
# Inputs per harness in a smoke run (each takes 10-20 s here).
declare -A smoke_runs=([fuzz_check]=2000 [fuzz_split]=2000 [fuzz_binding]=50000 [fuzz_lsp_doc]=400 [fuzz_lsp_frame]=100000 [fuzz_merge]=10000
                       [fuzz_import_iis]=5000 [fuzz_import_netsh]=20000 [fuzz_import_appcmd]=20000 [fuzz_import_nginx]=20000)
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
    # The importers start from the captures and configurations of the import tests.
    case $name in fuzz_import_*) seeds+=("$root/tests/golden/import/inputs" "$root/tests/fixtures/iis") ;; esac
    limits=(-max_total_time="$secs")
    if [ $smoke = 1 ]; then
        rm -rf "$corpus" && mkdir -p "$corpus"
        limits+=(-seed=1 -runs="${smoke_runs[$name]:-5000}")
        echo "fuzz: $name, ${smoke_runs[$name]:-5000} inputs from seed 1"
    else
        echo "fuzz: $name for ${secs}s"
    fi
    if ! ASAN_OPTIONS=detect_leaks=1 "$h" "${limits[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$build/crash-$name-" -print_final_stats=1 "$corpus" "${seeds[@]}" > "$build/$name.log" 2>&1; then
        echo "fuzz: $name FAILED"; tail -40 "$build/$name.log"; status=1
    else
        grep -E 'stat::number_of_executed_units|cov:' "$build/$name.log" | tail -2
    fi
done
exit $status
