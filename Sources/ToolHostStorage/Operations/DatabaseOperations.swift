import ToolHostCore
#if canImport(Glibc)
import Glibc
#endif

/// `toolhost db backup | restore | maintain | stats`, for whichever engine is configured.
///
/// ```swift
/// let report = try DatabaseOperations.backup(config.database, to: "backups/monday.db")
/// ```
public enum DatabaseOperations {
    /// Writes a consistent copy of the database to `target`: an SQLite file, or on PostgreSQL a
    /// folder of per-schema pg_dump archives. An existing `target` is kept unless `overwrite`.
    public static func backup(_ settings: DatabaseSettings, to target: String, overwrite: Bool = false,
                              postgresBindir: String? = nil) throws(ToolHostError) -> BackupReport {
        let target = FilePath.absolute(target)
        if FileIO.exists(target) && !overwrite {
            throw ToolHostError(.fileExists, "\(target) already exists: choose another name, or pass --force to replace it.")
        }
        switch settings.kind {
        case .sqlite:
            guard target != FilePath.absolute(settings.path) else {
                throw ToolHostError(.invalidInput, "The backup cannot be the database file itself (\(settings.path)).")
            }
            return try SQLiteBackupFile.backup(settings, to: target)
        case .postgres:
            return try PostgresBackupFolder.backup(settings, to: target, programs: .locate(in: postgresBindir))
        }
    }

    /// Replaces the database's content with the backup at `source`, after checking that it is
    /// a ToolHost backup this build can use. With `keepSafetyCopy` the database as it was is
    /// first backed up beside it (SQLite: `<database>.before-restore-<time>`) or beside the
    /// backup (PostgreSQL: `<source>.before-restore-<time>`). `migrations`: those this build
    /// has, so a backup from a newer ToolHost is refused.
    public static func restore(_ settings: DatabaseSettings, from source: String, keepSafetyCopy: Bool = true,
                               postgresBindir: String? = nil, migrations: [Migration]) throws(ToolHostError) -> RestoreReport {
        let knownMigration = migrations.map(\.version).max() ?? 0
        let source = FilePath.absolute(source)
        let suffix = ".before-restore-\(compactTime())"
        switch settings.kind {
        case .sqlite:
            guard source != FilePath.absolute(settings.path) else {
                throw ToolHostError(.invalidInput, "\(source) is the database itself: name a backup file.")
            }
            return try SQLiteBackupFile.restore(settings, from: source, safetyCopy: keepSafetyCopy ? settings.path + suffix : nil,
                                                knownMigration: knownMigration)
        case .postgres:
            _ = try PostgresRestore.readManifest(source)  // a wrong path fails before any work
            let base = source.hasSuffix("/") ? String(source.dropLast()) : source
            return try PostgresRestore.restore(settings, from: source, safetyCopy: keepSafetyCopy ? base + suffix : nil,
                                               programs: .locate(in: postgresBindir), knownMigration: knownMigration)
        }
    }

    /// `20260103T101500Z`: sorts by time and fits in a file name.
    static func compactTime() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }
}
