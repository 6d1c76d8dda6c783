"""Drives the storage-layer stand-in through every call code-evolver makes, then reads each
record back. Prints one JSON report; exits 0 only when every call succeeded and read back.

    python3 scenario.py PROJECT_FOLDER
"""
import json
import sys

from storage_layer import DatabaseStorage, PostgresClient, ToolCaller, ToolCallFailed


def check(condition, what, problems):
    if not condition:
        problems.append(what)


def run(project):
    caller = ToolCaller(project)
    storage = DatabaseStorage(caller)
    client = PostgresClient(caller)
    problems = []

    storage.initialize_schema()
    storage.store_log("parser", "error", "timed out reading input")
    storage.store_log("parser", "info", "parsed 12 files", details={"files": 12})
    storage.store_bug("parser", "BUG-1", "high", "crashes on malformed JSON")
    storage.store_bug("parser", "BUG-2", "low", "slow on big files", stack_trace="Traceback ...", details={"size": 10})
    storage.store_ancestry("parser_v1", "parser_v2", "optimized_from")
    storage.store_perf_data("parser", "latency_ms", 12.5)
    storage.store_generated_tool("gen_tool", "Generated", "executable")
    storage.store_generated_tool("gen_tool_2", "Generated 2", "executable", tool_yaml="name: Generated 2\n",
                                 tool_code="print(1)\n", metadata={"created_by": "tool_generator"})

    logs = storage.query_logs()
    check(logs.get("count") == 2, f"query_logs with no filters: {logs}", problems)
    errors = storage.query_logs(filters={"tool_id": "parser", "log_level": "error"}, limit=50, offset=0)
    check([row.get("message") for row in errors.get("data", [])] == ["timed out reading input"], f"query_logs filtered: {errors}", problems)
    check(errors["data"][0].get("details") is None, f"an unset details is stored as SQL NULL: {errors}", problems)
    bugs = storage.query_bugs(filters={"severity": "high"})
    check([row.get("bug_id") for row in bugs.get("data", [])] == ["BUG-1"], f"query_bugs: {bugs}", problems)
    check(bugs["data"][0].get("stack_trace") is None, f"an unset stack_trace is NULL: {bugs}", problems)
    ancestry = storage.get_ancestry("parser_v2")
    check("parser_v1" in json.dumps(ancestry), f"get_ancestry: {ancestry}", problems)

    # Stored rows hold SQL NULL for what was not given, never the text "null".
    nulls = client.query("SELECT count(*) AS n FROM tool_logs WHERE details IS NULL")
    check(nulls["data"] == [{"n": 1}], f"details IS NULL: {nulls}", problems)
    tools = client.query("SELECT tool_id, tool_yaml, tool_code, metadata FROM generated_tools ORDER BY tool_id")
    check([row["tool_id"] for row in tools["data"]] == ["gen_tool", "gen_tool_2"], f"generated_tools: {tools}", problems)
    check(tools["data"][0]["tool_yaml"] is None and tools["data"][0]["tool_code"] is None, f"unset tool_yaml/tool_code: {tools}", problems)
    check(tools["data"][1]["metadata"] == {"created_by": "tool_generator"}, f"metadata: {tools}", problems)
    perf = client.query("SELECT metric_value, unit FROM tool_performance WHERE tool_id = %(t)s", params={"t": "parser"})
    check(perf["data"] and perf["data"][0]["metric_value"] == 12.5, f"tool_performance: {perf}", problems)

    # postgres_client as code-evolver's own tools use it: DDL, JSON as text, params left unset.
    created = client.execute("CREATE TABLE IF NOT EXISTS notes (name TEXT, meta JSONB, n INTEGER)")
    check(created.get("rows_affected") == -1, f"DDL rows_affected: {created}", problems)
    indexed = client.execute("CREATE INDEX IF NOT EXISTS notes_name ON notes (name)")
    check(indexed.get("rows_affected") == -1, f"CREATE INDEX rows_affected: {indexed}", problems)
    inserted = client.insert("notes", {"name": "a", "meta": json.dumps({"k": 2}), "n": None})
    check(inserted.get("rows_affected") == 1, f"insert: {inserted}", problems)
    client.execute("INSERT INTO notes (name, meta) VALUES (%(name)s, %(meta)s)",
                   params={"name": "b", "meta": json.dumps({"k": [1, 2]})})
    updated = client.update("notes", {"meta": json.dumps({"k": 3})}, {"name": "a"})
    check(updated.get("rows_affected") == 1, f"update: {updated}", problems)
    notes = client.query("SELECT name, meta, n FROM notes ORDER BY name")
    check(notes["data"] == [{"name": "a", "meta": {"k": 3}, "n": None}, {"name": "b", "meta": {"k": [1, 2]}, "n": None}],
          f"JSON text reads back as JSON: {notes}", problems)
    one = client.query("SELECT name FROM notes ORDER BY name", fetch_one=True)
    check(one["data"] == [{"name": "a"}], f"fetch_one: {one}", problems)
    deleted = client.delete("notes", {"name": "b"})
    check(deleted.get("rows_affected") == 1, f"delete: {deleted}", problems)

    # code-evolver's own bulk_data_store.py writes through the client: details as json.dumps text.
    client.insert("tool_logs", {"tool_id": "legacy", "log_level": "warning", "message": "written as psycopg2 would",
                                "details": json.dumps({"via": "client"}), "created_at": "2026-12-01T10:00:00+00:00"})
    legacy = storage.query_logs(filters={"tool_id": "legacy"})
    check(legacy["data"] and legacy["data"][0]["details"] == {"via": "client"}, f"a log written as JSON text: {legacy}", problems)
    return caller.calls, problems


def main():
    try:
        calls, problems = run(sys.argv[1])
    except ToolCallFailed as failure:
        print(json.dumps({"ok": False, "failed_call": str(failure)}))
        return 1
    print(json.dumps({"ok": not problems, "calls": len(calls), "problems": problems,
                      "stderr_lines": max((call["stderr_lines"] for call in calls), default=0)}))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
