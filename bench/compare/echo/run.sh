#!/usr/bin/env bash
# Builds the tool, raises the open-file limit for the 10,000-connection run, and runs compare.py.
set -euo pipefail
cd "$(dirname "$0")/../../.."
hard=$(ulimit -Hn)
want=30000
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -n "$want"
[ "$(ulimit -n)" -ge 10100 ] || { echo "run.sh: the 10,000-connection run needs ulimit -n of at least 10100; the hard limit is $hard" >&2; exit 1; }
dotnet build Threadwork.slnx -c Release -v quiet >/dev/null
exec python3 bench/compare/echo/compare.py "$@"
