// Starts `bindc lsp` for .bind files.  Everything else (diagnostics, hover,
// completion, definitions, quick fixes, formatting) comes from the server.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('bindc').get('path') || 'bindc';
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
