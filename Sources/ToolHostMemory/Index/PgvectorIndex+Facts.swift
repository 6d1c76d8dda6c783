import ToolHostCore
import ToolHostStorage

/// Validity, supersession and text match in the pgvector tables: the same columns and text
/// as `memory_vectors` has since migration 11 (`MemorySchema.addFactsAndTextSearch`). These
/// tables are made on first use, not by a migration, so a table made by an earlier ToolHost
/// gets them the first time this one meets it (`upgradeTable`).
extension PgvectorIndex {
    /// The columns and indexes a dimension's table needs beyond its vectors. Every statement
    /// says IF NOT EXISTS: it runs on new tables and on older ones alike.
    static func factsAndTextSQL(_ dimension: Int) -> String {
        let table = table(dimension)
        return """
            ALTER TABLE \(table) ADD COLUMN IF NOT EXISTS valid_from_us BIGINT, ADD COLUMN IF NOT EXISTS valid_to_us BIGINT,
                ADD COLUMN IF NOT EXISTS supersedes VARCHAR(255),
                ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS (\(MemorySchema.postgresSearchVector)) STORED;
            UPDATE \(table) SET valid_from_us = \(MemorySchema.postgresStartFromDocument) WHERE valid_from_us IS NULL AND document ? 'created_at';
            CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quote("idx_memory_pgvector_\(dimension)_supersedes")) ON \(table) (collection, supersedes)
                WHERE supersedes IS NOT NULL;
            CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quote("idx_memory_pgvector_\(dimension)_search")) ON \(table) USING GIN (search_vector);
            """
    }

    /// Adds validity and text match to a table an earlier ToolHost made, in one transaction
    /// under the lock that making the table takes (two processes meeting it at once upgrade it
    /// once). Adding the stored text column rewrites the table: a one-time cost, measured in
    /// seconds for 100,000 entries.
    func upgradeTable(_ dimension: Int) throws(ToolHostError) {
        try connection.transaction { () throws(ToolHostError) in
            _ = try connection.rows("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("toolhost.memory_pgvector.\(dimension)")])
            try withDatabaseErrors { () throws(DatabaseError) in
                try connection.executeScript(Self.factsAndTextSQL(dimension))
            }
        }
    }

    public func textSearch(_ query: VectorQuery, text: String) throws(ToolHostError) -> [VectorMatch] {
        let dimension = query.vector.count
        guard let words = ArtifactTextQuery(text), try existingDimensions().contains(dimension) else { return [] }
        let table = Self.table(dimension)
        var builder = SQLStatementBuilder(dialect: .postgres)
        let vector = builder.bind(.text(Self.literal(query.vector)))
        let tsquery = builder.bind(.text(words.tsquery))
        let conditions = ["e.search_vector @@ to_tsquery('english', \(tsquery))", "e.collection = \(builder.bind(.text(query.collection)))",
                          "e.embedder = \(builder.bind(.text(query.embedder)))"]
            + query.filterConditions(table: table, alias: "e", builder: &builder)
        let rows = try connection.rows("""
            SELECT artifact_id, document, 1 - (embedding <=> \(vector)::vector) AS score FROM \(table) e
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(ArtifactTextQuery.postgresRank("e.search_vector", tsquery)) DESC, artifact_id
            LIMIT \(builder.bind(.integer(Int64(query.limit))))
            """, builder.values)
        return rows.compactMap { row in
            guard let id = row["artifact_id"]?.stringValue, let score = row["score"]?.numberValue else { return nil }
            return VectorMatch(artifactID: id, score: Float(score), document: row["document"]?.objectValue ?? [:])
        }
    }

    public func supersedingIDs(collection: String, of artifactIDs: [String]) throws(ToolHostError) -> [String: [String]] {
        guard !artifactIDs.isEmpty else { return [:] }
        var result: [String: [String]] = [:]
        for dimension in try existingDimensions() {
            var builder = SQLStatementBuilder(dialect: .postgres)
            let rows = try connection.rows("""
                SELECT supersedes, artifact_id FROM \(Self.table(dimension)) WHERE collection = \(builder.bind(.text(collection)))
                AND supersedes IN (\(artifactIDs.map { builder.bind(.text($0)) }.joined(separator: ", ")))
                """, builder.values)
            for (id, newer) in ArtifactValidity.supersessors(rows) { result[id, default: []].append(contentsOf: newer) }
        }
        return result
    }
}
