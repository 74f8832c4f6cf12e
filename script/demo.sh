#!/usr/bin/env bash
# The Ballast demo: a simulated year on a local anvil chain with real Uniswap V3.
#
#   ./script/demo.sh                     the full year (52 weekly epochs, 25 components)
#   DEMO_WEEKS=8 ./script/demo.sh        a shorter run
#   DEMO_SEED=7 ./script/demo.sh         another generated history (default: the crate's DEFAULT_SEED, which has a
#                                        switch to risk-off and back within the year)
#   DEMO_PORT=8555 ./script/demo.sh      another port (default 8545)
#   DEMO_PROFILE=dev ./script/demo.sh    a debug build (faster to build, slower to run; default: release)
#
# FIRST RUN: installs the pinned npm toolchain and builds the `ballast` binary (`cargo build --release -p ballast-cli`), which
# compiles alloy and revm: several minutes on 2 cores from cold. After that the demo itself takes a few minutes.
#
# What happens: anvil starts; `script/DemoWorld.s.sol` deploys USDC, 25 tokens with Chainlink-style feeds, the vault,
# its rebalancer and redemption queue, and real Uniswap V3 from the npm bytecode (factory, WETH9, SwapRouter, position
# manager) with one deep pool per token; then `ballast demo` runs the year: each week the feeds move along a generated
# history, an arbitrageur swaps every pool back to its feed price, and the keeper (the keeper library's revm
# simulator and sender) opens, trades and closes an epoch, switching to risk-off and back when the signal says so.
# Users deposit in one transaction each (ERC-2612 permit); one leaves in kind at the end. The report compares the
# vault's NAV with holding BTC and with the index without the switch, and gas per holder with doing it yourself.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
source "$(dirname "$0")/devchain.sh"
cd "$ROOT"

PORT="${DEMO_PORT:-8545}"
RPC="http://127.0.0.1:$PORT"
OUT="target/demo"
PROFILE="${DEMO_PROFILE:-release}"
mkdir -p "$OUT"

echo "==> building ballast (cargo --profile $PROFILE; the first build takes several minutes)"
cargo build --profile "$PROFILE" -p ballast-cli --locked -q
BIN="target/$([[ "$PROFILE" == dev ]] && echo debug || echo "$PROFILE")/ballast"

echo "==> starting anvil on $RPC (log: $OUT/anvil.log)"
trap stop_anvil EXIT
start_anvil "$PORT" "$OUT/anvil.log" DEMO_PORT
echo "==> deploying the world: USDC, 25 tokens with feeds, the vault and rebalancer, Uniswap V3 with 25 pools"
start=$SECONDS
deploy_demo_world "$RPC" 25 "$OUT/deploy.log"
echo "    done in $((SECONDS - start)) s; addresses: $OUT/world.json"

echo "==> running the year"
start=$SECONDS
"$BIN" demo --rpc "$RPC" --world "$OUT/world.json" --out "$OUT" \
  ${DEMO_SEED:+--seed "$DEMO_SEED"} ${DEMO_WEEKS:+--weeks "$DEMO_WEEKS"}
echo "==> demo finished in $((SECONDS - start)) s: $OUT/report.md, $OUT/report.json, chart $OUT/chart.svg, log $OUT/demo.log"
