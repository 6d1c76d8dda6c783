import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

@Suite("training data exports and retention on both engines")
struct TrainingExportTests {
    @Test(arguments: Engine.allCases)
    func jsonlExportHoldsExactlyTheSelectedRowsOldestFirst(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        var executions: [JSONValue] = []
        for index in 0..<250 {
            executions.append(["tool_name": index % 2 == 0 ? "even" : "odd", "success": .bool(index % 5 != 0),
                               "input_params": ["n": .int(index)], "created_at": .string("2026-03-01T00:\(String(format: "%02d", index / 60)):\(String(format: "%02d", index % 60))Z")])
        }
        try harness.succeed("training_data_store", ["operation": "store_tool_executions", "executions": .array(executions)])
        let path = harness.directory.url("out/even.jsonl")
        try FileManager.default.createDirectory(atPath: harness.directory.url("out"), withIntermediateDirectories: true)
        let answer = try harness.succeed("training_data_store", ["operation": "export_for_training", "data_type": "tool_executions",
                                                                  "output_path": .string(path), "filters": ["tool_name": "even", "success": true],
                                                                  "start_date": "2026-03-01T00:01:00Z"])
        let lines = try #require(harness.directory.read("out/even.jsonl")).split(separator: "\n")
        let numbers = lines.compactMap { try? JSONParser.parse(String($0)) }.compactMap { $0["input_params"]?["n"]?.integerValue }
        let expected = (60..<250).filter { $0 % 2 == 0 && $0 % 5 != 0 }
        #expect(numbers == expected)
        #expect(answer["count"]?.integerValue == expected.count)
        #expect(answer["path"]?.stringValue == path)
        // Nothing is left under a temporary name.
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.directory.url("out")) == ["even.jsonl"])
    }

    @Test(arguments: Engine.allCases)
    func csvExportIsRFC4180WithJSONColumnsAsJSONText(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("training_data_store", ["operation": "store_agent_event", "event_type": "a,b\r\nc", "agent_id": "say \"hi\"",
                                                    "payload": ["text": "line1\nline2, Zoë"]])
        try harness.succeed("training_data_store", ["operation": "store_agent_event", "event_type": "plain"])
        let path = harness.directory.url("events.csv")
        try harness.succeed("training_data_store", ["operation": "export_to_csv", "data_type": "events", "output_path": .string(path),
                                                    "columns": ["event_type", "agent_id", "payload"]])
        let text = try #require(harness.directory.read("events.csv"))
        #expect(text == "event_type,agent_id,payload\r\n"
            + "\"a,b\r\nc\",\"say \"\"hi\"\"\",\"{\"\"text\"\":\"\"line1\\nline2, Zoë\"\"}\"\r\n"
            + "plain,,\r\n")
    }

    @Test(arguments: Engine.allCases)
    func csvKeepsJSONStringsApartFromTextAndNull(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("training_data_store", ["operation": "store_agent_task", "task_id": "t", "status": "done",
                                                    "input": "x,y", "output": "null"])
        let path = harness.directory.url("tasks.csv")
        try harness.succeed("training_data_store", ["operation": "export_to_csv", "data_type": "tasks", "output_path": .string(path),
                                                    "columns": ["task_id", "input", "output", "error"]])
        // JSON text of the strings "x,y" and "null", each quoted as a CSV field; SQL NULL empty.
        #expect(harness.directory.read("tasks.csv") == "task_id,input,output,error\r\n" + #"t,"""x,y""","""null""","# + "\r\n")
        let empty = try harness.call("training_data_store", ["operation": "query", "data_type": "tasks", "columns": []])
        #expect(empty["error_code"] == "invalid_input")
    }

    @Test(arguments: Engine.allCases)
    func aFailedExportLeavesTheExistingFileAlone(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("training_data_store", ["operation": "store_agent_event", "event_type": "x"])
        let path = harness.directory.write("previous.jsonl", "keep me\n")
        let badColumn = try harness.call("training_data_store", ["operation": "export_for_training", "data_type": "events",
                                                                  "output_path": .string(path), "columns": ["nope"]])
        #expect(badColumn["error_code"] == "invalid_filter")
        let underAFile = try harness.call("training_data_store", ["operation": "export_for_training", "data_type": "events",
                                                                   "output_path": .string(path + "/x.jsonl")])
        #expect(underAFile["error_code"] == "io_error")
        #expect(underAFile["error"]?.stringValue?.contains("previous.jsonl") == true)
        let stdout = try harness.call("training_data_store", ["operation": "export_to_csv", "data_type": "events", "output_path": "-"])
        #expect(stdout["error_code"] == "invalid_input")
        #expect(harness.directory.read("previous.jsonl") == "keep me\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.directory.path).filter { $0.contains("partial") }.isEmpty)
    }

    @Test(arguments: Engine.allCases)
    func retentionArchivesOldRowsBeforeDeletingThem(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let old = Timestamp(seconds: Timestamp.now().seconds - 40 * 86_400, microseconds: 0).iso8601
        var events: [JSONValue] = (0..<7).map { ["event_type": "old", "payload": ["n": .int($0)], "created_at": .string(old)] }
        events.append(["event_type": "recent"])
        try harness.succeed("training_data_store", ["operation": "store_agent_events", "events": .array(events)])
        try harness.succeed("training_data_store", ["operation": "store_tool_execution", "tool_name": "t", "created_at": .string(old)])
        // A task created long ago but updated today is still moving: kept.
        try harness.succeed("training_data_store", ["operation": "store_agent_task", "task_id": "slow", "status": "running", "created_at": .string(old)])
        try harness.succeed("training_data_store", ["operation": "store_agent_task", "task_id": "slow", "status": "still running"])
        let archive = harness.directory.url("archive")
        let answer = try harness.succeed("training_data_store", ["operation": "apply_retention", "retention_days": 30,
                                                                  "archive_dir": .string(archive), "batch_size": 3])
        #expect(answer["count"] == 8)
        #expect(answer["data"]?["archived"] == ["events": 7, "tasks": 0, "tool_executions": 1, "workflows": 0])
        let tasks = try harness.succeed("training_data_store", ["operation": "query", "data_type": "tasks"])
        #expect(tasks["data"]?[0]?["status"] == "still running")
        let day = String(Timestamp.now().iso8601.prefix(10))
        let lines = try #require(harness.directory.read("archive/training_events-\(day).jsonl")).split(separator: "\n")
        #expect(lines.compactMap { try? JSONParser.parse(String($0)) }.compactMap { $0["payload"]?["n"]?.integerValue } == Array(0..<7))
        #expect(harness.directory.exists("archive/training_tool_executions-\(day).jsonl"))
        let left = try harness.succeed("training_data_store", ["operation": "query", "data_type": "events"])
        #expect(left["data"]?.arrayValue?.map { $0["event_type"] } == ["task_status", "task_status", "recent"])
    }

    @Test(arguments: Engine.allCases)
    func retentionDeletesNothingWhenTheArchiveCannotBeWritten(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let old = Timestamp(seconds: Timestamp.now().seconds - 10 * 86_400, microseconds: 0).iso8601
        try harness.succeed("training_data_store", ["operation": "store_agent_events", "events": [
            ["event_type": "old", "created_at": .string(old)], ["event_type": "old", "created_at": .string(old)]]])
        // The archive file's name is taken by a folder: opening it fails inside the batch.
        let day = String(Timestamp.now().iso8601.prefix(10))
        try FileManager.default.createDirectory(atPath: harness.directory.url("archive/training_events-\(day).jsonl"),
                                                withIntermediateDirectories: true)
        let answer = try harness.call("training_data_store", ["operation": "apply_retention", "retention_days": 5,
                                                               "archive_dir": .string(harness.directory.url("archive"))])
        #expect(answer["error_code"] == "io_error")
        let left = try harness.succeed("training_data_store", ["operation": "query", "data_type": "events"])
        #expect(left["count"] == 2)
        // Retention off (the default) and no retention_days: refused, not "delete everything".
        let off = try harness.call("training_data_store", ["operation": "apply_retention"])
        #expect(off["error_code"] == "invalid_input")
    }
}
