#!/usr/bin/env python3
"""Dashboard benchmark for ToolHost (issue 19): every view of `toolhost serve --http` at
1,000,000 recorded calls, on SQLite and on a throwaway PostgreSQL server.

Both databases get the same calls through the real path: `training_data_store`'s
`store_tool_executions` in batches of 5,000 over one `toolhost serve --jsonl` process, so the
hourly rollup the charts read (migration 10) is kept as in production. The calls: 20 tools,
~5% failed (with an error code and text), durations from 1 ms to 5 s (log-uniform), spread over
the last 7 days, 50 agents, a small input and output each. Beside them 2,000 conversations,
10,000 prompt training steps with a population, and 200 generated tools.

Then one `toolhost serve --http` per engine, and each view (/, /ui/calls, /ui/calls filtered by
tool and by failures, one call, /ui/training, /ui/prompts, /ui/tools) is requested --requests
times after 3 warm-up requests, over one keep-alive connection (http.client); the table gives
the median, p95 and max in milliseconds per view and engine. Target (issue): every view under
100 ms. Each answer must be 200 with the view's title in it.

Builds .build/release/toolhost and toolhost-serve unless --skip-build.

Usage: python3 Benchmarks/dashboard_bench.py [--calls 1000000] [--requests 30] [--skip-build] [--json FILE]
Needs PostgreSQL server binaries and psql (scripts/test-postgres.sh starts the server).
"""
import argparse
import http.client
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

from benchlib import Failure, ROOT, clean_up, finish, median, print_footer, recording_failure, sh, timestamp

TOOLHOST = os.path.join(ROOT, ".build/release/toolhost")  # toolhost-serve beside it (not linkable with a static stdlib)
TOOLS = os.path.join(ROOT, "tools")
BATCH = 5_000
VIEWS = [("/", "Overview"), ("/ui/calls", "Calls"), ("/ui/calls?tool=tool_07", "Calls"), ("/ui/calls?outcome=failed", "Calls"),
         ("/ui/calls/500000", "Call 500000"), ("/ui/training", "Training data"), ("/ui/prompts", "Prompt evolution"),
         ("/ui/tools", "Generated tools")]


def requests_file(path, calls, now):
    """The JSON-lines requests that store the history: tool executions, then the rest."""
    rng = random.Random(19)
    request_id = 0
    with open(path, "w") as out:
        def request(tool, input_):
            nonlocal request_id
            request_id += 1
            out.write(json.dumps({"id": request_id, "tool": tool, "input": input_}) + "\n")

        for start in range(0, calls, BATCH):
            executions = []
            for index in range(start, min(calls, start + BATCH)):
                failed = rng.random() < 0.05
                execution = {"tool_name": f"tool_{rng.randrange(20):02d}", "agent_id": f"agent-{rng.randrange(50)}",
                             "success": not failed, "duration_ms": round(math.exp(rng.uniform(0, math.log(5000))), 3),
                             "input_params": {"n": index, "query": "find the timeouts"}, "output_result": {"hits": index % 7},
                             # oldest first, over the last 7 days
                             "created_at": timestamp(now - 7 * 86400 + 7 * 86400 * index / calls)}
                if failed:
                    execution.update(error_code="plugin_failed", error=f"exit status 1: boom {index}", exit_code=1)
                executions.append(execution)
            request("training_data_store", {"operation": "store_tool_executions", "executions": executions})
        for conversation in range(2000):
            request("conversation_store", {"operation": "start_conversation", "user_id": f"u{conversation % 300}"})
        steps = [{"corpus_id": f"corpus-{i % 4}", "task_type": "qa", "reward": round(rng.random(), 3),
                  "created_at": timestamp(now - 30 * 86400 + 30 * 86400 * i / 10_000)} for i in range(10_000)]
        for start in range(0, len(steps), 2_000):
            request("prompt_evolution_store", {"operation": "log_training_steps", "steps": steps[start:start + 2_000]})
        for index in range(200):
            request("bulk_data_store", {"operation": "store_tool", "tool_id": f"gen_{index}", "tool_name": f"Generated {index}",
                                        "tool_type": "executable", "tool_yaml": f"name: gen_{index}\ntype: executable\n"})


