#!/usr/bin/env bash
# The live benchmark (benches/live.rs): starts and seeds the AWS API emulator as the tests
# do, then runs ailint and, when found, Prowler against the same account.
# Prowler: `AILINT_BENCH_PROWLER=/path/to/prowler` or `prowler` on PATH
# (`python3 -m venv /tmp/prowler && /tmp/prowler/bin/pip install prowler`).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
source scripts/emulator.sh
trap emulator_stop EXIT
emulator_start
cargo bench --bench live "$@"
