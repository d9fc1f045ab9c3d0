#!/usr/bin/env bash
# The time-window integration tests again, on databases whose default time zone is not UTC.
#
# Every timestamp(3) column holds UTC. The app passes times as UTC literals and sets each
# connection to UTC, so a server or database set to another zone must change nothing: guard
# windows, rollups and their hour cache, phase stretches, time series, pruning. The harness
# creates each test file's database with `ALTER DATABASE … SET timezone` from
# TEST_DATABASE_TIMEZONE (packages/db/src/testing). New York: behind UTC, with daylight saving.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export TEST_DATABASE_TIMEZONE="${TEST_DATABASE_TIMEZONE:-America/New_York}"

run() { # workspace, test files…
  local workspace="$1"; shift
  echo "== $workspace on a database in $TEST_DATABASE_TIMEZONE"
  (cd "$root/$workspace" && vitest run "$@")
}

# Sessions, prepared statements and the migration applier all run in UTC.
run packages/db src/utc-session.test.ts src/client.test.ts
# The guard's windows (error rate, p99, queue depth), rollups written, read and resumed, the hour
# cache and its freshness, pruning by age.
run packages/engine \
  src/guard/guard-evaluator.test.ts \
  src/metrics/rollup-store.test.ts \
  src/metrics/rollup-writer.test.ts \
  src/metrics/metrics-retention.test.ts \
  src/health/rollup-hour-cache.test.ts \
  src/health/rollup-hour-cache.time-zone.test.ts
# Through the API: time-series buckets, overview and workers' last hour; phase stretches and the
# phase walk 1 → 4 (levels judged over hours of rollups).
run packages/api src/health-reads.http.test.ts src/health-phase-walk.http.test.ts
