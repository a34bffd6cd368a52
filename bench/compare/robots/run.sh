#!/usr/bin/env bash
# Whole-program comparison for recipes 12.8-12.9: every host that fetched /robots.txt in gzip'd Apache logs.
#
#   bench/compare/robots/run.sh            # REPS=3 runs of each; LINES=650000 lines x 8 files (~1 GB of text)
#   GEN_DIR=/tmp/logs bench/compare/robots/run.sh   # reuse (or keep) the generated logs in GEN_DIR
#
# On ../shared/data/logs-2012 (the recipe's 14 logs) and on ~1 GB of `threadwork gen-logs` output written to
# a temporary folder (deleted at the end), it times, REPS times each:
#   threadwork robots (one file per core), threadwork robots --serial, threadwork robots --processes N (N = cores),
#   the seed's Python recipe (serial map), its ProcessPoolExecutor form,
#   zcat FILES | awk '$7=="/robots.txt"{print $1}' | sort -u,
#   and the limit: threadwork robots --inflate-only (the BCL's GZipStream inflating the same files, same threads,
#   output discarded).
# The contenders run round-robin (one of each per repetition, the limit right after the scan), so load changes
# fall on all alike. Every contender's hosts are checked against Threadwork's. Prints median/min/max wall seconds, the median CPU
# seconds (user + system, children included), peak memory (max RSS of the largest process, from /usr/bin/time)
# and the ratios. On a shared machine the CPU seconds move less than the wall times.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
reps=${REPS:-3}
lines=${LINES:-650000}
command -v /usr/bin/time >/dev/null || { echo "run.sh: /usr/bin/time is needed (apt-get install -y time)" >&2; exit 1; }

dotnet build "$root/src/Threadwork.Cli" -c Release -v quiet -nologo >/dev/null
tool=(dotnet "$root/src/Threadwork.Cli/bin/Release/net10.0/Threadwork.Cli.dll")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "python: $(python3 --version 2>&1), dotnet: $(dotnet --version)"
gen=${GEN_DIR:-$work/gen}
if [ ! -d "$gen" ]; then
  echo "generating $lines lines x 8 files with threadwork gen-logs into $gen..."
  "${tool[@]}" gen-logs "$gen" --files 8 --lines "$lines" | sed 's/^/  /'
fi

# run_once NAME CMD...: runs CMD once; appends "seconds maxrss_kb cpu_seconds" to NAME.times; keeps its output.
run_once() {
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time.out" "$@" > "$work/$name.out" 2> "$work/$name.err" || { echo "$name failed:"; cat "$work/$name.err"; exit 1; }
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$work/time.out" >> "$work/$name.times"
}

# check NAME: its hosts must be threadwork's.
check() {
  if ! cmp -s <(LC_ALL=C sort -u "$work/$1.out") "$work/threadwork.out"; then
    echo "$1: output differs from threadwork's" >&2; exit 1
  fi
}

# stats NAME -> "median min max peak_mb median_cpu"
stats() {
  local cpu
  cpu=$(sort -n -k3 "$work/$1.times" | awk '{c[NR]=$3} END {printf "%.2f", c[int((NR+1)/2)]}')
  sort -n "$work/$1.times" | awk -v cpu="$cpu" '{t[NR]=$1; if ($2>m) m=$2} END {printf "%.3f %.3f %.3f %.0f %s", t[int((NR+1)/2)], t[1], t[NR], m/1024, cpu}'
}

for set in logs-2012 gen; do
  if [ "$set" = logs-2012 ]; then dir="$root/../shared/data/logs-2012"; else dir="$gen"; fi
  files=("$dir"/*.log.gz)
  text=$(zcat "${files[@]}" | wc -c)
  echo
  echo "== $set: ${#files[@]} files, $(du -cb "${files[@]}" | tail -1 | cut -f1) bytes gzip'd, $text bytes of text; $reps runs each"
  names=(threadwork inflate-only threadwork-serial threadwork-processes python-serial python-pool zcat-awk-sort)
  for name in "${names[@]}"; do : > "$work/$name.times"; done
  # Round-robin: each repetition runs every contender once, the scan and its limit back to back, so that a
  # change in the machine's load falls on all of them alike instead of on whichever ran during it.
  for _ in $(seq "$reps"); do
    run_once threadwork "${tool[@]}" robots "$dir"
    run_once inflate-only "${tool[@]}" robots --inflate-only "$dir"
    run_once threadwork-serial "${tool[@]}" robots --serial "$dir"
    run_once threadwork-processes "${tool[@]}" robots --processes "$(nproc)" "$dir"
    run_once python-serial python3 "$here/findrobots.py" "$dir"
    run_once python-pool python3 "$here/findrobots_pool.py" "$dir"
    run_once zcat-awk-sort bash -c 'zcat "$@" | awk '\''$7=="/robots.txt"{print $1}'\'' | sort -u' _ "${files[@]}"
    for name in threadwork-serial threadwork-processes python-serial python-pool zcat-awk-sort; do check "$name"; done
  done
  # The limit of each repetition against the scan just before it.
  pairs=$(paste -d' ' "$work/inflate-only.times" "$work/threadwork.times" | awk '{printf "%.2f ", $1 / $4}')

  read -r tw _ _ _ twcpu <<<"$(stats threadwork)"
  read -r lim _ _ _ limcpu <<<"$(stats inflate-only)"
  printf '%-20s %8s %8s %8s %8s %8s %7s %9s %9s\n' contender median min max "CPU s" "peak MB" "GB/s" "time/tw" "CPU/tw"
  for name in "${names[@]}"; do
    read -r med min max peak cpu <<<"$(stats $name)"
    printf '%-20s %8s %8s %8s %8s %8s %7.2f %8.2fx %8.2fx\n' "$name" "$med" "$min" "$max" "$cpu" "$peak" "$(echo "$text / $med / 1000000000" | bc -l)" \
      "$(echo "$med / $tw" | bc -l)" "$(echo "$cpu / $twcpu" | bc -l)"
  done
  echo "threadwork reaches $(echo "$lim / $tw" | bc -l | xargs printf '%.2f') of the inflate-only limit in time, $(echo "$limcpu / $twcpu" | bc -l | xargs printf '%.2f') in CPU (limit / threadwork, medians)"
  echo "limit / threadwork, each repetition's pair: $pairs"
done
