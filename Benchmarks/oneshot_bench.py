#!/usr/bin/env python3
"""One-shot `toolhost run` calls on PostgreSQL (issue 20), side by side with code-evolver's own
Python tool, interleaved, medians. Each command is a whole process with one store_log on stdin,
as an agent system runs it:

  python        code-evolver's bulk_data_store.py (psycopg2), when --original names its folder
                (code_evolver/tools/executable of scottgal/mostlylucid.dse: bulk_data_store.py
                and postgres_client.py; not part of this repository)
  in-process    `toolhost run bulk_data_store`, TOOLHOST_HAND_OFF=off: loads libpq, starts a
                backend, inserts, records the call, exits
  hand-off      the same command with `toolhost serve --hand-off` running (same configuration):
                the call runs in the server on its pooled connection (README "Hand-off")
  sqlite        the in-process call on an SQLite file, for reference (TOOLHOST_HAND_OFF=off)
  sqlite, auto  the same with hand-off left on (the default) and no server of its configuration:
                what computing the identity and one failed connect cost every call

The two ways the issue names to cut the PostgreSQL cost are measured as follows:
  (a) hand-off: measured as above.
  (b) a native wire-protocol client in the one-shot path: what it would save is libpq's loading
      (a native client still starts a backend and makes the same round trips). Its floor is
      estimated from parts measured in the same run: the SQLite call (start-up, ToolHost's own
      work, no library to load) + a backend start (`backend`: a bare protocol-3 start-up on the
      server's socket, trust authentication, until ReadyForQuery) + the insert's and the
      recording's round trips (the in-process call minus its own connect, which is not
      separable here, so the estimate leaves them out: it is a floor).

All commands use one throwaway PostgreSQL server (scripts/test-postgres.sh: unix socket, trust,
fsync off) and record the call as they do by default.

  baseline      an earlier toolhost binary in-process (--baseline), e.g. the commit before issue 20

Usage: python3 Benchmarks/oneshot_bench.py [--runs N] [--original DIR] [--baseline PATH] [--toolhost PATH] [--serve PATH]
  Build first: swift build -c release --product toolhost --static-swift-stdlib --scratch-path .build-static
           and swift build -c release --product toolhost-serve (it cannot link the stdlib statically)
"""
import argparse
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, Failure, clean_up, measured, median, run_main, sh  # noqa: E402

PAYLOAD = json.dumps({"operation": "store_log", "tool_id": "bench", "log_level": "info", "message": "one log line"})


