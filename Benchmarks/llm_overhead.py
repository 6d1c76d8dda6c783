#!/usr/bin/env python3
"""What ToolHost adds to an llm call: the same chat completion through `toolhost run` of a
`type: llm` tool, through a long-lived `toolhost serve --jsonl`, and sent directly with Python's
urllib, against the same llama.cpp server (Gemma 3 270M, scripts/llm-server.py), in the same
run, interleaved call by call. Prints the median (p50) of each, and ToolHost's ratio to the
direct call and its overhead in milliseconds. The same three against scripts/ollama-standin.py,
which answers at once, show ToolHost's own cost without the model's variance.

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


def start_standin():
    process = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/ollama-standin.py"), "--port", "0", "--model", "gemma3-270m",
                                "--exit-on-stdin-eof"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().split()
    if len(line) != 2 or line[0] != "READY":
        raise Failure(f"scripts/ollama-standin.py did not start: {line}")
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
    standin, standin_base = start_standin()
    folder = tempfile.mkdtemp(prefix="toolhost-llm-bench-")
    try:
        os.makedirs(os.path.join(folder, "tools"))
        with open(os.path.join(folder, "tools/ask.yaml"), "w") as handle:
            handle.write("name: ask\ntype: llm\nllm: {provider: llama, model: gemma3-270m, temperature: 0, max_tokens: %d}\n"
                         % args.max_tokens)
        with open(os.path.join(folder, "tools/echo.yaml"), "w") as handle:
            handle.write("name: echo\ntype: llm\nllm: {provider: standin, model: gemma3-270m, temperature: 0, max_tokens: %d}\n"
                         % args.max_tokens)
        config = os.path.join(folder, "bench.yaml")
        with open(config, "w") as handle:
            handle.write("tools:\n  paths: [tools]\nllm:\n  default_provider: llama\n  providers:\n"
                         f"    llama: {{kind: openai-compatible, base_url: \"{base}/v1\"}}\n"
                         f"    standin: {{kind: ollama, base_url: \"{standin_base}\"}}\n"
                         f"training:\n  record_invocations: {'true' if args.record else 'false'}\n")
        env = dict(os.environ, TOOLHOST_DATABASE_TYPE="sqlite", XDG_DATA_HOME=os.path.join(folder, "data"))
        serve = subprocess.Popen([args.binary, "serve", "--jsonl", "--config", config], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, env=env, cwd=folder, text=True)
        messages = [{"role": "user", "content": PROMPT}]
        targets = {
            "llama.cpp + Gemma 3 270M": ("ask", base + "/v1/chat/completions",
                                         {"model": "gemma3-270m", "messages": messages, "stream": False, "temperature": 0,
                                          "max_tokens": args.max_tokens}),
            "instant Ollama stand-in (ToolHost's own cost)": ("echo", standin_base + "/api/chat",
                                         {"model": "gemma3-270m", "messages": messages, "stream": False,
                                          "options": {"temperature": 0, "num_predict": args.max_tokens}}),
        }
        counter = [0]
        print(f"llm call overhead, {args.calls} calls each, interleaved, max_tokens {args.max_tokens}, "
              f"recording {'on (SQLite)' if args.record else 'off'}; binary {args.binary}")
        for label, (tool, url, request_body) in targets.items():
            body = json.dumps(request_body).encode()

            def direct():
                request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
                started = time.perf_counter()
                with urllib.request.urlopen(request, timeout=120) as response:
                    json.load(response)
                return time.perf_counter() - started

            def run():
                started = time.perf_counter()
                done = subprocess.run([args.binary, "run", tool, "--config", config], input=json.dumps({"prompt": PROMPT}).encode(),
                                      capture_output=True, env=env, cwd=folder)
                elapsed = time.perf_counter() - started
                if done.returncode != 0:
                    raise Failure(f"toolhost run: {done.stdout[:300]!r} {done.stderr[:300]!r}")
                return elapsed

            def served():
                counter[0] += 1
                started = time.perf_counter()
                serve.stdin.write(json.dumps({"id": counter[0], "tool": tool, "input": {"prompt": PROMPT}}) + "\n")
                serve.stdin.flush()
                line = serve.stdout.readline()
                elapsed = time.perf_counter() - started
                if '"exit_code":0' not in line:
                    raise Failure(f"serve --jsonl: {line[:300]}")
                return elapsed

            # Warm up each path once (model cache, page cache, the server's first call).
            direct(), run(), served()
            timings = {"direct": [], "run": [], "serve": []}
            for _ in range(args.calls):
                timings["direct"].append(direct())
                timings["run"].append(run())
                timings["serve"].append(served())
            p50 = {name: median(values) * 1000 for name, values in timings.items()}
            print(f" {label}")
            print(f"  direct HTTP (urllib)    p50 {p50['direct']:8.2f} ms")
            for name, text in (("run", "toolhost run"), ("serve", "serve --jsonl")):
                print(f"  {text:22}  p50 {p50[name]:8.2f} ms   ratio {p50[name] / p50['direct']:.2f}   "
                      f"overhead {p50[name] - p50['direct']:+.2f} ms")
        serve.stdin.close()
        serve.wait(timeout=30)
    finally:
        standin.stdin.close()
        standin.wait(timeout=30)
        if server:
            server.stdin.close()
            server.wait(timeout=30)


if __name__ == "__main__":
    run_main(main)
