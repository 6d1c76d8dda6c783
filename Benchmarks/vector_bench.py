#!/usr/bin/env python3
"""Vector search of the sql index: cold (a whole `toolhost run` process) and warm, exact and
int8-quantized, before and after vector files, and the quantized scan's recall. SQLite.

Vectors are real all-MiniLM-L6-v2 vectors of PyPI package summaries, made by
Benchmarks/vector_corpus.py (cached in ~/.cache/toolhost-bench; run it first: the NumPy model is
slow). Rows are written straight into memory_vectors with Python's sqlite3 (the schema made by
one toolhost call first); a collection larger than the cache is filled with the cached vectors
again, each with Gaussian noise (sigma 0.02 per dimension, renormalised): the speed figures of
such a collection are real, its recall figures would not be, and none is reported for it.

  1. Cold find_similar, top-10, at --rows-small and --rows-large rows: one `toolhost run
     artifact_store` process per query, the build before this change (--base, a static release
     build of commit 78946b9: it reads every vector from the database) and after it (maps the
     vector file written beside the database by a first search, kept in the page cache),
     interleaved query by query, --cold-queries each; median whole-process ms. The query is
     embedded by the built-in hashing embedder (the rows carry its fingerprint): the speed of a
     search does not depend on which model made the vectors.
  2. Warm top-10 at --rows-large: `toolhost bench artifact_store` over --queries inputs,
     --iterations calls after --warmup, TOOLHOST_VECTOR_SCAN=exact and =quantized in turn,
     --runs rounds each, interleaved; median of the rounds' p50.
  3. Recall@10 of the quantized scan against exact, on the cached real vectors (all but the
     last --recall-queries, whose texts are the queries: never a stored text), the queries
     embedded by scripts/embedding-server.py through memory.embedder ollama; one `toolhost run`
     per query and scan. Also the recall the shortlist alone would have at other rescoring
     factors and with a scale per dimension instead of per row (NumPy, same vectors), which
     chose VectorQuantization's settings.

Prints a table, then the results as one JSON line (also written to --json FILE).

Usage: python3 Benchmarks/vector_bench.py [--rows-small N] [--rows-large N] [--cold-queries N]
           [--queries N] [--iterations N] [--warmup N] [--runs N] [--recall-queries N]
           [--toolhost PATH] [--base PATH] [--skip-build] [--json FILE]
Needs numpy (scripts/setup-test-python.sh) and the two builds:
  swift build -c release --product toolhost --static-swift-stdlib --scratch-path .build-static
  git worktree add /tmp/vectors-base 78946b9 && (cd /tmp/vectors-base && <the same build>)
"""
import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

import numpy as np

from benchlib import Failure, embedding_server, finish, measured, median, print_footer, recording_failure, sh

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLHOST = os.path.join(ROOT, ".build-static/release/toolhost")
BASE = "/tmp/vectors-base/.build-static/release/toolhost"
CACHE = os.path.expanduser("~/.cache/toolhost-bench")
DIMENSION = 384
TOOL = "artifact_store"
TOP_K = 10


