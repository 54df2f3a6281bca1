-- bindc for Neovim (0.7 and later): .bind files get the `bind` filetype and
-- the bindc language server (diagnostics, hover, completion, go to
-- definition, quick fixes, formatting).
--
-- Install: copy this file to ~/.config/nvim/plugin/bindc.lua, or `dofile()`
-- it from init.lua.  Set vim.g.bindc_path first when bindc is not on PATH.
local cmd = { vim.g.bindc_path or 'bindc', 'lsp' }
local group = vim.api.nvim_create_augroup('bindc', { clear = true })

vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  group = group,
  pattern = '*.bind',
  command = 'setfiletype bind',
})

-- Neovim 0.7 has no vim.lsp.start: one client then serves every .bind buffer.
local client_id
local function attach(buf)
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
