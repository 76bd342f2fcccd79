#!/usr/bin/env bash
# Installs a real Triton server for the generator's integration test and local use:
# PyPI's nvidia-pytriton bundles tritonserver 2.51 (it runs on CPU-only Linux) and serves
# generator-service/src/test/triton/recsys_triton_server.py. Creates .venv-triton/ (ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv-triton/bin/python ]; then
  "$PY" -m venv .venv-triton
fi
.venv-triton/bin/pip install -q --disable-pip-version-check \
  "numpy==1.26.4" "nvidia-pytriton==0.7.0" "safetensors==0.8.0" "tokenizers==0.23.3"
# Triton's Python-backend stub loads libpython3.x.so: it must be this interpreter's own
# (a different patch release's library breaks the stub's standard library).
libdir="$(.venv-triton/bin/python -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')"
ls "$libdir"/libpython3*.so* >/dev/null 2>&1 || { echo "no libpython in $libdir: use a Python built with --enable-shared" >&2; exit 1; }
echo "Triton ready: scripts/triton-server.sh --repo <model repository> (see README)"
