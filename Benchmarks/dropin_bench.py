#!/usr/bin/env python3
"""What issue 14 costs per call, side by side with the ToolHost before it (interleaved runs, medians).

Each command runs as a whole process, as code-evolver runs ToolHost:
  1. `toolhost run` of a trivial plugin (`cat`): now with the signal thread and the watchdog
     process that stops the plugin's group if the host is killed;
  2. `toolhost run bulk_data_store` (store_log on SQLite, recorded): the built-in definition is now
     parsed from the binary instead of a file of tools/builtin/;
  3. `toolhost run postgres_client` (SELECT 1 on SQLite);
  4. `toolhost list --json`: the built-in tools and the example plugins.
Both binaries get the same config (a SQLite file of their own); the earlier one also gets its
tools/builtin folder, which held the built-in definitions then.

Usage: python3 Benchmarks/dropin_bench.py --baseline PATH/TO/OLD/toolhost [--baseline-tools DIR] [--runs N]
  Build the baseline from the commit before issue 14, e.g.
    git worktree add /tmp/th-baseline 9ca2735
    (cd /tmp/th-baseline && swift build -c release --static-swift-stdlib --product toolhost)
  and the current binary with `swift build -c release --static-swift-stdlib --product toolhost`.
"""
import argparse
import json
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, Failure, measured, median  # noqa: E402

CASES = {
    "run a cat plugin": (["run", "echo_cat"], '{"message": "hi"}'),
    "run bulk_data_store store_log": (["run", "bulk_data_store"],
                                      '{"operation": "store_log", "tool_id": "b", "log_level": "info", "message": "m"}'),
    "run postgres_client SELECT 1": (["run", "postgres_client"], '{"operation": "query", "sql": "SELECT 1 AS one"}'),
    "list --json": (["list", "--json"], None),
}


def prepare(work, name, tools_paths):
    folder = os.path.join(work, name)
    os.makedirs(folder)
    config = os.path.join(folder, "bench.yaml")
    with open(config, "w") as handle:
        handle.write("tools:\n  paths: [%s]\ndatabase:\n  type: sqlite\n  path: %s\n"
                     % (", ".join(json.dumps(p) for p in tools_paths), json.dumps(os.path.join(folder, "bench.db"))))
    return folder, config


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", required=True, help="the toolhost binary before issue 14")
    parser.add_argument("--baseline-tools", help="its tools folder (default: tools/ beside its .build)")
    parser.add_argument("--current", default=os.path.join(ROOT, ".build/release/toolhost"))
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    baseline_tools = args.baseline_tools or os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(args.baseline))), "tools")
    if not os.path.isdir(os.path.join(baseline_tools, "builtin")):
        raise SystemExit(f"{baseline_tools}/builtin does not exist: pass --baseline-tools")

    work = tempfile.mkdtemp(prefix="toolhost-dropin-bench-")
    plugins = os.path.join(work, "plugins")
    os.makedirs(os.path.join(plugins, "echo_cat"))
    with open(os.path.join(plugins, "echo_cat", "echo_cat.yaml"), "w") as handle:
        handle.write("name: Echo\nexecutable: {command: cat}\ninput_schema:\n  message: {type: string, required: true}\n")
    examples = os.path.join(ROOT, "tools")
    sides = {
        "before": (args.baseline, prepare(work, "before", [baseline_tools, plugins])),
        "after": (args.current, prepare(work, "after", [examples, plugins])),
    }
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache")}
    stdin_paths = {}
    for case, (_, text) in CASES.items():
        if text is not None:
            path = os.path.join(work, "input-%d.json" % len(stdin_paths))
            with open(path, "w") as handle:
                handle.write(text)
            stdin_paths[case] = path

    timings = {case: {side: [] for side in sides} for case in CASES}
    for _ in range(args.runs + 3):
        order = [(case, side) for case in CASES for side in sides]
        random.shuffle(order)
        for case, side in order:
            binary, (folder, config) = sides[side]
            arguments, _ = CASES[case]
            seconds, _, status, stdout, stderr = measured([binary] + arguments + ["--config", config], env, cwd=folder,
                                                          stdin_path=stdin_paths.get(case), stdout_path=os.path.join(work, "out"))
            if status != 0:
                raise Failure(f"{side} {case}: exit {status}: {stdout[:300]} {stderr[:300]}")
            timings[case][side].append(seconds)

    results = {"runs": args.runs, "cases": {}}
    print(f"{'case':34} {'before ms':>10} {'after ms':>10} {'after/before':>13}")
    for case in CASES:
        before = median(timings[case]["before"][3:]) * 1000
        after = median(timings[case]["after"][3:]) * 1000
        results["cases"][case] = {"before_ms": round(before, 2), "after_ms": round(after, 2), "ratio": round(after / before, 3)}
        print(f"{case:34} {before:10.2f} {after:10.2f} {after / before:13.2f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
