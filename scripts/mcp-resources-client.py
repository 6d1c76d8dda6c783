#!/usr/bin/env python3
"""MCP resources test client (official Python MCP SDK): templates, list, reads.

Connects over stdio (COMMAND after --) or Streamable HTTP (--url), then prints one JSON object:
  {"templates": [...uriTemplate...], "resources": [{"uri", "name", "mimeType", "size"}...]
   (every page, following nextCursor), "pages": N,
   "reads": {URI: {"contents": [{"uri", "mimeType", "text"|"blob"}]} | {"error": {"code", "message"}}}}

  python3 scripts/mcp-resources-client.py --read toolhost://exports/a.jsonl -- .build/debug/toolhost-serve --mcp
  python3 scripts/mcp-resources-client.py --url http://127.0.0.1:8080/mcp --read toolhost://tools/x
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import anyio
from mcp import Client
from mcp.shared.exceptions import MCPError


def client(args: argparse.Namespace, command: list[str]) -> Client:
    if args.url:
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        headers = dict(h.split(": ", 1) for h in args.header)
        return Client(streamable_http_client(args.url, http_client=httpx2.AsyncClient(headers=headers, timeout=60.0)))
    from mcp.client.stdio import StdioServerParameters

    return Client(StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ)))


def dumped(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def run(args: argparse.Namespace, command: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"resources": [], "pages": 0, "reads": {}}
    async with client(args, command) as session:
        templates = await session.list_resource_templates()
        out["templates"] = [t.uri_template for t in templates.resource_templates]
        cursor = None
        while True:
            page = await session.list_resources(cursor=cursor)
            out["pages"] += 1
            out["resources"] += [dumped(r) for r in page.resources]
            cursor = page.next_cursor
            if not cursor or out["pages"] > 50:
                break
        for uri in args.read:
            try:
                out["reads"][uri] = {"contents": [dumped(c) for c in (await session.read_resource(uri)).contents]}
            except MCPError as error:
                out["reads"][uri] = {"error": {"code": error.error.code, "message": error.error.message}}
    return out


def main(argv: list[str]) -> int:
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--header", action="append", default=[], help="'Name: value' for HTTP")
    parser.add_argument("--read", action="append", default=[], metavar="URI")
    args = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    if not args.url and not command:
        parser.error("give --url or a server command after --")
    print(json.dumps(anyio.run(run, args, command)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
