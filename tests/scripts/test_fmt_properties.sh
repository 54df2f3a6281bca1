#!/usr/bin/env bash
# bindc fmt from the command line: the three properties on the examples and
# the golden inputs through the real binary (idempotent: `fmt --check` of
# fmt(x) passes; meaning: `compile --target json` and the diagnostics of
# fmt(x) are x's; comments: the same texts in the same order), then the
# command's contract: --check, --write (atomic, only files that change),
# syntax errors, standard input, exit codes.  test_fmt_properties.c runs the
# same properties in-process over a few hundred generated files.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# The comment texts of a .bind file, one a line: `#` outside a string to the
# end of the line, trailing white space dropped.  Strings do not span lines.
comments() {
    LC_ALL=C awk '{
        sub(/\r$/, ""); n = length($0); q = ""
        for (i = 1; i <= n; i++) {
            c = substr($0, i, 1)
            if (q == "\"") { if (c == "\\") i++; else if (c == "\"") q = "" }
            else if (q == "'\''") { if (c == "'\''") q = "" }
            else if (c == "\"" || c == "'\''") q = c
            else if (c == "#") { t = substr($0, i); sub(/[ \t]+$/, "", t); print t; break }
        }
    }' "$1"
}

# What compiling CASE means in DIR: exit code, json model, diagnostics
# without positions (formatting moves them).
meaning() {  # DIR CASE   (the two sides run at once: one diagnostics file each)
    local diags=$1.diags
    (cd "$1" && "$bindc" compile "$2" --target json --diagnostics-format json 2> "$diags"; echo "exit $?")
    sed 's/,"file":.*//' "$diags"
}

