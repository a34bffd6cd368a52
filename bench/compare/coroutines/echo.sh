#!/usr/bin/env bash
# Replies per second of `threadwork coroutines echo` (one thread) against another echo server, under the
# same load: CLIENTS connections (default 100), each sending LINES lines (default 500) one at a time and
# waiting for each GOT:<line> reply (CoroutineCompare echo-load). Runs the pair ROUNDS times (default 2),
# alternating, and prints each ratio (above 1: the coroutine server answered more lines per second).
#
# Usage: bench/compare/coroutines/echo.sh ['OTHER SERVER COMMAND'] [CLIENTS] [LINES] [ROUNDS]
#   The other server's command line, run from the repository root, with {port} where its port goes.
#   Default: the recipe's own Python generator echo server,
#     'python3 bench/compare/coroutines/echo_server.py {port}'
#   e.g. 'dotnet src/Threadwork.Cli/bin/Release/net10.0/Threadwork.Cli.dll echo serve --mode async --port {port}'
set -euo pipefail
cd "$(dirname "$0")/../../.."
other=${1:-python3 bench/compare/coroutines/echo_server.py {port}}
clients=${2:-100}
lines=${3:-500}
rounds=${4:-2}

dotnet build src/Threadwork.Cli -c Release -v quiet -nologo >/dev/null
dotnet build bench/compare/coroutines/CoroutineCompare -c Release -v quiet -nologo >/dev/null
load=bench/compare/coroutines/CoroutineCompare/bin/Release/net10.0/CoroutineCompare.dll
ours='dotnet src/Threadwork.Cli/bin/Release/net10.0/Threadwork.Cli.dll coroutines echo --quiet --port {port}'

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the server command (with {port} filled in), waits until it accepts, runs the load, stops it.
measure() {
  local port pid rate
  port=$(free_port)
  # Its stdout and stderr are not part of the measure (a wrong reply fails the load instead); SIGTERM's
  # "interrupted" line would only clutter the table.
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
  rate=$(dotnet "$load" echo-load "127.0.0.1:$port" "$clients" "$lines") || { kill "$pid"; return 1; }
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$rate"
}

echo "other server: $other"
echo "round  coroutine echo  other server  ratio   ($clients clients x $lines lines, replies/s)"
for round in $(seq 1 "$rounds"); do
  a=$(measure "$ours")
  b=$(measure "$other")
  awk -v r="$round" -v a="$a" -v b="$b" 'BEGIN { printf "%5d  %14.0f  %12.0f  %5.2fx\n", r, a, b, a / b }'
done