def backend_start_seconds(socket_dir, port, database):
    """A bare protocol-3 start-up on the server's unix socket (trust), until ReadyForQuery: the
    part of a connection a native client cannot avoid."""
    started = time.perf_counter()
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(os.path.join(socket_dir, f".s.PGSQL.{port}"))
    body = struct.pack("!I", 196608) + b"user\0postgres\0database\0" + database.encode() + b"\0\0"
    connection.sendall(struct.pack("!I", len(body) + 4) + body)
    received = b""
    while not received.endswith(b"Z\x00\x00\x00\x05I"):
        chunk = connection.recv(65536)
        if not chunk:
            raise Failure(f"the server closed the start-up: {received[:200]!r}")
        if chunk.startswith(b"E"):
            raise Failure(f"the server refused the start-up: {chunk[:200]!r}")
        received += chunk
    elapsed = time.perf_counter() - started
    connection.sendall(b"X\x00\x00\x00\x04")
    connection.close()
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--original", help="folder with code-evolver's bulk_data_store.py and postgres_client.py")
    parser.add_argument("--toolhost", default=os.path.join(ROOT, ".build-static/release/toolhost"))
    parser.add_argument("--serve", default=os.path.join(ROOT, ".build/release/toolhost-serve"))
    parser.add_argument("--baseline", help="an earlier toolhost binary, measured in-process beside the others")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    for program in (args.toolhost, args.serve):
        if not os.access(program, os.X_OK):
            raise Failure(f"{program} is not built (see --help)")

    work = tempfile.mkdtemp(prefix="toolhost-oneshot-bench-")
    url = sh([os.path.join(ROOT, "scripts/test-postgres.sh"), "start"]).stdout.strip()
    socket_dir = url.split("host=")[1].split("&")[0]
    port = url.split("port=")[1].split("&")[0]
    server = None
    try:
        sh(["psql", url, "-qc", "CREATE DATABASE oneshot"])
        database_url = url.replace("/toolhost_test?", "/oneshot?")
        # A folder of its own with a config file, so the data directory (and the hand-off
        # socket) is <work>/data; the same environment for the server and every caller.
        with open(os.path.join(work, "toolhost.yaml"), "w") as config:
            config.write("# oneshot benchmark\n")
        base = {"PATH": os.environ["PATH"], "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache")}
        postgres = dict(base, DATABASE_URL=database_url)
        sqlite = dict(base, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=os.path.join(work, "oneshot.db"))
        sh([args.toolhost, "db", "migrate"], env=postgres, cwd=work)
        sh([args.toolhost, "db", "migrate"], env=sqlite, cwd=work)
        payload_path = os.path.join(work, "store_log.json")
        with open(payload_path, "w") as handle:
            handle.write(PAYLOAD)

        server = subprocess.Popen([args.serve, "--hand-off"], env=postgres, cwd=work,
                                  stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "serve.log"), "w"))
        deadline = time.time() + 30
        data = os.path.join(work, "data")
        while not (os.path.isdir(data) and any(name.endswith(".sock") for name in os.listdir(data))):
            if time.time() > deadline or server.poll() is not None:
                raise Failure(f"toolhost serve --hand-off made no socket: {open(os.path.join(work, 'serve.log')).read()[:500]}")
            time.sleep(0.05)

        commands = {
            "in-process": ([args.toolhost, "run", "bulk_data_store"], dict(postgres, TOOLHOST_HAND_OFF="off")),
            "hand-off": ([args.toolhost, "run", "bulk_data_store"], dict(postgres, TOOLHOST_HAND_OFF="require")),
            "sqlite": ([args.toolhost, "run", "bulk_data_store"], dict(sqlite, TOOLHOST_HAND_OFF="off")),
            # The default (auto) with no server of its configuration: what looking for one costs.
            "sqlite, auto": ([args.toolhost, "run", "bulk_data_store"], sqlite),
        }
        if args.baseline:
            commands["baseline"] = ([args.baseline, "run", "bulk_data_store"], dict(postgres, TOOLHOST_HAND_OFF="off"))
        if args.original:
            commands["python"] = (["python3", os.path.join(args.original, "bulk_data_store.py")],
                                  dict(base, POSTGRES_HOST=socket_dir, POSTGRES_PORT=port, POSTGRES_DB="oneshot", POSTGRES_USER="postgres"))
        times = {name: [] for name in commands}
        times["backend"] = []
        for _ in range(3):  # warm-up: page cache, the server's first connection
            for command, env in commands.values():
                measured(command, env, stdin_path=payload_path, cwd=work)
        for _ in range(args.runs):
            for name, (command, env) in commands.items():
                seconds, _, status, stdout, stderr = measured(command, env, stdout_path=os.path.join(work, "out"), stdin_path=payload_path, cwd=work)
                if status != 0 or '"success": true' not in stdout.replace('"success":true', '"success": true'):
                    raise Failure(f"{name} failed ({status}): {stdout[:300]} {stderr[:300]}")
                times[name].append(seconds * 1000)
            times["backend"].append(backend_start_seconds(socket_dir, port, "oneshot") * 1000)

        medians = {name: median(values) for name, values in times.items()}
        medians["native floor (b)"] = medians["sqlite"] + medians["backend"]
        print(f"\nOne store_log per process on PostgreSQL, median of {args.runs} interleaved runs (ms)")
        for name in ["python", "baseline", "in-process", "hand-off", "native floor (b)", "sqlite", "sqlite, auto", "backend"]:
            if name in medians:
                line = f"   {name:<17} {medians[name]:7.2f}"
                if "python" in medians and name not in ("backend",):
                    line += f"   python / this = {medians['python'] / medians[name]:5.1f}x"
                print(line)
        print(f"   in-process / hand-off = {medians['in-process'] / medians['hand-off']:.2f}x")
        rows = sh(["psql", "-X", database_url, "-qAtc", "SELECT count(*) FROM tool_logs"]).stdout.strip()
        print(f"   rows stored in PostgreSQL: {rows}")
        results = {"runs": args.runs, "medians_ms": medians}
        if args.json:
            with open(args.json, "w") as out:
                json.dump(results, out, indent=2)
        print(json.dumps(results))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        clean_up(socket_dir, work)


if __name__ == "__main__":
    run_main(main, "oneshot_bench")
