#!/usr/bin/env python3
"""Command-line benchmarks for ToolHost (issue 2): medians of whole-process timings.

Measures, side by side and interleaved (so machine noise hits both sides alike):
  1. host overhead of `toolhost run` on a trivial plugin (`cat`) over running `cat` directly,
     with a 250-file catalogue present (run must not parse it), with and without recording the
     call in the training data (issue 4, on by default);
  2. `toolhost list` over that catalogue: cold (no cache) and warm (cache, nothing changed);
  3. start-up (`toolhost --version`) of the release binary, dynamic vs static Swift stdlib.

Usage: python3 Benchmarks/cli_bench.py [--runs N] [--skip-build]
Builds .build/release/toolhost and .build-static/release/toolhost unless --skip-build.
"""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DYNAMIC = os.path.join(ROOT, ".build/release/toolhost")
STATIC = os.path.join(ROOT, ".build-static/release/toolhost")


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost"], cwd=ROOT, check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost", "--static-swift-stdlib",
                    "--scratch-path", ".build-static"], cwd=ROOT, check=True)


FLAT_TOOL = """# Generated benchmark tool {i}
name: "Benchmark Tool {i} \u2013 {word}"
type: "{type}"
description: "Tool number {i}: {word} processing with several options, used to measure catalogue loading."
cost_tier: "free"
speed_tier: "fast"
quality_tier: "good"
tags: ["bench", "{word}", "group-{group}"]
executable:
  command: "python3"
  args: ["{{tool_dir}}/tool_{i}.py", "--mode", "{{mode}}"]
  stdin_mode: true
  timeout: 30
input_schema:
  mode:
    type: "string"
    description: "Processing mode"
    required: true
    enum: ["fast", "slow", "balanced"]
  limit:
    type: "integer"
    description: "Maximum number of items"
    default: 100
    minimum: 1
  threshold: "number - Minimum score to keep"
  options:
    type: "object"
    description: "Extra options"
    required: false
output_schema:
  success: "boolean - Whether it worked"
  data: "array - Results"
examples:
  - mode: "fast"
    limit: 10
    description: "A quick run"
  - mode: "balanced"
    threshold: 0.5
    description: "A balanced run"
usage_notes: |
  This tool exists for benchmarking. It has a multi-line usage note
  so that the files resemble real catalogue entries, which carry
  descriptions, examples and notes \U0001F680.
"""

SCHEMA_TOOL = """name: "Schema Tool {i}"
type: "{type}"
description: "JSON Schema style tool {i} about {word}."
tags: ["bench", "{word}"]
executable:
  command: "node"
  args: ["{{tool_dir}}/tool_{i}.js"]
input_schema:
  type: object
  properties:
    query: {{type: string, description: "What to look for", minLength: 1}}
    filters:
      type: object
      properties:
        since: {{type: string, format: date-time}}
        tags: {{type: array, items: {{type: string}}}}
    page: {{type: integer, minimum: 0, default: 0}}
  required: [query]
exit_codes:
  0: "success"
  1: "failure"
"""


def make_catalogue(directory, count=250):
    words = ["parse", "index", "store", "fetch", "rank", "embed", "clean", "merge", "split", "score"]
    types = ["executable"] * 7 + ["llm", "custom", "openapi"]
    random.seed(42)
    for i in range(count):
        group = i % 12
        folder = os.path.join(directory, f"group_{group}")
        os.makedirs(folder, exist_ok=True)
        template = FLAT_TOOL if i % 3 else SCHEMA_TOOL
        text = template.format(i=i, word=random.choice(words), type=random.choice(types), group=group)
        with open(os.path.join(folder, f"tool_{i}.yaml"), "w", encoding="utf-8") as handle:
            if i % 11 == 0:
                handle.write("\ufeff")
            handle.write(text)
    with open(os.path.join(directory, "cat_tool.yaml"), "w") as handle:
        handle.write('name: "Cat"\ntype: "executable"\nexecutable:\n  command: "cat"\n  stdin_mode: true\n')


