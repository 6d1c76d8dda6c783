import ToolHostCore

/// `db maintain`: gives back free space, refreshes the planner's statistics, merges full-text
/// index segments, and rebuilds indexes when asked.
///
/// SQLite: FTS5 `optimize` on each full-text table, `REINDEX` (with `reindex`), `VACUUM`,
/// `ANALYZE` and `PRAGMA optimize`, then a truncating WAL checkpoint (VACUUM writes the whole
/// database through the log). PostgreSQL: `REINDEX SCHEMA` per schema (with `reindex`), then
/// `VACUUM (ANALYZE)`, which also flushes the GIN full-text indexes' pending lists. Before
/// those, the tables partitioned by month (`partitioned`, named by their owner) get the
/// partitions of the current month and the `partitionMonthsAhead` after it that they lack
/// (`MonthlyPartitions`).
public enum DatabaseMaintenance {
    public struct Report: Sendable {
        public var engine: DatabaseSettings.Kind
        public var steps: [(name: String, seconds: Double)] = []
        public var bytesBefore: Int
        public var bytesAfter = 0
        /// The month partitions created ahead (PostgreSQL).
        public var partitionsCreated: [TableName] = []

        public var json: JSONObject {
            [
                "success": true, "engine": .string(engine.rawValue), "bytes_before": .int(bytesBefore), "bytes_after": .int(bytesAfter),
                "steps": .array(steps.map { ["step": .string($0.name), "seconds": .double(($0.seconds * 1000).rounded() / 1000)] }),
                "partitions_created": .array(partitionsCreated.map { .string($0.description) }),
            ]
        }
    }

    public static func run(_ settings: DatabaseSettings, reindex: Bool, partitioned: [TableName],
                           partitionMonthsAhead: Int = MonthlyPartitions.defaultMonthsAhead) throws(ToolHostError) -> Report {
        if settings.kind == .sqlite && !FileIO.isFile(settings.path) {
            throw ToolHostError(.notFound, "There is no SQLite database at \(settings.path) yet (it is created on first use, or by `toolhost db migrate`).")
        }
        let connection = try OperationConnection.open(settings)
        return try PostgresBackupFolder.sql { () throws(DatabaseError) -> Report in
            switch settings.kind {
            case .sqlite: try sqlite(connection, path: settings.path, reindex: reindex)
            case .postgres: try postgres(connection, reindex: reindex, partitioned: partitioned, monthsAhead: partitionMonthsAhead)
            }
        }
    }

    private static func sqlite(_ connection: any DatabaseConnection, path: String, reindex: Bool) throws(DatabaseError) -> Report {
        func size() -> Int { (FileIO.size(of: path) ?? 0) + (FileIO.size(of: path + "-wal") ?? 0) }
        var report = Report(engine: .sqlite, bytesBefore: size())
        func step(_ name: String, _ sql: String) throws(DatabaseError) {
            let started = MonotonicClock.now()
            try connection.executeScript(sql)
            report.steps.append((name, MonotonicClock.now() - started))
        }
        for table in try DatabaseStatistics.sqliteFullTextTables(connection) {
            let quoted = SQLIdentifier.quote(table)
            try step("optimize full-text index \(table)", "INSERT INTO \(quoted)(\(quoted)) VALUES ('optimize')")
        }
        if reindex { try step("reindex", "REINDEX") }
        try step("vacuum", "VACUUM")
        try step("analyze", "ANALYZE; PRAGMA optimize")
        try step("checkpoint", "PRAGMA wal_checkpoint(TRUNCATE)")
        report.bytesAfter = size()
        return report
    }

    private static func postgres(_ connection: any DatabaseConnection, reindex: Bool, partitioned: [TableName],
                                 monthsAhead: Int) throws(DatabaseError) -> Report {
        func size() throws(DatabaseError) -> Int {
            try connection.run("SELECT pg_database_size(current_database()) AS bytes").rows.first?["bytes"]?.integerValue ?? 0
        }
        var report = Report(engine: .postgres, bytesBefore: try size())
        func step(_ name: String, _ sql: String) throws(DatabaseError) {
            let started = MonotonicClock.now()
            try connection.executeScript(sql)
            report.steps.append((name, MonotonicClock.now() - started))
        }
        let started = MonotonicClock.now()
        for table in partitioned {
            report.partitionsCreated += try MonthlyPartitions(table).createAhead(monthsAhead: monthsAhead, on: connection)
        }
        report.steps.append(("create partitions ahead", MonotonicClock.now() - started))
        if reindex {
            for schema in try DatabaseStatistics.postgresSchemas(connection) {
                try step("reindex schema \(schema)", "REINDEX SCHEMA \(SQLIdentifier.quote(schema))")
            }
        }
        try step("vacuum analyze", "VACUUM (ANALYZE)")
        report.bytesAfter = try size()
        return report
    }
}
