import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// `apply_retention` on PostgreSQL's monthly partitions: a month wholly older than the cutoff
/// is archived and then dropped; a month the cutoff falls in goes row by row.
@Suite("training data retention by month partition (PostgreSQL)")
struct TrainingPartitionRetentionTests {
    /// A retention age whose cutoff falls on day 12 to 15 of the previous month, so that the
    /// month before that is wholly older and the cutoff's own month only partly.
    struct Plan {
        let days: Int
        let cutoffMonth: PartitionMonth
        var oldMonth: PartitionMonth { cutoffMonth.advanced(by: -1) }

        init(now: Timestamp = .now()) {
            let dayOfMonth = Int(now.iso8601.dropFirst(8).prefix(2)) ?? 1
            days = dayOfMonth + 16
            cutoffMonth = PartitionMonth(containing: Timestamp(seconds: now.seconds - Int64(days) * 86_400))
        }

        func time(_ month: PartitionMonth, day: Int) -> JSONValue {
            .string("\(month)-\(day < 10 ? "0" : "")\(day)T06:00:00Z")
        }
    }

    private func archivedLines(_ harness: HandlerHarness, _ table: String) throws -> [JSONValue] {
        let day = String(Timestamp.now().iso8601.prefix(10))
        let text = try #require(harness.directory.read("archive/\(table)-\(day).jsonl"))
        return text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
    }

    private func exists(_ table: TableName, _ harness: HandlerHarness) throws -> Bool {
        let rows = try harness.connection().run("SELECT to_regclass($1)::text AS name", [.text(table.quoted)]).rows
        return rows.first?["name"] != .null
    }

    @Test func aWhollyOldMonthIsArchivedThenDroppedAndAPartialMonthGoesByRows() throws {
        let harness = try HandlerHarness(.postgres)
        let plan = Plan()
        var events: [JSONValue] = (1...5).map { ["event_type": "old", "payload": ["n": .int($0)], "created_at": plan.time(plan.oldMonth, day: $0)] }
        events.append(["event_type": "partly old", "payload": ["n": 6], "created_at": plan.time(plan.cutoffMonth, day: 2)])
        events.append(["event_type": "partly new", "payload": ["n": 7], "created_at": plan.time(plan.cutoffMonth, day: 27)])
        try harness.succeed("training_data_store", ["operation": "store_agent_events", "events": .array(events)])
        try harness.succeed("training_data_store", ["operation": "store_tool_executions", "executions": [
            ["tool_name": "t", "execution_id": "x1", "created_at": plan.time(plan.oldMonth, day: 9)],
            ["tool_name": "t", "execution_id": "x2", "created_at": plan.time(plan.oldMonth, day: 10)]]])
        let connection = try harness.connection()
        let eventPartitions = MonthlyPartitions(TrainingSchema.events)
        let executionPartitions = MonthlyPartitions(TrainingSchema.executions)
        // Their months predate the migration: their rows wait in DEFAULT until the months exist.
        try eventPartitions.create([plan.oldMonth, plan.cutoffMonth], on: connection)
        try executionPartitions.create([plan.oldMonth], on: connection)
        let oldIDs = try connection.run("SELECT id FROM training_data.training_events WHERE event_type IN ('old', 'partly old') ORDER BY id")
            .rows.compactMap { $0["id"]?.integerValue }

        let answer = try harness.succeed("training_data_store", ["operation": "apply_retention", "retention_days": .int(plan.days),
                                                                  "archive_dir": .string(harness.directory.url("archive"))])
        let archived = answer["data"]?["archived"]
        #expect(archived == ["events": 6, "tasks": 0, "tool_executions": 2, "workflows": 0])
        let detached = answer["data"]?["partitions_detached"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(detached == [eventPartitions.partitionName(plan.oldMonth).description, executionPartitions.partitionName(plan.oldMonth).description])

        // Every archived row is in the archive, once; the partition is gone, its neighbour kept.
        let lines = try archivedLines(harness, "training_events")
        let archivedIDs = lines.compactMap { $0["id"]?.integerValue }.sorted()
        #expect(archivedIDs == oldIDs)
        let first = lines.first
        #expect(first?["payload"] == ["n": 1] && first?["event_type"] == "old")
        #expect(try archivedLines(harness, "training_tool_executions").compactMap { $0["execution_id"]?.stringValue } == ["x1", "x2"])
        let oldPartitionLeft = try exists(eventPartitions.partitionName(plan.oldMonth), harness)
        #expect(!oldPartitionLeft)
        let cutoffPartitionLeft = try exists(eventPartitions.partitionName(plan.cutoffMonth), harness)
        #expect(cutoffPartitionLeft)
        let left = try harness.succeed("training_data_store", ["operation": "query", "data_type": "events"])
        #expect(left["data"]?.arrayValue?.map { $0["event_type"] } == ["partly new"])
    }

    /// The archive cannot be written: nothing is dropped, nothing deleted.
    @Test func aPartitionStaysWhenItsArchiveCannotBeWritten() throws {
        let harness = try HandlerHarness(.postgres)
        let plan = Plan()
        try harness.succeed("training_data_store", ["operation": "store_agent_events", "events": [
            ["event_type": "old", "created_at": plan.time(plan.oldMonth, day: 3)], ["event_type": "old", "created_at": plan.time(plan.oldMonth, day: 4)]]])
        let events = MonthlyPartitions(TrainingSchema.events)
        try events.create([plan.oldMonth], on: try harness.connection())
        let day = String(Timestamp.now().iso8601.prefix(10))
        try FileManager.default.createDirectory(atPath: harness.directory.url("archive/training_events-\(day).jsonl"),
                                                withIntermediateDirectories: true)
        let answer = try harness.call("training_data_store", ["operation": "apply_retention", "retention_days": .int(plan.days),
                                                               "archive_dir": .string(harness.directory.url("archive"))])
        #expect(answer["error_code"] == "io_error")
        let kept = try exists(events.partitionName(plan.oldMonth), harness)
        #expect(kept)
        let left = try harness.succeed("training_data_store", ["operation": "query", "data_type": "events"])
        #expect(left["count"] == 2)
    }
}
