import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// Creating month partitions ahead (what `db maintain` and retention do) on a migrated
/// PostgreSQL database.
@Suite("Monthly partitions created ahead")
struct MonthlyPartitionsTests {
    private func partitionOf(_ id: Int, on connection: any DatabaseConnection) throws -> String? {
        try connection.run("SELECT tableoid::regclass::text AS partition FROM training_data.training_events WHERE id = $1",
                           [.integer(Int64(id))]).rows.first?["partition"]?.stringValue
    }

    @Test func creatingAheadTwiceCreatesEachPartitionOnce() throws {
        let test = try TestDatabase(.postgres)
        let connection = try test.connect()
        try Migrator.migrate(connection)
        let events = MonthlyPartitions(TrainingSchema.events)
        let now = PartitionMonth(containing: .now())
        let first = try events.createAhead(monthsAhead: 6, on: connection).map(\.name)
        // The migration made this month and three ahead: months four to six are new.
        #expect(first == (4...6).map { "training_events_" + now.advanced(by: $0).suffix })
        let second = try events.createAhead(monthsAhead: 6, on: connection)
        #expect(second.isEmpty)
        let none = try MonthlyPartitions(TrainingSchema.tasks).createAhead(monthsAhead: 6, on: connection)
        #expect(none.isEmpty)  // not partitioned: left alone
    }

    /// Rows of a month with no partition wait in the DEFAULT partition; creating that month
    /// moves them into it, with their ids, and leaves the other months' rows where they were.
    @Test func creatingAMonthMovesItsRowsOutOfTheDefaultPartition() throws {
        let test = try TestDatabase(.postgres)
        let connection = try test.connect()
        try Migrator.migrate(connection)
        let events = MonthlyPartitions(TrainingSchema.events)
        let later = PartitionMonth(containing: .now()).advanced(by: 8)
        let further = later.advanced(by: 2)
        for (month, day) in [(later, "03"), (later, "28"), (further, "01")] {
            _ = try connection.run("INSERT INTO training_data.training_events (event_type, created_at) VALUES ('future', $1)",
                                   [.text("\(month)-\(day)T12:00:00Z")])
        }
        let defaultPartition = events.defaultPartition.description
        #expect(try partitionOf(1, on: connection) == defaultPartition)

        let created = try events.createAhead(monthsAhead: 8, on: connection).map(\.name)
        #expect(created.last == "training_events_" + later.suffix)
        let placed = try (1...3).map { try partitionOf($0, on: connection) }
        #expect(placed == ["training_data.training_events_" + later.suffix, "training_data.training_events_" + later.suffix, defaultPartition])
        // The moved-into partition is a real partition: indexes built, later rows routed to it.
        let indexes = try connection.run("SELECT count(*) AS n FROM pg_indexes WHERE tablename = $1",
                                         [.text("training_events_" + later.suffix)]).rows.first?["n"]?.integerValue ?? 0
        #expect(indexes == TrainingSchema.tables[0].indexes.count + 1)
        let routed = try connection.run("""
            INSERT INTO training_data.training_events (event_type, created_at) VALUES ('future', $1) RETURNING tableoid::regclass::text AS partition
            """, [.text("\(later)-15T00:00:00Z")]).rows.first?["partition"]?.stringValue
        #expect(routed == "training_data.training_events_" + later.suffix)
        let again = try events.create([later, further], on: connection).map(\.name)
        #expect(again == ["training_events_" + further.suffix])
        let count = try connection.run("SELECT count(*) AS n FROM training_data.training_events").rows.first?["n"]?.integerValue
        #expect(count == 4)
        let fromDefault = try connection.run("SELECT count(*) AS n FROM \(events.defaultPartition.quoted)").rows.first?["n"]?.integerValue
        #expect(fromDefault == 0)
    }

    @Test func monthsHaveUTCBoundsAndNames() throws {
        let december = try #require(PartitionMonth(year: 2026, month: 12))
        #expect(december.suffix == "y2026m12")
        #expect(december.lowerBound == "2026-12-01 00:00:00+00")
        #expect(december.upperBound == "2027-01-01 00:00:00+00")
        let earlier = december.advanced(by: -12)
        #expect(earlier.description == "2025-12")
        let start = try #require(Timestamp(parsing: "2026-12-01T00:00:00Z"))
        #expect(december.start == start)
        let lastInstant = try #require(Timestamp(parsing: "2026-11-30T23:59:59.999999Z"))
        #expect(PartitionMonth(containing: lastInstant) == december.advanced(by: -1))
        #expect(PartitionMonth(partitionName: "training_events_y2026m12", of: "training_events") == december)
        #expect(PartitionMonth(partitionName: "training_events_default", of: "training_events") == nil)
    }
}
