"""Writes reference.safetensors with the official `safetensors` package (numpy backend) and
reference.json with the same values, for SafetensorsFileTest: an independently written file.

    python -m venv /tmp/st && /tmp/st/bin/pip install "numpy<2" safetensors==0.8.0
    /tmp/st/bin/python make_reference.py
"""
import json

import numpy as np
from safetensors.numpy import save_file

tensors = {
    "model.embed_tokens.weight": (np.arange(12, dtype=np.float32).reshape(3, 4) * 0.25 - 1.0),
    "model.norm.weight": np.array([0.5, -1.25, 65504.0, 0.0001, 0.0], dtype=np.float16),
    "model.layers.0.mlp.gate_proj.weight": np.array([[1.0 / 3.0, -2.5e-8], [1e30, -0.0]], dtype=np.float64),
    "token_ids": np.array([7, -3], dtype=np.int64),
}
save_file(tensors, "reference.safetensors", metadata={"format": "pt", "note": "reference"})
expected = {
    name: {"shape": list(t.shape), "values": [float(v) for v in t.astype(np.float32).ravel()]}
    for name, t in tensors.items() if t.dtype.kind == "f"
}
with open("reference.json", "w") as f:
    json.dump(expected, f, indent=1)
