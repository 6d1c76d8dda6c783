#!/usr/bin/env python3
"""What migration 12 costs `artifact_store`: the full-text index kept current on every write
(an FTS5 table filled by triggers on SQLite, a stored tsvector with a GIN index on
PostgreSQL) and the validity columns beside each vector, measured against a build without them
in the same run.

  1. store_artifacts: --count artifacts of type pattern (vector index only; texts of 8-30
     words from a 5,000-word Zipf-like vocabulary, seeded) in batches of --batch, one
     `toolhost run artifact_store` process per batch, into a fresh database per run; total
     seconds, --runs runs per build, the two builds interleaved run by run; medians and the
     ratio new / base. SQLite always; PostgreSQL with --postgres URL (emptied before each run).
  2. find_similar, warm: `toolhost bench artifact_store` over 50 queries (top_k 10; texts of the
     same vocabulary, 8-30 words) in the new
     build's database of part 1, per ranking (vectors, text, hybrid) and for the base build's
     vectors: p50 per call, median of --runs rounds.

Usage: python3 Benchmarks/artifacts/artifact_text_cost_bench.py --base BASE_TOOLHOST [--toolhost NEW]
           [--count 20000] [--batch 1000] [--runs 5] [--postgres URL]
Both binaries should be release builds (`swift build -c release --product toolhost
--static-swift-stdlib --scratch-path .build-static`).
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from benchlib import Failure, measured, median, run_main  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))


def texts(count, seed):
    """`count` texts drawn with `seed` from one vocabulary (queries share the artifacts' words)."""
    words = random.Random(20)
    vocabulary = ["".join(words.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(words.randint(3, 9))) for _ in range(5000)]
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    return [" ".join(rng.choices(vocabulary, weights, k=rng.randint(8, 30))) for _ in range(count)]


def store(binary, batches, env, work):
    total = 0.0
    for path in batches:
        seconds, _, status, stdout, stderr = measured([binary, "run", "artifact_store"], env, cwd=work, stdin_path=path)
        if status != 0:
            raise Failure(f"store_artifacts exited {status}: {stderr[:400]}")
        total += seconds
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="toolhost built without migration 12")
    parser.add_argument("--toolhost", default=os.path.join(ROOT, ".build-static/release/toolhost"))
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", help="a PostgreSQL database the run may empty")
    args = parser.parse_args()
    builds = {"base": os.path.abspath(args.base), "new": os.path.abspath(args.toolhost)}
    bodies = texts(args.count, 20)
    with tempfile.TemporaryDirectory(prefix="toolhost-text-cost-") as work:
        batches = []
        for start in range(0, args.count, args.batch):
            path = os.path.join(work, f"batch-{start}.json")
            records = [{"artifact_id": f"a{n}", "artifact_type": "pattern", "name": " ".join(bodies[n].split()[:3]), "content": bodies[n]}
                       for n in range(start, min(start + args.batch, args.count))]
            with open(path, "w") as handle:
                json.dump({"operation": "store_artifacts", "artifacts": records}, handle)
            batches.append(path)
        base_env = dict(os.environ, TOOLHOST_RECORD_INVOCATIONS="false")
        engines = ["sqlite"] + (["postgres"] if args.postgres else [])
        results = {}
        for engine in engines:
            seconds = {"base": [], "new": []}
            for run in range(args.runs):
                for build in ("base", "new") if run % 2 == 0 else ("new", "base"):
                    if engine == "sqlite":
                        env = dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=os.path.join(work, f"{build}-{run}.db"))
                    else:
                        env = dict(base_env, TOOLHOST_DATABASE_TYPE="postgres", DATABASE_URL=args.postgres)
                        # The base build's tables lack migration 12: start each run from no tables.
                        subprocess.run(["psql", args.postgres, "-q", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], capture_output=True)
                    seconds[build].append(store(builds[build], batches, env, work))
            base, new = median(seconds["base"]), median(seconds["new"])
            results[f"{engine} store"] = {"base_s": round(base, 3), "new_s": round(new, 3), "ratio": round(new / base, 3),
                                          "base_per_s": round(args.count / base), "new_per_s": round(args.count / new)}
            print(f"{engine:8} store {args.count} artifacts: base {base:.2f} s ({args.count / base:,.0f}/s), "
                  f"new {new:.2f} s ({args.count / new:,.0f}/s), new/base {new / base:.2f}", flush=True)

        queries = texts(50, 21)
        for ranking in ("vectors", "text", "hybrid"):
            inputs = os.path.join(work, f"queries-{ranking}.jsonl")
            with open(inputs, "w") as handle:
                for query in queries:
                    handle.write(json.dumps({"operation": "find_similar", "query": query, "top_k": 10, "min_similarity": -1,
                                             "ranking": ranking}) + "\n")
        env = dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=os.path.join(work, "new-0.db"))
        plain = os.path.join(work, "queries-plain.jsonl")
        with open(plain, "w") as handle:
            for query in queries:
                handle.write(json.dumps({"operation": "find_similar", "query": query, "top_k": 10, "min_similarity": -1}) + "\n")
        cases = [("base vectors", builds["base"], plain, os.path.join(work, "base-0.db"))] + [
            (f"new {ranking}", builds["new"], os.path.join(work, f"queries-{ranking}.jsonl"), os.path.join(work, "new-0.db"))
            for ranking in ("vectors", "text", "hybrid")]
        p50s = {label: [] for label, _, _, _ in cases}
        for _ in range(args.runs):
            for label, binary, inputs, database in cases:
                env = dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=database)
                _, _, status, stdout, stderr = measured([binary, "bench", "artifact_store", "--inputs", inputs, "--iterations", "200",
                                                         "--warmup", "20"], env, stdout_path=os.path.join(work, "bench.json"), cwd=work)
                report = json.loads(stdout or "{}")
                if status != 0 or report.get("failures"):
                    raise Failure(f"bench {label}: {stderr[:300]} {json.dumps(report)[:300]}")
                p50s[label].append(report["p50_ms"])
        for label, values in p50s.items():
            results[f"sqlite find_similar {label}"] = {"p50_ms": round(median(values), 3)}
            print(f"sqlite find_similar warm p50, {label:14}: {median(values):.3f} ms (median of {len(values)})", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    run_main(main, "artifact_text_cost_bench")
