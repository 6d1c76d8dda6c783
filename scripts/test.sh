#!/usr/bin/env bash
# Sets up a fresh Debian machine if needed, starts a throwaway PostgreSQL server (unix socket
# only, removed afterwards), then runs the whole test suite (Swift Testing) against it and the
# embedded SQLite. The stream tests start their own redis-server processes (installed here).
# Extra arguments go to `swift test`, e.g. scripts/test.sh --filter Storage
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLHOST_SETUP_TEST_SERVERS=1 scripts/setup.sh
export TOOLHOST_TEST_REDIS_SERVER="$(command -v redis-server || echo /usr/bin/redis-server)"

swift build --build-tests

url=$(scripts/test-postgres.sh start)
socket_dir=$(printf '%s' "$url" | sed -e 's/.*host=\([^&]*\).*/\1/')
trap 'scripts/test-postgres.sh stop "$socket_dir"' EXIT
export TOOLHOST_TEST_POSTGRES_URL="$url"

swift test --skip-build "$@"
