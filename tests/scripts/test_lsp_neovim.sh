#!/usr/bin/env bash
# End to end with a real LSP client: Neovim (Debian's package, 0.7 or
# later), headless, with its built-in client.  It opens a .bind file with
# mistakes behind non-ASCII text, and the test checks the diagnostics'
# codes and ranges as Neovim shows them (byte columns, converted from the
# UTF-16 positions on the wire), a hover, a code action applied to the
# buffer, the re-check that follows the edit, and a formatting request.
# Then the workspace setting bindc.stateFiles, given as a user gives it in
# the client's configuration (`settings`, sent with
# workspace/didChangeConfiguration, or `init_options`): the capture of the
# golden case w0503-state-reserved-for-bob gives its .bind W0503, which the
# same file does not have without the setting.
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
command -v nvim > /dev/null || { echo "nvim is not installed (.ci/install-deps installs neovim)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# Line 6 has an é (2 bytes, 1 UTF-16 unit) and an emoji (4 bytes, 2 units)
# before its mistake; line 3 an invisible U+200E (3 bytes, 1 unit).
printf '%s\n' \
    '# Caf\xC3\xA9 \xF0\x9F\x98\x80: columns after these count UTF-16 units on the wire' \
    'cert shop {' \
    '    thumbprint = "\xE2\x80\x8E3a1b 9f00 77c2 4e6d 0a11 5b2c 8d3e 4f50 6172 8394"' \
    '    names = shop.example, www.shop.example' \
    '}' \
    'site "Caf\xC3\xA9 \xF0\x9F\x98\x80" { http *:080:shop.example }' \
    'site Shop {' \
    '    https *:443:shop.example cert=shop sni' \
    '    htps  *:443:www.shop.example cert=shop sni' \
    '    http  *:80:www.shop.example' \
    '    http  *:80:Www.Shop.Example' \
    '}' | while IFS= read -r line; do printf '%b\n' "$line"; done > "$tmp/shop.bind"

cat > "$tmp/test.lua" <<'EOF'
-- Runs inside `nvim --headless`; writes one line per fact to $RESULT.
local out = assert(io.open(os.getenv('RESULT'), 'w'))
local function say(fmt, ...) out:write(string.format(fmt, ...) .. '\n'); out:flush() end

local function diagnostics(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(list, string.format('%s %d:%d-%d:%d', d.code or (d.user_data and d.user_data.lsp.code) or '?',
                                     d.lnum, d.col, d.end_lnum, d.end_col))
  end
  table.sort(list)
  return list
end

local function has_code(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if (d.code or (d.user_data and d.user_data.lsp.code)) == code then return true end
  end
  return false
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('BIND_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'bindc',
    cmd = { os.getenv('BINDC'), 'lsp' },
    root_dir = vim.fn.fnamemodify(os.getenv('BIND_FILE'), ':h'),
  })
  assert(id, 'the client did not start')
  vim.lsp.buf_attach_client(buf, id)
  assert(vim.wait(20000, function() return #vim.diagnostic.get(buf) >= 4 end, 20), 'no diagnostics within 20 s')
  local client = vim.lsp.get_client_by_id(id)
  say('encoding %s', client.offset_encoding)
  for _, line in ipairs(diagnostics(buf)) do say('diag %s', line) end

  -- Hover on the https binding of line 8.
  vim.api.nvim_win_set_cursor(0, { 8, 10 })
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', vim.lsp.util.make_position_params(), 10000)
  local hover = res and res[id] and res[id].result
  assert(hover, 'no hover')
  say('hover %s', (hover.contents.value or ''):match('[^\n]*'))
  say('hover routing %s', (hover.contents.value or ''):find('rank 2 of 6', 1, true) and 'yes' or 'no')

  -- The quick fix on `htps` (line 9), applied as Neovim applies it.
  vim.api.nvim_win_set_cursor(0, { 9, 5 })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = {} }
  res = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000)
  local actions = res and res[id] and res[id].result or {}
  assert(#actions > 0, 'no code action')
  say('action %s', actions[1].title)
  vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding)
  say('line 9 %s', vim.api.nvim_buf_get_lines(buf, 8, 9, false)[1])
  assert(vim.wait(20000, function() return not has_code(buf, 'E0101') end, 20), 'E0101 still there after the fix')
  for _, line in ipairs(diagnostics(buf)) do say('after %s', line) end

  -- The quick fix on the invisible mark (line 3, after it in UTF-16 terms).
  vim.api.nvim_win_set_cursor(0, { 3, 18 })
  params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = {} }
  res = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000)
  actions = res and res[id] and res[id].result or {}
  assert(#actions > 0, 'no code action on the mark')
  say('action %s', actions[1].title)
  vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding)
  say('line 3 %s', vim.api.nvim_buf_get_lines(buf, 2, 3, false)[1])
  assert(vim.wait(20000, function() return not has_code(buf, 'E0302') end, 20), 'E0302 still there after the fix')

  -- Formatting is refused while the file has syntax errors; this one has none.
  res = vim.lsp.buf_request_sync(buf, 'textDocument/formatting',
                                 { textDocument = { uri = vim.uri_from_bufnr(buf) }, options = { tabSize = 4, insertSpaces = true } }, 10000)
  local edits = res and res[id] and res[id].result
  say('formatting %s', edits and #edits or 'none')

  vim.lsp.stop_client(id)
  say('done')
end)
if not ok then say('error %s', tostring(err)) end
out:close()
vim.cmd(ok and 'qa!' or 'cq!')
EOF

