#!/usr/bin/env bash
# A local development chain for the demo and the keeper benchmark: anvil with its well-known mnemonic and the demo
# world (script/DemoWorld.s.sol) deployed on it. Sourced after bootstrap.sh (needs ANVIL, CAST, FORGE).
#
# Keys (anvil's development accounts): 0 deploys and moves the feeds, 1 is the keeper, 2 the arbitrageur, 3.. users.

DEV_MNEMONIC="test test test test test test test test test test test junk"
ANVIL_PID=""

# dev_key I: the private key of development account I.
dev_key() { "$CAST" wallet private-key --mnemonic "$DEV_MNEMONIC" --mnemonic-index "$1"; }

# start_anvil PORT LOG PORT_VAR: starts anvil on PORT (output to LOG) and waits until it answers; sets ANVIL_PID.
# Fails, naming PORT_VAR (the variable that picks another port), if something already answers there.
start_anvil() {
  local port="$1" log="$2" port_var="$3" rpc="http://127.0.0.1:$1"
  if "$CAST" chain-id --rpc-url "$rpc" >/dev/null 2>&1; then
    echo "error: something already answers on $rpc; set $port_var to a free port" >&2
    return 1
  fi
  "$ANVIL" --port "$port" --mnemonic "$DEV_MNEMONIC" --gas-limit 100000000 --silent >"$log" 2>&1 &
  ANVIL_PID=$!
  for _ in $(seq 1 50); do
    "$CAST" chain-id --rpc-url "$rpc" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "error: anvil did not start on $rpc (log: $log)" >&2
  return 1
}

# stop_anvil: stops the anvil started by start_anvil, if any.
stop_anvil() {
  if [[ -n "$ANVIL_PID" ]]; then
    kill "$ANVIL_PID" 2>/dev/null || true
    wait "$ANVIL_PID" 2>/dev/null || true
    ANVIL_PID=""
  fi
}

# deploy_demo_world RPC COMPONENTS LOG: deploys the demo world with COMPONENTS tokens; writes target/demo/world.json.
deploy_demo_world() {
  local rpc="$1" components="$2" log="$3"
  mkdir -p target/demo
  COMPONENTS="$components" DEPLOYER_KEY="$(dev_key 0)" ARBITRAGEUR_KEY="$(dev_key 2)" \
    KEEPER="$("$CAST" wallet address "$(dev_key 1)")" \
    "$FORGE" script script/DemoWorld.s.sol --rpc-url "$rpc" --broadcast -q >"$log" 2>&1 \
    || { tail -40 "$log" >&2; return 1; }
}
