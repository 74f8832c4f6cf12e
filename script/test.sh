#!/usr/bin/env bash
# Runs every check and test: formatting, lints, Slither static analysis, forge tests (unit, fuzz, invariant, gas
# snapshots compared with the checked-in ones), and the Rust workspace (fmt, clippy, tests).
#   FOUNDRY_PROFILE=deep ./script/test.sh   deeper fuzzing and invariant runs
#   FORGE_SNAPSHOT_CHECK=false ./script/test.sh   rewrite gas snapshots instead of comparing (then commit them)
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
cd "$ROOT"
start=$(date +%s)
step() { echo; echo "==> $* ($(( $(date +%s) - start ))s)"; }

step "forge fmt --check"
"$FORGE" fmt --check

step "forge build"
# Contract sizes (EIP-170 limit: 24,576 bytes); forge fails the build above it.
"$FORGE" build --sizes 2>&1 | grep -E "^\| (BallastVault|BallastRebalancer|RedemptionQueue|ChainlinkPriceSource|UniswapV3TwapPriceSource|UniswapV3Adapter) " || true

step "slither (High and Medium findings in contracts/src)"
./script/slither.sh

step "forge test (gas snapshots checked against snapshots/)"
FORGE_SNAPSHOT_CHECK="${FORGE_SNAPSHOT_CHECK:-true}" "$FORGE" test

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "done in $(( $(date +%s) - start ))s"
