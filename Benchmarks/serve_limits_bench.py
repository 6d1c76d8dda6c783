#!/usr/bin/env python3
"""The adversarial pass of issue 15 (item 5) against `toolhost serve --http`, default settings.

  1. 300 slowloris connections, each sending one more header line every second: how long the
     server keeps them (the header timeout, 10 s, should close them);
  2. a body shorter than its Content-Length: when, and how, the server answers (body timeout, 30 s);
  3. 10,000 connections that send nothing, held open by this script: the server's descriptors and
     resident memory (VmRSS) while they arrive, 15 s later, and once this script closed them.

Usage: python3 Benchmarks/serve_limits_bench.py [--binary .build/release/toolhost-serve] [--baseline OLD/toolhost-serve]
  Build with `swift build -c release --product toolhost-serve`. This script needs about 10,100
  descriptors of its own (`ulimit -n`), and so does a baseline server, which holds every one.
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, Failure, run_main  # noqa: E402


def usage(pid):
    """(resident MB, open descriptors) of the server."""
    with open(f"/proc/{pid}/status") as handle:
        rss = next(int(line.split()[1]) // 1024 for line in handle if line.startswith("VmRSS"))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def slowloris(port, count=300, limit=40):
    connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    started = time.time()
    open_ones = set(range(count))
    for connection in connections:
        connection.sendall(b"GET /healthz HTTP/1.1\r\n")
        connection.setblocking(False)
    while open_ones and time.time() - started < limit:
        for index in list(open_ones):
            try:
                if connections[index].recv(4096) == b"":
                    open_ones.discard(index)
                    continue
            except BlockingIOError:
                pass
            except OSError:
                open_ones.discard(index)
                continue
            try:
                connections[index].send(b"X-Slow: 1\r\n")
            except OSError:
                open_ones.discard(index)
        time.sleep(1)
    for connection in connections:
        connection.close()
    return len(open_ones), time.time() - started


def short_body(port, limit=60):
    connection = socket.create_connection(("127.0.0.1", port))
    connection.settimeout(limit)
    started = time.time()
    connection.sendall(b"POST /api/tools/x/invoke HTTP/1.1\r\nHost: bench\r\nContent-Length: 100\r\n\r\n{\"a\": ")
    received = b""
    try:
        while chunk := connection.recv(4096):
            received += chunk
    except socket.timeout:
        return f"no answer and still open after {limit} s"
    finally:
        connection.close()
    status = received.split(b"\r\n", 1)[0].decode() or "closed without an answer"
    return f"{status} after {time.time() - started:.1f} s"


def flood(pid, port, count=10_000):
    connections, failed = [], 0
    for _ in range(count):
        try:
            connections.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            failed += 1
    during = usage(pid)
    time.sleep(15)
    later = usage(pid)
    for connection in connections:
        connection.close()
    time.sleep(3)
    return failed, during, later, usage(pid)


def measure(binary, label):
    folder = tempfile.mkdtemp(prefix="toolhost-limits-")
    config = os.path.join(folder, "bench.yaml")
    with open(config, "w") as handle:
        handle.write("training:\n  record_invocations: false\n")
    server = subprocess.Popen([binary, "--http", "--listen", "127.0.0.1:0", "--config", config],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=folder)
    try:
        line = server.stdout.readline()
        if "listening on" not in line:
            raise Failure(f"{binary} did not start: {line!r}")
        port = int(line.rsplit(":", 1)[1])
        print(f"{label} ({binary})", flush=True)
        rss, fds = usage(server.pid)
        print(f"  at start: {rss} MB resident, {fds} descriptors", flush=True)
        still_open, seconds = slowloris(port)
        print(f"  300 slowloris connections: {still_open} still open after {seconds:.0f} s", flush=True)
        print(f"  a body shorter than its Content-Length: {short_body(port)}", flush=True)
        time.sleep(3)
        failed, during, later, after = flood(server.pid, port)
        print(f"  10,000 connections sending nothing ({failed} could not connect):", flush=True)
        print(f"    as they arrived: {during[0]} MB, {during[1]} descriptors", flush=True)
        print(f"    15 s later, still held by the client: {later[0]} MB, {later[1]} descriptors", flush=True)
        print(f"    once the client closed them: {after[0]} MB, {after[1]} descriptors", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/toolhost-serve"))
    parser.add_argument("--baseline", help="a toolhost-serve from before the connection limits")
    args = parser.parse_args()
    if args.baseline:
        measure(args.baseline, "baseline")
    measure(args.binary, "current")


if __name__ == "__main__":
    run_main(main)
