#!/usr/bin/env python3
"""An OTLP/HTTP trace receiver for ToolHost's tracing tests and benchmark.

Accepts POST /v1/traces with a protobuf body, decodes it with the official OpenTelemetry
protocol package (PyPI opentelemetry-proto: ExportTraceServiceRequest), and appends one JSON
line per span to --out: its ids as hex, name, kind, times, attributes as plain values, status,
flags, the resource's attributes, the scope, and the request's headers. A body that does not
decode is answered 400 and recorded as {"undecodable": ...}, so a test sees the encoding fail.

--status N answers every export with N (a collector that is down or refuses); --discard
decodes and counts but writes nothing (the tracing-cost benchmark).

Prints `READY <port>` once listening; with --exit-on-stdin-eof it exits when stdin closes.
"""
import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status


def plain(any_value):
    """An AnyValue as the Python value it holds."""
    kind = any_value.WhichOneof("value")
    if kind == "array_value":
        return [plain(v) for v in any_value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: plain(kv.value) for kv in any_value.kvlist_value.values}
    if kind == "bytes_value":
        return any_value.bytes_value.hex()
    return getattr(any_value, kind) if kind else None


def attributes(key_values):
    return {kv.key: plain(kv.value) for kv in key_values}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=4318)
    parser.add_argument("--out", help="file the decoded spans are appended to, one JSON object per line")
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--discard", action="store_true")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    options = parser.parse_args()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body=b"", content_type="application/x-protobuf"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path != "/v1/traces":
                return self.answer(404, b"not found", "text/plain")
            if options.status != 200:
                return self.answer(options.status, b"refused", "text/plain")
            request = ExportTraceServiceRequest()
            try:
                request.ParseFromString(body)
            except DecodeError as error:
                self.record([{"undecodable": str(error)}])
                return self.answer(400, str(error).encode(), "text/plain")
            headers = {name.lower(): value for name, value in self.headers.items()}
            lines = []
            for resource_spans in request.resource_spans:
                resource = attributes(resource_spans.resource.attributes)
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        lines.append({
                            "trace_id": span.trace_id.hex(),
                            "span_id": span.span_id.hex(),
                            "parent_span_id": span.parent_span_id.hex(),
                            "trace_state": span.trace_state,
                            "name": span.name,
                            "kind": Span.SpanKind.Name(span.kind),
                            "start": span.start_time_unix_nano,
                            "end": span.end_time_unix_nano,
                            "attributes": attributes(span.attributes),
                            "status": Status.StatusCode.Name(span.status.code),
                            "status_message": span.status.message,
                            "flags": span.flags,
                            "resource": resource,
                            "scope": {"name": scope_spans.scope.name, "version": scope_spans.scope.version},
                            "headers": headers,
                        })
            self.record(lines)
            self.answer(200, ExportTraceServiceResponse().SerializeToString())

        def record(self, lines):
            if options.discard or not options.out:
                return
            with lock, open(options.out, "a") as out:
                for line in lines:
                    out.write(json.dumps(line) + "\n")

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    print(f"READY {server.server_address[1]}", flush=True)
    if options.exit_on_stdin_eof:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdin.read()
        server.shutdown()
    else:
        server.serve_forever()


if __name__ == "__main__":
    main()
