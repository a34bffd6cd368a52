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
# Every contender's hosts are checked against Threadwork's. Prints median/min/max wall seconds, the median CPU
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

# measure NAME EXPECTED_OUTPUT_OR_- CMD...: runs CMD $reps times; records "seconds maxrss_kb cpu_seconds" per run; checks output.
measure() {
  local name=$1 expected=$2; shift 2
  : > "$work/$name.times"
  for _ in $(seq "$reps"); do
    /usr/bin/time -f "%e %M %U %S" -o "$work/time.out" "$@" > "$work/$name.out" 2> "$work/$name.err" || { echo "$name failed:"; cat "$work/$name.err"; exit 1; }
    awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$work/time.out" >> "$work/$name.times"
  done
  if [ "$expected" != - ] && ! cmp -s <(LC_ALL=C sort -u "$work/$name.out") "$expected"; then
    echo "$name: output differs from threadwork's" >&2; exit 1
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
  measure threadwork - "${tool[@]}" robots "$dir"
  ref="$work/threadwork.out"
  measure threadwork-serial "$ref" "${tool[@]}" robots --serial "$dir"
  measure threadwork-processes "$ref" "${tool[@]}" robots --processes "$(nproc)" "$dir"
  measure inflate-only - "${tool[@]}" robots --inflate-only "$dir"
  measure python-serial "$ref" python3 "$here/findrobots.py" "$dir"
  measure python-pool "$ref" python3 "$here/findrobots_pool.py" "$dir"
  measure zcat-awk-sort "$ref" bash -c 'zcat "$@" | awk '\''$7=="/robots.txt"{print $1}'\'' | sort -u' _ "${files[@]}"

  read -r tw _ _ _ twcpu <<<"$(stats threadwork)"
  read -r lim _ _ _ limcpu <<<"$(stats inflate-only)"
  printf '%-20s %8s %8s %8s %8s %8s %7s %9s %9s\n' contender median min max "CPU s" "peak MB" "GB/s" "time/tw" "CPU/tw"
  for name in threadwork threadwork-serial threadwork-processes inflate-only python-serial python-pool zcat-awk-sort; do
    read -r med min max peak cpu <<<"$(stats $name)"
    printf '%-20s %8s %8s %8s %8s %8s %7.2f %8.2fx %8.2fx\n' "$name" "$med" "$min" "$max" "$cpu" "$peak" "$(echo "$text / $med / 1000000000" | bc -l)" \
      "$(echo "$med / $tw" | bc -l)" "$(echo "$cpu / $twcpu" | bc -l)"
  done
  echo "threadwork reaches $(echo "$lim / $tw" | bc -l | xargs printf '%.2f') of the inflate-only limit in time, $(echo "$limcpu / $twcpu" | bc -l | xargs printf '%.2f') in CPU (limit / threadwork)"
done
