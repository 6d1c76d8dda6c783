#!/usr/bin/env python3
"""A local stand-in for Ollama's own HTTP API, for tests: no Ollama server can run here (its
releases are binaries downloaded from outside the package registries), so this speaks the part
of Ollama's API that ToolHost and the official `ollama` Python client use, and either forwards
each chat to a real model behind an OpenAI-compatible server (llama.cpp's llama-server) or
answers deterministically.

    python3 scripts/ollama-standin.py --port 0 [--upstream http://127.0.0.1:8080/v1]
                                      [--model gemma3:270m ...] [--exit-on-stdin-eof]

Binds 127.0.0.1, prints exactly one line `READY <port>` on stdout, then serves until killed.
  GET  /                "Ollama is running"
  GET  /api/version     {"version": "0.6.0"}
  GET  /api/tags        the --model names, as Ollama lists pulled models
  POST /api/chat        {"model", "messages", "stream": false, "options", "format"} ->
                        {"model", "created_at", "message": {"role": "assistant", "content"},
                         "done": true, "done_reason", "prompt_eval_count", "eval_count", ...}
  POST /api/generate    {"model", "prompt", "system"} -> {"model", "response", "done": true, ...}
A model not among --model is 404 {"error": "model \"x\" not found, try pulling it first"}, as
Ollama answers. With --upstream the messages, temperature (options.temperature), max tokens
(options.num_predict) and JSON format go to `<upstream>/chat/completions`; without it the reply
is "echo: " + the last user message (the system prompt, if any, in brackets before it), and the
token counts are the number of words.

Test hooks, by model name (they need not be listed with --model):
  hang           accepts the request and never answers (client timeouts, cancellation)
  overloaded     503 {"error": "server overloaded"} every time (retries, llm_unavailable)
  flaky          503 on the first request of each distinct prompt, then answers (retries)
  notjson        answers "this is not JSON" whatever the format (JSON parse failures)
GET /test/requests gives {"chat": n, "by_model": {...}}: the chat requests seen so far.
"""
import argparse, datetime, json, sys, threading, time, urllib.error, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODELS = []
UPSTREAM = None
COUNTS = {"chat": 0, "by_model": {}}
SEEN_PROMPTS = set()
LOCK = threading.Lock()


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def complete(model, messages, options, fmt):
    """(text, prompt_tokens, completion_tokens) for the conversation."""
    if model == "notjson":
        return "this is not JSON", 1, 4
    if UPSTREAM is None:
        user = next((m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), "")
        system = next((m.get("content", "") for m in messages if m.get("role") == "system"), None)
        text = ("[" + system + "] " if system else "") + "echo: " + user
        if fmt is not None:
            text = json.dumps({"echo": user})
        prompt_words = sum(len(str(m.get("content", "")).split()) for m in messages)
        return text, prompt_words, len(text.split())
    body = {"model": model, "messages": messages, "stream": False}
    if "temperature" in options:
        body["temperature"] = options["temperature"]
    if "num_predict" in options:
        body["max_tokens"] = options["num_predict"]
    if fmt == "json":
        body["response_format"] = {"type": "json_object"}
    elif isinstance(fmt, dict):
        body["response_format"] = {"type": "json_schema", "json_schema": {"name": "output", "schema": fmt}}
    request = urllib.request.Request(UPSTREAM.rstrip("/") + "/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = json.load(response)
    usage = answer.get("usage") or {}
    return answer["choices"][0]["message"]["content"], usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, value):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/":
            data = b"Ollama is running"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif self.path == "/api/version":
            self.send_json(200, {"version": "0.6.0"})
        elif self.path == "/api/tags":
            self.send_json(200, {"models": [{"name": m, "model": m, "modified_at": now(), "size": 0, "digest": "0" * 64,
                                             "details": {"format": "gguf"}} for m in MODELS]})
        elif self.path == "/test/requests":
            with LOCK:
                self.send_json(200, COUNTS)
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            request = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self.send_json(400, {"error": "invalid JSON"})
        if self.path not in ("/api/chat", "/api/generate"):
            return self.send_json(404, {"error": "not found"})
        model = request.get("model") or ""
        if self.path == "/api/chat":
            messages = request.get("messages") or []
        else:
            messages = ([{"role": "system", "content": request["system"]}] if request.get("system") else []) + \
                       [{"role": "user", "content": request.get("prompt", "")}]
        with LOCK:
            COUNTS["chat"] += 1
            COUNTS["by_model"][model] = COUNTS["by_model"].get(model, 0) + 1
        if request.get("stream", True) is not False:
            return self.send_json(400, {"error": "this stand-in answers only \"stream\": false"})
        if model == "hang":
            time.sleep(3600)
            return
        if model == "overloaded":
            return self.send_json(503, {"error": "server overloaded"})
        if model == "flaky":
            key = json.dumps(messages, sort_keys=True)
            with LOCK:
                first = key not in SEEN_PROMPTS
                SEEN_PROMPTS.add(key)
            if first:
                return self.send_json(503, {"error": "server busy, try again"})
        elif model not in MODELS and model != "notjson":
            return self.send_json(404, {"error": f'model "{model}" not found, try pulling it first'})
        started = time.monotonic_ns()
        try:
            text, prompt_tokens, completion_tokens = complete(model, messages, request.get("options") or {}, request.get("format"))
        except (urllib.error.URLError, OSError, KeyError, ValueError) as error:
            return self.send_json(500, {"error": f"upstream failed: {error}"})
        took = time.monotonic_ns() - started
        common = {"model": model, "created_at": now(), "done": True, "done_reason": "stop", "total_duration": took,
                  "load_duration": 0, "prompt_eval_count": prompt_tokens, "prompt_eval_duration": took // 2,
                  "eval_count": completion_tokens, "eval_duration": took // 2}
        if self.path == "/api/chat":
            self.send_json(200, dict(common, message={"role": "assistant", "content": text}))
        else:
            self.send_json(200, dict(common, response=text, context=[]))


def main():
    global UPSTREAM, MODELS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--upstream", help="base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--model", action="append", help="a model name to serve (default gemma3:270m)")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="exit when stdin closes (the test process ended)")
    args = parser.parse_args()
    UPSTREAM = args.upstream
    MODELS = args.model or ["gemma3:270m"]
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"READY {server.server_address[1]}", flush=True)
    if args.exit_on_stdin_eof:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdin.read()
        return
    server.serve_forever()


if __name__ == "__main__":
    main()
