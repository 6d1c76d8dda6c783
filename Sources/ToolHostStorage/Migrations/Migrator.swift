import ToolHostCore

/// Applies pending migrations in order, recording each in `toolhost_migrations`.
///
/// The whole run is one transaction holding a lock (an advisory lock on PostgreSQL, the write
/// lock on SQLite), so two processes starting together cannot migrate twice, and a failing
/// migration leaves nothing half-applied.
public enum Migrator {
    static let table = TableName("toolhost_migrations")

    public struct Status: Sendable {
        public let version: Int
        public let name: String
        /// When it was applied; nil while pending.
        public let appliedAt: String?
    }

    /// Applies what is pending; returns the migrations applied now.
    @discardableResult
    public static func migrate(_ connection: any DatabaseConnection,
                               _ migrations: [Migration]) throws(DatabaseError) -> [Migration] {
        // Every process checks on its first connection: when nothing is pending (the usual
        // case) that is one read, without taking the migration lock.
        if try isUpToDate(connection, migrations) { return [] }
        // A migration may name an index that a bulk insert set aside (drop or change it).
        _ = try connection.buildDeferredIndexes()
        return try connection.transaction { () throws(DatabaseError) -> [Migration] in
            if connection.dialect == .postgres {
                _ = try connection.run("SELECT pg_advisory_xact_lock(7263829)")
            }
            try createTable(connection)
            let applied = try appliedVersions(connection)
            var done: [Migration] = []
            for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.keys.contains(migration.version) {
                do throws(DatabaseError) {
                    try migration.apply(connection)
                } catch {
                    throw DatabaseError(error.kind, "Migration \(migration.version) (\(migration.name)) failed: \(error.message)",
                                        resultCode: error.resultCode, detail: error.detail, hint: error.hint,
                                        statement: error.statement)
                }
                _ = try connection.run(
                    connection.dialect == .postgres
                        ? "INSERT INTO toolhost_migrations (version, name, applied_at) VALUES ($1, $2, now())"
                        : "INSERT INTO toolhost_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                    connection.dialect == .postgres
                        ? [.integer(Int64(migration.version)), .text(migration.name)]
                        : [.integer(Int64(migration.version)), .text(migration.name), .text(Timestamp.now().storageText)])
                done.append(migration)
            }
            return done
        }
    }

    /// Every known migration with when it was applied (nil: pending), plus applied versions this
    /// build does not know (a newer ToolHost ran here).
    public static func status(_ connection: any DatabaseConnection,
                              _ migrations: [Migration]) throws(DatabaseError) -> [Status] {
        let applied = try connection.tableExists(table) ? try appliedVersions(connection) : [:]
        var statuses = migrations.sorted { $0.version < $1.version }.map {
            Status(version: $0.version, name: $0.name, appliedAt: applied[$0.version]?.appliedAt)
        }
        for (version, record) in applied where !migrations.contains(where: { $0.version == version }) {
            statuses.append(Status(version: version, name: record.name + " (unknown to this ToolHost)", appliedAt: record.appliedAt))
        }
        return statuses.sorted { $0.version < $1.version }
    }

    /// One read outside any transaction; a missing table (first run) reads as "not up to date".
    private static func isUpToDate(_ connection: any DatabaseConnection, _ migrations: [Migration]) throws(DatabaseError) -> Bool {
        guard !connection.inTransaction,
              let rows = try? connection.run("SELECT version FROM toolhost_migrations").rows else { return false }
        let applied = Set(rows.compactMap { $0["version"]?.integerValue })
        return migrations.allSatisfy { applied.contains($0.version) }
    }

    private static func createTable(_ connection: any DatabaseConnection) throws(DatabaseError) {
        try connection.executeScript(connection.dialect == .postgres
            ? "CREATE TABLE IF NOT EXISTS toolhost_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
            : "CREATE TABLE IF NOT EXISTS toolhost_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)")
    }

    private static func appliedVersions(_ connection: any DatabaseConnection) throws(DatabaseError) -> [Int: (name: String, appliedAt: String)] {
        var versions: [Int: (name: String, appliedAt: String)] = [:]
        for row in try connection.run("SELECT version, name, applied_at FROM toolhost_migrations").rows {
            if let version = row["version"]?.integerValue {
                versions[version] = (row["name"]?.stringValue ?? "", row["applied_at"]?.stringValue ?? "")
            }
        }
        return versions
    }
}
