#!/usr/bin/env bash
# What a change costs in gas: re-measures the gas snapshots of an earlier commit (optionally at another optimizer
# setting) in a throw-away worktree and prints, as a Markdown table, each snapshot there against the checked-in one.
#   ./script/gas-compare.sh <commit> [optimizer_runs] [key-regex]
# e.g. ./script/gas-compare.sh 21c2080 200 "^BallastVault\.deposit"   (that commit compiled at 200 runs); the regex
# filters "File.key" names, default: every BallastVault and Rebalance snapshot.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh" >/dev/null
commit="${1:?usage: script/gas-compare.sh <commit> [optimizer_runs] [key-regex]}"
runs="${2:-}"
# Only the snapshots the gas tests below rewrite (the others in that tree are as committed there).
filter="${3:-^(BallastVault|Rebalance)\.}"
dir="$(mktemp -d)"
trap 'git -C "$ROOT" worktree remove --force "$dir/tree" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
git -C "$ROOT" worktree add --detach "$dir/tree" "$commit" >/dev/null 2>&1
ln -s "$ROOT/node_modules" "$dir/tree/node_modules"
cd "$dir/tree"
if [[ -n "$runs" ]]; then
  sed -i -E "s/^optimizer_runs = .*/optimizer_runs = $runs/" foundry.toml
fi
echo "==> measuring $commit${runs:+ at $runs optimizer runs} (forge gas tests)" >&2
FORGE_SNAPSHOT_CHECK=false "$FORGE" test --match-path 'contracts/test/{gas/VaultGas,rebalance/UniswapRebalance}.t.sol' \
  >"$dir/forge.log" 2>&1 || { tail -20 "$dir/forge.log" >&2; exit 1; }
node "$ROOT/script/gas-diff.js" "$dir/tree/snapshots" "$ROOT/snapshots" "$filter"