HOME=$tmp XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache \
BINDC=$bindc BIND_FILE=$tmp/shop.bind RESULT=$tmp/result \
    timeout 90 nvim --headless -u NONE -i NONE -n -c "luafile $tmp/test.lua" > "$tmp/nvim.out" 2>&1
rc=$?
[ -f "$tmp/result" ] || { echo "FAIL neovim wrote no result (exit $rc)"; cat "$tmp/nvim.out"; exit 1; }

expect() {  # the result holds this exact line
    if grep -q -x -F -- "$1" "$tmp/result"; then pass=$((pass + 1)); else echo "FAIL no line: $1"; fail=$((fail + 1)); fi
}
[ $rc = 0 ] && pass=$((pass + 1)) || { echo "FAIL neovim exited $rc"; fail=$((fail + 1)); }
expect "encoding utf-16"
# Neovim's columns are bytes: on the wire line 6's port starts at UTF-16
# unit 24 and line 3's mark at unit 18; Neovim shows bytes 27 and 18.
expect "diag E0302 2:18-2:21"
expect "diag E0102 5:27-5:30"
expect "diag E0101 8:4-8:8"
expect "diag E0201 10:10-10:31"
expect "hover **https** binding \`*:443:shop.example\` of site \`Shop\` (id 2)"
expect "hover routing yes"
expect "action Replace \`htps\` with \`https\`"
expect "line 9     https  *:443:www.shop.example cert=shop sni"
expect "after E0102 5:27-5:30"
expect "action Delete \`U+200E\`"
expect "line 3     thumbprint = \"3a1b 9f00 77c2 4e6d 0a11 5b2c 8d3e 4f50 6172 8394\""
expect "done"
if grep -q '^after E0101' "$tmp/result"; then echo "FAIL E0101 survived its fix"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
if [ $fail -gt 0 ]; then echo "-- neovim's result:"; cat "$tmp/result"; echo "-- neovim's output:"; cat "$tmp/nvim.out"; fi

# ---- bindc.stateFiles ---------------------------------------------------------
# One copy of the golden case's .bind per client, each in its own folder
# (the client's root): without the setting, with `settings` (an absolute
# path), with `init_options` (a path relative to the root).
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/golden/check
for d in plain settings init; do mkdir -p "$tmp/$d/state"; cp "$src/w0503-state-reserved-for-bob.bind" "$tmp/$d/dev.bind"; done
cp "$src/state/urlacl-bob-en.txt" "$tmp/settings/urlacl.txt"
cp "$src/state/urlacl-bob-en.txt" "$tmp/init/state/urlacl.txt"

cat > "$tmp/state.lua" <<'EOF'
-- Runs inside `nvim --headless`; writes one line per fact to $RESULT.
local out = assert(io.open(os.getenv('RESULT'), 'w'))
local function say(fmt, ...) out:write(string.format(fmt, ...) .. '\n'); out:flush() end
local tmp = os.getenv('TEST_DIR')

local function code(d) return d.code or (d.user_data and d.user_data.lsp.code) or '?' end
local function has_code(buf, c)
  for _, d in ipairs(vim.diagnostic.get(buf)) do if code(d) == c then return true end end
  return false
