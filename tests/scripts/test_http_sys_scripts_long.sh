#!/usr/bin/env bash
# test_http_sys_scripts.sh over every distinct golden netsh and httpcfg
# script, not the subset of distinct shapes the suite runs (label `long`:
# a few minutes under Wine).
# Usage: test_http_sys_scripts_long.sh BINDC
BINDC_HTTP_SYS_ALL=1 exec "$(dirname "$0")/test_http_sys_scripts.sh" "$@"
