#!/usr/bin/env python3
"""Benchmarks of `toolhost serve` (the long-lived host: JSON lines, HTTP, MCP), on SQLite and on a
throwaway PostgreSQL server, with the real configuration: every call is recorded in the training
data (training.record_invocations, on by default, left on here; the script checks the recorded
rows).

The call measured is bulk_data_store store_log,
  {"operation":"store_log","tool_id":"bench","message":"line N","log_level":"INFO"},
with the catalogue of tools/ (--tools-dir), each engine in its own fresh working folder (SQLite:
TOOLHOST_DATABASE_PATH pins the file inside it; PostgreSQL: DATABASE_URL of the server that
scripts/test-postgres.sh starts, fsync=off and synchronous_commit=off; toolhost's SQLite runs WAL
with synchronous=NORMAL). The schema is migrated first (`toolhost db migrate`, not timed).

  1. `serve --jsonl`: --requests N store_log requests (default 20,000) on stdin, every answer
     read (each must say exit_code 0, and the server must exit 0); calls/s = N / wall time of the
     whole process (start-up included, nothing left out), with TOOLHOST_MAX_CONCURRENT_CALLS=8
     (the default) and =1. Targets: >= 5,000 calls/s on SQLite, >= 3,000 on PostgreSQL (at the
     default concurrency). Also the wall time of a 1-request run (the start-up cost), and, as
     the baseline, --processes M sequential `toolhost run bulk_data_store` processes (default
     300) with the same input: calls/s = M / wall time. Ratio = jsonl calls/s / per-process
     calls/s. --runs rounds (default 3), the settings interleaved within each round; medians.
     After each jsonl run N rows must have been added to tool_logs, and N to the recorded tool
     executions (a shortfall, a recording lost at exit, fails the part once all its
     measurements are done).
  2. `serve --http --listen 127.0.0.1:0` (the port read from its line `toolhost serve: listening
     on http://127.0.0.1:PORT`): `wrk -t2 -c16 -d10s --latency` (--wrk-threads,
     --wrk-connections, --wrk-duration) on loopback against, in turn,
       store_log    POST /api/tools/bulk_data_store/invoke (a distinct "line T-N" per request)
       list         POST /api/tools/tools_manager/invoke {"operation":"list"} (read-only, recorded)
       describe     GET /api/tools/bulk_data_store (no tool call, no database)
     Each endpoint is first called once from Python (the answer must be 2xx and say success).
     A generated Lua script counts responses and non-2xx statuses in `response` and prints
     requests, p50/p90/p99/max latency and wrk's socket errors in `done` as one parseable line;
     a part fails on any non-2xx response or socket error. Then SIGTERM: the server must exit 0,
     and every tool call answered must have been stored (store_log) and recorded.
  3. `serve --mcp`: tools/call round trips from the official Python MCP SDK
     (`scripts/mcp-client.py --scenario bench TOOL JSON N`, one warm-up call): --mcp-calls N
     (default 500) of tools_manager {"operation":"list"} and of store_log; p50 / p90 / p99 ms.
     Any call answered with isError fails the part.

--quick: a smoke run (2,000 jsonl requests, 30 processes, 1 round, 3 s of wrk, 50 MCP calls).
The machine may be shared and noisy: medians of rounds are reported.

Prints a table, then the results as one JSON line (the last line of stdout; also written to
--json FILE). Exits 1 when a step failed (the failure is printed), not when a target is missed.

Usage: python3 Benchmarks/serve_bench.py [--requests N] [--processes M] [--runs N]
           [--wrk-duration S] [--wrk-connections N] [--wrk-threads N] [--mcp-calls N]
           [--engines sqlite,postgres] [--parts jsonl,http,mcp] [--quick] [--skip-build]
           [--toolhost DIR] [--json FILE]
Builds .build/release/toolhost and toolhost-serve (`swift build -c release --product ...`) unless
--skip-build or --toolhost DIR (a folder holding both; `toolhost serve` runs the toolhost-serve
beside it). Needs PostgreSQL server binaries and psql (scripts/test-postgres.sh starts and
removes the server), wrk (Debian package wrk) and the Python MCP SDK (pip install mcp).
Reproduce: python3 Benchmarks/serve_bench.py --json serve.json
"""
import argparse
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from benchlib import Failure, recording_failure, clean_up, print_footer, finish, measured, median, psql_scalar, sh

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN_DIR = os.path.join(ROOT, ".build/release")  # --toolhost overrides
TOOLS = os.path.join(ROOT, "tools")
MCP_CLIENT = os.path.join(ROOT, "scripts/mcp-client.py")
TARGETS = {"sqlite": 5000.0, "postgres": 3000.0}  # jsonl store_log calls/s at the default concurrency
CONCURRENCIES = (8, 1)  # TOOLHOST_MAX_CONCURRENT_CALLS of the jsonl runs; 8 is the default
LIST_INPUT = {"operation": "list"}