def timed(command, stdin_bytes=None, env=None):
    start = time.perf_counter()
    completed = subprocess.run(command, input=stdin_bytes, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    elapsed = (time.perf_counter() - start) * 1000
    if completed.returncode != 0:
        raise SystemExit(f"{command} failed ({completed.returncode}): {completed.stderr.decode()[:500]}")
    return elapsed, completed.stdout


def compare(label, variants, runs):
    """Runs each variant `runs` times, interleaved; prints medians."""
    samples = {name: [] for name, _ in variants}
    for _ in range(runs):
        for name, action in variants:
            samples[name].append(action())
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"\n{label} (median of {runs}, ms)")
    for name, value in medians.items():
        print(f"  {name:<44} {value:8.2f}")
    return medians


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    if not args.skip_build:
        build()

    work = tempfile.mkdtemp(prefix="toolhost-bench-")
    try:
        tools = os.path.join(work, "tools")
        make_catalogue(tools)
        files = sum(len(names) for _, _, names in os.walk(tools))
        size = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(tools) for n in names)
        print(f"catalogue: {files} files, {size / 1024:.0f} KiB in {tools}")
        # Every run records itself in the training data (training.record_invocations, on by
        # default) — into a database of the benchmark's own; the "recording off" row shows the
        # host without it.
        env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache"),
               "TOOLHOST_DATABASE_TYPE": "sqlite", "TOOLHOST_DATABASE_PATH": os.path.join(work, "data", "toolhost.db")}
        env_unrecorded = dict(env, TOOLHOST_RECORD_INVOCATIONS="false")
        cache = os.path.join(work, "cache")
        payload = b'{"message": "hello", "n": 1}'

        for binary in (DYNAMIC, STATIC):
            timed([binary, "run", "cat_tool", "--tools-dir", tools], payload, env)  # warm the page cache

        run = compare("1. run a trivial plugin (cat) vs cat directly", [
            ("cat directly", lambda: timed(["cat"], payload, env)[0]),
            ("toolhost run (dynamic stdlib)", lambda: timed([DYNAMIC, "run", "cat_tool", "--tools-dir", tools], payload, env)[0]),
            ("toolhost run (static stdlib)", lambda: timed([STATIC, "run", "cat_tool", "--tools-dir", tools], payload, env)[0]),
            ("toolhost run (static, recording off)",
             lambda: timed([STATIC, "run", "cat_tool", "--tools-dir", tools], payload, env_unrecorded)[0]),
        ], args.runs)
        print(f"  host overhead: dynamic {run['toolhost run (dynamic stdlib)'] - run['cat directly']:.2f} ms, "
              f"static {run['toolhost run (static stdlib)'] - run['cat directly']:.2f} ms, "
              f"static without recording {run['toolhost run (static, recording off)'] - run['cat directly']:.2f} ms")

        def cold(binary):
            return lambda: timed([binary, "list", "--no-cache", "--tools-dir", tools], None, env)[0]

        def warm(binary):
            return lambda: timed([binary, "list", "--tools-dir", tools], None, env)[0]

        shutil.rmtree(cache, ignore_errors=True)
        timed([DYNAMIC, "list", "--tools-dir", tools], None, env)
        timed([STATIC, "list", "--tools-dir", tools], None, env)
        listing = compare(f"2. toolhost list over {files} files", [
            ("list cold, no cache (dynamic)", cold(DYNAMIC)),
            ("list warm, cache hit (dynamic)", warm(DYNAMIC)),
            ("list cold, no cache (static)", cold(STATIC)),
            ("list warm, cache hit (static)", warm(STATIC)),
        ], args.runs // 2)
        print(f"  warm/cold ratio: dynamic {listing['list warm, cache hit (dynamic)'] / listing['list cold, no cache (dynamic)']:.2f}, "
              f"static {listing['list warm, cache hit (static)'] / listing['list cold, no cache (static)']:.2f}")

        startup = compare("3. start-up: toolhost --version", [
            ("/bin/true (process spawn floor)", lambda: timed(["/bin/true"], None, env)[0]),
            ("dynamic Swift stdlib", lambda: timed([DYNAMIC, "--version"], None, env)[0]),
            ("static Swift stdlib", lambda: timed([STATIC, "--version"], None, env)[0]),
        ], args.runs)
        print(f"  static/dynamic ratio: {startup['static Swift stdlib'] / startup['dynamic Swift stdlib']:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
