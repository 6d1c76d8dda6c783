import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

@Suite("training_data_store on both engines")
struct TrainingDataStoreTests {
    @Test(arguments: Engine.allCases)
    func trainingTablesLiveInTheirOwnSchemaWithTheirIndexes(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("training_data_store", ["operation": "stats"])
        if engine == .postgres {
            // The tables themselves; the month partitions of events and executions beside them
            // are PartitionMigrationTests' concern.
            let tables = try harness.sql("""
                SELECT c.relname AS table_name FROM pg_class c
                WHERE c.relnamespace = 'training_data'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1
                """)
            #expect(tables.compactMap { $0["table_name"]?.stringValue } ==
                ["training_events", "training_tasks", "training_tool_call_hours", "training_tool_executions", "training_workflows"])
            let gin = try harness.sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_training_events_payload'")
            #expect(gin.first?["indexdef"]?.stringValue?.contains("USING gin") == true)
        } else {
            let indexes = try harness.sql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'training_tool_executions'")
            let names = Set(indexes.compactMap { $0["name"]?.stringValue })
            #expect(names.isSuperset(of: ["idx_training_executions_tool", "idx_training_executions_agent", "idx_training_executions_failed"]))
        }
    }

    @Test(arguments: Engine.allCases)
    func eventsAreStoredAndFoundByColumnsTimeAndPayloadPaths(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("training_data_store", ["operation": "store_agent_events", "events": [
            ["event_type": "tool_selected", "agent_id": "a1", "payload": ["tool": ["name": "grep", "version": 2], "score": 0.9],
             "created_at": "2026-01-01T10:00:00Z"],
            ["event_type": "tool_selected", "agent_id": "a2", "payload": ["tool": ["name": "sed"], "ok": true], "created_at": "2026-01-02T10:00:00Z"],
            ["event_type": "llm_call", "agent_id": "a1", "payload": ["tool": ["name": "grep"], "ok": false], "created_at": "2026-01-03T10:00:00Z"],
        ]])
        let one = try harness.succeed("training_data_store", ["operation": "store_agent_event", "event_type": "note", "agent_id": "a3"])
        #expect(one["count"] == 1)
        #expect(one["data"]?[0]?["id"]?.integerValue != nil)

        func agents(_ query: JSONObject) throws -> [String] {
            var input = query
            input["operation"] = "query"
            input["data_type"] = "events"
            let answer = try harness.succeed("training_data_store", input)
            return answer["data"]?.arrayValue?.compactMap { $0["agent_id"]?.stringValue } ?? []
        }
        #expect(try agents(["filters": ["agent_id": "a1"]]) == ["a1", "a1"])
        #expect(try agents(["payload_filters": ["tool.name": "grep"], "order": "asc"]) == ["a1", "a1"])
        #expect(try agents(["payload_filters": ["tool.name": "grep", "tool.version": 2]]) == ["a1"])
        #expect(try agents(["payload_filters": ["ok": false]]) == ["a1"])
        #expect(try agents(["payload_filters": ["ok": true]]) == ["a2"])
        #expect(try agents(["since": "2026-01-02", "until": "2026-01-03T00:00:00Z"]) == ["a2"])
        #expect(try agents(["filters": ["event_type": ["tool_selected", "llm_call"]], "order": "asc", "limit": 2, "offset": 1]) == ["a2", "a1"])
        // Newest first by default: the event stored now comes before the back-filled ones.
        #expect(try agents([:]).first == "a3")
    }

    @Test(arguments: Engine.allCases)
    func storingATaskAgainUpdatesItAndKeepsItsHistoryInEvents(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let first = try harness.succeed("training_data_store", ["operation": "store_agent_task", "task_id": "t-1", "agent_id": "planner",
                                                                 "task_type": "refactor", "status": "running", "input": ["file": "a.swift"]])
        #expect(first["action"] == "inserted")
        let second = try harness.succeed("training_data_store", ["operation": "store_agent_task", "task_id": "t-1", "status": "completed",
                                                                  "output": ["lines": 12], "duration_ms": 1500])
        #expect(second["action"] == "updated")
        #expect(second["data"]?[0]?["id"] == first["data"]?[0]?["id"])

        let tasks = try harness.succeed("training_data_store", ["operation": "query", "data_type": "tasks"])
        #expect(tasks["count"] == 1)
        let task = try #require(tasks["data"]?[0])
        #expect(task["status"] == "completed")
        #expect(task["agent_id"] == "planner")       // an update that leaves a field out keeps it
        #expect(task["input"] == ["file": "a.swift"])
        #expect(task["output"] == ["lines": 12])
        #expect(task["duration_ms"]?.numberValue == 1500)

        let history = try harness.succeed("training_data_store", ["operation": "query", "data_type": "events",
                                                                   "filters": ["event_type": "task_status"], "order": "asc"])
        let states = history["data"]?.arrayValue ?? []
        #expect(states.map { $0["payload"]?["status"] } == ["running", "completed"])
        #expect(states.map { $0["payload"]?["action"] } == ["inserted", "updated"])
        #expect(states.allSatisfy { $0["agent_id"] == "planner" })
    }

    @Test(arguments: Engine.allCases)
    func workflowsUpsertByIdAndBatchesOfThemToo(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("training_data_store", ["operation": "store_workflow_data", "workflow_id": "wf", "workflow_type": "evolve",
                                                    "phase": "generate", "state": ["generation": 1]])
        let batch = try harness.succeed("training_data_store", ["operation": "store_workflows", "workflows": [
            ["workflow_id": "wf", "phase": "test", "state": ["generation": 2]],
            ["workflow_id": "wf-2", "phase": "generate"],
            ["workflow_id": "wf", "phase": "done"],
        ]])
        #expect(batch["data"]?.arrayValue?.map { $0["action"] } == ["updated", "inserted", "updated"])
        let rows = try harness.succeed("training_data_store", ["operation": "query", "data_type": "workflows", "order": "asc"])
        #expect(rows["data"]?.arrayValue?.map { $0["phase"] } == ["done", "generate"])
        #expect(rows["data"]?[0]?["workflow_type"] == "evolve")
        #expect(rows["data"]?[0]?["state"] == ["generation": 2])
        let phases = try harness.succeed("training_data_store", ["operation": "query", "data_type": "events",
                                                                  "filters": ["event_type": "workflow_phase"], "payload_filters": ["workflow_id": "wf"]])
        #expect(phases["count"] == 3)
    }

    @Test(arguments: Engine.allCases)
    func aBatchWithOneBadRecordStoresNothing(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        for (operation, field, records) in [
            ("store_agent_events", "events", [["event_type": "ok"], ["event_type": "ok"], ["agent_id": "no type"]] as [JSONValue]),
            ("store_tool_executions", "executions", [["tool_name": "t", "success": true], ["tool_name": "t", "success": "yes"]]),
            ("store_agent_tasks", "tasks", [["task_id": "x", "status": "new"], ["task_id": "y"]]),
        ] {
            let answer = try harness.call("training_data_store", ["operation": .string(operation), field: .array(records)])
            #expect(answer["error_code"] == "invalid_input", "\(operation)")
            let bad = records.count - 1
            #expect(answer["violations"]?[0]?["path"]?.stringValue?.hasPrefix("/\(field)/\(bad)/") == true, "\(answer)")
        }
        let stats = try harness.succeed("training_data_store", ["operation": "stats"])
        #expect(stats["count"] == 0)
    }

    @Test(arguments: Engine.allCases)
    func executionsGetAnIdWhenTheyHaveNoneAndKeepTheirOutcome(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let stored = try harness.succeed("training_data_store", ["operation": "store_tool_execution", "tool_name": "word_stats",
                                                                  "agent_id": "a", "input_params": ["text": "hi"], "output_result": ["words": 1],
                                                                  "success": false, "exit_code": 3, "error_code": "plugin_failed", "duration_ms": 4.5])
        let executionID = try #require(stored["data"]?[0]?["execution_id"]?.stringValue)
        #expect(executionID.count == 36 && executionID.split(separator: "-").count == 5)
        let found = try harness.succeed("training_data_store", ["operation": "query", "data_type": "tool_executions",
                                                                 "filters": ["execution_id": .string(executionID)]])
        let row = try #require(found["data"]?[0])
        #expect(row["success"] == false)
        #expect(row["exit_code"] == 3)
        #expect(row["error_code"] == "plugin_failed")
        #expect(row["input_params"] == ["text": "hi"])
        #expect(row["duration_ms"]?.numberValue == 4.5)
    }

    @Test(arguments: Engine.allCases)
    func badQueriesAreRefusedWithTheValidChoices(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let type = try harness.call("training_data_store", ["operation": "query", "data_type": "trainings"])
        #expect(type["error_code"] == "invalid_input")
        #expect(type["error"]?.stringValue?.contains("events, tasks, tool_executions, workflows") == true)
        let column = try harness.call("training_data_store", ["operation": "query", "data_type": "events", "filters": ["success": true]])
        #expect(column["error_code"] == "invalid_filter")
        #expect(column["columns"]?.arrayValue?.contains("event_type") == true)
        let date = try harness.call("training_data_store", ["operation": "query", "data_type": "events", "since": "last tuesday"])
        #expect(date["error_code"] == "invalid_input")
        let path = try harness.call("training_data_store", ["operation": "query", "data_type": "events", "payload_filters": ["a'); DROP": 1]])
        #expect(path["error_code"] == "invalid_input")
    }

    @Test(arguments: Engine.allCases)
    func statsCountRowsPerTypeDayAndAgent(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let today = String(Timestamp.now().iso8601.prefix(10))
        try harness.succeed("training_data_store", ["operation": "store_agent_events", "events": [
            ["event_type": "a", "agent_id": "x", "created_at": "2020-05-01T00:00:00Z"],
            ["event_type": "a", "agent_id": "x"], ["event_type": "b", "agent_id": "y"],
        ]])
        try harness.succeed("training_data_store", ["operation": "store_agent_task", "task_id": "t", "status": "failed", "agent_id": "x"])
        let stats = try harness.succeed("training_data_store", ["operation": "stats", "days": 7])
        let events = try #require(stats["data"]?["events"])
        #expect(events["count"] == 4)  // three stored, one task_status history event
        #expect(events["oldest"] == "2020-05-01T00:00:00Z")
        #expect(events["per_day"] == [["day": .string(today), "count": 3]])  // the 2020 row is outside 7 days
        #expect(events["per_agent"]?[0] == ["agent_id": "x", "count": 3])
        #expect(stats["data"]?["tasks"]?["per_status"] == ["failed": 1])
        #expect(stats["data"]?["workflows"]?["count"] == 0)
        #expect(stats["count"] == 5)
    }
}
