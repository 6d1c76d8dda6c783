#!/usr/bin/env python3
"""What one plugin call costs inside `toolhost serve --jsonl`, against an earlier toolhost-serve.

1,000 calls of a `cat` plugin on one worker (TOOLHOST_MAX_CONCURRENT_CALLS=1, nothing recorded),
whole process, per binary, interleaved rounds; prints the median milliseconds per call. Written
to price the shared plugin watchdog of issue 15 (a server killed outright leaves no plugin).

Usage: python3 Benchmarks/serve_plugin_call_bench.py --baseline OLD/toolhost-serve [--binary NEW] [--rounds N]
  Build with `swift build -c release --product toolhost-serve`.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, Failure, median, run_main  # noqa: E402

CALLS = 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", required=True, help="an earlier toolhost-serve")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/toolhost-serve"))
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="toolhost-call-bench-")
    os.makedirs(os.path.join(folder, "tools/cat"))
    with open(os.path.join(folder, "tools/cat/cat.yaml"), "w") as handle:
        handle.write("name: Cat\ntype: executable\nexecutable: {command: cat}\n")
    config = os.path.join(folder, "bench.yaml")
    with open(config, "w") as handle:
        handle.write("tools:\n  paths: [tools]\ntraining:\n  record_invocations: false\n")
    lines = "".join('{"id": %d, "tool": "cat", "input": {"message": "hi"}}\n' % index for index in range(CALLS)).encode()
    env = dict(os.environ, TOOLHOST_MAX_CONCURRENT_CALLS="1")
    binaries = {"baseline": args.baseline, "current": args.binary}
    timings = {name: [] for name in binaries}
    for _ in range(args.rounds):
        for name, binary in binaries.items():
            started = time.perf_counter()
            done = subprocess.run([binary, "--jsonl", "--config", config], input=lines, capture_output=True, env=env, cwd=folder)
            elapsed = time.perf_counter() - started
            if done.stdout.count(b'"exit_code":0') != CALLS:
                raise Failure(f"{binary} did not answer {CALLS} calls: {done.stderr[:500]!r}")
            timings[name].append(elapsed / CALLS * 1000)
    for name, binary in binaries.items():
        print(f"{name:9} {median(timings[name]):.3f} ms per call  ({binary})")


if __name__ == "__main__":
    run_main(main)
