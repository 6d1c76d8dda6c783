import ToolHostCore

/// What `db backup` wrote.
public struct BackupReport: Sendable {
    /// The file (SQLite) or folder (PostgreSQL) written.
    public var path: String
    public var engine: DatabaseSettings.Kind
    /// The highest migration applied in the copy (0: never migrated).
    public var migrationVersion: Int
    /// One entry per file: the SQLite file, or one pg_dump archive per schema.
    public var parts: [Part]
    public var seconds: Double

    public struct Part: Sendable {
        /// The PostgreSQL schema, nil for SQLite's single file.
        public var schema: String?
        public var file: String
        public var bytes: Int
    }

    public var bytes: Int { parts.reduce(0) { $0 + $1.bytes } }

    public var json: JSONObject {
        [
            "success": true, "engine": .string(engine.rawValue), "path": .string(path),
            "bytes": .int(bytes), "migration_version": .int(migrationVersion),
            "seconds": .double((seconds * 1000).rounded() / 1000),
            "parts": .array(parts.map { ["schema": $0.schema.map(JSONValue.string) ?? .null, "file": .string($0.file), "bytes": .int($0.bytes)] }),
        ]
    }
}

/// What `db restore` did.
public struct RestoreReport: Sendable {
    public var source: String
    public var engine: DatabaseSettings.Kind
    /// Where the database as it was before the restore was saved; nil when it was not.
    public var safetyCopy: String?
    public var migrationVersion: Int
    /// PostgreSQL: the schemas replaced.
    public var schemas: [String]
    public var seconds: Double

    public var json: JSONObject {
        [
            "success": true, "engine": .string(engine.rawValue), "restored_from": .string(source),
            "safety_copy": safetyCopy.map(JSONValue.string) ?? .null, "migration_version": .int(migrationVersion),
            "schemas": .array(schemas.map(JSONValue.string)), "seconds": .double((seconds * 1000).rounded() / 1000),
        ]
    }
}
