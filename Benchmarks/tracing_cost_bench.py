#!/usr/bin/env python3
"""The cost of tracing: MCP tools/call p50 over stdio and one-shot `toolhost run` p50, with
tracing off, on (spans exported over OTLP/HTTP to a real receiver), and on with the call's
arguments and result captured, interleaved in one run so that the machine's noise falls on
every mode alike. The receiver is scripts/otlp-receiver.py --discard (it decodes every export
with opentelemetry-proto, so a malformed export would fail, and writes nothing). Tools: an
executable (`cat`, a process per call, so TRACEPARENT is passed) and a built-in
(bulk_data_store store_log on SQLite: a database span per call).

    python3 Benchmarks/tracing_cost_bench.py [--binary .build/release/toolhost] [--calls 400] [--runs 40]

Needs scripts/setup-test-python.sh (opentelemetry-proto) for the interpreter that runs it.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import Failure, run_main  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/toolhost")
parser.add_argument("--calls", type=int, default=400, help="MCP calls timed per mode and tool")
parser.add_argument("--runs", type=int, default=40, help="one-shot runs timed per mode and tool")
args = parser.parse_args()
binary = os.path.abspath(args.binary)
receiver_script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "otlp-receiver.py")

work = tempfile.mkdtemp(prefix="toolhost-tracing-bench-")
os.makedirs(os.path.join(work, "tools"))
with open(os.path.join(work, "tools", "echo.yaml"), "w") as f:
    f.write("name: Echo\ntype: executable\nexecutable: {command: cat}\ninput_schema: {message: {type: string}}\n")
config = os.path.join(work, "toolhost.yaml")
with open(config, "w") as f:
    f.write("tools:\n  paths: [tools]\ntraining:\n  record_invocations: false\n")
calls = {"executable": ("echo", {"message": "hi"}),
         "built-in": ("bulk_data_store", {"operation": "store_log", "tool_id": "bench", "log_level": "info", "message": "hi"})}


def main():
    receiver = subprocess.Popen([sys.executable, receiver_script, "--port", "0", "--discard", "--exit-on-stdin-eof"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready = receiver.stdout.readline().split()
    if not ready or ready[0] != "READY":
        raise Failure(f"the OTLP receiver did not start: {ready}")
    endpoint = f"http://127.0.0.1:{ready[1]}"
    base = dict(os.environ, TOOLHOST_DATABASE_TYPE="sqlite", XDG_DATA_HOME=os.path.join(work, "xdg"))
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "TRACEPARENT"):
        base.pop(name, None)
    modes = {"off": base,
             "on": dict(base, OTEL_EXPORTER_OTLP_ENDPOINT=endpoint),
             "on+content": dict(base, OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, TOOLHOST_TRACING_CAPTURE_CONTENT="true")}
    servers = {mode: MCPServer(env) for mode, env in modes.items()}
    try:
        mcp = {(mode, kind): [] for mode in modes for kind in calls}
        for server in servers.values():  # warm-up, untimed
            for tool, arguments in calls.values():
                server.call(tool, arguments)
        for _ in range(args.calls):
            for mode, server in servers.items():
                for kind, (tool, arguments) in calls.items():
                    started = time.perf_counter()
                    server.call(tool, arguments)
                    mcp[(mode, kind)].append((time.perf_counter() - started) * 1000)
        oneshot = {(mode, kind): [] for mode in modes for kind in calls}
        for _ in range(args.runs):
            for mode, env in modes.items():
                for kind, (tool, arguments) in calls.items():
                    started = time.perf_counter()
                    done = subprocess.run([binary, "run", tool, "--config", config], input=json.dumps(arguments), env=env, cwd=work,
                                          capture_output=True, text=True)
                    oneshot[(mode, kind)].append((time.perf_counter() - started) * 1000)
                    if done.returncode != 0 or "tracing:" in done.stderr:
                        raise Failure(f"toolhost run {tool} ({mode}) exited {done.returncode}: {done.stderr[:400]}")
    finally:
        for server in servers.values():
            server.close()
        receiver.stdin.close()
        receiver.wait()
    report = {}
    for name, times in (("mcp_stdio_tools_call", mcp), ("toolhost_run", oneshot)):
        part = {}
        for kind in calls:
            off = statistics.median(times[("off", kind)])
            part[kind] = {mode: {"p50_ms": round(statistics.median(times[(mode, kind)]), 3),
                                 "ratio_to_off": round(statistics.median(times[(mode, kind)]) / off, 3)} for mode in modes}
        report[name] = part
    print(json.dumps({"mcp_calls": args.calls, "runs": args.runs, **report}, indent=2))


class MCPServer:
    """`toolhost serve --mcp` spoken to line by line: the protocol's own cost, not a client library's."""

    def __init__(self, env):
        self.process = subprocess.Popen([binary, "serve", "--mcp", "--config", config], env=env, cwd=work, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, message):
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise Failure(f"toolhost serve --mcp ended during {method}")
            answer = json.loads(line)
            if answer.get("id") == self.next_id:
                return answer

    def call(self, tool, arguments):
        answer = self.request("tools/call", {"name": tool, "arguments": arguments})
        if "error" in answer or answer["result"].get("isError"):
            raise Failure(f"{tool} failed: {answer}")

    def close(self):
        self.process.stdin.close()
        self.process.wait()


run_main(main, "tracing_cost_bench")
