#!/usr/bin/env python3
"""Real local HTTP servers for the openapi tool tests (Tests/ToolHostCLITests/OpenAPIToolTests.swift).

  openapi-test-servers.py httpbin          PyPI's httpbin app served by waitress (both from PyPI,
                                           installed by scripts/setup-test-python.sh)
  openapi-test-servers.py spec FILE        FILE at /spec.json (or .yaml) with an ETag; answers
                                           If-None-Match with 304; logs "GET <path> <status>" per request
  openapi-test-servers.py silent           accepts connections and never answers

Each listens on 127.0.0.1 on a port of the system's choosing, prints "READY <port>" and stops when
its standard input closes (the test ended or died), so no server outlives its test.
"""
import hashlib
import os
import socket
import sys
import threading
import time


def exit_on_stdin_eof():
    def watch():
        sys.stdin.read()
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


def httpbin():
    import httpbin as app_module
    from waitress.server import create_server
    server = create_server(app_module.app, host="127.0.0.1", port=0, threads=8)
    print("READY", server.effective_port, flush=True)
    server.run()


def spec(path):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    with open(path, "rb") as handle:
        body = handle.read()
    etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
    content_type = "application/json" if path.endswith(".json") else "application/yaml"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                status = 304
            else:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                status = 200
            print("GET", self.path, status, flush=True)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("READY", server.server_address[1], flush=True)
    server.serve_forever()


def silent():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print("READY", listener.getsockname()[1], flush=True)
    held = []
    while True:
        connection, _ = listener.accept()
        held.append(connection)  # never read, never answered, never closed


if __name__ == "__main__":
    exit_on_stdin_eof()
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "httpbin":
        httpbin()
    elif mode == "spec" and len(sys.argv) == 3:
        spec(sys.argv[2])
    elif mode == "silent":
        silent()
    else:
        sys.exit(__doc__)
