#!/usr/bin/env bash
# Installs what ToolHost needs on a fresh Debian machine; does nothing when all is present.
# Needs the Swift toolchain on PATH (swift.org); installs Debian packages as root (or via sudo).
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift toolchain is not on PATH; install Swift 6 from https://swift.org first." >&2
    exit 1
fi

missing=()
dpkg -s libyaml-dev >/dev/null 2>&1 || missing+=(libyaml-dev)         # YAML parser (system library)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)   # the embedded database
dpkg -s libpq-dev >/dev/null 2>&1 || missing+=(libpq-dev)             # the PostgreSQL client library
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v python3 >/dev/null 2>&1 || missing+=(python3)        # example plugins and test plugins
python3 -c "import yaml" >/dev/null 2>&1 || missing+=(python3-yaml)   # tests compare YAML reading with PyYAML

# Servers the tests need only: scripts/test.sh starts a throwaway PostgreSQL, the stream tests
# their own private redis-server.
# HTTPS to embedding servers: libcurl, loaded only when an https:// embedder is used.
dpkg -s libcurl4 >/dev/null 2>&1 || missing+=(libcurl4)

if [ "${TOOLHOST_SETUP_TEST_SERVERS:-0}" = 1 ]; then
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)     # the HTTPS embedder test's certificate
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
    command -v promtool >/dev/null 2>&1 || missing+=(prometheus)  # promtool checks the /metrics text
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)    # the dashboard's browser tests (headless)
    command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)  # speech for the audio_features tests
    command -v sox >/dev/null 2>&1 || missing+=(sox)              # tones, silences and levels for them
fi

if ((${#missing[@]})); then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
