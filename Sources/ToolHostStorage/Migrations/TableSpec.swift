/// A table described once and rendered for either dialect, so the two schemas cannot drift.
///
/// `create(on:)` makes the table if it is missing and adds any of its columns an older
/// deployment's table lacks (nullable, so existing rows stay valid), then its indexes.
public struct TableSpec: Sendable {
    public enum ColumnType: Sendable {
        /// Auto-numbered primary key.
        case id
        /// VARCHAR(n) on PostgreSQL, TEXT on SQLite.
        case string(Int)
        case text
        case integer
        case bigint
        case double
        /// NUMERIC on PostgreSQL, REAL on SQLite.
        case numeric
        case boolean
        /// JSONB on PostgreSQL, JSON-declared TEXT on SQLite.
        case json
        /// TIMESTAMPTZ on PostgreSQL, fixed-width ISO-8601 text on SQLite.
        case timestamp
        case uuid
        case bytes
    }

    public struct Column: Sendable {
        public let name: String
        public let type: ColumnType
        public var notNull = false
        public var unique = false
        /// A default in SQL, per dialect; `now` is spelled for both by `.timestamp` defaults.
        public var defaultNow = false
        public var defaultSQL: String?
        /// The primary key when it is not an auto-numbered `.id` (a UUID chosen by the caller).
        public var primaryKey = false
        /// A foreign key to this table's `id` (new tables only; adopted ones keep theirs).
        public var references: TableName?

        public init(_ name: String, _ type: ColumnType, notNull: Bool = false, unique: Bool = false,
                    defaultNow: Bool = false, defaultSQL: String? = nil, primaryKey: Bool = false, references: TableName? = nil) {
            self.name = name
            self.type = type
            self.notNull = notNull
            self.unique = unique
            self.defaultNow = defaultNow
            self.defaultSQL = defaultSQL
            self.primaryKey = primaryKey
            self.references = references
        }
    }

    public struct Index: Sendable {
        public let name: String
        /// Column list as SQL, e.g. `tool_id, created_at DESC`.
        public let columns: String
        public var unique = false
        /// A PostgreSQL index method (`GIN`); such an index exists on PostgreSQL only.
        public var postgresMethod: String?

        public init(_ name: String, _ columns: String, unique: Bool = false, postgresMethod: String? = nil) {
            self.name = name
            self.columns = columns
            self.unique = unique
            self.postgresMethod = postgresMethod
        }
    }

    public let table: TableName
    public let columns: [Column]
    public let indexes: [Index]

    public init(_ table: TableName, columns: [Column], indexes: [Index] = []) {
        self.table = table
        self.columns = columns
        self.indexes = indexes
    }

    public func create(on connection: any DatabaseConnection) throws(DatabaseError) {
        let dialect = connection.dialect
        let target = dialect == .postgres ? table.quoted : SQLIdentifier.quote(table.name)
        let definitions = columns.map { definition($0, dialect: dialect, forNewTable: true) }
        try connection.executeScript("CREATE TABLE IF NOT EXISTS \(target) (\n    \(definitions.joined(separator: ",\n    "))\n)")
        let existing = Set(try connection.columns(of: table).map(\.name))
        for column in columns where column.type != .id && !existing.contains(column.name) {
            // `DEFAULT now()` in ADD COLUMN would give every existing row the migration's time
            // on PostgreSQL: the column is added empty and gets its default afterwards.
            var added = column
            added.defaultNow = false
            let name = SQLIdentifier.quote(column.name)
            try connection.executeScript("ALTER TABLE \(target) ADD COLUMN \(definition(added, dialect: dialect, forNewTable: false))")
            if column.defaultNow, dialect == .postgres {
                try connection.executeScript("ALTER TABLE \(target) ALTER COLUMN \(name) SET DEFAULT now()")
            }
        }
        for index in indexes where index.postgresMethod == nil || dialect == .postgres {
            let name = SQLIdentifier.quote(index.name)
            let method = index.postgresMethod.map { "USING \($0) " } ?? ""
            let on = dialect == .postgres ? "\(target) \(method)(\(index.columns))" : "\(SQLIdentifier.quote(table.name)) (\(index.columns))"
            try connection.executeScript("CREATE \(index.unique ? "UNIQUE " : "")INDEX IF NOT EXISTS \(name) ON \(on)")
        }
    }

    /// `"name" TYPE [constraints]`. Columns added to an existing table get no NOT NULL/UNIQUE.
    private func definition(_ column: Column, dialect: SQLDialect, forNewTable: Bool) -> String {
        var parts = [SQLIdentifier.quote(column.name), Self.sqlType(column.type, dialect)]
        if forNewTable {
            if column.primaryKey { parts.append("PRIMARY KEY") }
            if column.notNull && column.type != .id { parts.append("NOT NULL") }
            if column.unique { parts.append("UNIQUE") }
            if let target = column.references {
                parts.append("REFERENCES \(dialect == .postgres ? target.quoted : SQLIdentifier.quote(target.name)) (id)")
            }
        }
        if column.defaultNow {
            // SQLite refuses ADD COLUMN with a non-constant default; such a column starts empty.
            if dialect == .postgres || forNewTable { parts.append(dialect == .postgres ? "DEFAULT now()" : "DEFAULT (\(Self.sqliteNow))") }
        } else if let defaultSQL = column.defaultSQL {
            parts.append("DEFAULT \(defaultSQL)")
        }
        return parts.joined(separator: " ")
    }

    /// The current time in the fixed-width spelling of `Timestamp.storageText`.
    static let sqliteNow = "strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')"

    static func sqlType(_ type: ColumnType, _ dialect: SQLDialect) -> String {
        switch (type, dialect) {
        case (.id, .postgres): "BIGSERIAL PRIMARY KEY"
        case (.id, .sqlite): "INTEGER PRIMARY KEY AUTOINCREMENT"  // ids only grow: search catch-up relies on it
        case (.string(let length), .postgres): "VARCHAR(\(length))"
        case (.string, .sqlite), (.text, _): "TEXT"
        case (.integer, _): "INTEGER"
        case (.bigint, _): "BIGINT"
        case (.double, .postgres): "DOUBLE PRECISION"
        case (.double, .sqlite): "REAL"
        case (.numeric, .postgres): "NUMERIC"
        case (.numeric, .sqlite): "REAL"
        case (.boolean, _): "BOOLEAN"
        case (.json, .postgres): "JSONB"
        case (.json, .sqlite): "JSON"
        case (.timestamp, .postgres): "TIMESTAMPTZ"
        case (.timestamp, .sqlite): "TIMESTAMP"
        case (.uuid, .postgres): "UUID"
        case (.uuid, .sqlite): "TEXT"
        case (.bytes, .postgres): "BYTEA"
        case (.bytes, .sqlite): "BLOB"
        }
    }
}

extension TableSpec.ColumnType: Equatable {}
