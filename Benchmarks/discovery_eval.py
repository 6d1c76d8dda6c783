#!/usr/bin/env python3
"""Tool discovery quality: hit@1 and hit@5 of `toolhost search` over the labelled needs of
Benchmarks/fixtures/tool_needs.json (36 needs → the shipped tool that serves each), for the built-in
hashing embedder and for a real model (all-MiniLM-L6-v2 served by scripts/embedding-server.py,
reached as an Ollama server; installed by scripts/setup-test-python.sh).

Usage: python3 Benchmarks/discovery_eval.py [--skip-build] [--skip-model] [--json FILE]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import Failure, run_main, sh  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLHOST = os.path.join(ROOT, ".build-static/release/toolhost")


def evaluate(needs, env, work):
    """(hit@1, hit@5, misses) of one embedder configuration over the needs."""
    hits1 = hits5 = 0
    misses = []
    for item in needs:
        done = sh([TOOLHOST, "search", item["need"], "--json", "--limit", "5", "--tools-dir", os.path.join(ROOT, "tools")], env=env, cwd=work)
        found = [match["tool"] for match in json.loads(done.stdout)["data"]]
        hits1 += found[:1] == [item["tool"]]
        hits5 += item["tool"] in found
        if found[:1] != [item["tool"]]:
            misses.append(f'{item["need"]!r} → {found[:1]} (want {item["tool"]})')
    return hits1 / len(needs), hits5 / len(needs), misses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-model", action="store_true", help="only the hashing embedder")
    parser.add_argument("--json", help="write the numbers to this file")
    args = parser.parse_args()
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost", "--static-swift-stdlib",
                        "--scratch-path", ".build-static"], cwd=ROOT, check=True)
    with open(os.path.join(ROOT, "Benchmarks/fixtures/tool_needs.json")) as handle:
        needs = json.load(handle)["needs"]
    results = {}
    server = None
    with tempfile.TemporaryDirectory(prefix="toolhost-discovery-") as work:
        base = dict(os.environ, TOOLHOST_RECORD_INVOCATIONS="false", TOOLHOST_DATABASE_TYPE="sqlite")
        configurations = [("hashing", dict(base, TOOLHOST_DATABASE_PATH=os.path.join(work, "hashing.db")))]
        try:
            if not args.skip_model:
                sh([os.path.join(ROOT, "scripts/setup-test-python.sh")])
                server = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/embedding-server.py"), "--port", "0"],
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                ready = server.stdout.readline().split()
                if len(ready) != 2 or ready[0] != "READY":
                    raise Failure(f"the embedding server did not start: {ready}")
                configurations.append(("all-MiniLM-L6-v2 (ollama API)", dict(
                    base, TOOLHOST_DATABASE_PATH=os.path.join(work, "model.db"), TOOLHOST_EMBEDDER="ollama",
                    TOOLHOST_EMBEDDER_URL=f"http://127.0.0.1:{ready[1]}", TOOLHOST_EMBEDDER_MODEL="all-minilm")))
            for name, env in configurations:
                at1, at5, misses = evaluate(needs, env, work)
                results[name] = {"hit_at_1": round(at1, 3), "hit_at_5": round(at5, 3), "needs": len(needs), "misses": misses}
                print(f"{name:32} hit@1 {at1:.3f}  hit@5 {at5:.3f}  ({len(needs)} needs, {len(misses)} not first)")
                for miss in misses:
                    print(f"    {miss}")
        finally:
            if server:
                server.terminate()
                server.wait()
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    run_main(main, "discovery_eval")
