#!/usr/bin/env python3
"""Starts llama.cpp's OpenAI-compatible server (llama-server, built by scripts/setup-llm-server.sh)
with Gemma 3 270M on a free local port, for tests and benchmarks.

    python3 scripts/llm-server.py [--port N] [--server PATH] [--model PATH] [--exit-on-stdin-eof]

Without --server/--model, runs scripts/setup-llm-server.sh (which only prints the cached paths
once it has built them). Waits until the server has loaded the model (GET /health is 200),
prints exactly one line `READY <port>` on stdout, then keeps the server running until killed
(or, with --exit-on-stdin-eof, until stdin closes), and stops it on the way out.
The model answers as `gemma3-270m` (its alias) at http://127.0.0.1:<port>/v1.
"""
import argparse, os, signal, socket, subprocess, sys, threading, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cached_paths():
    out = subprocess.run([os.path.join(HERE, "setup-llm-server.sh")], check=True, capture_output=True, text=True).stdout
    paths = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return paths["LLAMA_SERVER"], paths["LLAMA_MODEL"]


def start(server, model, port):
    # Two threads (the machine has two cores), a small context: enough for test prompts. The
    # GGUF carries no chat template: Gemma's own built-in one (not the ChatML fallback).
    return subprocess.Popen([server, "-m", model, "--host", "127.0.0.1", "--port", str(port), "--alias", "gemma3-270m",
                             "-c", "2048", "-t", "2", "--parallel", "1", "--no-webui",
                             "--no-jinja", "--chat-template", "gemma"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def healthy(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server")
    parser.add_argument("--model")
    parser.add_argument("--port", type=int, default=0, help="the port to serve on (default: a free one)")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args()
    server, model = (args.server, args.model) if args.server and args.model else cached_paths()
    for _ in range(5):  # a port taken between free_port() and the bind: try another
        port = args.port or free_port()
        process = start(server, model, port)
        deadline = time.monotonic() + 180
        while process.poll() is None and time.monotonic() < deadline and not healthy(port):
            time.sleep(0.2)
        if process.poll() is None and healthy(port):
            break
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        error = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
        if "bind" not in error and "address" not in error.lower():
            sys.exit(f"llm-server: llama-server did not start: {error}")
    else:
        sys.exit("llm-server: no free port found")
    # Keep reading llama-server's stderr so it never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()

    def stop(*_):
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"READY {port}", flush=True)
    if args.exit_on_stdin_eof:
        sys.stdin.read()
    else:
        process.wait()
    stop()


if __name__ == "__main__":
    main()
