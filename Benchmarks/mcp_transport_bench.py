#!/usr/bin/env python3
"""MCP tools/call p50 of `toolhost serve` over stdio and over Streamable HTTP (`/mcp`), in both
protocol revisions (2025-11-25 with initialize; 2026-07-28 stateless), interleaved in one run so
that the machine's noise falls on all four alike. The client is the official Python SDK
(mcp 2.3.0, `mcp.Client`), one long-lived client per way; the tool is an executable (`cat`, a
process per call) and a built-in (`conversation_store` training_stats, in-process, SQLite), so
that the transport's share shows beside a call's own cost.

    python3 Benchmarks/mcp_transport_bench.py [--binary .build/release/toolhost] [--calls 300]

Needs scripts/setup-test-python.sh (mcp) for the interpreter that runs it.
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile, time
from contextlib import AsyncExitStack

import anyio
import httpx2
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/toolhost")
parser.add_argument("--calls", type=int, default=300, help="calls timed per way and tool")
args = parser.parse_args()
binary = os.path.abspath(args.binary)
shipped = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools")

work = tempfile.mkdtemp(prefix="toolhost-mcp-transport-bench-")
os.makedirs(os.path.join(work, "tools"))
with open(os.path.join(work, "tools", "echo.yaml"), "w") as f:
    f.write("name: Echo\ntype: executable\nexecutable: {command: cat}\ninput_schema: {message: {type: string}}\n")
config = os.path.join(work, "toolhost.yaml")
with open(config, "w") as f:
    f.write(f"tools:\n  paths: [tools, {json.dumps(shipped)}]\ntraining:\n  record_invocations: false\n")
env = dict(os.environ, TOOLHOST_DATABASE_TYPE="sqlite", XDG_DATA_HOME=os.path.join(work, "xdg"))
calls = {"executable": ("echo", {"message": "hi"}), "built-in": ("conversation_store", {"operation": "training_stats"})}


async def main():
    http = subprocess.Popen([binary, "serve", "--http", "--listen", "127.0.0.1:0", "--config", config],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=work, text=True)
    line = http.stdout.readline()
    match = re.search(r"http://(\S+)", line)
    if not match:
        raise SystemExit(f"toolhost serve --http did not start: {line!r}")
    url = f"http://{match.group(1)}/mcp"
    stdio = StdioServerParameters(command=binary, args=["serve", "--mcp", "--config", config], env=env, cwd=work)

    def over_http(mode):
        return Client(streamable_http_client(url, http_client=httpx2.AsyncClient(timeout=60)), mode=mode)

    ways = {"stdio 2025-11-25": Client(stdio, mode="legacy"), "stdio 2026-07-28": Client(stdio, mode="2026-07-28"),
            "http 2025-11-25": over_http("legacy"), "http 2026-07-28": over_http("2026-07-28")}
    times = {(way, kind): [] for way in ways for kind in calls}
    try:
        async with AsyncExitStack() as stack:
            for client in ways.values():
                await stack.enter_async_context(client)
            for kind, (tool, arguments) in calls.items():  # warm-up, untimed
                for client in ways.values():
                    result = await client.call_tool(tool, arguments)
                    if result.is_error:
                        raise SystemExit(f"{tool} failed: {result.content}")
            for _ in range(args.calls):
                for way, client in ways.items():
                    for kind, (tool, arguments) in calls.items():
                        started = time.perf_counter()
                        await client.call_tool(tool, arguments)
                        times[(way, kind)].append((time.perf_counter() - started) * 1000)
    finally:
        http.terminate()
        http.wait()
    report = {}
    for (way, kind), values in times.items():
        values.sort()
        report.setdefault(way, {})[kind] = {"p50_ms": round(statistics.median(values), 3),
                                             "p90_ms": round(values[int(0.9 * (len(values) - 1))], 3)}
    print(json.dumps({"calls": args.calls, "tools/call": report}, indent=2))


anyio.run(main)
