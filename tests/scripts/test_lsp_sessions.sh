#!/usr/bin/env bash
# Scripted JSON-RPC sessions (tests/lsp/*.in.jsonl) against golden output.
exec "${BINDC_SOURCE_DIR:?}/tests/lsp/run.sh" "$1"
