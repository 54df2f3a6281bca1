#!/usr/bin/env bash
# Golden tests are data: tests/golden/<stage>/<case>.bind with its expected
# output beside it.  Usage:
#   golden.sh BINDC STAGE [--update] [CASE...]
# Stage `check`: runs `bindc check CASE.bind [ARGS]` from the stage folder
# (ARGS from CASE.args, one line, when present) and compares
#   CASE.stderr  the text diagnostics, then a last line `# exit N`
#   CASE.jsonl   the same run with --diagnostics-format json
# Stage `compile`: every example and every golden check case without errors
# is compiled to each target (twice: the runs must be byte-identical) and
# each output compared with compile/<case>/<file>; a target that refuses the
# input (E0304: a certificate nginx cannot use) has its diagnostics compared
# with compile/<case>/<file>.refused instead.
# Stage `import`: each CASE.args (one line: the inputs, relative to the
# stage folder, and options) is run as `bindc import ARGS` from the stage
# folder and compared with
#   CASE.bind    what it prints (empty after an error)
#   CASE.stderr  its diagnostics, then a last line `# exit N`
#   CASE.check   when it succeeded: `bindc check CASE.bind`'s diagnostics
#                and exit; and `bindc fmt --check CASE.bind` must pass.
# Until the command table names `import`, the tests' own build of the
# command (build/tests/bindc_import) runs it.
# --update rewrites the expectations; review the diff before committing.
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
stage=$2
shift 2
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
dir=$(cd "$(dirname "$0")/../golden/$stage" && pwd) || exit 2
cd "$dir" || exit 2

