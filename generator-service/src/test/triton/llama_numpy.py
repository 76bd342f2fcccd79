"""An independent numpy implementation of the Llama forward pass with a PEFT LoRA adapter, and
greedy / seeded-sampling generation, for the Triton integration test. It reads the trainer's
Hugging Face checkpoint (config.json, model.safetensors, tokenizer.json) and PEFT adapter
(adapter_config.json, adapter_model.safetensors) and shares no code with the Java model.

Definition followed: Hugging Face's LlamaForCausalLM (RMSNorm, rotary embeddings with
rotate_half, grouped-query attention, causal softmax attention scaled by 1/sqrt(head_dim),
SwiGLU MLP, lm_head tied to embed_tokens when tie_word_embeddings); LoRA as PEFT computes it:
y = W x + (lora_alpha / r) * B (A x) on the target modules.
"""
import json
import os

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer


class LlamaNumpy:
    def __init__(self, base_dir):
        with open(os.path.join(base_dir, "config.json")) as f:
            self.cfg = json.load(f)
        self.w = {k: v.astype(np.float64) for k, v in load_file(os.path.join(base_dir, "model.safetensors")).items()}
        if "lm_head.weight" not in self.w:
            self.w["lm_head.weight"] = self.w["model.embed_tokens.weight"]
        self.tokenizer = Tokenizer.from_file(os.path.join(base_dir, "tokenizer.json"))
        self.adapters = {}

    def add_adapter(self, name, adapter_dir):
        with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
            acfg = json.load(f)
        tensors = load_file(os.path.join(adapter_dir, "adapter_model.safetensors"))
        self.adapters[name] = (acfg["lora_alpha"] / acfg["r"], set(acfg["target_modules"]),
                               {k: v.astype(np.float64) for k, v in tensors.items()})

    # TensorRT-LLM's LoRA module ids (its LoRA documentation) -> (Hugging Face module, group)
    TRTLLM_MODULES = {1: ("q_proj", "self_attn"), 2: ("k_proj", "self_attn"), 3: ("v_proj", "self_attn"),
                      4: ("o_proj", "self_attn"), 5: ("gate_proj", "mlp"), 6: ("down_proj", "mlp"),
                      7: ("up_proj", "mlp")}

    def add_trtllm_adapter(self, name, weights, config):
        """An adapter as TensorRT-LLM takes it per request: weights [rows, D*Hi + Ho*D] (A then B,
        B already scaled, rows zero-padded) and config [rows, 3] = (module id, layer, D)."""
        tensors, modules = {}, set()
        for row, (module_id, layer, d) in zip(np.asarray(weights, dtype=np.float64), np.asarray(config)):
            mod, group = self.TRTLLM_MODULES[int(module_id)]
            ho, hi = self.w[f"model.layers.{int(layer)}.{group}.{mod}.weight"].shape
            d = int(d)
            key = f"base_model.model.model.layers.{int(layer)}.{group}.{mod}"
            tensors[key + ".lora_A.weight"] = row[:d * hi].reshape(d, hi)
            tensors[key + ".lora_B.weight"] = row[d * hi:d * hi + ho * d].reshape(ho, d)
            modules.add(mod)
        self.adapters[name] = (1.0, modules, tensors)

    def _proj(self, h, layer, group, mod, lora):
        y = h @ self.w[f"model.layers.{layer}.{group}.{mod}.weight"].T
        if lora is not None and mod in lora[1]:
            key = f"base_model.model.model.layers.{layer}.{group}.{mod}"
            y = y + lora[0] * (h @ lora[2][key + ".lora_A.weight"].T) @ lora[2][key + ".lora_B.weight"].T
        return y

    def forward(self, ids, lora=None, cache=None, last_only=False):
        """Logits at each position of ids, which continue the sequence whose per-layer keys and
        values (after rotary embedding, before the grouped-query repeat) are in cache; returns
        (logits, cache extended by ids); last_only: the logits of the last position alone. Caches are never changed in place, so one prefix's cache
        can be shared by every continuation of it (greedy, sampled or beam)."""
        c = self.cfg
        H, NH = c["hidden_size"], c["num_attention_heads"]
        KV = c.get("num_key_value_heads", NH)
        HD = H // NH
        eps = c["rms_norm_eps"]
        T = len(ids)
        P = 0 if cache is None else cache[0][0].shape[1]  # positions already in the cache

        def norm(x, g):
            return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * g

        def rot(x):
            half = x.shape[-1] // 2
            return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)

        x = self.w["model.embed_tokens.weight"][np.array(ids)]
        inv = 1.0 / (c.get("rope_theta", 10000.0) ** (np.arange(0, HD, 2) / HD))
        emb = np.concatenate([np.arange(P, P + T)[:, None] * inv[None, :]] * 2, axis=-1)
        cos, sin = np.cos(emb), np.sin(emb)
        # query i (absolute position P + i) sees keys 0 .. P + i
        mask = np.triu(np.full((T, P + T), -np.inf), k=P + 1)
        out_cache = []
        for l in range(c["num_hidden_layers"]):
            p = f"model.layers.{l}."
            h = norm(x, self.w[p + "input_layernorm.weight"])
            q = self._proj(h, l, "self_attn", "q_proj", lora).reshape(T, NH, HD).transpose(1, 0, 2)
            k = self._proj(h, l, "self_attn", "k_proj", lora).reshape(T, KV, HD).transpose(1, 0, 2)
            v = self._proj(h, l, "self_attn", "v_proj", lora).reshape(T, KV, HD).transpose(1, 0, 2)
            q = q * cos + rot(q) * sin
            k = k * cos + rot(k) * sin
            if cache is not None:
                k = np.concatenate([cache[l][0], k], axis=1)
                v = np.concatenate([cache[l][1], v], axis=1)
            out_cache.append((k, v))
            k = np.repeat(k, NH // KV, axis=0)
            v = np.repeat(v, NH // KV, axis=0)
            s = q @ k.transpose(0, 2, 1) / np.sqrt(HD) + mask
            s = np.exp(s - s.max(axis=-1, keepdims=True))
            a = (s / s.sum(axis=-1, keepdims=True)) @ v
            x = x + self._proj(a.transpose(1, 0, 2).reshape(T, NH * HD), l, "self_attn", "o_proj", lora)
            h = norm(x, self.w[p + "post_attention_layernorm.weight"])
            g = self._proj(h, l, "mlp", "gate_proj", lora)
            u = self._proj(h, l, "mlp", "up_proj", lora)
            x = x + self._proj((g / (1 + np.exp(-g))) * u, l, "mlp", "down_proj", lora)
        if last_only:
            x = x[-1:]
        return norm(x, self.w["model.norm.weight"]) @ self.w["lm_head.weight"].T, out_cache

    def _next(self, ids, lora, cache):
        """The log-probabilities after ids (which continue cache), and the extended cache."""
        logits, cache = self.forward(ids, lora, cache, last_only=True)
        last = logits[-1]
        return last - last.max() - np.log(np.exp(last - last.max()).sum()), cache

    def _prompt_ids(self, prompt):
        return [self.cfg["bos_token_id"]] + self.tokenizer.encode(prompt, add_special_tokens=False).ids

    def generate(self, prompt, lora_name=None, n=1, max_tokens=32, temperature=0.0, seed=0):
        """n continuations of prompt (bos + prompt tokens), each until eos or max_tokens, as text."""
        lora = self.adapters[lora_name] if lora_name else None
        eos = self.cfg["eos_token_id"]
        first, prompt_cache = self._next(self._prompt_ids(prompt), lora, None)
        rng = np.random.default_rng(seed)
        out = []
        for _ in range(n if temperature > 0 else 1):
            logp, cache = first, prompt_cache
            new = []
            for _ in range(max_tokens):
                if temperature > 0:
                    p = np.exp((logp - logp.max()) / temperature)
                    tok = int(rng.choice(len(p), p=p / p.sum()))
                else:
                    tok = int(np.argmax(logp))
                if tok == eos:
                    break
                new.append(tok)
                if len(new) < max_tokens:
                    logp, cache = self._next([tok], lora, cache)
            out.append(self.tokenizer.decode(new))
        return out

    def beams(self, prompt, lora_name=None, width=1, max_tokens=32):
        """Beam search: the width best continuations by summed log-probability, each ending at eos
        or max_tokens, as text, best first."""
        lora = self.adapters[lora_name] if lora_name else None
        eos = self.cfg["eos_token_id"]
        first, cache = self._next(self._prompt_ids(prompt), lora, None)
        live, done = [(0.0, [], first, cache)], []  # (score, new tokens, next log-probs, cache)
        for step in range(max_tokens):
            cand = []
            for score, new, logp, cache in live:
                for tok in np.argsort(-logp)[:width]:
                    cand.append((score + float(logp[tok]), new + [int(tok)], cache))
            cand.sort(key=lambda c: -c[0])
            live = []
            for score, new, cache in cand[:width]:
                if new[-1] == eos:
                    done.append((score, new))
                elif step + 1 < max_tokens:
                    logp, cache = self._next([new[-1]], lora, cache)
                    live.append((score, new, logp, cache))
                else:
                    done.append((score, new))
            if len(done) >= width or not live:
                break
        best = sorted(done + [(s, n) for s, n, _, _ in live], key=lambda c: -c[0])[:width]
        return [self.tokenizer.decode([t for t in new if t != eos]) for _, new in best]
