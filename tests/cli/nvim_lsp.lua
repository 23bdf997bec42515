-- Run by tests/cli/lsp.rs in `nvim --headless -u NONE`: Neovim's own LSP
-- client talks to `kzclaims lsp` on a copy of the bundled workspace. It
-- mistypes a rating, waits for the diagnostic, asks for completion inside a
-- ratings table and for a definition, and writes what it got as JSON.
local bin, root, file, out = os.getenv('KZ_BIN'), os.getenv('KZ_ROOT'), os.getenv('KZ_FILE'), os.getenv('KZ_OUT')
local result = { steps = {} }
local function finish()
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end
local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = 'kzclaims', cmd = { bin, 'lsp' }, root_dir = root })
  assert(id, 'start_client failed')
  assert(vim.lsp.buf_attach_client(buf, id), 'buf_attach_client failed')
  local client = vim.lsp.get_client_by_id(id)
  assert(vim.wait(30000, function() return client.initialized end, 50), 'not initialized')
  table.insert(result.steps, 'initialized')
  -- Mistype the first rating of elite-coup.
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local row
  for i, l in ipairs(lines) do
    if l:match('^elite%-coup = "N"') then row = i - 1 break end
  end
  assert(row, 'no elite-coup rating found')
  vim.api.nvim_buf_set_text(buf, row, 14, row, 15, { 'Q' })
  -- The file may carry warnings already: wait for the error.
  local function the_error()
    for _, x in ipairs(vim.diagnostic.get(buf)) do
      if x.code == 'E010' then return x end
    end
  end
  assert(vim.wait(30000, function() return the_error() ~= nil end, 50), 'no E010 diagnostic')
  local d = the_error()
  result.diagnostic = { code = d.code, lnum = d.lnum, col = d.col, message = d.message, severity = d.severity }
  result.rating_row = row
  -- Completion at the start of a new line in that ratings table.
  vim.api.nvim_buf_set_lines(buf, row, row, false, { '' })
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = row, character = 0 } }
  local r = client.request_sync('textDocument/completion', params, 30000, buf)
  assert(r and r.result, 'no completion: ' .. vim.inspect(r))
  result.completion = {}
  local items = r.result.items or r.result
  for _, it in ipairs(items) do table.insert(result.completion, it.label) end
  -- Definition of the first source id cited in the file.
  lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local srow, scol
  for i, l in ipairs(lines) do
    local s = l:find('^sources = %["')
    if s then srow, scol = i - 1, #'sources = ["' + 1 break end
  end
  params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = srow, character = scol } }
  r = client.request_sync('textDocument/definition', params, 30000, buf)
  assert(r and r.result and r.result[1], 'no definition: ' .. vim.inspect(r))
  result.definition = { uri = r.result[1].uri, line = r.result[1].range.start.line }
  result.source_line = lines[srow + 1]
  vim.lsp.stop_client(id)
end)
if not ok then result.error = tostring(err) end
finish()
