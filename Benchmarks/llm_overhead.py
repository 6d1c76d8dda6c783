#!/usr/bin/env python3
"""What ToolHost adds to an llm call: the same chat completion through `toolhost run` of a
`type: llm` tool, through a long-lived `toolhost serve --jsonl`, and sent directly with Python's
urllib, against the same llama.cpp server (Gemma 3 270M, scripts/llm-server.py), in the same
run, interleaved call by call. Prints the median (p50) of each, and ToolHost's ratio to the
direct call and its overhead in milliseconds.

The request is identical in all three (same messages, temperature 0, max_tokens), so the
model's own time is the same; the default max_tokens is small so that ToolHost's share is not
lost in generation time. Training records are off unless --record (SQLite then, in a temporary
data directory): the run's process waits for its record after printing the answer.

Usage: python3 Benchmarks/llm_overhead.py [--binary .build/release/toolhost] [--calls 30]
                                          [--max-tokens 4] [--record] [--base-url http://127.0.0.1:PORT]
  Build with `swift build -c release --product toolhost --product toolhost-serve`.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, Failure, median, run_main  # noqa: E402

PROMPT = "Name one colour."


def start_model():
    process = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/llm-server.py"), "--exit-on-stdin-eof"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().split()
    if len(line) != 2 or line[0] != "READY":
        raise Failure(f"scripts/llm-server.py did not start: {line}")
    return process, f"http://127.0.0.1:{line[1]}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/toolhost"))
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--max-tokens", type=int, default=4)
    parser.add_argument("--record", action="store_true", help="record calls as training data (SQLite)")
    parser.add_argument("--base-url", help="an already running llama-server (default: start one)")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        raise Failure(f"{args.binary} does not exist: build it (swift build -c release) or pass --binary")

    server = None
    base = args.base_url
    if not base:
        server, base = start_model()
    folder = tempfile.mkdtemp(prefix="toolhost-llm-bench-")
    try:
        os.makedirs(os.path.join(folder, "tools"))
        with open(os.path.join(folder, "tools/ask.yaml"), "w") as handle:
            handle.write("name: ask\ntype: llm\nllm: {provider: llama, model: gemma3-270m, temperature: 0, max_tokens: %d}\n"
                         % args.max_tokens)
        config = os.path.join(folder, "bench.yaml")
        with open(config, "w") as handle:
            handle.write("tools:\n  paths: [tools]\nllm:\n  default_provider: llama\n  providers:\n"
                         f"    llama: {{kind: openai-compatible, base_url: \"{base}/v1\"}}\n"
                         f"training:\n  record_invocations: {'true' if args.record else 'false'}\n")
        env = dict(os.environ, TOOLHOST_DATABASE_TYPE="sqlite", XDG_DATA_HOME=os.path.join(folder, "data"))
        call_input = json.dumps({"prompt": PROMPT})
        body = json.dumps({"model": "gemma3-270m", "messages": [{"role": "user", "content": PROMPT}], "stream": False,
                           "temperature": 0, "max_tokens": args.max_tokens}).encode()

        def direct():
            request = urllib.request.Request(base + "/v1/chat/completions", data=body, headers={"Content-Type": "application/json"})
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as response:
                answer = json.load(response)
            elapsed = time.perf_counter() - started
            if not answer.get("choices"):
                raise Failure(f"direct call: {answer}")
            return elapsed

        def run():
            started = time.perf_counter()
            done = subprocess.run([args.binary, "run", "ask", "--config", config], input=call_input.encode(), capture_output=True,
                                  env=env, cwd=folder)
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                raise Failure(f"toolhost run: {done.stdout[:300]!r} {done.stderr[:300]!r}")
            return elapsed

        serve = subprocess.Popen([args.binary, "serve", "--jsonl", "--config", config], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, env=env, cwd=folder, text=True)

        def served(index):
            started = time.perf_counter()
            serve.stdin.write(json.dumps({"id": index, "tool": "ask", "input": {"prompt": PROMPT}}) + "\n")
            serve.stdin.flush()
            line = serve.stdout.readline()
            elapsed = time.perf_counter() - started
            if '"exit_code":0' not in line:
                raise Failure(f"serve --jsonl: {line[:300]}")
            return elapsed

        # Warm up each path once (model cache, page cache, the server's first call).
        direct(), run(), served(0)
        timings = {"direct": [], "run": [], "serve": []}
        for index in range(1, args.calls + 1):
            timings["direct"].append(direct())
            timings["run"].append(run())
            timings["serve"].append(served(index))
        serve.stdin.close()
        serve.wait(timeout=30)

        p50 = {name: median(values) * 1000 for name, values in timings.items()}
        print(f"llm call overhead, {args.calls} calls each, interleaved, max_tokens {args.max_tokens}, "
              f"recording {'on (SQLite)' if args.record else 'off'}; binary {args.binary}")
        print(f"  direct HTTP (urllib)    p50 {p50['direct']:8.2f} ms")
        for name, label in (("run", "toolhost run"), ("serve", "serve --jsonl")):
            print(f"  {label:22}  p50 {p50[name]:8.2f} ms   ratio {p50[name] / p50['direct']:.2f}   "
                  f"overhead {p50[name] - p50['direct']:+.2f} ms")
    finally:
        if server:
            server.stdin.close()
            server.wait(timeout=30)


if __name__ == "__main__":
    run_main(main)
