"""The Hugging Face half of the cross-check (scripts/bench.sh hf).

Reads what HfPeerDump wrote (prompt token ids, the in-process greedy tokens and timings, the
catalogue trie's token paths), loads the run's base with transformers and its adapter with peft,
and on one thread:
  1. greedy-decodes every prompt and compares the tokens with the in-process model's, and runs
     BIGRec's beam search (4 beams, length-normalised; free and trie-constrained) and compares the
     hypotheses and their scores (exit 1 on any difference, printing it; two hypotheses whose
     scores are within 1e-4 may come in either order);
  2. times generate() for free and trie-constrained decoding with N = 1 and 4 on the same prompts,
     with the adapter as peft applies it and merged into the weights (merge_and_unload, as the
     in-process generator serves it), and prints the medians next to the in-process ones (as
     served, and without its prompt-prefix cache, which generate() has not), as ratios.
"""
import json
import statistics
import sys
import time

import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM


def trie_of(paths):
    root = {}
    for p in paths:
        node = root
        for t in p:
            node = node.setdefault(t, {})
    return root


def main(run, dump_path):
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    dump = json.load(open(dump_path))
    eos, max_new, repeats = dump["eos"], dump["maxNewTokens"], dump["repeats"]
    base = AutoModelForCausalLM.from_pretrained(f"{run}/base", torch_dtype=torch.float32)
    model = PeftModel.from_pretrained(base, f"{run}/adapter")
    model.eval()
    trie = trie_of(dump["trie"])

    def generate(ids, beams, constrained, scores=False):
        x = torch.tensor([ids])
        prompt_len = len(ids)

        def allowed(_batch, seq):
            node = trie
            for t in seq[prompt_len:].tolist():
                node = node.get(t)
                if node is None:
                    return [eos]
            return list(node.keys()) or [eos]

        with torch.inference_mode():
            return model.generate(input_ids=x, attention_mask=torch.ones_like(x), max_new_tokens=max_new,
                                  do_sample=False, num_beams=beams, num_return_sequences=beams,
                                  eos_token_id=eos, pad_token_id=eos, length_penalty=1.0, early_stopping=False,
                                  prefix_allowed_tokens_fn=allowed if constrained else None,
                                  return_dict_in_generate=scores, output_scores=scores)

    def hypotheses(ids, constrained):
        out = generate(ids, 4, constrained, scores=True)
        hyps = []
        for seq, score in zip(out.sequences, out.sequences_scores):
            t = seq[len(ids):].tolist()
            if eos in t:
                t = t[:t.index(eos) + 1]
            if score.item() > -1e8:  # HF fills missing hypotheses with -1e9 scores
                hyps.append((t, score.item()))
        return hyps

    def same_beams(mine, theirs):
        if len(mine) != len(theirs):
            return False
        for (a, sa), (b, sb) in zip(sorted(mine, key=lambda h: (-round(h[1], 4), h[0])),
                                    sorted(theirs, key=lambda h: (-round(h[1], 4), h[0]))):
            if a != b or abs(sa - sb) > 1e-4:
                return False
        return True

    def timed(ids, beams, constrained):  # uses whatever `model` is now
        ms = []
        for _ in range(repeats):
            t = time.perf_counter()
            generate(ids, beams, constrained)
            ms.append((time.perf_counter() - t) * 1e3)
        return statistics.median(ms)

    prompts = dump["prompts"]
    generate(prompts[0]["ids"], 4, True)  # warm-up
    mismatches = 0
    hf_ms = {k: [] for k in ("free1", "free4", "constrained1", "constrained4")}
    for i, p in enumerate(prompts):
        out = generate(p["ids"], 1, False)[0][len(p["ids"]):].tolist()
        mine = p["greedy"]
        if out[:len(mine)] != mine or (len(out) > len(mine) and out[len(mine)] != eos):
            first = next((j for j in range(min(len(out), len(mine))) if out[j] != mine[j]), min(len(out), len(mine)))
            print(f"prompt {i}: greedy tokens differ from position {first}: in-process {mine} vs HF {out}")
            mismatches += 1
        for key in ("free4", "constrained4"):
            mine_b = [(h["tokens"], h["score"]) for h in p["beams"][key]]
            theirs_b = hypotheses(p["ids"], key == "constrained4")
            if not same_beams(mine_b, theirs_b):
                print(f"prompt {i}: {key} beams differ: in-process {mine_b} vs HF {theirs_b}")
                mismatches += 1
        for key, beams, constrained in (("free1", 1, False), ("free4", 4, False), ("constrained1", 1, True),
                                        ("constrained4", 4, True)):
            hf_ms[key].append(timed(p["ids"], beams, constrained))
        print(f"HF: prompt {i + 1}/{len(prompts)} ({len(p['ids'])} tokens) greedy {'same' if out[:len(mine)] == mine else 'DIFFERENT'}",
              file=sys.stderr)

    model = model.merge_and_unload()
    model.eval()
    generate(prompts[0]["ids"], 4, True)  # warm-up
    merged_ms = {k: [] for k in hf_ms}
    for p in prompts:
        for key, beams, constrained in (("free1", 1, False), ("free4", 4, False), ("constrained1", 1, True),
                                        ("constrained4", 4, True)):
            merged_ms[key].append(timed(p["ids"], beams, constrained))

    n = len(prompts)
    print(f"\nparity: {3 * n - mismatches}/{3 * n} searches (greedy, 4 beams free, 4 beams constrained, on {n} "
          f"prompts) give the same tokens (and beam scores within 1e-4) in-process and in transformers "
          f"{__import__('transformers').__version__} + peft {__import__('peft').__version__} "
          f"(torch {torch.__version__}, float32, up to {max_new} new tokens)")
    print(f"\nlatency per request, median over {n} prompts (each the median of {repeats} runs), one thread each; "
          f"prompt {statistics.median(len(p['ids']) for p in prompts):.0f} tokens (median), up to {max_new} new "
          "tokens; constrained = the catalogue trie (HF: prefix_allowed_tokens_fn)\n")
    print("| decoding | N | in-process (ms) | in-process, no prefix cache (ms) | HF generate(), peft (ms) "
          "| HF, adapter merged (ms) | HF peft / in-process | faster HF / in-process without prefix cache |")
    print("|---|---|---|---|---|---|---|---|")
    for key, label, beams in (("free1", "free (greedy)", 1), ("free4", "free (beam search)", 4),
                              ("constrained1", "constrained", 1), ("constrained4", "constrained", 4)):
        mine = statistics.median(p["ms"][key] for p in prompts)
        mine_cold = statistics.median(p["msNoPrefixCache"][key] for p in prompts)
        theirs = statistics.median(hf_ms[key])
        merged = statistics.median(merged_ms[key])
        print(f"| {label} | {beams} | {mine:.0f} | {mine_cold:.0f} | {theirs:.0f} | {merged:.0f} | "
              f"{theirs / mine:.2f} | {min(theirs, merged) / mine_cold:.2f} |")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