cases=("$@")
if [ "$stage" = compile ]; then
    # Every example and every golden check case without errors, through every target.
    src=$(cd ../../.. && pwd)
    if [ ${#cases[@]} -eq 0 ]; then
        for f in "$src"/examples/*.bind; do
            [ "$(basename "$f")" = mistakes.bind ] || cases+=("example-$(basename "${f%.bind}")")
        done
        for f in "$src"/tests/golden/check/*.bind; do
            head -n 1 "$f" | grep -q -E '^# expect:.*\bE[0-9]{4}' && continue
            grep -q -s -- --werror "${f%.bind}.args" && continue     # warnings are errors there
            cases+=("check-$(basename "${f%.bind}")")
        done
    fi
elif [ "$stage" = import ] && [ ${#cases[@]} -eq 0 ]; then
    for f in *.args; do cases+=("${f%.args}"); done
elif [ ${#cases[@]} -eq 0 ]; then
    for f in *.bind; do cases+=("${f%.bind}"); done
fi
import_cmd=("$bindc" import)
if [ "$stage" = import ] && "$bindc" import 2>&1 | grep -q 'unknown command'; then
    import_cmd=("$(dirname "$bindc")/tests/bindc_import" import)
fi

pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

compare() {  # name expected actual
    if [ $update = 1 ]; then cp "$3" "$2"; return 0; fi
    if [ ! -f "$2" ]; then echo "FAIL $1: missing $(basename "$2") (run with --update)"; return 1; fi
    if ! diff -u "$2" "$3" > "$tmp/diff"; then
        echo "FAIL $1: $(basename "$2") differs"; cat "$tmp/diff"; return 1
    fi
}

for c in "${cases[@]}"; do
    args=()
    [ -f "$c.args" ] && read -r -a args < "$c.args"
    case $stage in
    check)
        NO_COLOR=1 "$bindc" check "$c.bind" "${args[@]}" > "$tmp/out" 2> "$tmp/err"; rc=$?
        echo "# exit $rc" >> "$tmp/err"
        cat "$tmp/out" >> "$tmp/err"
        "$bindc" check "$c.bind" "${args[@]}" --diagnostics-format json > /dev/null 2> "$tmp/json"; jrc=$?
        ok=1
        compare "$c" "$c.stderr" "$tmp/err" || ok=0
        compare "$c" "$c.jsonl" "$tmp/json" || ok=0
        if [ $rc != $jrc ]; then echo "FAIL $c: exit $rc in text mode but $jrc in json mode"; ok=0; fi
        # Every case must name its codes in its first line: `# expect: E0201 W0302` or `# expect: clean`.
        want=$(head -n 1 "$c.bind" | sed -n 's/^# expect: *//p')
        if [ -z "$want" ]; then echo "FAIL $c: first line must be '# expect: CODES' or '# expect: clean'"; ok=0
        else
            got=$(grep -o '"code":"[A-Z][0-9]*"' "$tmp/json" | cut -d'"' -f4 | sort -u | tr '\n' ' ' | sed 's/ $//')
            wantn=$(echo "$want" | tr ' ' '\n' | grep -v '^clean$' | sort -u | tr '\n' ' ' | sed 's/ $//')
            if [ "$got" != "$wantn" ]; then echo "FAIL $c: codes [$got], expected [$wantn]"; ok=0; fi
        fi
        ;;
    compile)
        case $c in
        example-*) input=$src/examples/${c#example-}.bind; argsf= ;;
        *) input=$src/tests/golden/check/${c#check-}.bind; argsf=${input%.bind}.args ;;
        esac
        [ -n "$argsf" ] && [ -f "$argsf" ] && read -r -a args < "$argsf"
        ok=1
        rm -rf "$tmp/a" && mkdir -p "$tmp/a"
        # Each target on its own: its file, or (a refusal such as E0304 for a
        # certificate nginx cannot use) its diagnostics as FILE.refused.
        while read -r target file; do
            for run in 1 2; do
                (cd "$(dirname "$input")" && NO_COLOR=1 "$bindc" compile "$(basename "$input")" "${args[@]}" \
                    --target "$target" -o "$tmp/a/$file.$run") > /dev/null 2> "$tmp/a/$file.err$run"
                echo "# exit $?" >> "$tmp/a/$file.err$run"
            done
            if ! cmp -s "$tmp/a/$file.err1" "$tmp/a/$file.err2" || \
               { [ -f "$tmp/a/$file.1" ] && ! cmp -s "$tmp/a/$file.1" "$tmp/a/$file.2"; }; then
                echo "FAIL $c: $target output differs between two runs"; ok=0
            fi
            if [ -f "$tmp/a/$file.1" ]; then mv "$tmp/a/$file.1" "$tmp/a/$file"
            else
                grep -q -E '\[E0304\]|\[E0007\]' "$tmp/a/$file.err1" || { echo "FAIL $c: $target refused it:"; cat "$tmp/a/$file.err1"; ok=0; }
                mv "$tmp/a/$file.err1" "$tmp/a/$file.refused"
            fi
            rm -f "$tmp/a/$file.2" "$tmp/a/$file.err1" "$tmp/a/$file.err2"
        done < <("$bindc" compile --list-targets)
        if [ $ok = 0 ]; then :
        elif [ $update = 1 ]; then rm -rf "$c"; cp -r "$tmp/a" "$c"
        elif [ ! -d "$c" ]; then echo "FAIL $c: no expected output (run with --update)"; ok=0
        elif ! diff -ru "$c" "$tmp/a" > "$tmp/diff"; then echo "FAIL $c: output differs"; head -60 "$tmp/diff"; ok=0
        fi
        ;;
    import)
        ok=1
        NO_COLOR=1 "${import_cmd[@]}" "${args[@]}" > "$tmp/out" 2> "$tmp/err"; rc=$?
        echo "# exit $rc" >> "$tmp/err"
        compare "$c" "$c.bind" "$tmp/out" || ok=0
        compare "$c" "$c.stderr" "$tmp/err" || ok=0
        if [ $rc = 0 ]; then
            NO_COLOR=1 "$bindc" check "$c.bind" > /dev/null 2> "$tmp/check"; echo "# exit $?" >> "$tmp/check"
            compare "$c" "$c.check" "$tmp/check" || ok=0
            if ! "$bindc" fmt --check "$c.bind" > "$tmp/fmt" 2>&1; then echo "FAIL $c: not formatted"; cat "$tmp/fmt"; ok=0; fi
        elif [ -s "$tmp/out" ]; then
            echo "FAIL $c: exit $rc, but something was printed"; ok=0
        fi
        ;;
    *) echo "unknown stage $stage"; exit 2 ;;
    esac
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
