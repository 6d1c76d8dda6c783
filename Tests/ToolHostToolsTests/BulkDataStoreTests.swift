import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

@Suite("bulk_data_store on both engines")
struct BulkDataStoreTests {
    @Test(arguments: Engine.allCases)
    func initializeSchemaReportsEveryTableAndItsIndexesExist(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let answer = try harness.succeed("bulk_data_store", ["operation": "initialize_schema"])
        #expect(answer["count"] == 5)
        #expect(answer["data"]?.arrayValue?.allSatisfy { $0["status"] == "ready" } == true)
        // Regression: code-evolver's DDL put indexes inside CREATE TABLE (rejected) and still
        // reported success; here they exist.
        let indexes = try harness.sql(engine == .postgres
            ? "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'tool_logs'"
            : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tool_logs'").compactMap { $0["name"]?.stringValue }
        #expect(indexes.contains("idx_tool_logs_tool_level"))
    }

    @Test(arguments: Engine.allCases)
    func logsAreStoredAndQueriedInCodeEvolversShapes(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let stored = try harness.succeed("bulk_data_store", ["operation": "store_log", "tool_id": "my_tool", "log_level": "ERROR",
                                                             "message": "Failed to execute query", "details": ["query": "SELECT 1"]])
        #expect(stored["count"] == 1)
        #expect(stored["data"]?[0]?["id"]?.integerValue != nil)
        try harness.succeed("bulk_data_store", ["operation": "store_log", "tool_id": "my_tool", "log_level": "info", "message": "fine"])
        try harness.succeed("bulk_data_store", ["operation": "store_log", "tool_id": "other", "log_level": "error", "message": "elsewhere"])
        let errors = try harness.succeed("bulk_data_store", ["operation": "query_logs", "filters": ["tool_id": "my_tool", "log_level": "error"], "limit": 50])
        #expect(errors["count"] == 1)
        let row = try #require(errors["data"]?[0])
        #expect(row["log_level"] == "error")
        #expect(row["details"] == ["query": "SELECT 1"])
        #expect(row["created_at"]?.stringValue?.hasSuffix("Z") == true)
        let paged = try harness.succeed("bulk_data_store", ["operation": "query_logs", "limit": 2, "offset": 1])
        #expect(paged["count"] == 2)
        #expect(paged["data"]?[0]?["message"] == "fine")  // newest first
    }

    /// Regression: code-evolver pasted filter keys into SQL (an injected key could drop a table).
    @Test(arguments: Engine.allCases)
    func unknownFilterKeysAreRefusedWithTheAllowedOnes(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("bulk_data_store", ["operation": "initialize_schema"])
        let answer = try harness.call("bulk_data_store", ["operation": "query_logs",
                                                          "filters": ["tool_id = tool_id; DROP TABLE tool_bugs; --": "x"]])
        #expect(answer["error_code"] == "invalid_filter")
        #expect(answer["allowed"]?.arrayValue?.contains("log_level") == true)
        #expect(try harness.connection().tableExists(BulkSchema.bugs))
    }

    @Test(arguments: Engine.allCases)
    func timeRangesAndFullTextSearchNarrowTheResults(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("bulk_data_store", ["operation": "store_logs", "logs": [
            ["tool_id": "t", "log_level": "error", "message": "connection refused by database", "created_at": "2026-01-01T10:00:00Z"],
            ["tool_id": "t", "log_level": "error", "message": "disk quota exceeded", "created_at": "2026-02-01T10:00:00Z"],
            ["tool_id": "t", "log_level": "info", "message": "database connection restored", "created_at": "2026-03-01T10:00:00Z"],
        ]])
        let found = try harness.succeed("bulk_data_store", ["operation": "query_logs", "search": "database connection"])
        #expect(found["data"]?.arrayValue?.compactMap { $0["message"]?.stringValue }
                == ["database connection restored", "connection refused by database"])
        let ranged = try harness.succeed("bulk_data_store", ["operation": "query_logs", "since": "2026-01-15T00:00:00Z", "until": "2026-03-01T10:00:00Z"])
        #expect(ranged["data"]?.arrayValue?.compactMap { $0["message"]?.stringValue } == ["disk quota exceeded"])
        let odd = try harness.succeed("bulk_data_store", ["operation": "query_logs", "search": "\"quota\" OR -( NEAR"])
        #expect(odd["count"] == 0)
        let badTime = try harness.call("bulk_data_store", ["operation": "query_logs", "since": "last tuesday"])
        #expect(badTime["error_code"] == "invalid_input")
    }

