import ToolHostCore

/// `db backup` and `db restore` for the embedded SQLite database: one self-contained file
/// (rollback journal, no `-wal` beside it) made with SQLite's online backup API.
enum SQLiteBackupFile {
    /// Copies the live database into `target`: written beside it, flushed, then renamed into
    /// place, so `target` is either the old file or the whole new one.
    static func backup(_ settings: DatabaseSettings, to target: String) throws(ToolHostError) -> BackupReport {
        let started = MonotonicClock.now()
        guard FileIO.isFile(settings.path) else {
            throw ToolHostError(.notFound, "There is no SQLite database at \(settings.path) to back up yet (it is created on first use, or by `toolhost db migrate`).")
        }
        try write(settings.path, to: target)
        let version = try inspect(target).migrationVersion
        return BackupReport(path: target, engine: .sqlite, migrationVersion: version,
                            parts: [.init(schema: nil, file: target, bytes: FileIO.size(of: target) ?? 0)],
                            seconds: MonotonicClock.now() - started)
    }

    /// Replaces the live database's content with the backup at `source`, after checking it and,
    /// unless `safetyCopy` is nil, saving the database as it is now to `safetyCopy`. The copy
    /// goes through SQLite (under the database's write lock), so processes that have the
    /// database open see the restored content, never a half-written file.
    static func restore(_ settings: DatabaseSettings, from source: String, safetyCopy: String?,
                        knownMigration: Int) throws(ToolHostError) -> RestoreReport {
        let started = MonotonicClock.now()
        let backup = try inspect(source)
        try Compatibility.check(backupVersion: backup.migrationVersion, known: knownMigration, source: source)
        var saved: String?
        if let safetyCopy, FileIO.isFile(settings.path) {
            try write(settings.path, to: safetyCopy)
            saved = safetyCopy
        }
        do {
            try FileIO.makeDirectories(FilePath.directory(of: settings.path))
        } catch {
            throw ToolHostError(.ioError, "Cannot create the folder for the SQLite database \(settings.path): \(error.reason).")
        }
        do {
            try SQLiteBackup.copy(from: source, to: settings.path, sourceReadOnly: true)
        } catch {
            throw error.during("Cannot restore \(source) into \(settings.path)")
        }
        return RestoreReport(source: source, engine: .sqlite, safetyCopy: saved, migrationVersion: backup.migrationVersion,
                             schemas: [], seconds: MonotonicClock.now() - started)
    }

    struct Inspection {
        var migrationVersion: Int
    }

    /// Checks that `path` is a whole ToolHost SQLite database: it opens, passes
    /// `PRAGMA integrity_check`, and has the migrations table.
    static func inspect(_ path: String) throws(ToolHostError) -> Inspection {
        guard FileIO.isFile(path) else {
            throw ToolHostError(.notFound, "There is no backup file at \(path).")
        }
        do {
            let connection = try SQLiteConnection(path: path, readOnly: true)
            let problems = try connection.run("PRAGMA integrity_check").rows.compactMap { row in row.keys.first.flatMap { row[$0]?.stringValue } }
            guard problems == ["ok"] else {
                throw ToolHostError(.notABackup, "\(path) fails SQLite's integrity check: \(problems.prefix(3).joined(separator: "; ")).")
            }
            guard try connection.tableExists(Migrator.table) else {
                throw ToolHostError(.notABackup, "\(path) is an SQLite database but not ToolHost's: it has no toolhost_migrations table.")
            }
            let version = try connection.run("SELECT coalesce(max(version), 0) AS version FROM toolhost_migrations").rows.first?["version"]?.integerValue
            return Inspection(migrationVersion: version ?? 0)
        } catch let error as ToolHostError {
            throw error
        } catch let error as DatabaseError {
            throw ToolHostError(.notABackup, "\(path) is not a readable SQLite database: \(error.message).")
        } catch {
            throw ToolHostError(.internalError, "\(error)")
        }
    }

    /// The backup API into a temporary file beside `target`, then a durable rename.
    private static func write(_ database: String, to target: String) throws(ToolHostError) {
        let temporary = DurableFile.temporaryPath(beside: target)
        DurableFile.remove(temporary)
        do {
            try SQLiteBackup.copy(from: database, to: temporary, journalMode: "DELETE")
            try DurableFile.commit(temporary, to: target)
        } catch let error as DatabaseError {
            DurableFile.remove(temporary)
            throw error.during("Cannot back up \(database) to \(target)")
        } catch let error as ToolHostError {
            DurableFile.remove(temporary)
            throw error
        } catch {
            DurableFile.remove(temporary)
            throw ToolHostError(.internalError, "\(error)")
        }
    }
}

/// Whether this build can use a database restored from a backup.
enum Compatibility {
    /// A backup from a newer ToolHost has tables and columns this build does not know; an older
    /// one is fine (its pending migrations run on first use). `known`: the newest migration
    /// this build has.
    static func check(backupVersion: Int, known: Int, source: String) throws(ToolHostError) {
        guard backupVersion <= known else {
            throw ToolHostError(.incompatibleBackup, "\(source) was made by a newer ToolHost (migration \(backupVersion); this one knows up to \(known)): upgrade ToolHost before restoring it.")
        }
    }
}
