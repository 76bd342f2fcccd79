"""A real Triton server (PyTriton's bundled tritonserver) serving the trainer's checkpoint the
way the production vLLM-backend model repository describes it, for the generator's integration
test. It reads <repo>/<model>/1/model.json ("model": base checkpoint folder) and
<repo>/<model>/1/multi_lora.json (LoRA name -> PEFT adapter folder), exactly the files the
trainer's `triton-repo` command writes, and binds:

  <model>        decoupled (answers on ModelStreamInfer only, like the vLLM backend)
  <model>-unary  not decoupled (ModelInfer)
  <model>-echo   decoupled, returns text_input without running the model (measures the
                 client + Triton overhead of a call)
  <model>-trtllm the TensorRT-LLM backend's ensemble tensors instead (batch dimension 1):
                 text_input, max_tokens, beam_width, lora_task_id, lora_weights (FP16),
                 lora_config (INT32) in; text_output out (beam_width texts). Adapters are cached
                 by task id, at most --lora-cache tasks, least recently used evicted; a task id
                 not in the cache and sent without weights fails with TensorRT-LLM's message

with the vLLM backend's tensors: text_input, stream, sampling_parameters (JSON with n,
max_tokens, temperature, seed, lora_name), exclude_input_in_output in; text_output out.

    python recsys_triton_server.py --repo DIR --model recsys-llm --grpc-port 18001 --http-port 18000 --metrics-port 18002
"""
import argparse
import collections
import json
import logging
import os
import signal
import threading

import numpy as np
from pytriton.model_config import ModelConfig, Tensor
from pytriton.triton import Triton, TritonConfig

from llama_numpy import LlamaNumpy


def load(repo, model):
    folder = os.path.join(repo, model, "1")
    with open(os.path.join(folder, "model.json")) as f:
        engine = json.load(f)
    llm = LlamaNumpy(engine["model"])
    lora_file = os.path.join(folder, "multi_lora.json")
    if engine.get("enable_lora") == "true" and os.path.exists(lora_file):
        with open(lora_file) as f:
            for name, path in json.load(f).items():
                llm.add_adapter(name, path)
    return llm


def make_infer(llm):
    def one(request):
        prompt = request["text_input"].reshape(-1)[0].decode("utf-8")
        params = json.loads(request["sampling_parameters"].reshape(-1)[0].decode("utf-8"))
        lora = params.get("lora_name")
        if lora is not None and lora not in llm.adapters:
            raise ValueError(f"unknown lora_name '{lora}'; this model serves {sorted(llm.adapters)}")
        texts = llm.generate(prompt, lora, int(params.get("n", 1)), int(params.get("max_tokens", 32)),
                             float(params.get("temperature", 0.0)), int(params.get("seed", 0)))
        return {"text_output": np.array([t.encode("utf-8") for t in texts], dtype=np.object_)}

    def infer(requests):
        return [one(r) for r in requests]

    def infer_stream(requests):
        yield [one(r) for r in requests]

    def echo(requests):
        yield [{"text_output": r["text_input"].reshape(-1)} for r in requests]

    return infer, infer_stream, echo


