#!/usr/bin/env bash
# Static analysis of contracts/src with Slither; fails on any High or Medium finding not marked in the code.
#   ./script/slither.sh                  High and Medium findings only (the gate)
#   SLITHER_ALL=1 ./script/slither.sh    every impact, Low and Informational too (still gates on High and Medium only)
#   ./script/slither.sh --show-ignored-findings   extra arguments go to slither
#
# A finding is marked by a comment on the line above one of the lines it reports, with the reason:
#   // slither-disable-next-line <detector>[,<detector>] -- why it is safe
# (slither reads the detector names up to the first space; the reason may also go on comment lines above).
#
# Slither (pinned in script/slither-requirements.txt) is installed once into .venv-slither. It compiles through
# crytic-compile, which runs `forge clean` and `forge build --build-info --skip <tests> <scripts> --force`: FOUNDRY_OUT
# and FOUNDRY_CACHE_PATH point that build at target/slither, so it neither wipes nor replaces the artifacts of the
# normal build in out/. Run slither through this script, not as a bare `slither .`, for that reason.
# slither.config.json sets the framework and the paths whose findings are dropped (node_modules, tests, scripts); its
# patterns are written `[/]x[/]` because slither strips the leading and trailing `/` of a plain `x/`, and a bare
# `script` would match any path containing the word.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
cd "$ROOT"

venv="$ROOT/.venv-slither"
requirements="script/slither-requirements.txt"
stamp="$venv/.ballast-requirements"
if [[ ! -x "$venv/bin/slither" || ! -f "$stamp" ]] || ! cmp -s "$requirements" "$stamp"; then
  echo "==> installing pinned slither into .venv-slither (pip)"
  python="${PYTHON:-python3}"
  command -v "$python" >/dev/null || { echo "error: python3 (>= 3.10, with venv) is required" >&2; exit 1; }
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$stamp"
fi

# The filter patterns match anywhere in a file's absolute path: refuse a checkout below a directory they would match,
# where every finding would be filtered out and the gate would pass without looking.
case "$ROOT/" in
  */node_modules/* | */contracts/test/* | */script/*)
    echo "error: $ROOT lies below a path slither.config.json filters out; move the checkout" >&2
    exit 1
    ;;
esac

# crytic-compile calls `forge` from PATH.
export PATH="$(dirname "$FORGE"):$PATH"
export FOUNDRY_OUT="target/slither/out" FOUNDRY_CACHE_PATH="target/slither/cache"
mkdir -p target/slither

impacts=(--exclude-low --exclude-informational --exclude-optimization)
if [[ "${SLITHER_ALL:-0}" == 1 ]]; then impacts=(); fi

log="target/slither/slither.log"
status=0
# --warn-unused-ignores names disable comments that no longer suppress anything (stale marks would hide the next real
# finding on their line). OpenZeppelin's Panic.sol carries one for a finding the path filter already drops: not shown.
"$venv/bin/slither" . "${impacts[@]}" --fail-medium --warn-unused-ignores --disable-color "$@" 2>&1 |
  awk -v deps="$ROOT/node_modules/" '!(index($0, "Unused slither-disable") && index($0, deps))' | tee "$log" ||
  status=$?

# Slither exits 0 with a warning when it analyzed nothing (a broken build-info, say): that must not pass.
if ! grep -Eq "analyzed \([1-9][0-9]* contracts" "$log"; then
  echo "error: slither analyzed no contract (see $log)" >&2
  exit 1
fi
# A function slither could not translate is not analyzed, and it says so only as an ERROR line: that must not pass.
if grep -q "^ERROR:" "$log"; then
  echo "error: slither could not analyze part of contracts/src (ERROR lines above, in $log)" >&2
  exit 1
fi
if [[ "$status" != 0 ]]; then
  echo "error: slither reports High or Medium findings above (or failed); fix them, or mark a false positive with" >&2
  echo "  // slither-disable-next-line <detector> -- <why it is safe>" >&2
  exit "$status"
fi
echo "slither: no unmarked High or Medium finding in contracts/src"
