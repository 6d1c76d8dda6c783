/// Full-text search over some text columns of a table, for "all these words" queries.
///
/// PostgreSQL: a GIN index on the English tsvector of the columns, kept current by the server.
/// SQLite: an FTS5 table over the same rows. Indexing a row at a time through an insert
/// trigger made bulk ingest ten times slower, so rows are indexed in bulk instead: `catchUp`
/// adds every row beyond a recorded watermark (ids only grow: AUTOINCREMENT), and runs after
/// bulk ingest and before every search. Updates and deletes of indexed rows are mirrored by
/// triggers.
public struct SearchIndex: Sendable {
    public let table: TableName
    public let columns: [String]
    /// The FTS5 table (SQLite) or GIN index (PostgreSQL): `<table>_fts` unless a table has
    /// several indexes.
    public let name: String
    /// The FTS5 tokenizer (default: FTS5's own, unicode61).
    public let sqliteTokenizer: String?

    public init(table: TableName, columns: [String], name: String? = nil, sqliteTokenizer: String? = nil) {
        self.table = table
        self.columns = columns
        self.name = name ?? "\(table.name)_fts"
        self.sqliteTokenizer = sqliteTokenizer
    }

    /// The indexed document on PostgreSQL; searches must use the same expression.
    public var postgresDocument: String {
        let parts = columns.enumerated().map { $0 == 0 ? SQLIdentifier.quote($1) : "coalesce(\(SQLIdentifier.quote($1)), '')" }
        return "to_tsvector('english', \(parts.joined(separator: " || ' ' || ")))"
    }

    public func create(on connection: any DatabaseConnection) throws(DatabaseError) {
        let source = SQLIdentifier.quote(table.name)
        switch connection.dialect {
        case .postgres:
            try connection.executeScript("CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quote(name)) ON \(table.quoted) USING GIN (\(postgresDocument))")
        case .sqlite:
            let fts = SQLIdentifier.quote(name)
            let columnList = columns.map(SQLIdentifier.quote).joined(separator: ", ")
            let oldValues = columns.map { "old.\(SQLIdentifier.quote($0))" }.joined(separator: ", ")
            let newValues = columns.map { "new.\(SQLIdentifier.quote($0))" }.joined(separator: ", ")
            let indexed = "old.id <= (SELECT last_id FROM toolhost_search_sync WHERE name = '\(name)')"
            try connection.executeScript("""
                CREATE TABLE IF NOT EXISTS toolhost_search_sync (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL);
                INSERT OR IGNORE INTO toolhost_search_sync (name, last_id) VALUES ('\(name)', 0);
                CREATE VIRTUAL TABLE IF NOT EXISTS \(fts) USING fts5(\(columnList), content=\(source), content_rowid='id'\(tokenizeOption));
                CREATE TRIGGER IF NOT EXISTS \(SQLIdentifier.quote(name + "_delete")) AFTER DELETE ON \(source) WHEN \(indexed) BEGIN
                    INSERT INTO \(fts)(\(fts), rowid, \(columnList)) VALUES ('delete', old.id, \(oldValues));
                END;
                CREATE TRIGGER IF NOT EXISTS \(SQLIdentifier.quote(name + "_update")) AFTER UPDATE OF \(columnList) ON \(source) WHEN \(indexed) BEGIN
                    INSERT INTO \(fts)(\(fts), rowid, \(columnList)) VALUES ('delete', old.id, \(oldValues));
                    INSERT INTO \(fts)(rowid, \(columnList)) VALUES (new.id, \(newValues));
                END;
                """)
            try catchUp(on: connection)
        }
    }

    private var tokenizeOption: String {
        sqliteTokenizer.map { ", tokenize='\($0)'" } ?? ""
    }

    /// SQLite: indexes the rows added since the last catch-up (in bulk). PostgreSQL: nothing.
    /// Reading whether anything is missing takes no lock; only then is the write lock taken.
    public func catchUp(on connection: any DatabaseConnection) throws(DatabaseError) {
        guard connection.dialect == .sqlite else { return }
        if !connection.inTransaction {
            let behind = try connection.run("""
                SELECT coalesce((SELECT max(id) FROM \(SQLIdentifier.quote(table.name))), 0)
                     > coalesce((SELECT last_id FROM toolhost_search_sync WHERE name = '\(name)'), 0) AS behind
                """).rows.first?["behind"]
            guard behind == .integer(1) || behind == .bool(true) else { return }
        }
        let fts = SQLIdentifier.quote(name)
        let columnList = columns.map(SQLIdentifier.quote).joined(separator: ", ")
        let watermark = "(SELECT last_id FROM toolhost_search_sync WHERE name = '\(name)')"
        try connection.transaction { () throws(DatabaseError) in
            try connection.executeScript("""
                INSERT INTO \(fts)(rowid, \(columnList)) SELECT id, \(columnList) FROM \(SQLIdentifier.quote(table.name)) WHERE id > \(watermark);
                UPDATE toolhost_search_sync SET last_id = (SELECT coalesce(max(id), last_id) FROM \(SQLIdentifier.quote(table.name))) WHERE name = '\(name)';
                """)
        }
    }

    /// A WHERE condition matching rows that contain all the words of `text`.
    public func condition(matching text: String, builder: inout SQLStatementBuilder) -> String {
        switch builder.dialect {
        case .postgres:
            return "\(postgresDocument) @@ plainto_tsquery('english', \(builder.bind(.text(text))))"
        case .sqlite:
            let fts = SQLIdentifier.quote(name)
            return "id IN (SELECT rowid FROM \(fts) WHERE \(fts) MATCH \(builder.bind(.text(Self.ftsQuery(text)))))"
        }
    }

    /// FTS5 syntax for "all these words": each word quoted, so user text is never FTS syntax.
    public static func ftsQuery(_ text: String) -> String {
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).map { "\"" + $0 + "\"" }
        return words.isEmpty ? "\"\"" : words.joined(separator: " ")
    }
}
