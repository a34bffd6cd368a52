#!/usr/bin/env bash
# Per-job cost of a process pool on a tiny job (n -> n + 1): Python's concurrent.futures.ProcessPoolExecutor
# (python3 pool_roundtrip.py, the recipe's pool) against Threadwork's ProcessPool (ProcessPoolCompare),
# alternating, ROUNDS times (default 3). Two measures, median of 5 repeats each:
#   round trip: one worker, submit then wait for the result, one job after another (the latency of a job);
#   throughput: 2 workers, JOBS submitted at once, then all results waited for (the cost per job in bulk).
# Prints microseconds per job and the ratio python / threadwork (how many times faster Threadwork is).
# Usage: bench/compare/processpool/run.sh [ROUNDS] [JOBS]
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-3}
jobs=${2:-5000}
dotnet build ProcessPoolCompare -c Release -v quiet -nologo >/dev/null
dll=ProcessPoolCompare/bin/Release/net10.0/ProcessPoolCompare.dll
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(python3 --version 2>&1), dotnet $(dotnet --version)"
echo "round  measure      python3 ProcessPoolExecutor  Threadwork ProcessPool  ratio"
for round in $(seq 1 "$rounds"); do
  for measure in roundtrip throughput; do
    python=$(python3 pool_roundtrip.py "$measure" "$jobs" 2 5)
    dotnet=$(dotnet "$dll" "$measure" "$jobs" 2 5)
    awk -v r="$round" -v m="$measure" -v p="$python" -v d="$dotnet" \
      'BEGIN { printf "%5d  %-10s  %20.1f us/job  %16.1f us/job  %5.1fx\n", r, m, p, d, p / d }'
  done
done
