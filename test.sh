#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds everything, runs every test project,
# and ends with one line "N passed, N failed". Exit code non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

# The NATS tests start a real nats-server (Debian's package); install it when missing, updating the
# package lists only if the first try cannot find it.
if ! command -v nats-server >/dev/null && [ ! -x /usr/sbin/nats-server ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -qq nats-server >/dev/null 2>&1; then
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq nats-server
  fi
fi

dotnet restore Threadwork.slnx
dotnet build Threadwork.slnx --no-restore -c Release

passed=0; failed=0; skipped=0; status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for project in tests/*/*.csproj; do
  grep -q '<IsTestProject>true</IsTestProject>' "$project" || continue
  echo "== $project"
  if ! dotnet test "$project" --no-build -c Release --blame-hang-timeout 5m 2>&1 | tee "$log"; then
    status=1
  fi
  # VSTest's summary: "Failed!  - Failed: 1, Passed: 12, Skipped: 0, Total: 13, ..."
  summary=$(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tail -n 1 || true)
  if [ -z "$summary" ]; then
    echo "test.sh: no test summary from $project" >&2
    status=1
    continue
  fi
  read -r f p s <<<"$(echo "$summary" | grep -Eo '[0-9]+' | tr '\n' ' ')"
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