    @Test(arguments: Engine.allCases)
    func batchesAreAllOrNothingAndReportEveryBadRecord(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let bad = try harness.call("bulk_data_store", ["operation": "store_logs", "logs": [
            ["tool_id": "t", "log_level": "info", "message": "ok"],
            ["tool_id": "t", "message": "no level"],
            ["tool_id": 5, "log_level": "info", "message": "wrong type"],
        ]])
        #expect(bad["error_code"] == "invalid_input")
        #expect(bad["violations"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["/logs/1/log_level", "/logs/2/tool_id"])
        #expect(try harness.sql("SELECT count(*) AS n FROM tool_logs").first?["n"] == 0)
        let many = (0..<2000).map { index -> JSONValue in ["tool_id": "bulk", "log_level": "debug", "message": .string("entry \(index)")] }
        #expect(try harness.succeed("bulk_data_store", ["operation": "store_logs", "logs": .array(many)])["count"] == 2000)
    }

    /// Far into a batch large enough for SQLite to make its rows on a second thread: the
    /// records after the bad one are checked too, and nothing is stored.
    @Test(arguments: Engine.allCases)
    func aBadRecordFarIntoALargeBatchStoresNothing(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        var logs = (0..<12_000).map { index -> JSONValue in ["tool_id": "bulk", "log_level": "info", "message": .string("entry \(index)")] }
        logs[9_000] = ["tool_id": "bulk", "log_level": "info", "message": "bad time", "created_at": "not a time"]
        logs[11_999] = ["tool_id": "bulk", "log_level": "info", "message": "bad time too", "created_at": "soon"]
        let bad = try harness.call("bulk_data_store", ["operation": "store_logs", "logs": .array(logs)])
        #expect(bad["error_code"] == "invalid_input")
        let paths = bad["violations"]?.arrayValue?.compactMap { $0["path"]?.stringValue }
        #expect(paths == ["/logs/9000/created_at", "/logs/11999/created_at"])
        let first = bad["violations"]?.arrayValue?.first?["message"]?.stringValue
        #expect(first == "must be an ISO-8601 timestamp, not \"not a time\"")
        #expect(try harness.sql("SELECT count(*) AS n FROM tool_logs").first?["n"] == 0)
    }

    @Test(arguments: Engine.allCases)
    func bugsUpsertWithoutErasingAndResolve(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let first = try harness.succeed("bulk_data_store", ["operation": "store_bug", "bug_id": "BUG-1", "tool_id": "parser",
                                                            "severity": "HIGH", "message": "crash on {",
                                                            "stack_trace": "Traceback (most recent call last):\n  KeyError: 'x'"])
        #expect(first["action"] == "inserted")
        let again = try harness.succeed("bulk_data_store", ["operation": "store_bug", "bug_id": "BUG-1", "tool_id": "parser",
                                                            "severity": "critical", "message": "crash on { again"])
        #expect(again["action"] == "updated")
        let bug = try #require(try harness.succeed("bulk_data_store", ["operation": "query_bugs", "filters": ["bug_id": "BUG-1"]])["data"]?[0])
        #expect(bug["severity"] == "critical")
        #expect(bug["stack_trace"]?.stringValue?.contains("KeyError") == true)
        #expect(bug["resolved"] == false)
        #expect(try harness.succeed("bulk_data_store", ["operation": "query_bugs", "search": "KeyError"])["count"] == 1)

        try harness.succeed("bulk_data_store", ["operation": "resolve_bug", "bug_id": "BUG-1", "resolution": "guarded the lookup"])
        let resolved = try #require(try harness.succeed("bulk_data_store", ["operation": "query_bugs", "filters": ["resolved": true]])["data"]?[0])
        #expect(resolved["details"]?["resolution"] == "guarded the lookup")
        #expect(resolved["resolved_at"]?.stringValue != nil)
        #expect(try harness.call("bulk_data_store", ["operation": "resolve_bug", "bug_id": "BUG-404"])["error_code"] == "not_found")
    }

