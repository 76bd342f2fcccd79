"""Writes ghz's --data-file: real Recommend request shapes from a split file (one JSON object
per line with "history"), as a JSON array ghz cycles through (round robin).

    python3 make_requests.py SPLIT.jsonl OUT.json [--count 500] [--k 10] [--tenant default]
"""
import argparse
import json

ap = argparse.ArgumentParser()
ap.add_argument("split")
ap.add_argument("out")
ap.add_argument("--count", type=int, default=500)
ap.add_argument("--k", type=int, default=10)
ap.add_argument("--tenant", default="default")
a = ap.parse_args()
requests = []
with open(a.split) as f:
    for line in f:
        s = json.loads(line)
        requests.append({"tenant": a.tenant, "history": s["history"], "k": a.k})
        if len(requests) == a.count:
            break
with open(a.out, "w") as f:
    json.dump(requests, f)
print(f"{len(requests)} requests -> {a.out}")
