#!/usr/bin/env bash
# `make fuzz`: every test marked `fuzz` with many Hypothesis examples (default 2000 per property).
# `make test` runs the same tests bounded (ANDIWALI_FUZZ_EXAMPLES unset: 25 examples each).
# Usage: scripts/fuzz.sh [N] [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-${ANDIWALI_FUZZ_EXAMPLES:-2000}}"
shift || true
export ANDIWALI_FUZZ_EXAMPLES="$N"
exec .venv/bin/pytest -m fuzz -p no:cacheprovider -q tests "$@"
