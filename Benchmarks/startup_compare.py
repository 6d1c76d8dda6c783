#!/usr/bin/env python3
"""Start-up of two `toolhost` binaries side by side (issue 16: "`toolhost run` starts no
slower"): `--version`, `run` of a trivial `/bin/cat` plugin, and `run bulk_data_store
store_log` on the embedded SQLite, interleaved, medians and ratios (after / before). Training
records and cgroups are off, so what differs is the binaries.

    python3 Benchmarks/startup_compare.py BEFORE AFTER [runs=60]

e.g. copy .build/release/toolhost aside, change and rebuild, then compare the two.
"""
import os, statistics, subprocess, tempfile, time, json, sys
before, after = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 60
work = tempfile.mkdtemp(prefix="th-startup-")
os.makedirs(os.path.join(work, "tools/hello"))
open(os.path.join(work, "tools/hello/hello.yaml"), "w").write("name: hello\ntype: executable\nexecutable: {command: /bin/cat}\n")
open(os.path.join(work, "toolhost.yaml"), "w").write("toolhost: 1\ntools:\n  paths: [tools]\ntraining:\n  record_invocations: false\nplugins:\n  sandbox:\n    cgroups: \"off\"\n")
env = dict(os.environ, XDG_DATA_HOME=os.path.join(work, "data"))
cases = {
  "--version": (["--version"], None),
  "run hello (cat plugin)": (["run", "hello"], b'{"a": 1}'),
  "run bulk_data_store store_log": (["run", "bulk_data_store"], json.dumps({"operation":"store_log","tool_id":"t","log_level":"info","message":"m"}).encode()),
}
def once(binary, args, stdin):
    t = time.perf_counter()
    subprocess.run([binary] + args, input=stdin, capture_output=True, check=True, env=env, cwd=work)
    return (time.perf_counter() - t) * 1000
for b in (before, after):
    for args, stdin in cases.values(): once(b, args, stdin)
times = {(n, b): [] for n in cases for b in ("before", "after")}
for _ in range(runs):
    for n, (args, stdin) in cases.items():
        times[(n, "before")].append(once(before, args, stdin))
        times[(n, "after")].append(once(after, args, stdin))
for n in cases:
    mb, ma = statistics.median(times[(n, "before")]), statistics.median(times[(n, "after")])
    print(f"{n:<32} before {mb:6.2f} ms  after {ma:6.2f} ms  ratio {ma/mb:.2f}")
