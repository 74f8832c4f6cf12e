#!/usr/bin/env bash
# Installs what the project needs from the package registries, once: the pinned npm toolchain (forge, anvil, cast,
# solc-js, OpenZeppelin, forge-std, Uniswap V3 bytecode). Rust crates come from crates.io through cargo.
# Sourced by the other scripts; sets FORGE, ANVIL, CAST.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

stamp="node_modules/.ballast-lock"
if [[ ! -f "$stamp" ]] || ! cmp -s package-lock.json "$stamp"; then
  echo "==> installing pinned npm packages (npm ci)"
  command -v npm >/dev/null || { echo "error: npm (Node.js >= 20) is required" >&2; exit 1; }
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

tool() {
  local name="$1"
  if [[ -x "node_modules/.bin/$name" ]]; then
    echo "$ROOT/node_modules/.bin/$name"
  elif command -v "$name" >/dev/null; then
    command -v "$name"
  else
    echo "error: $name not found (the npm binaries are for linux-x64; elsewhere install Foundry 1.7.1)" >&2
    exit 1
  fi
}
FORGE="$(tool forge)"
ANVIL="$(tool anvil)"
CAST="$(tool cast)"
export FORGE ANVIL CAST
command -v cargo >/dev/null || { echo "error: cargo (Rust >= 1.85) is required" >&2; exit 1; }
