"""The peft half of the LoRA training peer bench (scripts/bench.sh lora).

Reads what LoraTrainBench wrote (the converted base's folder, the exact batches the in-process
trainer ran, in order and cut into its micro-batches, the LoRA settings, the learning rate and
the in-process per-step timings and losses), then trains the same base with transformers + peft
on the same number of PyTorch threads: float32, LoRA r/alpha/dropout on the same modules, Adam
at the same learning rate, each micro-batch's mean next-token loss (padding masked) weighted by
its share of the batch's predicted tokens, gradients clipped to norm 1.0 — the trainer's recipe.
Prints per-step tokens/s of both, their medians without the first step (warm-up) and the ratio
(with --results, also appends them to a file; --summary prints the rounds such a file holds);
exits 1 when the first step's losses differ (LoRA's B starts at zero, so the first step sees
the base alone on both sides: the same data must give the same loss).
"""
import json
import os
import statistics
import sys
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM


def main(dump_path, results_path=None):
    dump = json.load(open(dump_path))
    threads = dump["threads"]
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    pad, max_len = dump["pad"], dump["maxLength"]
    base = AutoModelForCausalLM.from_pretrained(dump["base"], torch_dtype=torch.float32)
    lora = dump["lora"]
    model = get_peft_model(base, LoraConfig(r=lora["r"], lora_alpha=lora["alpha"], lora_dropout=lora["dropout"],
                                            target_modules=lora["targetModules"], bias="none", task_type="CAUSAL_LM"))
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=dump["learningRate"])

    def cut(seq):
        return seq[:max_len]

    def predicted(part):
        return sum(len(cut(s)) - 1 for s in part)

    seconds, tokens, losses = [], [], []
    print(f"peft LoRA: {len(dump['batches'])} steps of {dump['batchSize']} sequences, {threads} PyTorch thread(s)",
          file=sys.stderr)
    trace = os.environ.get("RECSYS_LORA_TRACE")  # the in-process trace's path: ours goes beside it
    profiler = None
    for step, micro in enumerate(dump["batches"], 1):
        if step == 2 and trace:
            profiler = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU])
            profiler.__enter__()
        start = time.perf_counter()
        total = sum(predicted(part) for part in micro)
        loss_sum = 0.0
        n_tokens = 0
        for part in micro:
            length = max(len(cut(s)) for s in part)
            ids = torch.full((len(part), length), pad, dtype=torch.long)
            mask = torch.zeros((len(part), length), dtype=torch.long)
            for r, s in enumerate(part):
                s = cut(s)
                ids[r, :len(s)] = torch.tensor(s)
                mask[r, :len(s)] = 1
                n_tokens += len(s)
            labels = ids.masked_fill(mask == 0, -100)  # padding is never predicted
            # right padding and causal attention: real positions never attend to the padding after them
            out = model(input_ids=ids, labels=labels)
            share = predicted(part) / total
            (out.loss * share).backward()
            loss_sum += share * out.loss.item()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        took = time.perf_counter() - start
        seconds.append(took)
        tokens.append(n_tokens)
        losses.append(loss_sum)
        print(f"  step {step}/{len(dump['batches'])}: loss {loss_sum:.4f}, {n_tokens / took:.0f} tok/s", file=sys.stderr)

    if profiler is not None:
        profiler.__exit__(None, None, None)
        profiler.export_chrome_trace(trace + ".peft.json")
        print(f"PyTorch profile of peft's steps after the first: {trace}.peft.json", file=sys.stderr)

    ours = dump["inProcess"]

    def rates(d):
        return [t / s for t, s in zip(d["tokens"], d["seconds"])]

    def median_after_first(xs):
        return statistics.median(xs[1:] if len(xs) > 1 else xs)

    peer = {"seconds": seconds, "tokens": tokens, "losses": losses}
    print(f"\nLoRA training, SmolLM2-135M, BIGRec r={lora['r']} on {'/'.join(lora['targetModules'])}, "
          f"batch {dump['batchSize']}, {threads} PyTorch thread(s), the same {len(dump['batches'])} batches\n")
    print("| step | tokens | in-process loss | peft loss | in-process tok/s | peft tok/s |")
    print("|---|---|---|---|---|---|")
    for i in range(min(len(ours["tokens"]), len(tokens))):
        print(f"| {i + 1} | {tokens[i]} | {ours['losses'][i]:.4f} | {losses[i]:.4f} "
              f"| {rates(ours)[i]:.1f} | {rates(peer)[i]:.1f} |")
    a, b = median_after_first(rates(ours)), median_after_first(rates(peer))
    print(f"\nmedian tok/s without the first step: in-process {a:.1f}, peft {b:.1f}; in-process / peft = {a / b:.2f}")
    if ours["tokens"][0] != tokens[0] or abs(ours["losses"][0] - losses[0]) > 1e-3 * max(1.0, abs(losses[0])):
        print(f"the first step differs: {ours['tokens'][0]} tokens, loss {ours['losses'][0]:.5f} in-process; "
              f"{tokens[0]} tokens, loss {losses[0]:.5f} peft", file=sys.stderr)
        sys.exit(1)
    print(f"first step: the same {tokens[0]} tokens and loss ({ours['losses'][0]:.5f} / {losses[0]:.5f})")
    if results_path:
        with open(results_path, "a") as f:
            f.write(json.dumps({"inProcess": rates(ours)[1:], "peft": rates(peer)[1:]}) + "\n")


def summary(results_path):
    """Several rounds (each a fresh in-process run, then peft): every step after each round's first."""
    rounds = [json.loads(line) for line in open(results_path) if line.strip()]
    print(f"\n{len(rounds)} rounds, each a fresh process per side (in-process first, then peft):\n")
    print("| round | in-process median tok/s | peft median tok/s | in-process / peft |")
    print("|---|---|---|---|")
    for i, r in enumerate(rounds, 1):
        a, b = statistics.median(r["inProcess"]), statistics.median(r["peft"])
        print(f"| {i} | {a:.1f} | {b:.1f} | {a / b:.2f} |")
    a = statistics.median([x for r in rounds for x in r["inProcess"]])
    b = statistics.median([x for r in rounds for x in r["peft"]])
    print(f"\nmedian over all rounds' steps after the first: in-process {a:.1f}, peft {b:.1f}; "
          f"in-process / peft = {a / b:.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--summary":
        summary(sys.argv[2])
    elif len(sys.argv) in (2, 4) and (len(sys.argv) == 2 or sys.argv[2] == "--results"):
        main(sys.argv[1], sys.argv[3] if len(sys.argv) == 4 else None)
    else:
        sys.exit("usage: hf_lora_peer.py DUMP.json [--results RESULTS.jsonl] | --summary RESULTS.jsonl")
