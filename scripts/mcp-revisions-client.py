#!/usr/bin/env python3
"""Drives an MCP server with a real third-party client, in a chosen protocol revision, over
Streamable HTTP or stdio, and prints one JSON object on stdout. For ToolHost's tests of both
revisions (2025-11-25 with initialize, 2026-07-28 stateless) and its benchmark.

  --client sdk|fastmcp      the official Python SDK (mcp 2.3.0, mcp.Client) or fastmcp 4.x
  --mode legacy|auto|2026-07-28
                            legacy forces the initialize handshake (2025-11-25); auto probes
                            server/discover first, as the newest clients do; a version pins it
  --url URL [--token T] [--origin O]   Streamable HTTP
  --accept-elicitation      (sdk) declare elicitation and tick every box of every question asked;
                            the session answer then holds "elicitations": [messages]
  -- COMMAND...             stdio (the command is started with this process's environment)

Scenarios:
  --scenario session CALLS_JSON
      Connects, lists every tool (following nextCursor), then makes each call of CALLS_JSON
      ([[tool, arguments], ...]) and, when --progress, asks for progress on them.
      -> {"protocol_version", "tools": [names in order], "calls": [{"isError", "text",
          "structured", "progress": [messages]}], "unknown_method": {"code", "message"}}
  --scenario bench TOOL JSON_ARGS N
      N sequential tools/call round trips after one untimed; -> {"n", "p50_ms", "p90_ms", "mean_ms"}

Exit status 0 when it ran; 2 when connecting or a request failed with an MCP error (stdout then
holds {"error": {"code", "message"}}); 1 for anything else (reason on stderr).

Example:
  python3 scripts/mcp-revisions-client.py --client sdk --mode auto --url http://127.0.0.1:8080/mcp \\
      --scenario session '[["echo", {"text": "hi"}]]'
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

import anyio
import mcp_types as types
from mcp.shared.exceptions import MCPError


def parse() -> tuple[argparse.Namespace, list[str]]:
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", choices=["sdk", "fastmcp"], required=True)
    parser.add_argument("--mode", default="auto")
    parser.add_argument("--url")
    parser.add_argument("--token")
    parser.add_argument("--origin")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--accept-elicitation", action="store_true")
    parser.add_argument("--scenario", nargs="+", required=True)
    return parser.parse_args(argv[:split]), argv[split + 1 :]


def http_headers(args: argparse.Namespace) -> dict[str, str]:
    headers = {}
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    if args.origin:
        headers["Origin"] = args.origin
    return headers


ASKED: list[str] = []


async def accept_every_question(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
    ASKED.append(params.message)
    schema = getattr(params, "requested_schema", None) or {}
    boxes = {name: True for name, field in schema.get("properties", {}).items() if field.get("type") == "boolean"}
    return types.ElicitResult(action="accept", content=boxes)


def sdk_client(args: argparse.Namespace, command: list[str]):
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    options = {"mode": args.mode}
    if args.accept_elicitation:
        options["elicitation_callback"] = accept_every_question

    if args.url:
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        http = httpx2.AsyncClient(headers=http_headers(args), timeout=httpx2.Timeout(60.0, read=300.0))
        return Client(streamable_http_client(args.url, http_client=http), **options)
    server = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    return Client(server, **options)


def fastmcp_client(args: argparse.Namespace, command: list[str]):
    from fastmcp import Client
    from fastmcp.client.transports import StdioTransport, StreamableHttpTransport

    if args.url:
        transport = StreamableHttpTransport(args.url, headers=http_headers(args) or None)
    else:
        transport = StdioTransport(command=command[0], args=command[1:], env=dict(os.environ))
    return Client(transport, mode=args.mode, timeout=300)


def text_of(result: Any) -> str:
    return "\n".join(block.text for block in result.content if getattr(block, "text", None) is not None)


async def session_of(client: Any) -> Any:
    return client.session  # both clients expose the SDK's ClientSession


async def list_all(args: argparse.Namespace, client: Any) -> list[str]:
    names: list[str] = []
    if args.client == "fastmcp":
        return [tool.name for tool in await client.list_tools()]
    cursor = None
    while True:
        page = await client.list_tools(cursor=cursor) if cursor else await client.list_tools()
        names += [tool.name for tool in page.tools]
        cursor = page.next_cursor
        if not cursor:
            return names


async def call(args: argparse.Namespace, client: Any, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    progress: list[Any] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(message)

    callback = on_progress if args.progress else None
    if args.client == "fastmcp":
        result = await client.call_tool_mcp(tool, arguments, progress_handler=callback)
    else:
        result = await client.call_tool(tool, arguments, progress_callback=callback)
    return {"isError": bool(result.is_error), "text": text_of(result), "structured": result.structured_content, "progress": progress}


async def unknown_method(client: Any) -> dict[str, Any]:
    session = await session_of(client)
    try:
        await session.send_request(types.PingRequest.model_construct(method="toolhost/no_such_method", params=None), types.EmptyResult)
    except MCPError as error:
        return {"code": error.error.code, "message": error.error.message}
    return {"code": None}


async def run(args: argparse.Namespace, command: list[str]) -> dict[str, Any]:
    client = sdk_client(args, command) if args.client == "sdk" else fastmcp_client(args, command)
    async with client:
        session = await session_of(client)
        version = session.protocol_version
        scenario = args.scenario
        if scenario[0] == "session":
            answer: dict[str, Any] = {"protocol_version": version, "tools": await list_all(args, client), "calls": []}
            for tool, arguments in json.loads(scenario[1]):
                answer["calls"].append(await call(args, client, tool, arguments))
            answer["unknown_method"] = await unknown_method(client)
            answer["elicitations"] = ASKED
            return answer
        if scenario[0] == "bench":
            tool, arguments, count = scenario[1], json.loads(scenario[2]), int(scenario[3])
            await call(args, client, tool, arguments)
            times = []
            for _ in range(count):
                start = time.perf_counter()
                await call(args, client, tool, arguments)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            return {"protocol_version": version, "n": count, "p50_ms": round(statistics.median(times), 3),
                    "p90_ms": round(times[int(0.9 * (count - 1))], 3), "mean_ms": round(statistics.fmean(times), 3)}
        raise SystemExit(f"unknown scenario {scenario[0]}")


def main() -> int:
    args, command = parse()
    if not args.url and not command:
        sys.stderr.write("mcp-revisions-client: give --url or a command after --\n")
        return 1
    try:
        print(json.dumps(anyio.run(run, args, command)))
    except MCPError as error:
        print(json.dumps({"error": {"code": error.error.code, "message": error.error.message}}))
        return 2
    except Exception as error:  # noqa: BLE001 - every other failure is reported, not traced
        chain = error
        while isinstance(chain, BaseExceptionGroup) and chain.exceptions:
            chain = chain.exceptions[0]
        if isinstance(chain, MCPError):
            print(json.dumps({"error": {"code": chain.error.code, "message": chain.error.message}}))
            return 2
        sys.stderr.write(f"mcp-revisions-client: {type(chain).__name__}: {chain}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
