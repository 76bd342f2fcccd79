#!/usr/bin/env bash
# Starts a real Triton server (PyTriton) on loopback that serves a model repository written by
# `recsys-trainer triton-repo`: the release's HF checkpoint and PEFT adapters, computed by an
# independent numpy implementation, behind the vLLM backend's tensor names.
#   scripts/triton-server.sh --repo DIR [--model recsys-llm] [--grpc-port 8001] [--http-port 8000] [--metrics-port 8002]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
py="$root/.venv-triton/bin/python"
[ -x "$py" ] || { echo "run scripts/setup-triton.sh first" >&2; exit 1; }
libdir="$("$py" -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cd "$root/generator-service/src/test/triton"
exec "$py" recsys_triton_server.py "$@"
