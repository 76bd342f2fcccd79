"""Writes an independent reference for LlamaModelTest: a tiny Llama-architecture checkpoint
(config.json + model.safetensors with Hugging Face tensor names), a LoRA adapter for it in the
PEFT format (adapter/), and the logits and final hidden states that a plain numpy
implementation of the Llama forward pass computes, without and with the adapter
(y = W x + lora_alpha / r * B A x on the target modules).

The numpy code follows the Hugging Face Llama definition: RMSNorm, rotary embeddings with
rotate_half, grouped-query attention (each key/value head serves num_heads/num_kv_heads
consecutive query heads), causal softmax attention scaled by 1/sqrt(head_dim), SwiGLU MLP.

    python -m venv /tmp/st && /tmp/st/bin/pip install "numpy<2" safetensors==0.8.0
    /tmp/st/bin/python make_reference.py
"""
import json

import numpy as np
from safetensors.numpy import save_file

cfg = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama",
    "vocab_size": 32, "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
    "num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
    "max_position_embeddings": 64, "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2,
    "hidden_act": "silu", "torch_dtype": "float32",
}
rng = np.random.default_rng(0)
H, V, I, L = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
NH, KV = cfg["num_attention_heads"], cfg["num_key_value_heads"]
HD = H // NH


def w(*shape, scale=0.2):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


weights = {"model.embed_tokens.weight": w(V, H, scale=1.0)}
for l in range(L):
    p = f"model.layers.{l}."
    weights[p + "input_layernorm.weight"] = (1 + 0.1 * rng.standard_normal(H)).astype(np.float32)
    weights[p + "self_attn.q_proj.weight"] = w(NH * HD, H)
    weights[p + "self_attn.k_proj.weight"] = w(KV * HD, H)
    weights[p + "self_attn.v_proj.weight"] = w(KV * HD, H)
    weights[p + "self_attn.o_proj.weight"] = w(H, NH * HD)
    weights[p + "post_attention_layernorm.weight"] = (1 + 0.1 * rng.standard_normal(H)).astype(np.float32)
    weights[p + "mlp.gate_proj.weight"] = w(I, H)
    weights[p + "mlp.up_proj.weight"] = w(I, H)
    weights[p + "mlp.down_proj.weight"] = w(H, I)
weights["model.norm.weight"] = (1 + 0.1 * rng.standard_normal(H)).astype(np.float32)
weights["lm_head.weight"] = w(V, H)


def rms_norm(x, g):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + cfg["rms_norm_eps"]) * g


def rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


LORA = {"r": 4, "lora_alpha": 8, "target_modules": ["q_proj", "v_proj"]}
lora = {}
for l in range(L):
    for mod, out in (("q_proj", NH * HD), ("v_proj", KV * HD)):
        key = f"base_model.model.model.layers.{l}.self_attn.{mod}"
        lora[key + ".lora_A.weight"] = w(LORA["r"], H, scale=0.3)
        lora[key + ".lora_B.weight"] = w(out, LORA["r"], scale=0.3)


def proj(h, l, mod, with_lora):
    y = h @ weights[f"model.layers.{l}.self_attn.{mod}.weight"].T
    key = f"base_model.model.model.layers.{l}.self_attn.{mod}"
    if with_lora and mod in LORA["target_modules"]:
        scale = LORA["lora_alpha"] / LORA["r"]
        y = y + scale * (h @ lora[key + ".lora_A.weight"].T) @ lora[key + ".lora_B.weight"].T
    return y


def forward(ids, with_lora=False):
    B, T = ids.shape
    x = weights["model.embed_tokens.weight"][ids]
    inv_freq = 1.0 / (cfg["rope_theta"] ** (np.arange(0, HD, 2) / HD))
    freqs = np.arange(T)[:, None] * inv_freq[None, :]
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos, sin = np.cos(emb), np.sin(emb)
    mask = np.triu(np.full((T, T), -np.inf), k=1)
    for l in range(L):
        p = f"model.layers.{l}."
        h = rms_norm(x, weights[p + "input_layernorm.weight"])
        q = proj(h, l, "q_proj", with_lora).reshape(B, T, NH, HD).transpose(0, 2, 1, 3)
        k = proj(h, l, "k_proj", with_lora).reshape(B, T, KV, HD).transpose(0, 2, 1, 3)
        v = proj(h, l, "v_proj", with_lora).reshape(B, T, KV, HD).transpose(0, 2, 1, 3)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = np.repeat(k, NH // KV, axis=1)
        v = np.repeat(v, NH // KV, axis=1)
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(HD) + mask
        s = np.exp(s - s.max(axis=-1, keepdims=True))
        a = (s / s.sum(axis=-1, keepdims=True)) @ v
        x = x + a.transpose(0, 2, 1, 3).reshape(B, T, NH * HD) @ weights[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, weights[p + "post_attention_layernorm.weight"])
        g = h @ weights[p + "mlp.gate_proj.weight"].T
        u = h @ weights[p + "mlp.up_proj.weight"].T
        x = x + ((g / (1 + np.exp(-g))) * u) @ weights[p + "mlp.down_proj.weight"].T
    hidden = rms_norm(x, weights["model.norm.weight"])
    return hidden @ weights["lm_head.weight"].T, hidden


ids = np.array([[1, 5, 9, 3, 7, 2], [4, 4, 8, 0, 31, 16]], dtype=np.int64)
logits, hidden = forward(ids.astype(np.int64))
lora_logits, _ = forward(ids.astype(np.int64), with_lora=True)
import os
os.makedirs("adapter", exist_ok=True)
save_file(lora, "adapter/adapter_model.safetensors", metadata={"format": "pt"})
with open("adapter/adapter_config.json", "w") as f:
    json.dump({"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": LORA["r"], "lora_alpha": LORA["lora_alpha"],
               "lora_dropout": 0.05, "target_modules": LORA["target_modules"], "bias": "none",
               "fan_in_fan_out": False, "inference_mode": True, "base_model_name_or_path": "reference"}, f, indent=2)
save_file(weights, "model.safetensors", metadata={"format": "pt"})
with open("config.json", "w") as f:
    json.dump(cfg, f, indent=2)
with open("expected.json", "w") as f:
    json.dump({"input_ids": ids.tolist(), "logits": logits.astype(np.float64).ravel().tolist(),
               "logits_shape": list(logits.shape), "hidden": hidden.astype(np.float64).ravel().tolist(),
               "hidden_shape": list(hidden.shape),
               "lora_logits": lora_logits.astype(np.float64).ravel().tolist()}, f)
