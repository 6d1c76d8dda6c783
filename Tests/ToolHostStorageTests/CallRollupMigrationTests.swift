import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// Migration 10 and the hourly call rollup: the calls a database already holds are counted into
/// their hours when it upgrades, and calls stored afterwards add to the same hours, on both
/// engines.
@Suite("Migrations: the hourly call rollup")
struct CallRollupMigrationTests {
    private func hours(_ connection: any DatabaseConnection) throws -> [String: JSONObject] {
        let table = SQLStatementBuilder(dialect: connection.dialect).table(CallRollup.table)
        var byKey: [String: JSONObject] = [:]
        for row in try connection.run("SELECT * FROM \(table)").rows {
            let hour = DashboardData.text(row["hour"]).prefix(13)  // YYYY-MM-DDTHH
            byKey["\(hour) \(row["tool_name"]?.stringValue ?? "")"] = row
        }
        return byKey
    }

    @Test(arguments: Engine.allCases)
    func existingCallsAreCountedIntoTheirHoursAndNewOnesAddToThem(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try Migrator.migrate(connection, SchemaMigrations.all.filter { $0.version <= 9 })
        let executions = SQLStatementBuilder(dialect: engine == .postgres ? .postgres : .sqlite).table(TrainingSchema.executions)
        try connection.executeScript("""
            INSERT INTO \(executions) (execution_id, tool_name, success, duration_ms, created_at) VALUES
                ('a', 'search', TRUE, 0.5, '2026-03-01T10:05:00.000000Z'),
                ('b', 'search', FALSE, 30, '2026-03-01T10:59:59.000000Z'),
                ('c', 'search', TRUE, 70000, '2026-03-01T10:30:00.000000Z'),
                ('d', 'store', NULL, NULL, '2026-03-01T11:00:00.000000Z')
            """)
        try Migrator.migrate(connection)
        let upgraded = try hours(connection)
        let search = try #require(upgraded["2026-03-01T10 search"], "\(upgraded)")
        #expect(search["calls"]?.integerValue == 3 && search["failures"]?.integerValue == 1)
        #expect(search["duration_ms_total"]?.numberValue == 70030.5)
        // 0.5 ms in the first bucket (≤ 1), 30 in ≤ 50 (b5), 70 s past the last bound (b15).
        #expect(search["b0"]?.integerValue == 1 && search["b5"]?.integerValue == 1 && search["b15"]?.integerValue == 1)
        let store = try #require(upgraded["2026-03-01T11 store"])
        #expect(store["calls"]?.integerValue == 1 && store["failures"]?.integerValue == 0, "an unknown outcome is not a failure")

        // Stored afterwards through the store: the same hour grows.
        _ = try TrainingStore(config: HostConfig(toolsPaths: [], database: test.settings)).store(
            [["tool_name": "search", "success": false, "duration_ms": 3, "created_at": "2026-03-01T10:45:00Z"]],
            as: .toolExecutions, field: "", on: connection, tool: "training_data_store")
        let grown = try #require(try hours(connection)["2026-03-01T10 search"])
        #expect(grown["calls"]?.integerValue == 4 && grown["failures"]?.integerValue == 2 && grown["b2"]?.integerValue == 1)
    }

    @Test func percentilesInterpolateWithinTheirBuckets() {
        var histogram = Array(repeating: 0, count: CallRollup.bucketBounds.count + 1)
        histogram[CallRollup.bucket(of: 15)] = 10  // ten calls in (10, 20] ms
        let median = DashboardData.percentile(0.5, of: histogram)
        #expect(median == 15)
        #expect(DashboardData.percentile(0.99, of: histogram) > 19 && DashboardData.percentile(0.99, of: histogram) <= 20)
        #expect(DashboardData.percentile(0.5, of: Array(repeating: 0, count: 16)) == 0)
    }
}
