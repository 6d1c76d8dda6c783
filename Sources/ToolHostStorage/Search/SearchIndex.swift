/// Full-text search over some text columns of a table, for "all these words" queries.
///
/// PostgreSQL: a GIN index on the English tsvector of the columns, kept current by the server.
/// SQLite: an FTS5 table over the same rows. Indexing a row at a time through an insert
/// trigger made bulk ingest ten times slower, so rows are indexed in bulk instead: `catchUp`
/// adds every row beyond a recorded watermark (ids only grow: AUTOINCREMENT), and runs before
/// every search — not after a bulk store, whose rows would cost several times as much to index
/// as to store, and whose caller may never search them (the first search pays, and says so).
/// The watermark lives in the same database as the rows, so it moves in the same transaction
/// as what it indexes. Updates and deletes of indexed rows are mirrored by triggers; rows past
/// the watermark need nothing (the catch-up reads them as they are then).
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
            try catchUpAsMigrationsShipped(on: connection)
        }
    }

    /// The catch-up that `create` ran when the migrations calling it shipped: their pinned
    /// checksums cover these statements, and a migration never changes (`catchUp` does the
    /// same work in steps for searches).
    private func catchUpAsMigrationsShipped(on connection: any DatabaseConnection) throws(DatabaseError) {
        if !connection.inTransaction {
            let behind = try connection.run("""
                SELECT coalesce((SELECT max(id) FROM \(SQLIdentifier.quote(table.name))), 0)
                     > coalesce((SELECT last_id FROM toolhost_search_sync WHERE name = '\(name)'), 0) AS behind
                """).rows.first?["behind"]
            guard behind == .integer(1) || behind == .bool(true) else { return }
        }
        let fts = SQLIdentifier.quote(name)
        let columnList = columns.map(SQLIdentifier.quote).joined(separator: ", ")
        let shippedWatermark = "(SELECT last_id FROM toolhost_search_sync WHERE name = '\(name)')"
        try connection.transaction { () throws(DatabaseError) in
            try connection.executeScript("""
                INSERT INTO \(fts)(rowid, \(columnList)) SELECT id, \(columnList) FROM \(SQLIdentifier.quote(table.name)) WHERE id > \(shippedWatermark);
                UPDATE toolhost_search_sync SET last_id = (SELECT coalesce(max(id), last_id) FROM \(SQLIdentifier.quote(table.name))) WHERE name = '\(name)';
                """)
        }
    }

    private var tokenizeOption: String {
        sqliteTokenizer.map { ", tokenize='\($0)'" } ?? ""
    }

    /// Rows indexed per transaction of a catch-up. A large backlog (a million-row batch left
    /// to the first search) is indexed in steps that each commit with their watermark: progress
    /// can be reported between them, and a catch-up cut short (a crash, a kill) keeps its steps.
    public static let catchUpStepRows = 200_000

    /// SQLite: how many stored rows the index has not seen yet. PostgreSQL: 0 (the server keeps
    /// its index current). A range count on the rowid: cheap when nothing is behind, and far
    /// cheaper than indexing what is.
    public func rowsBehind(on connection: any DatabaseConnection) throws(DatabaseError) -> Int {
        guard connection.dialect == .sqlite else { return 0 }
        let row = try connection.run("SELECT count(*) AS behind FROM \(SQLIdentifier.quote(table.name)) WHERE id > \(watermark)").rows.first
        return row?["behind"]?.integerValue ?? 0
    }

    /// SQLite: indexes the rows added since the last catch-up, in bulk (in steps of `stepRows`,
    /// each its own transaction unless the caller's transaction is open).
    /// After each step `progress` hears the rows indexed so far and the backlog, and answers
    /// whether to go on (a cancelled call stops; the next catch-up goes on from there).
    /// PostgreSQL: nothing. Reading whether anything is missing takes no lock; only then is
    /// the write lock taken.
    public func catchUp(on connection: any DatabaseConnection, stepRows: Int = SearchIndex.catchUpStepRows,
                        progress: ((_ indexed: Int, _ backlog: Int) -> Bool)? = nil) throws(DatabaseError) {
        guard connection.dialect == .sqlite else { return }
        let backlog = try rowsBehind(on: connection)
        guard backlog > 0 else { return }
        var indexed = 0
        while true {
            let step = try connection.transaction { () throws(DatabaseError) -> Int in try indexNextStep(of: stepRows, on: connection) }
            guard step > 0 else { return }
            indexed += step
            guard progress?(indexed, max(backlog, indexed)) ?? true else { return }
        }
    }

    /// Indexes the next `rows` rows past the watermark and moves it past them, in
    /// the open transaction (which holds the write lock, so no row can appear below the new
    /// watermark: ids only grow). Returns how many rows it indexed.
    private func indexNextStep(of rows: Int, on connection: any DatabaseConnection) throws(DatabaseError) -> Int {
        let source = SQLIdentifier.quote(table.name)
        let next = try connection.run(
            "SELECT count(*) AS n, max(id) AS upto FROM (SELECT id FROM \(source) WHERE id > \(watermark) ORDER BY id LIMIT ?1)",
            [.integer(Int64(max(rows, 1)))]).rows.first
        guard let count = next?["n"]?.integerValue, count > 0, let upto = next?["upto"]?.integerValue else { return 0 }
        let fts = SQLIdentifier.quote(name)
        let columnList = columns.map(SQLIdentifier.quote).joined(separator: ", ")
        try connection.run("INSERT INTO \(fts)(rowid, \(columnList)) SELECT id, \(columnList) FROM \(source) WHERE id > \(watermark) AND id <= ?1",
                           [.integer(Int64(upto))])
        // An upsert: with the watermark's row missing, an UPDATE would leave it behind for ever.
        try connection.run("INSERT OR REPLACE INTO toolhost_search_sync (name, last_id) VALUES (?1, ?2)", [.text(name), .integer(Int64(upto))])
        return count
    }

    /// The id of the last row indexed (0 before any).
    private var watermark: String {
        "coalesce((SELECT last_id FROM toolhost_search_sync WHERE name = '\(name)'), 0)"
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
