#!/usr/bin/env python3
"""Storage benchmarks for ToolHost (issue 3), on SQLite and on a throwaway PostgreSQL server.

  1. `toolhost run bulk_data_store` with one store_log, as a whole process: median per engine
     (interleaved runs).
  2. Bulk ingest of N log rows (default 1,000,000) through `store_logs`, whole process
     (JSON parse, validation, COPY / prepared inserts, recording of the call): rows/s, and the
     ratio to the engine's own loader on the same rows and the same schema in the same run —
     `psql \\copy` on PostgreSQL; on SQLite Python's sqlite3.executemany with the two B-tree
     indexes kept current, alone (the work store_logs does since it leaves the full-text index
     to the first search; it builds the B-tree indexes again after a batch as large as its
     table rather than keeping them current) and with the FTS catch-up (what store_logs did
     before). SQLite runs
     `--sqlite-runs` interleaved rounds on fresh databases and quotes medians; `--baseline`
     adds another toolhost binary (a build of an earlier commit) to each round, side by side.
     After each toolhost ingest, the first `query_logs` search (which indexes the batch for
     search: the catch-up cost) and a second one are timed as whole processes. `--sqlite-bounds`
     adds what bounds that ingest: toolhost reading, parsing and checking the input alone, and
     executemany with the indexes built after the rows or with none.
  3. `query_logs` with tool_id + log_level filters and limit 50 on those N rows, in-process
     (`toolhost bench`): p50 / p95 / p99.

Usage: python3 Benchmarks/storage_bench.py [--rows N] [--runs N] [--skip-build]
                                           [--sqlite-runs N] [--baseline BINARY] [--sqlite-ingest-only]
                                           [--sqlite-bounds]
Needs PostgreSQL server binaries (scripts/test-postgres.sh starts and removes the server), except
with --sqlite-ingest-only, which runs only the SQLite part of 2.
"""
import argparse
import datetime
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLHOST = os.path.join(ROOT, ".build-static/release/toolhost")
TOOLS = os.path.join(ROOT, "tools")
LEVELS = ["debug", "info", "info", "info", "warning", "error", "critical"]


def sh(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def generate(directory, rows):
    """The same rows as store_logs JSON and as a COPY text file (time-ordered, like real logs)."""
    random.seed(7)
    start = datetime.datetime(2025, 11, 22)
    json_path = os.path.join(directory, "logs.json")
    tsv_path = os.path.join(directory, "logs.tsv")
    records = []
    with open(json_path, "w") as out_json, open(tsv_path, "w") as out_tsv:
        out_json.write('{"operation": "store_logs", "logs": [')
        for index in range(rows):
            created = (start + datetime.timedelta(seconds=index * 31.5)).strftime("%Y-%m-%dT%H:%M:%SZ")
            record = {"tool_id": "tool_%d" % random.randrange(200), "log_level": random.choice(LEVELS),
                      "message": "request %d finished with status %d after %d ms" % (index, random.choice([200, 404, 500]), random.randint(1, 900)),
                      "details": {"i": index}, "created_at": created}
            if index:
                out_json.write(",")
            out_json.write(json.dumps(record))
            details = json.dumps(record["details"]).replace("\\", "\\\\")
            out_tsv.write("\t".join([record["tool_id"], record["log_level"], record["message"], details, created]) + "\n")
            records.append((record["tool_id"], record["log_level"], record["message"], json.dumps(record["details"]), created.replace("Z", ".000000Z")))
        out_json.write("]}")
    return json_path, tsv_path, records


def toolhost(arguments, env, stdin=None, input_file=None, binary=TOOLHOST):
    command = [binary] + arguments + ["--tools-dir", TOOLS]
    if input_file:
        command += ["--input", input_file]
    started = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stdout[:300]} {done.stderr[:300]}")
    return elapsed, done.stdout


