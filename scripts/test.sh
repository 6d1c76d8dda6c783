#!/usr/bin/env bash
# Sets up a fresh Debian machine if needed, then runs the whole test suite (Swift Testing).
# Extra arguments go to `swift test`, e.g. scripts/test.sh --filter PluginRunner
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