def cached_vectors():
    """(texts, float32 matrix) from Benchmarks/vector_corpus.py's cache."""
    path = os.path.join(CACHE, "minilm-pypi.f32")
    if not os.path.exists(path):
        raise Failure(f"no cached vectors at {path}: run python3 Benchmarks/vector_corpus.py first")
    vectors = np.fromfile(path, dtype="<f4")
    vectors = vectors[: len(vectors) // DIMENSION * DIMENSION].reshape(-1, DIMENSION)
    with open(os.path.join(CACHE, "minilm-pypi.txt"), encoding="utf-8") as f:
        texts = f.read().split("\n")[: len(vectors)]
    return texts, vectors[: len(texts)]


def filled(vectors, rows, seed):
    """`rows` vectors: the given ones, then noisy copies of them (see the docstring)."""
    if rows <= len(vectors):
        return vectors[:rows]
    generator = np.random.default_rng(seed)
    parts = [vectors]
    made = len(vectors)
    while made < rows:
        block = vectors[: min(len(vectors), rows - made)]
        noisy = block + generator.normal(0, 0.02, block.shape).astype(np.float32)
        parts.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
        made += len(block)
    return np.concatenate(parts)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows-small", type=int, default=100_000)
    parser.add_argument("--rows-large", type=int, default=1_000_000)
    parser.add_argument("--cold-queries", type=int, default=15)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--recall-queries", type=int, default=200)
    parser.add_argument("--toolhost", default=TOOLHOST)
    parser.add_argument("--base", default=BASE)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    started = time.time()
    if not args.skip_build:
        sh(["swift", "build", "-c", "release", "--product", "toolhost", "--static-swift-stdlib", "--scratch-path", ".build-static"], cwd=ROOT)
    for binary in (args.toolhost, args.base):
        if not os.access(binary, os.X_OK):
            raise Failure(f"{binary} is not built (see the docstring)")
    texts, vectors = cached_vectors()
    work = tempfile.mkdtemp(prefix="toolhost-vector-bench-")
    base_env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache"),
                "TOOLHOST_TOOLS_PATH": os.path.join(ROOT, "tools"), "TOOLHOST_RECORD_INVOCATIONS": "false",
                "TOOLHOST_DATABASE_TYPE": "sqlite", "TOOLHOST_VECTOR_INDEX": "sql"}
    results = {"cached_real_vectors": len(vectors), "rows_small": args.rows_small, "rows_large": args.rows_large, "top_k": TOP_K}
    failures = []
    stdout_path = os.path.join(work, "stdout.txt")

    def run(binary, env, payload):
        """One `toolhost run artifact_store`; (answer, whole-process seconds)."""
        path = os.path.join(work, "call.json")
        with open(path, "w") as out:
            json.dump(payload, out)
        seconds, _, status, stdout, stderr = measured([binary, "run", TOOL, "--input", path], env, stdout_path, cwd=work,
                                                      stdout_limit=50_000_000)
        answer = json.loads(stdout) if stdout.startswith("{") else None
        if status != 0 or not isinstance(answer, dict) or answer.get("success") is not True:
            raise Failure(f"{os.path.basename(binary)} {json.dumps(payload)[:200]} exited {status}: {stdout[:400]} {stderr[:400]}")
        return answer, seconds

    def find(text):
        return {"operation": "find_similar", "query": text, "top_k": TOP_K, "min_similarity": -1}

    def database(name, matrix, env):
        """A SQLite database whose collection `artifacts` holds `matrix`, with the embedder
        fingerprint `env` configures; returns its environment."""
        env = dict(env, TOOLHOST_DATABASE_PATH=os.path.join(work, name))
        run(args.toolhost, env, {"operation": "store_artifact", "artifact_id": "probe", "artifact_type": "pattern", "name": "probe",
                                  "content": "probe"})
        connection = sqlite3.connect(env["TOOLHOST_DATABASE_PATH"])
        embedder = connection.execute("SELECT embedder FROM memory_vectors").fetchone()[0]
        connection.execute("DELETE FROM memory_vectors")
        rows = ((f"v{i}", "pattern", "[]", json.dumps({"artifact_id": f"v{i}", "name": texts[i % len(texts)][:60]}), "", embedder,
                 DIMENSION, matrix[i].astype("<f4").tobytes()) for i in range(len(matrix)))
        connection.executemany("INSERT INTO memory_vectors (collection, artifact_id, artifact_type, tags, document, content_hash, embedder,"
                               " dimension, embedding) VALUES ('artifacts', ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        connection.commit()
        connection.close()
        return env

    random.seed(7)
    query_texts = [" ".join(random.sample(texts[random.randrange(len(texts))].split(), 3)) for _ in range(max(args.queries, args.cold_queries))]
    try:
        hashing_env = dict(base_env, TOOLHOST_EMBEDDER="hashing")
        print(f"Vector search bench: {len(vectors):,} cached real vectors; work folder {work}", flush=True)
        for label, rows in (("small", args.rows_small), ("large", args.rows_large)):
            with recording_failure(failures, f"cold {label}"):
                loaded = time.time()
                env = database(f"{label}.db", filled(vectors, rows, seed=rows), hashing_env)
                print(f"\n1. cold find_similar, {rows:,} rows (loaded in {time.time() - loaded:.0f} s)", flush=True)
                # The first search of the new build reads the database and writes the file.
                _, first = run(args.toolhost, env, find(query_texts[0]))
                seconds = {"before": [], "after": []}
                overlap = []
                for text in query_texts[: args.cold_queries]:
                    before, seconds_before = run(args.base, env, find(text))
                    after, seconds_after = run(args.toolhost, env, find(text))
                    seconds["before"].append(seconds_before)
                    seconds["after"].append(seconds_after)
                    overlap.append(len({m["artifact_id"] for m in before["data"]} & {m["artifact_id"] for m in after["data"]}) / TOP_K)
                row = {name: {"p50_ms": median(s) * 1000, "p95_ms": percentile(s, 0.95) * 1000} for name, s in seconds.items()}
                row["first_search_after_ms"] = first * 1000
                row["ratio"] = row["after"]["p50_ms"] / row["before"]["p50_ms"]
                row["top10_overlap_before_after"] = median(overlap)
                results[f"cold_{label}"] = row
                print(f"   before {row['before']['p50_ms']:.1f} ms, after {row['after']['p50_ms']:.1f} ms (ratio {row['ratio']:.3f}; "
                      f"first search after, writing the file: {first:.1f} s)", flush=True)
                if label == "large":
                    with recording_failure(failures, "warm large"):
                        inputs = os.path.join(work, "queries.jsonl")
                        with open(inputs, "w") as out:
                            for text in query_texts[: args.queries]:
                                out.write(json.dumps(find(text)) + "\n")
                        rounds = {"exact": [], "quantized": []}
                        for _ in range(args.runs):
                            for scan in rounds:
                                _, _, status, stdout, stderr = measured(
                                    [args.toolhost, "bench", TOOL, "--inputs", inputs, "--iterations", str(args.iterations), "--warmup",
                                     str(args.warmup)], dict(env, TOOLHOST_VECTOR_SCAN=scan), stdout_path, cwd=work)
                                report = json.loads(stdout) if stdout.startswith("{") else {}
                                if status != 0 or report.get("failures") != 0:
                                    raise Failure(f"toolhost bench ({scan}) exited {status}: {stdout[:400]} {stderr[:400]}")
                                rounds[scan].append(report["p50_ms"])
                        warm = {scan: {"p50_ms": median(p50s), "rounds_p50_ms": p50s} for scan, p50s in rounds.items()}
                        warm["ratio"] = warm["quantized"]["p50_ms"] / warm["exact"]["p50_ms"]
                        results["warm_large"] = warm
                        print(f"2. warm top-10, {rows:,} rows: exact p50 {warm['exact']['p50_ms']:.2f} ms, quantized "
                              f"{warm['quantized']['p50_ms']:.2f} ms (ratio {warm['ratio']:.3f})", flush=True)
                os.remove(env["TOOLHOST_DATABASE_PATH"])

        with recording_failure(failures, "recall"):
            recall(args, texts, vectors, base_env, run, find, database, results)
    finally:
        subprocess.run(["rm", "-rf", work])
    results["total_seconds"] = time.time() - started
    print_footer(results, failures)
    sys.exit(finish(results, failures, args.json))


def recall(args, texts, vectors, base_env, run, find, database, results):
    """Part 3: recall@10 of the quantized scan against exact, through toolhost and in NumPy."""
    stored = vectors[: len(vectors) - args.recall_queries]
    queries = texts[len(stored):len(vectors)]
    with embedding_server() as (_, ollama):
        env = database("recall.db", stored, dict(base_env, **ollama))
        print(f"\n3. recall@10 on {len(stored):,} real vectors, {len(queries)} held-out texts as queries", flush=True)
        found = drift = 0
        for text in queries:
            exact, _ = run(args.toolhost, dict(env, TOOLHOST_VECTOR_SCAN="exact"), find(text))
            quantized, _ = run(args.toolhost, dict(env, TOOLHOST_VECTOR_SCAN="quantized"), find(text))
            truth = {m["artifact_id"]: m["score"] for m in exact["data"]}
            found += sum(1 for m in quantized["data"] if m["artifact_id"] in truth)
            drift = max([drift] + [abs(truth[m["artifact_id"]] - m["score"]) for m in quantized["data"] if m["artifact_id"] in truth])
        results["recall"] = {"rows": len(stored), "queries": len(queries), "recall_at_10": found / (TOP_K * len(queries)),
                             "max_score_difference": drift}
        print(f"   toolhost: recall@10 {found / (TOP_K * len(queries)):.4f} (max score difference on shared ids {drift})", flush=True)
    # The choices: scale per row or per dimension, and the rescoring factor (NumPy, same vectors;
    # the query vectors are the held-out rows' own cached vectors).
    query_vectors = vectors[len(stored):]
    exact_top = np.argsort(-(stored @ query_vectors.T), axis=0)[:TOP_K].T
    per_row_scale = np.abs(stored).max(1, keepdims=True) / 127
    per_row = np.round(stored / per_row_scale).astype(np.int8)
    per_dim_scale = np.abs(stored).max(0, keepdims=True) / 127
    per_dim = np.round(stored / per_dim_scale).astype(np.int8)
    choices = {}
    for name in ("per_row", "per_dimension"):
        for factor in (1, 2, 4, 8, 10):
            hits = 0
            for j, q in enumerate(query_vectors):
                if name == "per_row":
                    approx = (per_row.astype(np.int32) @ np.round(q / (np.abs(q).max() / 127)).astype(np.int32)) * per_row_scale[:, 0]
                else:
                    scaled = q * per_dim_scale[0]
                    approx = per_dim.astype(np.int32) @ np.round(scaled / (np.abs(scaled).max() / 127)).astype(np.int32)
                shortlist = np.argpartition(-approx, TOP_K * factor)[: TOP_K * factor]
                best = shortlist[np.argsort(-(stored[shortlist] @ q))[:TOP_K]]
                hits += len(set(best.tolist()) & set(exact_top[j].tolist()))
            choices[f"{name}_x{factor}"] = hits / (TOP_K * len(query_vectors))
    results["recall"]["numpy"] = choices
    print("   numpy: " + ", ".join(f"{k} {v:.4f}" for k, v in choices.items()), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Failure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
