#!/usr/bin/env bash
# Round trips of `threadwork coroutines echo` (one thread, replies GOT:<line>) against another echo server,
# under the same load client (CoroutineCompare echo-load): at each connection count, the connections are
# opened, then each sends its share of TOTAL lines one at a time and waits for each reply before the next.
# Prints round trips per second and the p50/p99 round trip, for both servers, and the ratios (above 1: the
# coroutine server did better). Runs every pair ROUNDS times, alternating the servers.
#
# Usage: bench/compare/coroutines/echo.sh ['OTHER SERVER COMMAND'] [OTHER_REPLY] ['CONNECTIONS'] [TOTAL] [ROUNDS]
#   OTHER SERVER COMMAND: its command line, run from the repository root, with {port} where its port goes.
#     Default: the recipe's own Python generator echo server, 'python3 bench/compare/coroutines/echo_server.py {port}'
#   OTHER_REPLY: got (it replies GOT:<line>, as the recipe's does; the default) or echo (it echoes the bytes).
#   CONNECTIONS: the connection counts, default '1 64 256'; TOTAL: round trips per measure (default 20000);
#   ROUNDS: default 2.
# e.g. bench/compare/coroutines/echo.sh \
#   'dotnet src/Threadwork.Cli/bin/Release/net10.0/Threadwork.Cli.dll echo serve --mode async --quiet --port {port}' echo
set -euo pipefail
cd "$(dirname "$0")/../../.."
default_other='python3 bench/compare/coroutines/echo_server.py {port}'
other=${1:-$default_other}
other_reply=${2:-got}
counts=${3:-1 64 256}
total=${4:-20000}
rounds=${5:-2}

dotnet build src/Threadwork.Cli -c Release -v quiet -nologo >/dev/null
dotnet build bench/compare/coroutines/CoroutineCompare -c Release -v quiet -nologo >/dev/null
load=bench/compare/coroutines/CoroutineCompare/bin/Release/net10.0/CoroutineCompare.dll
ours='dotnet src/Threadwork.Cli/bin/Release/net10.0/Threadwork.Cli.dll coroutines echo --quiet --port {port}'

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# measure COMMAND REPLY CONNECTIONS: starts the server (with {port} filled in), waits until it accepts, runs the
# load, stops it; prints "round_trips_per_s p50_us p99_us".
measure() {
  local port pid result lines
  port=$(free_port)
  lines=$(( (total + $3 - 1) / $3 ))
  # Its stdout and stderr are not part of the measure (a wrong reply fails the load instead).
  bash -c "exec ${1//\{port\}/$port}" >/dev/null 2>&1 &
  pid=$!
  python3 -c 'import socket, sys, time
deadline = time.time() + 30
while True:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close(); break
    except OSError:
        if time.time() > deadline: sys.exit("echo.sh: the server did not start listening")
        time.sleep(0.1)' "$port"
  result=$(dotnet "$load" echo-load "127.0.0.1:$port" "$3" "$lines" "$2") || { kill "$pid"; return 1; }
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$result"
}

echo "other server: $other (replies: $other_reply); machine load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "round  conns | coroutine echo: trips/s  p50 us  p99 us | other: trips/s  p50 us  p99 us | ratio: trips/s  p50  p99"
for round in $(seq 1 "$rounds"); do
  for n in $counts; do
    read -r ar a50 a99 <<<"$(measure "$ours" got "$n")"
    read -r br b50 b99 <<<"$(measure "$other" "$other_reply" "$n")"
    awk -v r="$round" -v n="$n" -v ar="$ar" -v a50="$a50" -v a99="$a99" -v br="$br" -v b50="$b50" -v b99="$b99" \
      'BEGIN { printf "%5d  %5d | %22.0f %7.0f %7.0f | %14.0f %7.0f %7.0f | %13.2fx %4.2fx %4.2fx\n", r, n, ar, a50, a99, br, b50, b99, ar / br, b50 / a50, b99 / a99 }'
  done
done
