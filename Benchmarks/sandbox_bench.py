#!/usr/bin/env python3
"""What the plugin sandbox costs a whole `toolhost run` of a trivial plugin (/bin/cat).

Three configs side by side, interleaved in one run: no sandbox at all, no_new_privs + seccomp
(no cgroups), and the default (cgroups as well). Then the default and no sandbox back to back,
where a cgroup v1 move is cheap because the kernel's cgroup lock is still in its slow mode from
the previous run (a move on its own waits for an RCU grace period, a few ms).

    python3 Benchmarks/sandbox_bench.py [--binary .build/release/toolhost] [--runs 60]
"""
import argparse, os, statistics, subprocess, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/toolhost")
parser.add_argument("--runs", type=int, default=60)
args = parser.parse_args()
binary = os.path.abspath(args.binary)

work = tempfile.mkdtemp(prefix="toolhost-sandbox-bench-")
os.makedirs(os.path.join(work, "tools/hello"))
with open(os.path.join(work, "tools/hello/hello.yaml"), "w") as f:
    f.write("name: hello\ntype: executable\nexecutable: {command: /bin/cat}\n")
configs = {
    "none": "plugins:\n  sandbox:\n    cgroups: \"off\"\n    seccomp: false\n    no_new_privs: false\n",
    "seccomp+nnp": "plugins:\n  sandbox:\n    cgroups: \"off\"\n",
    "default (+cgroups)": "",
}
for name, extra in configs.items():
    with open(os.path.join(work, name + ".yaml"), "w") as f:
        f.write("toolhost: 1\ntools:\n  paths: [tools]\n" + extra)
env = dict(os.environ, XDG_DATA_HOME=os.path.join(work, "data"), TOOLHOST_RECORD_INVOCATIONS="false")

def once(name):
    started = time.perf_counter()
    subprocess.run([binary, "run", "hello", "--config", os.path.join(work, name + ".yaml")], input=b'{"a": 1}',
                   capture_output=True, check=True, env=env)
    return (time.perf_counter() - started) * 1000

times = {name: [] for name in configs}
for _ in range(args.runs):
    for name in configs:
        times[name].append(once(name))
base = statistics.median(times["none"])
print("interleaved (medians of %d runs):" % args.runs)
for name in configs:
    median = statistics.median(times[name])
    print("  %-20s %6.2f ms  ratio %.2f" % (name, median, median / base))
print("back to back:")
for name in ["none", "default (+cgroups)"]:
    print("  %-20s %6.2f ms" % (name, statistics.median([once(name) for _ in range(args.runs)])))