# Copies DIR twice: as it is, and with every file that parses formatted.
corpus() {  # NAME DIR
    local name=$1 dir=$2
    rm -rf "$tmp/$name.orig" "$tmp/$name.fmt"
    cp -R "$dir" "$tmp/$name.orig"
    cp -R "$dir" "$tmp/$name.fmt"
    local f formatted=0
    while IFS= read -r f; do
        if "$bindc" fmt "$tmp/$name.orig/$f" > "$tmp/one" 2> /dev/null; then
            cp "$tmp/one" "$tmp/$name.fmt/$f"
            formatted=$((formatted + 1))
            if "$bindc" fmt --check "$tmp/$name.fmt/$f" > "$tmp/check"; then ok; else bad "$name/$f: fmt(fmt(x)) != fmt(x)"; cat "$tmp/check"; fi
            if diff <(comments "$tmp/$name.orig/$f") <(comments "$tmp/$name.fmt/$f") > "$tmp/diff"; then ok
            else bad "$name/$f: comments differ"; cat "$tmp/diff"; fi
        fi
    done < <(cd "$dir" && find . -name '*.bind' | sort)
    [ "$formatted" -gt 0 ] && ok || bad "$name: no file formatted"
    for f in "$tmp/$name.orig"/*.bind; do
        f=$(basename "$f")
        if diff <(meaning "$tmp/$name.orig" "$f") <(meaning "$tmp/$name.fmt" "$f") > "$tmp/diff"; then ok
        else bad "$name/$f: compile --target json of fmt(x) differs"; head -40 "$tmp/diff"; fi
    done
}

corpus examples "$src/examples"
corpus golden "$src/tests/golden/check"

# The examples are kept formatted.
if "$bindc" fmt --check "$src"/examples/*.bind > "$tmp/out" 2>&1; then ok; else bad "examples are not formatted"; cat "$tmp/out"; fi

# ---- the command ------------------------------------------------------
expect() {  # NAME WANT_EXIT CMD...   (stdout in $tmp/out, stderr in $tmp/err)
    local name=$1 want=$2; shift 2
    "$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$name: exit $rc, expected $want"; cat "$tmp/out" "$tmp/err"; fi
}
has() {  # NAME FILE TEXT
    if grep -q -F -- "$3" "$2"; then ok; else bad "$1: $(basename "$2") lacks '$3'"; cat "$2"; fi
}
same_file() {  # NAME A B
    if cmp -s "$2" "$3"; then ok; else bad "$1: $2 and $3 differ"; diff "$2" "$3" | head -20; fi
}

w=$tmp/cli
mkdir "$w"
printf 'site a {\n  HTTP *:80:A.Example   # home\n https *:443:a.example cert=c\n}\ncert c { thumbprint = "C:\\\\x" }\n' > "$w/messy.bind"
printf 'site a {\n    http  *:80:a.example  # home\n    https *:443:a.example  cert=c\n}\n\ncert c {\n    thumbprint = '\''C:\\x'\''\n}\n' > "$w/want.bind"
cp "$w/want.bind" "$w/clean.bind"
printf 'site a {\n    http *:80:a\n' > "$w/broken.bind"
cp "$w/broken.bind" "$w/broken.orig"

expect print 0 "$bindc" fmt "$w/messy.bind"
same_file print "$tmp/out" "$w/want.bind"
expect print-stdin 0 "$bindc" fmt - < "$w/messy.bind"
same_file print-stdin "$tmp/out" "$w/want.bind"
expect check-clean 0 "$bindc" fmt --check "$w/clean.bind"
[ -s "$tmp/out" ] && bad "check-clean printed something" || ok
expect check-messy 1 "$bindc" fmt --check "$w/clean.bind" "$w/messy.bind"
has check-messy "$tmp/out" "$w/messy.bind:2: not formatted"
has check-messy "$tmp/out" "  -   HTTP *:80:A.Example   # home"
has check-messy "$tmp/out" "  +     http  *:80:a.example  # home"
grep -q clean.bind "$tmp/out" && bad "check-messy listed a formatted file" || ok

# --write: only files that change, atomically (a new inode by rename), no
# temporary file left behind; a formatted file keeps its inode.
inode() { stat -c %i "$1"; }
before_clean=$(inode "$w/clean.bind") before_messy=$(inode "$w/messy.bind")
chmod 600 "$w/messy.bind"
expect write 0 "$bindc" fmt --write "$w/messy.bind" "$w/clean.bind"
same_file write "$w/messy.bind" "$w/want.bind"
[ "$(inode "$w/clean.bind")" = "$before_clean" ] && ok || bad "write rewrote a formatted file"
[ "$(inode "$w/messy.bind")" != "$before_messy" ] && ok || bad "write did not replace the file by rename"
[ "$(stat -c %a "$w/messy.bind")" = 600 ] && ok || bad "write lost the file mode"
ls "$w" | grep -q tmp && bad "write left a temporary file: $(ls "$w")" || ok
expect write-again 0 "$bindc" fmt --check "$w/messy.bind"

# Through a symbolic link: the file is rewritten, the link stays a link.
cp "$w/want.bind" "$w/target.bind"
printf 'site b {}\n\n\n' > "$w/target.bind"
ln -s target.bind "$w/link.bind"
expect write-link 0 "$bindc" fmt --write "$w/link.bind"
[ -L "$w/link.bind" ] && ok || bad "write-link replaced the link"
printf 'site b {}\n' > "$w/target.want"
same_file write-link "$w/target.bind" "$w/target.want"

# Syntax errors: diagnostics, exit 1, the file untouched.
expect broken 1 "$bindc" fmt "$w/broken.bind"
has broken "$tmp/err" "error[E0001]"
[ -s "$tmp/out" ] && bad "broken: printed a formatted text" || ok
expect broken-write 1 "$bindc" fmt --write "$w/broken.bind"
same_file broken-write "$w/broken.bind" "$w/broken.orig"
expect broken-check 1 "$bindc" fmt --check "$w/broken.bind"
expect broken-json 1 "$bindc" fmt "$w/broken.bind" --diagnostics-format json
has broken-json "$tmp/err" '"code":"E0001"'
printf 'site a {\n    http\xc2\xa0*:80:a\n}\n' > "$w/nbsp.bind"
expect broken-e0003 1 "$bindc" fmt "$w/nbsp.bind"
has broken-e0003 "$tmp/err" "error[E0003]"

# Exit codes: the worst of all files; usage errors.
expect worst 2 "$bindc" fmt --check "$w/clean.bind" "$w/broken.bind" "$w/missing.bind"
has worst "$tmp/err" "cannot read"
expect no-files 2 "$bindc" fmt
expect both-modes 2 "$bindc" fmt --check --write "$w/clean.bind"
expect unknown-option 2 "$bindc" fmt --frob "$w/clean.bind"
expect write-stdin 2 "$bindc" fmt --write -
expect directory 2 "$bindc" fmt "$w"
expect help 0 "$bindc" --help
has help "$tmp/out" "fmt     FILE..."

echo "$pass passed, $fail failed"
[ $fail = 0 ]