def store_log(label):
    return {"operation": "store_log", "tool_id": "bench", "message": f"line {label}", "log_level": "INFO"}


def compact(value):
    return json.dumps(value, separators=(",", ":"))


WRK_SCRIPT = """-- Generated by Benchmarks/serve_bench.py: one endpoint, responses counted per thread.
local method, path, body, prefix, suffix = %(method)s, %(path)s, %(body)s, %(prefix)s, %(suffix)s
local threads = {}

wrk.method = method
wrk.path = path
wrk.headers["Content-Type"] = "application/json"
if body then wrk.body = body end

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  sent, responses, non2xx, first_bad = 0, 0, 0, ""
end

if prefix then
  -- A distinct body per request: "line <thread>-<n>".
  function request()
    sent = sent + 1
    return wrk.format(method, path, nil, prefix .. number .. "-" .. sent .. suffix)
  end
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local counted, bad, first = 0, 0, ""
  for _, thread in ipairs(threads) do
    counted = counted + thread:get("responses")
    bad = bad + thread:get("non2xx")
    local one = thread:get("first_bad")
    if first == "" and one ~= "" then first = one end
  end
  local e = summary.errors
  io.write(string.format('SERVE_BENCH_WRK {"requests":%%d,"duration_us":%%d,"responses":%%d,"non_2xx":%%d,' ..
    '"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d,"mean_us":%%.1f,' ..
    '"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d}}\\n',
    summary.requests, summary.duration, counted, bad,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
  io.write("SERVE_BENCH_WRK_FIRST_BAD " .. string.gsub(first, "[\\r\\n]", " ") .. "\\n")
end
"""


