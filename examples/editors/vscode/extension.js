// Starts `bindc lsp` for .bind files.  Everything else (diagnostics, hover,
// completion, definitions, quick fixes, formatting) comes from the server.
'use strict';
const vscode = require('vscode');
const { spawnSync } = require('child_process');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

// Without bindc, one message says how to install it, and no client is
// started (it would fail to spawn and show an error with a stack trace).
function found(command) {
  const r = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 10000 });
  return !r.error && r.status === 0 && /^bindc /.test(r.stdout || '');
}

function activate(context) {
  const command = vscode.workspace.getConfiguration('bindc').get('path') || 'bindc';
  if (!found(command)) {
    vscode.window.showWarningMessage(
      `bindc: \`${command}\` was not found, so .bind files get no diagnostics. ` +
        'Install it: build it from its sources (cmake -S . -B build && cmake --build build) and put build/bindc ' +
        'on PATH, or install its Debian package (cpack -G DEB in build/, then sudo dpkg -i bindc_*.deb); ' +
        'or set bindc.path to its full path, then reload the window.'
    );
    return undefined;
  }
  // TransportKind.stdio appends --stdio, which `bindc lsp` accepts.
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  const options = {
    documentSelector: [
      { scheme: 'file', language: 'bind' },
      { scheme: 'untitled', language: 'bind' },
    ],
    outputChannelName: 'bindc',
  };
  client = new LanguageClient('bindc', 'bindc', server, options);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('bindc.path')) {
        vscode.window.showInformationMessage('bindc.path changed: reload the window to use it.');
      }
    })
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
