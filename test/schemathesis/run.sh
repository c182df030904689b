#!/usr/bin/env bash
# Schemathesis against the live API (see schemathesis.test.ts): `st` from
# $WEFT_SCHEMATHESIS or PATH (python3 -m venv v && v/bin/pip install schemathesis).
set -euo pipefail
cd "$(dirname "$0")/../.."
WEFT_SCHEMATHESIS="${WEFT_SCHEMATHESIS:-$(command -v st || true)}"
[ -n "$WEFT_SCHEMATHESIS" ] || { echo "schemathesis (st) not found: set WEFT_SCHEMATHESIS or put st on PATH"; exit 1; }
export WEFT_SCHEMATHESIS
# A new seed each run, printed so a failure can be replayed: WEFT_SCHEMATHESIS_SEED=<seed> bash test/schemathesis/run.sh
WEFT_SCHEMATHESIS_SEED="${WEFT_SCHEMATHESIS_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
export WEFT_SCHEMATHESIS_SEED
echo "schemathesis seed $WEFT_SCHEMATHESIS_SEED (replay: WEFT_SCHEMATHESIS_SEED=$WEFT_SCHEMATHESIS_SEED bash test/schemathesis/run.sh)"
exec npx vitest run test/schemathesis
