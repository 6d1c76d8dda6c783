#!/usr/bin/env python3
"""prompt_evolution_store benchmarks for ToolHost (issue 6), on SQLite and on a throwaway PostgreSQL server.

Both databases first get the same generated history, by default the issue's 20 corpora x 50
profile versions (1,000 profiles) and 1,000,000 training steps spread evenly over the last
3 years (~900 a day), all written through the tool itself:
  - profiles: one `toolhost run prompt_evolution_store` save_profile per profile (version k's
    parent is version k-1 of the same corpus and task; created_at back-filled, the versions
    spread evenly over the 3 years). Profiles are {worker: {system_prompt}, reviewer:
    {system_prompt}, temperature, max_rounds}, prompts of 30-80 words, some holding one of a
    few distinctive phrases (the search_profiles hits; two more phrases occur nowhere).
  - steps: `log_training_steps` in chunks of 50,000 (one toolhost process per chunk and
    engine; one transaction, COPY on PostgreSQL, the SQLite full-text index caught up in the
    same transaction), created_at increasing, each referencing the profile version of its
    corpus that was current at its time (old_profile_id; new_profile_id the same or the next
    version), a query of 6-21 words, predicted and gold answers, a reward in [0, 1] that
    improves with the version, a small debate_trace and metadata. One query in five holds one
    of 40 rare terms (each in ~0.5% of the steps), one gold answer in ten one of 20 rare
    entities: the search_steps words. The load's rows/s (whole processes) is reported.
  Then PostgreSQL VACUUM ANALYZE; SQLite: WAL checkpoint only (no ANALYZE: the tool plans
  without statistics there, so the benchmark measures what a real database has).
  The first search_steps after loading is timed on its own, whole process (on SQLite it
  would index every step not yet in the FTS5 tables; log_training_steps now indexes a batch
  in its own transaction, so nothing is left); so is, after the log_training_step rounds,
  the SQLite search that indexes those single steps.

  1. Latency, in-process (`toolhost bench prompt_evolution_store --inputs FILE`, so process
     start-up is not measured; +20 unmeasured warm-up calls): latest_profile,
     profile_history, profile_lineage, search_profiles, training_summary over the last 30
     days (and per day), search_steps, and log_training_step (single step, created now; its
     rounds run after all read rounds so the reads see the same data every round).
     p50 / p95 / p99 per engine, median over --runs rounds (engines interleaved).
     --iterations calls per round for the quick operations, --heavy-iterations for
     training_summary and search_steps. Answers are checked once against the data (latest
     version, lineage length, search hits, summary step counts) and the row count after
     log_training_step rounds.
     Targets (issue): latest_profile p95 < 1 ms, log_training_step p95 < 5 ms,
     training_summary (30 days) < 100 ms, search_profiles and search_steps < 50 ms (p95).
  2. Query plans: every read operation with "explain": true answers with the database's plan
     for its exact statement (PostgreSQL EXPLAIN, SQLite EXPLAIN QUERY PLAN); they are printed
     per engine, with whether the expected index is used (an operation that answers rows
     instead of a plan is reported). When PostgreSQL's planner scans the profiles rather than
     use the trigram index, the same statement is explained again in psql with
     enable_seqscan off, to show the index can serve it. For PostgreSQL's search_steps,
     EXPLAIN (ANALYZE, BUFFERS) in psql of the statement as the tool spells it (copied here)
     and of the same match without ranking show where the time goes.
  3. `log_training_steps` of 100,000 steps in one call (created now), whole process, on the
     loaded database (each run adds its 100,000 steps to it): rows/s, median of --runs.

The throwaway PostgreSQL server (scripts/test-postgres.sh) runs with fsync=off and
synchronous_commit=off, and toolhost's SQLite runs WAL with synchronous=NORMAL: neither
commit waits for a disk flush. The data fit in RAM here.

Prints a table and the plans, then the results as one JSON line (the last line of stdout;
also written to --json FILE when given). Exits 1 when a step failed (the failure is
printed), not when a target is missed.

Usage: python3 Benchmarks/prompt_evolution_bench.py [--corpora N] [--versions N] [--steps N]
           [--runs N] [--iterations N] [--heavy-iterations N] [--skip-build] [--json FILE]
Needs PostgreSQL server binaries (with pg_trgm) and psql; scripts/test-postgres.sh starts and
removes the server.
"""
import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from benchlib import Failure, recording_failure, clean_up, print_footer, finish, measured, median, psql_scalar, sh, timestamp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLHOST = os.path.join(ROOT, ".build-static/release/toolhost")
TOOLS = os.path.join(ROOT, "tools")
TOOL = "prompt_evolution_store"
WARMUP = 20
CHUNK = 50_000
BATCH = 100_000
SPAN_DAYS = 3 * 365
DAY = 86_400.0
STEPS_TABLE = "hegel_training_steps"
PROFILES_TABLE = "hegel_prompt_profiles"
QUERY_FTS = "hegel_training_steps_query_fts"
ANSWERS_FTS = "hegel_training_steps_answers_fts"
# PromptEvolutionSchema's documents, spelled as the GIN indexes are (so counts use them).
PG_QUERY_DOCUMENT = "to_tsvector('english', \"query\")"
PG_ANSWERS_DOCUMENT = "to_tsvector('english', \"predicted_answer\" || ' ' || coalesce(\"gold_answer\", ''))"

CORPORA = [("hotpotqa", "qa"), ("gsm8k", "math"), ("triviaqa", "qa"), ("squad", "qa"), ("natural_questions", "qa"),
           ("mmlu", "multiple_choice"), ("arc_challenge", "multiple_choice"), ("boolq", "classification"), ("drop", "reasoning"),
           ("strategyqa", "reasoning"), ("commonsenseqa", "multiple_choice"), ("musique", "qa"), ("fever", "fact_check"),
           ("scifact", "fact_check"), ("medqa", "qa"), ("pubmedqa", "qa"), ("cnn_dailymail", "summarization"),
           ("xsum", "summarization"), ("ag_news", "classification"), ("conll2003", "extraction")]

