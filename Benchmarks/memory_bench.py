#!/usr/bin/env python3
"""Semantic-memory benchmarks for ToolHost (artifact_store, the hashing embedder, the sql and
pgvector vector indexes), on SQLite and on throwaway PostgreSQL servers.

Synthetic data (deterministic, seeded): a vocabulary of 5,000 made-up words drawn Zipf-like
(weight 1/rank), artifacts a0..aN of type pattern (routed to the vector index only) whose
content is a text of 8-30 words, whose name is its first three words and which carry 1-3 of
20 tags. Queries are texts of the same kind, not copies: half fresh random texts of 6-20
words, half "near" texts made from a stored artifact's words (60% of them kept, in order,
plus a few random words). The embedder is the built-in `hashing` one (384 dimensions).

  1. Embedder throughput: `toolhost embed --file TEXTS --summary` over --embed-texts texts
     (one a line), texts/s as the command reports it (embedding only), median of --runs.
  2. store_artifacts throughput: --vectors artifacts in batches of --batch, one `toolhost run
     artifact_store` process per batch (whole process: JSON parse, embedding, one
     transaction); total seconds in toolhost and artifacts/s, per destination, batches
     interleaved between destinations:
       sqlite            type pattern (vector index only), SQLite file
       sqlite_hybrid     type code_fix (bulk table + vector index), another SQLite file
       postgres          type pattern, sql index, PostgreSQL 15 (scripts/test-postgres.sh)
       pgvector_db_sql   type pattern, sql index, the PostgreSQL 16 + pgvector server
       pgvector_db_hnsw  type pattern, pgvector index (HNSW built as rows arrive), same server
  3. Exact search (sql index) on SQLite and PostgreSQL, top-10 (min_similarity -1):
       warm: `toolhost bench artifact_store` over --queries distinct find_similar inputs in
             turn, --iterations calls after --warmup (the first call reads every vector from
             the database; the rest search the process's in-memory copy), p50 / p95 / p99,
             median of --runs rounds. Target: warm p50 <= 15 ms.
       cold: one `toolhost run` per query for --cold-queries queries (each reads all vectors
             from the database): whole-process p50 / p95. The answers of SQLite and PostgreSQL
             are compared (same ids, same scores: both are exact over the same vectors).
     Then the same on SQLite with --vectors-large artifacts (load time reported; --skip-large
     leaves it out, --only-large runs it alone).
  4. pgvector HNSW (m 16) on the --vectors artifacts: recall@10 against the exact sql index over
     the same artifacts in the same database (two separate tables), for --recall-queries
     queries, each through `toolhost run` with TOOLHOST_VECTOR_INDEX=sql and =pgvector; strict
     recall (id sets) and tie-aware recall (an HNSW hit scoring at least the exact 10th score,
     within the answers' rounding of 1e-4, counts). Warm p50 via `toolhost bench`. Every
     setting is passed as a config file (--config; memory: hnsw_m, hnsw_ef_construction,
     hnsw_ef_search). First, with no ANALYZE from this script (store_artifacts analyzes the
     table after a write of >= 1,000 rows), the plan of the tool's statement is checked with
     EXPLAIN ANALYZE in psql: it must walk the HNSW index (--manual-analyze: also after an
     ANALYZE from psql). ef_construction: --ef-construction values (default 64); the index
     store_artifacts built row by row (ef_construction 64) is measured as it is, any other value
     rebuilds it in one go (psql DROP INDEX + CREATE INDEX, timed). ef_search: --ef-search
     values, or 100 and, below the recall target (or with --all-ef-search), 200 and 400. Last,
     for comparison with the row-by-row build, the default index (ef_construction 64) built in
     one go by DROP INDEX + CREATE INDEX, timed (unless the grid already did).

Servers run with fsync=off and synchronous_commit=off (the scripts' flags); toolhost's SQLite
runs WAL with synchronous=NORMAL. The machine may be shared: medians are reported.

Prints a table, then the results as one JSON line (the last line of stdout; also written to
--json FILE). Exits 1 when a step failed (the failure is printed), not when a target is missed.

Usage: python3 Benchmarks/memory_bench.py [--vectors N] [--vectors-large N] [--skip-large]
           [--batch N] [--embed-texts N] [--runs N] [--iterations N] [--queries N]
           [--cold-queries N] [--recall-queries N] [--all-ef-search] [--ef-construction N,N]
           [--ef-search N,N] [--manual-analyze] [--only-large] [--skip-build] [--toolhost PATH]
           [--json FILE]
Needs PostgreSQL 15 server binaries and psql (scripts/test-postgres.sh) and pgserver from PyPI
(scripts/test-pgvector.sh installs it); both scripts start and remove their servers.
"""
import argparse
import bisect
import itertools
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

from benchlib import Failure, recording_failure, clean_up, print_footer, finish, measured, median, psql_scalar, sh

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLHOST = os.path.join(ROOT, ".build-static/release/toolhost")  # --toolhost overrides
TOOLS = os.path.join(ROOT, "tools")
TOOL = "artifact_store"
TOP_K = 10
VOCABULARY = 5000
TAGS = ["t%d" % index for index in range(20)]
WARM_P50_TARGET_MS = 15.0
RECALL_TARGET = 0.95
EF_SEARCH_DEFAULT = 100
EF_CONSTRUCTION_DEFAULT = 64
HNSW_M = 16
EF_SEARCH_MORE = (200, 400)
SCORE_ROUNDING = 1e-4  # answers give scores to 4 decimals

# Stop words of the hashing embedder: made-up words must not be one.
STOP_WORDS = set("""a an the to of and or in on for with by is are be it its this that from as at i me my we our you your can do
does how what which want need some any all into so if then there their them will would should""".split())


