#!/usr/bin/env python3
"""Training-data benchmarks for ToolHost, on SQLite and on a throwaway PostgreSQL server.

  1. `toolhost export tool_executions --format jsonl` of N rows (default 1,000,000), whole
     process: rows/s and peak RSS of the toolhost process (ru_maxrss, via /usr/bin/time). The rows are
     loaded first through `store_tool_executions` in chunks of 50,000 (recording off). In the
     same run, alternating with toolhost round by round, the engine's own export of the same
     rows in the same order:
       PostgreSQL  psql \\copy (SELECT row_to_json(t) ... ORDER BY created_at, id) TO FILE
       SQLite      Python's sqlite3 with SQLite's json_object() per row, one line each
                   (a reference only: SQLite has no JSONL exporter of its own)
     After loading, each table is VACUUM ANALYZEd (PostgreSQL) / checkpointed (SQLite) and
     PostgreSQL autovacuum is off for it, so every export round reads the same settled table.
     Targets (issue): >= 250,000 rows/s on SQLite, >= 150,000 rows/s on PostgreSQL, RSS <= 64 MB.
  2. Cost of recording each `toolhost run` (training.record_invocations) on SQLite: the plugin
     tools/examples/file_info (POSIX sh) on a tiny file, and a built-in call
     (training_data_store stats), each --calls times with TOOLHOST_RECORD_INVOCATIONS=true and
     false, interleaved; median whole-process wall time and the difference (target <= 2 ms).
  3. `store_agent_events` of 100,000 events in one call, whole process, on a fresh database
     each run (PostgreSQL autovacuum off for the table): rows/s, median of --runs.

Medians of --runs interleaved rounds. Prints a table, then the results as one JSON line (the
last line of stdout; also written to --json FILE when given).

Usage: python3 Benchmarks/training_bench.py [--rows N] [--runs N] [--calls N] [--skip-build] [--json FILE]
Needs PostgreSQL server binaries, psql and GNU time (/usr/bin/time); scripts/test-postgres.sh starts
and removes the server.
"""
import argparse
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

from benchlib import Failure, recording_failure, clean_up, count_lines, finish, measured, median, sh

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLHOST = os.path.join(ROOT, ".build-static/release/toolhost")
TOOLS = os.path.join(ROOT, "tools")
CHUNK = 50_000
EVENTS = 100_000
TARGETS = {"sqlite": 250_000, "postgres": 150_000}
RSS_TARGET_MB = 64
RECORDING_TARGET_MS = 2.0

TOOL_NAMES = ["web_search", "read_file", "write_file", "run_tests", "git_diff", "http_get", "sql_query", "summarize",
              "translate", "word_stats", "file_info", "grep", "list_dir", "compile", "lint", "format_code", "embed",
              "classify", "extract_entities", "spell_check"] + ["tool_%02d" % i for i in range(30)]
AGENTS = ["agent-%02d" % i for i in range(20)]
WORDS = "alpha beta gamma delta parser timeout cache index query vector planner retry budget schema".split()


