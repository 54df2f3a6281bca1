#!/usr/bin/env bash
# What documents the command line comes from its one option table
# (compiler/driver/table.c), and installs:
#   - the man page's generated parts are what the table makes now, and
#     `man -l` reads the page without a warning;
#   - the bash completion completes commands, options and their values
#     (also --opt=value); the zsh and fish ones parse (when installed);
#   - the README's usage block and grammar/README.md §10's option table,
#     between their markers, are what `bindc __generate usage|options` says;
#   - `cmake --install` puts bindc, bindc(1) and the three completions in
#     place, and the installed bindc runs.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
build=${BINDC_BUILD_DIR:-$(dirname "$1")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# ---- the man page ---------------------------------------------------------------
page=$src/compiler/driver/bindc.1
cp "$page" "$tmp/bindc.1"
"$bindc" __generate man "$tmp/bindc.1" && ok || bad "__generate man failed"
if cmp -s "$page" "$tmp/bindc.1"; then ok
else bad "compiler/driver/bindc.1 lags behind the option table: run \`build/bindc __generate man compiler/driver/bindc.1\`"; diff "$page" "$tmp/bindc.1" | head -20; fi
if command -v man > /dev/null; then
    MANWIDTH=80 man --warnings -l "$page" > "$tmp/man.txt" 2> "$tmp/man.err"
    [ -s "$tmp/man.txt" ] && [ ! -s "$tmp/man.err" ] && ok || { bad "man -l: warnings"; head "$tmp/man.err"; }
    for cmd in check compile fmt route import explain lsp help; do
        grep -q "^   bindc $cmd\$" "$tmp/man.txt" && ok || bad "man page: no section for bindc $cmd"
    done
    for opt in --target --merge --allow --deny --error-limit --root --sni --list-targets --verbose; do
        grep -q -e "$opt" "$tmp/man.txt" && ok || bad "man page: no $opt"
    done
else
    bad "man -l: man is not installed (Debian: man-db; .ci/install-deps installs it)"
fi

# ---- completions ------------------------------------------------------------------
"$bindc" __generate bash "$tmp/bindc.bash" && bash -n "$tmp/bindc.bash" && ok || bad "bash completion does not parse"
complete_with() {  # WORDS...: the completions of the last word
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _bindc; printf "%s\n" "${COMPREPLY[@]}"' _ "$tmp/bindc.bash" "$@"
}
want() {  # NAME WANT WORDS...
    local name=$1 w=$2; shift 2
    complete_with "$@" > "$tmp/c" 2>&1
    grep -q -x -F -- "$w" "$tmp/c" && ok || { bad "bash completion $name: no $w in"; cat "$tmp/c"; }
}
want command compile bindc comp
want "global option" --version bindc --ver
want option --platform bindc check --pla
want "option of compile" --list-targets bindc compile --li
want "target value" nginx bindc compile x.bind --target ng
want "target after =" apache bindc compile x.bind --target = ap
want "color value" never bindc check --color n
want "platform value" iis-express bindc check --platform iis-
want code E0201 bindc explain E020
want "code of --allow" I0401 bindc check --allow I04
want "server" apache bindc route --server a
want "help's command" route bindc help ro
mkdir -p "$tmp/files" && : > "$tmp/files/site.bind" && : > "$tmp/files/other.txt"
want ".bind file" "$tmp/files/site.bind" bindc check "$tmp/files/s"
complete_with bindc check "$tmp/files/o" > "$tmp/c" 2>&1
grep -q other.txt "$tmp/c" && bad "bash completion offers a file that is not .bind to check" || ok
if complete_with bindc check --werror --pla | grep -q -x -- --platform; then ok; else bad "bash completion after a switch"; fi
if command -v zsh > /dev/null; then
    "$bindc" __generate zsh "$tmp/_bindc" && zsh -n "$tmp/_bindc" && ok || bad "zsh completion does not parse"
else bad "zsh completion: zsh is not installed (.ci/install-deps installs it)"; fi
if command -v fish > /dev/null; then
    "$bindc" __generate fish "$tmp/bindc.fish" && fish -n "$tmp/bindc.fish" && ok || bad "fish completion does not parse"
    out=$(fish -c "source $tmp/bindc.fish; complete -C 'bindc compile x.bind --target ng'" 2>&1)
    echo "$out" | grep -q '^nginx' && ok || bad "fish completion of --target: $out"
else bad "fish completion: fish is not installed (.ci/install-deps installs it)"; fi

# ---- README and grammar/README.md §10 --------------------------------------------------
between() {  # FILE BEGIN-MARKER END-MARKER: the lines between, fences dropped
    awk -v b="$2" -v e="$3" 'index($0, e) == 1 { on = 0 } on && !/^```/ { print } index($0, b) == 1 { on = 1 }' "$1"
}
check_block() {  # NAME FILE BEGIN END GENERATE
    if ! grep -q -F -- "$3" "$2"; then bad "$1: $(basename "$2") has no \`$3\` marker"; return; fi
    between "$2" "$3" "$4" > "$tmp/doc"
    "$bindc" __generate "$5" > "$tmp/gen"
    if cmp -s "$tmp/doc" "$tmp/gen"; then ok
    else bad "$1 differs from \`bindc __generate $5\`"; diff "$tmp/doc" "$tmp/gen" | head -20; fi
}
check_block "README usage" "$src/README.md" "<!-- usage: generated" "<!-- end usage -->" usage
check_block "grammar/README.md options" "$src/grammar/README.md" "<!-- options: generated" "<!-- end options -->" options

# ---- cmake --install ------------------------------------------------------------------
if [ -f "$build/cmake_install.cmake" ] && command -v cmake > /dev/null; then
    cmake --install "$build" --prefix "$tmp/inst" > "$tmp/install.log" 2>&1 && ok || { bad "cmake --install"; tail "$tmp/install.log"; }
    for f in bin/bindc share/bash-completion/completions/bindc share/zsh/vendor-completions/_bindc \
             share/fish/vendor_completions.d/bindc.fish; do
        [ -s "$tmp/inst/$f" ] && ok || bad "cmake --install: no $f"
    done
    manpage=$(ls "$tmp"/inst/share/man/man1/bindc.1* 2> /dev/null | head -n 1)
    [ -n "$manpage" ] && MANWIDTH=80 man -l "$manpage" 2> /dev/null | grep -q 'bindc compile' && ok || bad "cmake --install: no readable bindc(1)"
    "$tmp/inst/bin/bindc" check "$src/examples/shop.bind" && ok || bad "the installed bindc does not run"
    ls "$tmp/inst" | grep -q -v -x -e bin -e share && bad "cmake --install put more than bin/ and share/: $(ls "$tmp/inst")" || ok
else
    bad "no build folder with cmake_install.cmake at $build"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