class Corpus:
    """The vocabulary and its Zipf-like weights; texts, artifacts and queries from it."""

    def __init__(self, seed):
        rng = random.Random(seed)
        onsets = ["", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "t", "v", "w", "z", "br", "cr", "dr", "gr",
                  "pl", "st", "tr", "sh", "ch", "th", "qu", "sl", "sp", "fl"]
        vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y"]
        codas = ["", "", "", "n", "r", "l", "m", "t", "k", "x", "nd", "rt", "ng"]
        words = []
        seen = set()
        while len(words) < VOCABULARY:
            word = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(rng.randint(1, 3)))
            # No plural-looking ending (the embedder folds it), no stop word, no repeat.
            if len(word) < 3 or word.endswith("s") or word in STOP_WORDS or word in seen:
                continue
            seen.add(word)
            words.append(word)
        self.words = words
        self.cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(VOCABULARY)))
        self.total = self.cumulative[-1]

    def draw(self, rng, count):
        """count words, Zipf-like (rank r drawn with weight 1/r)."""
        words, cumulative, total, random_ = self.words, self.cumulative, self.total, rng.random
        return [words[bisect.bisect(cumulative, random_() * total)] for _ in range(count)]

    def text(self, rng, low, high):
        return " ".join(self.draw(rng, rng.randint(low, high)))

    def artifacts(self, count, seed, keep=()):
        """(artifact dicts without type, in batches) for ids a0..a{count-1}; the contents of
        the ids in `keep` are also collected in self.kept."""
        rng = random.Random(seed)
        self.kept = {}
        keep = set(keep)
        for index in range(count):
            words = self.draw(rng, rng.randint(8, 30))
            content = " ".join(words)
            if index in keep:
                self.kept[index] = words
            yield {"artifact_id": "a%d" % index, "name": " ".join(words[:3]), "content": content,
                   "tags": rng.sample(TAGS, rng.randint(1, 3))}

    def queries(self, count, seed, stored):
        """count query texts, alternately fresh random and "near" a stored artifact (a list of
        its words from `stored`, index -> words)."""
        rng = random.Random(seed)
        near = sorted(stored)
        queries = []
        for index in range(count):
            if index % 2 == 0 or not near:
                queries.append({"kind": "random", "text": self.text(rng, 6, 20)})
                continue
            source = near[(index // 2) % len(near)]
            words = [word for word in stored[source] if rng.random() < 0.6] or stored[source][:2]
            for _ in range(max(1, len(words) // 3)):
                words.insert(rng.randrange(len(words) + 1), self.draw(rng, 1)[0])
            queries.append({"kind": "near", "text": " ".join(words), "near": "a%d" % source})
        return queries


def near_sources(count, queries, seed):
    """The stored artifacts the "near" queries are made from (spread over the ids)."""
    rng = random.Random(seed)
    return sorted(rng.sample(range(count), min(count, queries // 2)))


def int_list(text):
    return [int(value) for value in text.split(",") if value.strip()]


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]  # nearest rank


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vectors", type=int, default=100_000, help="artifacts for the store, search and HNSW parts (default 100,000)")
    parser.add_argument("--vectors-large", type=int, default=1_000_000, help="artifacts of the large SQLite search (default 1,000,000)")
    parser.add_argument("--skip-large", action="store_true", help="leave out the large SQLite search")
    parser.add_argument("--batch", type=int, default=5000, help="artifacts per store_artifacts call, one process each (default 5,000)")
    parser.add_argument("--embed-texts", type=int, default=100_000, help="texts of the embedder throughput (default 100,000)")
    parser.add_argument("--runs", type=int, default=3, help="rounds of the embedder and warm-search measurements (default 3)")
    parser.add_argument("--iterations", type=int, default=200, help="measured find_similar calls per warm round (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured calls first in each warm round (default 5)")
    parser.add_argument("--queries", type=int, default=100, help="distinct queries of the warm rounds (default 100)")
    parser.add_argument("--cold-queries", type=int, default=30, help="queries of the cold search, one process each (default 30)")
    parser.add_argument("--recall-queries", type=int, default=100, help="queries of the HNSW recall (default 100)")
    parser.add_argument("--all-ef-search", action="store_true",
                        help="also measure ef_search %s when the default reaches the recall target" % " and ".join(map(str, EF_SEARCH_MORE)))
    parser.add_argument("--only-large", action="store_true",
                        help="run only the large SQLite search (no embedder, store, 100k search, PostgreSQL or HNSW parts)")
    parser.add_argument("--ef-construction", type=int_list, default=[EF_CONSTRUCTION_DEFAULT], metavar="N[,N...]",
                        help="HNSW ef_construction values (m %d), in turn; a value other than the current index's rebuilds it "
                             "by psql DROP INDEX + CREATE INDEX (default %d: the index store_artifacts built row by row)" % (HNSW_M, EF_CONSTRUCTION_DEFAULT))
    parser.add_argument("--ef-search", type=int_list, metavar="N[,N...]",
                        help="HNSW ef_search values measured for every ef_construction (default %d, and %s when recall is below %g)"
                             % (EF_SEARCH_DEFAULT, " and ".join(map(str, EF_SEARCH_MORE)), RECALL_TARGET))
    parser.add_argument("--manual-analyze", action="store_true",
                        help="also run ANALYZE from psql after the load and check the plan again (before the measurements)")
    parser.add_argument("--toolhost", metavar="PATH", help="the toolhost binary (default .build-static/release/toolhost); implies --skip-build")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args()
    global TOOLHOST
    if args.toolhost:
        TOOLHOST = os.path.abspath(args.toolhost)
        args.skip_build = True
    if args.only_large and args.skip_large:
        parser.error("--only-large and --skip-large leave nothing to run")
    if min(args.vectors, args.vectors_large, args.batch, args.embed_texts, args.runs, args.iterations, args.queries,
           args.cold_queries, args.recall_queries) < 1 or args.warmup < 1:
        parser.error("counts must be positive (--warmup at least 1: the first call reads the vectors)")
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost", "--static-swift-stdlib",
                        "--scratch-path", ".build-static"], cwd=ROOT, check=True)
    if not shutil.which("psql"):
        raise SystemExit("memory_bench: psql is needed")

    bench_started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="toolhost-memory-bench-")
    socket_dir = None
    pgvector_dir = None
    results = {"vectors": args.vectors, "vectors_large": None if args.skip_large else args.vectors_large, "batch": args.batch,
               "embedder": "hashing (384 dimensions)", "top_k": TOP_K, "runs": args.runs, "iterations": args.iterations,
               "warmup": args.warmup, "queries": args.queries, "cold_queries": args.cold_queries,
               "recall_queries": args.recall_queries, "vocabulary": VOCABULARY, "tags": len(TAGS), "seed": args.seed}
    failures = []
    try:
        base_env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache"),
                    "TOOLHOST_TOOLS_PATH": TOOLS, "TOOLHOST_RECORD_INVOCATIONS": "false"}
        stdout_path = os.path.join(work, "stdout.txt")
        call_path = os.path.join(work, "call.json")

        def toolhost(arguments, env, allow_failure=False, rss=False):
            """One toolhost process in the work folder; (seconds, stdout, stderr, peak RSS MB)."""
            command = [TOOLHOST] + arguments
            seconds, peak, status, stdout, stderr = measured(command, env, stdout_path, cwd=work, rss=rss, stdout_limit=50_000_000)
            if status != 0 and not allow_failure:
                raise Failure(f"{' '.join(command)} exited {status}\n  stdout: {stdout[:800]}\n  stderr: {stderr[:800]}")
            return seconds, stdout, stderr, peak

        def call(env, payload=None, path=None, extra=()):
            """One `toolhost run artifact_store --input`; (the answer, which must say success,
            whole-process seconds)."""
            if path is None:
                path = call_path
                with open(path, "w") as out:
                    json.dump(payload, out)
            seconds, stdout, stderr, _ = toolhost(["run", TOOL, "--input", path] + list(extra), env, allow_failure=True)
            try:
                answer = json.loads(stdout)
            except ValueError:
                answer = None
            if not isinstance(answer, dict) or answer.get("success") is not True:
                shown = json.dumps(payload)[:300] if payload is not None else os.path.basename(path)
                raise Failure(f"{TOOL} {shown}\n  answered: {stdout[:800]}\n  stderr: {stderr[:600]}")
            return answer, seconds

        def find(query_text):
            return {"operation": "find_similar", "query": query_text, "top_k": TOP_K, "min_similarity": -1}

        def write_jsonl(name, lines):
            path = os.path.join(work, name + ".jsonl")
            with open(path, "w") as out:
                for line in lines:
                    out.write(json.dumps(line, separators=(",", ":")) + "\n")
            return path

        def indexed_count(env):
            """Entries of the artifacts collection, as the stats operation counts them."""
            answer, _ = call(env, {"operation": "stats"})
            return sum(c.get("count", 0) for c in answer.get("collections", []) if c.get("collection") == "artifacts")

        def warm(env, inputs_path, label, extra=()):
            """--runs rounds of `toolhost bench` over the queries; the median of each figure."""
            rounds = []
            for _ in range(args.runs):
                seconds, stdout, stderr, peak = toolhost(["bench", TOOL, "--inputs", inputs_path, "--iterations", str(args.iterations),
                                                         "--warmup", str(args.warmup)] + list(extra), env, allow_failure=True, rss=True)
                try:
                    report = json.loads(stdout)
                except ValueError:
                    raise Failure(f"toolhost bench {TOOL} ({label}) printed no report\n  stdout: {stdout[:600]}\n  stderr: {stderr[:600]}")
                if report.get("failures") != 0 or report.get("iterations") != args.iterations:
                    raise Failure(f"toolhost bench {TOOL} ({label}): {report.get('failures')} of {args.iterations} calls failed;"
                                  f" first failure: {json.dumps(report.get('first_failure'))[:800]}\n  stderr: {stderr[:400]}")
                report["process_seconds"] = seconds
                report["peak_rss_mb"] = peak
                rounds.append(report)
            row = {key: median([r[key] for r in rounds]) for key in ("p50_ms", "p95_ms", "p99_ms", "mean_ms", "process_seconds", "peak_rss_mb")}
            row["max_ms"] = max(r["max_ms"] for r in rounds)
            row["rounds_p50_ms"] = [r["p50_ms"] for r in rounds]
            return row

        def cold(env, queries, label, extra=()):
            """One `toolhost run` per query: (whole-process seconds, answers' [(id, score)])."""
            seconds, answers = [], []
            for query in queries:
                answer, elapsed = call(env, find(query["text"]), extra=extra)
                if answer.get("count") != TOP_K:
                    raise Failure(f"find_similar ({label}) {query['text'][:80]!r} answered {answer.get('count')} matches, expected {TOP_K}")
                seconds.append(elapsed)
                answers.append([(match["artifact_id"], match["score"]) for match in answer["data"]])
            return seconds, answers

        def cold_row(seconds):
            return {"p50_ms": median(seconds) * 1000, "p95_ms": percentile(seconds, 0.95) * 1000, "min_ms": min(seconds) * 1000,
                    "max_ms": max(seconds) * 1000, "count": len(seconds)}

        corpus = Corpus(args.seed)

        sqlite_env = lambda name: dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=os.path.join(work, name),
                                       TOOLHOST_VECTOR_INDEX="sql")
        destinations = {  # name -> (environment, artifact type)
            "sqlite": (sqlite_env("memory.db"), "pattern"),
            "sqlite_hybrid": (sqlite_env("memory-hybrid.db"), "code_fix"),
        }

        def load(count, names, seed, label):
            """Stores count artifacts in batches, one process per batch and destination
            (interleaved); returns {name: seconds in toolhost} and the kept texts."""
            sources = near_sources(count, args.queries, seed + 2)
            seconds = {name: 0.0 for name in names}
            batch_path = os.path.join(work, "batch.json")
            stored = 0
            started = time.perf_counter()
            generator = corpus.artifacts(count, seed, keep=sources)
            next_report = max(count // 10, args.batch)
            while stored < count:
                artifacts = list(itertools.islice(generator, args.batch))
                for name in names:
                    env, kind = destinations[name]
                    for artifact in artifacts:
                        artifact["artifact_type"] = kind
                    with open(batch_path, "w") as out:
                        json.dump({"operation": "store_artifacts", "artifacts": artifacts}, out, separators=(",", ":"))
                    answer, elapsed = call(env, path=batch_path)
                    if answer.get("count") != len(artifacts):
                        raise Failure(f"store_artifacts ({name}) of {len(artifacts):,} artifacts answered count {answer.get('count')}")
                    seconds[name] += elapsed
                stored += len(artifacts)
                if stored >= next_report or stored == count:
                    next_report += max(count // 10, args.batch)
                    print(f"   {stored:>10,} stored ({time.perf_counter() - started:.0f} s; in toolhost "
                          + ", ".join(f"{n} {s:.0f} s" for n, s in seconds.items()) + ")", flush=True)
            for name in names:
                found = indexed_count(destinations[name][0])
                if found != count:
                    raise Failure(f"after storing {count:,} artifacts, {name} indexes {found:,} ({label})")
            return seconds, dict(corpus.kept)

        if not args.only_large:  # parts 1-4 (--only-large: the large SQLite part alone)
            # 1. Embedder throughput.
            print(f"1. hashing embedder: `toolhost embed --file --summary` over {args.embed_texts:,} texts of 8-30 words, {args.runs} runs")
            with recording_failure(failures, "embedder"):
                texts_path = os.path.join(work, "texts.txt")
                rng = random.Random(args.seed + 1)
                with open(texts_path, "w") as out:
                    for _ in range(args.embed_texts):
                        out.write(corpus.text(rng, 8, 30) + "\n")
                embed_env = dict(base_env)
                rounds = []
                for _ in range(args.runs):
                    seconds, stdout, stderr, peak = toolhost(["embed", "--file", texts_path, "--summary"], embed_env, rss=True)
                    try:
                        summary = json.loads(stdout)
                    except ValueError:
                        raise Failure(f"toolhost embed --summary printed no JSON\n  stdout: {stdout[:400]}\n  stderr: {stderr[:400]}")
                    if summary.get("texts") != args.embed_texts or summary.get("dimension") != 384:
                        raise Failure(f"toolhost embed --summary answered {json.dumps(summary)} for {args.embed_texts:,} texts (384 dimensions expected)")
                    summary["process_seconds"] = seconds
                    summary["peak_rss_mb"] = peak
                    rounds.append(summary)
                    print(f"   {summary['texts_per_second']:>10,.0f} texts/s  ({summary['seconds']:.2f} s embedding, {seconds:.2f} s whole process,"
                          f" peak RSS {peak:,.0f} MB)", flush=True)
                results["embedder_throughput"] = {
                    "embedder": rounds[0].get("embedder"), "texts": args.embed_texts,
                    "texts_per_second": median([r["texts_per_second"] for r in rounds]),
                    "whole_process_texts_per_second": median([args.embed_texts / r["process_seconds"] for r in rounds]),
                    "rounds_texts_per_second": [r["texts_per_second"] for r in rounds],
                    "peak_rss_mb": median([r["peak_rss_mb"] for r in rounds])}
                os.remove(texts_path)

            # The servers.
            url = sh([os.path.join(ROOT, "scripts/test-postgres.sh"), "start"]).stdout.strip()
            socket_dir = url.split("host=")[1].split("&")[0]
            vector_url = sh([os.path.join(ROOT, "scripts/test-pgvector.sh"), "start"]).stdout.strip()
            pgvector_dir = vector_url.split("host=")[1].split("&")[0]
            psql_scalar(vector_url, "SELECT 1")
            sh(["psql", "-X", vector_url, "-q", "-c", "ALTER SYSTEM SET maintenance_work_mem = '1GB'", "-c", "SELECT pg_reload_conf()"])
            results["servers"] = {"postgres": psql_scalar(url, "SHOW server_version"),
                                  "pgvector_server": psql_scalar(vector_url, "SHOW server_version"),
                                  "pgvector": psql_scalar(vector_url, "SELECT extversion FROM pg_extension WHERE extname = 'vector'")}

            destinations.update({  # the servers' destinations
                "postgres": (dict(base_env, DATABASE_URL=url, TOOLHOST_VECTOR_INDEX="sql"), "pattern"),
                "pgvector_db_sql": (dict(base_env, DATABASE_URL=vector_url, TOOLHOST_VECTOR_INDEX="sql"), "pattern"),
                "pgvector_db_hnsw": (dict(base_env, DATABASE_URL=vector_url, TOOLHOST_VECTOR_INDEX="pgvector"), "pattern"),
            })

            # 2. store_artifacts throughput.
            print(f"\n2. store_artifacts: {args.vectors:,} artifacts in batches of {args.batch:,}, one toolhost process per batch and destination"
                  f" (interleaved): {', '.join(destinations)}")
            load_seconds, kept = load(args.vectors, list(destinations), args.seed + 10, "store")
            results["store"] = {name: {"artifact_type": destinations[name][1], "seconds": s, "artifacts_per_s": args.vectors / s,
                                       "index": destinations[name][0]["TOOLHOST_VECTOR_INDEX"]}
                                for name, s in load_seconds.items()}
            results["store"]["sqlite"]["file_mb"] = os.path.getsize(os.path.join(work, "memory.db")) / 1e6
            results["store"]["postgres"]["database_mb"] = int(psql_scalar(url, "SELECT pg_database_size(current_database())")) / 1e6
            results["store"]["pgvector_db_hnsw"]["hnsw_index_mb"] = int(psql_scalar(
                vector_url, "SELECT pg_relation_size('idx_memory_pgvector_384_hnsw')")) / 1e6
            for name, row in results["store"].items():
                print(f"   {name:<17} {row['artifact_type']:<9} {row['artifacts_per_s']:>9,.0f} artifacts/s  ({row['seconds']:.1f} s in toolhost)")

            queries = corpus.queries(args.queries, args.seed + 20, kept)
            queries_path = write_jsonl("queries", [find(q["text"]) for q in queries])
            results["query_examples"] = [q["text"] for q in queries[:4]]

            # 3. Exact search, warm and cold, SQLite and PostgreSQL.
            print(f"\n3. exact search (sql index), {args.vectors:,} x 384, top-{TOP_K}: warm = toolhost bench, {args.iterations} calls over"
                  f" {args.queries} queries after {args.warmup} warm-up, {args.runs} rounds; cold = one toolhost run per query, {args.cold_queries} queries")
            results["search"] = {}
            cold_answers = {}
            for name in ("sqlite", "postgres"):
                with recording_failure(failures, f"search {name}"):
                    env = destinations[name][0]
                    row = {"warm": warm(env, queries_path, name)}
                    cold_seconds, cold_answers[name] = cold(env, queries[:args.cold_queries], name)
                    row["cold"] = cold_row(cold_seconds)
                    row["warm"]["target_p50_ms"] = WARM_P50_TARGET_MS
                    row["warm"]["target_met"] = row["warm"]["p50_ms"] <= WARM_P50_TARGET_MS
                    results["search"][name] = row
                    print(f"   {name:<9} warm p50 {row['warm']['p50_ms']:7.2f} ms  p95 {row['warm']['p95_ms']:7.2f} ms"
                          f"  (rounds p50 {', '.join(f'{v:.2f}' for v in row['warm']['rounds_p50_ms'])}; bench process"
                          f" {row['warm']['process_seconds']:.1f} s, peak RSS {row['warm']['peak_rss_mb']:,.0f} MB)"
                          f"   cold p50 {row['cold']['p50_ms']:,.0f} ms  p95 {row['cold']['p95_ms']:,.0f} ms", flush=True)
            if len(cold_answers) == 2:
                differing = []
                for query, a, b in zip(queries, cold_answers["sqlite"], cold_answers["postgres"]):
                    same_ids = [i for i, _ in a] == [i for i, _ in b]
                    same_scores = all(abs(x - y) <= SCORE_ROUNDING * 1.01 for (_, x), (_, y) in zip(a, b))
                    if not (same_ids and same_scores):
                        differing.append({"query": query["text"], "sqlite": a, "postgres": b})
                results["search"]["sqlite_postgres_agree"] = {"queries": len(cold_answers["sqlite"]), "differing": len(differing),
                                                              "examples": differing[:3]}
                print(f"   exact answers SQLite vs PostgreSQL: {len(cold_answers['sqlite']) - len(differing)} of {len(cold_answers['sqlite'])}"
                      f" queries give the same ids and scores")
                near = [(q, a) for q, a in zip(queries, cold_answers["sqlite"]) if q["kind"] == "near"]
                found = sum(1 for q, a in near if q["near"] in [i for i, _ in a])
                results["search"]["near_source_in_top10"] = {"queries": len(near), "found": found}
                results["search"]["score_examples"] = {"top1_median": median([a[0][1] for a in cold_answers["sqlite"]]),
                                                       "top10_median": median([a[-1][1] for a in cold_answers["sqlite"]])}
                print(f"   \"near\" queries whose source artifact is in the top {TOP_K}: {found} of {len(near)};"
                      f" median score of the 1st {results['search']['score_examples']['top1_median']:.3f},"
                      f" of the {TOP_K}th {results['search']['score_examples']['top10_median']:.3f}")

            # 4. pgvector HNSW: recall@10 against exact over the same artifacts, warm latency.
            print(f"\n4. pgvector HNSW on {args.vectors:,} vectors: recall@{TOP_K} against the exact sql index of the same database,"
                  f" {args.recall_queries} queries (toolhost run each)")
            with recording_failure(failures, "hnsw"):
                recall_queries = corpus.queries(args.recall_queries, args.seed + 30, kept)
                exact_env = destinations["pgvector_db_sql"][0]
                hnsw_env = destinations["pgvector_db_hnsw"][0]

                # Does PostgreSQL's plan for the tool's search use the HNSW index? Right after a
                # load the table may have no statistics (autovacuum analyzes it later): then the
                # planner may scan and sort every row, an exact scan. The statement as
                # PgvectorIndex.search spells it (copied here).
                embedder = call(hnsw_env, {"operation": "stats"})[0].get("embedder")
                _, stdout, _, _ = toolhost(["embed", recall_queries[0]["text"]], hnsw_env)
                literal = "[" + ",".join(repr(float(x)) for x in json.loads(stdout.splitlines()[0])["embedding"]) + "]"
                statement = (f"SELECT artifact_id, document, 1 - (embedding <=> '{literal}'::vector) AS score FROM memory_pgvector_384"
                             f" WHERE collection = 'artifacts' AND embedder = '{embedder}' ORDER BY embedding <=> '{literal}'::vector LIMIT {TOP_K}")

                def explain():
                    output = sh(["psql", "-X", vector_url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", f"SET hnsw.ef_search = {EF_SEARCH_DEFAULT}",
                                 "-c", "EXPLAIN (ANALYZE, BUFFERS) " + statement]).stdout
                    plan = [re.sub(r"'\[[^']*\]'", "$1", line) for line in output.splitlines() if line.strip()]
                    milliseconds = next((float(line.split(":")[1].split()[0]) for line in plan if line.startswith("Execution Time")), None)
                    return {"uses_hnsw": "idx_memory_pgvector_384_hnsw" in output, "execution_ms": milliseconds, "plan": plan}

                def table_state():
                    """What the planner knows of the table: when it was last analyzed (by a
                    statement, e.g. ToolHost's own ANALYZE after a large write, or by
                    autovacuum) and the row estimate."""
                    fields = psql_scalar(vector_url, "SELECT coalesce(s.last_analyze::text, 'never') || '|' || coalesce(s.last_autoanalyze::text, 'never')"
                                         " || '|' || c.reltuples::bigint || '|' || s.n_live_tup FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"
                                         " WHERE s.relname = 'memory_pgvector_384'").split("|")
                    return {"last_analyze": fields[0], "last_autoanalyze": fields[1], "reltuples": int(fields[2]), "n_live_tup": int(fields[3])}

                def index_options():
                    return psql_scalar(vector_url, "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'idx_memory_pgvector_384_hnsw'")

                def plan_line(plan):
                    return next((line.strip() for line in plan if "idx_memory_pgvector_384_hnsw" in line), plan[0].strip() if plan else "")

                # No ANALYZE from this script before measuring: store_artifacts analyzes the table
                # itself after a write of >= 1,000 rows, so the plan right after the load must
                # already walk the HNSW index.
                state = table_state()
                before = explain()
                plans = {"after_load": dict(before, table=state, index_options=index_options())}
                results["hnsw_plan"] = plans
                print(f"   plan of the tool's statement right after the load, no manual ANALYZE (last_analyze {state['last_analyze']},"
                      f" last_autoanalyze {state['last_autoanalyze']}, reltuples {state['reltuples']:,}, n_live_tup {state['n_live_tup']:,}):"
                      f" {'HNSW index' if before['uses_hnsw'] else 'NO HNSW (exact scan and sort)'}, {before['execution_ms']} ms;"
                      f" {plan_line(before['plan'])}", flush=True)
                if not before["uses_hnsw"]:
                    failures.append("hnsw: right after the load (no manual ANALYZE) the plan of the tool's search does not use the HNSW index:\n    "
                                    + "\n    ".join(before["plan"]))
                if args.manual_analyze:
                    started = time.perf_counter()
                    sh(["psql", "-X", vector_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", "ANALYZE memory_pgvector_384"])
                    after = explain()
                    plans["after_manual_analyze"] = dict(after, analyze_seconds=time.perf_counter() - started)
                    print(f"   after a manual ANALYZE: {'HNSW index' if after['uses_hnsw'] else 'NO HNSW'}, {after['execution_ms']} ms"
                          " (the measurements below run after it)")
                _, exact = cold(exact_env, recall_queries, "pgvector database, sql index")

                def recall_at(extra, label):
                    seconds, approximate = cold(hnsw_env, recall_queries, label, extra=extra)
                    strict, tie_aware = [], []
                    by_kind = {}
                    for query, truth, found in zip(recall_queries, exact, approximate):
                        truth_ids = {i for i, _ in truth}
                        hits = sum(1 for i, _ in found if i in truth_ids)
                        tenth = truth[-1][1]
                        tied = sum(1 for i, s in found if i in truth_ids or s >= tenth - SCORE_ROUNDING * 1.01)
                        strict.append(hits / TOP_K)
                        tie_aware.append(min(tied, TOP_K) / TOP_K)
                        by_kind.setdefault(query["kind"], []).append(hits / TOP_K)
                    return {"recall": sum(strict) / len(strict), "recall_tie_aware": sum(tie_aware) / len(tie_aware),
                            "recall_min": min(strict), "queries_below_0_9": sum(1 for r in strict if r < 0.9),
                            "recall_by_kind": {k: sum(v) / len(v) for k, v in by_kind.items()},
                            "cold_p50_ms": median(seconds) * 1000}

                def rebuild(ef_construction):
                    """The HNSW index dropped and built again in one go from the loaded table by
                    psql (DROP INDEX; CREATE INDEX ... WITH (m, ef_construction)); seconds."""
                    started = time.perf_counter()
                    sh(["psql", "-X", vector_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", "DROP INDEX idx_memory_pgvector_384_hnsw",
                        "-c", f"CREATE INDEX idx_memory_pgvector_384_hnsw ON memory_pgvector_384 USING hnsw (embedding vector_cosine_ops)"
                              f" WITH (m = {HNSW_M}, ef_construction = {ef_construction})"])
                    seconds = time.perf_counter() - started
                    return {"seconds": seconds, "index_mb": int(psql_scalar(vector_url, "SELECT pg_relation_size('idx_memory_pgvector_384_hnsw')")) / 1e6,
                            "index_options": index_options()}

                results["hnsw"] = {"grid": {}, "builds": {}, "m": HNSW_M, "recall_target": RECALL_TARGET,
                                   "row_by_row_index_options": index_options(),
                                   "maintenance_work_mem": psql_scalar(vector_url, "SHOW maintenance_work_mem"),
                                   "max_parallel_maintenance_workers": psql_scalar(vector_url, "SHOW max_parallel_maintenance_workers")}
                built = int(re.search(r"ef_construction=(\d+)", results["hnsw"]["row_by_row_index_options"]).group(1))
                for ef_construction in args.ef_construction:
                    if ef_construction != built:
                        build = rebuild(ef_construction)
                        built = ef_construction
                        results["hnsw"]["builds"][str(ef_construction)] = build
                        check = explain()
                        plans[f"after_create_ef_construction_{ef_construction}"] = check
                        print(f"   ef_construction {ef_construction}: index rebuilt by psql DROP INDEX + CREATE INDEX in {build['seconds']:.1f} s,"
                              f" {build['index_mb']:.0f} MB ({build['index_options']}); plan {'HNSW' if check['uses_hnsw'] else 'NO HNSW'}", flush=True)
                        if not check["uses_hnsw"]:
                            failures.append(f"hnsw: after CREATE INDEX (ef_construction {ef_construction}) the plan does not use HNSW:\n    "
                                            + "\n    ".join(check["plan"]))
                    else:
                        print(f"   ef_construction {ef_construction}: the index store_artifacts built row by row ({results['hnsw']['row_by_row_index_options']})")
                    grid = results["hnsw"]["grid"][str(ef_construction)] = {}
                    ef_searches = list(args.ef_search) if args.ef_search else [EF_SEARCH_DEFAULT]
                    index = 0
                    while index < len(ef_searches):
                        ef = ef_searches[index]
                        config_path = os.path.join(work, f"config-efc{ef_construction}-ef{ef}.yaml")
                        with open(config_path, "w") as out:
                            out.write(f"memory:\n  hnsw_m: {HNSW_M}\n  hnsw_ef_construction: {ef_construction}\n  hnsw_ef_search: {ef}\n")
                        extra = ["--config", config_path]
                        label = f"pgvector ef_construction {ef_construction} ef_search {ef}"
                        row = recall_at(extra, label)
                        row["warm"] = warm(hnsw_env, queries_path, label, extra=extra)
                        grid[str(ef)] = row
                        print(f"     ef_search {ef:<4} recall@{TOP_K} {row['recall']:.4f} (tie-aware {row['recall_tie_aware']:.4f}; "
                              + ", ".join(f"{k} {v:.4f}" for k, v in row["recall_by_kind"].items())
                              + f"; worst query {row['recall_min']:.1f})  warm p50 {row['warm']['p50_ms']:.2f} ms  p95 {row['warm']['p95_ms']:.2f} ms"
                              f"  cold p50 {row['cold_p50_ms']:,.0f} ms", flush=True)
                        if not args.ef_search and index == 0 and (row["recall"] < RECALL_TARGET or args.all_ef_search):
                            ef_searches += list(EF_SEARCH_MORE)
                        index += 1
                # Exact warm search in the same database, for comparison.
                exact_warm = warm(exact_env, queries_path, "pgvector database, sql index")
                results["hnsw"]["exact_warm_same_database"] = exact_warm
                print(f"   exact (sql index) in the same database: warm p50 {exact_warm['p50_ms']:.2f} ms  p95 {exact_warm['p95_ms']:.2f} ms")
                # For comparison with the row-by-row build of store_artifacts (the index exists
                # before the first row): the default index built in one go from the loaded table.
                default = str(EF_CONSTRUCTION_DEFAULT)
                if default not in results["hnsw"]["builds"]:
                    results["hnsw"]["builds"][default] = rebuild(EF_CONSTRUCTION_DEFAULT)
                build = results["hnsw"]["builds"][default]
                print(f"   the default HNSW index (m {HNSW_M}, ef_construction {default}) built in one go (psql DROP INDEX + CREATE INDEX,"
                      f" maintenance_work_mem {results['hnsw']['maintenance_work_mem']}, max_parallel_maintenance_workers"
                      f" {results['hnsw']['max_parallel_maintenance_workers']}): {build['seconds']:.1f} s, {build['index_mb']:.0f} MB"
                      f" (row by row through store_artifacts: {results['store']['pgvector_db_hnsw']['seconds']:.0f} s,"
                      f" {results['store']['pgvector_db_hnsw']['hnsw_index_mb']:.0f} MB)")

            # Done with PostgreSQL: stop the servers before the large SQLite part.
            subprocess.run([os.path.join(ROOT, "scripts/test-pgvector.sh"), "stop", pgvector_dir])
            pgvector_dir = None
            subprocess.run([os.path.join(ROOT, "scripts/test-postgres.sh"), "stop", socket_dir])
            socket_dir = None
            for name in ("memory.db", "memory-hybrid.db"):
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(os.path.join(work, name + suffix)):
                        os.remove(os.path.join(work, name + suffix))

        # 3b. Large: SQLite only.
        if not args.skip_large:
            print(f"\n3b. exact search on SQLite with {args.vectors_large:,} vectors (loaded in batches of {args.batch:,})")
            with recording_failure(failures, "large"):
                destinations["sqlite_large"] = (sqlite_env("memory-large.db"), "pattern")
                large_seconds, large_kept = load(args.vectors_large, ["sqlite_large"], args.seed + 40, "large")
                env = destinations["sqlite_large"][0]
                large_queries = corpus.queries(args.queries, args.seed + 20, large_kept)
                large_path = write_jsonl("queries-large", [find(q["text"]) for q in large_queries])
                row = {"load_seconds": large_seconds["sqlite_large"], "artifacts_per_s": args.vectors_large / large_seconds["sqlite_large"],
                       "file_mb": os.path.getsize(os.path.join(work, "memory-large.db")) / 1e6}
                print(f"   loaded in {row['load_seconds']:.0f} s in toolhost ({row['artifacts_per_s']:,.0f} artifacts/s), file {row['file_mb']:,.0f} MB",
                      flush=True)
                row["warm"] = warm(env, large_path, "sqlite large")
                row["warm"]["target_p50_ms"] = WARM_P50_TARGET_MS
                row["warm"]["target_met"] = row["warm"]["p50_ms"] <= WARM_P50_TARGET_MS
                cold_seconds, large_answers = cold(env, large_queries[:args.cold_queries], "sqlite large")
                row["cold"] = cold_row(cold_seconds)
                near = [(q, a) for q, a in zip(large_queries, large_answers) if q["kind"] == "near"]
                row["near_source_in_top10"] = {"queries": len(near), "found": sum(1 for q, a in near if q["near"] in [i for i, _ in a])}
                results.setdefault("search", {})["sqlite_large"] = row
                print(f"   warm p50 {row['warm']['p50_ms']:7.2f} ms  p95 {row['warm']['p95_ms']:7.2f} ms (rounds p50"
                      f" {', '.join(f'{v:.2f}' for v in row['warm']['rounds_p50_ms'])}; bench process {row['warm']['process_seconds']:.1f} s,"
                      f" peak RSS {row['warm']['peak_rss_mb']:,.0f} MB)   cold p50 {row['cold']['p50_ms']:,.0f} ms  p95 {row['cold']['p95_ms']:,.0f} ms",
                      flush=True)

        # The table.
        results["total_seconds"] = time.perf_counter() - bench_started
        print("\n" + "=" * 110)
        print(f"Semantic memory, hashing embedder (384 dims), {'only the large part' if args.only_large else f'{args.vectors:,}'} artifacts (large: "
              f"{'skipped' if args.skip_large else f'{args.vectors_large:,}'}), top-{TOP_K}; medians of {args.runs} rounds where repeated")
        if "embedder_throughput" in results:
            row = results["embedder_throughput"]
            print(f"\n  embedder throughput ({row['texts']:,} texts of 8-30 words): {row['texts_per_second']:,.0f} texts/s"
                  f" (whole process {row['whole_process_texts_per_second']:,.0f} texts/s; rounds {', '.join(f'{v:,.0f}' for v in row['rounds_texts_per_second'])})")
        print(f"\n  store_artifacts, batches of {args.batch:,}, whole processes")
        print(f"  {'destination':<18} {'type':<9} {'index':<9} {'seconds':>9} {'artifacts/s':>12}")
        for name, row in results.get("store", {}).items():
            print(f"  {name:<18} {row['artifact_type']:<9} {row['index']:<9} {row['seconds']:9.1f} {row['artifacts_per_s']:12,.0f}")
        if "sqlite_large" in results.get("search", {}):
            row = results["search"]["sqlite_large"]
            print(f"  {'sqlite (large)':<18} {'pattern':<9} {'sql':<9} {row['load_seconds']:9.1f} {row['artifacts_per_s']:12,.0f}"
                  f"   ({args.vectors_large:,} artifacts)")
        print(f"\n  exact search (sql index), top-{TOP_K}    warm p50 / p95 ms (target p50 <= {WARM_P50_TARGET_MS:g})   cold p50 / p95 ms   bench peak RSS")
        for name, label in (("sqlite", f"SQLite {args.vectors:,}"), ("postgres", f"PostgreSQL {args.vectors:,}"),
                            ("sqlite_large", f"SQLite {args.vectors_large:,}")):
            row = results.get("search", {}).get(name)
            if not row:
                continue
            met = "met" if row["warm"]["target_met"] else "NOT met"
            print(f"  {label:<34} {row['warm']['p50_ms']:8.2f} / {row['warm']['p95_ms']:8.2f}  {met:<8}"
                  f"         {row['cold']['p50_ms']:8,.0f} / {row['cold']['p95_ms']:8,.0f}   {row['warm']['peak_rss_mb']:8,.0f} MB")
        if "hnsw" in results and results["hnsw"].get("grid"):
            print(f"\n  pgvector HNSW (m {HNSW_M}), {args.vectors:,} vectors, {args.recall_queries} queries (target recall >= {RECALL_TARGET})")
            print(f"  {'ef_constr.':<10} {'ef_search':<10} {'recall@10':>10} {'tie-aware':>10} {'random q':>9} {'near q':>8} {'warm p50':>9} {'warm p95':>9} {'cold p50':>9}  index")
            for ef_construction, grid in results["hnsw"]["grid"].items():
                how = ("rebuilt by psql" if ef_construction in results["hnsw"]["builds"] and ef_construction != str(EF_CONSTRUCTION_DEFAULT)
                       else "row by row (store_artifacts)")
                for ef, row in grid.items():
                    kinds = row["recall_by_kind"]
                    print(f"  {ef_construction:<10} {ef:<10} {row['recall']:10.4f} {row['recall_tie_aware']:10.4f} {kinds.get('random', float('nan')):9.4f}"
                          f" {kinds.get('near', float('nan')):8.4f} {row['warm']['p50_ms']:9.2f} {row['warm']['p95_ms']:9.2f} {row['cold_p50_ms']:9,.0f}  {how}")
            if "exact_warm_same_database" in results["hnsw"]:
                exact_warm = results["hnsw"]["exact_warm_same_database"]
                print(f"  {'exact sql':<21} {1.0:10.4f} {'':>10} {'':>9} {'':>8} {exact_warm['p50_ms']:9.2f} {exact_warm['p95_ms']:9.2f}")
            plan = results.get("hnsw_plan", {}).get("after_load")
            if plan:
                print(f"  plan right after loading, no manual ANALYZE (last_analyze {plan['table']['last_analyze']}, last_autoanalyze"
                      f" {plan['table']['last_autoanalyze']}, reltuples {plan['table']['reltuples']:,}):"
                      f" {'HNSW' if plan['uses_hnsw'] else 'exact scan + sort, no HNSW'}, {plan['execution_ms']} ms (EXPLAIN ANALYZE in psql)")
            store = results["store"]["pgvector_db_hnsw"]
            for ef_construction, build in results["hnsw"]["builds"].items():
                print(f"  HNSW ef_construction {ef_construction} built in one go (psql DROP INDEX + CREATE INDEX): {build['seconds']:.1f} s,"
                      f" {build['index_mb']:.0f} MB")
            print(f"  HNSW ef_construction {EF_CONSTRUCTION_DEFAULT} built row by row by store_artifacts: {store['seconds']:.0f} s"
                  f" ({store['artifacts_per_s']:,.0f} artifacts/s), {store['hnsw_index_mb']:.0f} MB")
        if "servers" in results:
            print(f"\n  servers: PostgreSQL {results['servers']['postgres']}; pgvector server PostgreSQL {results['servers']['pgvector_server']}"
                  f" with pgvector {results['servers']['pgvector']}")
        print_footer(results, failures)
    except Failure as failure:
        failures.append(f"setup: {failure}")
        print(f"   FAILED: {failure}")
    finally:
        if pgvector_dir:
            subprocess.run([os.path.join(ROOT, "scripts/test-pgvector.sh"), "stop", pgvector_dir])
        if socket_dir:
            clean_up(socket_dir, work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return finish(results, failures, args.json)


if __name__ == "__main__":
    sys.exit(main())
