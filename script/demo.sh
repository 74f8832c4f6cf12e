#!/usr/bin/env bash
# The Ballast demo on a local anvil chain: deploys the whole stack, lets users deposit in one transaction each,
# moves time past the share lock, and lets them leave (for cash, and in kind). Installs what it needs on first use.
#   COMPONENTS=50 ./script/demo.sh     a larger basket (default 25)
#   DEMO_PORT=8555 ./script/demo.sh    another port (default 8545)
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
cd "$ROOT"

PORT="${DEMO_PORT:-8545}"
RPC="http://127.0.0.1:$PORT"
OUT="target/demo"
mkdir -p "$OUT"

# anvil's well-known development keys (account 0 deploys and runs the vault, 1..3 are depositors). Local chain only.
MNEMONIC="test test test test test test test test test test test junk"
key() { "$CAST" wallet private-key --mnemonic "$MNEMONIC" --mnemonic-index "$1"; }

echo "==> starting anvil on $RPC (log: $OUT/anvil.log)"
"$ANVIL" --port "$PORT" --mnemonic "$MNEMONIC" --silent >"$OUT/anvil.log" 2>&1 &
ANVIL_PID=$!
trap 'kill $ANVIL_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  "$CAST" chain-id --rpc-url "$RPC" >/dev/null 2>&1 && break
  sleep 0.2
done
"$CAST" chain-id --rpc-url "$RPC" >/dev/null || { echo "error: anvil did not start on $RPC" >&2; exit 1; }

export DEPLOYER_KEY="$(key 0)"
export USER_KEYS="$(key 1),$(key 2),$(key 3)"
export COMPONENTS="${COMPONENTS:-25}"

echo "==> deploying the stack: USDC, $COMPONENTS index tokens with price feeds, the price source, the vault"
"$FORGE" script script/DeployLocal.s.sol --rpc-url "$RPC" --broadcast --slow -q >"$OUT/deploy.log" 2>&1 \
  || { cat "$OUT/deploy.log" >&2; exit 1; }
echo "    addresses: $OUT/deployment.json"

echo "==> users deposit, one transaction each (ERC-2612 permit + deposit)"
"$FORGE" script script/DemoUsers.s.sol --sig "deposits()" --rpc-url "$RPC" --broadcast --slow 2>&1 \
  | sed -n '/== Logs ==/,/^$/p' | sed '1d'

echo "==> 11 minutes pass (the share lock is 10 minutes)"
"$CAST" rpc --rpc-url "$RPC" evm_increaseTime 660 >/dev/null
"$CAST" rpc --rpc-url "$RPC" evm_mine >/dev/null

echo "==> users leave: one redeems half for cash, one redeems everything in kind"
"$FORGE" script script/DemoUsers.s.sol --sig "exits()" --rpc-url "$RPC" --broadcast --slow 2>&1 \
  | sed -n '/== Logs ==/,/^$/p' | sed '1d'

echo "==> demo finished"
