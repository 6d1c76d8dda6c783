"""A stand-in for code-evolver's own storage layer (its DatabaseStorage and the callers of its
PostgreSQL client), written for ToolHost's tests.

It calls the `bulk_data_store` and `postgres_client` tools the way code-evolver does: by
subprocess, `python tools/executable/<tool>.py` from the project folder, one JSON object on
stdin (`{"operation": ..., **kwargs}`) with every argument of the Python signature passed,
`None` for those left unset, a 30 s timeout. In the project used by the tests those two files
are the one-line shim that hands the call to `toolhost run`.
"""
import json
import os
import subprocess
import sys


class ToolCallFailed(Exception):
    pass


class ToolCaller:
    def __init__(self, project):
        self.project = project
        self.calls = []

    def call(self, tool, operation, **kwargs):
        request = json.dumps({"operation": operation, **kwargs})
        script = os.path.join("tools", "executable", tool + ".py")
        completed = subprocess.run([sys.executable, script], input=request, capture_output=True, text=True,
                                   timeout=30, cwd=self.project)
        try:
            answer = json.loads(completed.stdout)
        except ValueError:
            answer = None
        self.calls.append({"tool": tool, "operation": operation, "exit_code": completed.returncode,
                           "stderr_lines": len(completed.stderr.splitlines())})
        if completed.returncode != 0 or not isinstance(answer, dict) or answer.get("success") is not True:
            raise ToolCallFailed(f"{tool} {operation} {request} -> exit {completed.returncode}: "
                                 f"{completed.stdout.strip()} {completed.stderr.strip()}")
        return answer


class DatabaseStorage:
    """code-evolver's DatabaseStorage, by its method signatures."""

    def __init__(self, caller):
        self.caller = caller

    def _bulk(self, operation, **kwargs):
        return self.caller.call("bulk_data_store", operation, **kwargs)

    def initialize_schema(self):
        return self._bulk("initialize_schema")

    def store_log(self, tool_id, log_level, message, details=None):
        return self._bulk("store_log", tool_id=tool_id, log_level=log_level, message=message, details=details)

    def store_bug(self, tool_id, bug_id, severity, message, stack_trace=None, details=None, resolved=None):
        return self._bulk("store_bug", tool_id=tool_id, bug_id=bug_id, severity=severity, message=message,
                          stack_trace=stack_trace, details=details, resolved=resolved)

    def store_ancestry(self, parent_tool_id, child_tool_id, relationship_type, details=None):
        return self._bulk("store_ancestry", parent_tool_id=parent_tool_id, child_tool_id=child_tool_id,
                          relationship_type=relationship_type, details=details)

    def store_perf_data(self, tool_id, metric_name, metric_value, unit=None, details=None):
        return self._bulk("store_perf_data", tool_id=tool_id, metric_name=metric_name, metric_value=metric_value,
                          unit=unit, details=details)

    def store_generated_tool(self, tool_id, tool_name, tool_type, tool_yaml=None, tool_code=None, metadata=None):
        return self._bulk("store_tool", tool_id=tool_id, tool_name=tool_name, tool_type=tool_type,
                          tool_yaml=tool_yaml, tool_code=tool_code, metadata=metadata)

    def query_logs(self, filters=None, limit=None, offset=None):
        return self._bulk("query_logs", filters=filters, limit=limit, offset=offset)

    def query_bugs(self, filters=None, limit=None, offset=None):
        return self._bulk("query_bugs", filters=filters, limit=limit, offset=offset)

    def get_ancestry(self, tool_id):
        return self._bulk("get_ancestry", tool_id=tool_id)


class PostgresClient:
    """The calls code-evolver makes of its `postgres_client` tool, every field passed."""

    def __init__(self, caller):
        self.caller = caller

    def _call(self, operation, sql=None, params=None, table=None, data=None, where=None, fetch_one=None):
        return self.caller.call("postgres_client", operation, sql=sql, params=params, table=table, data=data,
                                where=where, fetch_one=fetch_one)

    def query(self, sql, params=None, fetch_one=None):
        return self._call("query", sql=sql, params=params, fetch_one=fetch_one)

    def execute(self, sql, params=None):
        return self._call("execute", sql=sql, params=params)

    def insert(self, table, data):
        return self._call("insert", table=table, data=data)

    def update(self, table, data, where):
        return self._call("update", table=table, data=data, where=where)

    def delete(self, table, where):
        return self._call("delete", table=table, where=where)
