#!/usr/bin/env bash
# The language server's memory is bounded by what is open: a document of
# 4,000,000 symbols (60 MB) is opened, its symbols, a completion and hovers
# are asked for (each answer within its cap), it is closed, and the
# server's resident memory must come back to within a few times that of an
# empty server (tests/lsp/endurance.c, big_document).
set -u
bindc=$1
shift
runner=${BINDC_BUILD_DIR:?}/tests/lsp_endurance
[ -x "$runner" ] || { echo "FAIL $runner is not built"; exit 1; }
exec "$runner" "$bindc" --big-document "$@"
