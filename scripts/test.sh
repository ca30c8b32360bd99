#!/usr/bin/env bash
# Every test: starts the AWS API emulator the live tests need (scripts/emulator.sh), runs
# `cargo test` with any arguments given, and stops the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
source scripts/emulator.sh
trap emulator_stop EXIT
emulator_start
cargo test --locked "$@"
