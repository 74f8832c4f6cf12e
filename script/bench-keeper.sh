#!/usr/bin/env bash
# The keeper's measurements for BENCHMARKS.md ("Keeper"): for each N, a fresh anvil, the demo world with N components
# (script/DemoWorld.s.sol: USDC, N tokens with feeds, the vault, rebalancer, real Uniswap V3 with one deep pool per
# token), a 1,000,000 USDC deposit, then `keeper-bench run` (crates/ballast-bench): the first investment and, a week
# later with feeds moved and pools arbitraged, a weekly rebalance, each run by the operator's own `ballast once`
# (+ `ballast status` as the re-read), with wall times, peak RSS, and revm pre-flight against eth_estimateGas.
#
#   ./script/bench-keeper.sh                    N = 25 and 100, 5 timings per pre-flight
#   BENCH_SIZES="25" ./script/bench-keeper.sh   one size (1..100)
#   BENCH_REPS=9 ./script/bench-keeper.sh       more timings per transaction
#   BENCH_PORT=8555 ./script/bench-keeper.sh    another port (default 8555)
#
# Writes target/bench/keeper-<N>.json (every sample), target/bench/n<N>/ (keeper config, logs, outputs) and
# target/bench/keeper.md (the tables). The deploy also rewrites target/demo/world.json (copied to
# target/bench/world-<N>.json). Builds with `cargo build --release` first (several minutes from cold on 2 cores).
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
source "$(dirname "$0")/devchain.sh"
cd "$ROOT"

PORT="${BENCH_PORT:-8555}"
RPC="http://127.0.0.1:$PORT"
OUT="target/bench"
SIZES="${BENCH_SIZES:-25 100}"
REPS="${BENCH_REPS:-5}"
mkdir -p "$OUT" target/demo

echo "==> building the keeper and the bench (cargo build --release)"
cargo build --release --locked -j2 -p ballast-cli -p ballast-bench -q
BENCH="target/release/keeper-bench"
BALLAST="target/release/ballast"

DATE="$(date -u +%F)"
CPU="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
echo "    machine: nproc $(nproc), ${CPU:-unknown CPU}; date $DATE"

trap stop_anvil EXIT

files=()
for N in $SIZES; do
  echo "==> N = $N: starting anvil on $RPC (log: $OUT/anvil-$N.log)"
  start_anvil "$PORT" "$OUT/anvil-$N.log" BENCH_PORT
  echo "    deploying the world with $N components (log: $OUT/deploy-$N.log)"
  start=$SECONDS
  deploy_demo_world "$RPC" "$N" "$OUT/deploy-$N.log"
  cp target/demo/world.json "$OUT/world-$N.json"
  echo "    deployed in $((SECONDS - start)) s"

  echo "    measuring (keeper-bench run; log: $OUT/bench-$N.log)"
  "$BENCH" run --rpc "$RPC" --world "$OUT/world-$N.json" --ballast "$BALLAST" --out "$OUT" --reps "$REPS" \
    --date "$DATE" --cpu "${CPU:-unknown}" --command "./script/bench-keeper.sh" 2>"$OUT/bench-$N.log" \
    || { tail -30 "$OUT/bench-$N.log" >&2; exit 1; }
  files+=("$OUT/keeper-$N.json")
  stop_anvil
done

echo "==> results ($OUT/keeper.md)"
"$BENCH" table "${files[@]}" | tee "$OUT/keeper.md"
