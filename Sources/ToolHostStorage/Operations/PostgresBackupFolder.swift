import ToolHostCore
#if canImport(Glibc)
import Glibc
#endif

/// `db backup` and `db restore` on PostgreSQL: a folder with one pg_dump archive (custom format)
/// per schema — `public.dump` (bulk, conversations, memory, prompt evolution),
/// `training_data.dump` (training) — and `manifest.json` describing them.
///
/// All archives are read from one snapshot (`pg_export_snapshot`, `pg_dump --snapshot`), so
/// together they are one consistent state even while ToolHost keeps writing. A restore
/// replaces the backed-up schemas in one transaction (`psql --single-transaction`): it
/// succeeds whole or leaves the database as it was.
enum PostgresBackupFolder {
    static let format = "toolhost-postgres-backup"
    static let manifestName = "manifest.json"

    static func backup(_ settings: DatabaseSettings, to target: String, programs: PostgresPrograms) throws(ToolHostError) -> BackupReport {
        let started = MonotonicClock.now()
        let target = FilePath.absolute(target)
        let postgres = PostgresTarget(settings)
        let temporary = DurableFile.temporaryPath(beside: target)
        DurableFile.remove(temporary)
        guard mkdir(temporary, 0o700) == 0 else {
            throw ToolHostError(.ioError, "Cannot create \(temporary): \(String(cString: strerror(errno))).")
        }
        do throws(ToolHostError) {
            let connection = try OperationConnection.postgres(settings)
            var parts: [BackupReport.Part] = []
            var manifest: JSONObject = [:]
            try sql { () throws(DatabaseError) in
                try connection.executeScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                manifest = try describe(connection)
            }
            let snapshot = manifest["snapshot"]?.stringValue ?? ""
            for (index, schema) in (manifest["schemas"]?.arrayValue ?? []).compactMap(\.stringValue).enumerated() {
                let file = fileName(schema, index: index)
                try programs.run("pg_dump", postgres.arguments + ["--format=custom", "--schema=\(schema)", "--snapshot=\(snapshot)", "--file=\(FilePath.join(temporary, file))"],
                                 target: postgres, activity: "Dumping schema \(schema)")
                try DurableFile.sync(FilePath.join(temporary, file))
                parts.append(.init(schema: schema, file: file, bytes: FileIO.size(of: FilePath.join(temporary, file)) ?? 0))
            }
            connection.rollback()
            manifest["parts"] = .array(parts.map { ["schema": .string($0.schema ?? ""), "file": .string($0.file), "bytes": .int($0.bytes)] })
            manifest["schemas"] = nil
            do {
                try FileIO.writeAtomically(JSONWriter.bytes(.object(manifest), style: .pretty) + [0x0A], to: FilePath.join(temporary, manifestName))
            } catch {
                throw ToolHostError(.ioError, "Cannot write the backup manifest: \(error.description).")
            }
            try DurableFile.sync(FilePath.join(temporary, manifestName))
            if FileIO.exists(target) {  // --force: the old backup goes only once the new one is whole
                let old = target + ".old-\(getpid())"
                guard rename(target, old) == 0 else {
                    throw ToolHostError(.ioError, "Cannot replace \(target): \(String(cString: strerror(errno))).")
                }
                DurableFile.remove(old)
            }
            try DurableFile.commit(temporary, to: target)
            return BackupReport(path: target, engine: .postgres, migrationVersion: manifest["migration_version"]?.integerValue ?? 0,
                                parts: parts.map { .init(schema: $0.schema, file: FilePath.join(target, $0.file), bytes: $0.bytes) },
                                seconds: MonotonicClock.now() - started)
        } catch {
            DurableFile.remove(temporary)
            throw error
        }
    }

    /// The snapshot, the schemas holding tables, the extensions, the migration version.
    private static func describe(_ connection: any DatabaseConnection) throws(DatabaseError) -> JSONObject {
        let snapshot = try connection.run("SELECT pg_export_snapshot() AS snapshot").rows.first?["snapshot"] ?? .null
        let schemas = try DatabaseStatistics.postgresSchemas(connection).map(JSONValue.string)
        let extensions = try connection.run("""
            SELECT e.extname AS name, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
            WHERE e.extname <> 'plpgsql' ORDER BY 1
            """).rows.map(JSONValue.object)
        let hasMigrations = try connection.run("SELECT to_regclass('public.toolhost_migrations') IS NOT NULL AS present").rows.first?["present"] == .bool(true)
        let version = hasMigrations ? try connection.run("SELECT coalesce(max(version), 0) AS version FROM public.toolhost_migrations").rows.first?["version"] : .int(0)
        let server = try connection.run("SHOW server_version").rows.first.flatMap { row in row.keys.first.flatMap { row[$0] } } ?? .null
        return [
            "format": .string(format), "format_version": 1, "created_at": .string(Timestamp.now().iso8601),
            "server_version": server, "migration_version": version ?? .int(0), "snapshot": snapshot,
            "schemas": .array(schemas), "extensions": .array(extensions),
        ]
    }

    private static func fileName(_ schema: String, index: Int) -> String {
        let plain = !schema.isEmpty && schema.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        return plain ? "\(schema).dump" : "schema-\(index).dump"
    }

    static func sql<T>(_ body: () throws(DatabaseError) -> T) throws(ToolHostError) -> T {
        do {
            return try body()
        } catch {
            throw error.toolHostError
        }
    }
}
