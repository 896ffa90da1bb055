#!/usr/bin/env bash
# Benchmark: generate a county at a scale and take it in end to end, timing both as whole processes.
#   bash bench/intake_scale.sh [CAMPAIGN] [SCALE] [DATABASE_URL]
# Prints wall time and peak memory (GNU time -v) of generation and of the registration flow, and checks
# the flow's rejection and anomaly counts against the generator's manifest.
set -euo pipefail
cd "$(dirname "$0")/.."
campaign=${1:-kaijiang-2020}
scale=${2:-1.0}
work=$(mktemp -d)
url=${3:-sqlite:///$work/ledger.db}
export PREFECT_SERVER_ANALYTICS_ENABLED=false CANBAO_DATABASE_URL="$url"

/usr/bin/time -v .venv/bin/canbao generate --campaign "$campaign" --scale "$scale" --seed 1 --out "$work/gen" \
    > "$work/generate.json" 2> "$work/generate.time"
/usr/bin/time -v .venv/bin/canbao run registration --campaign "$campaign" --inbox "$work/gen/inbox" \
    --out "$work/out" > "$work/run.json" 2> "$work/run.time"

for step in generate run; do
    printf '%-9s %s | %s\n' "$step" "$(grep 'Elapsed (wall' "$work/$step.time" | awk '{print $NF}')" \
        "$(grep 'Maximum resident' "$work/$step.time" | awk '{printf "%.0f MB peak", $NF/1024}')"
done
.venv/bin/python - "$work" <<'PY'
import json, sys
work = sys.argv[1]
expected = json.load(open(f"{work}/gen/manifest.json"))["expected"]
got = json.load(open(f"{work}/run.json"))
ok = got["rejections"] == {k: v for k, v in expected["rejections"].items() if v} and \
    got["anomalies"] == {k: v for k, v in expected["anomalies"].items() if v}
print(f"rows {got['rows']:,}  accepted {got['accepted']:,}  manifest match: {ok}")
PY
rm -rf "$work"
