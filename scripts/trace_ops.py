"""Self time per operator in PyTorch Chrome traces (what DJL's JniUtils.stopProfile and
torch.profiler's export_chrome_trace write), side by side: where two runtimes driving the same
PyTorch spend their time differently.

    python3 scripts/trace_ops.py A.json B.json [--top 25]

Self time = an event's duration minus that of the events directly inside it on its thread. Prints
one row per operator name: self milliseconds and calls in each trace, sorted by the larger.
"""
import argparse
import collections
import json


def self_times(path):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e and e.get("cat", "cpu_op") in ("cpu_op", "operator", "Operator"):
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    total = collections.Counter()
    calls = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # [event, child time]
        for e in evs:
            while stack and e["ts"] >= stack[-1][0]["ts"] + stack[-1][0]["dur"]:
                done, child = stack.pop()
                total[done["name"]] += done["dur"] - child
            if stack:
                stack[-1][1] += e["dur"]
            stack.append([e, 0.0])
            calls[e["name"]] += 1
        while stack:
            done, child = stack.pop()
            total[done["name"]] += done["dur"] - child
    return total, calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    (ta, ca), (tb, cb) = self_times(args.a), self_times(args.b)
    print(f"| operator | A self ms | A calls | B self ms | B calls |")
    print("|---|---|---|---|---|")
    names = sorted(set(ta) | set(tb), key=lambda n: -max(ta[n], tb[n]))
    for n in names[:args.top]:
        print(f"| {n} | {ta[n] / 1e3:.0f} | {ca[n]} | {tb[n] / 1e3:.0f} | {cb[n]} |")
    print(f"| all | {sum(ta.values()) / 1e3:.0f} | {sum(ca.values())} | {sum(tb.values()) / 1e3:.0f} | {sum(cb.values())} |")


if __name__ == "__main__":
    main()