def lua_string(value):
    """A Lua literal: nil, or a string (json.dumps quoting, which Lua reads for ASCII text)."""
    return "nil" if value is None else json.dumps(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, help="store_log requests per jsonl run (default 20,000; --quick 2,000)")
    parser.add_argument("--processes", type=int, help="sequential `toolhost run` processes per round (default 300; --quick 30)")
    parser.add_argument("--runs", type=int, help="rounds of the jsonl and per-process measurements (default 3; --quick 1)")
    parser.add_argument("--wrk-duration", type=int, help="seconds of wrk per endpoint (default 10; --quick 3)")
    parser.add_argument("--wrk-connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--mcp-calls", type=int, help="MCP tools/call round trips per tool (default 500; --quick 50)")
    parser.add_argument("--engines", default="sqlite,postgres", help="engines, comma-separated (default sqlite,postgres)")
    parser.add_argument("--parts", default="jsonl,http,mcp", help="parts, comma-separated (default jsonl,http,mcp)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: small counts, 3 s of wrk")
    parser.add_argument("--toolhost", metavar="DIR", help="folder of the toolhost and toolhost-serve binaries (default .build/release); implies --skip-build")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args()
    defaults = {"requests": (20_000, 2_000), "processes": (300, 30), "runs": (3, 1), "wrk_duration": (10, 3), "mcp_calls": (500, 50)}
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if not engines or set(engines) - {"sqlite", "postgres"}:
        parser.error("--engines: sqlite and/or postgres")
    if not parts or set(parts) - {"jsonl", "http", "mcp"}:
        parser.error("--parts: jsonl, http and/or mcp")
    if min(args.requests, args.processes, args.runs, args.wrk_duration, args.wrk_connections, args.wrk_threads, args.mcp_calls) < 1:
        parser.error("counts must be positive")
    bin_dir = BIN_DIR
    if args.toolhost:
        bin_dir = os.path.abspath(args.toolhost)
        args.skip_build = True
    if not args.skip_build:
        for product in ("toolhost", "toolhost-serve"):
            subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True)
    toolhost_path = os.path.join(bin_dir, "toolhost")
    for name in ("toolhost", "toolhost-serve"):
        if not os.access(os.path.join(bin_dir, name), os.X_OK):
            raise SystemExit(f"serve_bench: no {name} in {bin_dir}")
    if "postgres" in engines and not shutil.which("psql"):
        raise SystemExit("serve_bench: psql is needed")
    if "http" in parts and not shutil.which("wrk"):
        raise SystemExit("serve_bench: wrk is needed (apt-get install -y wrk)")

    bench_started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="toolhost-serve-bench-")
    socket_dir = None
    results = {"tool": "bulk_data_store", "operation": "store_log", "record_invocations": True, "requests": args.requests,
               "processes": args.processes, "runs": args.runs, "concurrencies": list(CONCURRENCIES), "targets_calls_per_s": TARGETS,
               "wrk": {"threads": args.wrk_threads, "connections": args.wrk_connections, "duration_s": args.wrk_duration},
               "mcp_calls": args.mcp_calls, "engines": {}}
    failures = []
    try:
        base_env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache"),
                    "TOOLHOST_RECORD_INVOCATIONS": "true"}  # the default, said out loud
        serve = [toolhost_path, "serve"]
        tools_args = ["--tools-dir", TOOLS]

        # Engines: a fresh working folder each; SQLite pinned inside it, PostgreSQL by URL.
        setups = {}
        for engine in engines:
            folder = os.path.join(work, engine)
            os.makedirs(folder)
            if engine == "sqlite":
                db_path = os.path.join(folder, "data", "toolhost.db")
                env = dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=db_path)
                setups[engine] = {"folder": folder, "env": env, "db_path": db_path}
            else:
                url = sh([os.path.join(ROOT, "scripts/test-postgres.sh"), "start"]).stdout.strip()
                socket_dir = url.split("host=")[1].split("&")[0]
                setups[engine] = {"folder": folder, "env": dict(base_env, DATABASE_URL=url), "url": url}
                results["postgres_server"] = psql_scalar(url, "SHOW server_version")
            sh([toolhost_path, "db", "migrate"] + tools_args, env=setups[engine]["env"], cwd=folder)

        def counts(engine):
            """(rows of tool_logs, recorded tool executions) in the engine's database."""
            setup = setups[engine]
            if engine == "sqlite":
                connection = sqlite3.connect(f"file:{setup['db_path']}?mode=ro", uri=True)
                try:
                    return tuple(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                                 for table in ("tool_logs", "training_tool_executions"))
                finally:
                    connection.close()
            return tuple(int(psql_scalar(setup["url"], f"SELECT count(*) FROM {table}"))
                         for table in ("tool_logs", "training_data.training_tool_executions"))

        def write_requests(name, count):
            path = os.path.join(work, name)
            with open(path, "w") as out:
                for index in range(count):
                    out.write(compact({"id": index, "tool": "bulk_data_store", "input": store_log(index)}) + "\n")
            return path

        # 1. JSON lines.
        if "jsonl" in parts:
            print(f"1. serve --jsonl: {args.requests:,} store_log requests per run (whole process, start-up included),"
                  f" max_concurrent_calls {' and '.join(map(str, CONCURRENCIES))}; 1-request runs; {args.processes} sequential"
                  f" `toolhost run` processes; {args.runs} round(s); recording on", flush=True)
            requests_path = write_requests("requests.jsonl", args.requests)
            one_path = write_requests("one.jsonl", 1)
            answers_path = os.path.join(work, "answers.jsonl")

            def jsonl_run(engine, path, expected, concurrency):
                """One `serve --jsonl` process over `path`; its wall seconds. Every answer must say
                exit_code 0 and both tool_logs and the recordings must grow by `expected` rows."""
                setup = setups[engine]
                env = dict(setup["env"], TOOLHOST_MAX_CONCURRENT_CALLS=str(concurrency))
                before = counts(engine)
                seconds, _, status, _, stderr = measured(serve + ["--jsonl"] + tools_args, env, stdout_path=answers_path,
                                                         cwd=setup["folder"], stdin_path=path, stdout_limit=0)
                if status != 0:
                    raise Failure(f"serve --jsonl ({engine}, concurrency {concurrency}) exited {status}\n  stderr: {stderr[:800]}")
                ids, bad, first_bad = set(), 0, None
                with open(answers_path) as handle:
                    for line in handle:
                        answer = json.loads(line)
                        ids.add(answer.get("id"))
                        if answer.get("exit_code") != 0 or answer.get("result", {}).get("success") is not True:
                            bad += 1
                            first_bad = first_bad or line[:600]
                if bad or len(ids) != expected or ids != set(range(expected)):
                    raise Failure(f"serve --jsonl ({engine}, concurrency {concurrency}): {len(ids):,} distinct answers of {expected:,},"
                                  f" {bad:,} not exit_code 0 / success; first: {first_bad}\n  stderr: {stderr[:600]}")
                after = counts(engine)
                added = (after[0] - before[0], after[1] - before[1])
                if added[0] != expected:
                    raise Failure(f"serve --jsonl ({engine}, concurrency {concurrency}) of {expected:,} store_log calls added {added[0]:,}"
                                  f" tool_logs rows")
                # A recording lost at exit is reported (a failure at the end of the part), but
                # does not stop the measurements.
                return seconds, expected - added[1]

            def per_process(engine, round_index):
                """--processes sequential `toolhost run bulk_data_store` processes; wall seconds."""
                setup = setups[engine]
                before = counts(engine)
                started = time.perf_counter()
                for index in range(args.processes):
                    done = subprocess.run([toolhost_path, "run", "bulk_data_store"] + tools_args, input=compact(store_log(f"p{round_index}-{index}")),
                                          capture_output=True, text=True, env=setup["env"], cwd=setup["folder"])
                    if done.returncode != 0 or '"success":true' not in done.stdout:
                        raise Failure(f"toolhost run bulk_data_store ({engine}) exited {done.returncode}\n  stdout: {done.stdout[:600]}\n"
                                      f"  stderr: {done.stderr[:600]}")
                seconds = time.perf_counter() - started
                after = counts(engine)
                added = (after[0] - before[0], after[1] - before[1])
                if added != (args.processes, args.processes):
                    raise Failure(f"{args.processes} toolhost run store_log calls ({engine}) added {added[0]:,} tool_logs rows and"
                                  f" {added[1]:,} recorded executions")
                return seconds

            for engine in engines:
                with recording_failure(failures, f"jsonl {engine}"):
                    rounds = {"jsonl": {c: [] for c in CONCURRENCIES}, "one_request": [], "per_process": []}
                    lost = []  # (run, calls, recordings missing)
                    for round_index in range(args.runs):
                        for concurrency in CONCURRENCIES:
                            seconds, missing = jsonl_run(engine, requests_path, args.requests, concurrency)
                            rounds["jsonl"][concurrency].append(seconds)
                            lost.append((f"round {round_index + 1} c={concurrency}", args.requests, missing))
                        seconds, missing = jsonl_run(engine, one_path, 1, CONCURRENCIES[0])
                        rounds["one_request"].append(seconds)
                        lost.append((f"round {round_index + 1} 1-request", 1, missing))
                        rounds["per_process"].append(per_process(engine, round_index))
                        print(f"   {engine:<9} round {round_index + 1}: "
                              + ", ".join(f"jsonl c{c} {args.requests / rounds['jsonl'][c][-1]:,.0f} calls/s" for c in CONCURRENCIES)
                              + f", 1 request {rounds['one_request'][-1] * 1000:.0f} ms"
                              f", per process {args.processes / rounds['per_process'][-1]:,.1f} calls/s", flush=True)
                    row = {"jsonl": {}, "target_calls_per_s": TARGETS[engine]}
                    for concurrency in CONCURRENCIES:
                        rates = [args.requests / s for s in rounds["jsonl"][concurrency]]
                        row["jsonl"][str(concurrency)] = {"calls_per_s": median(rates), "rounds_calls_per_s": rates,
                                                          "seconds": median(rounds["jsonl"][concurrency])}
                    per_rates = [args.processes / s for s in rounds["per_process"]]
                    row["per_process"] = {"calls_per_s": median(per_rates), "rounds_calls_per_s": per_rates,
                                          "ms_per_call": 1000 / median(per_rates)}
                    row["one_request_ms"] = median(rounds["one_request"]) * 1000
                    row["one_request_rounds_ms"] = [s * 1000 for s in rounds["one_request"]]
                    default = row["jsonl"][str(CONCURRENCIES[0])]["calls_per_s"]
                    row["ratio_to_per_process"] = default / row["per_process"]["calls_per_s"]
                    row["target_met"] = default >= TARGETS[engine]
                    row["recordings_missing"] = {run: missing for run, _, missing in lost}
                    results["engines"].setdefault(engine, {})["jsonl"] = row
                    short = [(run, calls, missing) for run, calls, missing in lost if missing]
                    if short:
                        raise Failure(f"serve --jsonl ({engine}) exited without recording every call (training_tool_executions):"
                                      f" {'; '.join(f'{run}: {missing:,} of {calls:,} missing' for run, calls, missing in short)}")

        # 2. HTTP with wrk.
        endpoints = [
            ("store_log", "POST", "/api/tools/bulk_data_store/invoke", store_log("T-N")),
            ("list", "POST", "/api/tools/tools_manager/invoke", LIST_INPUT),
            ("describe", "GET", "/api/tools/bulk_data_store", None),
        ]
        if "http" in parts:
            print(f"\n2. serve --http on 127.0.0.1: wrk -t{args.wrk_threads} -c{args.wrk_connections} -d{args.wrk_duration}s --latency per endpoint:"
                  f" {', '.join(f'{n} ({m} {p})' for n, m, p, _ in endpoints)}", flush=True)
            wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
            results["wrk"]["version"] = ((wrk_version.stdout + wrk_version.stderr).strip().splitlines() or [None])[0]
            scripts = {}
            for name, method, path, body in endpoints:
                prefix = suffix = None
                static_body = None
                if name == "store_log":
                    prefix, suffix = compact(body).split("T-N")
                elif body is not None:
                    static_body = compact(body)
                scripts[name] = os.path.join(work, f"wrk-{name}.lua")
                with open(scripts[name], "w") as out:
                    out.write(WRK_SCRIPT % {"method": lua_string(method), "path": lua_string(path), "body": lua_string(static_body),
                                            "prefix": lua_string(prefix), "suffix": lua_string(suffix)})

            for engine in engines:
                with recording_failure(failures, f"http {engine}"):
                    setup = setups[engine]
                    stderr_path = os.path.join(work, f"http-{engine}.stderr")
                    before = counts(engine)
                    with open(stderr_path, "w") as stderr_file:
                        server = subprocess.Popen(serve + ["--http", "--listen", "127.0.0.1:0"] + tools_args, env=setup["env"], cwd=setup["folder"],
                                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr_file)
                    row = {}
                    try:
                        base_url = read_listening_line(server, stderr_path)
                        row["url"] = base_url
                        for name, method, path, body in endpoints:
                            check_endpoint(base_url, method, path, body, name, engine)
                            wrk = subprocess.run(["wrk", f"-t{args.wrk_threads}", f"-c{args.wrk_connections}", f"-d{args.wrk_duration}s",
                                                  "--latency", "-s", scripts[name], base_url], capture_output=True, text=True)
                            if wrk.returncode != 0:
                                raise Failure(f"wrk ({engine} {name}) exited {wrk.returncode}\n  stdout: {wrk.stdout[-800:]}\n  stderr: {wrk.stderr[:600]}")
                            report = parse_wrk(wrk.stdout, engine, name)
                            report["requests_per_s"] = report["requests"] / (report["duration_us"] / 1e6)
                            row[name] = report
                            print(f"   {engine:<9} {name:<10} {report['requests_per_s']:9,.0f} req/s   p50 {report['p50_us'] / 1000:6.2f} ms"
                                  f"  p90 {report['p90_us'] / 1000:6.2f} ms  p99 {report['p99_us'] / 1000:6.2f} ms  max {report['max_us'] / 1000:7.1f} ms"
                                  f"  ({report['requests']:,} requests, non-2xx {report['non_2xx']})", flush=True)
                            socket_errors = sum(v for k, v in report["errors"].items() if k != "status")
                            if report["non_2xx"] or report["errors"]["status"] or socket_errors:
                                raise Failure(f"wrk ({engine} {name}): {report['non_2xx']} non-2xx responses of {report['responses']:,},"
                                              f" errors {json.dumps(report['errors'])}; first non-2xx: {report['first_non_2xx']}")
                            if report["responses"] != report["requests"]:
                                raise Failure(f"wrk ({engine} {name}): the Lua script counted {report['responses']:,} responses, wrk {report['requests']:,}")
                    finally:
                        status, stop_seconds = stop_server(server)
                    stderr_text = open(stderr_path, errors="replace").read()
                    row["exit_status_after_sigterm"] = status
                    row["shutdown_seconds"] = stop_seconds
                    results["engines"].setdefault(engine, {})["http"] = row
                    if status != 0:
                        raise Failure(f"serve --http ({engine}) exited {status} after SIGTERM (expected 0)\n  stderr: {stderr_text[-800:]}")
                    after = counts(engine)
                    # Every store_log answered 2xx was stored; wrk may stop with requests in flight,
                    # which the server still finishes (and answers to a closed connection).
                    stored = after[0] - before[0]
                    row["tool_logs_added"] = stored
                    row["executions_recorded"] = after[1] - before[1]
                    answered = row["store_log"]["requests"] + 1
                    calls = answered + row["list"]["requests"] + 1  # the tool calls answered (describe calls no tool)
                    print(f"   {engine:<9} SIGTERM: exit {status} after {stop_seconds:.2f} s; tool_logs +{stored:,},"
                          f" recorded executions +{row['executions_recorded']:,} (tool calls answered: {calls:,})", flush=True)
                    if stored < answered:
                        raise Failure(f"serve --http ({engine}): {answered:,} store_log calls answered 2xx but {stored:,} rows added to tool_logs")
                    if row["executions_recorded"] < calls:
                        raise Failure(f"serve --http ({engine}) exited after SIGTERM with {row['executions_recorded']:,} recorded executions"
                                      f" for {calls:,} tool calls answered 2xx")

        # 3. MCP over stdio, the official Python SDK.
        if "mcp" in parts:
            calls = [("tools_manager list", "tools_manager", LIST_INPUT), ("store_log", "bulk_data_store", store_log("mcp"))]
            print(f"\n3. serve --mcp: {args.mcp_calls} sequential tools/call round trips (+1 warm-up) from the Python MCP SDK"
                  f" (scripts/mcp-client.py --scenario bench): {', '.join(c[0] for c in calls)}", flush=True)
            for engine in engines:
                with recording_failure(failures, f"mcp {engine}"):
                    setup = setups[engine]
                    row = {}
                    for label, tool, arguments in calls:
                        stderr_path = os.path.join(work, f"mcp-{engine}.stderr")
                        done = subprocess.run([sys.executable, MCP_CLIENT, "--scenario", "bench", tool, compact(arguments), str(args.mcp_calls),
                                               "--cwd", setup["folder"], "--server-stderr", stderr_path, "--"]
                                              + serve + ["--mcp"] + tools_args, capture_output=True, text=True, env=setup["env"])
                        try:
                            report = json.loads(done.stdout.strip().splitlines()[-1])
                        except (ValueError, IndexError):
                            report = None
                        if done.returncode != 0 or not isinstance(report, dict) or "p50_ms" not in report:
                            server_stderr = open(stderr_path, errors="replace").read() if os.path.exists(stderr_path) else ""
                            raise Failure(f"mcp-client bench {tool} ({engine}) exited {done.returncode}\n  stdout: {done.stdout[:600]}\n"
                                          f"  stderr: {done.stderr[:600]}\n  server stderr: {server_stderr[:600]}")
                        if report["errors"] or report["n"] != args.mcp_calls:
                            raise Failure(f"mcp-client bench {tool} ({engine}): {report['errors']} of {report['n']} calls answered isError")
                        row[label] = report
                        print(f"   {engine:<9} {label:<19} p50 {report['p50_ms']:6.2f} ms  p90 {report['p90_ms']:6.2f} ms"
                              f"  p99 {report['p99_ms']:6.2f} ms  max {report['max_ms']:7.1f} ms", flush=True)
                    results["engines"].setdefault(engine, {})["mcp"] = row

        # The table.
        results["total_seconds"] = time.perf_counter() - bench_started
        print("\n" + "=" * 110)
        print(f"toolhost serve, bulk_data_store store_log unless said otherwise; recording of invocations ON (training.record_invocations,"
              f" the default); medians of {args.runs} round(s) where repeated")
        if "jsonl" in parts:
            print(f"\n  serve --jsonl, {args.requests:,} requests per process (calls/s = requests / whole-process wall time)")
            print(f"  {'engine':<10} {'c=8 calls/s':>12} {'target':>8} {'':<8} {'c=1 calls/s':>12} {'1-request run':>14}"
                  f" {'toolhost run calls/s':>21} {'ms/process':>11} {'ratio c=8/run':>14}")
            for engine in engines:
                row = results["engines"].get(engine, {}).get("jsonl")
                if not row:
                    continue
                print(f"  {engine:<10} {row['jsonl']['8']['calls_per_s']:12,.0f} {row['target_calls_per_s']:8,.0f}"
                      f" {'met' if row['target_met'] else 'NOT met':<8} {row['jsonl']['1']['calls_per_s']:12,.0f}"
                      f" {row['one_request_ms']:11.0f} ms {row['per_process']['calls_per_s']:21,.1f} {row['per_process']['ms_per_call']:11.1f}"
                      f" {row['ratio_to_per_process']:13,.0f}x")
            for engine in engines:
                row = results["engines"].get(engine, {}).get("jsonl")
                missing = {run: n for run, n in (row or {}).get("recordings_missing", {}).items() if n}
                if missing:
                    print(f"  {engine}: recordings lost at exit: " + ", ".join(f"{run} {n:,}" for run, n in missing.items()))
        if "http" in parts:
            print(f"\n  serve --http, wrk -t{args.wrk_threads} -c{args.wrk_connections} -d{args.wrk_duration}s on loopback (latency from wrk)")
            print(f"  {'engine':<10} {'endpoint':<10} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'requests':>10} {'non-2xx':>8}")
            for engine in engines:
                row = results["engines"].get(engine, {}).get("http", {})
                for name, _, _, _ in endpoints:
                    report = row.get(name)
                    if not report:
                        continue
                    print(f"  {engine:<10} {name:<10} {report['requests_per_s']:9,.0f} {report['p50_us'] / 1000:8.2f} {report['p90_us'] / 1000:8.2f}"
                          f" {report['p99_us'] / 1000:8.2f} {report['max_us'] / 1000:8.1f} {report['requests']:10,} {report['non_2xx']:8}")
                if "exit_status_after_sigterm" in row:
                    print(f"  {engine:<10} SIGTERM -> exit {row['exit_status_after_sigterm']} in {row['shutdown_seconds']:.2f} s")
            print("  (store_log: POST /api/tools/bulk_data_store/invoke; list: POST /api/tools/tools_manager/invoke {\"operation\":\"list\"};"
                  " describe: GET /api/tools/bulk_data_store)")
        if "mcp" in parts:
            print(f"\n  serve --mcp, {args.mcp_calls} sequential tools/call round trips from the Python MCP SDK")
            print(f"  {'engine':<10} {'call':<20} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
            for engine in engines:
                for label, report in results["engines"].get(engine, {}).get("mcp", {}).items():
                    print(f"  {engine:<10} {label:<20} {report['p50_ms']:8.2f} {report['p90_ms']:8.2f} {report['p99_ms']:8.2f} {report['max_ms']:8.1f}")
        if "postgres_server" in results:
            print(f"\n  PostgreSQL {results['postgres_server']} (fsync=off, synchronous_commit=off); SQLite WAL, synchronous=NORMAL")
        print_footer(results, failures)
    except Failure as failure:
        failures.append(f"setup: {failure}")
        print(f"   FAILED: {failure}")
    finally:
        if socket_dir:
            clean_up(socket_dir, work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return finish(results, failures, args.json)


def read_listening_line(server, stderr_path, timeout=60.0):
    """The base URL from the server's line `toolhost serve: listening on http://HOST:PORT`."""
    deadline = time.monotonic() + timeout
    buffered = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([server.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(server.stdout.fileno(), 4096)
            if not chunk:
                break
            buffered += chunk
            for line in buffered.decode(errors="replace").splitlines():
                if line.startswith("toolhost serve: listening on "):
                    return line.split("listening on ", 1)[1].strip()
        elif server.poll() is not None:
            break
    stderr_text = open(stderr_path, errors="replace").read()
    raise Failure(f"serve --http printed no `listening on` line (status {server.poll()})\n  stdout: {buffered[:400]!r}\n  stderr: {stderr_text[:800]}")


def check_endpoint(base_url, method, path, body, name, engine):
    """One request from Python before wrk: 2xx, and a tool call's answer says success."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode(errors="replace")
    except OSError as error:
        raise Failure(f"{method} {path} ({engine} {name}): {error}")
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if not 200 <= status < 300 or not isinstance(answer, dict) or (method == "POST" and answer.get("success") is not True):
        raise Failure(f"{method} {path} ({engine} {name}) answered {status}: {text[:600]}")


def parse_wrk(stdout, engine, name):
    """The line the generated Lua `done` prints; also wrk's own latency distribution."""
    report = None
    first_bad = ""
    for line in stdout.splitlines():
        if line.startswith("SERVE_BENCH_WRK "):
            report = json.loads(line[len("SERVE_BENCH_WRK "):])
        elif line.startswith("SERVE_BENCH_WRK_FIRST_BAD"):
            first_bad = line[len("SERVE_BENCH_WRK_FIRST_BAD"):].strip()
    if report is None:
        raise Failure(f"wrk ({engine} {name}) printed no SERVE_BENCH_WRK line\n  stdout: {stdout[-800:]}")
    report["first_non_2xx"] = first_bad or None
    distribution = {}
    in_distribution = False
    for line in stdout.splitlines():
        if line.strip().startswith("Latency Distribution"):
            in_distribution = True
            continue
        if in_distribution:
            parts = line.split()
            if len(parts) == 2 and parts[0].endswith("%"):
                distribution[parts[0]] = parts[1]
            else:
                in_distribution = False
    report["wrk_latency_distribution"] = distribution
    return report


def stop_server(server, timeout=90.0):
    """SIGTERM, then waits; (exit status, seconds to exit). Killed (and a Failure) after timeout."""
    if server.poll() is not None:
        return server.returncode, 0.0
    started = time.perf_counter()
    server.send_signal(signal.SIGTERM)
    try:
        status = server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        raise Failure(f"serve --http did not exit within {timeout:.0f} s of SIGTERM (killed)")
    finally:
        server.stdout.close()
    return status, time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