PROMPT_WORDS = """
you are a careful helpful precise assistant expert reviewer worker agent answer question questions context passage passages
read given use only the evidence provided when unsure say so explain your reasoning briefly then give final answer format
output json object with fields keep it short concise clear correct complete consistent check each claim against source
sources documents retrieved facts entities dates numbers names quote relevant sentences avoid speculation do not invent
information prefer specific over vague ask for clarification if ambiguous consider alternatives rank candidates by
confidence return best one critique draft point out errors suggest fixes score from zero to ten justify score be strict
fair neutral tone plain language no filler domain terms define them units convert when needed round to two decimals
compare options list pros cons identify assumptions state them explicitly break problem into parts solve each combine
results verify final result matches question asked label category choose among options exactly one letter summary
sentences main points omit minor details preserve meaning extract spans exact text from input mark missing as null
""".split()
# Distinctive phrases: a minority of worker prompts hold one (search_profiles hits); the
# last two occur in no profile (misses). Capitalised in some prompts: the search ignores case.
PROFILE_PHRASES = [("cite the supporting passage", 0.12), ("think step by step", 0.25), ("answer with a single word", 0.05),
                   ("verify every arithmetic step", 0.08)]
MISSING_PHRASES = ["respond in iambic pentameter", "never mention the weather"]

QUESTION_STARTS = ["What is", "Explain why", "How does", "Which", "Compare", "Describe", "Summarize", "Classify", "Extract",
                   "Who", "When did", "Where is", "Name", "Estimate"]
QUESTION_WORDS = """
river city country war treaty king queen president election company product market price rate population capital
language author novel film album song team player season record award prize scientist theory experiment discovery
element compound reaction energy force mass speed distance temperature pressure volume area angle triangle circle
number total average percent ratio fraction sum difference product quotient year century decade month festival
mountain island ocean desert forest climate rainfall harvest crop factory railway bridge tower museum library school
university hospital disease symptom treatment drug vaccine protein gene cell organ animal species bird insect plant
flower tree metal mineral rock planet star galaxy moon orbit satellite rocket engine vehicle airport harbor border
empire republic revolution constitution parliament court law tax budget debt trade export import currency bank
""".split()
ANSWER_WORDS = QUESTION_WORDS + """
yes no true false unknown approximately about exactly nearly roughly first second third largest smallest oldest newest
north south east west central eastern western northern southern early late ancient modern medieval
""".split()
# Rare terms: one query in five holds one of these 40 (each in ~0.5% of the steps), one gold
# answer in ten one of the 20 entities (~0.5% each). search_steps looks for them.
RARE_QUERY = """
photosynthesis mitochondria byzantine isotope tectonic chlorophyll enzyme glacier volcano monsoon archipelago fjord
sonnet baroque renaissance parliamentarian thermodynamics entropy quasar nebula catalyst polymer alloy semiconductor
algorithm cryptography ledger mortgage inflation tariff aqueduct cathedral pharaoh samurai sultanate viking
tsunami hurricane earthquake avalanche
""".split()
RARE_ANSWER = """
zanzibar kilimanjaro copernicus avogadro fibonacci pythagoras magellan tesla curie mendeleev hypatia darwin
galileo archimedes euclid newton kepler faraday maxwell planck
""".split()
SEARCH_STEP_TEXTS = ["photosynthesis", "byzantine", "thermodynamics", "cryptography", "tsunami", "copernicus", "fibonacci",
                     "explain glacier", "compare inflation", "volcano population"]

# Targets (issue 6): p95 in ms.
TARGETS_MS = {"latest_profile": 1.0, "log_training_step": 5.0, "training_summary_30d": 100.0,
              "training_summary_30d_per_day": 100.0, "search_profiles": 50.0, "search_steps": 50.0}
# The index each read's plan should show, per engine (None: no index can serve it).
EXPECTED_INDEXES = {
    "latest_profile": {"postgres": ["idx_hegel_profiles_latest"], "sqlite": ["idx_hegel_profiles_latest"]},
    "profile_history": {"postgres": ["idx_hegel_profiles_latest"], "sqlite": ["idx_hegel_profiles_latest"]},
    "search_profiles": {"postgres": ["idx_hegel_profiles_worker_system_prompt"], "sqlite": None},
    "training_summary_30d": {"postgres": ["idx_hegel_steps_time"], "sqlite": ["idx_hegel_steps_time"]},
    "training_summary_30d_per_day": {"postgres": ["idx_hegel_steps_time"], "sqlite": ["idx_hegel_steps_time"]},
    "search_steps": {"postgres": [QUERY_FTS, ANSWERS_FTS], "sqlite": [QUERY_FTS, ANSWERS_FTS]},
    "profile_lineage": {"postgres": [f"{PROFILES_TABLE}_pkey"], "sqlite": ["sqlite_autoindex_" + PROFILES_TABLE]},
}


def corpus_list(count):
    return [CORPORA[index] if index < len(CORPORA) else ("corpus_%02d" % index, "qa") for index in range(count)]


