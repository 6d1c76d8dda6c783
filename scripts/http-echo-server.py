#!/usr/bin/env python3
"""A real HTTP/1.1 server for the tests of ToolHost's HTTP client (Python's http.server).

Every request is answered with what arrived, as JSON: {"method", "path", "query", "headers",
"body"}. A few paths answer otherwise, to exercise the client's reading of answers:
  /status/<code>        that status, with the echo as body (no body for 204/304)
  /chunked              the echo in chunked transfer encoding, three chunks
  /close                the echo without Content-Length, ended by closing the connection
  /sleep/<seconds>      waits, then answers
  /big/<bytes>          that many 'x' bytes
Prints "READY <port>" (and "<tls port>" with --tls-cert/--tls-key) once listening; exits when
its stdin closes (the test process ended) with --exit-on-stdin-eof.
"""
import argparse
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        echo = json.dumps({
            "method": self.command,
            "path": path,
            "query": query,
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }).encode()
        parts = path.strip("/").split("/")
        if parts[0] == "status" and len(parts) == 2:
            code = int(parts[1])
            self.send_response(code)
            if code in (204, 304):
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.answer(echo)
        elif parts[0] == "chunked":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            third = len(echo) // 3
            for piece in (echo[:third], echo[third:2 * third], echo[2 * third:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        elif parts[0] == "close":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(echo)
            self.close_connection = True
        elif parts[0] == "sleep" and len(parts) == 2:
            time.sleep(float(parts[1]))
            self.send_response(200)
            self.answer(echo)
        elif parts[0] == "big" and len(parts) == 2:
            self.send_response(200)
            self.answer(b"x" * int(parts[1]), "text/plain")
        else:
            self.send_response(200)
            self.send_header("ETag", '"echo-1"')
            self.answer(echo)

    def answer(self, body, content_type="application/json"):
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ready = f"READY {server.server_address[1]}"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        tls_server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        tls_server.daemon_threads = True
        tls_server.socket = context.wrap_socket(tls_server.socket, server_side=True)
        threading.Thread(target=tls_server.serve_forever, daemon=True).start()
        ready += f" {tls_server.server_address[1]}"
    print(ready, flush=True)
    if args.exit_on_stdin_eof:
        sys.stdin.read()
    else:
        threading.Event().wait()


if __name__ == "__main__":
    main()
