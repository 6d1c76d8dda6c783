import ToolHostCore
import ToolHostStorage

/// PostgreSQL's `vector` extension: a `vector(n)` column with an HNSW index (cosine), ordered
/// by `<=>` in SQL, type and tag filters in the WHERE clause. The table has no other index a
/// search could use (only the unique key), so the planner has one way to order by distance.
///
/// A `vector(n)` column has one dimension, so each dimension gets its own table
/// (`memory_pgvector_384`), made on first use: after an embedder change `reindex` moves the
/// entries to the new dimension's table, and a search never meets vectors of another size.
public struct PgvectorIndex: VectorIndex {
    let connection: any DatabaseConnection
    let settings: MemorySettings
    static let tablePrefix = "memory_pgvector_"
    /// A write of this many entries refreshes the table's statistics at once (autovacuum would
    /// get there minutes later).
    static let analyzeAfterRows = 1000
    /// A batch of at least this many entries, and at least as many as the table holds, builds
    /// the HNSW index afresh instead of inserting into it.
    static let rebuildBatchMinimum = 5000
    /// pgvector's HNSW indexes vectors of up to this many dimensions; larger ones are searched exactly.
    static let hnswMaximumDimension = 2000

    private static func hnswIndexName(_ dimension: Int) -> String { SQLIdentifier.quote("idx_memory_pgvector_\(dimension)_hnsw") }

