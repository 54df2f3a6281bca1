#!/usr/bin/env bash
# test_differential_apache.sh over 120 random sets of another seed than the
# suite's 100 (label `long`: a few minutes with a real Apache).
# Usage: test_differential_apache_long.sh BINDC
BINDC_DIFF_SEED=${BINDC_DIFF_SEED:-20270314} BINDC_DIFF_SETS=${BINDC_DIFF_SETS:-120} \
    exec "$(dirname "$0")/test_differential_apache.sh" "$@"
