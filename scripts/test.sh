#!/usr/bin/env bash
# Sets up a fresh Debian machine if needed, starts a throwaway PostgreSQL server (unix socket
# only, removed afterwards), then runs the whole test suite (Swift Testing) against it and the
# embedded SQLite. Extra arguments go to `swift test`, e.g. scripts/test.sh --filter Storage
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLHOST_SETUP_POSTGRES_SERVER=1 scripts/setup.sh

swift build --build-tests

url=$(scripts/test-postgres.sh start)
socket_dir=$(printf '%s' "$url" | sed -e 's/.*host=\([^&]*\).*/\1/')
trap 'scripts/test-postgres.sh stop "$socket_dir"' EXIT
export TOOLHOST_TEST_POSTGRES_URL="$url"

swift test --skip-build "$@"
