"""Reads a ghz JSON report and prints one Markdown summary row (and writes an HTML page):
requests, RPS, p50/p95/p99 latency, errors by gRPC status.

    python3 summarize.py REPORT.json SCENARIO [--html OUT.html] [--header]
"""
import argparse
import html
import json


def pct(report, p):
    for d in report.get("latencyDistribution") or []:
        if d["percentage"] == p:
            return d["latency"] / 1e6
    return float("nan")


ap = argparse.ArgumentParser()
ap.add_argument("report")
ap.add_argument("scenario")
ap.add_argument("--html")
ap.add_argument("--header", action="store_true")
ap.add_argument("--windows", type=int, default=0, help="also print achieved RPS and latency per N-second window")
a = ap.parse_args()
with open(a.report) as f:
    r = json.load(f)
codes = r.get("statusCodeDistribution") or {}
errors = {k: v for k, v in codes.items() if k != "OK"}
err = ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none"
row = (f'| {a.scenario} | {r["count"]} | {r["rps"]:.1f} | {pct(r, 50):.1f} | {pct(r, 95):.1f} | {pct(r, 99):.1f} '
       f'| {codes.get("OK", 0)} | {err} |')
if a.header:
    print("| scenario | requests | RPS | p50 (ms) | p95 (ms) | p99 (ms) | OK | errors by status |")
    print("|---|---|---|---|---|---|---|---|")
print(row)
if a.windows:
    from datetime import datetime
    details = r.get("details") or []

    def ts(x):
        return datetime.fromisoformat(x["timestamp"][:26].rstrip("Z")).timestamp()

    if details:
        t0 = min(ts(x) for x in details)
        buckets = {}
        for x in details:
            buckets.setdefault(int((ts(x) - t0) // a.windows), []).append(x)
        print(f"\n| window (s) | sent/s | p50 (ms) | p99 (ms) | errors |")
        print("|---|---|---|---|---|")
        for w in sorted(buckets):
            xs = buckets[w]
            lat = sorted(x["latency"] / 1e6 for x in xs)
            errs = sum(1 for x in xs if x["status"] != "OK")
            print(f"| {w * a.windows}-{(w + 1) * a.windows} | {len(xs) / a.windows:.1f} | {lat[len(lat) // 2]:.1f} "
                  f"| {lat[min(len(lat) - 1, int(len(lat) * 0.99))]:.1f} | {errs} |")
if a.html:
    hist = r.get("histogram") or []
    top = max((b["count"] for b in hist), default=1) or 1
    bars = "".join(f'<tr><td>{b["mark"] * 1000:.1f} ms</td><td>{b["count"]}</td><td><div style="background:#4a7;'
                   f'height:12px;width:{400 * b["count"] / top:.0f}px"></div></td></tr>' for b in hist)
    dist = "".join(f'<tr><td>p{d["percentage"]}</td><td>{d["latency"] / 1e6:.2f} ms</td></tr>'
                   for d in r.get("latencyDistribution") or [])
    errs = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in (r.get("errorDistribution") or {}).items())
    with open(a.html, "w") as f:
        f.write(f"""<!doctype html><meta charset="utf-8"><title>ghz: {html.escape(a.scenario)}</title>
<style>body{{font-family:sans-serif;margin:2em}}td{{padding:2px 8px}}</style>
<h1>{html.escape(a.scenario)}</h1><p>{html.escape(r.get("date", ""))} &middot; {r["count"]} requests &middot;
{r["rps"]:.1f} req/s &middot; total {r["total"] / 1e9:.1f} s &middot; statuses {html.escape(json.dumps(codes))}</p>
<h2>Latency</h2><table>{dist}</table><h2>Histogram</h2><table>{bars}</table>
<h2>Errors</h2><table>{errs or "<tr><td>none</td></tr>"}</table>""")