    @Test(arguments: Engine.allCases)
    func performanceStatisticsAgreeOnBothEngines(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("bulk_data_store", ["operation": "store_perf_batch", "metrics": .array((1...20).map { value in
            ["tool_id": "t", "metric_name": "latency_ms", "metric_value": .int(value * 10), "unit": "ms"]
        })])
        try harness.succeed("bulk_data_store", ["operation": "store_perf_data", "tool_id": "t", "metric_name": "memory_mb", "metric_value": 64.5])
        let stats = try harness.succeed("bulk_data_store", ["operation": "query_perf", "tool_id": "t"])
        #expect(stats["count"] == 2)
        let latency = try #require(stats["data"]?.arrayValue?.first { $0["metric_name"] == "latency_ms" })
        #expect(latency["count"] == 20)
        #expect(latency["avg"]?.numberValue == 105)
        #expect(latency["min"]?.numberValue == 10)
        #expect(latency["max"]?.numberValue == 200)
        #expect(latency["p50"]?.numberValue == 105)
        #expect(latency["p95"]?.numberValue == 190.5)
        #expect(latency["unit"] == "ms")
    }

    /// Regression: code-evolver's get_ancestry had no cycle guard.
    @Test(arguments: Engine.allCases)
    func ancestryWalksBothWaysStopsAtCyclesAndNeverRepeatsEdges(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        for (parent, child) in [("v1", "v2"), ("v2", "v3"), ("v1", "v2b"), ("v2b", "v3"), ("v3", "v4")] {
            try harness.succeed("bulk_data_store", ["operation": "store_ancestry", "parent_tool_id": .string(parent),
                                                    "child_tool_id": .string(child), "relationship_type": "derived_from"])
        }
        let diamond = try harness.succeed("bulk_data_store", ["operation": "get_ancestry", "tool_id": "v3"])
        #expect(diamond["cycle_detected"] == false)
        #expect(diamond["data"]?["parents"]?.arrayValue?.count == 4)   // v2→v3, v2b→v3, v1→v2, v1→v2b
        #expect(diamond["data"]?["children"]?.arrayValue?.count == 1)
        let shallow = try harness.succeed("bulk_data_store", ["operation": "get_ancestry", "tool_id": "v3", "depth": 1])
        #expect(shallow["data"]?["parents"]?.arrayValue?.count == 2)

        try harness.succeed("bulk_data_store", ["operation": "store_ancestry", "parent_tool_id": "v4", "child_tool_id": "v1",
                                                "relationship_type": "fixed_by"])
        let cyclic = try harness.succeed("bulk_data_store", ["operation": "get_ancestry", "tool_id": "v1", "depth": 50])
        #expect(cyclic["cycle_detected"] == true)
        let parentIDs = cyclic["data"]?["parents"]?.arrayValue?.compactMap { $0["id"] } ?? []
        #expect(parentIDs.count == Set(parentIDs).count)
        #expect(parentIDs.count == 6)
    }

    /// Regression: code-evolver's store_tool overwrote stored fields with NULL.
    @Test(arguments: Engine.allCases)
    func generatedToolsUpsertWithoutErasingAndComeBack(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        #expect(try harness.succeed("bulk_data_store", ["operation": "store_tool", "tool_id": "gen", "tool_name": "Gen",
                                                        "tool_type": "executable", "tool_yaml": "name: Gen", "tool_code": "print(1)",
                                                        "metadata": ["v": 1]])["action"] == "inserted")
        #expect(try harness.succeed("bulk_data_store", ["operation": "store_tool", "tool_id": "gen", "tool_name": "Gen 2",
                                                        "tool_type": "executable"])["action"] == "updated")
        let tool = try #require(try harness.succeed("bulk_data_store", ["operation": "get_tool", "tool_id": "gen"])["data"]?[0])
        #expect(tool["tool_name"] == "Gen 2")
        #expect(tool["tool_yaml"] == "name: Gen")
        #expect(tool["tool_code"] == "print(1)")
        #expect(tool["metadata"] == ["v": 1])
        let listed = try harness.succeed("bulk_data_store", ["operation": "list_tools", "tool_type": "executable"])
        #expect(listed["data"]?.arrayValue?.map { $0["tool_id"] } == ["gen"])
        #expect(listed["data"]?[0]?["tool_code"] == nil)
        #expect(try harness.call("bulk_data_store", ["operation": "get_tool", "tool_id": "nope"])["error_code"] == "not_found")
    }
}
