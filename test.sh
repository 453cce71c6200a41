#!/usr/bin/env bash
# Runs every test of the portal. Installs what a fresh Debian machine lacks first (Chromium for the browser
# tests, PostgreSQL for the second provider, Redis for the scale-out tests, Node.js packages for the AWS SDK
# wire check). Idempotent and non-interactive: safe to run again and again, locally or in CI.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export AWS_EC2_METADATA_DISABLED=true   # the AWS credential chain must never reach for instance metadata in tests

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
log() { printf '\n== %s\n' "$*"; }

# 1. System packages -------------------------------------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# CJK fonts so screenshots of the zh-CN and ja pages show text, not empty boxes.
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  log "Installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. PostgreSQL: start the cluster and make a test role that may create databases ------------------------------
log "Starting PostgreSQL"
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
  $SUDO pg_createcluster "$ver" main >/dev/null
  cluster="$ver main"
fi
# shellcheck disable=SC2086
$SUDO pg_ctlcluster $cluster start 2>/dev/null || true
port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 1; done
pg_isready -h 127.0.0.1 -p "$port"
as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_test') THEN
    CREATE ROLE portal_test LOGIN CREATEDB PASSWORD 'portal_test';
  END IF;
END $$;
-- Lets the tests drop their databases WITH (FORCE) even while a pooled connection lingers.
GRANT pg_signal_backend TO portal_test;
SQL
export PORTAL_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=portal_test;Password=portal_test;Database=postgres"

# 2b. Redis for the scale-out tests: a throwaway server on loopback, nothing written to disk ------------------------
# Tests that need Redis use it through PORTAL_TEST_REDIS (each with its own key prefix); one that stops Redis starts its own.
log "Starting Redis"
redis_port=6390
if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >/dev/null
fi
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.2; done
redis-cli -p "$redis_port" ping
export PORTAL_TEST_REDIS="127.0.0.1:$redis_port"

# 3. Node packages the tests drive (AWS's own SDK clients) --------------------------------------------------------
log "Installing test npm packages"
(cd tests/js && npm install --no-audit --no-fund --loglevel=error)

# 4. .NET: local tools (dotnet-ef), restore, build, test ---------------------------------------------------------
log "Restoring and building"
dotnet tool restore >/dev/null
dotnet build Onboarding.sln -c Release -nologo -clp:ErrorsOnly

log "Running tests"
mkdir -p TestResults
set +e
dotnet test Onboarding.sln -c Release --no-build -nologo --results-directory TestResults \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=portal.trx" 2>&1 | tee TestResults/test-output.log
status=${PIPESTATUS[0]}

# Second pass: every persistence and integration test again on PostgreSQL (the tests that pick a provider
# themselves already ran on both). Each test's portal gets a database of its own: a pooled one, emptied by Respawn
# after the test that used it (Portal.Tests/Infrastructure/PostgresDatabase.cs).
log "Running the persistence and integration tests on PostgreSQL"
PORTAL_TEST_PROVIDER=Postgres dotnet test Portal.Tests/Portal.Tests.csproj -c Release --no-build -nologo --results-directory TestResults \
  --filter "FullyQualifiedName~Portal.Tests.Integration|FullyQualifiedName~Portal.Tests.Components" \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=portal-postgres.trx" 2>&1 | tee TestResults/test-output-postgres.log
pg_status=${PIPESTATUS[0]}

# Crash test, short form: the built portal as its own process, killed with SIGKILL at random moments while Chromium
# buyers onboard and a client reports usage; it must lose, duplicate and double-meter nothing (bench/Portal.Bench/Crash).
log "Crash test (short form)"
# Bounded: at most 12 minutes of driving, and a failure naming every stuck page after 3 minutes without progress.
dotnet run -c Release --no-build --project bench/Portal.Bench -- crash --short --max-minutes 12 2>&1 | tee TestResults/crash-test.log
crash_status=${PIPESTATUS[0]}
set -e
# The console logger ends each run with "Total tests: N", "Passed: N" and, when any, "Failed: N".
count() { cat TestResults/test-output.log TestResults/test-output-postgres.log | grep -A3 -E '^Total tests:' | sed -nE "s/^ +$1: +([0-9]+).*/\1/p" | awk '{s+=$1} END {print s+0}'; }
passed=$(count Passed)
failed=$(count Failed)
[ "$status" -eq 0 ] && [ "$pg_status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1   # a build or host failure counts as a failure
# The crash test counts as one test.
if [ "$crash_status" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo
if [ "$failed" -gt 0 ]; then
  # Named here at the end, where a CI excerpt shows them: each failed test with the first lines of its message.
  echo "Failed tests:"
  grep -h -A8 -E '^ +Failed [A-Za-z]' TestResults/test-output.log TestResults/test-output-postgres.log 2>/dev/null | cut -c1-1600 | head -150 || true
  grep -E '^  problem:|CRASH TEST FAILED' TestResults/crash-test.log 2>/dev/null | head -20 || true
  echo
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$pg_status" -eq 0 ] && [ "$crash_status" -eq 0 ]
