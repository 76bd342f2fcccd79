#!/usr/bin/env bash
# Renders both overlays with kustomize and validates every manifest offline (Kubernetes
# schemas from PyPI's kubernetes-validate, strict) plus the platform's rules (k8s/tests).
# Installs what it needs: kustomize from the Go module proxy into k8s/.tools/bin, and a
# Python venv in k8s/.tools/venv. Both are ignored by git.
set -euo pipefail
cd "$(dirname "$0")"
TOOLS="$PWD/.tools"
mkdir -p "$TOOLS/bin"
if [ ! -x "$TOOLS/bin/kustomize" ]; then
  GOBIN="$TOOLS/bin" go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1
fi
if [ ! -x "$TOOLS/venv/bin/pytest" ]; then
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==1.37.0" "pytest==9.2.0" "PyYAML==6.0.3"
fi
KUSTOMIZE="$TOOLS/bin/kustomize" exec "$TOOLS/venv/bin/pytest" -q tests "$@"
