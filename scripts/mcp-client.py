#!/usr/bin/env python3
"""Test and benchmark client for an MCP server spoken to over stdio.

Spawns the command given after `--` (e.g. `toolhost serve --mcp --tools-dir X`) with the official
Python MCP SDK (`pip install mcp`: `mcp.client.stdio.stdio_client` + `mcp.client.session.ClientSession`),
initializes the session, runs one scenario and prints one JSON object on stdout:

  --scenario list
      Lists every tool, following nextCursor pagination.
      -> {"pages": N, "tools": [{"name", "description", "inputSchema", and when sent "annotations",
          "outputSchema", "_meta"}, ...]}
  --scenario call TOOL JSON_ARGS
      One tools/call. -> {"isError": bool, "text": "<text contents joined by newlines>",
                          "structuredContent": <object or null>}
  --scenario bench TOOL JSON_ARGS N
      N sequential tools/call round trips (after --warmup W untimed ones, default 1).
      -> {"n": N, "p50_ms", "p90_ms", "p99_ms", "mean_ms", "max_ms", "errors": <results with isError>}
  --scenario cancel TOOL JSON_ARGS AFTER_SECONDS [--then TOOL JSON_ARGS]
      Starts the call and, AFTER_SECONDS later, abandons it: the SDK then sends
      `notifications/cancelled` with that request's id (its "courtesy cancel" when the caller's anyio
      cancel scope fires). Then runs the --then call, if given, to show the server still answers.
      -> {"cancelled": true, "elapsed_ms": ..., "then": {<as for call>, "elapsed_ms": ...}}
         ("cancelled": false plus "result" when the call finished before the deadline)
  --scenario progress TOOL JSON_ARGS
      One tools/call with a progressToken (the SDK's progress_callback): every
      notifications/progress the server sends for it, in order, then the result.
      -> {"progress": [{"progress", "total", "message"}, ...], "isError", "text", "structuredContent"}
  --scenario watch-list-changed SECONDS
      Prints the line READY (flushed) once initialized, so a test can change the tools directory,
      then waits up to SECONDS for notifications/tools/list_changed.
      -> {"list_changed": true|false, "elapsed_ms": ...} (elapsed since READY)

--elicit ANSWER declares the elicitation capability (form and url) and answers every
`elicitation/create` the server sends: `accept` (every boolean field of the form ticked),
`accept-unticked` (accepted with every boolean field false), `decline` or `cancel`. The call
scenario's answer then also holds "elicitations": [{"message", "requestedSchema"}, ...], what the
server asked. Without --elicit the client declares no elicitation capability.

Exit status: 0 on success; 2 when the server answered a request with a JSON-RPC error (stdout then
holds {"error": {"code", "message", "data"}}); 1 for anything else (bad usage, the server failing to
start, dying or timing out), with the reason on stderr. The server's stderr goes to ours unless
--server-stderr FILE; the SDK's own warnings show only with --verbose. Other options: --timeout
SECONDS per request (default 60), --cwd DIR for the server. The server gets this process's whole environment (the SDK alone would pass
only HOME, PATH, SHELL, TERM, USER, LOGNAME).

Example:
  python3 scripts/mcp-client.py --scenario call echo '{"text": "hi"}' -- .build/debug/toolhost serve --mcp
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import time
from typing import Any

try:
    import anyio
    import mcp_types as types  # mcp >= 2 ships its types here
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client
    from mcp.shared.exceptions import MCPError
except ImportError as exc:  # pragma: no cover - depends on the machine
    sys.stderr.write(f"mcp-client: the Python MCP SDK is missing ({exc}); pip install mcp\n")
    sys.exit(1)

SCENARIO_ARITY = {"list": 0, "call": 2, "progress": 2, "bench": 3, "cancel": 3, "watch-list-changed": 1}
ELICIT_ANSWERS = ("accept", "accept-unticked", "decline", "cancel")


class UsageError(Exception):
    pass


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    split = argv.index("--") if "--" in argv else len(argv)
    own, command = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser(
        prog="mcp-client.py",
        description="MCP stdio test/bench client; see the module docstring for scenarios.",
        usage="%(prog)s --scenario NAME [ARGS...] [options] -- COMMAND [ARG...]",
    )
    parser.add_argument("--scenario", nargs="+", required=True, metavar="NAME [ARGS...]")
    parser.add_argument("--then", nargs=2, metavar=("TOOL", "JSON_ARGS"), help="cancel: call to run afterwards")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per request (default 60)")
    parser.add_argument("--warmup", type=int, default=1, help="bench: untimed calls first (default 1)")
    parser.add_argument("--server-stderr", metavar="FILE", help="write the server's stderr to FILE")
    parser.add_argument("--cwd", help="working directory for the server")
    parser.add_argument("--verbose", action="store_true", help="show the SDK's own warnings (hidden by default)")
    parser.add_argument("--elicit", choices=ELICIT_ANSWERS, help="declare elicitation and answer every question so")
    args = parser.parse_args(own)  # exits here for --help
    if not command:
        raise UsageError("the server command must follow `--`")
    name, rest = args.scenario[0], args.scenario[1:]
    if name not in SCENARIO_ARITY:
        raise UsageError(f"unknown scenario {name!r}; one of {', '.join(SCENARIO_ARITY)}")
    if len(rest) != SCENARIO_ARITY[name]:
        raise UsageError(f"scenario {name} takes {SCENARIO_ARITY[name]} argument(s), got {len(rest)}")
    if args.then and name != "cancel":
        raise UsageError("--then applies to the cancel scenario only")
    # Check the arguments now, before a server is started for nothing.
    if name in ("call", "progress", "bench", "cancel"):
        json_args(rest[1])
    if args.then:
        json_args(args.then[1])
    if name == "bench":
        number(rest[2], "N", int)
    elif name in ("cancel", "watch-list-changed"):
        number(rest[-1], "SECONDS")
    return args, command


def json_args(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"arguments are not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise UsageError("arguments must be a JSON object")
    return value


def number(text: str, what: str, kind: type = float) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise UsageError(f"{what} must be a {kind.__name__}, got {text!r}") from None
    if value < 0 or (kind is int and value < 1):
        raise UsageError(f"{what} out of range: {text}")
    return value


def call_summary(result: types.CallToolResult) -> dict[str, Any]:
    texts = [c.text for c in result.content if isinstance(c, types.TextContent)]
    return {
        "isError": bool(result.is_error),
        "text": "\n".join(texts),
        "structuredContent": result.structured_content,
    }


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(p / 100 * len(sorted_ms)))
    return round(sorted_ms[rank - 1], 3)


def elapsed_ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def listed_tool(tool: Any) -> dict[str, Any]:
    """A listed tool as the SDK parsed it: name, description, inputSchema, and, when the server
    sent them, annotations (camelCase, as on the wire), outputSchema and _meta."""
    entry: dict[str, Any] = {"name": tool.name, "description": tool.description, "inputSchema": tool.input_schema}
    if tool.annotations is not None:
        entry["annotations"] = tool.annotations.model_dump(by_alias=True, exclude_none=True, mode="json")
    if tool.output_schema is not None:
        entry["outputSchema"] = tool.output_schema
    if tool.meta is not None:
        entry["_meta"] = tool.meta if isinstance(tool.meta, dict) else tool.meta.model_dump(by_alias=True, exclude_none=True, mode="json")
    return entry


async def scenario_list(session: ClientSession, args: argparse.Namespace) -> None:
    tools: list[dict[str, Any]] = []
    pages, cursor, seen = 0, None, set()
    while True:
        params = types.PaginatedRequestParams(cursor=cursor) if cursor is not None else None
        with anyio.fail_after(args.timeout):
            page = await session.list_tools(params=params)
        pages += 1
        tools += [listed_tool(t) for t in page.tools]
        cursor = page.next_cursor
        if cursor is None:
            break
        if cursor in seen:
            raise RuntimeError(f"server repeated cursor {cursor!r}: pagination loops")
        seen.add(cursor)
    emit({"pages": pages, "tools": tools})


async def scenario_call(session: ClientSession, args: argparse.Namespace, tool: str, raw: str, asked: list | None) -> None:
    result = await session.call_tool(tool, json_args(raw), read_timeout_seconds=args.timeout)
    emit(call_summary(result) | ({"elicitations": asked} if asked is not None else {}))


async def scenario_progress(session: ClientSession, args: argparse.Namespace, tool: str, raw: str) -> None:
    notes: list[dict[str, Any]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        notes.append({"progress": progress, "total": total, "message": message})

    result = await session.call_tool(tool, json_args(raw), read_timeout_seconds=args.timeout, progress_callback=on_progress)
    emit({"progress": notes} | call_summary(result))


def elicitation_answerer(answer: str, asked: list[dict[str, Any]]) -> Any:
    """An elicitation callback that notes each question in `asked` and gives `answer`."""

    async def answer_question(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        schema = getattr(params, "requested_schema", None) or {}
        asked.append({"message": params.message, "requestedSchema": schema})
        if answer in ("decline", "cancel"):
            return types.ElicitResult(action=answer)
        fields = schema.get("properties", {}) if isinstance(schema, dict) else {}
        ticked = answer == "accept"
        content = {name: ticked for name, field in fields.items() if isinstance(field, dict) and field.get("type") == "boolean"}
        return types.ElicitResult(action="accept", content=content)

    return answer_question


async def scenario_bench(session: ClientSession, args: argparse.Namespace, tool: str, raw: str, n: str) -> None:
    arguments, count = json_args(raw), number(n, "N", int)
    for _ in range(max(0, args.warmup)):
        await session.call_tool(tool, arguments, read_timeout_seconds=args.timeout)
    samples, errors = [], 0
    for _ in range(count):
        start = time.perf_counter()
        result = await session.call_tool(tool, arguments, read_timeout_seconds=args.timeout)
        samples.append((time.perf_counter() - start) * 1000)
        errors += bool(result.is_error)
    samples.sort()
    emit(
        {
            "n": count,
            "p50_ms": percentile(samples, 50),
            "p90_ms": percentile(samples, 90),
            "p99_ms": percentile(samples, 99),
            "mean_ms": round(sum(samples) / count, 3),
            "max_ms": round(samples[-1], 3),
            "errors": errors,
        }
    )


async def scenario_cancel(session: ClientSession, args: argparse.Namespace, tool: str, raw: str, after: str) -> None:
    arguments, delay = json_args(raw), number(after, "AFTER_SECONDS")
    then = (args.then[0], json_args(args.then[1])) if args.then else None
    out: dict[str, Any] = {}
    start = time.perf_counter()
    # When this scope's deadline fires inside call_tool, the SDK's dispatcher sends
    # notifications/cancelled {"requestId": <this call's id>, "reason": "caller cancelled"}
    # (shielded, so it goes out) before the cancellation propagates; a late response is dropped.
    with anyio.move_on_after(delay) as scope:
        result = await session.call_tool(tool, arguments, read_timeout_seconds=args.timeout)
    out["cancelled"] = scope.cancelled_caught
    out["elapsed_ms"] = elapsed_ms(start)
    if not scope.cancelled_caught:
        out["result"] = call_summary(result)
    if then is not None:
        start = time.perf_counter()
        result = await session.call_tool(then[0], then[1], read_timeout_seconds=args.timeout)
        out["then"] = call_summary(result) | {"elapsed_ms": elapsed_ms(start)}
    emit(out)


async def scenario_watch(changed: anyio.Event, seconds: str) -> None:
    wait = number(seconds, "SECONDS")
    print("READY", flush=True)
    start = time.perf_counter()
    with anyio.move_on_after(wait):
        await changed.wait()
    emit({"list_changed": changed.is_set(), "elapsed_ms": elapsed_ms(start)})


async def run(args: argparse.Namespace, command: list[str]) -> None:
    name, rest = args.scenario[0], args.scenario[1:]
    changed = anyio.Event()

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            changed.set()
        elif isinstance(message, Exception):
            sys.stderr.write(f"mcp-client: transport error: {message!r}\n")

    asked: list[dict[str, Any]] | None = [] if args.elicit else None
    session_options: dict[str, Any] = {}
    if args.elicit:
        session_options["elicitation_callback"] = elicitation_answerer(args.elicit, asked)
    params = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ), cwd=args.cwd)
    errlog = open(args.server_stderr, "w") if args.server_stderr else sys.stderr
    try:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write, message_handler=on_message, **session_options) as session:
                with anyio.fail_after(args.timeout):
                    await session.initialize()
                if name == "list":
                    await scenario_list(session, args)
                elif name == "call":
                    await scenario_call(session, args, *rest, asked)
                elif name == "progress":
                    await scenario_progress(session, args, *rest)
                elif name == "bench":
                    await scenario_bench(session, args, *rest)
                elif name == "cancel":
                    await scenario_cancel(session, args, *rest)
                else:
                    await scenario_watch(changed, *rest)
    finally:
        if errlog is not sys.stderr:
            errlog.close()


def main(argv: list[str]) -> int:
    try:
        args, command = parse_args(argv)
        # The SDK logs through `logging`, e.g. a warning per call of a tool it has not listed.
        logging.basicConfig(
            level=logging.WARNING if args.verbose else logging.ERROR,
            format="mcp-client: %(name)s: %(message)s",
            stream=sys.stderr,
        )
        anyio.run(run, args, command)
        return 0
    except UsageError as exc:
        sys.stderr.write(f"mcp-client: {exc}\n")
        return 1
    except SystemExit as exc:  # argparse
        return exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # noqa: BLE001 - report anything, including exception groups
        error = find_mcp_error(exc)
        if error is not None:
            emit({"error": {"code": error.error.code, "message": error.error.message, "data": error.error.data}})
            sys.stderr.write(f"mcp-client: JSON-RPC error {error.error.code}: {error.error.message}\n")
            return 2
        if isinstance(exc, KeyboardInterrupt):
            return 130
        sys.stderr.write(f"mcp-client: {describe(exc)}\n")
        return 1


def find_mcp_error(exc: BaseException) -> MCPError | None:
    """The first MCPError carrying a server's error response, looking inside exception groups."""
    if isinstance(exc, MCPError) and exc.error.code not in (types.CONNECTION_CLOSED, types.REQUEST_TIMEOUT):
        return exc
    for inner in getattr(exc, "exceptions", ()):
        found = find_mcp_error(inner)
        if found is not None:
            return found
    return None


def describe(exc: BaseException) -> str:
    inner = getattr(exc, "exceptions", None)
    if inner:
        return "; ".join(describe(e) for e in inner)
    if isinstance(exc, TimeoutError):
        return "timed out waiting for the server"
    return f"{type(exc).__name__}: {exc}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
