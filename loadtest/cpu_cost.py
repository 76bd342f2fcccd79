"""CPU time per request of each process of a load test, from Linux's /proc.

    python3 cpu_cost.py snap OUT.json NAME=PID ...     # before and after the measured scenario
    python3 cpu_cost.py table BEFORE.json AFTER.json REPORT.json

`snap` records each named process's user + system CPU time (/proc/PID/stat, children excluded)
and the whole machine's busy time (/proc/stat: every CPU state but idle and iowait). `table`
prints, for the interval between two snapshots, each process's CPU milliseconds per request that
ghz sent (its report's count), its share of the machine's cores, and what the named processes do
not account for (the load generator ghz, the kernel's interrupts, anything else running).
"""
import json
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")


def process_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        # the command name may hold spaces: fields after its closing parenthesis
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def machine_seconds():
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    idle = cpu[3] + cpu[4]
    return (sum(cpu[:8]) - idle) / TICK  # user..steal, guest is inside user


def snap(out, named):
    import time
    state = {"wall": time.monotonic(), "machine": machine_seconds(), "cores": os.cpu_count(), "processes": {}}
    for item in named:
        name, pid = item.split("=", 1)
        state["processes"][name] = process_seconds(int(pid))
    with open(out, "w") as f:
        json.dump(state, f)


def table(before_path, after_path, report_path):
    with open(before_path) as f:
        before = json.load(f)
    with open(after_path) as f:
        after = json.load(f)
    with open(report_path) as f:
        requests = json.load(f)["count"]
    wall = after["wall"] - before["wall"]
    capacity = wall * after["cores"]
    machine = after["machine"] - before["machine"]
    print(f"CPU per request over {wall:.0f} s, {requests} requests sent, {after['cores']} cores:")
    print("| process | CPU (s) | CPU per request (ms) | share of the machine's cores |")
    print("|---|---|---|---|")
    named = 0.0
    for name, start in before["processes"].items():
        used = after["processes"][name] - start
        named += used
        print(f"| {name} | {used:.1f} | {1000 * used / max(requests, 1):.2f} | {100 * used / capacity:.0f}% |")
    rest = max(machine - named, 0.0)
    print(f"| the rest (ghz, kernel, other) | {rest:.1f} | {1000 * rest / max(requests, 1):.2f} | {100 * rest / capacity:.0f}% |")
    print(f"| **machine busy** | {machine:.1f} | {1000 * machine / max(requests, 1):.2f} | {100 * machine / capacity:.0f}% |")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "snap":
        snap(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 5 and sys.argv[1] == "table":
        table(*sys.argv[2:])
    else:
        sys.exit(__doc__)