end
local function report(tag, buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(list, string.format('%s %s %d:%d-%d:%d', tag, code(d), d.lnum, d.col, d.end_lnum, d.end_col))
  end
  table.sort(list)
  for _, line in ipairs(list) do say('%s', line) end
end

-- Opens dir/dev.bind with a client of its own (extra: more of its configuration).
local function open(dir, extra)
  vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/' .. dir .. '/dev.bind'))
  local buf = vim.api.nvim_get_current_buf()
  local config = { name = 'bindc-' .. dir, cmd = { os.getenv('BINDC'), 'lsp' }, root_dir = tmp .. '/' .. dir }
  for k, v in pairs(extra or {}) do config[k] = v end
  local id = vim.lsp.start_client(config)
  assert(id, 'the client did not start')
  vim.lsp.buf_attach_client(buf, id)
  return buf, id
end

local ok, err = pcall(function()
  -- No setting: W0401 comes, in the same publishDiagnostics as W0503 would.
  local buf, id = open('plain')
  assert(vim.wait(20000, function() return has_code(buf, 'W0401') end, 20), 'plain: no W0401 within 20 s')
  report('plain', buf)
  vim.lsp.stop_client(id)

  -- `settings`, sent after initialize as nvim-lspconfig does (later
  -- Neovims send them by themselves too; twice does no harm).
  buf, id = open('settings', {
    settings = { bindc = { stateFiles = { tmp .. '/settings/urlacl.txt' } } },
    on_init = function(client)
      client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
      return true
    end,
  })
  assert(vim.wait(20000, function() return has_code(buf, 'W0503') end, 20), 'settings: no W0503 within 20 s')
  report('settings', buf)
  -- The user empties the setting: the warning goes, W0401 stays.
  local client = vim.lsp.get_client_by_id(id)
  client.config.settings = { bindc = { stateFiles = {} } }
  client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
  assert(vim.wait(20000, function() return not has_code(buf, 'W0503') end, 20), 'settings: W0503 still there after stateFiles = {}')
  report('emptied', buf)
  vim.lsp.stop_client(id)

  -- `init_options` (initializationOptions), relative to the root.
  buf, id = open('init', { init_options = { bindc = { stateFiles = { 'state/urlacl.txt' } } } })
  assert(vim.wait(20000, function() return has_code(buf, 'W0503') end, 20), 'init_options: no W0503 within 20 s')
  report('init', buf)
  vim.lsp.stop_client(id)
  say('done')
end)
if not ok then say('error %s', tostring(err)) end
out:close()
vim.cmd(ok and 'qa!' or 'cq!')
EOF

HOME=$tmp XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache \
BINDC=$bindc TEST_DIR=$tmp RESULT=$tmp/result-state \
    timeout 90 nvim --headless -u NONE -i NONE -n -c "luafile $tmp/state.lua" > "$tmp/nvim-state.out" 2>&1
rc=$?
before=$fail
if [ -f "$tmp/result-state" ]; then
    [ $rc = 0 ] && pass=$((pass + 1)) || { echo "FAIL neovim (bindc.stateFiles) exited $rc"; fail=$((fail + 1)); }
    # W0503 at `*:80:localhost`, where `bindc check --state` puts it (11:10-11:24).
    for line in "plain W0401 10:11-10:13" "settings W0401 10:11-10:13" "settings W0503 10:9-10:23" \
                "emptied W0401 10:11-10:13" "init W0401 10:11-10:13" "init W0503 10:9-10:23" "done"; do
        if grep -q -x -F -- "$line" "$tmp/result-state"; then pass=$((pass + 1)); else echo "FAIL no line: $line"; fail=$((fail + 1)); fi
    done
    # Without the setting, and once it is emptied, W0401 alone: the W0503
    # above comes from the setting, not from the file.
    for tag in plain emptied; do
        n=$(grep -c "^$tag " "$tmp/result-state")
        if [ "$n" = 1 ]; then pass=$((pass + 1)); else echo "FAIL $tag: $n diagnostics, expected W0401 alone"; fail=$((fail + 1)); fi
    done
else
    echo "FAIL neovim (bindc.stateFiles) wrote no result (exit $rc)"; fail=$((fail + 1))
fi
if [ $fail -gt $before ]; then
    echo "-- neovim's result (bindc.stateFiles):"; cat "$tmp/result-state" 2> /dev/null; echo "-- neovim's output:"; cat "$tmp/nvim-state.out"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
