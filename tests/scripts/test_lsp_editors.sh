#!/usr/bin/env bash
# examples/editors/: the VS Code extension's files are valid and consistent
# (JSON, the paths the manifest names, the grammar's scope, the patterns of
# the language configuration), the Neovim snippet works as shipped
# (loaded into a headless Neovim, it gives a .bind buffer its filetype and
# bindc's diagnostics), and the Emacs snippet byte-compiles cleanly.
# Without bindc each snippet fails gracefully: one message saying how to
# install it, no error and no stack trace (Neovim and Emacs headless, the
# VS Code extension under node with stand-ins for VS Code's modules).
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
# Without bindc: one message that says how to install it, no error.
if command -v nvim > /dev/null; then
    printf 'site b {\n    http *:80:b.example\n}\n' > "$tmp/b.bind"
    cat > "$tmp/missing.lua" <<'LUA'
local out = assert(io.open(os.getenv('RESULT'), 'w'))
local notes = 0
local notify = vim.notify
vim.notify = function(msg, level, o)
  notes = notes + 1
  out:write('notify ' .. msg:gsub('\n', ' ') .. '\n')
  return notify(msg, level, o)
end
local ok, err = pcall(function()
  vim.g.bindc_path = os.getenv('MISSING')
  dofile(os.getenv('SNIPPET'))
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('BIND_FILE')))
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('BIND_FILE2')))
  vim.wait(500)
  out:write('filetype ' .. vim.bo.filetype .. '\n')
  out:write('clients ' .. #vim.lsp.get_active_clients() .. '\n')
  out:write('notes ' .. notes .. '\n')
  out:write('messages ' .. vim.fn.execute('messages'):gsub('\n', ' | ') .. '\n')
end)
if not ok then out:write('error ' .. tostring(err) .. '\n') end
out:close()
vim.cmd(ok and 'qa!' or 'cq!')
LUA
    HOME=$tmp XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache \
    MISSING=$tmp/no/bindc SNIPPET=$ed/nvim/bindc.lua BIND_FILE=$tmp/a.bind BIND_FILE2=$tmp/b.bind RESULT=$tmp/missing \
        timeout 60 nvim --headless -u NONE -i NONE -n -c "luafile $tmp/missing.lua" > "$tmp/nvim.out" 2>&1
    nvim_rc=$?
    check "neovim without bindc: exit 0" test $nvim_rc = 0
    for want in "filetype bind" "clients 0" "notes 1"; do
        check "neovim without bindc: $want" grep -q -x -F -- "$want" "$tmp/missing"
    done
    check "neovim without bindc: says how to install" grep -q "^notify bindc: .*was not found.*Install it: .*cmake --build build.*bindc_path" "$tmp/missing"
    check "neovim without bindc: no error, no stack trace" bash -c '! grep -q -i -E "error|traceback" "$1" "$2"' _ "$tmp/missing" "$tmp/nvim.out"
fi
if command -v emacs > /dev/null; then
    printf 'site b {\n    http *:80:b.example\n}\n' > "$tmp/b.bind"
    HOME=$tmp timeout 60 emacs --batch -q --eval "(progn (package-initialize) (setq bindc-program \"$tmp/no/bindc\") (load \"$ed/emacs/bindc.el\") (find-file \"$tmp/a.bind\") (find-file \"$tmp/b.bind\") (princ (format \"mode %s eglot %s\n\" major-mode (and (fboundp 'eglot-current-server) (eglot-current-server)))))" > "$tmp/emacs.out" 2>&1
    emacs_rc=$?
    check "emacs without bindc: exit 0" test $emacs_rc = 0
    check "emacs without bindc: bind-mode, no server" grep -q -x "mode bind-mode eglot nil" "$tmp/emacs.out"
    check "emacs without bindc: one message" test "$(grep -c 'was not found' "$tmp/emacs.out")" = 1
    check "emacs without bindc: says how to install" grep -q "Install it: .*cmake --build build" "$tmp/emacs.out"
    check "emacs without bindc: no error" bash -c '! grep -q -i -E "^error|debugger entered|wrong-type|void-function" "$1"' _ "$tmp/emacs.out"
fi
if command -v node > /dev/null; then
    # VS Code's modules, as stand-ins: what the extension shows, and whether it starts a client.
    mkdir -p "$tmp/node_modules/vscode" "$tmp/node_modules/vscode-languageclient"
    cat > "$tmp/node_modules/vscode/index.js" <<'JS'
const shown = [];
module.exports = {
  shown,
  workspace: { getConfiguration: () => ({ get: () => process.env.BINDC_PATH }), onDidChangeConfiguration: () => ({}) },
  window: { showWarningMessage: (m) => shown.push(['warning', m]), showErrorMessage: (m) => shown.push(['error', m]),
            showInformationMessage: (m) => shown.push(['info', m]) },
};
JS
    cat > "$tmp/node_modules/vscode-languageclient/node.js" <<'JS'
let started = 0;
class LanguageClient { start() { started++; return Promise.resolve(); } stop() { return Promise.resolve(); } }
module.exports = { LanguageClient, TransportKind: { stdio: 0 }, started: () => started };
JS
    cat > "$tmp/vsc.js" <<'JS'
const ext = require(process.env.EXTENSION);
const vscode = require('vscode');
const lc = require('vscode-languageclient/node');
ext.activate({ subscriptions: [] });
console.log('started ' + lc.started());
for (const [kind, m] of vscode.shown) console.log(kind + ' ' + m);
JS
    NODE_PATH=$tmp/node_modules BINDC_PATH=$tmp/no/bindc EXTENSION=$ed/vscode/extension.js node "$tmp/vsc.js" > "$tmp/vsc.out" 2>&1
    check "vscode without bindc: runs" test $? = 0
    check "vscode without bindc: no client" grep -q -x "started 0" "$tmp/vsc.out"
    check "vscode without bindc: one message, how to install" test "$(grep -c '^warning bindc: .*was not found.*Install it: ' "$tmp/vsc.out")" = 1
    NODE_PATH=$tmp/node_modules BINDC_PATH=$bindc EXTENSION=$ed/vscode/extension.js node "$tmp/vsc.js" > "$tmp/vsc.out" 2>&1
    check "vscode with bindc: the client starts, nothing said" bash -c 'grep -q -x "started 1" "$1" && [ "$(wc -l < "$1")" = 1 ]' _ "$tmp/vsc.out"
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