def load(env, requests_path, work):
    """Feeds the requests to one `serve --jsonl`; every answer must succeed."""
    with open(requests_path) as stdin, open(os.path.join(work, "answers.jsonl"), "w") as stdout:
        done = subprocess.run([TOOLHOST, "serve", "--jsonl", "--tools-dir", TOOLS], stdin=stdin, stdout=stdout,
                              stderr=subprocess.PIPE, env=env, cwd=work, text=True)
    if done.returncode != 0:
        raise Failure(f"serve --jsonl exited {done.returncode}: {done.stderr[-600:]}")
    with open(os.path.join(work, "answers.jsonl")) as answers:
        for line in answers:
            answer = json.loads(line)
            if answer.get("result", {}).get("success") is not True:
                raise Failure(f"a load request failed: {line[:400]}")


def measure(env, work, requests):
    """Starts `serve --http` and times each view; {path: {median_ms, p95_ms, max_ms}}."""
    server = subprocess.Popen([TOOLHOST, "serve", "--http", "--listen", "127.0.0.1:0", "--tools-dir", TOOLS],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=work, text=True)
    try:
        line = server.stdout.readline()
        if "listening on http://" not in line:
            raise Failure(f"serve --http said {line!r}: {server.stderr.read()[:600] if server.poll() is not None else ''}")
        port = int(line.strip().rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        results = {}
        for path, title in VIEWS:
            times = []
            for attempt in range(3 + requests):
                started = time.perf_counter()
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read().decode()
                elapsed = (time.perf_counter() - started) * 1000
                if response.status != 200 or f"<h1>{title}</h1>" not in body:
                    raise Failure(f"GET {path} answered {response.status}: {body[:300]}")
                if attempt >= 3:
                    times.append(elapsed)
            times.sort()
            results[path] = {"median_ms": round(median(times), 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                             "max_ms": round(times[-1], 2)}
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1_000_000, help="recorded calls (default 1,000,000)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per view and engine (default 30)")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args()
    if not args.skip_build:
        for product in ("toolhost", "toolhost-serve"):  # `toolhost serve` runs toolhost-serve beside it
            subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True)
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="toolhost-dashboard-bench-")
    url = sh([os.path.join(ROOT, "scripts/test-postgres.sh"), "start"]).stdout.strip()
    socket_dir = url.split("host=")[1].split("&")[0]
    results = {"calls": args.calls, "requests": args.requests, "views": {}}
    failures = []
    try:
        base = {"PATH": os.environ["PATH"], "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache"),
                "TOOLHOST_RECORD_INVOCATIONS": "false"}
        engines = {"sqlite": dict(base, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=os.path.join(work, "bench.db")),
                   "postgres": dict(base, DATABASE_URL=url)}
        requests_path = os.path.join(work, "requests.jsonl")
        requests_file(requests_path, args.calls, time.time())
        for engine, env in engines.items():
            with recording_failure(failures, engine):
                load_started = time.perf_counter()
                load(env, requests_path, work)
                results.setdefault("load_seconds", {})[engine] = round(time.perf_counter() - load_started, 1)
                print(f"{engine}: {args.calls:,} calls and the rest stored in {results['load_seconds'][engine]} s", flush=True)
                results["views"][engine] = measure(env, work, args.requests)
        results["total_seconds"] = time.perf_counter() - started
        print(f"\nDashboard views at {args.calls:,} recorded calls, {args.requests} requests each after 3 warm-up (ms; target < 100)")
        print(f"  {'view':<28} " + "  ".join(f"{engine + ' p50/p95/max':>26}" for engine in results["views"]))
        for path, _ in VIEWS:
            cells = []
            for engine, views in results["views"].items():
                view = views[path]
                cells.append(f"{view['median_ms']:8.1f} {view['p95_ms']:8.1f} {view['max_ms']:8.1f}")
            print(f"  {path:<28} " + "  ".join(f"{cell:>26}" for cell in cells))
        if results["views"]:
            worst = max(view["p95_ms"] for views in results["views"].values() for view in views.values())
            results["worst_p95_ms"] = worst
            results["target_met"] = worst < 100 and not failures
            print(f"  worst p95: {worst:.1f} ms ({'met' if results['target_met'] else 'NOT met'})")
        print_footer(results, failures)
    finally:
        clean_up(socket_dir, work)
    sys.exit(finish(results, failures, args.json))


if __name__ == "__main__":
    main()
