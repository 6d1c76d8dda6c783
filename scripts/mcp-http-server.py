#!/usr/bin/env python3
"""A real MCP server over Streamable HTTP, built with the official Python SDK (mcp 2.3.0's
MCPServer, served by uvicorn), for the tests of ToolHost's `type: mcp` tools with a `url`.

    python3 scripts/mcp-http-server.py --port 0 [--json-response] [--exit-on-stdin-eof]

Prints `READY <port>` once listening on 127.0.0.1. Its tools: `add(a, b)` (structured result),
`shout(text)`, `fail(reason)` (a tool error), and `calls()` (how many tool calls this server
process has answered: shows whether a client reuses it). With --json-response it answers POSTs
with a JSON body, else with a Server-Sent Events stream.
"""
import argparse, os, socket, sys, threading

import anyio
import uvicorn
from mcp.server.mcpserver import MCPServer

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--json-response", action="store_true")
parser.add_argument("--exit-on-stdin-eof", action="store_true")
args = parser.parse_args()

server = MCPServer("toolhost-test-http")
counter = {"calls": 0}


@server.tool()
def add(a: int, b: int) -> dict:
    """Adds two integers."""
    counter["calls"] += 1
    return {"sum": a + b}


@server.tool()
def shout(text: str) -> str:
    """Upper-cases the text."""
    counter["calls"] += 1
    return text.upper()


@server.tool()
def fail(reason: str) -> str:
    """Always fails with the reason."""
    counter["calls"] += 1
    raise ValueError(reason)


@server.tool()
def calls() -> int:
    """How many tool calls this process answered before this one."""
    answered = counter["calls"]
    counter["calls"] += 1
    return answered


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", args.port))
listener.listen(64)
app = server.streamable_http_app(json_response=args.json_response)
config = uvicorn.Config(app, log_level="warning")
http = uvicorn.Server(config)

if args.exit_on_stdin_eof:
    def watch_stdin():
        sys.stdin.read()
        os._exit(0)
    threading.Thread(target=watch_stdin, daemon=True).start()


async def main():
    async def announce():
        while not http.started:
            await anyio.sleep(0.01)
        print(f"READY {listener.getsockname()[1]}", flush=True)

    async with anyio.create_task_group() as group:
        group.start_soon(announce)
        await http.serve(sockets=[listener])


anyio.run(main)
