import ToolHostCore

extension ErrorCode {
    /// `db backup` would overwrite an existing file or folder; `--force` allows it.
    public static let fileExists = ErrorCode("file_exists")
    /// `db restore` was given something that is not a ToolHost backup of this engine (not an
    /// SQLite file, a failed integrity check, no migrations table, no manifest).
    public static let notABackup = ErrorCode("not_a_backup")
    /// The backup was made by a newer ToolHost: its schema has migrations this build lacks.
    public static let incompatibleBackup = ErrorCode("incompatible_backup")
    /// pg_dump, pg_restore or psql failed; the message carries their first error line.
    public static let backupFailed = ErrorCode("backup_failed")
}

extension DatabaseError {
    /// The error to print, with a sentence saying what was being done first.
    func during(_ activity: String) -> ToolHostError {
        let base = toolHostError
        return ToolHostError(base.code, "\(activity): \(base.message)", details: base.details)
    }
}
