#!/usr/bin/env bash
# examples/editors/: the VS Code extension's files are valid and consistent
# (JSON, the paths the manifest names, the grammar's scope, the patterns of
# the language configuration), the Neovim snippet works as shipped
# (loaded into a headless Neovim, it gives a .bind buffer its filetype and
# bindc's diagnostics), and the Emacs snippet byte-compiles cleanly.
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${BINDC_SOURCE_DIR:?}
ed=$src/examples/editors
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() {  # NAME CMD...
    local name=$1; shift
    if "$@" > "$tmp/out" 2>&1; then pass=$((pass + 1)); else echo "FAIL $name"; cat "$tmp/out"; fail=$((fail + 1)); fi
}
command -v jq > /dev/null || { echo "jq is needed (.ci/install-deps installs it)"; exit 1; }

vs=$ed/vscode
for f in package.json language-configuration.json syntaxes/bind.tmLanguage.json; do
    check "valid JSON: $f" jq -e . "$vs/$f"
done
check "manifest names files that exist" bash -c '
    cd "$1" && test -f "$(jq -r .main package.json)" &&
    for p in $(jq -r ".contributes.languages[].configuration, .contributes.grammars[].path" package.json); do test -f "$p" || exit 1; done' _ "$vs"
check "grammar scope matches the manifest" test "$(jq -r '.contributes.grammars[0].scopeName' "$vs/package.json")" = "$(jq -r .scopeName "$vs/syntaxes/bind.tmLanguage.json")"
check "the language is .bind" test "$(jq -r '.contributes.languages[0].extensions[0]' "$vs/package.json")" = ".bind"
check "every grammar include is defined" bash -c '
    for r in $(jq -r "[.. | objects | .include? // empty] | unique | .[]" "$1"); do
        jq -e --arg k "${r#\#}" ".repository | has(\$k)" "$1" > /dev/null || { echo "undefined $r"; exit 1; }
    done' _ "$vs/syntaxes/bind.tmLanguage.json"
check "the client runs bindc lsp" grep -q "args: \['lsp'\]" "$vs/extension.js"
# The word pattern is the language's word (grammar/README.md §2): a binding is one word.
word=$(jq -r .wordPattern "$vs/language-configuration.json")
check "word pattern takes a binding whole" bash -c 'printf "%s\n" "*:443:shop.example" | grep -q -x -P "$1"' _ "$word"
check "word pattern stops at = and ," bash -c '! printf "%s\n" "cert=shop" | grep -q -x -P "$1"' _ "$word"

# The Neovim snippet, loaded as a user would.
if command -v nvim > /dev/null; then
    printf 'site a {\n    http *:99999:a.example\n}\n' > "$tmp/a.bind"
    cat > "$tmp/t.lua" <<'EOF'
local out = assert(io.open(os.getenv('RESULT'), 'w'))
local ok, err = pcall(function()
  vim.g.bindc_path = os.getenv('BINDC')
  dofile(os.getenv('SNIPPET'))
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('BIND_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  out:write('filetype ' .. vim.bo[buf].filetype .. '\n')
  out:write('commentstring ' .. vim.bo[buf].commentstring .. '\n')
  assert(vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20), 'no diagnostics')
  local d = vim.diagnostic.get(buf)[1]
  out:write(string.format('diag %s %d:%d-%d:%d\n', d.code, d.lnum, d.col, d.end_lnum, d.end_col))
  for _, c in pairs(vim.lsp.get_active_clients()) do out:write('client ' .. c.name .. '\n') end
  out:write('K ' .. (vim.fn.maparg('K', 'n') ~= '' and 'mapped' or 'free') .. '\n')
end)
if not ok then out:write('error ' .. tostring(err) .. '\n') end
out:close()
vim.cmd(ok and 'qa!' or 'cq!')
EOF
    HOME=$tmp XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache \
    BINDC=$bindc SNIPPET=$ed/nvim/bindc.lua BIND_FILE=$tmp/a.bind RESULT=$tmp/result \
        timeout 60 nvim --headless -u NONE -i NONE -n -c "luafile $tmp/t.lua" > "$tmp/nvim.out" 2>&1
    for want in "filetype bind" "commentstring # %s" "diag E0102 1:11-1:16" "client bindc" "K mapped"; do
        check "neovim snippet: $want" grep -q -x -F -- "$want" "$tmp/result"
    done
else
    echo "FAIL nvim is not installed (.ci/install-deps installs neovim)"; fail=$((fail + 1))
fi
# The Emacs snippet byte-compiles without a warning (test_lsp_eglot.sh runs it).
if command -v emacs > /dev/null; then
    cp "$ed/emacs/bindc.el" "$tmp/bindc.el"
    check "emacs snippet compiles cleanly" bash -c '
        HOME=$1 emacs --batch -q --eval "(setq byte-compile-error-on-warn t)" -f batch-byte-compile "$1/bindc.el" 2>&1 && test -f "$1/bindc.elc"' _ "$tmp"
else
    echo "FAIL emacs is not installed (.ci/install-deps installs emacs-nox and elpa-eglot)"; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
