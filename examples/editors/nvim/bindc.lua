-- bindc for Neovim (0.7 and later): .bind files get the `bind` filetype and
-- the bindc language server (diagnostics, hover, completion, go to
-- definition, quick fixes, formatting).
--
-- Install: copy this file to ~/.config/nvim/plugin/bindc.lua, or `dofile()`
-- it from init.lua.  Set vim.g.bindc_path first when bindc is not on PATH.
-- Without bindc, .bind files still get their filetype, and one message
-- says how to install it (no error, no client that fails to start).
local group = vim.api.nvim_create_augroup('bindc', { clear = true })

local warned = false
local function command()
  local bin = vim.g.bindc_path or 'bindc'
  if vim.fn.executable(bin) == 1 then return { bin, 'lsp' } end
  if not warned then
    warned = true
    vim.notify(('bindc: `%s` was not found, so .bind files get no diagnostics. '
      .. 'Install it: build it from its sources (cmake -S . -B build && cmake --build build) and put build/bindc '
      .. 'on PATH, or install its Debian package (cpack -G DEB in build/, then sudo dpkg -i bindc_*.deb); '
      .. 'or set vim.g.bindc_path to its full path.'):format(bin), vim.log.levels.WARN)
  end
  return nil
end

vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  group = group,
  pattern = '*.bind',
  command = 'setfiletype bind',
})

-- Neovim 0.7 has no vim.lsp.start: one client then serves every .bind buffer.
local client_id
local function attach(buf)
  local cmd = command()
  if not cmd then return end
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':p:h')
  if vim.lsp.start then
    vim.lsp.start({ name = 'bindc', cmd = cmd, root_dir = dir }, { bufnr = buf })
    return
  end
  if not client_id or not vim.lsp.get_client_by_id(client_id) then
    client_id = vim.lsp.start_client({ name = 'bindc', cmd = cmd, root_dir = dir })
  end
  vim.lsp.buf_attach_client(buf, client_id)
end

vim.api.nvim_create_autocmd('FileType', {
  group = group,
  pattern = 'bind',
  callback = function(args)
    vim.bo[args.buf].commentstring = '# %s'
    attach(args.buf)
    local function map(lhs, fn) vim.keymap.set('n', lhs, fn, { buffer = args.buf, silent = true }) end
    map('K', vim.lsp.buf.hover)
    map('gd', vim.lsp.buf.definition)
    map('<leader>ca', vim.lsp.buf.code_action)
    map('<leader>f', function()
      if vim.lsp.buf.format then vim.lsp.buf.format() else vim.lsp.buf.formatting() end
    end)
  end,
})