def executemany(path, records, catch_up_search):
    """Python's sqlite3 into a migrated database: rows/s with the B-tree indexes kept current,
    and with the full-text index caught up in the same transaction when `catch_up_search`."""
    connection = sqlite3.connect(path)
    connection.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;")
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany("INSERT INTO tool_logs (tool_id, log_level, message, details, created_at) VALUES (?, ?, ?, ?, ?)", records)
    if catch_up_search:
        connection.execute("INSERT INTO tool_logs_fts(rowid, message) SELECT id, message FROM tool_logs WHERE id > (SELECT last_id FROM toolhost_search_sync WHERE name = 'tool_logs_fts')")
        connection.execute("UPDATE toolhost_search_sync SET last_id = (SELECT max(id) FROM tool_logs) WHERE name = 'tool_logs_fts'")
    connection.commit()
    rate = len(records) / (time.perf_counter() - started)
    connection.close()
    return rate


def executemany_indexes_after(path, records, keep_indexes):
    """executemany with tool_logs' B-tree indexes dropped in the transaction, and created again
    before the commit (`keep_indexes`: store_logs' way) or not at all (a plain table: a bound)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;")
    indexes = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tool_logs' AND sql IS NOT NULL").fetchall()
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    connection.executemany("INSERT INTO tool_logs (tool_id, log_level, message, details, created_at) VALUES (?, ?, ?, ?, ?)", records)
    if keep_indexes:
        for _, sql in indexes:
            connection.execute(sql)
    connection.execute("COMMIT")
    rate = len(records) / (time.perf_counter() - started)
    connection.close()
    return rate


def sqlite_bounds(work, base_env, json_path, records, args):
    """What bounds store_logs on SQLite, in interleaved rounds: toolhost reading, parsing and
    checking the whole input but storing nothing (its last item is not an object, so the call
    is refused after the schema check), and executemany with the indexes built after the
    rows, or with no indexes at all."""
    refused_path = os.path.join(work, "logs_refused.json")
    with open(json_path, "rb") as source, open(refused_path, "wb") as out:
        data = source.read()
        out.write(data[:-2] + b",1]}")
    rates = {"toolhost parse+check": [], "executemany, indexes after": [], "executemany, no indexes": []}
    for round_number in range(args.sqlite_runs):
        names = list(rates)
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            path = os.path.join(work, f"bound_{round_number}.db")
            env = dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=path)
            toolhost(["db", "migrate"], env)
            if name.startswith("toolhost"):
                command = [TOOLHOST, "run", "bulk_data_store", "--tools-dir", TOOLS, "--input", refused_path]
                started = time.perf_counter()
                done = subprocess.run(command, capture_output=True, text=True, env=env)
                assert done.returncode == 2 and "invalid_input" in done.stdout, done.stdout[:300]
                rates[name].append(len(records) / (time.perf_counter() - started))
            else:
                rates[name].append(executemany_indexes_after(path, records, keep_indexes=name.endswith("after")))
            remove_database(path)
    print(f"   sqlite bounds, medians of {args.sqlite_runs} interleaved rounds (rows/s):")
    for name, values in rates.items():
        print(f"     {name:<28} {statistics.median(values):10,.0f}   (rounds: {', '.join(f'{v:,.0f}' for v in values)})")


def remove_database(path):
    """Keeps the disk from filling over the rounds (each database of a million rows is ~0.3 GB)."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def sqlite_ingest(work, base_env, json_path, records, args):
    """Part 2 on SQLite: interleaved rounds of executemany (with and without the FTS catch-up),
    toolhost store_logs, and the baseline binary if given, each on a fresh migrated database;
    then the first and second search after each toolhost ingest. Returns the last database
    toolhost filled (for part 3)."""
    rows = len(records)
    binaries = [("toolhost", TOOLHOST)] + ([("baseline", os.path.abspath(args.baseline))] if args.baseline else [])
    rates = {name: [] for name in ["executemany", "executemany+fts"] + [name for name, _ in binaries]}
    first_search = {name: [] for name, _ in binaries}
    second_search = {name: [] for name, _ in binaries}
    # The last row's words: found only if the whole batch was indexed.
    target = f"request {rows - 1} finished"
    search = json.dumps({"operation": "query_logs", "search": target, "limit": 10})
    last_database = None
    for round_number in range(args.sqlite_runs):
        # The order rotates so that no contender always runs first (page cache, other load).
        contenders = [("executemany", None), ("executemany+fts", None)] + binaries
        shift = round_number % len(contenders)
        for name, binary in contenders[shift:] + contenders[:shift]:
            path = os.path.join(work, f"ingest_{name.replace('+', '_')}_{round_number}.db")
            env = dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=path)
            toolhost(["db", "migrate"], env, binary=binary or TOOLHOST)
            if binary is None:
                rates[name].append(executemany(path, records, catch_up_search=name.endswith("+fts")))
            else:
                seconds, output = toolhost(["run", "bulk_data_store"], env, input_file=json_path, binary=binary)
                assert json.loads(output)["count"] == rows, output
                rates[name].append(rows / seconds)
                for timings in (first_search[name], second_search[name]):
                    seconds, output = toolhost(["run", "bulk_data_store"], env, stdin=search, binary=binary)
                    assert any(row["message"].startswith(target + " ") for row in json.loads(output)["data"]), output
                    timings.append(seconds * 1000)
            if name == "toolhost":
                if last_database:
                    remove_database(last_database)
                last_database = path
            else:
                remove_database(path)
    median = {name: statistics.median(values) for name, values in rates.items()}
    print(f"   sqlite, medians of {args.sqlite_runs} interleaved rounds (rows/s):")
    for name, values in rates.items():
        print(f"     {name:<16} {median[name]:10,.0f}   (rounds: {', '.join(f'{v:,.0f}' for v in values)})")
    print(f"   toolhost / executemany {median['toolhost'] / median['executemany']:.2f}"
          f"   toolhost / executemany+fts {median['toolhost'] / median['executemany+fts']:.2f}")
    if args.baseline:
        print(f"   toolhost / baseline {median['toolhost'] / median['baseline']:.2f}")
    for name in first_search:
        print(f"   {name}: first search after the ingest {statistics.median(first_search[name]):8.1f} ms"
              f"   second {statistics.median(second_search[name]):8.1f} ms  (whole process, medians)")
    return last_database


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--sqlite-runs", type=int, default=3, help="interleaved SQLite ingest rounds (medians)")
    parser.add_argument("--baseline", help="another toolhost binary to ingest with in the same rounds")
    parser.add_argument("--sqlite-ingest-only", action="store_true", help="only the SQLite part of 2 (no PostgreSQL)")
    parser.add_argument("--sqlite-bounds", action="store_true",
                        help="with --sqlite-ingest-only: also what bounds the SQLite ingest (parsing alone, loading with indexes built after, a plain table)")
    args = parser.parse_args()
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost", "--static-swift-stdlib",
                        "--scratch-path", ".build-static"], cwd=ROOT, check=True)

    work = tempfile.mkdtemp(prefix="toolhost-storage-bench-")
    base_env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache")}
    if args.sqlite_ingest_only:
        try:
            print(f"\n2. ingest of {args.rows:,} log rows")
            json_path, _, records = generate(work, args.rows)
            print(f"   input: {os.path.getsize(json_path) / 1e6:.0f} MB of JSON")
            sqlite_ingest(work, base_env, json_path, records, args)
            if args.sqlite_bounds:
                sqlite_bounds(work, base_env, json_path, records, args)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    url = sh([os.path.join(ROOT, "scripts/test-postgres.sh"), "start"]).stdout.strip()
    socket_dir = url.split("host=")[1].split("&")[0]
    try:

        def database(name):
            sh(["psql", url, "-qc", f"CREATE DATABASE {name}"])
            return url.replace("/toolhost_test?", f"/{name}?")

        def sqlite_env(name):
            return dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=os.path.join(work, name + ".db"))

        def postgres_env(database_url):
            return dict(base_env, DATABASE_URL=database_url)

        # 1. One store_log per process.
        small = {"sqlite": sqlite_env("small"), "postgres": postgres_env(database("small"))}
        for env in small.values():
            toolhost(["db", "migrate"], env)
        payload = json.dumps({"operation": "store_log", "tool_id": "bench", "log_level": "info", "message": "one log line"})
        times = {engine: [] for engine in small}
        for _ in range(args.runs):
            for engine, env in small.items():
                times[engine].append(toolhost(["run", "bulk_data_store"], env, stdin=payload)[0] * 1000)
        print(f"\n1. toolhost run bulk_data_store (one store_log), whole process, median of {args.runs}")
        for engine, values in times.items():
            print(f"   {engine:<9} {statistics.median(values):7.2f} ms")

        # 2. Bulk ingest.
        print(f"\n2. ingest of {args.rows:,} log rows")
        json_path, tsv_path, records = generate(work, args.rows)
        print(f"   input: {os.path.getsize(json_path) / 1e6:.0f} MB of JSON")

        # Two rounds in alternating order, each on fresh databases with autovacuum off for the
        # table (so one load's background ANALYZE cannot slow the other).
        def fresh(name):
            database_url = database(name)
            toolhost(["db", "migrate"], postgres_env(database_url))
            sh(["psql", database_url, "-qc", "ALTER TABLE tool_logs SET (autovacuum_enabled = false)"])
            return database_url

        def load_with_psql(name):
            database_url = fresh(name)
            started = time.perf_counter()
            sh(["psql", database_url, "-qc", f"\\copy tool_logs(tool_id, log_level, message, details, created_at) FROM '{tsv_path}'"])
            return args.rows / (time.perf_counter() - started)

        def load_with_toolhost(name):
            database_url = fresh(name)
            seconds, output = toolhost(["run", "bulk_data_store"], postgres_env(database_url), input_file=json_path)
            assert json.loads(output)["count"] == args.rows, output
            return args.rows / seconds, database_url

        copy_rates, our_rates = [], []
        copy_rates.append(load_with_psql("copy_1"))
        rate, ours_url = load_with_toolhost("ours_1")
        our_rates.append(rate)
        rate, _ = load_with_toolhost("ours_2")
        our_rates.append(rate)
        copy_rates.append(load_with_psql("copy_2"))
        copy_rate, ours_rate = statistics.mean(copy_rates), statistics.mean(our_rates)
        print(f"   postgres  psql \\copy {copy_rate:10,.0f} rows/s   toolhost store_logs {ours_rate:10,.0f} rows/s   ratio {ours_rate / copy_rate:.2f}"
              f"   (rounds: psql {', '.join(f'{r:,.0f}' for r in copy_rates)}; toolhost {', '.join(f'{r:,.0f}' for r in our_rates)})")

        sqlite_ingest_db = sqlite_ingest(work, base_env, json_path, records, args)
        sqlite_ingest_env = sqlite_env(os.path.splitext(os.path.basename(sqlite_ingest_db))[0])

        # 3. query_logs on the loaded tables.
        queries = os.path.join(work, "queries.jsonl")
        with open(queries, "w") as out:
            for index in range(200):
                out.write(json.dumps({"operation": "query_logs", "limit": 50,
                                      "filters": {"tool_id": "tool_%d" % (index % 200), "log_level": LEVELS[index % len(LEVELS)]}}) + "\n")
        print(f"\n3. query_logs (tool_id + log_level, limit 50) on {args.rows:,} rows, in-process")
        for engine, env in (("sqlite", sqlite_ingest_env), ("postgres", postgres_env(ours_url))):
            report = json.loads(toolhost(["bench", "bulk_data_store", "--inputs", queries, "--iterations", "2000"], env)[1])
            print(f"   {engine:<9} p50 {report['p50_ms']:.3f} ms   p95 {report['p95_ms']:.3f} ms   p99 {report['p99_ms']:.3f} ms")
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/test-postgres.sh"), "stop", socket_dir])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
