#!/usr/bin/env bash
# Switches per second: the seed's recipe 12.12 TaskScheduler (python3, switches.py) against
# Threadwork's CoroutineScheduler (CoroutineCompare switches), the same countdown generators,
# 100 tasks x 20,000 yields, median of 5 runs each. Runs the pair ROUNDS times (default 3),
# alternating, and prints each ratio.
# Usage: bench/compare/coroutines/run.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-3}
dotnet build CoroutineCompare -c Release -v quiet -nologo >/dev/null
dll=CoroutineCompare/bin/Release/net10.0/CoroutineCompare.dll
echo "round  python3 TaskScheduler  CoroutineScheduler  ratio"
for round in $(seq 1 "$rounds"); do
  python=$(python3 switches.py 100 20000 5)
  dotnet=$(dotnet "$dll" switches 100 20000 5)
  awk -v r="$round" -v p="$python" -v d="$dotnet" \
    'BEGIN { printf "%5d  %15.1f M/s  %14.1f M/s  %6.1fx\n", r, p / 1e6, d / 1e6, d / p }'
done
