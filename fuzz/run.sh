#!/usr/bin/env bash
# Fuzzes the given targets (all four by default), one after another, with the settings of
# docs/RELIABILITY.md. The seeds in seeds/<target>/ are copied into corpus/<target>/, which
# libFuzzer then grows (corpus/ is not tracked). FUZZ_SECONDS sets each run's length.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${FUZZ_SECONDS:-600}
if [ $# -eq 0 ]; then
  set -- cloudformation_yaml cloudformation_json terraform_hcl terraform_plan
fi
for target in "$@"; do
  mkdir -p "corpus/$target"
  cp seeds/"$target"/* "corpus/$target/"
  # cargo-fuzz passes nightly-only flags (-Zsanitizer=address and others); RUSTC_BOOTSTRAP
  # lets the stable toolchain take them.
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1
done