class History:
    """The generated profiles and steps. Time runs from `start` (3 years ago) to `end` (now);
    profile version k of corpus c is created at start - c minutes + (k - 1) * span / versions,
    so version 1 precedes every step and each step uses the version current at its time."""

    def __init__(self, corpora, versions, steps, seed=6):
        self.corpora = corpus_list(corpora)
        self.versions = versions
        self.steps = steps
        self.end = time.time() - 60
        self.start = self.end - SPAN_DAYS * DAY
        self.version_span = SPAN_DAYS * DAY / versions
        self.rng = random.Random(seed)
        # (corpus index, version) -> id, per engine, as save_profile answers. Steps are
        # generated with PostgreSQL's ids and translated for SQLite (`translate`).
        self.profile_ids = {"postgres": {}, "sqlite": {}}
        self.to_sqlite = {}
        self.profile_texts = []  # worker prompts, lower-cased, to count search_profiles hits

    def profile_time(self, corpus_index, version):
        return self.start - 60.0 * (corpus_index + 1) + (version - 1) * self.version_span

    def _prompt(self, rng, role):
        words = rng.choices(PROMPT_WORDS, k=rng.randint(30, 80))
        if role == "worker":
            for phrase, share in PROFILE_PHRASES:
                if rng.random() < share:
                    spelled = phrase.capitalize() if rng.random() < 0.3 else phrase
                    at = rng.randrange(len(words) + 1)
                    words[at:at] = spelled.split()
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def save_profile_call(self, corpus_index, version):
        """The save_profile input of a version (its parent, version - 1, must be saved first)."""
        rng = self.rng
        corpus, task = self.corpora[corpus_index]
        worker = self._prompt(rng, "worker")
        self.profile_texts.append(worker.lower())
        call = {"operation": "save_profile", "corpus_id": corpus, "task_type": task, "version": version,
                "profile": {"worker": {"system_prompt": worker, "model": rng.choice(["llama3.1:8b", "qwen2.5:14b", "mistral-nemo:12b"])},
                            "reviewer": {"system_prompt": self._prompt(rng, "reviewer"), "strictness": round(rng.uniform(0.2, 0.9), 2)},
                            "temperature": round(rng.uniform(0.0, 1.0), 2), "max_rounds": rng.randint(1, 4)},
                "metadata": {"mutation": rng.choice(["crossover", "rephrase", "add_rule", "drop_rule", "seed"]),
                             "fitness": round(rng.uniform(0.3, 0.9), 3)},
                "created_at": timestamp(self.profile_time(corpus_index, version))}
        return call

    def saved(self, corpus_index, version, ids):
        """Records the ids the engines gave a saved profile."""
        for engine, id_ in ids.items():
            self.profile_ids[engine][(corpus_index, version)] = id_
        self.to_sqlite[ids["postgres"]] = ids["sqlite"]

    def with_parent(self, call, corpus_index, version, engine):
        if version > 1:
            return dict(call, parent_profile_id=self.profile_ids[engine][(corpus_index, version - 1)])
        return call

    def translate(self, steps):
        """Steps made with PostgreSQL's profile ids, changed in place to SQLite's."""
        to_sqlite = self.to_sqlite
        for step in steps:
            step["old_profile_id"] = to_sqlite[step["old_profile_id"]]
            step["new_profile_id"] = to_sqlite[step["new_profile_id"]]

    def _step(self, rng, moment, corpus_index, with_time=True):
        corpus, task = self.corpora[corpus_index]
        version = min(self.versions, max(1, int((moment - self.profile_time(corpus_index, 1)) // self.version_span) + 1))
        ids = self.profile_ids["postgres"]
        old = ids[(corpus_index, version)]
        new = ids[(corpus_index, min(self.versions, version + 1))] if rng.random() < 0.1 else old
        words = rng.choices(QUESTION_WORDS, k=rng.randint(5, 18))
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words) + 1), rng.choice(RARE_QUERY))
        query = rng.choice(QUESTION_STARTS) + " " + " ".join(words) + "?"
        gold_words = rng.choices(ANSWER_WORDS, k=rng.randint(1, 12))
        if rng.random() < 0.1:
            gold_words.insert(rng.randrange(len(gold_words) + 1), rng.choice(RARE_ANSWER))
        gold = " ".join(gold_words)
        accuracy = 0.35 + 0.45 * version / self.versions
        correct = rng.random() < accuracy
        predicted = gold if correct else " ".join(rng.choices(ANSWER_WORDS, k=rng.randint(1, 12)))
        reward = 1.0 if correct else round(rng.uniform(0.0, 0.6), 4)
        rounds = rng.randint(1, 3)
        step = {"corpus_id": corpus, "task_type": task, "old_profile_id": old, "new_profile_id": new, "query": query,
                "predicted_answer": predicted, "gold_answer": gold, "reward": reward,
                "debate_trace": {"rounds": rounds, "turns": [{"agent": "worker", "confidence": round(rng.uniform(0.3, 1.0), 2)},
                                                             {"agent": "reviewer", "verdict": "accept" if correct else rng.choice(["revise", "reject"])}]},
                "metadata": {"epoch": int((moment - self.start) // (30 * DAY)), "latency_ms": rng.randint(200, 9000),
                             "tokens": rng.randint(100, 3000)}}
        if with_time:
            step["created_at"] = timestamp(moment)
        return step

    def step_chunks(self):
        """log_training_steps inputs of CHUNK steps, created_at increasing over the 3 years."""
        rng = self.rng
        spacing = (self.end - self.start) / self.steps
        corpora = len(self.corpora)
        for first in range(0, self.steps, CHUNK):
            steps = [self._step(rng, self.start + (index + rng.random()) * spacing, rng.randrange(corpora))
                     for index in range(first, min(self.steps, first + CHUNK))]
            yield {"operation": "log_training_steps", "steps": steps}

    def live_steps(self, count, seed):
        """Steps as an agent logs them now (no created_at: the database's time)."""
        rng = random.Random(seed)
        corpora = len(self.corpora)
        return [self._step(rng, self.end, rng.randrange(corpora), with_time=False) for _ in range(count)]



def sql_literal(text):
    return "'" + text.replace("'", "''") + "'"


def fts_query(text):
    """SearchIndex.ftsQuery: each word quoted (all must occur)."""
    words = "".join(c if c.isalnum() or c == "_" else " " for c in text).split()
    return " ".join('"%s"' % word for word in words)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=int, default=20, help="corpora (one task type each) (default 20)")
    parser.add_argument("--versions", type=int, default=50, help="profile versions per corpus (default 50)")
    parser.add_argument("--steps", type=int, default=1_000_000, help="training steps over the last 3 years (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="rounds of each measurement (default 3)")
    parser.add_argument("--iterations", type=int, default=2000,
                        help="measured calls per round and engine of the quick operations (default 2000)")
    parser.add_argument("--heavy-iterations", type=int, default=200,
                        help="measured calls per round and engine of training_summary and search_steps (default 200)")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args()
    if min(args.corpora, args.steps, args.runs, args.iterations, args.heavy_iterations) < 1 or args.versions < 2:
        parser.error("--corpora, --steps, --runs, --iterations and --heavy-iterations must be positive, --versions at least 2")
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost", "--static-swift-stdlib",
                        "--scratch-path", ".build-static"], cwd=ROOT, check=True)
    if not shutil.which("psql"):
        raise SystemExit("prompt_evolution_bench: psql is needed")

    work = tempfile.mkdtemp(prefix="toolhost-prompt-evolution-bench-")
    url = sh([os.path.join(ROOT, "scripts/test-postgres.sh"), "start"]).stdout.strip()
    socket_dir = url.split("host=")[1].split("&")[0]
    profiles = args.corpora * args.versions
    results = {"corpora": args.corpora, "versions": args.versions, "profiles": profiles, "steps": args.steps,
               "span_days": SPAN_DAYS, "runs": args.runs, "iterations": args.iterations, "heavy_iterations": args.heavy_iterations,
               "warmup": WARMUP, "batch_steps": BATCH}
    failures = []
    bench_started = time.perf_counter()
    try:
        base_env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache"),
                    "TOOLHOST_TOOLS_PATH": TOOLS, "TOOLHOST_RECORD_INVOCATIONS": "false"}
        sh(["psql", "-X", url, "-qc", "CREATE DATABASE prompt_evolution"])
        postgres_url = url.replace("/toolhost_test?", "/prompt_evolution?")
        sqlite_path = os.path.join(work, "prompt_evolution.db")
        engines = {"sqlite": dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=sqlite_path),
                   "postgres": dict(base_env, DATABASE_URL=postgres_url)}
        stdout_path = os.path.join(work, "stdout.txt")
        call_path = os.path.join(work, "call.json")

        def toolhost(arguments, env, allow_failure=False):
            """One toolhost process; (seconds, stdout, stderr). Fails on a non-zero status."""
            command = [TOOLHOST] + arguments
            seconds, _, status, stdout, stderr = measured(command, env, stdout_path, cwd=work, stdout_limit=20_000_000)
            if status != 0 and not allow_failure:
                raise Failure(f"{' '.join(command)} exited {status}\n  stdout: {stdout[:800]}\n  stderr: {stderr[:800]}")
            return seconds, stdout, stderr

        def call(engine, payload, path=None):
            """One `toolhost run prompt_evolution_store --input` of payload (or of the file at
            path); (the answer, which must say success, whole-process seconds)."""
            if path is None:
                path = call_path
                with open(path, "w") as out:
                    json.dump(payload, out)
            seconds, stdout, stderr = toolhost(["run", TOOL, "--input", path], engines[engine], allow_failure=True)
            try:
                answer = json.loads(stdout)
            except ValueError:
                answer = None
            if not isinstance(answer, dict) or answer.get("success") is not True:
                shown = json.dumps(payload)[:300] if payload is not None else os.path.basename(path)
                raise Failure(f"{TOOL} ({engine}) {shown}\n  answered: {stdout[:800]}\n  stderr: {stderr[:600]}")
            return answer, seconds

        def sqlite_scalar(sql, parameters=()):
            connection = sqlite3.connect(sqlite_path)
            try:
                return connection.execute(sql, parameters).fetchone()[0]
            finally:
                connection.close()

        def step_count(engine):
            if engine == "sqlite":
                return sqlite_scalar(f"SELECT count(*) FROM {STEPS_TABLE}")
            return int(psql_scalar(postgres_url, f"SELECT count(*) FROM {STEPS_TABLE}"))

        def write_jsonl(name, lines):
            path = os.path.join(work, name + ".jsonl")
            with open(path, "w") as out:
                for line in lines:
                    out.write(json.dumps(line, separators=(",", ":")) + "\n")
            return path

        # 0. The history, through the tool.
        print(f"0. generating {args.corpora} corpora x {args.versions} profile versions ({profiles:,} profiles)"
              f" and {args.steps:,} training steps over {SPAN_DAYS} days into both databases, through the tool")
        generation_started = time.perf_counter()
        for engine in engines:  # the first use creates the tables
            call(engine, {"operation": "training_summary"})
        history = History(args.corpora, args.versions, args.steps)
        profile_seconds = {engine: 0.0 for engine in engines}
        for version in range(1, args.versions + 1):
            for corpus_index in range(args.corpora):
                payload = history.save_profile_call(corpus_index, version)
                ids = {}
                for engine in engines:
                    answer, seconds = call(engine, history.with_parent(payload, corpus_index, version, engine))
                    profile_seconds[engine] += seconds
                    if answer.get("version") != version or not isinstance(answer.get("profile_id"), str):
                        raise Failure(f"save_profile ({engine}) of version {version} answered {json.dumps(answer)[:300]}")
                    ids[engine] = answer["profile_id"]
                history.saved(corpus_index, version, ids)
        profiles_seconds = time.perf_counter() - generation_started
        print(f"   {profiles:,} profiles by save_profile, one toolhost run each, {profiles_seconds:.0f} s: "
              + ", ".join(f"{engine} {seconds / profiles * 1000:.1f} ms a call (whole process)" for engine, seconds in profile_seconds.items()))

        load_seconds = {engine: 0.0 for engine in engines}
        chunk_paths = {engine: os.path.join(work, f"chunk-{engine}.json") for engine in engines}
        input_bytes = 0
        loaded = 0
        steps_started = time.perf_counter()
        for chunk in history.step_chunks():
            count = len(chunk["steps"])
            for engine in ("postgres", "sqlite"):  # generated with PostgreSQL's ids
                if engine == "sqlite":
                    history.translate(chunk["steps"])
                with open(chunk_paths[engine], "w") as out:
                    json.dump(chunk, out, separators=(",", ":"))
                input_bytes += os.path.getsize(chunk_paths[engine]) / 2
                answer, seconds = call(engine, None, path=chunk_paths[engine])
                if answer.get("count") != count:
                    raise Failure(f"log_training_steps ({engine}) of {count:,} steps answered {json.dumps(answer)[:300]}")
                load_seconds[engine] += seconds
            loaded += count
            if loaded % 200_000 == 0 or loaded == args.steps:
                print(f"   {loaded:>9,} steps logged ({time.perf_counter() - steps_started:.0f} s)", flush=True)
        for path in chunk_paths.values():
            os.remove(path)
        steps_seconds = time.perf_counter() - steps_started
        for engine in engines:
            found = step_count(engine)
            if found != args.steps:
                raise Failure(f"after loading, {engine} has {found:,} steps, expected {args.steps:,}")
        started = time.perf_counter()
        sh(["psql", "-X", postgres_url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
            f"VACUUM ANALYZE {PROFILES_TABLE}, {STEPS_TABLE}, hegel_profile_populations"])
        vacuum = time.perf_counter() - started
        with sqlite3.connect(sqlite_path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            indexed = dict(connection.execute("SELECT name, last_id FROM toolhost_search_sync").fetchall())
        # The first search after loading: SQLite indexes any step not yet in its FTS5 tables.
        unindexed = {name: args.steps - indexed.get(name, 0) for name in (QUERY_FTS, ANSWERS_FTS)}
        first_search = {}
        for engine in engines:
            _, first = call(engine, {"operation": "search_steps", "text": SEARCH_STEP_TEXTS[0], "limit": 20})
            _, second = call(engine, {"operation": "search_steps", "text": SEARCH_STEP_TEXTS[0], "limit": 20})
            first_search[engine] = {"first_seconds": first, "second_seconds": second}
        sizes = {"sqlite": os.path.getsize(sqlite_path) / 1e6,
                 "postgres": int(psql_scalar(postgres_url, "SELECT pg_database_size(current_database())")) / 1e6}
        generation = time.perf_counter() - generation_started
        results["generation"] = {
            "seconds": generation, "profiles_seconds": profiles_seconds,
            "save_profile_ms_per_call": {e: s / profiles * 1000 for e, s in profile_seconds.items()},
            "steps_seconds": steps_seconds, "steps_path": f"log_training_steps in chunks of {CHUNK:,}, one toolhost run per chunk",
            "steps_load_rows_per_s": {e: args.steps / s for e, s in load_seconds.items()},
            "steps_input_mb": input_bytes / 1e6, "postgres_vacuum_analyze_seconds": vacuum,
            "sqlite_steps_not_in_fts_after_load": unindexed, "first_search_steps": first_search, "database_mb": sizes}
        print(f"   steps logged in {steps_seconds:.0f} s ({input_bytes / 1e6:,.0f} MB of JSON per engine): "
              + ", ".join(f"{e} {args.steps / s:,.0f} rows/s ({s:.0f} s in toolhost)" for e, s in load_seconds.items())
              + f"; PostgreSQL VACUUM ANALYZE {vacuum:.1f} s")
        print(f"   SQLite steps not yet in the FTS5 tables after loading: "
              + ", ".join(f"{n} {c:,}" for n, c in unindexed.items()))
        print("   first search_steps after loading (whole process, includes any FTS catch-up): "
              + ", ".join(f"{e} {v['first_seconds'] * 1000:,.0f} ms (the next one {v['second_seconds'] * 1000:,.0f} ms)"
                          for e, v in first_search.items()))
        print(f"   SQLite file {sizes['sqlite']:,.0f} MB, PostgreSQL database {sizes['postgres']:,.0f} MB; all generated in {generation:.0f} s")

        # The inputs of each measured operation, per engine (profile ids differ).
        newest = {engine: [history.profile_ids[engine][(c, args.versions)] for c in range(args.corpora)] for engine in engines}
        corpora = history.corpora
        history_limit = 20
        phrases = [phrase for phrase, _ in PROFILE_PHRASES] + MISSING_PHRASES
        profile_hits = {phrase: sum(phrase in text for text in history.profile_texts) for phrase in phrases}
        operations = {  # name -> (input lines per engine, heavy)
            "latest_profile": (lambda engine: [{"operation": "latest_profile", "corpus_id": c, "task_type": t} for c, t in corpora], False),
            "profile_history": (lambda engine: [{"operation": "profile_history", "corpus_id": c, "task_type": t, "limit": history_limit,
                                                 "offset": offset} for offset in (0, 20) for c, t in corpora], False),
            "profile_lineage": (lambda engine: [{"operation": "profile_lineage", "profile_id": i} for i in newest[engine]], False),
            "search_profiles": (lambda engine: [{"operation": "search_profiles", "text": p, "limit": 20} for p in phrases], False),
            "training_summary_30d": (lambda engine: [{"operation": "training_summary", "since": "30d"}], True),
            "training_summary_30d_per_day": (lambda engine: [{"operation": "training_summary", "since": "30d", "per_day": True}], True),
            "search_steps": (lambda engine: [{"operation": "search_steps", "text": t, "limit": 20} for t in SEARCH_STEP_TEXTS], True),
        }
        inputs = {name: {engine: write_jsonl(f"{name}-{engine}", lines(engine)) for engine in engines}
                  for name, (lines, _) in operations.items()}

        # Answers checked once against the data.
        print("\n   checking the answers against the data")
        checks = {}
        step_matches = {}
        for engine in engines:
            check = {}
            for index, (corpus, task) in enumerate(corpora):
                answer, _ = call(engine, {"operation": "latest_profile", "corpus_id": corpus, "task_type": task})
                profile = answer.get("profile") or {}
                if profile.get("version") != args.versions or profile.get("id") != newest[engine][index]:
                    raise Failure(f"latest_profile ({engine}) of {corpus}/{task}: version {profile.get('version')} id {profile.get('id')},"
                                  f" expected version {args.versions} id {newest[engine][index]}")
                page, _ = call(engine, {"operation": "profile_history", "corpus_id": corpus, "task_type": task, "limit": history_limit})
                versions = [p.get("version") for p in page.get("profiles", [])]
                if versions != list(range(args.versions, max(0, args.versions - history_limit), -1)):
                    raise Failure(f"profile_history ({engine}) of {corpus}/{task} answered versions {versions}")
            lineage, _ = call(engine, {"operation": "profile_lineage", "profile_id": newest[engine][0]})
            if lineage.get("count") != args.versions - 1 or lineage.get("cycle") is not False:
                raise Failure(f"profile_lineage ({engine}) of version {args.versions}: count {lineage.get('count')}, cycle {lineage.get('cycle')},"
                              f" expected {args.versions - 1} ancestors")
            for phrase in phrases:
                answer, _ = call(engine, {"operation": "search_profiles", "text": phrase, "limit": 20})
                if answer.get("count") != min(20, profile_hits[phrase]):
                    raise Failure(f"search_profiles ({engine}) {phrase!r}: {answer.get('count')} profiles, the data has {profile_hits[phrase]}")
            for per_day in (False, True):
                answer, _ = call(engine, {"operation": "training_summary", "since": "30d", "per_day": per_day})
                since = answer.get("since")
                if engine == "sqlite":
                    expected = sqlite_scalar(f"SELECT count(*) FROM {STEPS_TABLE} WHERE created_at >= ?", (since,))
                else:
                    expected = int(psql_scalar(postgres_url, f"SELECT count(*) FROM {STEPS_TABLE} WHERE created_at >= {sql_literal(since)}::timestamptz"))
                total = sum(group.get("steps", 0) for group in answer.get("groups", []))
                if total != expected or expected == 0:
                    raise Failure(f"training_summary ({engine}, per_day {per_day}) since {since}: {total} steps in its groups, the table has {expected}")
                check["summary_groups_per_day" if per_day else "summary_groups"] = answer.get("count")
                check["summary_steps_30d"] = expected
            matches = {}
            for text in SEARCH_STEP_TEXTS:
                if engine == "sqlite":
                    found = sqlite_scalar(f"SELECT count(*) FROM (SELECT rowid FROM {QUERY_FTS} WHERE {QUERY_FTS} MATCH ?"
                                          f" UNION SELECT rowid FROM {ANSWERS_FTS} WHERE {ANSWERS_FTS} MATCH ?)", (fts_query(text),) * 2)
                else:
                    found = int(psql_scalar(postgres_url, f"SELECT count(*) FROM {STEPS_TABLE} WHERE {PG_QUERY_DOCUMENT} @@ plainto_tsquery('english', {sql_literal(text)})"
                                                          f" OR {PG_ANSWERS_DOCUMENT} @@ plainto_tsquery('english', {sql_literal(text)})"))
                answer, _ = call(engine, {"operation": "search_steps", "text": text, "limit": 20})
                scores = [step.get("score") for step in answer.get("steps", [])]
                if answer.get("count") != min(20, found) or scores != sorted(scores, reverse=True):
                    raise Failure(f"search_steps ({engine}) {text!r}: {answer.get('count')} steps (scores {scores[:5]}...), the data has {found} matches")
                matches[text] = found
            step_matches[engine] = matches
            checks[engine] = check
        results["data"] = {"profile_phrase_hits": profile_hits, "search_steps_matches": step_matches, "checks": checks}
        print(f"   search_profiles phrases, profiles holding them (of {profiles:,}): "
              + ", ".join(f"{p!r} {n}" for p, n in profile_hits.items()))
        print(f"   search_steps texts, matching steps (of {args.steps:,}; sqlite / postgres): "
              + ", ".join(f"{t!r} {step_matches['sqlite'][t]:,}/{step_matches['postgres'][t]:,}" for t in SEARCH_STEP_TEXTS))
        print(f"   training_summary since 30d: {checks['postgres']['summary_steps_30d']:,} steps in {checks['postgres']['summary_groups']} groups"
              f" ({checks['postgres']['summary_groups_per_day']} per day)")

        # 2. Plans (printed before the latencies are taken: they do not change the data).
        plans = {}
        for name in list(operations):
            plans[name] = {}
            for engine in engines:
                with open(inputs[name][engine]) as handle:
                    first = json.loads(handle.readline())
                answer, _ = call(engine, dict(first, explain=True))
                if "plan" not in answer:
                    plans[name][engine] = {"input": first, "plan": None,
                                           "note": "explain: true is ignored: the operation answered its rows (keys %s)" % sorted(answer)}
                    continue
                plan = [str(line) for line in answer["plan"]]
                text = "\n".join(plan)
                expected = EXPECTED_INDEXES.get(name, {}).get(engine)
                entry = {"input": first, "plan": plan, "expected_indexes": expected}
                if expected is not None:
                    entry["indexes_used"] = all(index in text for index in expected)
                entry["full_scan_of_steps"] = (f"Seq Scan on {STEPS_TABLE}" in text) or (f"SCAN {STEPS_TABLE}" in text and "INDEX" not in text.split(f"SCAN {STEPS_TABLE}")[1].split("\n")[0])
                entry["full_scan_of_profiles"] = (f"Seq Scan on {PROFILES_TABLE}" in text) or any(
                    line.strip().startswith(f"SCAN {PROFILES_TABLE}") and "INDEX" not in line for line in plan)
                if name == "search_profiles" and engine == "postgres" and not entry["indexes_used"]:
                    # The planner may rightly prefer scanning a small table; show that the
                    # trigram index can serve the same statement (spelled as the tool does).
                    expression = "(profile #>> '{worker,system_prompt}')"
                    pattern = "%" + first["text"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                    statement = (f"SELECT *, {expression} AS matched_text FROM {PROFILES_TABLE} WHERE {expression} ILIKE {sql_literal(pattern)}"
                                 f" ESCAPE '\\' ORDER BY created_at DESC LIMIT {first.get('limit', 20)}")
                    forced = sh(["psql", "-X", postgres_url, "-qAt", "-c", "SET enable_seqscan = off", "-c", "EXPLAIN " + statement]).stdout
                    entry["plan_without_seqscan"] = [line for line in forced.splitlines() if line.strip()]
                plans[name][engine] = entry
        results["plans"] = plans

        # 1. Latency, in-process.
        def bench(name, engine, path, iterations):
            _, stdout, stderr = toolhost(["bench", TOOL, "--inputs", path, "--iterations", str(iterations), "--warmup", str(WARMUP)],
                                         engines[engine], allow_failure=True)
            try:
                report = json.loads(stdout)
            except ValueError:
                raise Failure(f"toolhost bench {TOOL} {name} ({engine}) printed no report\n  stdout: {stdout[:600]}\n  stderr: {stderr[:600]}")
            if report.get("failures") != 0 or report.get("iterations") != iterations:
                raise Failure(f"toolhost bench {TOOL} {name} ({engine}): {report.get('failures')} of {iterations} calls failed;"
                              f" first failure: {json.dumps(report.get('first_failure'))[:800]}\n  stderr: {stderr[:400]}")
            return report

        rounds = {}
        print(f"\n1. latency in-process (toolhost bench), {args.iterations:,} calls (heavy: {args.heavy_iterations:,}) + {WARMUP} warm-up,"
              f" {args.runs} rounds, engines interleaved")
        with recording_failure(failures, "latency"):
            for round_index in range(args.runs):
                for engine in (("sqlite", "postgres") if round_index % 2 == 0 else ("postgres", "sqlite")):
                    for name, (_, heavy) in operations.items():
                        report = bench(name, engine, inputs[name][engine], args.heavy_iterations if heavy else args.iterations)
                        rounds.setdefault(name, {}).setdefault(engine, []).append(report)
                    print(f"   round {round_index + 1} {engine:<9} "
                          + "  ".join(f"{name} {rounds[name][engine][-1]['p95_ms']:.3f}" for name in operations) + "  (p95 ms)", flush=True)
            # The single-step log after all the reads: they all saw the same data.
            name = "log_training_step"
            for round_index in range(args.runs):
                for engine in (("sqlite", "postgres") if round_index % 2 == 0 else ("postgres", "sqlite")):
                    steps = history.live_steps(args.iterations + WARMUP, seed=100 + round_index)
                    if engine == "sqlite":
                        history.translate(steps)
                    path = write_jsonl(f"{name}-{engine}", [dict(step, operation=name) for step in steps])
                    before = step_count(engine)
                    report = bench(name, engine, path, args.iterations)
                    added = step_count(engine) - before
                    if added != args.iterations + WARMUP:
                        raise Failure(f"{engine}: {args.iterations + WARMUP} log_training_step calls added {added} steps")
                    rounds.setdefault(name, {}).setdefault(engine, []).append(report)
                    print(f"   round {round_index + 1} {engine:<9} log_training_step p50 {report['p50_ms']:.3f}  p95 {report['p95_ms']:.3f}"
                          f"  p99 {report['p99_ms']:.3f}  max {report['max_ms']:.3f} ms", flush=True)
            # Single steps are indexed for search by the next search_steps (SQLite).
            pending = sqlite_scalar(f"SELECT (SELECT max(id) FROM {STEPS_TABLE}) - last_id FROM toolhost_search_sync WHERE name = ?", (QUERY_FTS,))
            _, first = call("sqlite", {"operation": "search_steps", "text": SEARCH_STEP_TEXTS[0], "limit": 20})
            _, second = call("sqlite", {"operation": "search_steps", "text": SEARCH_STEP_TEXTS[0], "limit": 20})
            results["sqlite_search_after_single_steps"] = {"steps_to_index": pending, "first_seconds": first, "second_seconds": second}
            print(f"   SQLite: the first search_steps after the log_training_step rounds indexes their {pending:,} steps:"
                  f" {first * 1000:,.0f} ms whole process (the next one {second * 1000:,.0f} ms)")
        results["latency"] = {}
        for name, by_engine in rounds.items():
            results["latency"][name] = {}
            for engine, reports in by_engine.items():
                p95 = median([r["p95_ms"] for r in reports])
                row = {"p50_ms": median([r["p50_ms"] for r in reports]), "p95_ms": p95, "p99_ms": median([r["p99_ms"] for r in reports]),
                       "mean_ms": median([r["mean_ms"] for r in reports]), "max_ms": max(r["max_ms"] for r in reports),
                       "iterations": reports[0]["iterations"], "rounds_p95_ms": [r["p95_ms"] for r in reports]}
                if name in TARGETS_MS:
                    row["target_p95_ms"] = TARGETS_MS[name]
                    row["target_met"] = p95 < TARGETS_MS[name]
                results["latency"][name][engine] = row

        # Where PostgreSQL's search_steps spends its time: EXPLAIN ANALYZE of the statement
        # spelled as TrainingStepLog.search spells it (a copy made by this script), and of the
        # same matching without the ranking (count only).
        with recording_failure(failures, "search_steps diagnostics"):
            text = sql_literal(SEARCH_STEP_TEXTS[0])
            where = f"({PG_QUERY_DOCUMENT} @@ q OR {PG_ANSWERS_DOCUMENT} @@ q)"
            ranked = (f"SELECT s.*, ts_rank({PG_QUERY_DOCUMENT}, q) + ts_rank({PG_ANSWERS_DOCUMENT}, q) AS score"
                      f" FROM {STEPS_TABLE} s, plainto_tsquery('english', {text}) q WHERE {where} ORDER BY score DESC, s.id DESC LIMIT 20")
            counted = f"SELECT count(*) FROM {STEPS_TABLE} s, plainto_tsquery('english', {text}) q WHERE {where}"
            diagnostics = {}
            for label, statement in (("ranked", ranked), ("count_only", counted)):
                sh(["psql", "-X", postgres_url, "-qAt", "-c", statement])  # warm
                analyzed = sh(["psql", "-X", postgres_url, "-qAt", "-c", "EXPLAIN (ANALYZE, BUFFERS) " + statement]).stdout
                diagnostics[label] = {"statement": statement, "plan": [line for line in analyzed.splitlines() if line.strip()]}
            results["postgres_search_steps_analyzed"] = diagnostics

        # 3. Batch log of 100,000 steps, one call, on the loaded database.
        with recording_failure(failures, "batch"):
            print(f"\n3. log_training_steps of {BATCH:,} steps in one call (created now), whole process, on the loaded database, {args.runs} rounds")
            batch_paths = {}
            steps = history.live_steps(BATCH, seed=7)
            for engine in ("postgres", "sqlite"):
                if engine == "sqlite":
                    history.translate(steps)
                batch_paths[engine] = os.path.join(work, f"batch-{engine}.json")
                with open(batch_paths[engine], "w") as out:
                    json.dump({"operation": "log_training_steps", "steps": steps}, out, separators=(",", ":"))
            del steps
            batch_rounds = {engine: [] for engine in engines}
            for round_index in range(args.runs):
                for engine in (("sqlite", "postgres") if round_index % 2 == 0 else ("postgres", "sqlite")):
                    before = step_count(engine)
                    answer, seconds = call(engine, None, path=batch_paths[engine])
                    added = step_count(engine) - before
                    if answer.get("count") != BATCH or added != BATCH:
                        raise Failure(f"log_training_steps ({engine}) of {BATCH:,} steps answered {json.dumps(answer)[:300]}, added {added:,}")
                    batch_rounds[engine].append(BATCH / seconds)
                    print(f"   round {round_index + 1} {engine:<9} {BATCH / seconds:10,.0f} rows/s  ({seconds:.2f} s)", flush=True)
            results["batch"] = {engine: {"rows_per_s": median(rates), "rounds_rows_per_s": rates} for engine, rates in batch_rounds.items()}
            results["batch_input_mb"] = os.path.getsize(batch_paths["postgres"]) / 1e6

        # The table and the plans.
        results["total_seconds"] = time.perf_counter() - bench_started
        print("\n" + "=" * 118)
        print(f"{args.corpora} corpora x {args.versions} versions ({profiles:,} profiles), {args.steps:,} training steps over {SPAN_DAYS} days;"
              f" generated through the tool in {generation:.0f} s")
        print(f"\nLatency in-process (toolhost bench), median of {args.runs} rounds; {args.iterations:,} calls a round"
              f" ({args.heavy_iterations:,} for training_summary and search_steps) + {WARMUP} warm-up")
        print(f"  {'operation':<30} {'engine':<9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  {'target (p95)':<20} rounds p95")
        for name, by_engine in results["latency"].items():
            for engine in ("postgres", "sqlite"):
                row = by_engine.get(engine)
                if not row:
                    continue
                target = f"< {row['target_p95_ms']:g} ms: {'met' if row['target_met'] else 'NOT met'}" if "target_p95_ms" in row else "-"
                print(f"  {name:<30} {engine:<9} {row['p50_ms']:8.3f} {row['p95_ms']:8.3f} {row['p99_ms']:8.3f} {row['max_ms']:8.3f}"
                      f"  {target:<20} {', '.join(f'{v:.3f}' for v in row['rounds_p95_ms'])}")
        print(f"\nLoading {args.steps:,} steps by log_training_steps in chunks of {CHUNK:,} (whole processes): "
              + ", ".join(f"{e} {r:,.0f} rows/s" for e, r in results["generation"]["steps_load_rows_per_s"].items()))
        print("First search_steps after loading (whole process): "
              + ", ".join(f"{e} {v['first_seconds'] * 1000:,.0f} ms, then {v['second_seconds'] * 1000:,.0f} ms" for e, v in first_search.items())
              + f"; SQLite steps left for that first search to index: {max(unindexed.values()):,}")
        if "sqlite_search_after_single_steps" in results:
            row = results["sqlite_search_after_single_steps"]
            print(f"SQLite search_steps after {row['steps_to_index']:,} single log_training_step calls (it indexes them):"
                  f" {row['first_seconds'] * 1000:,.0f} ms whole process, then {row['second_seconds'] * 1000:,.0f} ms")
        if "batch" in results:
            print(f"log_training_steps of {BATCH:,} steps in one call ({results['batch_input_mb']:.0f} MB JSON), whole process,"
                  f" on the loaded database, median of {args.runs}: "
                  + ", ".join(f"{e} {row['rows_per_s']:,.0f} rows/s (rounds {', '.join(f'{r:,.0f}' for r in row['rounds_rows_per_s'])})"
                              for e, row in results["batch"].items()))
        print("\nQuery plans (\"explain\": true, the first input of each measured operation)")
        for name, by_engine in plans.items():
            for engine in ("postgres", "sqlite"):
                entry = by_engine[engine]
                if entry["plan"] is None:
                    print(f"\n  {name} [{engine}]: NO PLAN: {entry['note']}")
                    continue
                expected = entry["expected_indexes"]
                verdict = ("no index can serve it" if expected is None
                           else f"uses {' and '.join(expected)}: {'yes' if entry['indexes_used'] else 'NO'}")
                warning = "  FULL SCAN of the steps" if entry["full_scan_of_steps"] else ""
                print(f"\n  {name} [{engine}] {json.dumps({k: v for k, v in entry['input'].items() if k != 'operation'})}: {verdict}{warning}")
                for line in entry["plan"]:
                    print(f"    {line}")
                if "plan_without_seqscan" in entry:
                    print("    -- the same statement in psql with SET enable_seqscan = off (can the index serve it?):")
                    for line in entry["plan_without_seqscan"]:
                        print(f"    {line}")
        if "postgres_search_steps_analyzed" in results:
            print(f"\nPostgreSQL search_steps {SEARCH_STEP_TEXTS[0]!r}: EXPLAIN (ANALYZE, BUFFERS) in psql of the tool's statement"
                  f" (spelled by this script), then of the same match without ranking")
            for label, entry in results["postgres_search_steps_analyzed"].items():
                print(f"\n  [{label}] {entry['statement'][:160]}...")
                for line in entry["plan"]:
                    print(f"    {line}")
        print_footer(results, failures)
        results["failures"] = failures
    except Failure as failure:
        failures.append(f"setup: {failure}")
        results["failures"] = failures
        print(f"FAILED {failure}")
    finally:
        clean_up(socket_dir, work)
    return finish(results, failures, args.json)


if __name__ == "__main__":
    sys.exit(main())
