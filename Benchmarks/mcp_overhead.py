#!/usr/bin/env python3
"""What ToolHost adds to a call of a tool of another MCP server (`type: mcp`, ToolHost as the
client): p50 of `get_current_time` of mcp-server-time (PyPI) three ways, interleaved in one run:

- direct: the official Python SDK (mcp 2.3.0), one long-lived ClientSession over stdio;
- serve:  `toolhost serve --jsonl`, long-lived, one request at a time (ToolHost keeps one server
          process for the entry and reuses it);
- run:    `toolhost run time.get_current_time`, a whole one-shot process: it starts the server,
          initializes, calls, and stops the server's process group at exit.

    python3 Benchmarks/mcp_overhead.py [--binary .build/release/toolhost] [--calls 200] [--runs 20]

Needs scripts/setup-test-python.sh (mcp, mcp-server-time) for the interpreter that runs it.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/toolhost")
parser.add_argument("--calls", type=int, default=200, help="calls timed for direct and serve")
parser.add_argument("--runs", type=int, default=20, help="one-shot `toolhost run`s timed (each starts a Python server)")
args = parser.parse_args()
binary = os.path.abspath(args.binary)

work = tempfile.mkdtemp(prefix="toolhost-mcp-bench-")
os.makedirs(os.path.join(work, "tools"))
server = [sys.executable, "-m", "mcp_server_time", "--local-timezone", "Etc/UTC"]
with open(os.path.join(work, "tools", "time.yaml"), "w") as f:
    f.write("name: Time\ntype: mcp\nmcp:\n  server_name: time\n"
            f"  command: {json.dumps(server[0])}\n  args: {json.dumps(server[1:])}\n")
config = os.path.join(work, "toolhost.yaml")
with open(config, "w") as f:
    f.write("tools:\n  paths: [tools]\ntraining:\n  record_invocations: false\n")
env = dict(os.environ, TOOLHOST_DATABASE_TYPE="sqlite", XDG_DATA_HOME=os.path.join(work, "xdg"))
arguments = {"timezone": "Europe/Paris"}
request = json.dumps(arguments).encode()

# The server's tools listed (and cached) once, as the first `toolhost list` would.
subprocess.run([binary, "list", "--config", config], capture_output=True, check=True, env=env)


def run_once():
    started = time.perf_counter()
    out = subprocess.run([binary, "run", "time.get_current_time", "--config", config], input=request,
                         capture_output=True, env=env)
    elapsed = (time.perf_counter() - started) * 1000
    if out.returncode != 0:
        raise SystemExit(f"toolhost run failed: {out.stdout.decode()} {out.stderr.decode()}")
    return elapsed


async def main():
    serve = subprocess.Popen([binary, "serve", "--jsonl", "--config", config], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)

    def serve_once(number):
        line = json.dumps({"id": number, "tool": "time.get_current_time", "input": arguments}) + "\n"
        started = time.perf_counter()
        serve.stdin.write(line.encode())
        serve.stdin.flush()
        answer = json.loads(serve.stdout.readline())
        elapsed = (time.perf_counter() - started) * 1000
        if answer.get("result", {}).get("success") is not True:
            raise SystemExit(f"serve call failed: {answer}")
        return elapsed

    params = StdioServerParameters(command=server[0], args=server[1:], env=dict(os.environ))
    times = {"direct": [], "serve": [], "run": []}
    async with stdio_client(params, errlog=open(os.devnull, "w")) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()

            async def direct_once():
                started = time.perf_counter()
                result = await session.call_tool("get_current_time", arguments)
                elapsed = (time.perf_counter() - started) * 1000
                if result.is_error:
                    raise SystemExit(f"direct call failed: {result}")
                return elapsed

            for warm in range(5):  # both servers started and warm before timing
                await direct_once()
                serve_once(-1 - warm)
            run_every = max(1, args.calls // max(args.runs, 1))
            for number in range(args.calls):
                times["direct"].append(await direct_once())
                times["serve"].append(serve_once(number))
                if number % run_every == 0 and len(times["run"]) < args.runs:
                    times["run"].append(run_once())
    serve.stdin.close()
    serve.wait()
    return times


times = anyio.run(main)
direct = statistics.median(times["direct"])
print(f"get_current_time of mcp-server-time, interleaved in one run (medians):")
print(f"  direct (Python SDK ClientSession, long-lived) {direct:8.2f} ms  ({len(times['direct'])} calls)")
for name, label in [("serve", "toolhost serve --jsonl (long-lived)"), ("run", "toolhost run (one-shot, starts the server)")]:
    median = statistics.median(times[name])
    print(f"  {label:<45} {median:8.2f} ms  ratio {median / direct:6.2f}  ({median - direct:+.2f} ms, {len(times[name])} calls)")
