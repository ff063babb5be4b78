#!/usr/bin/env bash
# The Python environment for the interop cross-checks and the fixture generators in
# test/tools/: a venv at .venv (or $1) with Keras 3 (JAX backend), ONNX, ONNX Runtime
# and h5py. The JavaScript tests never need it (fixtures are committed); the tests that
# cross-check files with the real libraries use it when it is there (test/helpers/python.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv}
PY=${PYTHON311:-python3.11}
command -v "$PY" >/dev/null 2>&1 || { echo "setup-python: $PY not found; the Python cross-checks will skip"; exit 0; }
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
# Prefer a local package index where the machine has one (no network lookups then).
INDEX=()
[ -d /opt/pypi/simple ] && INDEX+=(--index-url file:///opt/pypi/simple)
[ -d /opt/pypi-more/simple ] && INDEX+=(--extra-index-url file:///opt/pypi-more/simple)
"$VENV/bin/pip" install -q "${INDEX[@]}" keras jax jaxlib onnx onnxruntime h5py
KERAS_BACKEND=jax "$VENV/bin/python" -c "import keras, onnx, onnxruntime, h5py; print('setup-python: keras', keras.__version__, 'onnx', onnx.__version__, 'onnxruntime', onnxruntime.__version__)"