    /// Builds the dimension's HNSW index with no statement time limit: a build over many rows
    /// takes minutes, and stopping it would throw the whole load away.
    private func buildIndex(_ dimension: Int) throws(ToolHostError) {
        _ = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.run(hnswIndexSQL(dimension), [], options: QueryOptions(timeoutSeconds: 0))
        }
    }

    private func hnswIndexSQL(_ dimension: Int) -> String {
        "CREATE INDEX IF NOT EXISTS \(Self.hnswIndexName(dimension)) ON \(Self.table(dimension)) USING hnsw (embedding vector_cosine_ops) "
            + "WITH (m = \(settings.hnswM), ef_construction = \(settings.hnswEfConstruction))"
    }

    public init(connection: any DatabaseConnection, settings: MemorySettings) {
        self.connection = connection
        self.settings = settings
    }

    static func table(_ dimension: Int) -> String { SQLIdentifier.quote("\(tablePrefix)\(dimension)") }

    public func upsert(_ records: [VectorRecord]) throws(ToolHostError) {
        guard !records.isEmpty else { return }
        try connection.transaction { () throws(ToolHostError) in
            var tables = Set(try existingDimensions())
            for (dimension, group) in Dictionary(grouping: records, by: \.vector.count).sorted(by: { $0.key < $1.key }) {
                if !tables.contains(dimension) {
                    try createTable(dimension)
                    tables.insert(dimension)
                }
                // An entry moves between tables when its dimension changes: never two copies.
                for other in tables where other != dimension {
                    for (collection, members) in Dictionary(grouping: group, by: \.collection) {
                        try delete(table: Self.table(other), collection: collection, ids: members.map(\.artifactID))
                    }
                }
                // Building an HNSW graph in one pass is several times faster than inserting into
                // it row by row (measured: 47 s against 558 s for 100,000 vectors), so a batch at
                // least as large as the table already is (a first load) drops the index and builds
                // it again once the rows are in, inside this transaction: searches of the table
                // wait for the load instead of seeing it half-indexed.
                var rebuild = dimension <= Self.hnswMaximumDimension && group.count >= Self.rebuildBatchMinimum
                if rebuild {
                    let held = try connection.rows("SELECT count(*) AS n FROM \(Self.table(dimension))").first?["n"]?.integerValue ?? 0
                    rebuild = group.count >= held
                }
                if rebuild { _ = try connection.rows("DROP INDEX IF EXISTS \(Self.hnswIndexName(dimension))") }
                let now = Timestamp.now().iso8601
                try withDatabaseErrors { () throws(DatabaseError) in
                    try connection.insertRows(
                        into: Self.table(dimension),
                        columns: ["collection", "artifact_id", "artifact_type", "tags", "document", "content_hash", "embedder", "embedding", "updated_at"]
                            + ValidityColumns.names,
                        rows: group.map { record in
                            [.text(record.collection), .text(record.artifactID), .text(record.artifactType),
                             .json(.array(record.tags.map { .string($0) })), .json(.object(record.document)), .text(record.contentHash),
                             .text(record.embedder), .text(Self.literal(record.vector)), .text(now)] + ValidityColumns.values(record.validity)
                        },
                        suffix: """
                            ON CONFLICT (collection, artifact_id) DO UPDATE SET artifact_type = excluded.artifact_type, tags = excluded.tags,
                                document = excluded.document, content_hash = excluded.content_hash, embedder = excluded.embedder,
                                embedding = excluded.embedding, updated_at = excluded.updated_at, \(ValidityColumns.updates)
                            """,
                        wrap: { column, placeholder in column == 7 ? "\(placeholder)::vector" : placeholder })
                }
                if rebuild {
                    _ = try connection.rows("SELECT set_config('maintenance_work_mem', '256MB', true)")
                    try buildIndex(dimension)
                }
                // Fresh statistics at once after a large write: without them the planner may
                // think a collection holds one row and sort the table instead of walking HNSW.
                if group.count >= Self.analyzeAfterRows { _ = try connection.rows("ANALYZE \(Self.table(dimension))") }
            }
        }
    }

    @discardableResult
    public func remove(collection: String, artifactIDs: [String]) throws(ToolHostError) -> Int {
        guard !artifactIDs.isEmpty else { return 0 }
        var removed = 0
        for dimension in try existingDimensions() {
            removed += try delete(table: Self.table(dimension), collection: collection, ids: artifactIDs)
        }
        return removed
    }

    public func record(collection: String, artifactID: String) throws(ToolHostError) -> VectorRecord? {
        for dimension in try existingDimensions() {
            let rows = try connection.rows("""
                SELECT collection, artifact_id, artifact_type, tags, document, content_hash, embedder FROM \(Self.table(dimension))
                WHERE collection = $1 AND artifact_id = $2
                """, [.text(collection), .text(artifactID)])
            if let row = rows.first { return SQLVectorIndex.record(from: row) }
        }
        return nil
    }

    public func page(after cursor: VectorCursor?, limit: Int) throws(ToolHostError) -> [VectorRecord] {
        let dimensions = try existingDimensions()
        guard !dimensions.isEmpty else { return [] }
        let union = dimensions.map {
            "SELECT collection, artifact_id, artifact_type, tags, document, content_hash, embedder FROM \(Self.table($0))"
        }.joined(separator: " UNION ALL ")
        var values: [SQLValue] = [.integer(Int64(limit))]
        var condition = ""
        if let cursor {
            values += [.text(cursor.collection), .text(cursor.artifactID)]
            condition = "WHERE (collection, artifact_id) > ($2, $3)"
        }
        let rows = try connection.rows("SELECT * FROM (\(union)) entries \(condition) ORDER BY collection, artifact_id LIMIT $1", values)
        return rows.map(SQLVectorIndex.record(from:))
    }

    public func fingerprints(collection: String) throws(ToolHostError) -> [String: (contentHash: String, embedder: String)] {
        var result: [String: (contentHash: String, embedder: String)] = [:]
        for dimension in try existingDimensions() {
            for row in try connection.rows("SELECT artifact_id, content_hash, embedder FROM \(Self.table(dimension)) WHERE collection = $1",
                                                 [.text(collection)]) {
                if let id = row["artifact_id"]?.stringValue {
                    result[id] = (row["content_hash"]?.stringValue ?? "", row["embedder"]?.stringValue ?? "")
                }
            }
        }
        return result
    }

    public func search(_ query: VectorQuery) throws(ToolHostError) -> [VectorMatch] {
        let dimension = query.vector.count
        guard try existingDimensions().contains(dimension) else { return [] }
        let table = Self.table(dimension)
        var builder = SQLStatementBuilder(dialect: .postgres)
        let vector = builder.bind(.text(Self.literal(query.vector)))
        let conditions = ["e.collection = \(builder.bind(.text(query.collection)))", "e.embedder = \(builder.bind(.text(query.embedder)))"]
            + query.filterConditions(table: table, alias: "e", builder: &builder)
        let sql = """
            SELECT artifact_id, document, 1 - (embedding <=> \(vector)::vector) AS score FROM \(table) e
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY embedding <=> \(vector)::vector LIMIT \(builder.bind(.integer(Int64(query.limit))))
            """
        let values = builder.values
        var rows = try connection.transaction { () throws(ToolHostError) in
            _ = try connection.rows("SELECT set_config('hnsw.ef_search', $1, true)", [.text(String(max(settings.hnswEfSearch, query.limit)))])
            return try connection.rows(sql, values)
        }
        // HNSW with a filter can come back short (it walks ef_search neighbours, then
        // filters); an exact scan then finds what the filter allows.
        if rows.count < query.limit {
            rows = try connection.transaction { () throws(ToolHostError) in
                _ = try connection.rows("SELECT set_config('enable_indexscan', 'off', true)")
                return try connection.rows(sql, values)
            }
        }
        return rows.compactMap { row in
            guard let id = row["artifact_id"]?.stringValue, let score = row["score"]?.numberValue, Float(score) >= query.minSimilarity else { return nil }
            return VectorMatch(artifactID: id, score: Float(score), document: row["document"]?.objectValue ?? [:])
        }
    }

    public func stats() throws(ToolHostError) -> [CollectionStats] {
        let dimensions = try existingDimensions()
        guard !dimensions.isEmpty else { return [] }
        let union = dimensions.map { "SELECT collection, embedder, artifact_type FROM \(Self.table($0))" }.joined(separator: " UNION ALL ")
        let rows = try connection.rows("""
            SELECT collection, embedder, artifact_type, count(*) AS n FROM (\(union)) entries
            GROUP BY collection, embedder, artifact_type ORDER BY collection
            """)
        return CollectionStats.grouping(rows)
    }

    /// Rebuilds each HNSW index whose m or ef_construction differ from the settings (an index
    /// is made once, so a changed setting takes effect here).
    public func rebuildStructures() throws(ToolHostError) -> Int {
        var rebuilt = 0
        for dimension in try existingDimensions() where dimension <= Self.hnswMaximumDimension {
            let definition = try connection.rows("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1",
                                                 [.text("idx_memory_pgvector_\(dimension)_hnsw")]).first?["indexdef"]?.stringValue ?? ""
            let wanted = "m='\(settings.hnswM)', ef_construction='\(settings.hnswEfConstruction)'"
            guard !definition.contains(wanted) else { continue }
            try connection.transaction { () throws(ToolHostError) in
                _ = try connection.rows("DROP INDEX IF EXISTS \(Self.hnswIndexName(dimension))")
                _ = try connection.rows("SELECT set_config('maintenance_work_mem', '256MB', true)")
                try buildIndex(dimension)
            }
            rebuilt += 1
        }
        return rebuilt
    }

    // MARK: Tables

    /// The dimensions that have a table; a table made before validity and text match existed
    /// gets their columns first (`upgradeTable`).
    func existingDimensions() throws(ToolHostError) -> [Int] {
        let rows = try connection.rows("""
            SELECT substr(t.tablename, \(Self.tablePrefix.count + 1)) AS dimension,
                   EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = t.schemaname
                           AND c.table_name = t.tablename AND c.column_name = 'search_vector') AS current
            FROM pg_tables t WHERE t.schemaname = current_schema() AND t.tablename LIKE 'memory\\_pgvector\\_%'
            """)
        var dimensions: [Int] = []
        for row in rows {
            guard let dimension = row["dimension"]?.stringValue.flatMap({ Int($0) }) else { continue }
            if row["current"]?.boolValue == false { try upgradeTable(dimension) }
            dimensions.append(dimension)
        }
        return dimensions.sorted()
    }

    /// The extension, the dimension's table and its indexes, made once.
    private func createTable(_ dimension: Int) throws(ToolHostError) {
        // Two processes making the same table at once would collide in the catalogue.
        _ = try connection.rows("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("toolhost.memory_pgvector.\(dimension)")])
        guard (1...16000).contains(dimension) else {
            throw ToolHostError(.dimensionMismatch, "pgvector indexes vectors of up to 16,000 dimensions, not \(dimension).")
        }
        do throws(DatabaseError) {
            try connection.executeScript("CREATE EXTENSION IF NOT EXISTS vector")
        } catch {
            throw ToolHostError(.vectorIndexUnavailable, "memory.index is pgvector, but the vector extension cannot be created in this database: \(error.message). Install pgvector on the server (or ask an administrator to run CREATE EXTENSION vector), or use memory.index: sql.")
        }
        let table = Self.table(dimension)
        let hnsw = dimension <= Self.hnswMaximumDimension ? hnswIndexSQL(dimension) + ";" : ""
        try withDatabaseErrors { () throws(DatabaseError) in
            try connection.executeScript("""
                CREATE TABLE IF NOT EXISTS \(table) (
                    id BIGSERIAL PRIMARY KEY,
                    collection VARCHAR(100) NOT NULL,
                    artifact_id VARCHAR(255) NOT NULL,
                    artifact_type VARCHAR(100) NOT NULL,
                    tags JSONB,
                    document JSONB NOT NULL,
                    content_hash VARCHAR(64),
                    embedder VARCHAR(255) NOT NULL,
                    embedding vector(\(dimension)) NOT NULL,
                    updated_at TIMESTAMPTZ DEFAULT now(),
                    UNIQUE (collection, artifact_id)
                );
                \(hnsw)
                """)
            try connection.executeScript(Self.factsAndTextSQL(dimension))
        }
    }

    @discardableResult
    private func delete(table: String, collection: String, ids: [String]) throws(ToolHostError) -> Int {
        try withDatabaseErrors { () throws(DatabaseError) in
            try connection.deleteRows(from: table, where: "artifact_id", in: ids, scope: ("collection", .text(collection)))
        }
    }

    /// pgvector's text form, `[0.1,-0.2,...]`.
    static func literal(_ vector: [Float]) -> String {
        "[" + vector.map { $0.isFinite ? "\($0)" : "0" }.joined(separator: ",") + "]"
    }
}