def generate_executions(start_index, count, rng):
    """store_tool_executions input for rows start_index..start_index+count: small realistic JSON
    objects for input_params / output_result, created_at increasing by 250 ms per row."""
    base = 1_763_769_600  # 2025-11-22T00:00:00Z
    executions = []
    for index in range(start_index, start_index + count):
        millis = index * 250
        seconds = base + millis // 1000
        created = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % (millis % 1000)
        ok = rng.random() < 0.9
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
        record = {
            "execution_id": "%032x" % rng.getrandbits(128),
            "agent_id": rng.choice(AGENTS),
            "tool_name": rng.choice(TOOL_NAMES),
            "input_params": {"query": words, "limit": rng.randint(1, 100), "path": "src/module_%d/file_%d.py" % (rng.randrange(40), rng.randrange(500)),
                             "options": {"lang": rng.choice(["en", "de", "fr"]), "strict": rng.random() < 0.5}},
            "output_result": ({"status": "ok", "items": rng.randint(0, 50), "summary": "found %d matches for %s" % (rng.randint(0, 999), words), "cached": rng.random() < 0.3}
                              if ok else {"status": "error", "message": "%s failed after %d retries" % (rng.choice(WORDS), rng.randint(1, 5))}),
            "success": ok,
            "duration_ms": round(rng.uniform(0.5, 2500.0), 3),
            "exit_code": 0 if ok else rng.choice([1, 2, 124]),
            "created_at": created,
        }
        if not ok:
            record["error"] = "step %d: %s" % (rng.randint(1, 9), rng.choice(["timeout", "invalid input", "connection refused"]))
            record["error_code"] = rng.choice(["timeout", "invalid_input", "tool_failed"])
        if index % 4 == 0:
            record["metadata"] = {"run": index // 1000, "host": "worker-%d" % rng.randrange(8)}
        executions.append(record)
    return {"operation": "store_tool_executions", "executions": executions}


def generate_events(path, count):
    rng = random.Random(11)
    events = [{"event_type": rng.choice(["task_started", "task_finished", "tool_called", "llm_reply", "error"]),
               "agent_id": rng.choice(AGENTS),
               "payload": {"step": index, "detail": " ".join(rng.choice(WORDS) for _ in range(4)), "tokens": rng.randint(10, 4000)}}
              for index in range(count)]
    with open(path, "w") as out:
        json.dump({"operation": "store_agent_events", "events": events}, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="tool-execution rows to export (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="rounds of the export and event benchmarks (default 3)")
    parser.add_argument("--calls", type=int, default=200, help="toolhost run calls per setting in the recording benchmark (default 200)")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args()
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost", "--static-swift-stdlib",
                        "--scratch-path", ".build-static"], cwd=ROOT, check=True)

    work = tempfile.mkdtemp(prefix="toolhost-training-bench-")
    url = sh([os.path.join(ROOT, "scripts/test-postgres.sh"), "start"]).stdout.strip()
    socket_dir = url.split("host=")[1].split("&")[0]
    results = {"rows": args.rows, "runs": args.runs, "calls": args.calls}
    failures = []
    try:
        base_env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache"),
                    "TOOLHOST_TOOLS_PATH": TOOLS, "TOOLHOST_RECORD_INVOCATIONS": "false"}

        def toolhost(arguments, env, stdout_path=None, rss=False):
            """One toolhost process; (seconds, peak RSS MB, stdout, stderr). Fails on a non-zero status."""
            command = [TOOLHOST] + arguments
            if stdout_path is None:
                stdout_path = os.path.join(work, "stdout.txt")
            seconds, rss, status, stdout, stderr = measured(command, env, stdout_path, cwd=work, rss=rss)
            if status != 0:
                raise Failure(f"{' '.join(command)} exited {status}\n"
                              f"  stdout: {stdout[:600]}\n  stderr: {stderr[:600]}")
            return seconds, rss, stdout, stderr

        def stored(arguments, env, input_file, expected):
            seconds, _, stdout, stderr = toolhost(arguments + ["--input", input_file], env)
            try:
                count = json.loads(stdout)["count"]
            except (ValueError, KeyError):
                count = None
            if count != expected:
                raise Failure(f"{' '.join(arguments)} --input {os.path.basename(input_file)}: expected count {expected}\n"
                              f"  stdout: {stdout[:600]}\n  stderr: {stderr[:600]}")
            return seconds

        def database(name):
            sh(["psql", url, "-qc", f"CREATE DATABASE {name}"])
            return url.replace("/toolhost_test?", f"/{name}?")

        def sqlite_env(name):
            return dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=os.path.join(work, name + ".db"))

        def postgres_env(database_url):
            return dict(base_env, DATABASE_URL=database_url)

        def psql_scalar(database_url, sql):
            return sh(["psql", database_url, "-qAtc", sql]).stdout.strip()

        # 1. Export.
        with recording_failure(failures, "export"):
            print(f"1. export of {args.rows:,} tool-execution rows to JSONL")
            export_url = database("export")
            engines = {"sqlite": sqlite_env("export"), "postgres": postgres_env(export_url)}
            for env in engines.values():
                toolhost(["db", "migrate"], env)
            chunk_path = os.path.join(work, "chunk.json")
            rng = random.Random(7)
            load_seconds = {engine: 0.0 for engine in engines}
            input_bytes = 0
            for start in range(0, args.rows, CHUNK):
                count = min(CHUNK, args.rows - start)
                with open(chunk_path, "w") as out:
                    json.dump(generate_executions(start, count, rng), out)
                input_bytes += os.path.getsize(chunk_path)
                for engine, env in engines.items():
                    load_seconds[engine] += stored(["run", "training_data_store"], env, chunk_path, count)
            os.remove(chunk_path)
            sqlite_path = engines["sqlite"]["TOOLHOST_DATABASE_PATH"]
            connection = sqlite3.connect(sqlite_path)
            sqlite_rows = connection.execute("SELECT count(*) FROM training_tool_executions").fetchone()[0]
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            table = "training_data.training_tool_executions"
            sh(["psql", export_url, "-qc", f"VACUUM ANALYZE {table}"])
            sh(["psql", export_url, "-qc", f"ALTER TABLE {table} SET (autovacuum_enabled = false)"])
            postgres_rows = int(psql_scalar(export_url, f"SELECT count(*) FROM {table}"))
            if sqlite_rows != args.rows or postgres_rows != args.rows:
                raise Failure(f"after loading: {sqlite_rows} rows in SQLite, {postgres_rows} in PostgreSQL, expected {args.rows}")
            print(f"   loaded {input_bytes / 1e6:.0f} MB of store_tool_executions JSON in chunks of {CHUNK:,}: "
                  + ", ".join(f"{engine} {args.rows / seconds:,.0f} rows/s" for engine, seconds in load_seconds.items())
                  + f"   (SQLite file {os.path.getsize(sqlite_path) / 1e6:.0f} MB)")
            results["load_rows_per_s"] = {engine: args.rows / seconds for engine, seconds in load_seconds.items()}

            out_path = os.path.join(work, "export.jsonl")

            def export_toolhost(env):
                seconds, rss, _, stderr = toolhost(["export", "tool_executions", "--format", "jsonl", "--out", out_path], env, rss=True)
                lines = count_lines(out_path)
                if lines != args.rows:
                    raise Failure(f"toolhost export tool_executions wrote {lines} lines, expected {args.rows}; stderr: {stderr[:600]}")
                size = os.path.getsize(out_path)
                os.remove(out_path)
                return args.rows / seconds, rss, size, stderr.strip().splitlines()[-1] if stderr.strip() else ""

            def export_psql():
                sql = f"\\copy (SELECT row_to_json(t) FROM {table} t ORDER BY created_at, id) TO '{out_path}'"
                seconds, rss, status, _, stderr = measured(["psql", export_url, "-qc", sql], base_env, rss=True)
                if status != 0:
                    raise Failure(f"psql \\copy reference failed: {stderr[:600]}")
                lines = count_lines(out_path)
                if lines != args.rows:
                    raise Failure(f"psql \\copy wrote {lines} lines, expected {args.rows}")
                size = os.path.getsize(out_path)
                os.remove(out_path)
                return args.rows / seconds, rss, size

            def export_python_sqlite():
                # The same columns and nesting as toolhost's JSONL, built by SQLite's json_object().
                sql = ("SELECT json_object('id', id, 'execution_id', execution_id, 'agent_id', agent_id, 'tool_name', tool_name,"
                       " 'input_params', json(input_params), 'output_result', json(output_result),"
                       " 'success', CASE WHEN success IS NULL THEN NULL WHEN success THEN json('true') ELSE json('false') END,"
                       " 'duration_ms', duration_ms, 'error', error, 'exit_code', exit_code, 'error_code', error_code,"
                       " 'metadata', json(metadata), 'created_at', created_at)"
                       " FROM training_tool_executions ORDER BY created_at, id")
                started = time.perf_counter()
                connection = sqlite3.connect(sqlite_path)
                lines = 0
                with open(out_path, "w", buffering=1 << 20) as out:
                    for (line,) in connection.execute(sql):
                        out.write(line)
                        out.write("\n")
                        lines += 1
                connection.close()
                seconds = time.perf_counter() - started
                if lines != args.rows:
                    raise Failure(f"python sqlite3 reference wrote {lines} lines, expected {args.rows}")
                size = os.path.getsize(out_path)
                os.remove(out_path)
                return args.rows / seconds, size

            rounds = {"sqlite": {"toolhost": [], "rss": [], "reference": []}, "postgres": {"toolhost": [], "rss": [], "reference": [], "psql_rss": []}}
            sizes, summaries = {}, {}
            for round_index in range(args.runs):
                # Alternate which side goes first, round by round.
                order = ["toolhost", "reference"] if round_index % 2 == 0 else ["reference", "toolhost"]
                for engine in ("sqlite", "postgres"):
                    for side in order:
                        if side == "toolhost":
                            rate, rss, size, summary = export_toolhost(engines[engine])
                            rounds[engine]["toolhost"].append(rate)
                            rounds[engine]["rss"].append(rss)
                            sizes[f"{engine}_toolhost"], summaries[engine] = size, summary
                        elif engine == "postgres":
                            rate, rss, size = export_psql()
                            rounds[engine]["reference"].append(rate)
                            rounds[engine]["psql_rss"].append(rss)
                            sizes["postgres_psql"] = size
                        else:
                            rate, size = export_python_sqlite()
                            rounds[engine]["reference"].append(rate)
                            sizes["sqlite_python"] = size
            results["export"] = {}
            for engine, values in rounds.items():
                ours, reference = median(values["toolhost"]), median(values["reference"])
                results["export"][engine] = {
                    "toolhost_rows_per_s": ours, "reference_rows_per_s": reference, "ratio_to_reference": ours / reference,
                    "toolhost_peak_rss_mb_median": median(values["rss"]), "toolhost_peak_rss_mb_max": max(values["rss"]),
                    "rounds_toolhost": values["toolhost"], "rounds_reference": values["reference"], "rounds_rss_mb": values["rss"],
                    "target_rows_per_s": TARGETS[engine], "rate_target_met": ours >= TARGETS[engine],
                    "rss_target_met": max(values["rss"]) <= RSS_TARGET_MB,
                    "reference": "psql \\copy row_to_json" if engine == "postgres" else "python sqlite3 + json_object (reference only)",
                    "toolhost_summary_line": summaries.get(engine, ""),
                }
                if engine == "postgres":
                    results["export"][engine]["psql_peak_rss_mb_median"] = median(values["psql_rss"])
            results["export_file_bytes"] = sizes

        # 2. Recording overhead.
        with recording_failure(failures, "recording"):
            print(f"\n2. recording overhead, {args.calls} calls per setting, interleaved (SQLite)")
            env = sqlite_env("calls")
            toolhost(["db", "migrate"], env)
            target = os.path.join(work, "tiny.txt")
            with open(target, "w") as out:
                out.write("one line\n")
            cases = {"file_info (sh plugin)": ("file_info", json.dumps({"path": target})),
                     "training_data_store stats": ("training_data_store", json.dumps({"operation": "stats", "data_type": "workflows"}))}
            settings = {"on": dict(env, TOOLHOST_RECORD_INVOCATIONS="true"), "off": dict(env, TOOLHOST_RECORD_INVOCATIONS="false")}
            results["recording"] = {}
            connection = sqlite3.connect(env["TOOLHOST_DATABASE_PATH"])
            for label, (tool, payload) in cases.items():
                input_path = os.path.join(work, tool + ".json")
                with open(input_path, "w") as out:
                    out.write(payload)
                for setting in settings.values():  # warm the page cache and the catalogue cache
                    for _ in range(5):
                        toolhost(["run", tool, "--input", input_path], setting)
                before = connection.execute("SELECT count(*) FROM training_tool_executions").fetchone()[0]
                times = {"on": [], "off": []}
                for call in range(args.calls):
                    for setting in (("on", "off") if call % 2 == 0 else ("off", "on")):
                        times[setting].append(toolhost(["run", tool, "--input", input_path], settings[setting])[0] * 1000)
                recorded = connection.execute("SELECT count(*) FROM training_tool_executions").fetchone()[0] - before
                if recorded != args.calls:
                    raise Failure(f"{args.calls} calls of {tool} with recording on left {recorded} new rows")
                on, off = median(times["on"]), median(times["off"])
                results["recording"][label] = {"on_ms": on, "off_ms": off, "overhead_ms": on - off,
                                               "target_met": on - off <= RECORDING_TARGET_MS,
                                               "on_p10_p90_ms": [statistics.quantiles(times["on"], n=10)[0], statistics.quantiles(times["on"], n=10)[-1]],
                                               "off_p10_p90_ms": [statistics.quantiles(times["off"], n=10)[0], statistics.quantiles(times["off"], n=10)[-1]]}
            connection.close()

        # 3. store_agent_events, one call of 100,000 events, fresh database each run.
        with recording_failure(failures, "events"):
            print(f"\n3. store_agent_events of {EVENTS:,} events, one call, fresh database each run")
            events_path = os.path.join(work, "events.json")
            generate_events(events_path, EVENTS)
            rates = {"sqlite": [], "postgres": []}
            for round_index in range(args.runs):
                for engine in (("sqlite", "postgres") if round_index % 2 == 0 else ("postgres", "sqlite")):
                    if engine == "sqlite":
                        env = sqlite_env(f"events_{round_index}")
                        toolhost(["db", "migrate"], env)
                    else:
                        database_url = database(f"events_{round_index}")
                        env = postgres_env(database_url)
                        toolhost(["db", "migrate"], env)
                        sh(["psql", database_url, "-qc", "ALTER TABLE training_data.training_events SET (autovacuum_enabled = false)"])
                    seconds = stored(["run", "training_data_store"], env, events_path, EVENTS)
                    rates[engine].append(EVENTS / seconds)
                    if engine == "sqlite":
                        os.remove(env["TOOLHOST_DATABASE_PATH"])
                    else:
                        sh(["psql", url, "-qc", f"DROP DATABASE events_{round_index}"])
            results["events"] = {engine: {"rows_per_s": median(values), "rounds": values} for engine, values in rates.items()}
            results["events_input_bytes"] = os.path.getsize(events_path)

        # The table.
        print("\n" + "=" * 100)
        if "export" in results:
            print(f"Export of {args.rows:,} tool-execution rows to JSONL (median of {args.runs}; whole process)")
            print(f"  {'engine':<9} {'toolhost rows/s':>16} {'reference rows/s':>17} {'ratio':>6} {'RSS med/max MB':>15}  targets (rate >= , RSS <= {RSS_TARGET_MB} MB)")
            for engine, row in results["export"].items():
                print(f"  {engine:<9} {row['toolhost_rows_per_s']:16,.0f} {row['reference_rows_per_s']:17,.0f} {row['ratio_to_reference']:6.2f}"
                      f" {row['toolhost_peak_rss_mb_median']:7.1f}/{row['toolhost_peak_rss_mb_max']:<7.1f}"
                      f"  rate >= {row['target_rows_per_s']:,}: {'met' if row['rate_target_met'] else 'NOT met'};"
                      f" RSS: {'met' if row['rss_target_met'] else 'NOT met'}")
                print(f"  {'':<9} reference: {row['reference']}; rounds toolhost {', '.join(f'{r:,.0f}' for r in row['rounds_toolhost'])};"
                      f" reference {', '.join(f'{r:,.0f}' for r in row['rounds_reference'])}")
            print(f"  file sizes (bytes): {', '.join(f'{k} {v:,}' for k, v in results['export_file_bytes'].items())}")
            print(f"  toolhost summary lines: sqlite: {results['export']['sqlite']['toolhost_summary_line']!r}; postgres: {results['export']['postgres']['toolhost_summary_line']!r}")
        if "recording" in results:
            print(f"\nRecording each toolhost run (SQLite), median of {args.calls} interleaved calls each")
            for label, row in results["recording"].items():
                print(f"  {label:<27} on {row['on_ms']:7.2f} ms   off {row['off_ms']:7.2f} ms   overhead {row['overhead_ms']:6.2f} ms"
                      f"   target <= {RECORDING_TARGET_MS} ms: {'met' if row['target_met'] else 'NOT met'}"
                      f"   (p10-p90 on {row['on_p10_p90_ms'][0]:.1f}-{row['on_p10_p90_ms'][1]:.1f}, off {row['off_p10_p90_ms'][0]:.1f}-{row['off_p10_p90_ms'][1]:.1f})")
        if "events" in results:
            print(f"\nstore_agent_events, {EVENTS:,} events in one call ({results['events_input_bytes'] / 1e6:.1f} MB JSON), median of {args.runs}")
            for engine, row in results["events"].items():
                print(f"  {engine:<9} {row['rows_per_s']:10,.0f} rows/s   (rounds {', '.join(f'{r:,.0f}' for r in row['rounds'])})")
        for failure in failures:
            print(f"\nFAILED {failure}")
        results["failures"] = failures
    finally:
        clean_up(socket_dir, work)
    return finish(results, failures, args.json)


if __name__ == "__main__":
    sys.exit(main())
