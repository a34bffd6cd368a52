#!/usr/bin/env bash
# Switches per second: the seed's recipe 12.12 TaskScheduler (python3, switches.py) against
# Threadwork's CoroutineScheduler (CoroutineCompare switches), the same countdown generators,
# 100 tasks x 20,000 yields, median of 5 runs each, in wall time and in the process's CPU time (which a
# loaded machine disturbs less: a process waiting for a core spends no CPU). Runs the pair ROUNDS times
# (default 3), alternating, and prints each ratio.
# Usage: bench/compare/coroutines/run.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-3}
dotnet build CoroutineCompare -c Release -v quiet -nologo >/dev/null
dll=CoroutineCompare/bin/Release/net10.0/CoroutineCompare.dll
echo "round  python3 TaskScheduler  CoroutineScheduler  ratio   | by CPU time: python3  Coroutine  ratio   (load)"
for round in $(seq 1 "$rounds"); do
  read -r pw pc <<<"$(python3 switches.py 100 20000 5)"
  read -r dw dc <<<"$(dotnet "$dll" switches 100 20000 5)"
  awk -v r="$round" -v pw="$pw" -v pc="$pc" -v dw="$dw" -v dc="$dc" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "%5d  %15.1f M/s  %14.1f M/s  %6.1fx  | %10.1f M/s %8.1f M/s %6.1fx   (%s)\n", r, pw / 1e6, dw / 1e6, dw / pw, pc / 1e6, dc / 1e6, dc / pc, load }'
done