def make_trtllm(llm, capacity):
    cache = collections.OrderedDict()  # task id -> adapter name in llm.adapters
    lock = threading.Lock()

    def one(r):
        prompt = r["text_input"].reshape(-1)[0].decode("utf-8")
        max_tokens = int(r["max_tokens"].reshape(-1)[0])
        width = int(r["beam_width"].reshape(-1)[0]) if "beam_width" in r else 1
        lora = None
        if "lora_task_id" in r:
            task = int(r["lora_task_id"].reshape(-1)[0])
            with lock:
                if "lora_weights" in r and "lora_config" in r:
                    llm.add_trtllm_adapter(f"task-{task}", r["lora_weights"][0], r["lora_config"][0])
                    cache[task] = f"task-{task}"
                elif task not in cache:
                    raise ValueError(f"LoRA task {task} not found in cache. Please send LoRA weights with request")
                cache.move_to_end(task)
                while len(cache) > capacity:
                    llm.adapters.pop(cache.popitem(last=False)[1], None)
                lora = cache[task]
        return llm.beams(prompt, lora, width, max_tokens)

    def infer(requests):
        out = []
        for r in requests:
            rows = [one({k: v[i:i + 1] for k, v in r.items()}) for i in range(len(r["text_input"]))]
            width = max(len(t) for t in rows)
            texts = [[t.encode("utf-8") for t in row] + [b""] * (width - len(row)) for row in rows]
            out.append({"text_output": np.array(texts, dtype=np.object_)})
        return out

    return infer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--model", default="recsys-llm")
    ap.add_argument("--grpc-port", type=int, default=8001)
    ap.add_argument("--http-port", type=int, default=8000)
    ap.add_argument("--metrics-port", type=int, default=8002)
    ap.add_argument("--lora-cache", type=int, default=1, help="adapters the -trtllm model keeps (LRU)")
    ap.add_argument("--tls-cert", help="gRPC over TLS: the server's certificate (PEM)")
    ap.add_argument("--tls-key", help="its private key (PEM)")
    ap.add_argument("--tls-client-ca", help="mutual TLS: the CA whose client certificates gRPC callers must show")
    a = ap.parse_args()
    logging.basicConfig(level=logging.INFO)
    llm = load(a.repo, a.model)
    infer, infer_stream, echo = make_infer(llm)
    inputs = [Tensor(name="text_input", dtype=bytes, shape=(1,)), Tensor(name="stream", dtype=np.bool_, shape=(1,)),
              Tensor(name="sampling_parameters", dtype=bytes, shape=(1,)),
              Tensor(name="exclude_input_in_output", dtype=np.bool_, shape=(1,))]
    outputs = [Tensor(name="text_output", dtype=bytes, shape=(-1,))]
    tls = {}
    if a.tls_cert:
        tls = dict(grpc_use_ssl=True, grpc_server_cert=a.tls_cert, grpc_server_key=a.tls_key)
        if a.tls_client_ca:
            tls.update(grpc_use_ssl_mutual=True, grpc_root_cert=a.tls_client_ca)
    config = TritonConfig(grpc_address="127.0.0.1", http_address="127.0.0.1", grpc_port=a.grpc_port,
                          http_port=a.http_port, metrics_port=a.metrics_port, **tls)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Triton(config=config) as triton:
        triton.bind(model_name=a.model, infer_func=infer_stream, inputs=inputs, outputs=outputs,
                    config=ModelConfig(batching=False, decoupled=True))
        triton.bind(model_name=a.model + "-unary", infer_func=infer, inputs=inputs, outputs=outputs,
                    config=ModelConfig(batching=False))
        triton.bind(model_name=a.model + "-echo", infer_func=echo, inputs=inputs, outputs=outputs,
                    config=ModelConfig(batching=False, decoupled=True))
        trt_inputs = [Tensor(name="text_input", dtype=bytes, shape=(1,)),
                      Tensor(name="max_tokens", dtype=np.int32, shape=(1,)),
                      Tensor(name="beam_width", dtype=np.int32, shape=(1,), optional=True),
                      Tensor(name="temperature", dtype=np.float32, shape=(1,), optional=True),
                      Tensor(name="stream", dtype=np.bool_, shape=(1,), optional=True),
                      Tensor(name="exclude_input_in_output", dtype=np.bool_, shape=(1,), optional=True),
                      Tensor(name="lora_task_id", dtype=np.uint64, shape=(1,), optional=True),
                      Tensor(name="lora_weights", dtype=np.float16, shape=(-1, -1), optional=True),
                      Tensor(name="lora_config", dtype=np.int32, shape=(-1, 3), optional=True)]
        triton.bind(model_name=a.model + "-trtllm", infer_func=make_trtllm(llm, a.lora_cache), inputs=trt_inputs,
                    outputs=outputs, config=ModelConfig(batching=True, max_batch_size=8))
        triton.run()
        print("RECSYS-TRITON-READY", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
