#!/usr/bin/env python3
"""Ranking quality of `artifact_store find_similar`: hit@1, hit@5 and MRR (reciprocal rank of
the first right artifact among the first 10, 0 when none) of each ranking — vectors (cosine
similarity, the default), text (full-text match: FTS5's BM25 on SQLite, ts_rank on
PostgreSQL) and hybrid (both fused by reciprocal rank) — over the artifact set of this folder:
the 68 hand-written artifacts of core.py (code fixes, patterns, bug reports, notes, workflows,
prompts, functions) among 252 near misses (distractors.py), with the 68 labelled queries of
queries.json (written before any ranking was run on them, never adjusted after).

Each configuration stores the 320 artifacts into a fresh database with the real `toolhost run
artifact_store store_artifacts` (every type routed to the vector index), then asks each query
with `toolhost run artifact_store find_similar` (top_k 10, min_similarity -1). Embedders: the
built-in `hashing` one, and all-MiniLM-L6-v2 served by scripts/embedding-server.py as an Ollama
server (installed by scripts/setup-test-python.sh; `--skip-model` leaves it out). Engines:
SQLite, and PostgreSQL too with `--postgres URL` (a database the run may fill and empty).

Nothing here is tuned on the labels: the numbers are what each ranking gives.

Usage: python3 Benchmarks/artifacts/artifact_ranking_bench.py [--toolhost PATH] [--skip-model]
           [--postgres URL] [--rankings vectors,text,hybrid] [--json FILE] [--misses]
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
sys.path.insert(0, HERE)
from benchlib import Failure, embedding_server, run_main, sh  # noqa: E402
from core import CORE  # noqa: E402
from distractors import distractors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
TYPES = ["code_fix", "pattern", "bug_report", "note", "workflow", "prompt", "function"]
CONFIG = "database:\n  storage_strategy:\n    bulk_storage_types: []\n    hybrid_storage_types: []\n" \
         f"    rag_storage_types: [{', '.join(TYPES)}]\n"


def artifacts():
    core = [{"artifact_id": id, "artifact_type": kind, "name": name, "content": content, "tags": tags}
            for id, kind, name, content, tags in CORE]
    return core + distractors()


def toolhost(binary, payload, env, work):
    done = sh([binary, "run", "artifact_store"], input=json.dumps(payload), env=env, cwd=work)
    answer = json.loads(done.stdout)
    if not answer.get("success"):
        raise Failure(f"artifact_store answered {answer}")
    return answer


def evaluate(binary, queries, ranking, env, work):
    """(hit@1, hit@5, MRR@10, misses) of one ranking over the queries."""
    hits1 = hits5 = reciprocal = 0.0
    misses = []
    for item in queries:
        answer = toolhost(binary, {"operation": "find_similar", "query": item["query"], "top_k": 10, "min_similarity": -1,
                                   "ranking": ranking}, env, work)
        found = [match["artifact_id"] for match in answer["data"]]
        wanted = set(item["ids"])
        first = next((rank for rank, id in enumerate(found, 1) if id in wanted), None)
        hits1 += first == 1
        hits5 += first is not None and first <= 5
        reciprocal += 1 / first if first else 0
        if first != 1:
            misses.append(f'{item["query"]!r} → {found[:3]} (want {"/".join(item["ids"])})')
    count = len(queries)
    return hits1 / count, hits5 / count, reciprocal / count, misses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--toolhost", default=os.path.join(ROOT, ".build/release/toolhost"))
    parser.add_argument("--skip-model", action="store_true", help="only the hashing embedder")
    parser.add_argument("--postgres", help="also measure on this PostgreSQL database (emptied first)")
    parser.add_argument("--rankings", default="vectors,text,hybrid")
    parser.add_argument("--json", help="write the numbers to this file")
    parser.add_argument("--misses", action="store_true", help="print the queries whose first artifact was wrong")
    args = parser.parse_args()
    binary = os.path.abspath(args.toolhost)
    if not os.path.exists(binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost"], cwd=ROOT, check=True)
    with open(os.path.join(HERE, "queries.json")) as handle:
        queries = json.load(handle)["queries"]
    records = artifacts()
    print(f"{len(records)} artifacts, {len(queries)} labelled queries")
    results = {}
    with tempfile.TemporaryDirectory(prefix="toolhost-artifact-ranking-") as work:
        with open(os.path.join(work, "toolhost.yaml"), "w") as handle:
            handle.write(CONFIG)
        base = dict(os.environ, TOOLHOST_RECORD_INVOCATIONS="false")
        engines = [("sqlite", lambda name: dict(base, TOOLHOST_DATABASE_TYPE="sqlite",
                                                TOOLHOST_DATABASE_PATH=os.path.join(work, name + ".db")))]
        if args.postgres:
            engines.append(("postgres", lambda name: dict(base, DATABASE_URL=args.postgres, TOOLHOST_DATABASE_TYPE="postgres")))
        embedders = [("hashing", {})]
        with contextlib.ExitStack() as servers:  # the model server, when one is started
            if not args.skip_model:
                sh([os.path.join(ROOT, "scripts/setup-test-python.sh")])
                _, ollama = servers.enter_context(embedding_server())
                embedders.append(("all-MiniLM-L6-v2", ollama))
            for engine, environment in engines:
                for embedder, extra in embedders:
                    env = dict(environment(embedder), **extra)
                    if engine == "postgres":  # each embedder starts from an empty index (no tables yet is fine too)
                        subprocess.run(["psql", args.postgres, "-q", "-c", "DELETE FROM memory_vectors"], capture_output=True)
                    for start in range(0, len(records), 100):
                        toolhost(binary, {"operation": "store_artifacts", "artifacts": records[start:start + 100]}, env, work)
                    for ranking in args.rankings.split(","):
                        at1, at5, mrr, misses = evaluate(binary, queries, ranking, env, work)
                        label = f"{engine} / {ranking} / {embedder}"
                        results[label] = {"hit_at_1": round(at1, 3), "hit_at_5": round(at5, 3), "mrr_at_10": round(mrr, 3),
                                          "queries": len(queries), "misses": misses}
                        print(f"{label:40} hit@1 {at1:.3f}  hit@5 {at5:.3f}  MRR {mrr:.3f}", flush=True)
                        if args.misses:
                            for miss in misses:
                                print(f"    {miss}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    run_main(main, "artifact_ranking_bench")
