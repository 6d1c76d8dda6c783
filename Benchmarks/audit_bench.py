#!/usr/bin/env python3
"""What the audit log costs a whole `toolhost run` of a built-in store call (bulk_data_store
store_log on the embedded SQLite), and a `serve --jsonl` call.

Three configs side by side, interleaved in one run, each on its own database: no audit, audit
in the toolhost_audit_log table (the default when audit.enabled), and the table plus the JSONL
file. Training records are off in all three, so the audit append is the only difference.

    python3 Benchmarks/audit_bench.py [--binary .build/release/toolhost] [--runs 60] [--calls 2000]
"""
import argparse, json, os, statistics, subprocess, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/toolhost")
parser.add_argument("--runs", type=int, default=60)
parser.add_argument("--calls", type=int, default=2000, help="calls per serve --jsonl session")
args = parser.parse_args()
binary = os.path.abspath(args.binary)

work = tempfile.mkdtemp(prefix="toolhost-audit-bench-")
configs = {
    "no audit": "",
    "audit table": "audit:\n  enabled: true\n",
    "table + file": "audit:\n  enabled: true\n  file: audit.jsonl\n",
}
paths = {}
for index, (name, extra) in enumerate(configs.items()):
    folder = os.path.join(work, str(index))
    os.makedirs(folder)
    paths[name] = os.path.join(folder, "toolhost.yaml")
    with open(paths[name], "w") as f:
        f.write(f"toolhost: 1\ndatabase:\n  type: sqlite\n  path: {folder}/data.db\ntraining:\n  record_invocations: false\n" + extra)
env = dict(os.environ, XDG_DATA_HOME=os.path.join(work, "data"))
call = json.dumps({"operation": "store_log", "tool_id": "bench", "log_level": "info", "message": "audited"}).encode()

def once(name):
    started = time.perf_counter()
    subprocess.run([binary, "run", "bulk_data_store", "--config", paths[name]], input=call, capture_output=True, check=True, env=env)
    return (time.perf_counter() - started) * 1000

def session(name):
    lines = b"".join(json.dumps({"id": n, "tool": "bulk_data_store", "input": json.loads(call)}).encode() + b"\n" for n in range(args.calls))
    started = time.perf_counter()
    subprocess.run([binary, "serve", "--jsonl", "--config", paths[name]], input=lines, capture_output=True, check=True, env=env)
    return (time.perf_counter() - started) * 1e6 / args.calls

for name in configs:
    once(name)  # each database migrated before timing
times = {name: [] for name in configs}
for _ in range(args.runs):
    for name in configs:
        times[name].append(once(name))
base = statistics.median(times["no audit"])
print(f"toolhost run store_log, interleaved (medians of {args.runs} runs):")
for name in configs:
    median = statistics.median(times[name])
    print(f"  {name:<14} {median:6.2f} ms  ratio {median / base:.2f}")
per_call = {name: statistics.median([session(name) for _ in range(3)]) for name in configs}
print(f"serve --jsonl, {args.calls} store_log calls per session (median of 3 sessions):")
for name in configs:
    print(f"  {name:<14} {per_call[name]:7.1f} µs per call  ratio {per_call[name] / per_call['no audit']:.2f}")
